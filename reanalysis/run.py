"""Re-analysis of stored articles: the current analysis (topics.yaml, gazetteer, sentiment terms,
model) applied to what the store holds, batch by batch, on a pool of processes.

One batch, one transaction. The main process reads a batch of articles (title and text as extracted,
as the crawl analysed them, and their text cache entries), the workers analyse it, and the main
process writes, in one transaction: the fields that changed (``reanalysis.fields``: the grade
columns, the ``analysis`` JSON, the topic and place rows the facets count), the new text cache
entries (segmentation and entities, ``analysis.text_cache``), the ``after_batch`` hook (analysts'
corrections re-applied), the ``each_batch`` hook (the register's detector marks of an older version
redone), the Elasticsearch resend mark, and the run's position. A kill loses at most
the batch in flight and never leaves an article half updated; the next identical run (or
``resume``) starts after the last committed batch. While the main process writes one batch the
workers already analyse the next.

What re-analysis does not do, on purpose:
- no alerts: it never evaluates alert rules nor enqueues anything in the outbox. Alerts are about news
  as it arrives; an old article that newly matches a rule after re-analysis is found by a search
  (or the next digest's counts), not pushed to anyone's phone months late.
- no story regrouping: the near-duplicate sketch depends on the text alone, so clusters stay.
- articles never analysed (the crawl's analysis failed) are left to ``alerts.ingest``'s deferred
  evaluation, which analyses them and evaluates their rules exactly once.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis.text_cache import NER_VERSION, SEGMENTER_VERSION
from presswatch.search.es_sync import resend_from
from presswatch.store import Store
from presswatch.store.articles import analysis_rows, count_analysed, replace_analysis
from presswatch.times import iso, parse_iso
from reanalysis import tables
from reanalysis.fields import ALL, merge
from reanalysis.worker import Item, Result, init, work

if TYPE_CHECKING:
    from analysis.pipeline import Analyzer

DEFAULT_BATCH = 200
Progress = Callable[[int, int], None]  # (done, total) after each committed batch
AfterBatch = Callable[[Sequence[int]], None]  # the ids whose analysis was rewritten, inside the batch's transaction
# every row of the batch (``id``, ``title``, ``text`` as extracted, ``content_type``), inside its transaction:
# what a capability above derives from the text alone is refreshed with it (the register's detector marks)
EachBatch = Callable[[sqlite3.Connection, Sequence[sqlite3.Row]], None]


@dataclass(frozen=True)
class Selection:
    """Which articles (dated in [since, until), of these sources; none: all) and which fields."""

    since: datetime | None = None
    until: datetime | None = None
    sources: tuple[str, ...] = ()
    fields: tuple[str, ...] = ALL

    def to_json(self) -> dict[str, Any]:
        return {"since": iso(self.since), "until": iso(self.until), "sources": list(self.sources),
                "fields": list(self.fields)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Selection:
        return cls(parse_iso(data.get("since")), parse_iso(data.get("until")), tuple(data.get("sources") or ()),
                   tuple(data.get("fields") or ALL))


@dataclass
class Outcome:
    run: tables.Run
    resumed: bool
    seconds: float = 0.0  # from the first batch on (the workers' start-up excluded)
    startup: float = 0.0  # seconds to start the workers and load their models
    processed: int = 0  # articles analysed by this invocation (a resumed run's earlier part excluded)
    errors: list[str] = field(default_factory=list)  # the first failures' texts


def fingerprint(files: Sequence[Path]) -> str:
    """What identifies the analysis applied: the contents of ``files`` (configuration, lexicons,
    gazetteer, model) and the underthesea stages' versions. An unfinished run resumes only under the same."""
    digest = hashlib.blake2b(f"{SEGMENTER_VERSION}\n{NER_VERSION}".encode(), digest_size=16)
    for path in sorted(files):
        digest.update(str(path.name).encode())
        digest.update(path.read_bytes() if path.is_file() else b"-")
    return digest.hexdigest()


