"""The database's migrations: each owner of tables declares its own, and opening a ``Store`` applies
those the file has not run yet.

Ownership. A table belongs to the module that creates it, and only that module runs SQL on it;
others call its functions (``tests/test_table_owners.py`` checks it). The owner declares its tables
as a ``Schema(name, migrations)``: named ``Migration`` scripts, in order, only ever appended to once
released. The store's own tables are shared by the modules of ``presswatch.store`` (``tables``);
``presswatch.store.users`` (users, sessions, login failures), ``presswatch.store.annotation`` (tags,
notes, reviews, saved searches), ``presswatch.store.corrections`` (``analysis_corrections``),
``presswatch.search.es_sync`` (``sync_state``), ``alerts.outbox``
(alerts, outbox), ``alerts.ingest`` (``alert_pending``), ``alerts.source_health``
(``source_incidents``), ``alerts.digest.send`` (``digest_sends``), the ``cases`` package
(``cases``, ``case_*``), ``register.tables`` (the press register's ``register_*`` tables), the
``trends`` package (the ``trend_*`` tables) and the ``evidence`` package (``evidence_*``) own theirs.
The one deliberate exception: the SQLite search backend (``presswatch.search.sqlite``) reads the
store's article and index tables, since the embedded index is part of the store's transaction.

The registry. The store may not import ``alerts`` (imports flow analysis ← kernel ← alerts ←
crawler ← shell), yet every process (service, CLI, crawl subprocess, tests) opens ``Store(path)`` and
must find every table. So ``SCHEMAS`` names the schemas as ``"module:attribute"`` strings, the way
Scrapy's ``ITEM_PIPELINES`` and APScheduler's job references name code, and ``load_schemas`` imports
them when a ``Store`` first opens a database. A schema named by a package (``presswatch.store``)
belongs to the package's modules; one named by a module, to that module. A new owner adds its line.

Bookkeeping. ``schema_migrations`` records each applied migration: the schema's name, its version
(position in the list, from 1) and name, and when. A schema's name is stored in databases: it stays
when its module moves (only the dotted path in ``SCHEMAS`` changes). All of it runs in the
transaction ``Store`` opens, so concurrent openers serialise and a failed migration leaves nothing.

Databases made before issue 17 numbered one linear list of migrations by ``PRAGMA user_version``
(1 to ``LEGACY_VERSION``). Those scripts moved to their owners with their text unchanged (a script
that created several owners' tables was cut between them), each saying which version ran it
(``legacy``). Opening such a database (``user_version`` ≥ 1, no ``schema_migrations``) records as
applied, without running anything, every migration whose ``legacy`` version it had reached, then
applies the rest. ``user_version`` is kept at ``LEGACY_VERSION`` (new databases get it too), so a
program from before issue 17 takes a database made since for a complete one, not an empty one.
"""

from __future__ import annotations

import importlib
import re
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from presswatch.times import iso

# Every schema, in the order a new database creates them: the store's own first (the others'
# tables refer to articles), then the kernel's other owners, then the capabilities'.
SCHEMAS: tuple[str, ...] = (
    "presswatch.store:SCHEMA",
    "presswatch.store.users:SCHEMA",
    "presswatch.store.annotation:SCHEMA",
    "presswatch.store.corrections:SCHEMA",
    "presswatch.search.es_sync:SCHEMA",
    "alerts.outbox:SCHEMA",
    "alerts.ingest:SCHEMA",
    "alerts.source_health:SCHEMA",
    "alerts.digest.send:SCHEMA",
    "cases:SCHEMA",
    "register.tables:SCHEMA",
    "trends:SCHEMA",
    "evidence:SCHEMA",
    "reports.sends:SCHEMA",
    "reports.archive:SCHEMA",
    "reanalysis:SCHEMA",
)
LEGACY_VERSION = 10  # the last PRAGMA user_version of the single list before issue 17
MIGRATIONS_TABLE = "schema_migrations"
_BOOKKEEPING = """
    CREATE TABLE schema_migrations (
        schema TEXT NOT NULL,           -- Schema.name
        version INTEGER NOT NULL,       -- the migration's position in its schema's list, from 1
        name TEXT NOT NULL,             -- Migration.name
        applied_at TEXT NOT NULL,       -- UTC; for a database made before issue 17, when it was first opened since
        PRIMARY KEY (schema, version)
    ) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Migration:
    """One step of a schema: SQL statements separated by ``;`` (``--`` comments are left out)."""

    name: str
    sql: str
    legacy: int | None = None  # the PRAGMA user_version that ran this script before issue 17; None: since

    def statements(self) -> list[str]:
        return _statements(self.sql)


@dataclass(frozen=True)
class Schema:
    """The tables of one owner, as the ordered list of migrations that make them."""

    name: str
    migrations: tuple[Migration, ...]

    def __post_init__(self) -> None:
        legacy = [migration.legacy for migration in self.migrations]
        numbered = [number for number in legacy if number is not None]
        # What a database of the old list had run must be a beginning of this list.
        if legacy[:len(numbered)] != numbered or numbered != sorted(numbered):
            raise ValueError(f"schema {self.name}: the migrations from the old list must come first, in its order")


@cache
def load_schemas(names: tuple[str, ...] = SCHEMAS) -> tuple[Schema, ...]:
    """The schemas named ``"module:attribute"``, imported once per process."""
    schemas = []
    for name in names:
        module, _, attribute = name.partition(":")
        schema = getattr(importlib.import_module(module), attribute)
        if not isinstance(schema, Schema):
            raise TypeError(f"{name} is not a presswatch.store.schema.Schema")
        schemas.append(schema)
    duplicates = sorted({s.name for s in schemas if [t.name for t in schemas].count(s.name) > 1})
    if duplicates:
        raise ValueError(f"two schemas share a name: {', '.join(duplicates)}")
    return tuple(schemas)


def migrate(db: sqlite3.Connection, schemas: tuple[Schema, ...] | None = None) -> None:
    """Apply the migrations of ``schemas`` (every registered one by default) that the database has
    not run yet, inside the caller's transaction."""
    schemas = load_schemas() if schemas is None else schemas
    now = iso(datetime.now(UTC))
    found = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (MIGRATIONS_TABLE,))
    if found.fetchone() is None:
        legacy = int(db.execute("PRAGMA user_version").fetchone()[0])
        for statement in _statements(_BOOKKEEPING):
            db.execute(statement)
        if legacy >= 1:  # a database of the single list: what it ran is applied already
            db.executemany(
                "INSERT INTO schema_migrations (schema, version, name, applied_at) VALUES (?, ?, ?, ?)",
                [(schema.name, version, migration.name, now)
                 for schema in schemas
                 for version, migration in enumerate(schema.migrations, start=1)
                 if migration.legacy is not None and migration.legacy <= legacy],
            )
    applied = dict(db.execute("SELECT schema, max(version) FROM schema_migrations GROUP BY schema").fetchall())
    for schema in schemas:
        done = int(applied.get(schema.name, 0))
        for version, migration in enumerate(schema.migrations[done:], start=done + 1):
            for statement in migration.statements():
                db.execute(statement)
            db.execute("INSERT INTO schema_migrations (schema, version, name, applied_at) VALUES (?, ?, ?, ?)",
                       (schema.name, version, migration.name, now))
    if int(db.execute("PRAGMA user_version").fetchone()[0]) < LEGACY_VERSION:
        db.execute(f"PRAGMA user_version = {LEGACY_VERSION}")


def _statements(script: str) -> list[str]:
    script = re.sub(r"--[^\n]*", "", script)
    return [statement for statement in script.split(";") if statement.strip()]
