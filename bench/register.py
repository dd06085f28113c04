"""Register benchmark: compliance indicators for 200 outlets, wall time of a monthly run.

A store is built from real articles (``shared/data/baomoi_more``, texts as published, credits
included): ``--texts`` distinct articles, each analysed once and published by ``--copies`` different
outlets' sources an hour or more apart (so every story is a cluster of syndicated copies, the case
the attribution check reads). 200 outlets (90 magazines, 90 general information sites, 20
newspapers), one source each. Then, in the same run, on the same store:

1. baseline: ``period_items`` alone, the SQL read of the period's articles every run pays;
2. before marking at ingest (the archive unmarked, as every article stored before 7 Dec 2026):
   a. first run: ``register.indicators.compute`` classifies every article of a checked outlet and
      keeps the marks;
   b. monthly run: the same again, marks kept;
3. after (the marks dropped, then made as the crawl makes them when it stores an article):
   a. ingest: ``register.marks.mark_stored`` on every stored article, timed per article (what the
      crawl's store transaction now pays for each new article);
   b. monthly run with the marks made at ingest (what a run pays now, first or not).

Run:  .venv/bin/python bench/register.py [--texts 1000] [--copies 10] [--articles PATH]
      .venv/bin/python bench/register.py --db COPY.db   # an existing store (a COPY, never the original:
                                                        # its marks are dropped and remade): 200 outlets
                                                        # over its sources, runs 1-3 on it
      --after-only: runs 1 and 3 only (the marks remade at ingest, then the monthly run)
      --workers N: make the marks of 3a in N processes (the detectors' work split; the marks saved by
                   this process), for a large copy; the per-article figure is then CPU per article
      --reassign-sources 200: spread a copy's articles over this many sources (id modulo N; bench
                   only, on the COPY), so that a store built with fewer sources gives 200 outlets

At 1M (the search benchmark's database, ``bench/search.py --per-day 900``: 60 sources):

    cp /work/bench-data/full/1m.db* /some/copy/   # the WAL too
    .venv/bin/python bench/register.py --db /some/copy/1m.db --after-only --reassign-sources 200 --workers 2
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import random
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presswatch.config import load_analyzer  # noqa: E402
from presswatch.models import Article  # noqa: E402
from presswatch.store import Store  # noqa: E402
from presswatch.store.articles import period_items  # noqa: E402
from register import detect, tables  # noqa: E402
from register.indicators import compute  # noqa: E402
from register.marks import UNMARKED, mark, mark_stored  # noqa: E402
from register.model import Outlet  # noqa: E402
from register.settings import RegisterSettings  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "baomoi_more" / "articles.jsonl.gz"
START = datetime(2026, 10, 1, tzinfo=UTC)


def outlets_for(sources: list[str]) -> list[Outlet]:
    types = ["tap_chi"] * 90 + ["trang_ttth"] * 90 + ["bao_dien_tu"] * 20
    topics = ["van-hoa-the-thao", "kinh-te", "xa-hoi", "chinh-tri"]
    return [Outlet(f"{n}/GP", f"Cơ quan {n}", types[n % 200], topics=(topics[n % 4],), sources=(source,))
            for n, source in enumerate(sources[:200])]


def build(db: Path, texts: list[dict[str, str]], copies: int) -> tuple[list[str], float]:
    analyzer = load_analyzer(ROOT / "config", with_entities=False)
    started = time.perf_counter()
    analyses = [analyzer.analyze(t["title"], t["text"]) for t in texts]
    print(f"analysed {len(texts):,} real articles once in {time.perf_counter() - started:.1f} s", flush=True)
    sources = [f"s-{n:03d}" for n in range(200)]
    rnd = random.Random(7)
    started = time.perf_counter()
    with Store(db) as store:
        batch: list[Article] = []
        for number, (text, analysis) in enumerate(zip(texts, analyses, strict=True)):
            first = START + timedelta(minutes=rnd.randrange(30 * 24 * 60 - copies * 60))
            for copy, source in enumerate(rnd.sample(sources, copies)):
                batch.append(Article(url=f"https://{source}.example.vn/{number}-{copy}.html", source_id=source,
                                     title=text["title"], text=text["text"],
                                     published_at=first + timedelta(hours=copy), analysis=analysis))
            if len(batch) >= 1000:
                store.add_articles(batch)
                batch = []
        store.add_articles(batch)
    count = len(texts) * copies
    print(f"stored {count:,} articles in {time.perf_counter() - started:.1f} s", flush=True)
    return sources, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--articles", type=Path, default=DEFAULT)
    parser.add_argument("--db", type=Path, help="an existing store (a copy): skip the build")
    parser.add_argument("--keep", type=Path, help="build the store at this path and keep it (to profile, rerun)")
    parser.add_argument("--after-only", action="store_true",
                        help="skip the runs over the unmarked archive (2a, 2b): at 1M they take about 1.5 hours")
    parser.add_argument("--workers", type=int, default=1, help="processes making the marks of 3a")
    parser.add_argument("--reassign-sources", type=int, default=0,
                        help="with --db (a COPY): spread its articles over this many sources first")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.db:
            db = args.db
            if args.reassign_sources:
                reassign(db, args.reassign_sources)
            with Store(db) as store:
                sources = [r[0] for r in store.db.execute("SELECT DISTINCT source_id FROM articles")]  # bench only
                first, last = store.db.execute("SELECT min(dated_at), max(dated_at) FROM articles").fetchone()
            start = datetime.fromisoformat(first.replace("Z", "+00:00"))
            end = datetime.fromisoformat(last.replace("Z", "+00:00")) + timedelta(seconds=1)
            count = None
        else:
            with gzip.open(args.articles, "rt", encoding="utf-8") as file:
                texts = [json.loads(line) for _, line in zip(range(args.texts), file, strict=False)]
            db = args.keep or Path(tmp) / "register.db"
            sources, count = build(db, texts, args.copies)
            start, end = START, START + timedelta(days=31)
        outlets = outlets_for(sources)
        urls = {s: [f"https://{s}.example.vn/rss"] for s in sources}
        settings = RegisterSettings()
        with Store(db) as store:
            began = time.perf_counter()
            with store.transaction() as conn:
                rows = period_items(conn, [o.sources[0] for o in outlets if o.type != "bao_dien_tu"], start, end)
            baseline = time.perf_counter() - began
            print(f"baseline: period_items alone: {len(rows):,} articles of the 180 checked outlets in "
                  f"{baseline:.2f} s")
            timings = {}
            if not args.after_only:
                drop_marks(store)
                for label in ("before, first run (detectors on every article)", "before, monthly run (marks kept)"):
                    timings[label] = indicators(store, outlets, urls, start, end, settings, label)
            drop_marks(store)
            if args.workers > 1:
                wall, ingest, marked = mark_parallel(store, db, args.workers)
                print(f"after, at ingest: marks of {marked:,} stored articles in {wall:.1f} s wall with "
                      f"{args.workers} processes, {ingest:.1f} s of detector CPU ({ingest / marked * 1000:.2f} ms "
                      f"per stored article)", flush=True)
            else:
                ingest, marked = mark_all(store)
                print(f"after, at ingest: mark_stored on {marked:,} stored articles in {ingest:.2f} s "
                      f"({ingest / marked * 1000:.2f} ms per stored article, in its store transaction)")
            after = indicators(store, outlets, urls, start, end, settings, "after, monthly run (marked at ingest)")
        checked = len(rows)
        per_after, per_ingest = after / checked, ingest / marked
        before, before_1m = "", ""
        if timings:
            cold, warm = (t / checked for t in timings.values())
            before = f"before: first run {cold * 1000:.2f} ms, monthly run {warm * 1000:.3f} ms; "
            before_1m = f"before: first run {cold * 1e6 / 60:,.0f} min, monthly {warm * 1e6:,.0f} s; "
        print(f"store: {count if count is not None else 'given'} articles; per checked article: {before}"
              f"after: {per_after * 1000:.3f} ms (+{per_ingest * 1000:.2f} ms per article at ingest)")
        print(f"extrapolated to 1,000,000 checked articles (linear; not measured): {before_1m}after: any run "
              f"{per_after * 1e6:,.0f} s (goal ≤ 60 s); marking at ingest {per_ingest * 1e6 / 60:,.0f} min spread "
              f"over the crawls")


def reassign(db: Path, sources: int) -> None:
    """Spread the copy's articles over ``sources`` sources (bench only: rewrites the COPY's rows)."""
    with Store(db) as store, store.transaction() as conn:
        began = time.perf_counter()
        conn.execute("UPDATE articles SET source_id = printf('s-%03d', id % ?)", (sources,))
    print(f"articles spread over {sources} sources in {time.perf_counter() - began:.1f} s", flush=True)


def _marks_of(rows: list[tuple[int, str, str, str]]) -> tuple[float, dict[int, tables.Mark]]:
    began = time.process_time()
    found = {article_id: mark(title, text) for article_id, title, text, kind in rows if kind not in UNMARKED}
    return time.process_time() - began, found


def mark_parallel(store: Store, db: Path, workers: int, batch: int = 500) -> tuple[float, float, int]:
    """The marks of every stored article made in ``workers`` processes and saved here: wall seconds,
    detector CPU seconds (summed over the processes), count of articles read."""
    def batches() -> Iterator[list[tuple[int, str, str, str]]]:
        # iterated in the pool's task thread: its own read connection, opened there
        reader = sqlite3.connect(db)
        after = 0
        while True:
            rows = reader.execute(  # bench only: the texts as the crawl holds them
                "SELECT a.id, a.title, t.text, a.content_type FROM articles a "
                "JOIN article_texts t ON t.article_id = a.id WHERE a.id > ? ORDER BY a.id LIMIT ?",
                (after, batch)).fetchall()
            if not rows:
                reader.close()
                return
            after = int(rows[-1][0])
            yield [(int(r[0]), r[1], r[2], r[3]) for r in rows]

    began, cpu, count = time.perf_counter(), 0.0, 0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for seconds, found in pool.imap(_marks_of, batches(), chunksize=1):
            with store.transaction() as conn:
                tables.save_marks(conn, found, detect.VERSION)
            cpu += seconds
            count += len(found)
            if count % 100_000 < batch:
                print(f"  … {count:,} marked, {count / (time.perf_counter() - began):,.0f}/s", flush=True)
    return time.perf_counter() - began, cpu, count


def drop_marks(store: Store) -> None:
    with store.transaction() as conn:
        conn.execute("DELETE FROM register_marks")  # bench only: the register owns the table


def indicators(store: Store, outlets: list[Outlet], urls: dict[str, list[str]], start: datetime, end: datetime,
               settings: RegisterSettings, label: str) -> float:
    began = time.perf_counter()
    with store.transaction() as conn:
        reports = compute(conn, outlets, urls, start, end, settings)
    elapsed = time.perf_counter() - began
    items = sum(r.items for r in reports)
    print(f"{label}: {len(reports)} outlets, {items:,} articles, {sum(bool(r.flagged) for r in reports)} flagged, "
          f"{elapsed:.2f} s ({items / elapsed:,.0f} articles/s)", flush=True)
    return elapsed


def mark_all(store: Store, batch: int = 1000) -> tuple[float, int]:
    """Mark every stored article as the crawl's store hook does (1,000 per transaction here; the crawl
    commits each article on its own): seconds and count."""
    after, elapsed, count = 0, 0.0, 0
    while True:
        rows = store.db.execute(  # bench only: the texts as the crawl holds them
            "SELECT a.id, a.title, t.text, a.content_type FROM articles a JOIN article_texts t ON t.article_id = a.id "
            "WHERE a.id > ? ORDER BY a.id LIMIT ?", (after, batch)).fetchall()
        if not rows:
            return elapsed, count
        began = time.perf_counter()
        with store.transaction() as conn:
            for row in rows:
                mark_stored(conn, int(row[0]), row[1], row[2], row[3])
        elapsed += time.perf_counter() - began
        count += len(rows)
        after = int(rows[-1][0])


if __name__ == "__main__":
    main()
