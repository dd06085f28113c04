"""The tables of re-analysis (``SCHEMA``) and the functions on them.

- ``reanalysis_runs``: one row per run of ``presswatch reanalyze``: its selection (dates, sources,
  fields), the fingerprint of the analysis it applies, how far it got (``last_id``: every article of
  the selection up to that id is done) and its counts. Updated in the transaction that writes each
  batch, so a killed run resumes after the last committed batch.
- ``text_cache``: per article, what its segmentation and NER leave for the later stages
  (``analysis.text_cache``): each part's key (what it read, the stage's version) and result, the
  multi-syllable words' offsets and the entities. Deleted with its article.

Functions of a connection, inside the caller's transaction where they write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from analysis.text_cache import Entry
from presswatch.store.schema import Migration, Schema
from presswatch.times import iso, parse_iso, utcnow

SCHEMA = Schema("reanalysis", (
    Migration(
        "runs and text cache",
        """
    CREATE TABLE reanalysis_runs (
        id INTEGER PRIMARY KEY,
        selection TEXT NOT NULL,        -- JSON: since, until, sources, fields (what the run re-analyses)
        fingerprint TEXT NOT NULL,      -- the analysis applied (configuration files, model, segmenter)
        started_at TEXT NOT NULL,       -- UTC
        updated_at TEXT NOT NULL,       -- UTC, at each committed batch
        finished_at TEXT,               -- UTC; NULL while unfinished (running or killed)
        last_id INTEGER NOT NULL DEFAULT 0,  -- every selected article up to this id is done
        total INTEGER NOT NULL DEFAULT 0,    -- selected articles when the run started
        done INTEGER NOT NULL DEFAULT 0,
        counts TEXT NOT NULL DEFAULT '{}'    -- JSON: changed articles per field, cache hits, …
    );
    CREATE INDEX reanalysis_runs_open ON reanalysis_runs(finished_at, id);
    CREATE TABLE text_cache (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        key INTEGER NOT NULL,           -- analysis.text_cache.document_key of the analysed document
        words BLOB NOT NULL,            -- analysis.text_cache.encode: the multi-syllable words' offsets
        ner_key INTEGER,                -- analysis.text_cache.ner_key of NER's input; NULL: NER never ran
        ner TEXT                        -- analysis.text_cache.encode_entities
    );
    """,
    ),
))


@dataclass
class Run:
    id: int
    selection: dict[str, Any]
    fingerprint: str
    started_at: datetime
    last_id: int = 0
    total: int = 0
    done: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    finished_at: datetime | None = None


def _run(row: sqlite3.Row) -> Run:
    started = parse_iso(row["started_at"])
    assert started is not None
    return Run(id=int(row["id"]), selection=json.loads(row["selection"]), fingerprint=row["fingerprint"],
               started_at=started, last_id=int(row["last_id"]), total=int(row["total"]), done=int(row["done"]),
               counts=json.loads(row["counts"]), finished_at=parse_iso(row["finished_at"]))


def selection_text(selection: dict[str, Any]) -> str:
    return json.dumps(selection, ensure_ascii=False, sort_keys=True)


def unfinished(db: sqlite3.Connection, selection: dict[str, Any] | None = None,
               fingerprint: str | None = None) -> Run | None:
    """The latest unfinished run (of this selection and fingerprint when given)."""
    sql = "SELECT * FROM reanalysis_runs WHERE finished_at IS NULL"
    params: list[object] = []
    if selection is not None:
        sql += " AND selection = ?"
        params.append(selection_text(selection))
    if fingerprint is not None:
        sql += " AND fingerprint = ?"
        params.append(fingerprint)
    row = db.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
    return None if row is None else _run(row)


def latest(db: sqlite3.Connection) -> Run | None:
    row = db.execute("SELECT * FROM reanalysis_runs ORDER BY id DESC LIMIT 1").fetchone()
    return None if row is None else _run(row)


def start(db: sqlite3.Connection, selection: dict[str, Any], fingerprint: str, total: int) -> Run:
    now = utcnow()
    cursor = db.execute("INSERT INTO reanalysis_runs (selection, fingerprint, started_at, updated_at, total) "
                        "VALUES (?, ?, ?, ?, ?)", (selection_text(selection), fingerprint, iso(now), iso(now), total))
    assert cursor.lastrowid is not None
    return Run(id=cursor.lastrowid, selection=selection, fingerprint=fingerprint, started_at=now, total=total)


def abandon(db: sqlite3.Connection, run_id: int) -> None:
    """Close an unfinished run without finishing it (a new run starts over)."""
    db.execute("UPDATE reanalysis_runs SET finished_at = ?, counts = json_set(counts, '$.abandoned', 1) "
               "WHERE id = ? AND finished_at IS NULL", (iso(utcnow()), run_id))


def save(db: sqlite3.Connection, run: Run, finished: bool = False) -> None:
    """Record the run's position and counts (in the transaction of the batch that got it there)."""
    now = utcnow()
    if finished:
        run.finished_at = now
    db.execute("UPDATE reanalysis_runs SET updated_at = ?, finished_at = ?, last_id = ?, total = ?, done = ?, "
               "counts = ? WHERE id = ?",
               (iso(now), iso(run.finished_at), run.last_id, run.total, run.done,
                json.dumps(run.counts, sort_keys=True), run.id))


def cached(db: sqlite3.Connection, article_ids: Sequence[int]) -> dict[int, Entry]:
    """The segmentation entries of these articles that are stored."""
    rows = db.execute("SELECT article_id, key, words, ner_key, ner FROM text_cache WHERE article_id IN "
                      "(SELECT value FROM json_each(?))", (json.dumps(list(article_ids)),))
    return {int(row[0]): Entry(int(row[1]), bytes(row[2]), row[3], row[4]) for row in rows}


def put_cached(db: sqlite3.Connection, entries: Iterable[tuple[int, Entry]]) -> None:
    db.executemany("INSERT OR REPLACE INTO text_cache (article_id, key, words, ner_key, ner) VALUES (?, ?, ?, ?, ?)",
                   [(article_id, entry.key, entry.words, entry.ner_key, entry.ner) for article_id, entry in entries])


def cache_size(db: sqlite3.Connection) -> tuple[int, int, int]:
    """(entries, bytes of their words, bytes of their entities) in the text cache."""
    row = db.execute("SELECT count(*), coalesce(sum(length(words)), 0), coalesce(sum(length(CAST(ner AS BLOB))), 0) "
                     "FROM text_cache").fetchone()
    return int(row[0]), int(row[1]), int(row[2])


def clear_cache(db: sqlite3.Connection) -> None:
    """Forget every entry (benchmarks: a cold start)."""
    db.execute("DELETE FROM text_cache")
