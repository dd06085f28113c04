"""Re-analysis benchmark: articles/s of ``presswatch reanalyze``'s core on a copy of the search
benchmark's database, cold (no segmentation stored) and warm (segmentation read back), beside the
analysis alone (the Analyzer in-process on the same articles, one core and all cores), with the
projected wall time for 1,000,000 articles and the size of the segmentation cache.

    .venv/bin/python bench/reanalyze.py [--source /work/bench-data/full/1m.db] [--db bench/out/reanalyze.db]
                                        [--limit N] [--workers N]

The database is a COPY (made on first use from ``--source``, the search benchmark's database, with
its -wal and -shm, then checkpointed); the original is never written. ``--limit N``: the first N
articles only (a cold pass over 1M articles takes hours on this machine). Each measure runs on
the same N articles. The machine is shared: the load average (``os.getloadavg``) is printed beside each measure.
Goal (issue 23): 1,000,000 stored articles re-analysed in ≤ 1 hour on 2 cores (≥ 278 articles/s).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.entities import entities  # noqa: E402
from analysis.pipeline import Analyzer  # noqa: E402
from analysis.segment import segment  # noqa: E402
from presswatch.cli.reanalyze import analysis_files  # noqa: E402
from presswatch.config import load_analyzer  # noqa: E402
from presswatch.store import Store  # noqa: E402
from presswatch.store.articles import analysis_rows  # noqa: E402
from reanalysis import tables  # noqa: E402
from reanalysis.run import Selection, fingerprint, reanalyze  # noqa: E402
from reanalysis.worker import Item  # noqa: E402

ORIGINAL = Path("/work/bench-data/full/1m.db")  # bench/search.py --db … (1M articles)
DEFAULT = ROOT / "bench" / "out" / "reanalyze.db"
MILLION = 1_000_000


def copy_database(original: Path, target: Path) -> None:
    """Copy the benchmark database with its WAL, then fold the WAL into the copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{original}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{target}{suffix}")
    db = sqlite3.connect(target)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the pools are joined)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def line(name: str, count: int, seconds: float, cpu_seconds: float, baseline: float | None, extra: str = "") -> float:
    """One measure: wall rate, and rate per CPU-second (what a loaded machine disturbs least), with
    the 1M projection at 2 whole cores from the latter (a projection, labelled as one)."""
    rate = count / seconds
    per_cpu = count / cpu_seconds
    versus = f"{per_cpu / baseline:6.2f}x" if baseline else "  1.00x"
    print(f"{name:<56} {rate:7.1f} {per_cpu:7.1f} {versus} {seconds:7.1f} s  "
          f"{MILLION / (2 * per_cpu) / 3600:5.2f} h   {load()}{extra}", flush=True)
    return per_cpu


def timed(stage: Callable[[Any], Any], totals: dict[str, float], name: str) -> Callable[[Any], Any]:
    """``stage`` adding its wall time to ``totals[name]``."""
    def run(argument: Any) -> Any:
        started = time.perf_counter()
        try:
            return stage(argument)
        finally:
            totals[name] += time.perf_counter() - started
    return run


def on_disk(db: sqlite3.Connection, table: str) -> int | None:
    """Bytes of the table's pages (SQLite's ``dbstat``; None when this SQLite lacks it)."""
    try:
        row = db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", (table,)).fetchone()
    except sqlite3.OperationalError:
        return None
    return int(row[0] or 0)


_analyzer: Analyzer | None = None


def plain_init(factory: Callable[[], Analyzer]) -> None:
    global _analyzer
    _analyzer = factory()


