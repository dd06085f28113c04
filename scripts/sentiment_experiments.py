"""Sentiment experiments of issue 23 (item 3), each judged by 5-fold cross-validation on the training
set, never by the held-out set: one line per experiment, CV macro-F1 averaged over ``--seeds``, and
the same out-of-fold predictions scored on the old labels alone and on the addendum's articles.

    .venv/bin/python scripts/sentiment_experiments.py [--addendum tests/data/sentiment_train/addendum.jsonl]
        [--seeds 20261127 2 3] [--only NAME ...] [--features FILE.pkl]

The articles are featurised once (about 10 minutes on one core) and kept in ``--features``. The
table this prints is the one in ``tests/data/sentiment_train/README.md``.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.evaluate import macro_f1, per_label  # noqa: E402
from analysis.sentiment_training import (  # noqa: E402
    LABELS,
    LabelledText,
    Settings,
    cross_scores,
    cv_result,
    load_labelled,
    merge_addendum,
)
from presswatch.config import load_analyzer  # noqa: E402

Features = dict[str, float]
NEW = ("f:", "fp:", "l:", "p:", "plex:", "prov:")  # the features added in this session


def features_of(examples: Sequence[LabelledText], path: Path) -> list[Features]:
    known: dict[tuple[str, str], Features] = pickle.loads(path.read_bytes()) if path.exists() else {}
    missing = [e for e in examples if (e.title, e.text) not in known]
    if missing:
        analyzer = load_analyzer(ROOT / "config", with_entities=False, sentiment_model=False)
        started = time.perf_counter()
        for e in missing:
            known[(e.title, e.text)] = analyzer.analyze(e.title, e.text).sentiment_features
        path.write_bytes(pickle.dumps(known))
        print(f"  [{len(missing)} featurised in {time.perf_counter() - started:.0f} s]", flush=True)
    return [known[(e.title, e.text)] for e in examples]


def run(name: str, features: list[Features], examples: Sequence[LabelledText], settings: Settings,
        seeds: Sequence[int], subsets: dict[str, list[int]]) -> float:
    gold = [e.label for e in examples]
    trust = np.array([e.weight for e in examples])
    totals = []
    parts: dict[str, list[float]] = {key: [] for key in subsets}
    started = time.perf_counter()
    for seed in seeds:
        scores, tests = cross_scores(features, gold, trust, settings, 5, seed)
        result = cv_result(gold, scores, tests, settings.neutral_shift, settings.positive_shift)
        totals.append(result.macro_f1)
        for key, rows in subsets.items():
            parts[key].append(macro_f1(per_label([gold[i] for i in rows], [result.predicted[i] for i in rows],
                                                 tuple(LABELS))))
    extra = "  ".join(f"{key} {np.mean(v):.3f}" for key, v in parts.items())
    print(f"{name:<48} CV {np.mean(totals):.3f} ({' / '.join(f'{t:.3f}' for t in totals)})  {extra}"
          f"  [{time.perf_counter() - started:.0f} s]", flush=True)
    return float(np.mean(totals))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "sentiment_train" / "train.jsonl.gz")
    parser.add_argument("--addendum", type=Path)
    parser.add_argument("--addendum-weight", type=float, nargs="+", default=[1.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[20261127])
    parser.add_argument("--only", nargs="+")
    parser.add_argument("--features", type=Path, default=Path("/tmp/sentiment_features.pkl"))
    args = parser.parse_args()
    train = load_labelled(args.data)
    added = load_labelled(args.addendum) if args.addendum else []
    base = Settings()
    old = ("b:",) + NEW
    experiments: list[tuple[str, Settings]] = [
        ("baseline: shipped features, Adam, l2 1", replace(base, drop=NEW)),
        ("scikit-learn L-BFGS, l2 1", replace(base, drop=NEW, solver="lbfgs")),
        ("scikit-learn L-BFGS, l2 3", replace(base, drop=NEW, solver="lbfgs", l2=3.0)),
        ("scikit-learn L-BFGS, l2 10", replace(base, drop=NEW, solver="lbfgs", l2=10.0)),
        ("Adam l2 3", replace(base, drop=NEW, l2=3.0)),
        ("min_df 10", replace(base, drop=NEW, min_df=10)),
        ("min_df 30", replace(base, drop=NEW, min_df=30)),
        ("no bigrams", replace(base, drop=old)),
        ("positive +0.2", replace(base, drop=NEW, positive_shift=0.2)),
        ("positive +0.4", replace(base, drop=NEW, positive_shift=0.4)),
        ("+ frames (f:)", replace(base, drop=("fp:", "l:", "p:", "plex:", "prov:"))),
        ("+ frames × province (f:, fp:, prov:)", replace(base, drop=("l:", "p:", "plex:"))),
        ("+ province scope (p:, plex:, prov:)", replace(base, drop=("f:", "fp:", "l:"))),
        ("+ lead words (l:)", replace(base, drop=("f:", "fp:", "p:", "plex:", "prov:"))),
        ("+ all new", base),
        ("+ all new, min_df 10", replace(base, min_df=10)),
        ("+ all new, l2 3", replace(base, l2=3.0)),
    ]
    for weight in args.addendum_weight:
        examples = merge_addendum(train, added, weight) if added else train
        added_ids = {e.id for e in added}
        train_ids = {e.id for e in train}
        subsets = {"old-labels": [i for i, e in enumerate(examples) if e.id not in added_ids]}
        if added:
            subsets["addendum"] = [i for i, e in enumerate(examples) if e.id in added_ids]
            subsets["addendum-relabelled"] = [i for i, e in enumerate(examples)
                                              if e.id in added_ids and e.id in train_ids]
            print(f"train + addendum (weight {weight}): {len(examples)} articles")
        features = features_of(examples, args.features)
        for name, settings in experiments:
            if args.only and not any(o == name or o in name for o in args.only):
                continue
            run(name, features, examples, settings, args.seeds, subsets)


if __name__ == "__main__":
    main()
