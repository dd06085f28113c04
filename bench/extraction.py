"""Extraction quality on saved real pages: presswatch vs trafilatura with its defaults.

    .venv/bin/python bench/extraction.py [--dir tests/data/extraction]

For every page of ``gold.json``: bag-of-words precision/recall/F1 of the extracted text against
the gold article text (ScrapingHub article-extraction benchmark's measure), for
``trafilatura.extract(html, url=url)`` (defaults) and for ``presswatch extract``; then the means.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawler.extract import extract  # noqa: E402
from crawler.quality import Score, bag_of_words  # noqa: E402


def evaluate(directory: Path) -> list[tuple[str, Score, Score]]:
    gold = json.loads((directory / "gold.json").read_text(encoding="utf-8"))
    rows = []
    for name, expected in sorted(gold.items()):
        raw = (directory / "pages" / name).read_bytes()
        html = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode("utf-8")
        baseline = trafilatura.extract(html, url=expected["url"]) or ""
        ours = extract(html, expected["url"])
        rows.append((name, bag_of_words(baseline, expected["text"]), bag_of_words(ours.text if ours else "",
                                                                                  expected["text"])))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", type=Path, default=ROOT / "tests" / "data" / "extraction")
    args = parser.parse_args()
    rows = evaluate(args.dir)
    print(f"{'page':<36} {'trafilatura P/R/F1':>22} {'presswatch P/R/F1':>22}")
    for name, base, ours in rows:
        print(f"{name:<36} {base.precision:6.3f} {base.recall:6.3f} {base.f1:6.3f}   "
              f"{ours.precision:6.3f} {ours.recall:6.3f} {ours.f1:6.3f}")
    n = len(rows)
    mean = [sum(getattr(r[i], k) for r in rows) / n for i in (1, 2) for k in ("precision", "recall", "f1")]
    print(f"{'mean of ' + str(n) + ' pages':<36} {mean[0]:6.3f} {mean[1]:6.3f} {mean[2]:6.3f}   "
          f"{mean[3]:6.3f} {mean[4]:6.3f} {mean[5]:6.3f}")


if __name__ == "__main__":
    main()
