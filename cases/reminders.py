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

By e-mail (``cases_reminder_email``): ``queue_mail`` puts a reminder for the case's assignee in
``case_reminder_mail`` (same transaction as ``mark_sent``); the shell sends what ``mail_due`` lists
and records ``mail_sent`` or ``mail_failed`` (retried after ``MAIL_BACKOFF``, doubling, given up
after ``MAIL_ATTEMPTS``). The address is read from the user's account when sending, so one added
after the reminder was queued is used on the next try.
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
MAIL_ATTEMPTS = 8  # tries of one e-mail before it is given up (15 min, 30 min, 1 h … about 32 h in all)
MAIL_BACKOFF = timedelta(minutes=15)
MAIL_BATCH = 50  # e-mails tried per run (the rest next run)
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


@dataclass(frozen=True)
class Mail:
    """A reminder to e-mail: to a user (by name), with its subject and text."""

    id: int
    case_id: int
    kind: str
    recipient: str
    subject: str
    body: str
    attempts: int


def queue_mail(db: sqlite3.Connection, reminder: Reminder, recipient: str, now: datetime) -> bool:
    """Queue ``reminder`` for ``recipient`` (a user name) by e-mail; False when it was queued before."""
    case = reminder.document["case"]
    subject = f"[presswatch] {TITLES[reminder.kind]}: hồ sơ {case['number']}"
    cursor = db.execute(
        "INSERT OR IGNORE INTO case_reminder_mail (case_id, kind, key, recipient, subject, body, next_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (reminder.case_id, reminder.kind, reminder.key, recipient, subject, reminder.document["text"], iso(now)))
    return cursor.rowcount == 1


def mail_due(db: sqlite3.Connection, now: datetime, limit: int = MAIL_BATCH) -> list[Mail]:
    """The e-mails to try now, oldest first."""
    rows = db.execute("SELECT id, case_id, kind, recipient, subject, body, attempts FROM case_reminder_mail "
                      "WHERE status = 'pending' AND next_at <= ? ORDER BY next_at, id LIMIT ?", (iso(now), limit))
    return [Mail(*row) for row in rows]


def mail_sent(db: sqlite3.Connection, mail_id: int, now: datetime) -> None:
    db.execute("UPDATE case_reminder_mail SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
               "last_error = NULL WHERE id = ?", (iso(now), mail_id))


def mail_failed(db: sqlite3.Connection, mail_id: int, error: str, now: datetime) -> datetime | None:
    """Record a failed try; when it is tried again (None: given up after ``MAIL_ATTEMPTS``)."""
    row = db.execute("SELECT attempts FROM case_reminder_mail WHERE id = ?", (mail_id,)).fetchone()
    attempts = int(row[0]) + 1 if row else MAIL_ATTEMPTS
    retry = None if attempts >= MAIL_ATTEMPTS else now + MAIL_BACKOFF * 2 ** (attempts - 1)
    db.execute("UPDATE case_reminder_mail SET attempts = ?, last_error = ?, status = ?, next_at = ? WHERE id = ?",
               (attempts, error[:500], "pending" if retry else "failed", iso(retry or now), mail_id))
    return retry
