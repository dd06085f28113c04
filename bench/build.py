"""Build benchmark: ``Store.add_articles`` against the insert as it was before (the baseline,
``tests.support.store_baseline``), on the same generated articles, in one process, alternating.

    .venv/bin/python bench/build.py --articles 100000 --per-day 900 --dir /tmp/build-bench

Two stores are built side by side in ``--dir`` from the articles of ``bench/search.py``'s generator
(its analyses of ``baomoi_dev``, cached beside the stores): each batch of ``--batch`` articles goes
into the baseline store (one transaction, the old ``insert`` for each article) and into the new one
(``Store.add_articles``), the order alternating from batch to batch, so a shared machine's load
falls on both alike. Only the time inside the two calls is counted. Each generated article carries
what the crawler's analysis stage hands the store (``Analysis.texts``: its normalised and folded
title and text, computed during generation as the analysis computes them); ``--no-texts`` leaves
them out, so that the new store normalises and folds itself too. ``--engine tantivy`` builds the new
store as a deployment whose search engine is tantivy (the default) does: its FTS5 index is not
written (``presswatch.store.fulltext``; the baseline writes it, as every store did before). Prints
both rates, their ratio and
the load average every 10,000 articles and at the end; ``--compare`` then checks that both stores
hold the same rows (every table) and the same index (``fts5vocab``, and a few searches).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after the packages: bench/alerts.py is not alerts

from search import generate  # noqa: E402

from analysis.pipeline import Analysis  # noqa: E402
from presswatch.config import load_analyzer  # noqa: E402
from presswatch.models import Article  # noqa: E402
from presswatch.store import Store  # noqa: E402
from tests.support import store_baseline  # noqa: E402
from tests.support.store_compare import differences  # noqa: E402

DEFAULT = Path("/work/shared/data/baomoi_dev/articles.jsonl")


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--per-day", type=float, default=900)
    parser.add_argument("--source", type=Path, default=DEFAULT)
    parser.add_argument("--dir", type=Path, required=True, help="a private scratch directory for both stores")
    parser.add_argument("--no-texts", action="store_true", help="articles without Analysis.texts")
    parser.add_argument("--compare", action="store_true", help="check both stores are identical at the end")
    parser.add_argument("--engine", choices=("sqlite", "tantivy"), default="sqlite",
                        help="the search engine the new store is built for (tantivy: no FTS5 writes)")
    args = parser.parse_args()

    args.dir.mkdir(parents=True, exist_ok=True)
    raw = [json.loads(line) for line in args.source.read_text(encoding="utf-8").splitlines() if line.strip()]
    cached = args.dir / f"originals-{args.source.stat().st_size}.analysis.pickle"
    if cached.exists():
        analyses: list[Analysis] = pickle.loads(cached.read_bytes())
    else:
        print(f"analysing the {len(raw):,} original articles once …", flush=True)
        analyzer = load_analyzer(ROOT / "config", with_entities=False)
        analyses = [analyzer.analyze(r["title"], r["text"]) for r in raw]
        cached.write_bytes(pickle.dumps(analyses))
    paths = {"baseline": args.dir / "baseline.db", "new": args.dir / "new.db"}
    for path in paths.values():
        for old in args.dir.glob(path.name + "*"):
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    print(f"{args.articles:,} articles in batches of {args.batch:,}, {os.cpu_count()} cores, new store for "
          f"the {args.engine} engine{' (no FTS5 writes)' if args.engine == 'tantivy' else ''}, "
          f"Analysis.texts {'absent' if args.no_texts else 'carried'}; load average (1/5/15 min) at start {_load()}",
          flush=True)
    spent = {"baseline": 0.0, "new": 0.0}
    articles = generate(raw, analyses, args.articles, per_day=args.per_day, texts=not args.no_texts)
    with Store(paths["baseline"], cache_mib=1024, checkpoint_pages=100_000) as base, \
            Store(paths["new"], cache_mib=1024, checkpoint_pages=100_000) as new:

        def baseline_add(batch: list[Article]) -> list[int | None]:
            with base.transaction() as db:
                return [store_baseline.insert(db, article) for article in batch]

        if args.engine == "tantivy":
            new.drop_fulltext()  # what keep.fulltext_in_step does at a tantivy deployment's first sync
        steps = {"baseline": baseline_add, "new": new.add_articles}
        done = 0
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) < args.batch and done + len(batch) < args.articles:
                continue
            order = ["baseline", "new"] if (done // args.batch) % 2 == 0 else ["new", "baseline"]
            ids = {}
            for name in order:
                started = time.perf_counter()
                ids[name] = steps[name](batch)
                spent[name] += time.perf_counter() - started
            assert ids["baseline"] == ids["new"]
            done += len(batch)
            batch = []
            if done % 10_000 == 0 or done == args.articles:
                print(f"  {done:>9,}: baseline {done / spent['baseline']:7,.0f}/s, new {done / spent['new']:7,.0f}/s, "
                      f"ratio {spent['baseline'] / spent['new']:.2f}×; load {_load()}", flush=True)
        for name, store in (("baseline", base), ("new", new)):
            started = time.perf_counter()
            store.db.execute("PRAGMA optimize")
            spent[name] += time.perf_counter() - started
    print(f"build of {done:,} articles inside the store calls: baseline {done / spent['baseline']:,.0f}/s "
          f"({spent['baseline']:,.0f} s), new {done / spent['new']:,.0f}/s ({spent['new']:,.0f} s), "
          f"ratio {spent['baseline'] / spent['new']:.2f}×; load average at the end {_load()}", flush=True)
    if args.compare:
        started = time.perf_counter()
        found = differences(paths["baseline"], paths["new"], fts_instances=False, fts=args.engine == "sqlite")
        what = "the index's terms and a few searches" if args.engine == "sqlite" else "the FTS5 index left out"
        print(f"compared in {time.perf_counter() - started:,.0f} s: "
              + (f"identical (every table, {what})" if not found else
                 "DIFFERENT: " + "; ".join(found[:10])), flush=True)
        if found:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
