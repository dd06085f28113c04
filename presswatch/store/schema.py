"""The schema of the store's database and its migrations: one linear list, numbered by
``PRAGMA user_version``, applied when a ``Store`` opens the file.
"""

from __future__ import annotations

import re
import sqlite3

MIGRATIONS: tuple[str, ...] = (
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


def migrate(db: sqlite3.Connection) -> None:
    """Apply the migrations the database has not run yet (inside the caller's transaction)."""
    version = db.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        script = re.sub(r"--[^\n]*", "", script)
        for statement in script.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {number}")
