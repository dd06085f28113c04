"""``Store``: the connection to the store's SQLite file (WAL), its transactions, and the operations
the crawler, the service and the shell call on it (articles, crawl state, source health).

Opening a ``Store`` creates or migrates every table (``presswatch.store.schema``). Several processes
(crawl subprocesses, the CLI) may write at once: WAL plus a busy timeout serialise them. The SQL
lives in the modules of each role (``articles``, ``clusters``, ``health``); the methods here open
the transaction and call them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from presswatch.errors import StoreError
from presswatch.models import Article, StoredArticle
from presswatch.store import articles as stored
from presswatch.store import fulltext
from presswatch.store import health as crawl_state
from presswatch.store.articles import OnStored
from presswatch.store.health import RunResult, SourceHealth
from presswatch.store.schema import migrate
from presswatch.store.side_reader import SideReader

if TYPE_CHECKING:
    from analysis.pipeline import Analysis

CACHE_MIB = 128  # page cache of a connection (SQLite's default is 2 MiB)
CHECKPOINT_PAGES = 1000  # SQLite's default WAL auto-checkpoint


class Store:
    """The SQLite store. Open one per process (or thread); it is not shared across threads."""

    def __init__(self, path: Path | str, *, timeout: float = 60.0, cache_mib: int = CACHE_MIB,
                 checkpoint_pages: int = CHECKPOINT_PAGES, side_reader: bool = True) -> None:
        """``cache_mib``: this connection's page cache. ``checkpoint_pages``: the WAL is copied back
        into the database when it holds this many pages (SQLite's default 1,000 ≈ 4 MiB). A bulk
        writer (an archive import, the search benchmark) gains from both being larger: the b-tree
        pages it dirties at random (story bands, date and URL indexes) stay in memory and are written
        back once per checkpoint, not after every transaction. ``side_reader``: whether searches may
        use a second read connection (``side_reader()``), i.e. a second core."""
        self.path = Path(path)
        self._cache_mib = cache_mib
        self._timeout = timeout
        self._side: SideReader | None = None
        self._side_enabled = side_reader
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"không mở được cơ sở dữ liệu {path}: {exc}") from exc
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        # A large archive (≥ 1M articles, several GB) needs more than SQLite's 2 MB default page cache.
        self.db.execute(f"PRAGMA cache_size={-1024 * int(cache_mib)}")
        self.db.execute(f"PRAGMA wal_autocheckpoint={int(checkpoint_pages)}")
        self.db.execute("PRAGMA temp_store=MEMORY")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
        self.db.close()

    def side_reader(self) -> SideReader | None:
        """A second read connection in its own thread (opened on first use), or None when it would
        not see what this connection sees (an in-memory database, inside a write transaction), when
        the store was opened without it, or when it could not open the database."""
        if not self._side_enabled or str(self.path) == ":memory:" or self.db.in_transaction:
            return None
        if self._side is None:
            self._side = SideReader(self.path, cache_mib=self._cache_mib, timeout=self._timeout)
        return None if self._side.unusable else self._side

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolled back on any exception."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def _migrate(self) -> None:
        with self.transaction() as db:
            migrate(db)

    # --- articles -------------------------------------------------------------------------

    def seen(self, url: str) -> bool:
        """Is this canonical URL already stored (as an article URL or one of its aliases)?"""
        return stored.seen(self.db, url)

    def add_article(self, article: Article, on_stored: OnStored | None = None) -> int | None:
        """Store ``article`` with its URLs and index entry in one transaction.

        ``on_stored(db, article_id, article)`` runs inside that transaction for a new article (the
        crawler evaluates alert rules there: an alert is recorded with its article or not at all).
        Returns the new id, or None when its URL was already stored (its new aliases are added)."""
        with self.transaction() as db:
            article_id = stored.insert(db, article)
            if article_id is not None and on_stored is not None:
                on_stored(db, article_id, article)
            return article_id

    def add_articles(self, articles: list[Article]) -> list[int | None]:
        """Store several articles in one transaction (bulk imports, benchmarks): all or none."""
        with self.transaction() as db:
            extent = fulltext.extent(db)
            return [stored.insert(db, article, extent) for article in articles]

    # --- the FTS5 index (``fulltext``): written only while SQLite is the search engine ------------

    def fulltext_missing(self) -> int:
        """How many stored articles the FTS5 index lacks (0: it holds them all)."""
        return fulltext.missing(self.db)

    def drop_fulltext(self) -> bool:
        """Empty the FTS5 index and stop writing it (tantivy or Elasticsearch serves searches).
        False when it was empty already."""
        with self.transaction() as db:
            return fulltext.drop(db)

    def fill_fulltext(self, progress: Callable[[int, int], None] | None = None,
                      batch: int = fulltext.FILL_BATCH) -> int:
        """Index the articles the FTS5 index lacks, one transaction per ``batch`` (a crawl may store
        articles between them; they are taken too), until it holds them all. Returns how many."""
        total = self.fulltext_missing() if progress is not None else 0
        added, done = 0, fulltext.extent(self.db) == fulltext.EVERY
        while not done:
            with self.transaction() as db:
                count, done = fulltext.fill_batch(db, batch)
            added += count
            if progress is not None:
                progress(added, max(total, added))
        return added

    @staticmethod
    def add_analysis(db: sqlite3.Connection, article_id: int, analysis: Analysis) -> None:
        """Give a stored article that was not analysed its analysis (columns, topics, places, story),
        inside the caller's transaction, as if it had been analysed at ingest."""
        stored.add_analysis(db, article_id, analysis)

    def article(self, article_id: int) -> StoredArticle | None:
        return stored.article(self.db, article_id)

    def articles(self, source_id: str | None = None) -> list[StoredArticle]:
        return stored.articles(self.db, source_id)

    def update_engagement(self, url: str, engagement: dict[str, int]) -> bool:
        """Refresh the public counts of an already stored post (views grow after the first crawl)."""
        with self.transaction() as db:
            return stored.update_engagement(db, url, engagement)

    def articles_since(self, since: datetime) -> Iterator[StoredArticle]:
        """Articles dated from ``since`` on, oldest first."""
        return stored.articles_since(self.db, since)

    def count_articles(self) -> int:
        return stored.count_articles(self.db)

    def last_article_id(self) -> int:
        """The highest article id so far (a crawl counts what it stored above it)."""
        return stored.last_article_id(self.db)

    # --- conditional GET state -------------------------------------------------------------

    def feed_state(self, url: str) -> tuple[str | None, str | None]:
        return crawl_state.feed_state(self.db, url)

    def set_feed_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.transaction() as db:
            crawl_state.set_feed_state(db, url, etag, last_modified)

    # --- source health ----------------------------------------------------------------------

    def record_run(self, run: RunResult) -> None:
        """Record one crawl of a source and update its health row."""
        with self.transaction() as db:
            crawl_state.record_run(db, run)

    def health(self) -> dict[str, SourceHealth]:
        return crawl_state.health(self.db)
