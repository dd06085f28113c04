"""The embedded store: one SQLite file (WAL) with articles, crawl state, source health and the
FTS5 search index; ``Store`` is its entry point, and opening one creates or migrates every table.

- ``database``: ``Store``, the connection (pragmas, transactions, migrations on open);
- ``schema``: the migration mechanism: each owner's ``Schema``, the registry of them (``SCHEMAS``);
- ``tables``: the store's own tables (``SCHEMA``), shared by its role modules:
- ``articles``: writing and reading articles (URLs, text, index entry, analysis), counting, deleting;
- ``clusters``: stories, syndicated copies grouped by near-duplicate sketches;
- ``health``: each source's health and runs, each feed's conditional-GET state;
- ``period``: what the articles of a period count and hold (the daily digest reads it);
- ``users``, ``annotation``: the web UI's users and sessions, analysts' annotations and saved
  searches, each owning its tables;
- ``side_reader``: a second read connection, so that one search can use two cores.

Only a table's owner runs SQL on it (see ``schema``); the SQLite search backend reads the article and
index tables as the one deliberate exception.
"""

from presswatch.store.articles import OnStored
from presswatch.store.database import CACHE_MIB, CHECKPOINT_PAGES, Store
from presswatch.store.health import RunResult, SourceHealth
from presswatch.store.tables import SCHEMA

__all__ = ["CACHE_MIB", "CHECKPOINT_PAGES", "SCHEMA", "OnStored", "RunResult", "SourceHealth", "Store"]
