"""Reminders and notifications of cases: what is due now, each once.

- ``assigned``: a case was given to someone (an ``assignee`` row of the trail);
- ``reporter_message``: the reporter wrote again (a reply taken from the hotline mailbox);
- ``deadline_near``: an open case's deadline is within ``near_days`` days;
- ``overdue``: an open case is past its deadline.

``due`` lists them as documents (``type: case_reminder``, a Vietnamese ``text`` and a link to the
case when ``web_base_url`` is set); the shell queues them to the alert channels
(``presswatch.service.jobs.case_reminders_job``, through ``alerts.outbox``: retried until delivered)
and ``mark_sent`` records each in ``case_reminders`` in the same transaction, so a reminder goes out
once. Events older than ``EVENT_WINDOW`` are not announced (turning reminders on does not replay a
year of assignments). No personal data: the reporter's name, contact and words stay in the case.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from cases.model import STATE_LABELS, Case
from cases.reads import case_of
from presswatch.times import iso, local_day

EVENT_WINDOW = timedelta(days=2)
MAX_PER_RUN = 100
OPEN = ("new", "verifying", "concluded", "acting")
TITLES = {"assigned": "Hồ sơ được giao", "reporter_message": "Người phản ánh gửi thêm tin nhắn",
          "deadline_near": "Hồ sơ sắp đến hạn", "overdue": "Hồ sơ quá hạn"}


@dataclass(frozen=True)
class Reminder:
    case_id: int
    kind: str
    key: str
    document: dict[str, Any]


def _document(case: Case, kind: str, detail: str, web_base_url: str | None, now: datetime) -> dict[str, Any]:
    url = f"{web_base_url}/cases/{case.id}" if web_base_url else None
    text = (f"📁 {TITLES[kind]}: hồ sơ {case.number} — {case.title}\n{detail}\n"
            f"Trạng thái: {STATE_LABELS[case.state]} · người xử lý: {case.assignee or '(chưa giao)'} · "
            f"hạn: {local_day(case.deadline)}" + (f"\n{url}" if url else ""))
    return {"type": "case_reminder", "kind": kind, "created_at": iso(now), "text": text,
            "case": {"id": case.id, "number": case.number, "title": case.title, "state": case.state,
                     "assignee": case.assignee, "deadline": case.deadline.isoformat() if case.deadline else None,
                     "url": url}}


def _sent(db: sqlite3.Connection, case_id: int, kind: str, key: str) -> bool:
    return db.execute("SELECT 1 FROM case_reminders WHERE case_id = ? AND kind = ? AND key = ?",
                      (case_id, kind, key)).fetchone() is not None


def due(db: sqlite3.Connection, today: date, now: datetime, *, near_days: int = 2,
        web_base_url: str | None = None) -> list[Reminder]:
    """Every reminder due and not sent yet, at most ``MAX_PER_RUN`` (the rest next run)."""
    found: list[Reminder] = []
    since = iso(now - EVENT_WINDOW)
    events = db.execute(
        "SELECT c.*, a.id AS audit_id, a.field AS audit_field, a.after AS audit_after "
        "FROM case_audit a JOIN cases c ON c.id = a.case_id "
        "WHERE a.field IN ('assignee', 'reporter_message') AND a.at >= ? ORDER BY a.id", (since,)).fetchall()
    for row in events:
        kind = "assigned" if row["audit_field"] == "assignee" else "reporter_message"
        if kind == "assigned" and not row["audit_after"]:
            continue
        key = str(row["audit_id"])
        if _sent(db, row["id"], kind, key):
            continue
        case = case_of(row)
        detail = (f"Giao cho: {row['audit_after']}." if kind == "assigned"
                  else "Có tin nhắn mới của người phản ánh qua hộp thư đường dây nóng.")
        found.append(Reminder(case.id, kind, key, _document(case, kind, detail, web_base_url, now)))
    horizon = (today + timedelta(days=near_days)).isoformat()
    rows = db.execute(f"SELECT * FROM cases WHERE deadline <= ? AND state IN ({', '.join('?' * len(OPEN))}) "
                      "ORDER BY deadline, id", (horizon, *OPEN)).fetchall()
    for row in rows:
        case = case_of(row)
        assert case.deadline is not None
        kind = "overdue" if case.deadline < today else "deadline_near"
        key = case.deadline.isoformat()
        if _sent(db, case.id, kind, key):
            continue
        days = (case.deadline - today).days
        detail = (f"Quá hạn {-days} ngày (hạn {local_day(case.deadline)})." if days < 0
                  else "Đến hạn hôm nay." if days == 0 else f"Còn {days} ngày (hạn {local_day(case.deadline)}).")
        found.append(Reminder(case.id, kind, key, _document(case, kind, detail, web_base_url, now)))
    return found[:MAX_PER_RUN]


def mark_sent(db: sqlite3.Connection, reminder: Reminder, now: datetime) -> None:
    db.execute("INSERT OR IGNORE INTO case_reminders (case_id, kind, key, sent_at) VALUES (?, ?, ?, ?)",
               (reminder.case_id, reminder.kind, reminder.key, iso(now)))
