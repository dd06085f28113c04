"""The tables of ``trends`` (``SCHEMA``): signal state kept beside the store's articles.

- ``trend_state``: named values (the highest article id the signals have read: ``watermark``; the
  last update ``updated_at`` and the articles read in all, ``articles_read``);
- ``trend_story_outlets``: one row per story (``clusters.id``) and source that carried it, dated by
  that source's first copy: the story's velocity is its rows per hour;
- ``trend_query_matched``: the query burst rules an article matched, written in its own transaction
  on the tokens its alert rules were evaluated on (``trends.prematch``); read and cleared by the next
  update, which then neither reads nor tokenises the article's text again;
- ``trend_counts``: articles per hour (UTC) of each place, topic, query burst rule (``query``/its id)
  and of all articles (``all``/``*``), all of them and those relevant to the province (relevance
  ``about`` or ``mention``); ``trend_query_hits``: the articles a query burst rule matched;
- ``trend_posts``, ``trend_engagement``: the items with public counts (posts, videos, comments)
  followed for ``trends_follow_days``, and each observed change of their counts: the store keeps only
  the latest counts, the history is here;
- ``trend_events``: rising items raised by a ``kind: trend`` rule (once per story, post, or burst
  episode), with the document delivered.

Registered as the package's (``trends:SCHEMA``): its modules share them; only they run SQL on them
(``tests/test_table_owners.py``).
"""

from __future__ import annotations

from presswatch.store.schema import Migration, Schema

SCHEMA = Schema("trends", (
    Migration(
        "trend signals and rising items",
        """
    CREATE TABLE trend_state (
        name TEXT PRIMARY KEY,          -- watermark | first_hour | first_hour:query:<rule id>
        value TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE trend_story_outlets (
        cluster_id INTEGER NOT NULL,    -- clusters.id
        source_id TEXT NOT NULL,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,  -- the source's first copy
        dated_at TEXT NOT NULL,         -- UTC: when the source carried the story
        content_type TEXT NOT NULL,     -- article | video | post | comment
        source_kind TEXT NOT NULL,
        relevance TEXT,
        sentiment TEXT,
        topics TEXT NOT NULL,           -- JSON list
        PRIMARY KEY (cluster_id, source_id)
    ) WITHOUT ROWID;
    CREATE INDEX trend_story_outlets_dated ON trend_story_outlets(dated_at);
    CREATE TABLE trend_counts (
        dim TEXT NOT NULL,              -- place | topic | query | all
        key TEXT NOT NULL,              -- the place's name, the topic's slug, the rule's id, '*' for all
        hour TEXT NOT NULL,             -- UTC, YYYY-MM-DDTHH
        n INTEGER NOT NULL,             -- articles of that hour
        relevant INTEGER NOT NULL,      -- of them, about or mentioning the province
        PRIMARY KEY (dim, key, hour)
    ) WITHOUT ROWID;
    CREATE INDEX trend_counts_hour ON trend_counts(hour);
    CREATE TABLE trend_posts (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        source_id TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        content_type TEXT NOT NULL,
        dated_at TEXT NOT NULL,
        relevance TEXT,
        sentiment TEXT,
        topics TEXT NOT NULL,           -- JSON list
        views INTEGER NOT NULL,
        interactions INTEGER NOT NULL,  -- likes + shares + comments
        observed_at TEXT NOT NULL       -- UTC: when these counts were last seen to change
    );
    CREATE TABLE trend_engagement (
        article_id INTEGER NOT NULL REFERENCES trend_posts(article_id) ON DELETE CASCADE,
        observed_at TEXT NOT NULL,      -- UTC
        views INTEGER NOT NULL,
        interactions INTEGER NOT NULL,
        PRIMARY KEY (article_id, observed_at)
    ) WITHOUT ROWID;
    CREATE TABLE trend_events (
        id INTEGER PRIMARY KEY,
        rule_id TEXT NOT NULL,
        signal TEXT NOT NULL,           -- story | engagement | burst
        subject TEXT NOT NULL,          -- story:<cluster> | post:<article> | place:<name> | topic:<slug>
        label TEXT NOT NULL,            -- what rose, for people
        raised_at TEXT NOT NULL,        -- UTC
        value REAL NOT NULL,            -- outlets in the window, engagement now, count in the window
        baseline REAL NOT NULL,         -- the threshold's reference: 0, engagement before, expected count
        ratio REAL,                     -- value / baseline when it means something
        items TEXT NOT NULL,            -- JSON list of article ids behind it
        document TEXT NOT NULL          -- JSON: what the channels received
    );
    CREATE INDEX trend_events_subject ON trend_events(rule_id, subject, raised_at);
    CREATE INDEX trend_events_raised ON trend_events(raised_at);
    """,
    ),
    Migration(
        "articles matched by query burst rules",
        """
    CREATE TABLE trend_query_hits (
        rule_id TEXT NOT NULL,          -- a burst rule with dimension: query
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        dated_at TEXT NOT NULL,
        PRIMARY KEY (rule_id, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX trend_query_hits_dated ON trend_query_hits(rule_id, dated_at);
    """,
    ),
    Migration(
        "query burst rules matched in the article's transaction",
        """
    CREATE TABLE trend_query_matched (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        rules TEXT NOT NULL,            -- JSON list: the query burst rules the article was matched against
        hits TEXT NOT NULL              -- JSON list: of them, those it matched
    );
    """,
    ),
))
