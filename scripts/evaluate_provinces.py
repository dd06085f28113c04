"""Relevance to Điện Biên and Lào Cai on their labelled development sets (tests/data/province_dev),
with each province's gazetteer built by the one method (``analysis.gazetteer.build``) and no rule
written for either.

    .venv/bin/python scripts/evaluate_provinces.py [--errors]

Prints, per province: P and R of relevant (about or mention) vs none, the three-grade macro-F1, and
with ``--errors`` every disagreement with the gold label (id, gold, predicted, evidence).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.evaluate import macro_f1, per_label, relevant_vs_none  # noqa: E402
from analysis.gazetteer import build  # noqa: E402
from analysis.normalize import fold, normalize  # noqa: E402
from analysis.pipeline import MAX_ANALYSED_CHARS, MAX_TITLE_CHARS, analysed_part  # noqa: E402
from analysis.relevance import Relevance, relevance  # noqa: E402
from analysis.segment import segment  # noqa: E402

DATA = ROOT / "tests" / "data" / "province_dev"
SETS = {"Điện Biên": "dien_bien", "Lào Cai": "lao_cai"}


def grade(province: str, title: str, text: str) -> Relevance:
    """The relevance the pipeline computes (same normalisation and caps), for one province."""
    title = normalize(analysed_part(title, MAX_TITLE_CHARS))
    text = normalize(analysed_part(text, MAX_ANALYSED_CHARS))
    document = f"{title}\n{text}"
    return relevance(document, len(title), fold(document), segment(document), build(province))


def evaluate(province: str) -> dict[str, Any]:
    slug = SETS[province]
    samples = {r["id"]: r for r in map(json.loads, (DATA / f"sample_{slug}.jsonl").read_text(encoding="utf-8").splitlines())}
    labels = [json.loads(line) for line in (DATA / f"labels_{slug}.jsonl").read_text(encoding="utf-8").splitlines()
              if line.strip()]
    gold, predicted, errors = [], [], []
    for label in labels:
        sample = samples[label["id"]]
        result = grade(province, sample["title"], sample["text"])
        gold.append(label["relevance"])
        predicted.append(result.grade)
        if result.grade != label["relevance"]:
            errors.append({"id": label["id"], "gold": label["relevance"], "predicted": result.grade,
                           "title": sample["title"][:80],
                           "evidence": [(e.text, e.rule, e.weight) for e in result.evidence][:4],
                           "note": label.get("note", "")[:160]})
    relevant = relevant_vs_none(gold, predicted)
    grades = per_label(gold, predicted, ("about", "mention", "none"))
    return {"province": province, "articles": len(gold), "relevant_precision": relevant.precision,
            "relevant_recall": relevant.recall, "relevant_support": relevant.support,
            "macro_f1": macro_f1(grades), "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    for province in SETS:
        result = evaluate(province)
        print(f"{province}: {result['articles']} articles ({result['relevant_support']} relevant); relevant vs none "
              f"P {result['relevant_precision']:.3f} R {result['relevant_recall']:.3f}; "
              f"3-grade macro-F1 {result['macro_f1']:.3f}; {len(result['errors'])} grade disagreements")
        if args.errors:
            for error in result["errors"]:
                print("  ", json.dumps(error, ensure_ascii=False))


if __name__ == "__main__":
    main()
