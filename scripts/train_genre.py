"""Train the genre model (``register/genre_model.py``) and judge it against the hand-written rules.

    .venv/bin/python scripts/train_genre.py [--out register/data/genre_model.json] [--folds 5]
        [--seed 20261207] [--c 0.3 1 3 10] [--no-write]

Training data: the genre training set (``tests/data/genre_train``: ``labels.jsonl`` over
``sample.jsonl``) and the DEVELOPMENT part of ``tests/data/register_dev`` (``gold.jsonl`` rows of
split "dev"). The held-out part of register_dev is never read here (``bench/register_detectors.py
--heldout`` scores it).

For each setting (L2 strength ``--c``, class-weight exponent ``--balance``) the script prints the
``--folds``-fold cross-validated scores (news-report precision/recall, accuracy, macro-F1 over the
genres) and, on the same articles, the rules' (``register.genre_rules.rule_genre``: they learn
nothing, so their out-of-fold answer is their answer). The setting of best macro-F1 is trained on all
articles and written, with its cross-validated scores and the rules' in ``meta``, among the settings
that beat the rules (``beats``: macro-F1, accuracy and news-report precision higher, news-report
recall at most 0.02 lower); when none does, nothing is written and the script says so.

Needs numpy and scikit-learn (in the ``test`` extra); inference does not.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from register.genre_model import DEFAULT_PATH, features  # noqa: E402
from register.genre_rules import GENRES  # noqa: E402
from register.genre_training import (  # noqa: E402
    DEFAULT_SEED,
    Example,
    Scores,
    Settings,
    cross_validate,
    fit,
    load_labelled,
    per_genre,
    scores,
)

GENRE_TRAIN = ROOT / "tests" / "data" / "genre_train"
REGISTER_DEV = ROOT / "tests" / "data" / "register_dev"
C_GRID = (3.0, 10.0, 30.0)
BALANCE_GRID = (0.0, 0.5, 1.0)


def training_set() -> tuple[list[Example], list[str]]:
    """The examples and where each comes from (``genre_train`` or ``register_dev``)."""
    examples: list[Example] = []
    origin: list[str] = []
    labels = GENRE_TRAIN / "labels.jsonl"
    if labels.exists():
        found = load_labelled(labels, GENRE_TRAIN / "sample.jsonl")
        examples += found
        origin += ["genre_train"] * len(found)
    found = load_labelled(REGISTER_DEV / "gold.jsonl", REGISTER_DEV / "sample.jsonl", split="dev")
    examples += found
    origin += ["register_dev"] * len(found)
    return examples, origin


def beats(model: Scores, rules: Scores) -> bool:
    """Better than the rules on macro-F1, accuracy and news-report precision, without losing more than
    0.02 of news-report recall (the register counts news reports: over-counting them was the rules'
    fault, missing them would be the model's)."""
    return (model.macro_f1 > rules.macro_f1 and model.accuracy > rules.accuracy
            and model.news_precision > rules.news_precision and model.news_recall >= rules.news_recall - 0.02)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--c", type=float, nargs="+", default=list(C_GRID), help="L2 strengths to cross-validate")
    parser.add_argument("--balance", type=float, nargs="+", default=list(BALANCE_GRID),
                        help="class-weight exponents to cross-validate (0: none, 1: balanced)")
    parser.add_argument("--no-write", action="store_true", help="cross-validate only")
    args = parser.parse_args()
    examples, origin = training_set()
    gold = [e.genre for e in examples]
    rows = [features(e.title, e.text) for e in examples]
    rules = [next(name[5:] for name in row if name.startswith("rule:")) for row in rows]
    print(f"{len(examples)} articles: " + ", ".join(f"{o} {origin.count(o)}" for o in dict.fromkeys(origin)))
    print("genres: " + ", ".join(f"{g} {gold.count(g)}" for g in GENRES))
    rule_scores = scores(gold, rules)
    print(f"\nrules                      {rule_scores.line()}")
    results = []
    for balance in args.balance:
        for c in args.c:
            settings = Settings(c=c, balance=balance)
            predicted = cross_validate(rows, gold, settings, args.folds, args.seed)
            result = scores(gold, predicted)
            better = beats(result, rule_scores)
            if better:
                results.append((result.macro_f1, result.news_precision, settings, predicted, result))
            print(f"model c={c:<5} balance={balance:<4} {result.line()}{'' if better else '  (not better)'}")
    if not results:
        print("\nno setting beats the rules: nothing written")
        return
    _, _, settings, predicted, best = max(results, key=lambda r: (r[0], r[1]))
    print(f"\nbest: {settings}")
    print("per genre (cross-validated model | rules): P R F1 gold")
    model_genre, rule_genre = per_genre(gold, predicted), per_genre(gold, rules)
    for g in GENRES:
        m, r = model_genre[g], rule_genre[g]
        print(f"  {g:12} {m[0]:.3f} {m[1]:.3f} {m[2]:.3f} | {r[0]:.3f} {r[1]:.3f} {r[2]:.3f}  gold {m[3]}")
    for name in dict.fromkeys(origin):
        keep = [i for i, o in enumerate(origin) if o == name]
        print(f"  only {name:13} model {scores([gold[i] for i in keep], [predicted[i] for i in keep]).line()}")
        print(f"  only {name:13} rules {scores([gold[i] for i in keep], [rules[i] for i in keep]).line()}")
    if args.no_write:
        return
    meta = {"data": {o: origin.count(o) for o in dict.fromkeys(origin)}, "seed": args.seed,
            "cv": {"folds": args.folds, "model": best.__dict__, "rules": rule_scores.__dict__}}
    model = fit(rows, gold, settings, meta)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model.to_json(), ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nwritten {args.out} ({len(model.weights)} features)")


if __name__ == "__main__":
    main()
