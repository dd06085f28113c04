"""Learning curve: what N analysts' corrections buy the sentiment model.

Simulates an office that corrects N articles and retrains (``presswatch train sentiment``'s recipe:
the shipped training data plus the corrections, the shipped model's hyper-parameters, each
correction weighing ``--weight``), for N = 0, 25, 50, 100, 200 and all, and scores each model by
macro-F1 on articles nobody corrected.

The corrected articles come from a labelled set the shipped model was not trained on *under the
office's definition*: ``tests/data/sentiment_train/addendum.jsonl.gz`` (299 police, court and
disaster articles labelled "tone for the province", the rule of issue 23; see that folder's README).
149 of its articles are also in ``train.jsonl.gz`` under the older definition (44 with another
label): they are taken out of the base training set here, so no model sees a test article.

Each repeat draws a random split: ``--test-share`` of the set is the test part (never corrected),
the rest the pool the office corrects from, in a random order (N takes the pool's first N: the
curve is nested); "all" is the whole pool. The same test part scores every N of a repeat. Printed:
macro-F1 mean ± sd over repeats for each N, beside the lexicon alone on the same test parts (the
baseline, measured in the same run), and the time of one training.

Run:  .venv/bin/python bench/learning_curve.py [--repeats 5] [--test-share 0.3] [--weight 1]
          [--sizes 0,25,50,100,200,all] [--base tests/data/sentiment_train/train.jsonl.gz]
          [--addendum tests/data/sentiment_train/addendum.jsonl.gz] [--cache /tmp/features.json.gz]
          [--jobs 1]
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from analysis.evaluate import macro_f1, per_label  # noqa: E402
from analysis.sentiment_training import (  # noqa: E402
    LABELS,
    Sparse,
    featurize,
    fitted,
    load_labelled,
    shifted,
    vocabulary,
)
from learning.sentiment import shipped_settings  # noqa: E402
from presswatch.config import load_analyzer  # noqa: E402

DATA = ROOT / "tests" / "data"


_FIT: Callable[[list[int], list[int]], tuple[list[str], float]] | None = None  # set by main, inherited by forks


def _fit_task(task: tuple[str, int, list[int], list[int]]) -> tuple[str, int, list[str], float]:
    assert _FIT is not None
    size, repeat, corrections, test = task
    return (size, repeat, *_FIT(corrections, test))


class _Serial:
    """``--jobs 1``: the pool's ``imap`` in this process."""

    def __enter__(self) -> _Serial:
        return self

    def __exit__(self, *_: object) -> None:
        return None

    def imap_unordered(self, func: Callable[[Any], Any], items: list[Any]) -> Iterator[Any]:
        return map(func, items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--test-share", type=float, default=0.3)
    parser.add_argument("--weight", type=float, default=1.0, help="weight of one correction (product: 1)")
    parser.add_argument("--sizes", default="0,25,50,100,200,all")
    parser.add_argument("--base", type=Path, default=DATA / "sentiment_train" / "train.jsonl.gz")
    parser.add_argument("--addendum", type=Path, default=DATA / "sentiment_train" / "addendum.jsonl.gz")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--jobs", type=int, default=1, help="trainings run at once (processes)")
    parser.add_argument("--cache", type=Path, help="keep the articles' features in this file (a rerun skips "
                                                   "the analysis of 3,000 articles)")
    args = parser.parse_args()

    analyzer = load_analyzer(ROOT / "config", with_entities=False, sentiment_model=False)
    office = load_labelled(args.addendum)
    office_ids = {e.id for e in office}
    base = [e for e in load_labelled(args.base) if e.id not in office_ids]
    started = time.perf_counter()
    texts = [(e.title, e.text) for e in [*base, *office]]
    if args.cache is not None and args.cache.exists():
        features = json.loads(gzip.decompress(args.cache.read_bytes()))
        assert len(features) == len(texts), "the cache was made from other data: delete it"
    else:
        features = featurize(texts, analyzer)
        if args.cache is not None:
            args.cache.write_bytes(gzip.compress(json.dumps(features).encode()))
    print(f"features of {len(base) + len(office)} articles: {time.perf_counter() - started:.0f} s "
          f"(base {len(base)} without the {len(office_ids)} of the office's set; office set {len(office)})")
    base_features, office_features = features[:len(base)], features[len(base):]
    settings = shipped_settings()
    gold = [e.label for e in office]
    lexicon = [next(name.split("=", 1)[1] for name in f if name.startswith("lex:label=")) for f in office_features]

    def fit_predict(corrections: list[int], test: list[int]) -> tuple[list[str], float]:
        rows = [*base_features, *(office_features[i] for i in corrections)]
        labels = np.array([LABELS.index(e.label) for e in base] + [LABELS.index(gold[i]) for i in corrections],
                          dtype=np.int64)
        trust = np.array([e.weight for e in base] + [args.weight] * len(corrections))
        begun = time.perf_counter()
        vocab = vocabulary(rows, settings.min_df, settings.drop)
        w, b = fitted(Sparse(rows, vocab), labels, settings, trust)
        scores = Sparse([office_features[i] for i in test], vocab).dot(w) + b
        return shifted(scores, settings.neutral_shift, settings.positive_shift), time.perf_counter() - begun

    def score(test: list[int], predicted: list[str]) -> float:
        return macro_f1(per_label([gold[i] for i in test], predicted, tuple(LABELS)))

    sizes = args.sizes.split(",")
    results: dict[str, list[float]] = {size: [] for size in sizes}
    lexicon_scores: list[float] = []
    rng = np.random.default_rng(args.seed)
    cut = int(round(len(office) * args.test_share))
    splits = []
    for _ in range(args.repeats):
        order = [int(i) for i in rng.permutation(len(office))]
        splits.append((order[:cut], order[cut:]))
    # One training per (repeat, N > 0), plus the base model (N = 0), the same in every repeat:
    # trained once, it predicts the whole set. The trainings run in --jobs processes, N by N in the
    # order of --sizes (every repeat of one N before the next N); each score is printed when its
    # training ends, so an interrupted run still says what it measured.
    tasks: list[tuple[str, int, list[int], list[int]]] = [("0", -1, [], list(range(len(office))))]
    for size in sizes:
        for repeat, (test, pool) in enumerate(splits):
            n = len(pool) if size == "all" else min(int(size), len(pool))
            if n:
                tasks.append((size, repeat, pool[:n], test))
    global _FIT
    _FIT = fit_predict
    scores_of: dict[tuple[str, int], float] = {}
    times: list[float] = []
    context = multiprocessing.get_context("fork")
    with context.Pool(args.jobs) if args.jobs > 1 else _Serial() as workers:
        for size, repeat, predicted, took in workers.imap_unordered(_fit_task, tasks):
            times.append(took)
            if repeat < 0:  # the base model: N = 0 and the lexicon in every repeat
                for number, (test, _) in enumerate(splits):
                    lexicon_scores.append(score(test, [lexicon[i] for i in test]))
                    scores_of[(size, number)] = score(test, [predicted[i] for i in test])
                print(f"N=0: {', '.join(f'{scores_of[(size, r)]:.3f}' for r in range(len(splits)))}; lexicon "
                      f"{', '.join(f'{x:.3f}' for x in lexicon_scores)} (trained in {took:.0f} s)", flush=True)
            else:
                scores_of[(size, repeat)] = score(splits[repeat][0], predicted)
                print(f"N={size} repeat {repeat + 1}: {scores_of[(size, repeat)]:.3f} (trained in {took:.0f} s)",
                      flush=True)
    for size in sizes:
        results[size] = [scores_of[(size, r)] for r in range(len(splits)) if (size, r) in scores_of]

    def mean_sd(values: list[float]) -> str:
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        return f"{statistics.mean(values):.3f} ± {sd:.3f}"

    pool_size = len(office) - int(round(len(office) * args.test_share))
    print(f"\nmacro-F1 on the never-corrected test part ({int(round(len(office) * args.test_share))} articles), "
          f"{args.repeats} random splits, correction weight {args.weight:g}:")
    print("| corrections N | macro-F1 (mean ± sd) |")
    print("|---|---|")
    print(f"| lexicon alone (baseline) | {mean_sd(lexicon_scores)} |")
    for size in sorted(sizes, key=lambda size: pool_size if size == "all" else int(size)):
        label = f"all ({pool_size})" if size == "all" else size
        done = f" ({len(results[size])} of {args.repeats} splits)" if len(results[size]) < args.repeats else ""
        print(f"| {label} | {mean_sd(results[size]) if results[size] else 'not measured'}{done} |")
    print(f"\none training: {statistics.median(times):.1f} s (median of {len(times)})")


if __name__ == "__main__":
    main()
