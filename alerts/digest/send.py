"""The daily digest job: build, render, send once per day, record the outcome.

``run_digest`` is what the scheduler calls at ``digest_time`` (and again later while the day's
status is ``failed``; ``due_digest_days`` lists those days). Each day has one row in
``digest_sends``: a failing SMTP server is retried a few times with back-off inside one call, the
last error is recorded, and once a day is ``sent`` it is not sent again unless ``force``. This module
owns ``digest_sends`` (``SCHEMA``).
"""

from __future__ import annotations

import base64
import logging
import os
import sqlite3
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import Literal

from alerts.digest.data import Digest, build_digest, window
from alerts.digest.mail import build_message, content_id, send
from alerts.digest.render import charts, render_html, render_text
from presswatch.config import Config, Settings
from presswatch.errors import SendError
from presswatch.store import Store
from presswatch.store.schema import Migration, Schema
from presswatch.times import VIETNAM, iso, local_day, parse_iso

log = logging.getLogger(__name__)

Status = Literal["sent", "already_sent", "failed", "no_recipients"]
ATTEMPTS = 3
BACKOFF = 10.0  # seconds before the 2nd attempt; doubled each time

SCHEMA = Schema("digest_sends", (
    Migration(
        "digest sends",
        """
    -- digest: one row per digest day, so the daily email is sent once (retried while failed).
    CREATE TABLE digest_sends (
        day TEXT PRIMARY KEY,           -- YYYY-MM-DD, the digest's local date
        status TEXT NOT NULL,           -- sent | failed
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        sent_at TEXT,                   -- UTC
        message_id TEXT,
        recipients TEXT                 -- comma-separated addresses
    ) WITHOUT ROWID;
    """,
        legacy=6,
    ),
))


@dataclass(frozen=True)
class DigestOutcome:
    day: date
    status: Status
    attempts: int  # SMTP attempts made by this call
    error: str | None = None
    message_id: str | None = None
    sent_at: datetime | None = None
    subject: str | None = None


@dataclass(frozen=True)
class SendRecord:
    day: date
    status: str  # sent | failed
    attempts: int  # over all calls
    last_error: str | None
    sent_at: datetime | None
    message_id: str | None
    recipients: list[str]


def topic_labels(config: Config) -> dict[str, str]:
    return {topic.slug: topic.label for topic in config.topics.topics} if config.topics else {}


def digest_for(config: Config, store: Store, day: date, provinces: list[str] | None = None) -> Digest:
    """``provinces``: a part of the followed provinces (None: all of them)."""
    return build_digest(store, day, config.settings, sources=config.sources, topic_labels=topic_labels(config),
                        provinces=provinces)


def compose(digest: Digest, settings: Settings) -> EmailMessage:
    """The email of ``digest``: text + HTML alternatives, charts inline by ``cid:``."""
    images = charts(digest)
    domain = settings.digest_sender.rsplit("@", 1)[-1]
    cids = {name: content_id(name, domain) for name in images}
    html = render_html(digest, {name: f"cid:{cid[1:-1]}" for name, cid in cids.items()})
    return build_message(digest.subject, render_text(digest), html, images, settings.digest_sender,
                         settings.digest_recipients, cids)


def preview_html(digest: Digest) -> str:
    """The HTML with the charts as ``data:`` URIs, to open in a browser."""
    sources = {name: "data:image/png;base64," + base64.b64encode(data).decode("ascii")
               for name, data in charts(digest).items()}
    return render_html(digest, sources)


def send_record(store: Store, day: date) -> SendRecord | None:
    row = store.db.execute("SELECT * FROM digest_sends WHERE day = ?", (day.isoformat(),)).fetchone()
    return None if row is None else _send_record(row)


def latest_record(store: Store) -> SendRecord | None:
    """The record of the latest day a digest was sent or tried for."""
    row = store.db.execute("SELECT * FROM digest_sends ORDER BY day DESC LIMIT 1").fetchone()
    return None if row is None else _send_record(row)


