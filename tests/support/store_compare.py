"""Do two stores hold the same thing? Every row of every table and the same search index, for the
build's equivalence test and ``bench/build.py --compare``.

The index is contentless, so it is compared through what it answers: ``fts5vocab`` tables (each
term's rows and counts per column; with ``fts_instances`` every occurrence: term, row, column,
offset, i.e. the whole index content), each row's token counts (``articles_fts_docsize``) and the
rowids of a few ``MATCH`` searches. Its b-tree pages (``articles_fts_data``, ``articles_fts_idx``)
are not compared: how segments are merged is not what is indexed.
"""

from __future__ import annotations

import sqlite3
from itertools import zip_longest
from pathlib import Path

SEARCHES = [
    "thuy dien", '"lai chau"', "muong te", "title:lu", "sat*", '"mua lon" OR "lu quet"',
    "NEAR(lai chau, 10)", "nguoi dan NOT ha", "text:kinh AND te", "dien bien",
]
_SKIPPED = ("articles_fts", "articles_fts_data", "articles_fts_idx", "articles_fts_config")
_WHEN_OPENED = {"schema_migrations": "applied_at"}  # when each store was created, not what it holds


def differences(first: Path, second: Path, fts_instances: bool = True, fts: bool = True) -> list[str]:
    """What differs between the stores at ``first`` and ``second`` (empty: nothing). Without
    ``fts``, the FTS5 index and its extent are left out (a store built for another search engine
    does not write it: ``presswatch.store.fulltext``)."""
    found: list[str] = []
    a, b = sqlite3.connect(first), sqlite3.connect(second)
    try:
        tables = _tables(a)
        if tables != _tables(b):
            found.append(f"tables {sorted(set(tables) ^ set(_tables(b)))}")
        for table in tables:
            if (table.startswith("sqlite_") or table in _SKIPPED or table not in _tables(b)
                    or (not fts and table.startswith(("articles_fts", "fts_extent")))):
                continue
            columns = [row[1] for row in a.execute(f'PRAGMA table_info("{table}")')
                       if row[1] != _WHEN_OPENED.get(table)]
            order = ", ".join(f'"{column}"' for column in columns)
            sql = f'SELECT {order} FROM "{table}" ORDER BY {order}'
            _same(found, table, a.execute(sql), b.execute(sql))
        if not fts:
            return found
        kinds = ["row", "col"] + (["instance"] if fts_instances else [])
        for kind in kinds:
            for db in (a, b):
                db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab_{kind} "
                           f"USING fts5vocab(main, articles_fts, {kind})")
            sql = f"SELECT * FROM temp.vocab_{kind}"  # in term order (then row, column, offset)
            _same(found, f"fts5vocab {kind}", a.execute(sql), b.execute(sql))
        for query in SEARCHES:
            sql = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rowid"
            _same(found, f"MATCH {query}", a.execute(sql, (query,)), b.execute(sql, (query,)))
            sql = "SELECT rowid, bm25(articles_fts) FROM articles_fts WHERE articles_fts MATCH ? ORDER BY rank, rowid"
            _same(found, f"ranked {query}", a.execute(sql, (query,)), b.execute(sql, (query,)))
    finally:
        a.close()
        b.close()
    return found


def _tables(db: sqlite3.Connection) -> list[str]:
    return [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]


def _same(found: list[str], what: str, first: sqlite3.Cursor, second: sqlite3.Cursor) -> None:
    for count, (one, other) in enumerate(zip_longest(first, second)):
        if one != other:
            found.append(f"{what}: row {count}: {one!r:.200} ≠ {other!r:.200}")
            return
