"""Analysis benchmark: articles/s of the whole analysis on one core, beside underthesea's
``word_tokenize`` alone on the same text in the same run.

    .venv/bin/python bench/analysis.py [--articles PATH] [--limit N]

Targets (analysis issue): ≥ 20 articles/s, and the whole analysis ≤ 1.5× segmentation alone.
Entities (NER) run only on relevant articles, as in the pipeline.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presswatch.config import load_analyzer  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "baomoi_dev" / "articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=0, help="first N articles only (0: all)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    rows = [json.loads(line) for line in args.articles.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    from underthesea import word_tokenize

    analyzer = load_analyzer(ROOT / "config")
    analyzer.analyze(rows[0]["title"], rows[0]["text"])  # load models before timing
    word_tokenize("Khởi động")

    started = time.perf_counter()
    for row in rows:
        word_tokenize(row["title"] + "\n" + row["text"])
    segmentation = time.perf_counter() - started

    started = time.perf_counter()
    relevant = 0
    for row in rows:
        relevant += analyzer.analyze(row["title"], row["text"]).relevance.grade != "none"
    whole = time.perf_counter() - started

    chars = sum(len(r["title"]) + len(r["text"]) for r in rows)
    print(f"{len(rows)} articles, {chars / len(rows):.0f} characters on average, one core; {relevant} relevant")
    print(f"{'underthesea word_tokenize alone':<36} {len(rows) / segmentation:>8.1f} articles/s")
    print(f"{'whole presswatch analysis':<36} {len(rows) / whole:>8.1f} articles/s   "
          f"cost {whole / segmentation:.2f}x segmentation")


if __name__ == "__main__":
    main()
