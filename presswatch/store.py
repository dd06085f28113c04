"""The embedded store: one SQLite file (WAL) with articles, crawl state, source health and the
FTS5 search index.

An article, its URLs and its index entry are written in one transaction: nothing is indexed
without being stored. The index is contentless (``content=''``): it holds the folded title and text
(no diacritics, đ → d, lower case, see ``analysis.fold``), so "Muong Te" finds "Mường Tè"; results
are read back from ``articles``. Several processes (crawl subprocesses, the CLI) may write at once:
WAL plus a busy timeout serialise them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from analysis import fold, normalize
from presswatch.errors import StoreError
from presswatch.models import Article, StoredArticle

_MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE articles (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL UNIQUE,
        source_id TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        title_norm TEXT,            -- analysis.normalize(title); NULL when identical to title
        text_norm TEXT,             -- analysis.normalize(text); NULL when identical to text
        published_at TEXT,          -- as given by the page or feed, in UTC (ISO 8601, Z)
        fetched_at TEXT NOT NULL,   -- UTC
        dated_at TEXT NOT NULL,     -- published_at, else fetched_at: what date filters and sorts use
        author TEXT,
        description TEXT,
        image TEXT,
        language TEXT,
        sitename TEXT
    );
    CREATE INDEX articles_dated ON articles(dated_at);
    CREATE INDEX articles_source_dated ON articles(source_id, dated_at);
    CREATE TABLE article_urls (
        url TEXT PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TABLE feed_state (
        url TEXT PRIMARY KEY,
        etag TEXT,
        last_modified TEXT,
        checked_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE source_health (
        source_id TEXT PRIMARY KEY,
        last_run_at TEXT,
        last_success_at TEXT,
        last_error TEXT,
        last_error_at TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        runs INTEGER NOT NULL DEFAULT 0,
        articles_last_run INTEGER NOT NULL DEFAULT 0,
        articles_total INTEGER NOT NULL DEFAULT 0,
        last_new_article_at TEXT
    ) WITHOUT ROWID;
    CREATE TABLE crawl_runs (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        ok INTEGER NOT NULL,
        new_articles INTEGER NOT NULL,
        pages INTEGER NOT NULL,
        errors INTEGER NOT NULL,
        message TEXT
    );
    CREATE INDEX crawl_runs_source ON crawl_runs(source_id, started_at);
    """,
)


def iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z, second precision; naive datetimes are refused."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime: timestamps must carry their timezone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@dataclass(frozen=True)
class SourceHealth:
    source_id: str
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    runs: int
    articles_last_run: int
    articles_total: int
    last_new_article_at: datetime | None


@dataclass(frozen=True)
class RunResult:
    """What one crawl of one source did, as recorded in the health table."""

    source_id: str
    started_at: datetime
    finished_at: datetime
    ok: bool
    new_articles: int
    pages: int
    errors: int
    message: str | None = None


