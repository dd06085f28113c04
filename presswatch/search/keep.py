"""The configured search index kept in step with the store, whichever engine it is: the one place the
shell calls after a crawl, a correction, a reanalysis, retention and ``presswatch reindex``.

- ``sqlite``: FTS5 is written in the store's own transactions; after a switch from another engine
  (which emptied it) ``sync_index`` fills it again, ``catch_up`` does when a few are missing;
- any other engine: the store's FTS5 index is emptied once and no longer written
  (``presswatch.store.fulltext``): a third of the cost of storing an article, for nothing;
- ``elasticsearch``: ``presswatch.search.es_sync`` (the ``sync_state`` row ``elasticsearch``);
- ``tantivy``: the embedded index in ``tantivy_dir(settings, db)`` (``TantivyIndex``: its own mark
  file, one writer at a time under a lock). ``reanalysis`` lowers the ``sync_state`` row ``tantivy``
  (``es_sync.resend_from`` lowers every row) in the transaction that rewrites articles; ``sync_index``
  re-indexes from there, so a reanalysis interrupted or a crash before the sync loses nothing.

Every function returns the index's failure as text (or a ``SyncOutcome`` holding it) instead of
raising: the store has the change already; the next sync (after the next crawl, at service start, at
the CLI's next search) repairs what an index write missed; a correction whose re-index failed lowers
the tantivy position below its article, so that sync indexes it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from presswatch.config import Settings
from presswatch.search.es_sync import (
    SyncOutcome,
    error_text,
    position,
    reindex_elasticsearch,
    resend_elasticsearch,
    resend_from,
    save_position,
    sync_elasticsearch,
    sync_record,
)
from presswatch.store import Store
from presswatch.store.articles import count_articles
from presswatch.times import local, parse_iso

if TYPE_CHECKING:
    from presswatch.search.tantivy_index import TantivyIndex

__all__ = ["TANTIVY_SYNC", "SyncOutcome", "catch_up", "engine_name", "fulltext_in_step", "index_lines",
           "rebuild_index", "reindex_articles", "remove_articles", "sync_index", "tantivy_dir"]

log = logging.getLogger(__name__)

TANTIVY_SYNC = "tantivy"  # the sync_state row whose position a reanalysis lowers
CORRECTION_WAIT = 10.0  # seconds an analyst's correction waits for another writer of the index
CATCH_UP_MAX = 5000  # articles a search indexes at most before answering (catch_up)
CATCH_UP_WAIT = 5.0  # seconds a search waits for another writer before answering from the index as it is


def tantivy_dir(settings: Settings, db: Path | str) -> Path:
    """Where the tantivy index of the database ``db`` lives: ``settings.tantivy_path`` for the
    configured database, else the directory ``<database>.tantivy`` beside it (another database, such
    as the demo's ``--db data/demo.db``, never shares the configured one's index)."""
    db = Path(db)
    if settings.tantivy_path and db.resolve() == Path(settings.database).resolve():
        return Path(settings.tantivy_path)
    return db.with_name(db.name + ".tantivy")


def _tantivy(settings: Settings, store: Store) -> TantivyIndex:
    from presswatch.search.tantivy_index import TantivyIndex  # tantivy loads only when configured

    return TantivyIndex(store, tantivy_dir(settings, store.path))


def _lowered_to(store: Store, mark: int) -> int | None:
    """Where a reanalysis or a failed correction lowered the ``tantivy`` position below the index's
    ``mark`` (the sync re-indexes from there); None when it was not lowered."""
    floor = position(store, TANTIVY_SYNC)
    return floor if floor is not None and floor < mark else None


def sync_tantivy(settings: Settings, store: Store, wait: float | None = None) -> SyncOutcome:
    """Index the articles the tantivy index does not hold yet, from where a reanalysis left the
    ``tantivy`` position if lower; then record the position reached. ``wait``: seconds to wait for
    another writer (None: the index's own limit)."""
    try:
        index = _tantivy(settings, store)
        after = _lowered_to(store, index.mark())
        sent = index.sync(after=after) if wait is None else index.sync(after=after, wait=wait)
        save_position(store, TANTIVY_SYNC, index.mark(), None)
    except Exception as exc:  # noqa: BLE001 - the lock held too long, a disk full: the next sync resumes
        return SyncOutcome(0, error_text(exc))
    return SyncOutcome(sent, None)


def engine_name(settings: Settings) -> str:
    """The configured search index in operators' messages (Vietnamese)."""
    return {"elasticsearch": "Elasticsearch", "tantivy": "chỉ mục tantivy"}.get(settings.index_backend,
                                                                                "chỉ mục SQLite FTS5")


def fulltext_in_step(settings: Settings, store: Store, progress: Callable[[int, int], None] | None = None) -> int:
    """The store's FTS5 index as the configured engine needs it: with ``sqlite``, every article
    (after a switch from another engine, what it lacks is indexed now, in batches); with another
    engine, empty and no longer written (done once; logged). Returns how many were indexed."""
    if settings.index_backend == "sqlite":
        return store.fill_fulltext(progress)
    if store.drop_fulltext():
        log.info("chỉ mục SQLite FTS5 đã được làm trống: %s phục vụ tìm kiếm", engine_name(settings))
    return 0


def catch_up(settings: Settings, store: Store, limit: int = CATCH_UP_MAX, wait: float = CATCH_UP_WAIT) -> str | None:
    """Before a search (``presswatch.search.open_backend``): index what the store holds beyond the
    tantivy index's position, when the crawl, service or CLI that stored it did not (articles added
    by another path, a sync that failed). Cheap when caught up (two reads, no write). At most
    ``limit`` articles, waiting at most ``wait`` seconds for another writer: a search never builds a
    whole index (the service's start job or ``presswatch reindex`` does), it answers from what the
    index holds. Returns the reason the index is behind, or None. The same for SQLite's FTS5 index
    after a switch from another engine (``fulltext_in_step``)."""
    if settings.index_backend == "sqlite":
        return _catch_up_fulltext(store, limit)
    if settings.index_backend != "tantivy":
        return None
    try:
        mark = _tantivy(settings, store).mark()
        after = _lowered_to(store, mark)
        behind = count_articles(store.db, after_id=mark if after is None else after)
    except Exception as exc:  # noqa: BLE001 - the search answers from what the index holds
        return error_text(exc)
    if not behind:
        return None
    if behind > limit:
        return _behind(behind)
    return sync_tantivy(settings, store, wait).error


def _catch_up_fulltext(store: Store, limit: int) -> str | None:
    try:
        behind = store.fulltext_missing()
        if behind and behind <= limit:
            store.fill_fulltext()
            return None
    except Exception as exc:  # noqa: BLE001 - the search answers from what the index holds
        return error_text(exc)
    return _behind(behind) if behind else None


def _behind(count: int) -> str:
    return f"chỉ mục tìm kiếm còn thiếu {count:,} bài, chờ dịch vụ hoặc lệnh presswatch reindex đưa vào"


def index_lines(settings: Settings, store: Store) -> list[str]:
    """The search index in ``presswatch status``: the engine, how far it holds the store, the last
    sync and its error (operators' text, Vietnamese)."""
    if settings.index_backend == "sqlite":
        missing = store.fulltext_missing()
        return ["Chỉ mục tìm kiếm: SQLite FTS5 trong cơ sở dữ liệu, "
                + (f"còn thiếu {missing:,} bài" if missing else "khớp với kho bài")]
    name = TANTIVY_SYNC if settings.index_backend == "tantivy" else "elasticsearch"
    row = sync_record(store, name)
    engine = f"tantivy ({tantivy_dir(settings, store.path)})" if name == TANTIVY_SYNC else "Elasticsearch"
    if row is None:
        return [f"Chỉ mục tìm kiếm {engine}: chưa đồng bộ lần nào; {count_articles(store.db):,} bài chờ đưa vào"]
    behind = count_articles(store.db, after_id=row[0])
    line = (f"Chỉ mục tìm kiếm {engine}: đã có đến bài #{row[0]}, "
            + (f"còn thiếu {behind:,} bài" if behind else "khớp với kho bài")
            + (f"; đồng bộ lần cuối lúc {local(parse_iso(row[1]))}" if row[1] else ""))
    return [line] + ([f"  ⚠ lỗi lần đồng bộ gần nhất: {row[2]}"] if row[2] else [])


def sync_index(settings: Settings, db: Path | str) -> SyncOutcome | None:
    """After a crawl's store, at service start and when the CLI opens the index: bring the configured
    index up to date with the database ``db`` (cheap when caught up), and the store's FTS5 index as
    that engine needs it (``fulltext_in_step``). With SQLite, None when FTS5 lacked nothing."""
    with Store(db) as store:
        try:
            filled = fulltext_in_step(settings, store)
        except Exception as exc:  # noqa: BLE001 - a locked or full database: the next sync resumes
            return SyncOutcome(0, error_text(exc))
        if settings.index_backend == "tantivy":
            return sync_tantivy(settings, store)
    if settings.index_backend == "elasticsearch":
        return sync_elasticsearch(settings, db)
    return SyncOutcome(filled, None) if filled else None


def reindex_articles(settings: Settings | None, store: Store, ids: list[int]) -> str | None:
    """The stored articles ``ids`` changed (an analyst's correction): index them again. Returns the
    index's error, or None."""
    if settings is None or not ids:
        return None
    if settings.index_backend == "elasticsearch":
        return resend_elasticsearch(settings, store, ids)
    if settings.index_backend != "tantivy":
        return None
    try:
        _tantivy(settings, store).refresh(ids, wait=CORRECTION_WAIT)
    except Exception as exc:  # noqa: BLE001 - the store is corrected; the caller reports the index's failure
        _resend_later(store, ids)
        return error_text(exc)
    return None


def _resend_later(store: Store, ids: list[int]) -> None:
    """A re-index failed (another writer held the index too long, a full disk): lower the index
    positions below the first of ``ids`` so the next sync (after the next crawl, at service start, at
    the CLI's next search) indexes them again with every article after them."""
    with store.transaction() as db:
        resend_from(db, min(ids))


def remove_articles(settings: Settings, store: Store, ids: list[int], before: datetime | None = None) -> str | None:
    """Articles were deleted from the store (retention, cutoff ``before``): delete them from the
    tantivy index too (with ``before``, every article dated earlier: what an interrupted run left).
    Returns the error, or None. (Elasticsearch keeps them, as before.)"""
    if settings.index_backend != "tantivy" or (not ids and before is None):
        return None
    try:
        _tantivy(settings, store).remove(ids, before)
    except Exception as exc:  # noqa: BLE001 - the articles are gone from the store; search skips them
        return error_text(exc)
    return None


def rebuild_index(settings: Settings, store: Store, progress: Callable[[int, int], None] | None = None) -> int:
    """``presswatch reindex``: the configured engine's index rebuilt from the store — tantivy's,
    SQLite's FTS5 (emptied, then filled in batches), or Elasticsearch's. Raises on failure."""
    if settings.index_backend == "sqlite":
        store.drop_fulltext()
        return store.fill_fulltext(progress)
    fulltext_in_step(settings, store)
    if settings.index_backend == "tantivy":
        index = _tantivy(settings, store)
        sent = index.rebuild(progress)
        save_position(store, TANTIVY_SYNC, index.mark(), None)
        return sent
    return reindex_elasticsearch(settings, store, progress)