def last_sent_at(store: Store) -> datetime | None:
    """When a digest was last sent."""
    return parse_iso(store.db.execute("SELECT max(sent_at) FROM digest_sends WHERE status = 'sent'").fetchone()[0])


def _send_record(row: sqlite3.Row) -> SendRecord:
    return SendRecord(day=date.fromisoformat(row["day"]), status=row["status"], attempts=row["attempts"],
                      last_error=row["last_error"], sent_at=parse_iso(row["sent_at"]), message_id=row["message_id"],
                      recipients=[r for r in (row["recipients"] or "").split(",") if r])


def _record(store: Store, day: date, status: str, attempts: int, error: str | None, sent_at: datetime | None,
            message_id: str | None, recipients: list[str]) -> None:
    with store.transaction() as db:
        db.execute(
            """INSERT INTO digest_sends (day, status, attempts, last_error, sent_at, message_id, recipients)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(day) DO UPDATE SET status = excluded.status,
                   attempts = digest_sends.attempts + excluded.attempts, last_error = excluded.last_error,
                   sent_at = coalesce(excluded.sent_at, digest_sends.sent_at),
                   message_id = coalesce(excluded.message_id, digest_sends.message_id),
                   recipients = excluded.recipients""",
            (day.isoformat(), status, attempts, error, iso(sent_at), message_id, ",".join(recipients)),
        )


def run_digest(config: Config, store: Store, day: date, *, force: bool = False, attempts: int = ATTEMPTS,
               backoff: float | None = None, sleep: Callable[[float], None] = time.sleep,
               environ: Mapping[str, str] | None = None, context: ssl.SSLContext | None = None) -> DigestOutcome:
    """Send ``day``'s digest unless it was already sent (``force`` sends again). Never raises for an
    SMTP failure: the outcome and the ``digest_sends`` row say what happened."""
    settings = config.settings
    record = send_record(store, day)
    if record is not None and record.status == "sent" and not force:
        return DigestOutcome(day, "already_sent", 0, None, record.message_id, record.sent_at)
    digest = digest_for(config, store, day)
    if not settings.digest_recipients:
        return DigestOutcome(day, "no_recipients", 0, subject=digest.subject)
    message = compose(digest, settings)
    backoff = BACKOFF if backoff is None else backoff
    environ = os.environ if environ is None else environ
    error: str | None = None
    for attempt in range(1, attempts + 1):
        try:
            refused = send(message, settings, environ, context)
        except SendError as exc:
            error = str(exc)
            log.warning("bản tin ngày %s: lần gửi %d/%d thất bại: %s", local_day(day), attempt, attempts, error)
            if attempt < attempts:
                sleep(backoff * 2 ** (attempt - 1))
            continue
        sent_at = datetime.now(UTC)
        note = "; ".join(refused) if refused else None
        _record(store, day, "sent", attempt, note, sent_at, message["Message-ID"], settings.digest_recipients)
        log.info("bản tin ngày %s đã gửi tới %s", local_day(day), ", ".join(settings.digest_recipients))
        return DigestOutcome(day, "sent", attempt, note, message["Message-ID"], sent_at, digest.subject)
    _record(store, day, "failed" if record is None or record.status != "sent" else "sent", attempts, error, None,
            None, settings.digest_recipients)
    return DigestOutcome(day, "failed", attempts, error, subject=digest.subject)


def latest_day(now: datetime, settings: Settings) -> date:
    """The most recent day whose digest time has passed at ``now``."""
    today = now.astimezone(VIETNAM).date()
    return today if now >= window(today, settings)[1] else today - timedelta(days=1)


def due_digest_days(store: Store, now: datetime, settings: Settings, lookback_days: int = 3) -> list[date]:
    """Days whose digest should be (re)sent at ``now``: the latest day unless already sent, and earlier
    days of the last ``lookback_days`` whose send failed. Oldest first."""
    latest = latest_day(now, settings)
    due = []
    for offset in range(lookback_days, -1, -1):
        day = latest - timedelta(days=offset)
        record = send_record(store, day)
        if (record is None and day == latest) or (record is not None and record.status == "failed"):
            due.append(day)
    return due
