"""The store's own tables and their migrations: articles (their URLs, texts, index, topics, places,
story sketches), stories (``clusters``), and what the crawl keeps between runs (``feed_state``,
``source_health``, ``crawl_runs``).

The store's role modules (``articles``, ``clusters``, ``health``, ``period``, ``database``) share
these tables:
the schema is registered under the package's name (``presswatch.store:SCHEMA`` in
``presswatch.store.schema.SCHEMAS``). Each migration's text is the one it had in the store's single
list before issue 17, whose ``PRAGMA user_version`` ran it (``legacy``); the other owners' tables
(users, annotations, alerts…) moved to their modules.

Other modules read and change these tables through the store's functions, with one deliberate
exception: the SQLite search backend (``presswatch.search.sqlite``) reads the article and index tables
directly, the embedded index being written with each article in the store's transaction.
"""

from __future__ import annotations

from presswatch.store.schema import Migration, Schema

SCHEMA = Schema("store", (
    Migration(
        "articles, their URLs and index; feed state, source health, crawl runs",
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
        legacy=1,
    ),
    Migration(
        "analysis: relevance, sentiment, topics, places, story sketches and clusters",
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
        legacy=2,
    ),
    Migration(
        "article texts in a table of their own",
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
        legacy=4,
    ),
    Migration(
        "facet indexes: topics and places by article",
        """
    -- Facets count topics and places of a set of articles: look them up by article.
    CREATE INDEX article_topics_article ON article_topics(article_id, topic);
    CREATE INDEX article_places_article ON article_places(article_id, place);
    """,
        legacy=5,
    ),
    Migration(
        "social: posts, videos and comments beside articles",
        """
    -- social: posts, videos and reader comments beside articles.
    ALTER TABLE articles ADD COLUMN content_type TEXT NOT NULL DEFAULT 'article';  -- article|video|post|comment
    ALTER TABLE articles ADD COLUMN engagement TEXT;     -- JSON {views, likes, comments, shares} when public
    ALTER TABLE articles ADD COLUMN parent_id INTEGER REFERENCES articles(id) ON DELETE CASCADE;  -- comment
    CREATE INDEX articles_parent ON articles(parent_id);
    """,
        legacy=8,
    ),
    Migration(
        "crawl warnings",
        """
    -- crawl integrity: the warnings of each source's last run.
    ALTER TABLE source_health ADD COLUMN last_warnings TEXT;  -- JSON list of the last run's warnings
    ALTER TABLE crawl_runs ADD COLUMN warnings TEXT;          -- JSON list
    """,
        legacy=10,
    ),
    Migration(
        "the provinces each article concerns",
        """
    -- Several provinces followed at once: each article's provinces (2025 names) with its grade for
    -- each, from analysis.Analysis.provinces. Databases made before it followed Lai Châu alone:
    -- their analysed articles concern Lai Châu as their relevance says.
    CREATE TABLE article_provinces (
        province TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        grade TEXT NOT NULL,        -- about | mention
        PRIMARY KEY (province, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX article_provinces_article ON article_provinces(article_id, province);
    INSERT INTO article_provinces (province, article_id, grade)
        SELECT 'Lai Châu', id, relevance FROM articles WHERE relevance IN ('about', 'mention');
    """,
    ),
    Migration(
        "which articles the FTS5 index holds",
        """
    -- The FTS5 index holds the articles whose id is at most upto (presswatch.store.fulltext): no
    -- row, all of them; -1, none (tantivy or Elasticsearch serves searches).
    CREATE TABLE fts_extent (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        upto INTEGER NOT NULL
    );
    """,
    ),
))
