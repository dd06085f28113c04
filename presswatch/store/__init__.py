"""The embedded store: one SQLite file (WAL) with articles, crawl state, source health and the
FTS5 search index; ``Store`` is its entry point.

- ``database``: ``Store``, the connection (pragmas, transactions, migrations on open);
- ``schema``: the tables' migrations;
- ``articles``: writing and reading articles (URLs, text, index entry, analysis);
- ``clusters``: stories, syndicated copies grouped by near-duplicate sketches;
- ``health``: each source's health and runs, each feed's conditional-GET state;
- ``users``, ``annotation``: the web UI's users and sessions, analysts' annotations and saved searches;
- ``side_reader``: a second read connection, so that one search can use two cores.
"""

from presswatch.store.articles import OnStored
from presswatch.store.database import CACHE_MIB, CHECKPOINT_PAGES, Store
from presswatch.store.health import RunResult, SourceHealth
from presswatch.store.tables import SCHEMA

__all__ = ["CACHE_MIB", "CHECKPOINT_PAGES", "SCHEMA", "OnStored", "RunResult", "SourceHealth", "Store"]