def reanalyze(store: Store, selection: Selection, factory: Callable[[], Analyzer], print_: str, *,
              workers: int | None = None, batch: int = DEFAULT_BATCH, restart: bool = False,
              progress: Progress | None = None, after_batch: AfterBatch | None = None,
              each_batch: EachBatch | None = None, index_again: bool = False,
              limit: int | None = None) -> Outcome:
    """Re-analyse the selected articles with the analyzer ``factory`` builds (in each worker: it is
    pickled) whose analysis ``print_`` identifies (``fingerprint``). An unfinished run of the same
    selection and fingerprint is resumed unless ``restart``. ``workers``: processes (default: the
    cores; 1: in this process). ``after_batch``: called with the rewritten ids inside each batch's
    transaction (analysts' corrections win). ``each_batch``: called with every row of the batch
    inside its transaction (the shell refreshes the register's marks). ``index_again``: mark
    rewritten articles for the search index's sync (Elasticsearch, tantivy) to index again.
    ``limit``: stop after this many articles (benchmarks)."""
    workers = workers or os.cpu_count() or 1
    with store.transaction() as db:
        run = tables.unfinished(db, selection.to_json(), print_)
        if run is not None and restart:
            tables.abandon(db, run.id)
            run = None
        resumed = run is not None
        if run is None:
            total = count_analysed(db, 0, selection.since, selection.until, selection.sources)
            run = tables.start(db, selection.to_json(), print_, total)
    outcome = Outcome(run, resumed)
    started = time.perf_counter()
    pool = multiprocessing.get_context("spawn").Pool(workers, initializer=init, initargs=(factory,)) \
        if workers > 1 else None
    if pool is None:
        init(factory)
    try:
        if pool is not None:
            pool.map(_ready, range(workers), chunksize=1)  # the workers have loaded their models
        outcome.startup = time.perf_counter() - started
        started = time.perf_counter()
        if progress is not None:
            progress(run.done, run.total)
        pending: tuple[list[sqlite3.Row], Any] | None = None
        for rows in _batches(store.db, selection, run.last_id, batch, limit):
            items = _items(store.db, rows)
            job = pool.map_async(work, items, chunksize=max(1, len(items) // (workers * 4))) \
                if pool is not None else [work(item) for item in items]
            if pending is not None:
                _write(store, run, selection, outcome, *pending, after_batch, each_batch, index_again, progress)
            pending = (rows, job)
        if pending is not None:
            _write(store, run, selection, outcome, *pending, after_batch, each_batch, index_again, progress)
        with store.transaction() as db:
            tables.save(db, run, finished=limit is None)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    outcome.seconds = time.perf_counter() - started
    return outcome


def _ready(_: int) -> None:
    """A task that returns once a worker is up (its initializer has run)."""


def resume(store: Store, factory: Callable[[], Analyzer], print_: str, **options: Any) -> Outcome | None:
    """Resume the latest unfinished run with its own selection (None: there is none). Under another
    fingerprint (the configuration changed since) that selection starts over."""
    run = tables.unfinished(store.db)
    if run is None:
        return None
    return reanalyze(store, Selection.from_json(run.selection), factory, print_, **options)


def _batches(db: sqlite3.Connection, selection: Selection, after: int, size: int,
             limit: int | None) -> Iterator[list[sqlite3.Row]]:
    left = limit
    while left is None or left > 0:
        rows = analysis_rows(db, after, size if left is None else min(size, left), selection.since, selection.until,
                             selection.sources)
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]
        if left is not None:
            left -= len(rows)


def _items(db: sqlite3.Connection, rows: list[sqlite3.Row]) -> list[Item]:
    entries = tables.cached(db, [row["id"] for row in rows])
    return [(row["id"], row["title"], row["text"], row["content_type"] in ("post", "comment"), entries.get(row["id"]))
            for row in rows]


def _write(store: Store, run: tables.Run, selection: Selection, outcome: Outcome, rows: list[sqlite3.Row],
           job: Any, after_batch: AfterBatch | None, each_batch: EachBatch | None, index_again: bool,
           progress: Progress | None) -> None:
    results: list[Result] = job if isinstance(job, list) else job.get()
    counts = run.counts
    with store.transaction() as db:
        rewritten: list[int] = []
        fresh = []
        for row, (article_id, data, entry, hit, error) in zip(rows, results, strict=True):
            assert row["id"] == article_id
            if entry is not None:
                fresh.append((article_id, entry))
            counts["segmentation_cached" if hit else "segmented"] = counts.get(
                "segmentation_cached" if hit else "segmented", 0) + 1
            if data is None:
                counts["errors"] = counts.get("errors", 0) + 1
                if len(outcome.errors) < 10:
                    outcome.errors.append(f"bài {article_id}: {error}")
                continue
            merged, changed = merge(json.loads(row["analysis"]), data, selection.fields)
            for name in changed:
                counts[name] = counts.get(name, 0) + 1
            if changed:
                counts["changed"] = counts.get("changed", 0) + 1
                replace_analysis(db, article_id, merged)
                rewritten.append(article_id)
        tables.put_cached(db, fresh)
        if rewritten and after_batch is not None:
            after_batch(rewritten)
        if each_batch is not None:
            each_batch(db, rows)
        if rewritten and index_again:
            resend_from(db, min(rewritten))
        run.last_id = rows[-1]["id"]
        run.done += len(rows)
        tables.save(db, run)
    outcome.processed += len(rows)
    if progress is not None:
        progress(run.done, run.total)
