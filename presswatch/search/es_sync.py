"""Elasticsearch kept in step with the store, which stays the source of truth: ``sync`` after a
crawl sends the articles the index has not received yet and remembers how far it got (the
``sync_state`` row named ``elasticsearch``); ``reindex`` copies every article into a new index and
moves the alias to it.

``sync_elasticsearch(settings, db)`` is what the CLI and the service run after a crawl;
``reindex_elasticsearch(settings, store)`` is ``presswatch reindex``; ``resend_elasticsearch`` sends
articles whose analysis changed (an analyst's correction) again; ``resend_from`` moves the position
back after ``presswatch reanalyze`` rewrote articles, so the next sync sends them again (for every
row: the tantivy index's row ``tantivy`` too, ``presswatch.search.keep``). This module owns
``sync_state`` (``SCHEMA``); it reads the articles through the store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from presswatch.config import Settings
from presswatch.errors import ConfigError
from presswatch.search.elastic import MAPPINGS, SETTINGS, TEMPLATE, EsIndex
from presswatch.store import Store
from presswatch.store.articles import count_articles, index_rows, index_rows_of
from presswatch.store.schema import Migration, Schema
from presswatch.times import iso

SYNC_NAME = "elasticsearch"

SCHEMA = Schema("search_sync", (
    Migration(
        "sync state",
        """
    CREATE TABLE sync_state (
        name TEXT PRIMARY KEY,          -- e.g. "elasticsearch"
        last_article_id INTEGER NOT NULL DEFAULT 0,
        synced_at TEXT,
        last_error TEXT
    ) WITHOUT ROWID;
    """,
        legacy=3,
    ),
))


@dataclass(frozen=True)
class SyncOutcome:
    """What one sync did: how many articles it sent, and the error that stopped it (None: caught up)."""

    sent: int
    error: str | None


def sync_elasticsearch(settings: Settings, db: Path | str) -> SyncOutcome | None:
    """After a crawl: send the articles of the database at ``db`` that the Elasticsearch of
    ``settings`` has not received yet. None when Elasticsearch is not the configured backend. A
    failure loses nothing: the articles stay stored and the next sync resumes where this one stopped."""
    if settings.index_backend != "elasticsearch":
        return None
    try:
        index = EsIndex.from_settings(settings)
    except ConfigError as exc:  # credentials the client cannot send: the articles wait for a fix
        return SyncOutcome(0, str(exc))
    with Store(db) as store:
        sent, error = sync(store, index)
    return SyncOutcome(sent, error)


def reindex_elasticsearch(settings: Settings, store: Store,
                          progress: Callable[[int, int], None] | None = None) -> int:
    """``reindex`` into the Elasticsearch of ``settings`` (whatever the configured backend)."""
    return reindex(store, EsIndex.from_settings(settings), progress)


def resend_elasticsearch(settings: Settings, store: Store, ids: list[int]) -> str | None:
    """Send the stored articles ``ids`` to the Elasticsearch of ``settings`` again (their analysis
    changed), when it is the configured backend. Returns the error, or None (sent, or nothing to do).
    Only articles the sync already sent are sent: the others go with the next sync, corrected."""
    if settings.index_backend != "elasticsearch" or not ids:
        return None
    row = store.db.execute("SELECT last_article_id FROM sync_state WHERE name = ?", (SYNC_NAME,)).fetchone()
    sent_ids = [i for i in ids if row is not None and i <= int(row[0])]
    if not sent_ids:
        return None
    try:
        index = EsIndex.from_settings(settings)
        index.bulk(index.alias, index_rows_of(store.db, sent_ids))
        index.client.indices.refresh(index=index.alias)
    except Exception as exc:  # noqa: BLE001 - the store is corrected; the caller reports the index's failure
        return error_text(exc)
    return None


def article_batches(store: Store, after: int, size: int) -> Iterator[list[Any]]:
    """The stored articles with an id above ``after``, ``size`` at a time, in id order, as the rows
    ``EsIndex.document`` reads."""
    while True:
        rows = index_rows(store.db, after, size)
        if not rows:
            return
        yield rows
        after = rows[-1]["id"]


def sync(store: Store, index: EsIndex, batch: int = 500,
         progress: Callable[[int, int], None] | None = None) -> tuple[int, str | None]:
    """Send the articles Elasticsearch has not received yet. Returns (sent, error or None); the
    position is saved after every batch, so a failure loses nothing and the next call resumes."""
    row = store.db.execute("SELECT last_article_id FROM sync_state WHERE name = ?", (SYNC_NAME,)).fetchone()
    last = int(row[0]) if row else 0
    total = count_articles(store.db, after_id=last)
    sent = 0
    error = None
    try:
        index.ensure()
        for rows in article_batches(store, last, batch):
            sent += index.bulk(index.alias, rows)
            last = rows[-1]["id"]
            _save(store, last, None)
            if progress is not None:
                progress(sent, total)
    except Exception as exc:  # noqa: BLE001 - any failure: keep the position, report, retry next time
        error = error_text(exc)
        _save(store, last, error)
    return sent, error


def resend_from(db: sqlite3.Connection, article_id: int) -> None:
    """Make the next sync of every index kept in step (Elasticsearch's ``sync``, tantivy's
    ``presswatch.search.keep.sync_index``) send again every article from ``article_id`` on (their
    analysis was rewritten: ``presswatch reanalyze``), inside the caller's transaction. Nothing to do
    for an index that was not synced yet."""
    db.execute("UPDATE sync_state SET last_article_id = min(last_article_id, ?)", (article_id - 1,))


def error_text(exc: Exception) -> str:
    """An index's failure as kept in ``sync_state.last_error`` and shown to operators (bounded)."""
    return f"{type(exc).__name__}: {exc}"[:500]


