"""Ingestion benchmark: pages/s of fetch + extract + store, beside trafilatura alone.

Builds a local site of N article pages (default 1,000) from real articles
(``../shared/data/baomoi_dev/articles.jsonl``), then in the same run measures:

  1. trafilatura.extract with its defaults on the same pages, in memory (the baseline);
  2. presswatch's ``crawler.extract.extract`` on the same pages, in memory;
  3. the presswatch crawl without analysis: a sitemap source crawled by the real Scrapy subprocess
     over HTTP (robots.txt, fetch, extract, canonicalise, store + FTS5 index in SQLite), end to end;
  4. the same crawl with the whole analysis stage (relevance, topics, sentiment, places, entities,
     story clusters), as ``presswatch crawl`` runs it.

Run:  .venv/bin/python bench/ingest.py [--pages 1000] [--articles PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from crawler.extract import extract  # noqa: E402
from crawler.runner import crawl_source  # noqa: E402
from presswatch.config import Settings, Source  # noqa: E402
from presswatch.demo.site import LocalSite, site_articles  # noqa: E402
from presswatch.store import Store  # noqa: E402

DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "baomoi_dev" / "articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    args = parser.parse_args()

    raw = [json.loads(line) for line in args.articles.read_text(encoding="utf-8").splitlines() if line.strip()]
    raw = [r for r in raw if len(r["text"]) > 300][: args.pages]
    if len(raw) < args.pages:
        sys.exit(f"only {len(raw)} usable articles in {args.articles}")
    articles = site_articles(raw)
    with LocalSite(articles) as site:
        pages = [(f"{site.url}{a.path}", site.article_html(a)) for a in articles]
        total_bytes = sum(len(html.encode()) for _, html in pages)
        print(f"site: {len(pages)} article pages, {total_bytes / len(pages) / 1024:.1f} KiB each on average")

        started = time.perf_counter()
        baseline_ok = sum(bool(trafilatura.extract(html, url=url)) for url, html in pages)
        baseline = time.perf_counter() - started

        started = time.perf_counter()
        ours_ok = sum(extract(html, url) is not None for url, html in pages)
        ours = time.perf_counter() - started

        source = Source(id="bench", name="bench", kind="press", type="sitemap",
                        urls=[f"{site.url}/sitemap-news.xml"], max_articles=len(pages))
        settings = Settings(autothrottle=False, concurrent_requests_per_domain=16,
                            max_articles_per_run=len(pages), crawl_timeout=3600, crawl_allow_internal=["127.0.0.1"])
        crawls = {}
        for label, config_dir in (("plain", None), ("analysed", ROOT / "config")):
            with tempfile.TemporaryDirectory() as scratch:
                db = Path(scratch) / "bench.db"
                started = time.perf_counter()
                # A configuration directory without lexicons: the analysis stage is skipped.
                run, report = crawl_source(source, settings, db, config_dir or Path(scratch))
                elapsed = time.perf_counter() - started
                with Store(db) as store:
                    stored = store.count_articles()
                size = db.stat().st_size + sum(p.stat().st_size for p in Path(scratch).glob("bench.db-*"))
                crawls[label] = (elapsed, stored, run.ok, size, report.errors if report else None)

    rate_base = len(pages) / baseline
    rate_ours = len(pages) / ours
    print(f"{'measure':<58} {'pages/s':>9} {'vs trafilatura':>15}")
    print(f"{'1. trafilatura.extract, defaults, in memory (baseline)':<58} {rate_base:>9.1f} {1.0:>14.2f}x"
          f"   ({baseline_ok} with text)")
    print(f"{'2. presswatch extract (trafilatura + metadata), in memory':<58} {rate_ours:>9.1f} "
          f"{rate_ours / rate_base:>14.2f}x   ({ours_ok} articles)")
    for number, (label, text) in enumerate((("plain", "fetch + extract + store, end to end"),
                                            ("analysed", "same + analysis stage, end to end")), start=3):
        elapsed, stored, ok, size, errors = crawls[label]
        rate = len(pages) / elapsed
        print(f"{f'{number}. presswatch crawl: {text}':<58} {rate:>9.1f} {rate / rate_base:>14.2f}x   "
              f"({stored} stored, ok={ok}, {elapsed:.1f} s incl. subprocess start, "
              f"{size / 1024 / 1024:.1f} MiB, errors {errors})")


if __name__ == "__main__":
    main()
