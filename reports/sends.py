"""Scheduled reports: which periods are due (``report_schedule``), and sending each one once by e-mail.

``due_periods`` reads the schedule: for each kind (week, month, …) the latest period whose send
moment (DAY after the period ends, at HH:MM Vietnam time) has passed, unless it was sent, and the
periods before it back to the newest one sent (failed, or missed while the service was down), at
most ``report_catch_up``, oldest first. ``schedule`` says, per kind, when the next is due and what
was last sent (``presswatch status``, the web status page, ``/metrics``). ``send_report`` makes the
DOCX (``reports.make``) and sends it to ``report_recipients`` with the digest's SMTP code
(``alerts.digest.mail``: the same server, security and credentials from the environment); the
``report_sends`` row (one per kind and period, owned here: ``SCHEMA``) records the outcome, so a
period is sent once and a failure is retried by the next run of the service's job. Each scheduled
report made is also kept in the archive of the web UI's "Báo cáo" page (``reports.archive``, made
by "dịch vụ").
"""

from __future__ import annotations

import logging
import os
import sqlite3
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from html import escape
from pathlib import Path

from alerts.digest.mail import build_message, send
from presswatch.config import Config, Settings
from presswatch.errors import PresswatchError, SendError
from presswatch.store import Store
from presswatch.store.schema import Migration, Schema
from presswatch.times import VIETNAM, iso, local_date, parse_iso
from reports import archive
from reports.period import Period, period_of

log = logging.getLogger(__name__)
SERVICE_USER = "dịch vụ"  # who made a scheduled report, in the archive

SCHEMA = Schema("report_sends", (
    Migration(
        "report sends",
        """
    -- periodic reports: one row per kind and period sent (or tried), so each is sent once.
    CREATE TABLE report_sends (
        kind TEXT NOT NULL,             -- week | month | quarter | half | year
        first_day TEXT NOT NULL,        -- YYYY-MM-DD, the period's first day (Vietnam)
        last_day TEXT NOT NULL,
        status TEXT NOT NULL,           -- sent | failed
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at TEXT,                   -- UTC
        message_id TEXT,
        recipients TEXT,                -- comma-separated addresses
        PRIMARY KEY (kind, first_day)
    );
""",
    ),
))


@dataclass(frozen=True)
class ReportSend:
    period: Period
    status: str  # sent | failed
    attempts: int
    last_error: str | None
    sent_at: datetime | None
    message_id: str | None


def send_moment(period: Period, day: int, hour: int, minute: int) -> datetime:
    """When the report of ``period`` is due: ``day`` (weekday after a week, day of the month after the
    others; 1 = the first) after the period ends, at ``hour:minute`` in Vietnam, as UTC."""
    moment = datetime.combine(period.last + timedelta(days=day), time(hour, minute), VIETNAM)
    return moment.astimezone(UTC)


def record(db: sqlite3.Connection, period: Period) -> ReportSend | None:
    row = db.execute("SELECT * FROM report_sends WHERE kind = ? AND first_day = ?",
                     (period.kind, period.first.isoformat())).fetchone()
    if row is None:
        return None
    return ReportSend(period, row["status"], row["attempts"], row["last_error"], parse_iso(row["sent_at"]),
                      row["message_id"])


def records(db: sqlite3.Connection, limit: int = 50) -> list[ReportSend]:
    """The latest sends, newest period first."""
    rows = db.execute("SELECT * FROM report_sends ORDER BY last_day DESC, kind LIMIT ?", (limit,)).fetchall()
    return [ReportSend(Period(row["kind"], date.fromisoformat(row["first_day"]), date.fromisoformat(row["last_day"])),
                       row["status"], row["attempts"], row["last_error"], parse_iso(row["sent_at"]), row["message_id"])
            for row in rows]


def latest_sent(db: sqlite3.Connection, kind: str) -> ReportSend | None:
    """The newest period of ``kind`` whose report was sent."""
    row = db.execute("SELECT first_day FROM report_sends WHERE kind = ? AND status = 'sent' "
                     "ORDER BY first_day DESC LIMIT 1", (kind,)).fetchone()
    if row is None:
        return None
    return record(db, period_of(kind, date.fromisoformat(row["first_day"])))


def latest_record(db: sqlite3.Connection, kind: str) -> ReportSend | None:
    """The newest period of ``kind`` sent or tried."""
    row = db.execute("SELECT first_day FROM report_sends WHERE kind = ? ORDER BY first_day DESC LIMIT 1",
                     (kind,)).fetchone()
    return None if row is None else record(db, period_of(kind, date.fromisoformat(row["first_day"])))


def due_periods(db: sqlite3.Connection, now: datetime, settings: Settings) -> list[Period]:
    """The periods whose report should be (re)sent at ``now``, oldest first.

    For each kind: walking back from the latest ended period whose send moment has passed, every
    period not sent yet (no row, or a failed one) down to the newest one sent, at most
    ``report_catch_up`` of them, so a service that was down for several periods sends each missed
    one once. A kind never sent (a new installation) goes back no further than its first period tried:
    only its latest due period at first."""
    due: list[Period] = []
    for kind, day, hour, minute in settings.report_times():
        period = period_of(kind, local_date(now)).previous()
        if send_moment(period, day, hour, minute) > now:
            period = period.previous()
        row = db.execute("SELECT min(first_day) FROM report_sends WHERE kind = ?", (kind,)).fetchone()
        # Nothing ever sent: back to the first period tried (a new installation: the latest only).
        floor = date.fromisoformat(row[0]) if row[0] is not None else period.first
        for _ in range(settings.report_catch_up):
            sent = record(db, period)
            if (sent is not None and sent.status == "sent") or (sent is None and period.first < floor
                                                                 and latest_sent(db, kind) is None):
                break
            due.append(period)
            period = period.previous()
    return sorted(due, key=lambda p: (p.last, p.kind))


