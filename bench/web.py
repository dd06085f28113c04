"""Web benchmark: p50/p95 latency of the search page and the JSON API on the 1M-article database of
the search benchmark, beside ``SqliteIndex.search`` alone for the same request (the baseline).

    .venv/bin/python bench/web.py [--db bench/out/search.db] [--runs 20] [--engine sqlite|tantivy]

``--engine tantivy`` serves the page and the API from the tantivy index (``index_backend: tantivy``;
its directory ``<db>.tantivy``, synced first: ``bench/search.py`` builds it); the "index" columns
stay ``SqliteIndex.search`` alone, the baseline.

The database is the one ``bench/search.py`` builds (``--reuse`` keeps it); opening it applies the
web migration (new empty tables) and adds a user ``bench``. The server runs on 127.0.0.1 in this
process (uvicorn in a thread, the app's own store pool); requests go through the real HTTP stack
with a logged-in session. The page always computes facets and counts per day (its side bar and
chart); the API is asked for facets only where the search benchmark's query asks for them.
Targets (web issue): p95 ≤ 300 ms for the page, ≤ 150 ms for the API.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presswatch.search import SearchRequest  # noqa: E402
from presswatch.search.sqlite import SqliteIndex  # noqa: E402
from presswatch.store import Store, users  # noqa: E402
from tests.support.webserver import serve  # noqa: E402

PASSWORD = "bench-password-1"


def _queries() -> list[tuple[str, dict[str, object]]]:
    spec = importlib.util.spec_from_file_location("bench_search", ROOT / "bench" / "search.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.QUERIES)


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def timed(action: object, runs: int) -> tuple[float, float]:
    call = action  # a zero-argument callable
    call()  # type: ignore[operator]  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return percentiles(samples)


def params(options: dict[str, object], api: bool) -> dict[str, str]:
    out = {"q": str(options["query"]), "sort": str(options.get("sort", "relevance"))}
    offset = int(options.get("offset", 0))  # type: ignore[call-overload]
    if offset:
        out["page"] = str(offset // 20 + 1)
    if api:
        out["facets"] = "1" if options.get("facets") else "0"
    return out


def fetch(client: httpx.Client, path: str, query: dict[str, str]) -> None:
    response = client.get(path, params=query)
    assert response.status_code == 200, response.text[:300]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "out" / "search.db")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--engine", choices=["sqlite", "tantivy"], default="sqlite",
                        help="the search engine of the page and the API")
    args = parser.parse_args()
    if not args.db.exists():
        sys.exit(f"{args.db} is missing: build it with bench/search.py first")
    with Store(args.db) as store:
        count = store.count_articles()
        if store.fulltext_missing():  # emptied by a tantivy deployment's sync (presswatch.store.fulltext)
            sys.exit(f"{args.db}: its FTS5 index lacks {store.fulltext_missing():,} articles (a tantivy "
                     "deployment's sync emptied it); fill it first: Store(db).fill_fulltext()")
        if not any(user.name == "bench" for user in users.list_users(store)):
            users.add_user(store, "bench", "viewer", PASSWORD)
        index = SqliteIndex(store)
        baseline = {}
        for name, options in _queries():
            plain = SearchRequest(**options)  # type: ignore[arg-type]
            faceted = SearchRequest(**{**options, "facets": True})  # type: ignore[arg-type]
            baseline[name] = (timed(lambda r=plain: index.search(r), args.runs),
                              timed(lambda r=faceted: index.search(r), args.runs))
    print(f"{count:,} articles in {args.db}; page and API on {args.engine} (index columns: SQLite alone, the "
          f"baseline); {os.cpu_count()} cores; {args.runs} runs per line after one warm-up; milliseconds")
    header = (f"{'query':<30} {'index p50':>9} {'p95':>7} {'+facets p95':>12} {'page p50':>9} {'p95':>7} "
              f"{'API p50':>8} {'p95':>7}")
    print(header)
    print("-" * len(header))
    worst_page = worst_api = 0.0
    with serve(args.db, {}, index_backend=args.engine) as web, httpx.Client(base_url=web.url, timeout=120) as client:
        login = client.get("/login")
        token = login.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        done = client.post("/login", data={"username": "bench", "password": PASSWORD, "csrf": token})
        assert done.status_code == 303, done.text
        for name, options in _queries():
            page_params, api_params = params(options, api=False), params(options, api=True)
            page_p50, page_p95 = timed(lambda p=page_params: fetch(client, "/", p), args.runs)
            api_p50, api_p95 = timed(lambda p=api_params: fetch(client, "/api/search", p), args.runs)
            (raw_p50, raw_p95), (_, facet_p95) = baseline[name]
            worst_page, worst_api = max(worst_page, page_p95), max(worst_api, api_p95)
            print(f"{name:<30} {raw_p50:>9.1f} {raw_p95:>7.1f} {facet_p95:>12.1f} {page_p50:>9.1f} {page_p95:>7.1f} "
                  f"{api_p50:>8.1f} {api_p95:>7.1f}")
    print(f"\nworst p95: page {worst_page:.0f} ms (target ≤ 300), API {worst_api:.0f} ms (target ≤ 150)")


if __name__ == "__main__":
    main()
