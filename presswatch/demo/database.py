"""The demo database as the demo reads it, without changing it or waiting on the crawl writing it:
the port its demo articles point to (the site is served there again, so their URLs stay the same),
how many demo articles it holds, and read-only connections for the progress ticker. It reads through
the store's functions (``presswatch.store.articles``) on a read-only connection: opening a ``Store``
would write (its migrations) and wait on the crawl.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

from presswatch.store.articles import count_articles, first_url

DEMO_SOURCES = ("demo-rss", "demo-sitemap", "demo-listing")


def read_only(db: Path, timeout: float = 30.0) -> sqlite3.Connection:
    """A read-only connection to ``db`` (sqlite3.Error when it does not exist or is not a database)."""
    return sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True, timeout=timeout)


def _existing(db: Path) -> sqlite3.Connection | None:
    return read_only(db) if db.exists() else None


def stored_demo_port(db: Path) -> int | None:
    """The port in the URLs of the demo articles stored in ``db`` (None when there are none)."""
    conn = _existing(db)
    if conn is None:
        return None
    with closing(conn):
        try:
            url = first_url(conn, DEMO_SOURCES)
        except sqlite3.Error:  # not a presswatch database (yet): nothing remembered
            return None
    return urlsplit(url).port if url is not None else None


def demo_count(db: Path) -> int:
    """How many demo articles ``db`` holds already."""
    conn = _existing(db)
    if conn is None:
        return 0
    with closing(conn):
        try:
            return count_articles(conn, DEMO_SOURCES)
        except sqlite3.Error:
            return 0
