"""Outlets of the press register a case names: linked by licence number (the register's key), with
the name the outlet had then. ``cases`` does not read the register (the two packages are siblings):
the shell checks that a licence number is in the register before linking it, and joins a case's
outlets to the register's pages (``cases.reads.cases_of_outlet``). Each link and unlink is a row
of the audit trail; neither conflicts with other changes (no version).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from cases import audit, workflow
from cases.reads import get_case
from presswatch.errors import CaseError
from presswatch.store import Store
from presswatch.store.users import User
from presswatch.times import iso

MAX_OUTLETS = 50  # outlets of the register named by one case


def checked(licence_no: object, name: object) -> tuple[str, str]:
    """(licence number, name) trimmed and bounded, or ``CaseError``."""
    licence = str(licence_no or "").replace("\x00", "").strip()
    shown = str(name or "").replace("\x00", "").strip()
    if not licence:
        raise CaseError("Số giấy phép không được để trống")
    if len(licence) > 100 or len(shown) > 300:
        raise CaseError("số giấy phép hoặc tên cơ quan dài quá")
    return licence, shown or licence


def link_in(db: sqlite3.Connection, actor: User, case_id: int, licence: str, name: str, moment: datetime) -> bool:
    """Link inside the caller's transaction; False when the case names that outlet already."""
    count = int(db.execute("SELECT count(*) FROM case_outlets WHERE case_id = ?", (case_id,)).fetchone()[0])
    if count >= MAX_OUTLETS:
        raise CaseError(f"một hồ sơ nêu tối đa {MAX_OUTLETS} cơ quan trong sổ đăng ký")
    inserted = db.execute("INSERT OR IGNORE INTO case_outlets (case_id, licence_no, name, added_by, added_at) "
                          "VALUES (?, ?, ?, ?, ?)", (case_id, licence, name, actor.name, iso(moment))).rowcount
    if inserted:
        audit.append(db, case_id, actor.name, "outlet", None, f"{licence} {name}", moment)
    return bool(inserted)


def _case_exists(db: sqlite3.Connection, case_id: int) -> None:
    if get_case(db, case_id) is None:
        raise CaseError(f"không có hồ sơ #{case_id}")


def link(store: Store, actor: User, case_id: int, licence_no: str, name: str, now: datetime | None = None) -> bool:
    """Name an outlet of the register in the case; False when it was named already."""
    workflow.require(actor, "edit")
    licence, name = checked(licence_no, name)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    with store.transaction() as db:
        _case_exists(db, case_id)
        added = link_in(db, actor, case_id, licence, name, moment)
        if added:
            db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (iso(moment), case_id))
    return added


def unlink(store: Store, actor: User, case_id: int, licence_no: str, now: datetime | None = None) -> bool:
    """Remove an outlet of the register from the case (the trail keeps it); False when it was not named."""
    workflow.require(actor, "edit")
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    with store.transaction() as db:
        _case_exists(db, case_id)
        row = db.execute("SELECT name FROM case_outlets WHERE case_id = ? AND licence_no = ?",
                         (case_id, licence_no)).fetchone()
        if row is None:
            return False
        db.execute("DELETE FROM case_outlets WHERE case_id = ? AND licence_no = ?", (case_id, licence_no))
        audit.append(db, case_id, actor.name, "outlet", f"{licence_no} {row['name']}", None, moment)
        db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (iso(moment), case_id))
    return True