def position(store: Store, name: str) -> int | None:
    """The last article id the index ``name`` was synced to (None: never synced)."""
    row = store.db.execute("SELECT last_article_id FROM sync_state WHERE name = ?", (name,)).fetchone()
    return None if row is None else int(row[0])


def sync_record(store: Store, name: str) -> tuple[int, str | None, str | None] | None:
    """The index ``name``'s sync state: the last article id, when (ISO, UTC) and the last error; None:
    never synced."""
    row = store.db.execute("SELECT last_article_id, synced_at, last_error FROM sync_state WHERE name = ?",
                           (name,)).fetchone()
    return None if row is None else (int(row[0]), row[1], row[2])


def save_position(store: Store, name: str, last: int, error: str | None) -> None:
    """Record how far the index ``name`` was synced, and the error that stopped it (None: none)."""
    with store.transaction() as db:
        db.execute(
            """INSERT INTO sync_state (name, last_article_id, synced_at, last_error) VALUES (?, ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET last_article_id = excluded.last_article_id,
                   synced_at = excluded.synced_at, last_error = excluded.last_error""",
            (name, last, iso(datetime.now(UTC)), error),
        )


def _save(store: Store, last: int, error: str | None) -> None:
    save_position(store, SYNC_NAME, last, error)


def reindex(store: Store, index: EsIndex, progress: Callable[[int, int], None] | None = None) -> int:
    """Copy every stored article into a new index, then move the alias to it and drop the old ones."""
    index.client.indices.put_index_template(name=TEMPLATE, index_patterns=[f"{index.alias}-*"],
                                            template={"settings": SETTINGS, "mappings": MAPPINGS})
    old = index.indices_behind_alias()
    name = index.new_index_name()
    index.client.indices.create(index=name)
    total = store.count_articles()
    sent = 0
    last = 0
    for rows in article_batches(store, 0, 500):
        sent += index.bulk(name, rows)
        last = rows[-1]["id"]
        if progress is not None:
            progress(sent, total)
    actions: list[dict[str, Any]] = [{"remove": {"index": o, "alias": index.alias}} for o in old]
    actions.append({"add": {"index": name, "alias": index.alias}})
    index.client.indices.update_aliases(actions=actions)
    for o in old:
        index.client.indices.delete(index=o)
    index.client.indices.refresh(index=index.alias)
    _save(store, last, None)
    return sent
