"""A second read connection to the store, in its own thread: one search can use two cores.

SQLite runs a statement on one core. The embedded search splits its heaviest statements (the
full-text scans that collect and score matches) into two halves of the article ids: the search's own
connection runs one half while this reader runs the other (``sqlite3`` releases the GIL while SQLite
works). WAL mode lets both read at once. The reader only reads (``PRAGMA query_only``).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


class SideReader:
    def __init__(self, path: Path, *, cache_mib: int, timeout: float = 60.0) -> None:
        self._path = path
        self._cache_mib = cache_mib
        self._timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="presswatch-side-reader")
        self._db: sqlite3.Connection | None = None  # opened (and only ever used) in the executor's thread
        self.unusable = False  # set when the connection cannot be opened: searches then read alone

    def fetch(self, sql: str, params: Sequence[object]) -> Future[list[tuple[Any, ...]]]:
        """Run one SELECT in the reader's thread; the future holds its rows."""
        return self._executor.submit(self._fetch, sql, list(params))

    def _fetch(self, sql: str, params: list[object]) -> list[tuple[Any, ...]]:
        if self._db is None:
            try:
                db = sqlite3.connect(str(self._path), timeout=self._timeout, isolation_level=None)
                db.execute("PRAGMA query_only=ON")
                db.execute(f"PRAGMA cache_size={-1024 * int(self._cache_mib)}")
                db.execute("PRAGMA temp_store=MEMORY")
            except sqlite3.Error:
                self.unusable = True
                raise
            self._db = db
        return self._db.execute(sql, params).fetchall()

    def close(self) -> None:
        def shut() -> None:
            if self._db is not None:
                self._db.close()
                self._db = None

        try:
            self._executor.submit(shut).result()
        except RuntimeError:  # already shut down
            pass
        self._executor.shutdown(wait=True)


def rows_or_none(future: Future[list[tuple[Any, ...]]]) -> list[tuple[Any, ...]] | None:
    """The reader's rows, or None if its statement failed (the caller then runs that half itself)."""
    try:
        return future.result()
    except sqlite3.Error as exc:
        log.warning("side reader failed, the search runs that half itself: %s", exc)
        return None
