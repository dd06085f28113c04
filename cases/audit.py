"""The audit trail: every change to a case (who, when, field, before, after), append-only and
hash-chained, and ``verify``, which finds the first row altered or removed.

Row ``n`` stores ``hash = sha256(prev_hash ‖ n ‖ case ‖ at ‖ actor ‖ field ‖ before ‖ after)`` (a
canonical JSON array) with ``prev_hash`` the hash of row ``n - 1`` (64 zeros for the first). Rows are
numbered 1, 2, 3… and never deleted, and ``case_audit_head`` keeps the last number and hash, updated in
the same transaction: an edited row no longer matches its hash, a deleted row leaves a gap (or a head
pointing past the end), and rewriting the rest of the chain to hide it needs the head rewritten too.
The chain shows tampering with the database file; it cannot stop someone who rewrites every row and
the head (the nightly backups, kept elsewhere, are the check against that).

Values are stored as text. Personal data (the reporter's contact) is stored like any field, shown
masked to the roles that may not see it (``cases.model.PERSONAL``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from cases.model import AuditEntry
from presswatch.times import iso, parse_iso

GENESIS = "0" * 64
MAX_VALUE = 20_000  # characters of one before/after value kept (a summary is at most this long)


def row_hash(prev_hash: str, row_id: int, case_id: int, at: str, actor: str, field: str,
             before: str | None, after: str | None) -> str:
    content = json.dumps([prev_hash, row_id, case_id, at, actor, field, before, after], ensure_ascii=False,
                         separators=(",", ":"))
    return hashlib.sha256(content.encode("utf-8")).hexdigest()


def text(value: object) -> str | None:
    """A value as the trail stores it: None stays None, the rest becomes text."""
    if value is None:
        return None
    shown = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return shown[:MAX_VALUE]


def append(db: sqlite3.Connection, case_id: int, actor: str, field: str, before: object, after: object,
           at: datetime) -> None:
    """Add one row, inside the caller's transaction (the change and its record commit together)."""
    head = db.execute("SELECT last_id, last_hash FROM case_audit_head WHERE one = 1").fetchone()
    last_id, last_hash = (int(head[0]), str(head[1])) if head else (0, GENESIS)
    row_id = last_id + 1
    stamp = iso(at)
    assert stamp is not None
    old, new = text(before), text(after)
    digest = row_hash(last_hash, row_id, case_id, stamp, actor, field, old, new)
    db.execute("INSERT INTO case_audit (id, case_id, at, actor, field, before, after, prev_hash, hash) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (row_id, case_id, stamp, actor, field, old, new, last_hash, digest))
    db.execute("INSERT INTO case_audit_head (one, last_id, last_hash) VALUES (1, ?, ?) "
               "ON CONFLICT(one) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash",
               (row_id, digest))


def entries(db: sqlite3.Connection, case_id: int) -> list[AuditEntry]:
    """The trail of one case, oldest first: its timeline."""
    rows = db.execute("SELECT * FROM case_audit WHERE case_id = ? ORDER BY id", (case_id,)).fetchall()
    return [_entry(row) for row in rows]


def _entry(row: sqlite3.Row) -> AuditEntry:
    at = parse_iso(row["at"])
    assert at is not None
    return AuditEntry(row["id"], row["case_id"], at, row["actor"], row["field"], row["before"], row["after"],
                      row["prev_hash"], row["hash"])


@dataclass(frozen=True)
class Verification:
    """The result of checking the whole chain: ``ok``, how many rows were checked, and for a broken
    chain the first row found altered or missing and what is wrong, in Vietnamese."""

    ok: bool
    rows: int
    first_bad: int | None = None
    problem: str = ""


def verify(db: sqlite3.Connection) -> Verification:
    """Walk the chain from row 1: recompute each hash, check numbering, links and the head."""
    expected_id, prev = 1, GENESIS
    checked = 0
    for row in db.execute("SELECT id, case_id, at, actor, field, before, after, prev_hash, hash "
                          "FROM case_audit ORDER BY id"):
        row_id = int(row[0])
        if row_id != expected_id:
            return Verification(False, checked, expected_id,
                                f"dòng {expected_id} đã bị xóa (sau dòng {expected_id - 1} là dòng {row_id})")
        if row[7] != prev:
            return Verification(False, checked, row_id,
                                f"dòng {row_id} không nối với dòng trước (dòng trước đã bị sửa hoặc xóa)")
        digest = row_hash(prev, row_id, int(row[1]), str(row[2]), str(row[3]), str(row[4]), row[5], row[6])
        if digest != row[8]:
            return Verification(False, checked, row_id, f"dòng {row_id} đã bị sửa (mã băm không khớp nội dung)")
        prev = str(row[8])
        expected_id += 1
        checked += 1
    head = db.execute("SELECT last_id, last_hash FROM case_audit_head WHERE one = 1").fetchone()
    last_id, last_hash = (int(head[0]), str(head[1])) if head else (0, GENESIS)
    if last_id != checked:
        if last_id > checked:
            return Verification(False, checked, checked + 1,
                                f"dòng {checked + 1} đến {last_id} đã bị xóa (nhật ký phải có {last_id} dòng)")
        return Verification(False, checked, last_id + 1, f"dòng {last_id + 1} trở đi không được ghi nhận đúng cách")
    if last_hash != prev:
        return Verification(False, checked, checked, f"dòng {checked} đã bị thay (mã băm cuối không khớp)")
    return Verification(True, checked)
