"""Evaluate the analysis on the labelled development set and print the scores.

    .venv/bin/python scripts/evaluate_analysis.py [--devset tests/data/analysis_dev/devset.jsonl]
        [--short] [--unaccented] [--lower] [--errors] [--no-model]

--short: title + first sentence only (how posts and headlines look); --unaccented: strip diacritics
from the input first; --lower: lower-case it (with --unaccented: lower case without diacritics, how
posts and comments are typed). Prints JSON with ``--json``.

The labels are about the whole article, and most mentions of the province sit deep in the body, so
with --short the plain relevance recall mostly measures what the lead leaves out. The fair short-text
figure is "relevant vs none, named in the short text": the gold-relevant articles whose title + lead
name Lai Châu or one of the article's labelled places (checked on folded text, so independent of
the analyser), against all gold-none articles.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis import fold  # noqa: E402
from analysis.evaluate import macro_f1, micro_f1_sets, per_label, relevant_vs_none  # noqa: E402
from presswatch.config import load_analyzer  # noqa: E402

RELEVANCE = ("about", "mention", "none")
SENTIMENT = ("negative", "neutral", "positive")


def strip_accents(text: str) -> str:
    """Like a post typed without diacritics: fold but keep capitals."""
    return "".join(f.upper() if c.isupper() else f for c, f in zip(text, fold(text), strict=True))


def lead(text: str) -> str:
    lines = [line for line in text.split("\n") if line.strip()]
    body = lines[1] if len(lines) > 1 else (lines[0] if lines else "")
    return body.split(". ")[0]


def names_province(text: str, places: list[str]) -> bool:
    """Does ``text`` name Lai Châu or one of the labelled places (any spelling, with or without
    diacritics, as a whole word sequence)?"""
    words = f" {' '.join(re.findall(r'[a-z0-9]+', fold(text)))} "
    return any(f" {' '.join(re.findall(r'[a-z0-9]+', fold(name)))} " in words for name in ["Lai Châu", *places])


def evaluate(devset: Path, short: bool = False, unaccented: bool = False, model: bool = True,
             lower: bool = False) -> dict[str, object]:
    analyzer = load_analyzer(ROOT / "config", with_entities=False, sentiment_model=model)
    rows = [json.loads(line) for line in devset.read_text(encoding="utf-8").splitlines() if line.strip()]
    predicted = []
    inputs = []
    started = time.perf_counter()
    for row in rows:
        title, text = row["title"], row["text"]
        if short:
            text = lead(text)
        if unaccented:
            title, text = strip_accents(title), strip_accents(text)
        if lower:
            title, text = title.lower(), text.lower()
        inputs.append(f"{title}\n{text}")
        predicted.append(analyzer.analyze(title, text))
    elapsed = time.perf_counter() - started
    gold_rel = [r["relevance"] for r in rows]
    pred_rel = [p.relevance.grade for p in predicted]
    named = [i for i, (r, text) in enumerate(zip(rows, inputs, strict=True))
             if r["relevance"] == "none" or names_province(text, r.get("places") or [])]
    relevant = [i for i, r in enumerate(rows) if r["relevance"] != "none"]
    sentiment_all = per_label([r["sentiment"] for r in rows], [p.sentiment.label for p in predicted], SENTIMENT)
    sentiment_rel = per_label([rows[i]["sentiment"] for i in relevant],
                              [predicted[i].sentiment.label for i in relevant], SENTIMENT)
    return {
        "articles": len(rows),
        "seconds": round(elapsed, 2),
        "relevance": {k: vars(v) for k, v in per_label(gold_rel, pred_rel, RELEVANCE).items()},
        "relevant_vs_none": vars(relevant_vs_none(gold_rel, pred_rel)),
        "relevant_vs_none_named": vars(relevant_vs_none([gold_rel[i] for i in named], [pred_rel[i] for i in named])),
        "topics_micro": vars(micro_f1_sets([set(r["topics"]) for r in rows], [{t.slug for t in p.topics}
                                                                               for p in predicted])),
        "sentiment_macro_f1_all": macro_f1(sentiment_all),
        "sentiment_macro_f1_relevant": macro_f1(sentiment_rel),
        "sentiment_all": {k: vars(v) for k, v in sentiment_all.items()},
        "errors": [
            {"id": r["id"], "title": r["title"][:70], "relevance": [r["relevance"], p.relevance.grade],
             "topics": [sorted(r["topics"]), sorted(t.slug for t in p.topics)],
             "sentiment": [r["sentiment"], p.sentiment.label, p.sentiment.evidence[:3]]}
            for r, p in zip(rows, predicted, strict=True)
        ],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devset", type=Path, default=ROOT / "tests" / "data" / "analysis_dev" / "devset.jsonl")
    parser.add_argument("--short", action="store_true")
    parser.add_argument("--unaccented", action="store_true")
    parser.add_argument("--lower", action="store_true", help="lower-case the input")
    parser.add_argument("--errors", action="store_true", help="list every disagreement")
    parser.add_argument("--no-model", action="store_true", help="sentiment by the lexicon alone")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = evaluate(args.devset, args.short, args.unaccented, not args.no_model, args.lower)
    errors = result.pop("errors")
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return
    print(f"{result['articles']} articles in {result['seconds']} s")
    for grade, s in result["relevance"].items():  # type: ignore[attr-defined]
        print(f"relevance {grade:<8} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (n={s['support']})")
    s = result["relevant_vs_none"]
    print(f"relevant vs none  P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")  # type: ignore[index]
    s = result["relevant_vs_none_named"]
    print(f"  named in input   P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "  # type: ignore[index]
          f"(n={s['support']} relevant articles whose input names the province or a labelled place)")  # type: ignore[index]
    s = result["topics_micro"]
    print(f"topics micro      P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}")  # type: ignore[index]
    print(f"sentiment macro-F1 all {result['sentiment_macro_f1_all']:.3f}, "
          f"relevant only {result['sentiment_macro_f1_relevant']:.3f}")
    if args.errors:
        for error in errors:  # type: ignore[attr-defined]
            wrong = [k for k in ("relevance", "topics", "sentiment") if error[k][0] != error[k][1]]
            if wrong:
                print(json.dumps({k: error[k] for k in ("id", "title", *wrong)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