class Store:
    """The SQLite store. Open one per process (or thread); it is not shared across threads."""

    def __init__(self, path: Path | str, *, timeout: float = 60.0) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"không mở được cơ sở dữ liệu {path}: {exc}") from exc
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    def close(self) -> None:
        self.db.close()

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
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
                for statement in script.split(";\n"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # --- articles -------------------------------------------------------------------------

    def seen(self, url: str) -> bool:
        """Is this canonical URL already stored (as an article URL or one of its aliases)?"""
        row = self.db.execute("SELECT 1 FROM article_urls WHERE url = ?", (url,)).fetchone()
        return row is not None

    def add_article(self, article: Article) -> int | None:
        """Store ``article`` with its URLs and index entry in one transaction.

        Returns the new id, or None when its URL was already stored (its new aliases are added)."""
        title_norm = normalize(article.title)
        text_norm = normalize(article.text)
        published = iso(article.published_at)
        fetched = iso(article.fetched_at)
        assert fetched is not None
        with self.transaction() as db:
            row = db.execute("SELECT article_id FROM article_urls WHERE url = ?", (article.url,)).fetchone()
            if row is not None:
                self._add_aliases(db, row[0], article.aliases)
                return None
            cursor = db.execute(
                """INSERT INTO articles (url, source_id, source_kind, title, text, title_norm, text_norm,
                       published_at, fetched_at, dated_at, author, description, image, language, sitename)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    article.url,
                    article.source_id,
                    article.source_kind,
                    article.title,
                    article.text,
                    None if title_norm == article.title else title_norm,
                    None if text_norm == article.text else text_norm,
                    published,
                    fetched,
                    published or fetched,
                    article.author,
                    article.description,
                    article.image,
                    article.language,
                    article.sitename,
                ),
            )
            article_id = int(cursor.lastrowid or 0)
            self._add_aliases(db, article_id, [article.url, *article.aliases])
            db.execute(
                "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
                (article_id, fold(title_norm), fold(text_norm)),
            )
        return article_id

    @staticmethod
    def _add_aliases(db: sqlite3.Connection, article_id: int, urls: list[str]) -> None:
        db.executemany(
            "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
            [(url, article_id) for url in dict.fromkeys(urls)],
        )

    def article(self, article_id: int) -> StoredArticle | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return None if row is None else _stored(row)

    def articles(self, source_id: str | None = None) -> list[StoredArticle]:
        if source_id is None:
            rows = self.db.execute("SELECT * FROM articles ORDER BY id").fetchall()
        else:
            rows = self.db.execute(
                "SELECT * FROM articles WHERE source_id = ? ORDER BY id", (source_id,)
            ).fetchall()
        return [_stored(row) for row in rows]

    def count_articles(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM articles").fetchone()[0])

    # --- conditional GET state -------------------------------------------------------------

    def feed_state(self, url: str) -> tuple[str | None, str | None]:
        row = self.db.execute("SELECT etag, last_modified FROM feed_state WHERE url = ?", (url,)).fetchone()
        return (None, None) if row is None else (row["etag"], row["last_modified"])

    def set_feed_state(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self.transaction() as db:
            db.execute(
                """INSERT INTO feed_state (url, etag, last_modified, checked_at) VALUES (?, ?, ?, ?)
                   ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
                       last_modified = excluded.last_modified, checked_at = excluded.checked_at""",
                (url, etag, last_modified, iso(datetime.now(UTC))),
            )

    # --- source health ----------------------------------------------------------------------

    def record_run(self, run: RunResult) -> None:
        """Record one crawl of a source and update its health row."""
        finished = iso(run.finished_at)
        with self.transaction() as db:
            db.execute(
                """INSERT INTO crawl_runs (source_id, started_at, finished_at, ok, new_articles, pages,
                       errors, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                (run.source_id, iso(run.started_at), finished, int(run.ok), run.new_articles, run.pages,
                 run.errors, run.message),
            )
            db.execute("INSERT OR IGNORE INTO source_health (source_id) VALUES (?)", (run.source_id,))
            if run.ok:
                db.execute(
                    """UPDATE source_health SET last_run_at = ?, last_success_at = ?,
                           consecutive_failures = 0, runs = runs + 1, articles_last_run = ?,
                           articles_total = articles_total + ?,
                           last_new_article_at = CASE WHEN ? > 0 THEN ? ELSE last_new_article_at END
                       WHERE source_id = ?""",
                    (finished, finished, run.new_articles, run.new_articles, run.new_articles, finished,
                     run.source_id),
                )
            else:
                db.execute(
                    """UPDATE source_health SET last_run_at = ?, last_error = ?, last_error_at = ?,
                           consecutive_failures = consecutive_failures + 1, runs = runs + 1,
                           articles_last_run = ?, articles_total = articles_total + ?,
                           last_new_article_at = CASE WHEN ? > 0 THEN ? ELSE last_new_article_at END
                       WHERE source_id = ?""",
                    (finished, run.message, finished, run.new_articles, run.new_articles, run.new_articles,
                     finished, run.source_id),
                )

    def health(self) -> dict[str, SourceHealth]:
        rows = self.db.execute("SELECT * FROM source_health").fetchall()
        return {
            row["source_id"]: SourceHealth(
                source_id=row["source_id"],
                last_run_at=parse_iso(row["last_run_at"]),
                last_success_at=parse_iso(row["last_success_at"]),
                last_error=row["last_error"],
                last_error_at=parse_iso(row["last_error_at"]),
                consecutive_failures=row["consecutive_failures"],
                runs=row["runs"],
                articles_last_run=row["articles_last_run"],
                articles_total=row["articles_total"],
                last_new_article_at=parse_iso(row["last_new_article_at"]),
            )
            for row in rows
        }


def _stored(row: sqlite3.Row) -> StoredArticle:
    fetched = parse_iso(row["fetched_at"])
    assert fetched is not None
    return StoredArticle(
        id=row["id"],
        url=row["url"],
        source_id=row["source_id"],
        source_kind=row["source_kind"],
        title=row["title_norm"] if row["title_norm"] is not None else row["title"],
        text=row["text_norm"] if row["text_norm"] is not None else row["text"],
        title_original=row["title"],
        text_original=row["text"],
        published_at=parse_iso(row["published_at"]),
        fetched_at=fetched,
        author=row["author"],
        description=row["description"],
        image=row["image"],
        language=row["language"],
    )