def plain_work(item: Item) -> float:
    """The analysis as the crawl runs it (segmenting, NER, sketch), nothing stored; returns the CPU
    seconds it took in this worker."""
    assert _analyzer is not None
    started = time.process_time()
    _analyzer.analyze(item[1], item[2], comment=item[3])
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=ORIGINAL, help="the database to copy (never written)")
    parser.add_argument("--db", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=0, help="the first N articles only (0: all)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-one-core", action="store_true", help="leave out the one-core analysis baseline")
    args = parser.parse_args()
    if not args.db.exists():
        print(f"copying {args.source} to {args.db} …", flush=True)
        copy_database(args.source, args.db)
    config = ROOT / "config"
    factory = partial(load_analyzer, config)
    print_ = fingerprint(analysis_files(config))
    with Store(args.db, cache_mib=512) as store:
        rows = [(r["id"], r["title"], r["text"], r["content_type"] in ("post", "comment"), None)
                for r in analysis_rows(store.db, 0, args.limit or 10**9)]
        total = store.count_articles()
        print(f"{len(rows):,} of the {total:,} articles of a COPY of the benchmark database ({args.db}); "
              f"{os.cpu_count()} cores; {args.workers} workers; {load()}")
        print(f"{'measure':<56} {'art/s':>7} {'/CPU-s':>7} {'vs base':>7} {'wall':>9}  1M on 2 cores (projected "
              f"from /CPU-s)")
        baseline = None
        if not args.skip_one_core:
            analyzer = factory()
            analyzer.analyze(rows[0][1], rows[0][2])  # load the models before timing
            stages = {"segmentation": 0.0, "NER": 0.0}
            timed_segment, timed_entities = timed(segment, stages, "segmentation"), timed(entities, stages, "NER")
            started, used = time.perf_counter(), cpu()
            for _, title, text, comment, _ in rows:
                analyzer.analyze(title, text, comment=comment, segmenter=timed_segment, tagger=timed_entities)
            seconds = time.perf_counter() - started
            baseline = line("analysis alone, Analyzer in-process, 1 core (base)", len(rows), seconds,
                            cpu() - used, None)
            rest = seconds - sum(stages.values())
            print("  where the one-core analysis's time goes (wall, same run): "
                  + ", ".join(f"{name} {value:.1f} s ({value / seconds:.0%})" for name, value in stages.items())
                  + f", the rest (relevance, topics, sentiment, toxicity, places, sketch) {rest:.1f} s "
                  f"({rest / seconds:.0%})", flush=True)
        pool = multiprocessing.get_context("spawn").Pool(args.workers, initializer=plain_init, initargs=(factory,))
        pool.map(plain_work, rows[: args.workers * 2], chunksize=1)  # load the models before timing
        started = time.perf_counter()
        used = sum(pool.map(plain_work, rows, chunksize=max(1, len(rows) // (args.workers * 20))))
        seconds = time.perf_counter() - started
        pool.close()
        pool.join()
        rate = line(f"analysis alone, {args.workers} processes (no store)", len(rows), seconds, used, baseline)
        baseline = baseline or rate
        with store.transaction() as db:
            tables.clear_cache(db)  # the benchmark's own copy: start cold
        selection = Selection()
        used = cpu()  # the workers' start-up alone (loading underthesea), left out of the runs' CPU below
        reanalyze(store, selection, factory, print_, workers=args.workers, restart=True, limit=0)
        startup = cpu() - used
        passes = (
            # The stored analysis of the benchmark's articles was made by an older analysis, so the
            # first pass rewrites nearly every article; the next two write nothing (already current),
            # so cold and warm are compared on an equal footing.
            ("reanalyze cold, first (segmenting, writing changes)", False),
            ("reanalyze cold again (cache emptied, nothing to write)", True),
            ("reanalyze warm (segmentation and NER from the cache)", False),
        )
        for name, empty in passes:
            if empty:
                with store.transaction() as db:
                    tables.clear_cache(db)
            used = cpu()
            outcome = reanalyze(store, selection, factory, print_, workers=args.workers, restart=True,
                                limit=len(rows))
            counts = outcome.run.counts
            # The workers' start-up (loading underthesea: a few seconds, once per run) is left out of
            # the wall time and the CPU time.
            line(name, outcome.processed, outcome.seconds, cpu() - used - startup, baseline,
                 f"  (changed {counts.get('changed', 0)}, cached {counts.get('segmentation_cached', 0)})")
        entries, words, ner = tables.cache_size(store.db)
        per = (words + ner) / max(entries, 1)
        print(f"text cache: {entries:,} entries, {words:,} bytes of words + {ner:,} of entities ({per:.0f} B per "
              f"article; projected at 1M: {per * MILLION / 2**20:.0f} MiB of contents)")
        disk = on_disk(store.db, "text_cache")
        if disk is not None and entries:
            print(f"text cache on disk (SQLite pages, keys and row overhead included): {disk:,} bytes, "
                  f"{disk / entries:.0f} B per article; projected at 1M: {disk / entries * MILLION / 2**20:.0f} MiB")
        print(f"goal: 1M in ≤ 1 h on 2 cores = {MILLION / 3600:.0f} articles/s")


if __name__ == "__main__":
    main()
