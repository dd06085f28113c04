"""Precision and recall of ``analysis.questions.question_kind`` on the hand-labelled sentences
(run from the repository root): ``python tests/data/briefing_questions/evaluate.py [--part tune|test|all]
[--errors]``. The rules were tuned looking only at the errors on the ``tune`` part (odd ``n``);
``test`` (even ``n``) is the held-out half."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, ".")
from analysis.questions import question_kind  # noqa: E402

LABELS = Path(__file__).parent / "labels.jsonl"
PARTS = {"tune": 1, "test": 0}


def rows(part: str = "all") -> list[dict[str, object]]:
    every = [json.loads(line) for line in LABELS.open(encoding="utf-8")]
    return every if part == "all" else [r for r in every if int(r["n"]) % 2 == PARTS[part]]  # type: ignore[call-overload]


def scores(part: str = "all") -> dict[str, float]:
    tp = fp = fn = tn = 0
    for row in rows(part):
        said = question_kind(str(row["sentence"])) is not None
        gold = row["label"] == "yes"
        tp += said and gold
        fp += said and not gold
        fn += gold and not said
        tn += not said and not gold
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"n": tp + fp + fn + tn, "yes": tp + fn, "tp": tp, "fp": fp, "fn": fn,
            "precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--part", choices=("tune", "test", "all"), default="all")
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    print(args.part, scores(args.part))
    if args.errors:
        for row in rows(args.part):
            said = question_kind(str(row["sentence"]))
            if (said is not None) != (row["label"] == "yes"):
                print(row["n"], row["label"], said, str(row["sentence"])[:200])


if __name__ == "__main__":
    main()