@dataclass(frozen=True)
class ScheduledReport:
    """One kind of ``report_schedule`` as the status shows it."""

    kind: str
    next_period: Period  # the next period whose send moment is still ahead
    next_at: datetime  # its send moment (UTC)
    waiting: list[Period]  # due now and not sent yet (the job's next run sends them), oldest first
    last_sent: ReportSend | None  # the newest period sent
    last: ReportSend | None  # the newest period sent or tried: its status and error


def schedule(db: sqlite3.Connection, now: datetime, settings: Settings) -> list[ScheduledReport]:
    """Each scheduled kind: the next send, what waits, the last sent and the last outcome."""
    found = []
    for kind, day, hour, minute in settings.report_times():
        ahead = period_of(kind, local_date(now)).previous()
        if send_moment(ahead, day, hour, minute) <= now:
            ahead = period_of(kind, local_date(now))
        waiting = [p for p in due_periods(db, now, settings) if p.kind == kind]
        found.append(ScheduledReport(kind, ahead, send_moment(ahead, day, hour, minute), waiting,
                                     latest_sent(db, kind), latest_record(db, kind)))
    return found


def _store_outcome(store: Store, period: Period, status: str, error: str | None, sent_at: datetime | None,
                   message_id: str | None, recipients: list[str]) -> None:
    with store.transaction() as db:
        db.execute(
            """INSERT INTO report_sends (kind, first_day, last_day, status, attempts, last_error, sent_at, message_id,
                                         recipients) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)
               ON CONFLICT(kind, first_day) DO UPDATE SET status = excluded.status,
                   attempts = report_sends.attempts + 1, last_error = excluded.last_error,
                   sent_at = coalesce(excluded.sent_at, report_sends.sent_at),
                   message_id = coalesce(excluded.message_id, report_sends.message_id),
                   recipients = excluded.recipients""",
            (period.kind, period.first.isoformat(), period.last.isoformat(), status, error, iso(sent_at), message_id,
             ",".join(recipients)))


def send_report(config: Config, store: Store, period: Period, *, environ: Mapping[str, str] | None = None,
                context: ssl.SSLContext | None = None) -> ReportSend:
    """Make the report of ``period`` and send it to ``report_recipients`` (one SMTP attempt; the next
    run of the job retries a failure). Never raises for a failed send: the record says what happened."""
    # Imported here: this module's SCHEMA is loaded by every Store that opens a database (every
    # command, every crawl subprocess); the report's making pulls in matplotlib and docxtpl.
    from reports.content import number
    from reports.make import DOCX_TYPE, file_name, make_report, subject

    settings = config.settings
    now = datetime.now(UTC)
    try:
        report, docx = make_report(config, store, period, issued=local_date(now))
    except PresswatchError as exc:
        _store_outcome(store, period, "failed", str(exc), None, None, settings.report_recipients)
        log.warning("báo cáo %s: không tạo được: %s", period.label, exc)
        found = record(store.db, period)
        assert found is not None
        return found
    archive.keep(store, Path(settings.reports_dir), period, "docx", docx, SERVICE_USER)
    title = subject(config, period.label)
    text = (f"{title} ({period.span}).\n\n{number(report.current.relevant)} tin, bài liên quan đến tỉnh, "
            f"{number(report.current.negative)} tin, bài tiêu cực. Báo cáo (DOCX) ở tệp đính kèm; mục III "
            "\"Đánh giá, đề xuất\" do đơn vị soạn thảo bổ sung trước khi trình ký.\n")
    html = f"<p>{escape(text).replace(chr(10), '<br>')}</p>"
    message = build_message(title, text, html, {}, settings.digest_sender, settings.report_recipients, {})
    message.add_attachment(docx, maintype=DOCX_TYPE.split("/")[0], subtype=DOCX_TYPE.split("/")[1],
                           filename=file_name(period))
    try:
        refused = send(message, settings, os.environ if environ is None else environ, context)
    except SendError as exc:
        _store_outcome(store, period, "failed", str(exc), None, None, settings.report_recipients)
        log.warning("báo cáo %s: gửi thất bại: %s", period.label, exc)
    else:
        _store_outcome(store, period, "sent", "; ".join(refused) or None, datetime.now(UTC), message["Message-ID"],
                       settings.report_recipients)
        log.info("báo cáo %s đã gửi tới %s", period.label, ", ".join(settings.report_recipients))
    found = record(store.db, period)
    assert found is not None
    return found


def send_due(config: Config, store: Store, now: datetime, *, environ: Mapping[str, str] | None = None,
             context: ssl.SSLContext | None = None) -> list[ReportSend]:
    """Send every report due at ``now`` (none without recipients)."""
    if not config.settings.report_recipients:
        return []
    return [send_report(config, store, period, environ=environ, context=context)
            for period in due_periods(store.db, now, config.settings)]
