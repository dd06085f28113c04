"""The register's tables and every read and write on them; each change is audited.

This module owns ``register_outlets``, ``register_reporters``, ``register_spokespeople``,
``register_audit``, ``register_notices`` (flags and reminders sent, each once) and
``register_marks`` (what the detectors said of each stored article, kept so that a monthly run
classifies only articles it has not seen): ``SCHEMA``, listed in
``presswatch.store.schema.SCHEMAS``. Writes run in the caller's transaction
(``Store.transaction()``): an import that fails half-way leaves nothing. Every change of a field is
one audit row: who, when (UTC), which record, which field, the value before and after (``None``
before: created; ``None`` after: removed).

Import semantics (``save_outlets``, ``save_spokespeople``): an outlet is matched on its licence
number, a spokesperson on (unit, name, valid from); a matched record is updated field by field, a new
one created; records absent from the import are kept (the register grows by imports; a record is
removed only by ``delete_outlet``). An outlet's reporters are replaced by the imported list.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from presswatch.store.schema import Migration, Schema
from presswatch.times import iso, parse_iso, utcnow
from register.model import Outlet, Reporter, Spokesperson

SCHEMA = Schema("register", (
    Migration(
        "press register: outlets, resident reporters, spokespeople, audit",
        """
    CREATE TABLE register_outlets (
        id INTEGER PRIMARY KEY,
        licence_no TEXT NOT NULL UNIQUE,  -- the key imports match on
        name TEXT NOT NULL,
        type TEXT NOT NULL,               -- register.model.OUTLET_TYPES
        licence_date TEXT,                -- ISO date
        governing_body TEXT NOT NULL DEFAULT '',
        purpose TEXT NOT NULL DEFAULT '',
        topics TEXT NOT NULL DEFAULT '[]',   -- JSON list of topic slugs
        domains TEXT NOT NULL DEFAULT '[]',  -- JSON list
        sources TEXT NOT NULL DEFAULT '[]',  -- JSON list of sources.yaml ids
        resident_office TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE register_reporters (
        id INTEGER PRIMARY KEY,
        outlet_id INTEGER NOT NULL REFERENCES register_outlets(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        press_card TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX register_reporters_outlet ON register_reporters(outlet_id);
    CREATE TABLE register_spokespeople (
        id INTEGER PRIMARY KEY,
        unit TEXT NOT NULL,
        unit_kind TEXT NOT NULL,          -- department | commune
        name TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        email TEXT NOT NULL DEFAULT '',
        valid_from TEXT,                  -- ISO date
        valid_to TEXT,
        topics TEXT NOT NULL DEFAULT '[]',
        UNIQUE (unit, name, valid_from)
    );
    CREATE TABLE register_audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,                 -- UTC
        actor TEXT NOT NULL,              -- a web user's name, or "cli:<what>"
        entity TEXT NOT NULL,             -- outlet | spokesperson
        entity_key TEXT NOT NULL,         -- licence number | "unit / name"
        field TEXT NOT NULL,
        before TEXT,                      -- NULL: created
        after TEXT                        -- NULL: removed
    );
    CREATE INDEX register_audit_key ON register_audit(entity, entity_key);
    -- what the detectors said of a stored article (texts do not change: computed once)
    CREATE TABLE register_marks (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        genre TEXT NOT NULL,              -- register.detect.GENRES
        attribution TEXT NOT NULL,        -- register.detect.ATTRIBUTIONS
        outlets TEXT NOT NULL DEFAULT '[]',  -- JSON: the sources it names
        detector INTEGER NOT NULL         -- register.detect.VERSION that marked it
    );
    -- notices sent through the alert channels, each once: a flagged indicator of an outlet for a
    -- period (kind "flag", key "licence|indicator|period start"), a spokesperson reminder ("reminder")
    CREATE TABLE register_notices (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        sent_at TEXT NOT NULL,            -- UTC
        PRIMARY KEY (kind, key)
    ) WITHOUT ROWID;
    """,
    ),
))

_OUTLET_FIELDS = ("name", "type", "licence_date", "governing_body", "purpose", "topics", "domains", "sources",
                  "resident_office", "reporters")
_SPOKES_FIELDS = ("unit_kind", "title", "phone", "email", "valid_to", "topics")


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    actor: str
    entity: str
    entity_key: str
    field: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class SaveSummary:
    created: int
    updated: int
    unchanged: int


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _parse_day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _shown(value: object) -> str | None:
    """A field's value as the audit records it."""
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return json.dumps([v.__dict__ if isinstance(v, Reporter) else v for v in value], ensure_ascii=False)
    return str(value)


def _audit(db: sqlite3.Connection, actor: str, entity: str, key: str, changes: Iterable[tuple[str, object, object]],
           at: str) -> int:
    rows = [(at, actor, entity, key, name, _shown(before), _shown(after)) for name, before, after in changes]
    db.executemany("INSERT INTO register_audit (at, actor, entity, entity_key, field, before, after) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def outlets(db: sqlite3.Connection) -> list[Outlet]:
    """Every outlet with its reporters, by name."""
    reporters: dict[int, list[Reporter]] = {}
    for row in db.execute("SELECT outlet_id, name, press_card FROM register_reporters ORDER BY id"):
        reporters.setdefault(int(row[0]), []).append(Reporter(row[1], row[2]))
    rows = db.execute("SELECT id, licence_no, name, type, licence_date, governing_body, purpose, topics, domains, "
                      "sources, resident_office FROM register_outlets ORDER BY name, licence_no").fetchall()
    return [Outlet(licence_no=r[1], name=r[2], type=r[3], licence_date=_parse_day(r[4]), governing_body=r[5],
                   purpose=r[6], topics=tuple(json.loads(r[7])), domains=tuple(json.loads(r[8])),
                   sources=tuple(json.loads(r[9])), resident_office=r[10],
                   reporters=tuple(reporters.get(int(r[0]), ())), id=int(r[0])) for r in rows]


def outlet(db: sqlite3.Connection, licence_no: str) -> Outlet | None:
    return next((o for o in outlets(db) if o.licence_no == licence_no), None)


def save_outlets(db: sqlite3.Connection, items: list[Outlet], actor: str) -> SaveSummary:
    """Create or update ``items`` (matched on licence number), auditing each changed field."""
    at = iso(utcnow()) or ""
    existing = {o.licence_no: o for o in outlets(db)}
    created = updated = 0
    for item in items:
        old = existing.get(item.licence_no)
        values = (item.name, item.type, _day(item.licence_date), item.governing_body, item.purpose,
                  json.dumps(list(item.topics), ensure_ascii=False), json.dumps(list(item.domains)),
                  json.dumps(list(item.sources)), item.resident_office)
        if old is None:
            cursor = db.execute(
                "INSERT INTO register_outlets (name, type, licence_date, governing_body, purpose, topics, domains, "
                "sources, resident_office, licence_no) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*values, item.licence_no))
            outlet_id = int(cursor.lastrowid or 0)
            _audit(db, actor, "outlet", item.licence_no,
                   [(name, None, getattr(item, name)) for name in _OUTLET_FIELDS], at)
            created += 1
        else:
            changes = [(name, getattr(old, name), getattr(item, name)) for name in _OUTLET_FIELDS
                       if getattr(old, name) != getattr(item, name)]
            if not changes:
                continue
            assert old.id is not None
            outlet_id = old.id
            db.execute(
                "UPDATE register_outlets SET name = ?, type = ?, licence_date = ?, governing_body = ?, purpose = ?, "
                "topics = ?, domains = ?, sources = ?, resident_office = ? WHERE licence_no = ?",
                (*values, item.licence_no))
            db.execute("DELETE FROM register_reporters WHERE outlet_id = ?", (outlet_id,))
            _audit(db, actor, "outlet", item.licence_no, changes, at)
            updated += 1
        db.executemany("INSERT INTO register_reporters (outlet_id, name, press_card) VALUES (?, ?, ?)",
                       [(outlet_id, r.name, r.press_card) for r in item.reporters])
    return SaveSummary(created, updated, len(items) - created - updated)


def delete_outlet(db: sqlite3.Connection, licence_no: str, actor: str) -> bool:
    old = outlet(db, licence_no)
    if old is None:
        return False
    db.execute("DELETE FROM register_outlets WHERE licence_no = ?", (licence_no,))
    _audit(db, actor, "outlet", licence_no, [(name, getattr(old, name), None) for name in _OUTLET_FIELDS],
           iso(utcnow()) or "")
    return True


def spokespeople(db: sqlite3.Connection) -> list[Spokesperson]:
    """Every spokesperson, current and past, by unit kind, unit, then newest first."""
    rows = db.execute("SELECT id, unit, unit_kind, name, title, phone, email, valid_from, valid_to, topics "
                      "FROM register_spokespeople ORDER BY unit_kind DESC, unit, valid_from DESC, name").fetchall()
    return [Spokesperson(unit=r[1], unit_kind=r[2], name=r[3], title=r[4], phone=r[5], email=r[6],
                         valid_from=_parse_day(r[7]), valid_to=_parse_day(r[8]), topics=tuple(json.loads(r[9])),
                         id=int(r[0])) for r in rows]


def _spokes_key(item: Spokesperson) -> tuple[str, str, date | None]:
    return item.unit, item.name, item.valid_from


def save_spokespeople(db: sqlite3.Connection, items: list[Spokesperson], actor: str) -> SaveSummary:
    """Create or update ``items`` (matched on unit, name and valid-from date), auditing each change."""
    at = iso(utcnow()) or ""
    existing = {_spokes_key(s): s for s in spokespeople(db)}
    created = updated = 0
    for item in items:
        old = existing.get(_spokes_key(item))
        values = (item.unit_kind, item.title, item.phone, item.email, _day(item.valid_to),
                  json.dumps(list(item.topics), ensure_ascii=False))
        key = f"{item.unit} / {item.name}"
        if old is None:
            db.execute("INSERT INTO register_spokespeople (unit_kind, title, phone, email, valid_to, topics, unit, "
                       "name, valid_from) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (*values, item.unit, item.name, _day(item.valid_from)))
            _audit(db, actor, "spokesperson", key,
                   [(name, None, getattr(item, name)) for name in ("valid_from", *_SPOKES_FIELDS)], at)
            created += 1
            continue
        changes = [(name, getattr(old, name), getattr(item, name)) for name in _SPOKES_FIELDS
                   if getattr(old, name) != getattr(item, name)]
        if changes:
            db.execute("UPDATE register_spokespeople SET unit_kind = ?, title = ?, phone = ?, email = ?, valid_to = ?, "
                       "topics = ? WHERE id = ?", (*values, old.id))
            _audit(db, actor, "spokesperson", key, changes, at)
            updated += 1
    return SaveSummary(created, updated, len(items) - created - updated)


def audit(db: sqlite3.Connection, entity: str | None = None, key: str | None = None,
          limit: int = 500) -> list[AuditEntry]:
    """The audit trail, newest first (of one entity kind, of one record)."""
    conditions, params = [], []
    if entity is not None:
        conditions.append("entity = ?")
        params.append(entity)
    if key is not None:
        conditions.append("entity_key = ?")
        params.append(key)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    rows = db.execute(f"SELECT at, actor, entity, entity_key, field, before, after FROM register_audit{where} "
                      "ORDER BY id DESC LIMIT ?", (*params, limit)).fetchall()
    entries = []
    for r in rows:
        at = parse_iso(r[0])
        assert at is not None
        entries.append(AuditEntry(at, r[1], r[2], r[3], r[4], r[5], r[6]))
    return entries


@dataclass(frozen=True)
class Mark:
    genre: str
    attribution: str
    outlets: tuple[str, ...]


def marks(db: sqlite3.Connection, article_ids: Iterable[int], detector: int) -> dict[int, Mark]:
    """The stored marks of these articles made by this detector version."""
    rows = db.execute("SELECT article_id, genre, attribution, outlets FROM register_marks "
                      "WHERE article_id IN (SELECT value FROM json_each(?)) AND detector = ?",
                      (json.dumps(sorted(set(article_ids))), detector))
    return {int(r[0]): Mark(r[1], r[2], tuple(json.loads(r[3]))) for r in rows}


def mark_versions(db: sqlite3.Connection, article_ids: Iterable[int]) -> dict[int, int]:
    """The detector version of the stored mark of each of these articles (those marked)."""
    rows = db.execute("SELECT article_id, detector FROM register_marks "
                      "WHERE article_id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(article_ids))),))
    return {int(r[0]): int(r[1]) for r in rows}


def save_marks(db: sqlite3.Connection, found: dict[int, Mark], detector: int) -> None:
    db.executemany("INSERT OR REPLACE INTO register_marks (article_id, genre, attribution, outlets, detector) "
                   "VALUES (?, ?, ?, ?, ?)",
                   [(i, m.genre, m.attribution, json.dumps(list(m.outlets), ensure_ascii=False), detector)
                    for i, m in found.items()])


def notice_sent(db: sqlite3.Connection, kind: str, key: str, now: datetime) -> bool:
    """Record that the notice (kind, key) is sent now; False when it was sent already."""
    cursor = db.execute("INSERT OR IGNORE INTO register_notices (kind, key, sent_at) VALUES (?, ?, ?)",
                        (kind, key, iso(now)))
    return cursor.rowcount == 1


def last_notice(db: sqlite3.Connection, kind: str) -> datetime | None:
    row = db.execute("SELECT max(sent_at) FROM register_notices WHERE kind = ?", (kind,)).fetchone()
    return parse_iso(row[0]) if row and row[0] else None
