"""The store's FTS5 index (``articles_fts``) and which articles it holds.

The FTS5 index serves searches only when SQLite is the search engine (``index_backend: sqlite``);
tantivy and Elasticsearch build their own index from the stored texts. Writing it for every
article was a third of the cost of storing one, for nothing when another engine serves searches.
So the index holds the articles whose id is at most its *extent* (the ``fts_extent`` row):

- no row: every article (databases made before this, and SQLite as the engine);
- ``-1``: none (another engine serves searches: ``drop`` emptied it);
- ``n``: the articles up to id ``n``, while ``fill`` puts them back batch by batch after a switch to
  SQLite (a crawl may store articles meanwhile: new ids are above ``n`` and the next batches take
  them; ``fill_batch`` removes the row when it reaches the last article).

An article is written to the index, or deleted from it, exactly when its id is within the extent,
in the transaction that stores or deletes it: the rule is the same for every writer,
whichever engine it believes is configured. Functions of a connection, inside the caller's
transaction (``Store`` opens them); ``presswatch.search.keep`` decides, from the configured engine,
when to drop and when to fill.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from analysis import fold

EVERY = 2**62  # the extent when the index holds every article (no row)
NONE = -1  # the extent of an emptied index
FILL_BATCH = 2000
_TEXTS = """SELECT a.id, coalesce(a.title_norm, a.title), coalesce(t.text_norm, t.text) FROM articles a
            JOIN article_texts t ON t.article_id = a.id"""  # each article's normalised title and text


def extent(db: sqlite3.Connection) -> int:
    """The highest article id the index may hold (``EVERY``: all of them; ``NONE``: none)."""
    row = db.execute("SELECT upto FROM fts_extent WHERE id = 1").fetchone()
    return EVERY if row is None else int(row[0])


def add(db: sqlite3.Connection, entries: Iterable[tuple[int, str, str]]) -> None:
    """Index stored articles: (id, folded title, folded text); the caller checked each id is within
    the extent."""
    db.executemany("INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)", entries)


def remove(db: sqlite3.Connection, ids: list[int]) -> None:
    """Delete the entries of the stored articles ``ids`` that the index holds, before the articles
    go (the index is contentless: an entry is deleted with the folded text it was built from)."""
    upto = extent(db)
    held = [article_id for article_id in ids if article_id <= upto]
    if not held:
        return
    rows = db.execute(f"{_TEXTS} WHERE a.id IN ({','.join('?' * len(held))})", held).fetchall()
    db.executemany("INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
                   [(row[0], fold(row[1]), fold(row[2])) for row in rows])


def missing(db: sqlite3.Connection) -> int:
    """How many stored articles the index lacks (0 when it holds them all)."""
    upto = extent(db)
    if upto == EVERY:
        return 0
    return int(db.execute("SELECT count(*) FROM articles WHERE id > ?", (upto,)).fetchone()[0])


def drop(db: sqlite3.Connection) -> bool:
    """Empty the index and stop writing it (another engine serves searches). False when it was
    empty already."""
    if extent(db) == NONE:
        return False
    db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('delete-all')")
    db.execute("INSERT OR REPLACE INTO fts_extent (id, upto) VALUES (1, ?)", (NONE,))
    return True


def fill_batch(db: sqlite3.Connection, batch: int = FILL_BATCH) -> tuple[int, bool]:
    """Index the next ``batch`` articles beyond the extent and move it on; when none is left, the
    index holds every article again (the row goes). Returns (articles indexed, done)."""
    upto = extent(db)
    if upto == EVERY:
        return 0, True
    rows = db.execute(f"{_TEXTS} WHERE a.id > ? ORDER BY a.id LIMIT ?", (upto, batch)).fetchall()
    add(db, [(row[0], fold(row[1]), fold(row[2])) for row in rows])
    if len(rows) < batch:
        db.execute("DELETE FROM fts_extent")
        return len(rows), True
    db.execute("UPDATE fts_extent SET upto = ? WHERE id = 1", (rows[-1][0],))
    return len(rows), False
