"""The embedded store: one SQLite file (WAL) with articles, crawl state, source health and the
FTS5 search index.

An article, its URLs and its index entry are written in one transaction: nothing is indexed
without being stored. The index is contentless (``content=''``): it holds the folded title and text
(no diacritics, đ → d, lower case, see ``analysis.fold``), so "Muong Te" finds "Mường Tè"; results
are read back from ``articles``. Several processes (crawl subprocesses, the CLI) may write at once:
WAL plus a busy timeout serialise them.
"""

from __future__ import annotations

import json
import re
import sqlite3
from array import array
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analysis import fold, normalize
from analysis.fingerprint import BAND, SAME_STORY, K, similarity
from presswatch.errors import StoreError
from presswatch.models import Article, StoredArticle
from presswatch.store.side_reader import SideReader
from presswatch.times import iso, parse_iso

if TYPE_CHECKING:
    from analysis.pipeline import Analysis

OnStored = Callable[[sqlite3.Connection, int, Article], None]
CACHE_MIB = 128  # page cache of a connection (SQLite's default is 2 MiB)
CHECKPOINT_PAGES = 1000  # SQLite's default WAL auto-checkpoint

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
    """
    ALTER TABLE articles ADD COLUMN relevance TEXT;        -- about | mention | none; NULL: not analysed
    ALTER TABLE articles ADD COLUMN relevance_score REAL;
    ALTER TABLE articles ADD COLUMN sentiment TEXT;        -- negative | neutral | positive
    ALTER TABLE articles ADD COLUMN sentiment_score REAL;
    ALTER TABLE articles ADD COLUMN analysis TEXT;         -- JSON of analysis.Analysis.to_json()
    ALTER TABLE articles ADD COLUMN cluster_id INTEGER REFERENCES clusters(id);
    CREATE INDEX articles_relevance ON articles(relevance, dated_at);
    CREATE INDEX articles_sentiment ON articles(sentiment, dated_at);
    CREATE INDEX articles_cluster ON articles(cluster_id);
    CREATE TABLE article_topics (
        topic TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (topic, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE article_places (
        place TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (place, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE article_sketches (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        sketch BLOB NOT NULL
    );
    CREATE TABLE sketch_bands (
        hash INTEGER NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        PRIMARY KEY (hash, article_id)
    ) WITHOUT ROWID;
    CREATE TABLE clusters (
        id INTEGER PRIMARY KEY,
        original_id INTEGER NOT NULL,   -- the earliest published copy
        size INTEGER NOT NULL DEFAULT 1
    );
    """,
    """
    CREATE TABLE sync_state (
        name TEXT PRIMARY KEY,          -- e.g. "elasticsearch"
        last_article_id INTEGER NOT NULL DEFAULT 0,
        synced_at TEXT,
        last_error TEXT
    ) WITHOUT ROWID;
    """,
    """
    -- The article body moves to its own table: filters, date sorts and facets then read narrow
    -- rows of metadata instead of multi-kilobyte ones.
    CREATE TABLE article_texts (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        text TEXT NOT NULL,             -- as extracted
        text_norm TEXT                  -- analysis.normalize(text); NULL when identical to text
    );
    INSERT INTO article_texts (article_id, text, text_norm) SELECT id, text, text_norm FROM articles;
    ALTER TABLE articles DROP COLUMN text_norm;
    ALTER TABLE articles DROP COLUMN text;
    CREATE INDEX articles_relevance_sentiment ON articles(relevance, sentiment, dated_at);
    """,
    """
    -- Facets count topics and places of a set of articles: look them up by article.
    CREATE INDEX article_topics_article ON article_topics(article_id, topic);
    CREATE INDEX article_places_article ON article_places(article_id, place);
    """,
    """
    -- alerts: one row per rule and story (syndication cluster); later copies only count.
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        rule_id TEXT NOT NULL,
        story INTEGER NOT NULL,         -- clusters.id (or -article_id for an article without one)
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,  -- the first copy
        severity TEXT NOT NULL,
        created_at TEXT NOT NULL,
        copies INTEGER NOT NULL DEFAULT 1,
        last_copy_at TEXT,
        throttled INTEGER NOT NULL DEFAULT 0,  -- over the rule's max_per_hour: sent in the hour's summary
        UNIQUE (rule_id, story)
    );
    CREATE INDEX alerts_rule_created ON alerts(rule_id, created_at);
    -- outbox: one row per alert (or hourly summary) and channel, until delivered or dead.
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,             -- alert | summary
        rule_id TEXT NOT NULL,
        alert_id INTEGER REFERENCES alerts(id) ON DELETE CASCADE,  -- kind alert
        window_start TEXT,              -- kind summary: start of the hour it covers (UTC)
        idempotency_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | dead
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        last_attempt_at TEXT,
        sent_at TEXT,
        last_error TEXT,
        UNIQUE (channel, kind, rule_id, window_start)
    );
    CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
    CREATE INDEX outbox_alert ON outbox(alert_id);
    -- digest: one row per digest day, so the daily email is sent once (retried while failed).
    CREATE TABLE digest_sends (
        day TEXT PRIMARY KEY,           -- YYYY-MM-DD, the digest's local date
        status TEXT NOT NULL,           -- sent | failed
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at TEXT,                   -- UTC
        message_id TEXT,
        recipients TEXT                 -- comma-separated addresses
    ) WITHOUT ROWID;
    """,
    """
    -- service: source-health incidents (failing N times, silent X days), raised once each through
    -- the alert channels; outbox rows of kind 'health' carry their document in payload.
    CREATE TABLE source_incidents (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL,
        kind TEXT NOT NULL,             -- failing | silent
        raised_at TEXT NOT NULL,
        resolved_at TEXT,
        message TEXT NOT NULL
    );
    CREATE INDEX source_incidents_open ON source_incidents(source_id, kind, resolved_at);
    ALTER TABLE outbox ADD COLUMN payload TEXT;
    """,
    """
    -- social: posts, videos and reader comments beside articles.
    ALTER TABLE articles ADD COLUMN content_type TEXT NOT NULL DEFAULT 'article';  -- article|video|post|comment
    ALTER TABLE articles ADD COLUMN engagement TEXT;     -- JSON {views, likes, comments, shares} when public
    ALTER TABLE articles ADD COLUMN parent_id INTEGER REFERENCES articles(id) ON DELETE CASCADE;  -- comment
    CREATE INDEX articles_parent ON articles(parent_id);
    """,
    """
    -- web UI: users, sessions, login failures, annotations (tags, notes, verification), saved searches.
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,             -- viewer | analyst | admin
        password_hash TEXT NOT NULL,    -- argon2id
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,    -- sha256 of the cookie's token: a stolen database holds no live token
        user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_expiry ON sessions(expires_at);
    CREATE TABLE login_failures (
        user_name TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX login_failures_key ON login_failures(user_name, address, at);
    CREATE TABLE article_tags (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        user_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (article_id, tag)
    ) WITHOUT ROWID;
    CREATE INDEX article_tags_tag ON article_tags(tag);
    CREATE TABLE article_notes (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        user_name TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX article_notes_article ON article_notes(article_id);
    CREATE TABLE article_reviews (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        needs_verification INTEGER NOT NULL,
        user_name TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        user_name TEXT NOT NULL,
        name TEXT NOT NULL,
        query TEXT NOT NULL,            -- the whole search in the query language (filters included)
        created_at TEXT NOT NULL
    );
    """,
    """
    -- crawl integrity: articles stored without their alert rules evaluated (no analysis, rules not
    -- loaded, an error), evaluated later exactly once; and the warnings of each source's last run.
    CREATE TABLE alert_pending (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        stored_at TEXT NOT NULL,        -- UTC: rules' max_age counts from here, not from the late evaluation
        reason TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    ALTER TABLE source_health ADD COLUMN last_warnings TEXT;  -- JSON list of the last run's warnings
    ALTER TABLE crawl_runs ADD COLUMN warnings TEXT;          -- JSON list
    """,
)




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
    warnings: tuple[str, ...] = ()  # of the last run, failed or not: malformed XML, the per-run cap...


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
    warnings: tuple[str, ...] = ()  # what an operator should know even when the run succeeded
    alerts: int = 0  # new alerts recorded for its articles


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
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(_MIGRATIONS[version:], start=version + 1):
                script = re.sub(r"--[^\n]*", "", script)
                for statement in script.split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {number}")

    # --- articles -------------------------------------------------------------------------

    def seen(self, url: str) -> bool:
        """Is this canonical URL already stored (as an article URL or one of its aliases)?"""
        row = self.db.execute("SELECT 1 FROM article_urls WHERE url = ?", (url,)).fetchone()
        return row is not None

    def add_article(self, article: Article, on_stored: OnStored | None = None) -> int | None:
        """Store ``article`` with its URLs and index entry in one transaction.

        ``on_stored(db, article_id, article)`` runs inside that transaction for a new article (the
        crawler evaluates alert rules there: an alert is recorded with its article or not at all).
        Returns the new id, or None when its URL was already stored (its new aliases are added)."""
        with self.transaction() as db:
            article_id = self._insert(db, article)
            if article_id is not None and on_stored is not None:
                on_stored(db, article_id, article)
            return article_id

    def add_articles(self, articles: list[Article]) -> list[int | None]:
        """Store several articles in one transaction (bulk imports, benchmarks): all or none."""
        with self.transaction() as db:
            return [self._insert(db, article) for article in articles]

    def _insert(self, db: sqlite3.Connection, article: Article) -> int | None:
        published = iso(article.published_at)
        fetched = iso(article.fetched_at)
        assert fetched is not None
        row = db.execute("SELECT article_id FROM article_urls WHERE url = ?", (article.url,)).fetchone()
        if row is not None:
            self._add_aliases(db, row[0], article.aliases)
            return None
        title_norm = normalize(article.title)
        text_norm = normalize(article.text)
        data = article.analysis.to_json() if article.analysis is not None else None
        parent = None
        if article.parent_url is not None:
            found = db.execute("SELECT article_id FROM article_urls WHERE url = ?", (article.parent_url,)).fetchone()
            parent = found[0] if found else None
        dated = published or fetched
        # The id SQLite would give the row (max + 1), known beforehand so that the story cluster is
        # chosen first and written with the row: no UPDATE of the new row afterwards.
        article_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0])
        cluster_id = None
        if article.analysis is not None:
            cluster_id = _join_cluster(db, article_id, _find_cluster(db, article.analysis.sketch), dated)
        db.execute(
            """INSERT INTO articles (id, url, source_id, source_kind, title, title_norm,
                   published_at, fetched_at, dated_at, author, description, image, language, sitename,
                   content_type, engagement, parent_id,
                   relevance, relevance_score, sentiment, sentiment_score, analysis, cluster_id)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (
                article_id,
                article.url,
                article.source_id,
                article.source_kind,
                article.title,
                None if title_norm == article.title else title_norm,
                published,
                fetched,
                dated,
                article.author,
                article.description,
                article.image,
                article.language,
                article.sitename,
                article.content_type,
                json.dumps(article.engagement) if article.engagement else None,
                parent,
                *((data["relevance"], data["relevance_score"], data["sentiment"], data["sentiment_score"],
                   json.dumps(data, ensure_ascii=False)) if data is not None else (None,) * 5),
                cluster_id,
            ),
        )
        db.execute("INSERT INTO article_texts (article_id, text, text_norm) VALUES (?, ?, ?)",
                   (article_id, article.text, None if text_norm == article.text else text_norm))
        self._add_aliases(db, article_id, [article.url, *article.aliases])
        db.execute(
            "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
            (article_id, fold(title_norm), fold(text_norm)),
        )
        if article.analysis is not None and data is not None:
            self._add_analysis(db, article_id, article.analysis, data)
        return article_id

    @classmethod
    def add_analysis(cls, db: sqlite3.Connection, article_id: int, analysis: Analysis) -> None:
        """Give a stored article that was not analysed its analysis (columns, topics, places, story),
        inside the caller's transaction, as if it had been analysed at ingest."""
        data = analysis.to_json()
        row = db.execute("SELECT dated_at FROM articles WHERE id = ? AND analysis IS NULL", (article_id,)).fetchone()
        if row is None:
            return
        cluster_id = _join_cluster(db, article_id, _find_cluster(db, analysis.sketch), row[0])
        db.execute(
            """UPDATE articles SET relevance = ?, relevance_score = ?, sentiment = ?, sentiment_score = ?,
                   analysis = ?, cluster_id = ? WHERE id = ?""",
            (data["relevance"], data["relevance_score"], data["sentiment"], data["sentiment_score"],
             json.dumps(data, ensure_ascii=False), cluster_id, article_id),
        )
        cls._add_analysis(db, article_id, analysis, data)

    @staticmethod
    def _add_analysis(db: sqlite3.Connection, article_id: int, analysis: Analysis, data: dict[str, Any]) -> None:
        """Topics, places and story sketch of a new article (its analysis columns and cluster are
        inserted with it)."""
        db.executemany("INSERT OR IGNORE INTO article_topics (topic, article_id) VALUES (?, ?)",
                       [(slug, article_id) for slug in data["topics"]])
        db.executemany("INSERT OR IGNORE INTO article_places (place, article_id) VALUES (?, ?)",
                       [(place["name"], article_id) for place in data["places"]])
        db.execute("INSERT INTO article_sketches (article_id, sketch) VALUES (?, ?)",
                   (article_id, array("I", analysis.sketch).tobytes()))
        db.executemany("INSERT OR IGNORE INTO sketch_bands (hash, article_id) VALUES (?, ?)",
                       [(value, article_id) for value in analysis.sketch[:BAND]])

    @staticmethod
    def _add_aliases(db: sqlite3.Connection, article_id: int, urls: list[str]) -> None:
        db.executemany(
            "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
            [(url, article_id) for url in dict.fromkeys(urls)],
        )

    def article(self, article_id: int) -> StoredArticle | None:
        row = self.db.execute(f"{_WITH_TEXT} WHERE a.id = ?", (article_id,)).fetchone()
        return None if row is None else _stored(row)

    def articles(self, source_id: str | None = None) -> list[StoredArticle]:
        if source_id is None:
            rows = self.db.execute(f"{_WITH_TEXT} ORDER BY a.id").fetchall()
        else:
            rows = self.db.execute(f"{_WITH_TEXT} WHERE a.source_id = ? ORDER BY a.id", (source_id,)).fetchall()
        return [_stored(row) for row in rows]

    def update_engagement(self, url: str, engagement: dict[str, int]) -> bool:
        """Refresh the public counts of an already stored post (views grow after the first crawl)."""
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE articles SET engagement = ? WHERE id = (SELECT article_id FROM article_urls WHERE url = ?)",
                (json.dumps(engagement), url),
            )
        return cursor.rowcount > 0

    def articles_since(self, since: datetime) -> Iterator[StoredArticle]:
        """Articles dated from ``since`` on, oldest first."""
        cursor = self.db.execute(f"{_WITH_TEXT} WHERE a.dated_at >= ? ORDER BY a.dated_at, a.id", (iso(since),))
        for row in cursor:
            yield _stored(row)

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
        warnings = json.dumps(list(run.warnings), ensure_ascii=False) if run.warnings else None
        with self.transaction() as db:
            db.execute(
                """INSERT INTO crawl_runs (source_id, started_at, finished_at, ok, new_articles, pages,
                       errors, message, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (run.source_id, iso(run.started_at), finished, int(run.ok), run.new_articles, run.pages,
                 run.errors, run.message, warnings),
            )
            db.execute("INSERT OR IGNORE INTO source_health (source_id) VALUES (?)", (run.source_id,))
            db.execute("UPDATE source_health SET last_warnings = ? WHERE source_id = ?", (warnings, run.source_id))
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
                warnings=tuple(json.loads(row["last_warnings"])) if row["last_warnings"] else (),
            )
            for row in rows
        }

    def last_article_id(self) -> int:
        """The highest article id so far (a crawl counts what it stored above it)."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])


_WITH_TEXT = "SELECT a.*, t.text, t.text_norm FROM articles a JOIN article_texts t ON t.article_id = a.id"
CANDIDATES_PER_BAND = 64


def _find_cluster(db: sqlite3.Connection, sketch: list[int]) -> int | None:
    """The story cluster of the most similar stored article (estimated Jaccard ≥ SAME_STORY), if any."""
    bands = sketch[:BAND]
    if not bands:
        return None
    # Candidates share at least two of the smallest hashes. A hash shared by many articles (a stock
    # phrase) only contributes its most recent holders, so the cost per article stays bounded.
    # Counted in SQL, one statement: up to 8 × 64 holders per article. A candidate's cluster is read
    # only when it beats the best so far (a random read in the large ``articles`` table).
    per_band = "SELECT * FROM (SELECT article_id FROM sketch_bands WHERE hash = ? ORDER BY article_id DESC LIMIT ?)"
    holders = " UNION ALL ".join([per_band] * len(bands))
    best = 0.0
    cluster_id = None
    mine = set(sketch)
    for candidate in db.execute(
        f"""SELECT c.article_id, s.sketch FROM (
                SELECT article_id, count(*) AS shared FROM ({holders}) GROUP BY article_id HAVING shared >= 2
                ORDER BY shared DESC, article_id DESC LIMIT 25) c
            JOIN article_sketches s ON s.article_id = c.article_id
            ORDER BY c.article_id""",
        [value for band in bands for value in (band, CANDIDATES_PER_BAND)],
    ).fetchall():
        other = array("I")
        other.frombytes(candidate["sketch"])
        hashes = other.tolist()
        # Shared hashes / k bounds the estimate from above: most candidates stop here, unsorted.
        bound = len(mine.intersection(hashes)) / max(1, min(K, len(sketch), len(hashes)))
        if bound < SAME_STORY or bound <= best:
            continue
        value = similarity(sketch, hashes)
        if value >= SAME_STORY and value > best:
            row = db.execute("SELECT cluster_id FROM articles WHERE id = ?", (candidate["article_id"],)).fetchone()
            if row is not None and row[0] is not None:
                best, cluster_id = value, int(row[0])
    return cluster_id


def _join_cluster(db: sqlite3.Connection, article_id: int, cluster_id: int | None, dated: str) -> int:
    """Add the new article ``article_id`` (not stored yet) to ``cluster_id``, or start a new cluster
    with it. The earliest published copy is the cluster's original. Returns the cluster's id."""
    if cluster_id is None:
        return int(db.execute("INSERT INTO clusters (original_id, size) VALUES (?, 1)", (article_id,)).lastrowid or 0)
    original = db.execute(
        "SELECT a.id, a.dated_at FROM clusters c JOIN articles a ON a.id = c.original_id WHERE c.id = ?",
        (cluster_id,),
    ).fetchone()
    new_original = article_id if original is None or dated < original["dated_at"] else original["id"]
    db.execute("UPDATE clusters SET size = size + 1, original_id = ? WHERE id = ?", (new_original, cluster_id))
    return cluster_id


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
        relevance=row["relevance"],
        sentiment=row["sentiment"],
        analysis=json.loads(row["analysis"]) if row["analysis"] else None,
        cluster_id=row["cluster_id"],
        author=row["author"],
        description=row["description"],
        image=row["image"],
        language=row["language"],
        content_type=row["content_type"],
        engagement=json.loads(row["engagement"]) if row["engagement"] else None,
        parent_id=row["parent_id"],
    )
