"""The demo database as the demo reads it, without changing it or waiting on the crawl writing it:
the port its demo articles point to (the site is served there again, so their URLs stay the same),
how many demo articles it holds, and read-only connections for the progress ticker.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from urllib.parse import urlsplit

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
            row = conn.execute(f"SELECT url FROM articles WHERE source_id IN ({','.join('?' * len(DEMO_SOURCES))})"
                               " LIMIT 1", DEMO_SOURCES).fetchone()
        except sqlite3.Error:  # not a presswatch database (yet): nothing remembered
            return None
    return urlsplit(row[0]).port if row is not None else None


def demo_count(db: Path) -> int:
    """How many demo articles ``db`` holds already."""
    conn = _existing(db)
    if conn is None:
        return 0
    with closing(conn):
        try:
            row = conn.execute(f"SELECT count(*) FROM articles WHERE source_id IN "
                               f"({','.join('?' * len(DEMO_SOURCES))})", DEMO_SOURCES).fetchone()
        except sqlite3.Error:
            return 0
    return int(row[0])
