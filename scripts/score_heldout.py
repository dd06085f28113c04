"""Score the sentiment of the checkout it runs in on a labelled set: the one look at the held-out set.

    .venv/bin/python scripts/score_heldout.py --labels tests/data/sentiment_heldout/labels.jsonl
        [--articles tests/data/sentiment_heldout/heldout.jsonl] [--config config] [--out predictions.jsonl]

``--labels``: one JSON object a line, ``id``, ``sentiment`` (negative / neutral / positive) and
``province`` (the article's province, or null); ``title`` and ``text`` when the line carries them,
else they are read from ``--articles`` by ``id``. Prints macro-F1 over all articles, over the place
half (``province`` not null) and over the random half (null), per-label precision / recall / F1 and
the confusion matrix of each, and the model's provenance.

It uses only ``presswatch.config.load_analyzer`` and ``Analyzer.analyze(title, text).sentiment``,
which exist unchanged since commit 2ed371e, and the standard library: copy this file into an older
checkout to score the model before the work the same way. It reads nothing else of the project.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presswatch.config import load_analyzer  # noqa: E402

LABELS = ("negative", "neutral", "positive")


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: not JSON ({error.msg})") from None
    return rows


def report(name: str, gold: list[str], predicted: list[str]) -> float:
    """Prints per-label P/R/F1 and the confusion matrix; returns the macro-F1."""
    print(f"\n== {name}: {len(gold)} articles")
    if not gold:
        print("   (none)")
        return 0.0
    f1s = []
    for label in LABELS:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        f1s.append(f1)
        print(f"   {label:<9} P {precision:.3f}  R {recall:.3f}  F1 {f1:.3f}  (gold {tp + fn}, predicted {tp + fp})")
    macro = sum(f1s) / len(f1s)
    print(f"   macro-F1 {macro:.3f}")
    print("   confusion (rows gold, columns predicted):")
    print("   " + " " * 10 + "".join(f"{label:>10}" for label in LABELS))
    for label in LABELS:
        row = [sum(g == label and p == other for g, p in zip(gold, predicted, strict=True)) for other in LABELS]
        print(f"   {label:<10}" + "".join(f"{count:>10}" for count in row))
    return macro


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--labels", type=Path, required=True)
    parser.add_argument("--articles", type=Path,
                        default=ROOT / "tests" / "data" / "sentiment_heldout" / "heldout.jsonl")
    parser.add_argument("--config", type=Path, default=ROOT / "config")
    parser.add_argument("--out", type=Path, help="write each article's gold and predicted label here (jsonl)")
    args = parser.parse_args()
    labels = read_jsonl(args.labels)
    articles: dict[str, dict[str, Any]] = {}
    if any("text" not in row for row in labels):
        articles = {str(row["id"]): row for row in read_jsonl(args.articles)}
    analyzer = load_analyzer(args.config, with_entities=False)
    model = getattr(analyzer, "sentiment_model", None)
    meta = getattr(model, "meta", None) or {}
    print(f"checkout: {ROOT}")
    print("model: " + (json.dumps({k: meta[k] for k in ("version", "trained", "articles", "cv_macro_f1") if k in meta},
                                  ensure_ascii=False) if model is not None else "none (the lexicon decides)"))
    gold: list[str] = []
    predicted: list[str] = []
    place: list[bool] = []
    records = []
    started = time.perf_counter()
    for number, row in enumerate(labels, 1):
        article = row if "text" in row else articles.get(str(row.get("id")))
        if article is None:
            raise SystemExit(f"{args.labels}:{number}: id {row.get('id')!r} is not in {args.articles}")
        if row.get("sentiment") not in LABELS:
            raise SystemExit(f"{args.labels}:{number}: sentiment {row.get('sentiment')!r} is none of {LABELS}")
        label = analyzer.analyze(article.get("title") or "", article.get("text") or "").sentiment.label
        gold.append(row["sentiment"])
        predicted.append(label)
        place.append(row.get("province") is not None)
        records.append({"id": row["id"], "province": row.get("province"), "gold": row["sentiment"],
                        "predicted": label})
    print(f"{len(gold)} articles analysed in {time.perf_counter() - started:.0f} s")
    overall = report("all", gold, predicted)
    place_f1 = report("place half (province not null)", [g for g, p in zip(gold, place, strict=True) if p],
                      [x for x, p in zip(predicted, place, strict=True) if p])
    random_f1 = report("random half (province null)", [g for g, p in zip(gold, place, strict=True) if not p],
                       [x for x, p in zip(predicted, place, strict=True) if not p])
    print(f"\nmacro-F1 all / place half / random half: {overall:.3f} / {place_f1:.3f} / {random_f1:.3f}")
    if args.out:
        args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


if __name__ == "__main__":
    main()
