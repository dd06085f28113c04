"""Search benchmark: build an embedded index of N realistic articles and time representative queries;
the same queries on osmem-server (Elasticsearch API) with a subset it holds in memory, side by side.

    .venv/bin/python bench/search.py [--articles 1000000] [--es-articles 20000] [--db bench/out/search.db]

Articles are generated from the real texts of ``../shared/data/baomoi_dev``: each takes the title of
one article and sentences of three to six others, a date in the last three years and one of 60
sources; analysis fields (relevance, topics, sentiment, places) are those of the real analysis of
the title's article, computed once for the 3,070 originals. The database is kept for reuse
(``--reuse``) by ``bench/web.py``. Prints build rate, database size, and p50/p95 per query.
Targets (search issue): build ≥ 1,000 articles/s, p95 ≤ 100 ms for every query, on 2 cores.

The peer: tantivy (``presswatch.search.tantivy_index``), an index directory beside the database
(``--tantivy``; built or caught up from the store before the queries, its rate printed), answers the
same requests; its p50/p95, its hit count and the p95 ratio SQLite / tantivy are printed beside
SQLite's. ``--window 30d`` appends ``since:30d`` to every query (the cost of a window, not of the
archive); ``--per-day 900`` dates the built articles in storage order, 900 a day up to NOW, so the
last 30 days hold the same articles whatever N (``--window`` then compares sizes fairly). The
machine's core count and load average (``os.getloadavg``) are printed before and after the queries:
on a shared machine they say what the numbers ran under.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.fingerprint import sketch  # noqa: E402
from analysis.normalize import fold, normalize  # noqa: E402
from analysis.pipeline import Analysis, StoredTexts  # noqa: E402
from presswatch.config import load_analyzer  # noqa: E402
from presswatch.models import Article  # noqa: E402
from presswatch.search import SearchRequest  # noqa: E402
from presswatch.search.sqlite import SqliteIndex  # noqa: E402
from presswatch.search.tantivy_index import TantivyIndex  # noqa: E402
from presswatch.store import Store  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "baomoi_dev" / "articles.jsonl"
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
KINDS = ["press"] * 6 + ["magazine", "info_site", "aggregator", "social"]
QUERIES: list[tuple[str, dict[str, object]]] = [
    ("word", {"query": "thủy điện"}),
    ("phrase", {"query": '"Lai Châu"'}),
    ("folded", {"query": "muong te"}),
    ("boolean + filters + dates", {"query": '("sạt lở" OR "lũ quét") -"Hà Nội" kind:press since:2026-01-01 '
                                            'until:2026-11-01'}),
    ("near", {"query": '"Lai Châu" NEAR/10 "mưa lớn"'}),
    ("prefix", {"query": "thủy* since:90d"}),
    ("field only, by date", {"query": "relevance:about sentiment:negative", "sort": "date"}),
    ("place + topic", {"query": 'place:"Mường Tè" topic:thien-tai'}),
    ("facets", {"query": '"tai nạn" since:30d', "facets": True}),
    ("counts per day (facets) week", {"query": "since:7d", "facets": True, "sort": "date"}),
    ("page 5, by date", {"query": "giá vàng", "sort": "date", "offset": 80}),
    ("common words", {"query": "người dân"}),
]


def sentences(text: str) -> list[str]:
    parts = [p.strip() for p in text.replace("\n", ". ").split(". ") if len(p.strip()) > 30]
    return parts or [text]


def generate(raw: list[dict[str, str]], analyses: list[Analysis], count: int, seed: int = 7,
             per_day: float | None = None, texts: bool = True):
    """``count`` articles; dated at random over three years (``per_day`` None), or, with ``per_day``,
    in the order they are stored at that many a day up to NOW (a few hours of jitter), as a crawler
    stores them: an archive of any size then holds the same number of articles in its last 30 days.
    Each carries what the crawler's analysis stage computes for the store, ``texts`` False: all but
    ``Analysis.texts`` (the normalised and folded title and text, then computed by the store)."""
    rnd = random.Random(seed)
    pools = [sentences(r["text"]) for r in raw]
    sources = [f"nguon-{i:02d}" for i in range(60)]
    span = int(timedelta(days=3 * 365).total_seconds())
    for number in range(count):
        base = rnd.randrange(len(raw))
        body = list(pools[base][:3])
        for other in rnd.sample(range(len(raw)), rnd.randint(3, 6)):
            body.extend(rnd.sample(pools[other], min(2, len(pools[other]))))
        text = ". ".join(body) + "."
        source = sources[number % len(sources)]
        analysis = analyses[base]
        title = raw[base]["title"]
        carried = None
        if texts:
            normal_title, normal_text = normalize(title), normalize(text)
            carried = StoredTexts(title, text, normal_title, normal_text, fold(normal_title), fold(normal_text))
        yield Article(
            url=f"https://{source}.example.vn/bai-{number}.html", source_id=source,
            source_kind=KINDS[number % len(KINDS)], title=title, text=text,
            published_at=NOW - (timedelta(seconds=rnd.randrange(span)) if per_day is None else
                                 timedelta(days=(count - 1 - number) / per_day, seconds=rnd.randrange(6 * 3600))),
            analysis=Analysis(analysis.relevance, analysis.topics, analysis.sentiment, analysis.places,
                              [], sketch(text), texts=carried),
        )


def timed(index: object, request: SearchRequest, runs: int) -> tuple[float, float, int]:
    times = []
    total = 0
    for _ in range(runs):
        started = time.perf_counter()
        result = index.search(request)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        total = result.total
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1 if len(times) >= 20 else -1], total


def build(db: Path, raw: list[dict[str, str]], analyses: list[Analysis], count: int, batch: int = 1000,
          cache_mib: int = 1024, checkpoint_pages: int = 100_000, per_day: float | None = None) -> float:
    """Bulk build: ``Store.add_articles`` in transactions of ``batch`` articles (the crawler stores one
    article per transaction instead; both do the same work per article), by a writer with a
    ``cache_mib`` page cache and a WAL checkpointed every ``checkpoint_pages`` pages."""
    started = time.perf_counter()
    storing = 0.0  # time inside Store.add_articles (and the final PRAGMA optimize): the index build
    with Store(db, cache_mib=cache_mib, checkpoint_pages=checkpoint_pages) as store:
        pending: list[Article] = []
        for number, article in enumerate(generate(raw, analyses, count, per_day=per_day), start=1):
            pending.append(article)
            if len(pending) == batch:
                before = time.perf_counter()
                store.add_articles(pending)
                storing += time.perf_counter() - before
                pending = []
            if number % 50_000 == 0:
                rate = number / (time.perf_counter() - started)
                print(f"  … {number:,} articles, {rate:,.0f}/s with generation, "
                      f"{number / storing:,.0f}/s storing", flush=True)
        before = time.perf_counter()
        if pending:
            store.add_articles(pending)
        store.db.execute("PRAGMA optimize")
        storing += time.perf_counter() - before
    total = time.perf_counter() - started
    print(f"build: {count / total:,.0f} articles/s including generation (text recombination, the MinHash "
          f"sketch and the normalised and folded texts, which the crawler computes in the analysis stage), "
          f"{count / storing:,.0f}/s in "
          f"Store.add_articles alone ({storing:,.0f} s of {total:,.0f} s)", flush=True)
    return count / total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument("--es-articles", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--source", type=Path, default=DEFAULT)
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "search.db")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database of the right size")
    parser.add_argument("--no-es", action="store_true")
    parser.add_argument("--tantivy", type=Path, default=None,
                        help="the peer's index directory (default: the database path + .tantivy)")
    parser.add_argument("--no-tantivy", action="store_true")
    parser.add_argument("--per-day", type=float, default=None,
                        help="date the articles in storage order at this many a day (default: at random over 3 years)")
    parser.add_argument("--window", default="", help="append since:WINDOW to every query (e.g. 30d)")
    parser.add_argument("--cache-mib", type=int, default=1024, help="page cache of the building connection")
    parser.add_argument("--checkpoint-pages", type=int, default=100_000,
                        help="WAL auto-checkpoint of the building connection (pages of 4 KiB)")
    args = parser.parse_args()

    args.db.parent.mkdir(parents=True, exist_ok=True)
    rate = None
    if not (args.reuse and args.db.exists()):
        raw = [json.loads(line) for line in args.source.read_text(encoding="utf-8").splitlines() if line.strip()]
        print(f"analysing the {len(raw):,} original articles once …", flush=True)
        cached = args.db.parent / f"originals-{args.source.stat().st_size}.analysis.pickle"
        if cached.exists():  # the analyses of the originals, kept beside the database: minutes saved
            analyses = pickle.loads(cached.read_bytes())
        else:
            analyzer = load_analyzer(ROOT / "config", with_entities=False)
            analyses = [analyzer.analyze(r["title"], r["text"]) for r in raw]
            cached.write_bytes(pickle.dumps(analyses))
        for path in args.db.parent.glob(args.db.name + "*"):  # the database, its WAL, the peer's index
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
        print(f"building {args.articles:,} articles into {args.db} …", flush=True)
        print(f"writer: page cache {args.cache_mib} MiB, WAL checkpoint every {args.checkpoint_pages:,} pages")
        rate = build(args.db, raw, analyses, args.articles, cache_mib=args.cache_mib,
                     checkpoint_pages=args.checkpoint_pages, per_day=args.per_day)
    size = sum(p.stat().st_size for p in args.db.parent.glob(args.db.name + "*") if p.is_file())
    queries = [(name, {**options, "query": f"{options['query']} since:{args.window}"} if args.window else options)
               for name, options in QUERIES]
    with Store(args.db) as store, Store(args.db, side_reader=False) as alone:
        stored = store.count_articles()
        if store.fulltext_missing():  # emptied by a tantivy deployment's sync (presswatch.store.fulltext)
            sys.exit(f"{args.db}: its FTS5 index lacks {store.fulltext_missing():,} articles (a tantivy "
                     "deployment's sync emptied it); fill it first: Store(db).fill_fulltext()")
        sqlite, one = SqliteIndex(store), SqliteIndex(alone)
        print(f"\nSQLite: {stored:,} articles, {size / 2**30:.2f} GiB"
              + (f", built at {rate:,.0f} articles/s" if rate else " (reused)"))
        peer = None if args.no_tantivy else tantivy_side(store, args.tantivy or Path(f"{args.db}.tantivy"))
        print(f"engines: SQLite {sqlite3.sqlite_version} FTS5"
              + ("" if peer is None else ", tantivy 0.27 (Python bindings)")
              + f"; {os.cpu_count()} cores; load average before the queries {_load()}"
              + (f"; every query with since:{args.window}" if args.window else ""), flush=True)
        results: dict[str, tuple[float, float, int]] = {}
        baseline: dict[str, tuple[float, float, int]] = {}
        peer_results: dict[str, tuple[float, float, int]] = {}
        for name, options in queries:  # the baseline (one connection, one core) right before each
            baseline[name] = timed(one, SearchRequest(now=NOW, **options), args.runs)  # type: ignore[arg-type]
            results[name] = timed(sqlite, SearchRequest(now=NOW, **options), args.runs)  # type: ignore[arg-type]
            if peer is not None:
                peer_results[name] = timed(peer, SearchRequest(now=NOW, **options), args.runs)  # type: ignore[arg-type]
        es_results: dict[str, tuple[float, float, int]] = {}
        if not args.no_es:
            es_results = es_side(store, args.es_articles, args.runs)
    print(f"load average after the queries {_load()}")
    print("\nSQLite = the search as shipped (its connection and the store's side reader: 2 cores); "
          "1 conn = the same search on one connection (1 core), the baseline; tantivy = the peer; "
          "ratio = SQLite p95 / tantivy p95")
    print(f"\n{'query':<30} {'SQLite p50':>10} {'p95':>7} {'hits':>8} {'1 conn p50':>10} {'p95':>7}"
          f" {'tantivy p50':>11} {'p95':>7} {'hits':>8} {'ratio':>6}   {'ES(osmem) p50':>13} {'p95':>8} {'hits':>7}")
    for name, _ in queries:
        p50, p95, total = results[name]
        b50, b95, btotal = baseline[name]
        assert btotal == total, name
        line = f"{name:<30} {p50:>8.1f}ms {p95:>5.1f}ms {total:>8,} {b50:>8.1f}ms {b95:>5.1f}ms"
        if name in peer_results:
            t50, t95, ttotal = peer_results[name]
            line += f" {t50:>9.1f}ms {t95:>5.1f}ms {ttotal:>8,} {p95 / t95:>5.1f}×" + ("" if ttotal == total else " ≠!")
        if name in es_results:
            e50, e95, etotal = es_results[name]
            line += f"   {e50:>11.1f}ms {e95:>6.1f}ms {etotal:>7,}"
        print(line)
    if peer_results:
        worst = max(results[name][1] for name, _ in queries), max(peer_results[name][1] for name, _ in queries)
        print(f"worst p95: SQLite {worst[0]:.1f} ms, tantivy {worst[1]:.1f} ms; "
              f"hit counts equal for {sum(results[n][2] == peer_results[n][2] for n, _ in queries)} of {len(queries)}")
    if not args.no_es:
        print(f"(ES side: osmem-server holding the first {args.es_articles:,} articles, in memory; "
              f"SQLite side: all {stored:,})")


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg()) + " (1 / 5 / 15 min)"


def tantivy_side(store: Store, path: Path) -> TantivyIndex:
    """The peer index at ``path``, caught up with ``store`` (built from scratch when empty)."""
    peer = TantivyIndex(store, path, heap_mib=512, threads=2)
    started = time.perf_counter()
    added = peer.sync(batch=20_000)
    spent = time.perf_counter() - started
    size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    print(f"tantivy: {added:,} articles indexed in {spent:,.1f} s"
          + (f" ({added / spent:,.0f} articles/s, reading the store included)" if added else "")
          + f", index {size / 2**30:.2f} GiB at {path}", flush=True)
    return peer


def es_side(store: Store, count: int, runs: int) -> dict[str, tuple[float, float, int]]:
    from elasticsearch import Elasticsearch
    from osmem_server import OsmemServer

    from presswatch.search.elastic import EsIndex
    from presswatch.search.es_sync import article_batches
    from tests.support.es import PlainJsonNode

    results = {}
    with OsmemServer.start() as server, server.clone() as clone:
        client = Elasticsearch(clone.url, node_class=PlainJsonNode, request_timeout=120)
        index = EsIndex(client, alias="bench")
        index.ensure()
        started = time.perf_counter()
        sent = 0
        for rows in article_batches(store, 0, 1000):
            sent += index.bulk(index.alias, rows[: count - sent])
            if sent >= count:
                break
        index.refresh()
        print(f"osmem-server: {sent:,} articles indexed at {sent / (time.perf_counter() - started):,.0f}/s")
        for name, options in QUERIES:
            results[name] = timed(index, SearchRequest(now=NOW, **options), runs)  # type: ignore[arg-type]
        client.close()
    return results


if __name__ == "__main__":
    main()
