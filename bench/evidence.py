"""Evidence benchmark: captures per minute, disk per capture, and re-check throughput.

1. Captures: ``--captures`` real article pages of the demo's local news site (200 real articles,
   served on 127.0.0.1) are captured one after another as the service does (queue → headless
   Chromium through the address policy → WARC, PNG, PDF, text, manifest → SHA-256 → rows). Printed:
   captures per minute, disk per capture (median, p95). Baseline in the same run: Chromium alone
   (Playwright ``goto`` + full-page screenshot + PDF of the same pages, no interception, no WARC, no
   store), the floor of any capture by this browser.
2. Re-checks: ``--rechecks`` captured URLs (10,000 by default: recorded without the browser, the
   article texts as captured) are re-checked by plain HTTP fetch through the address policy + the
   crawler's extraction (no Chromium), 8 at a time, as the service's job does; one in ten pages has
   been edited meanwhile (paragraphs added). Printed: pages/s. Baselines in the same run: the fetches alone (no
   extraction, no comparison) and the extraction alone (the pages' HTML already in memory, one core).

Run:  .venv/bin/python bench/evidence.py [--captures 10] [--rechecks 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evidence import records, request_capture  # noqa: E402
from evidence.fetch import Fetcher  # noqa: E402
from presswatch.config import Settings  # noqa: E402
from presswatch.demo.site import LocalSite, load_demo_articles, site_articles  # noqa: E402
from presswatch.service.evidence import (  # noqa: E402
    RECHECK_CONCURRENCY,
    capture_request,
    extract_article,
    policy,
    recheck,
)
from presswatch.store import Store  # noqa: E402


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def bench_captures(site: LocalSite, urls: list[str], work: Path, settings: Settings) -> None:
    db = work / "captures.db"
    sizes = []
    started = time.monotonic()
    with Store(db) as store:
        for url in urls:
            with store.transaction() as conn:
                request_id = request_capture(conn, url, reason="bench")
            outcome = capture_request(store, request_id, settings)
            if outcome.capture_id is None:
                print(f"  capture failed: {outcome.message}")
                continue
            made = records.capture(store.db, outcome.capture_id)
            assert made is not None
            sizes.append(sum(f.size for f in made.files))
    elapsed = time.monotonic() - started
    print(f"captures: {len(sizes)} in {elapsed:.1f} s = {len(sizes) / elapsed * 60:.1f} captures/min; "
          f"disk per capture median {statistics.median(sizes) / 1e3:.0f} kB, p95 {_p95(sizes) / 1e3:.0f} kB")

    async def chromium_alone() -> float:
        from playwright.async_api import async_playwright

        from crawler.settings import BROWSER_ARGS, CHROMIUM

        begin = time.monotonic()
        async with async_playwright() as playwright:
            for url in urls:  # a browser per page, as each capture launches its own
                browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_ARGS)
                page = await browser.new_page(viewport={"width": 1280, "height": 900})
                await page.goto(url, wait_until="load")
                await page.screenshot(full_page=True)
                await page.pdf()
                await browser.close()
        return time.monotonic() - begin

    alone = asyncio.run(chromium_alone())
    print(f"  baseline, Chromium alone (launch, goto, screenshot, PDF): {len(urls) / alone * 60:.1f} pages/min")


def bench_rechecks(site: LocalSite, count: int, work: Path, settings: Settings) -> None:
    db = work / "rechecks.db"
    articles = site.articles
    start = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    urls = []
    with Store(db) as store, store.transaction() as conn:
        for number in range(count):
            article = articles[number % len(articles)]
            url = f"{site.url}{article.path}?v={number}"
            urls.append(url)
            paragraphs = [article.lead, *article.paragraphs]
            if number % 10 == 0:  # edited since: the page now has paragraphs the capture did not
                paragraphs = paragraphs[:max(1, len(paragraphs) // 2)]
            text = "\n".join(paragraphs)
            made = records.Capture(url=url, final_url=url, http_status=200, title=article.title, text=text,
                                   captured_at=start, tools={}, files={})
            request_id = request_capture(conn, url, reason="bench")
            records.save(conn, request_id, made, {}, settings.recheck_seconds())
    began = time.monotonic()
    tally = recheck(db, settings, limit=count)
    elapsed = time.monotonic() - began
    print(f"re-checks: {tally.checked} pages in {elapsed:.1f} s = {tally.checked / elapsed:.0f} pages/s "
          f"(plain HTTP + extraction, {RECHECK_CONCURRENCY} at a time, no browser); results {tally.changes}")

    async def fetch_alone() -> tuple[float, list[tuple[str, str]]]:
        fetcher = Fetcher(policy(settings), user_agent="bench", max_connections=RECHECK_CONCURRENCY * 2)
        gate = asyncio.Semaphore(RECHECK_CONCURRENCY)
        pages: list[tuple[str, str]] = []

        async def one(url: str) -> None:
            async with gate:
                fetched = await fetcher.fetch(url, max_bytes=10_000_000)
                pages.append((fetched.final.text(), url))

        begin = time.monotonic()
        await asyncio.gather(*(one(url) for url in urls))
        await fetcher.close()
        return time.monotonic() - begin, pages

    fetched_in, pages = asyncio.run(fetch_alone())
    print(f"  baseline, fetches alone (same client, no extraction): {len(urls) / fetched_in:.0f} pages/s")
    sample = pages[:1000]
    begin = time.monotonic()
    for html, url in sample:
        extract_article(html, url)
    extracted_in = time.monotonic() - begin
    print(f"  baseline, extraction alone (one core, HTML in memory): {len(sample) / extracted_in:.0f} pages/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--captures", type=int, default=10)
    parser.add_argument("--rechecks", type=int, default=10_000)
    args = parser.parse_args()
    articles = site_articles(load_demo_articles())
    with tempfile.TemporaryDirectory() as tmp, LocalSite(articles) as site:
        work = Path(tmp)
        port = int(site.url.rsplit(":", 1)[1])
        settings = Settings(evidence_dir=str(work / "evidence"), evidence_allow_internal=[f"127.0.0.1:{port}"])
        urls = [f"{site.url}{article.path}" for article in articles[:args.captures]]
        if args.captures:
            bench_captures(site, urls, work, settings)
        if args.rechecks:
            bench_rechecks(site, args.rechecks, work, settings)


if __name__ == "__main__":
    main()
