"""The durable outbox: alerts recorded with their article, delivered until acknowledged or dead.

``record`` runs inside the transaction that stores the article (``Store.add_article(on_stored=…)``),
so an article is never stored without its alerts nor an alert queued without its article. One alert
per rule and story: a later syndicated copy only increments ``copies`` of the first alert. Over a
rule's ``max_per_hour`` the alert joins the hour's summary message instead of its own; in the rule's
quiet hours delivery waits until they end. Every row leaves the outbox only as ``sent`` or ``dead``.

This module owns the tables ``alerts`` and ``outbox`` (``SCHEMA``): the worker, the CLI, the service's
metrics and the web pages read and change them through its functions.
"""

from __future__ import annotations

import json
import random
import secrets
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from presswatch.config.alerts import ChannelTarget, Rule
from presswatch.store.clusters import cluster_of
from presswatch.store.schema import Migration, Schema
from presswatch.times import VIETNAM, iso, parse_iso

STATUSES = ("pending", "sent", "dead")
MAX_ALERTS = 50  # of a story, on its article page

SCHEMA = Schema("alerts", (
    Migration(
        "alerts and their outbox",
        """
    -- alerts: one row per rule and story (syndication cluster); later copies only count.
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        rule_id TEXT NOT NULL,
        story INTEGER NOT NULL,         -- clusters.id (or -article_id for an article without one)
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,  -- the first copy
        severity TEXT NOT NULL,
        created_at TEXT NOT NULL,
        copies INTEGER NOT NULL DEFAULT 1,
        last_copy_at TEXT,
        throttled INTEGER NOT NULL DEFAULT 0,  -- over the rule's max_per_hour: sent in the hour's summary
        UNIQUE (rule_id, story)
    );
    CREATE INDEX alerts_rule_created ON alerts(rule_id, created_at);
    -- outbox: one row per alert (or hourly summary) and channel, until delivered or dead.
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        channel TEXT NOT NULL,
        kind TEXT NOT NULL,             -- alert | summary
        rule_id TEXT NOT NULL,
        alert_id INTEGER REFERENCES alerts(id) ON DELETE CASCADE,  -- kind alert
        window_start TEXT,              -- kind summary: start of the hour it covers (UTC)
        idempotency_key TEXT NOT NULL UNIQUE,
        status TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | dead
        attempts INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        next_attempt_at TEXT NOT NULL,
        last_attempt_at TEXT,
        sent_at TEXT,
        last_error TEXT,
        UNIQUE (channel, kind, rule_id, window_start)
    );
    CREATE INDEX outbox_due ON outbox(status, next_attempt_at);
    CREATE INDEX outbox_alert ON outbox(alert_id);
    """,
        legacy=6,
    ),
    Migration(
        "outbox payload",
        """
    -- outbox rows of kind 'health' carry their document in payload.
    ALTER TABLE outbox ADD COLUMN payload TEXT;
    """,
        legacy=7,
    ),
))


@dataclass(frozen=True)
class Recorded:
    rule_id: str
    alert_id: int
    new: bool  # False: a copy of a story already alerted (its count went up)
    throttled: bool = False


def quiet_until(rule: Rule, now: datetime) -> datetime | None:
    """End of the rule's quiet hours if ``now`` falls in them (UTC), else None."""
    window = rule.quiet_window()
    if window is None:
        return None
    start, end = window
    local = now.astimezone(VIETNAM)
    clock = local.time().replace(tzinfo=None)
    inside = start <= clock < end if start < end else (clock >= start or clock < end)
    if not inside:
        return None
    until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
    if until <= local:
        until += timedelta(days=1)
    return until.astimezone(now.tzinfo)


def record(db: sqlite3.Connection, article_id: int, rules: list[Rule], channels: dict[str, ChannelTarget],
           now: datetime) -> list[Recorded]:
    """Record the alerts of a new article that matched ``rules`` and queue their deliveries."""
    cluster_id = cluster_of(db, article_id)
    story = cluster_id if cluster_id is not None else -article_id
    stamp = iso(now)
    recorded = []
    for rule in rules:
        existing = db.execute("SELECT id FROM alerts WHERE rule_id = ? AND story = ?", (rule.id, story)).fetchone()
        if existing is not None:
            db.execute("UPDATE alerts SET copies = copies + 1, last_copy_at = ? WHERE id = ?", (stamp, existing[0]))
            recorded.append(Recorded(rule.id, existing[0], new=False))
            continue
        hour_ago = iso(now - timedelta(hours=1))
        sent_in_hour = db.execute(
            "SELECT count(*) FROM alerts WHERE rule_id = ? AND created_at > ? AND throttled = 0",
            (rule.id, hour_ago),
        ).fetchone()[0]
        throttled = rule.max_per_hour is not None and sent_in_hour >= rule.max_per_hour
        alert_id = int(db.execute(
            """INSERT INTO alerts (rule_id, story, article_id, severity, created_at, throttled)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (rule.id, story, article_id, rule.severity, stamp, int(throttled)),
        ).lastrowid or 0)
        recorded.append(Recorded(rule.id, alert_id, new=True, throttled=throttled))
        for channel in rule.channels:
            if channel not in channels:
                continue  # inactive channel: the alert is recorded, nothing to deliver to
            if throttled:
                _queue_summary(db, channel, rule, now, now)
            else:
                _queue_alert(db, channel, rule, alert_id, now)
    return recorded


def _queue_alert(db: sqlite3.Connection, channel: str, rule: Rule, alert_id: int, now: datetime) -> int:
    """Queue one alert's delivery to ``channel`` (after the rule's quiet hours). Returns 1."""
    db.execute(
        """INSERT INTO outbox (channel, kind, rule_id, alert_id, idempotency_key, created_at,
               next_attempt_at) VALUES (?, 'alert', ?, ?, ?, ?, ?)""",
        (channel, rule.id, alert_id, new_key(), iso(now), iso(quiet_until(rule, now) or now)),
    )
    return 1


def _queue_summary(db: sqlite3.Connection, channel: str, rule: Rule, created: datetime, now: datetime) -> int:
    """Queue the summary of the hour ``created`` falls in, unless it is queued already; it is due
    when that hour ends (and the rule's quiet hours, if any). Returns how many rows were added."""
    start = created.replace(minute=0, second=0, microsecond=0)
    due = max(start + timedelta(hours=1), quiet_until(rule, now) or now)
    cursor = db.execute(
        """INSERT OR IGNORE INTO outbox (channel, kind, rule_id, window_start, idempotency_key,
               created_at, next_attempt_at) VALUES (?, 'summary', ?, ?, ?, ?, ?)""",
        (channel, rule.id, iso(start), new_key(), iso(now), iso(due)),
    )
    return cursor.rowcount


def queue_undelivered(db: sqlite3.Connection, rules: Iterable[Rule], channels: dict[str, ChannelTarget],
                      now: datetime) -> int:
    """Queue deliveries, to the channels of ``channels`` (those active now), for the recorded alerts
    that have none there: alerts recorded while their rule's channel was inactive. A throttled alert
    goes in its hour's summary. ``presswatch demo`` uses it, so that alerts recorded by a first run
    without a webhook are delivered once one is set. Returns how many rows were queued."""
    enabled = {rule.id: rule for rule in rules if rule.enabled}
    queued = 0
    alerts = db.execute("SELECT id, rule_id, throttled, created_at FROM alerts ORDER BY id").fetchall()
    for alert_id, rule_id, throttled, created_at in alerts:
        rule = enabled.get(rule_id)
        created = parse_iso(created_at)
        if rule is None or created is None:
            continue
        for channel in (c for c in rule.channels if c in channels):
            if throttled:
                queued += _queue_summary(db, channel, rule, created, now)
            elif db.execute("SELECT 1 FROM outbox WHERE alert_id = ? AND channel = ?",
                            (alert_id, channel)).fetchone() is None:
                queued += _queue_alert(db, channel, rule, alert_id, now)
    return queued


def queue_health(db: sqlite3.Connection, channel: str, document: dict[str, object], now: datetime,
                 rule_id: str = "source-health") -> None:
    """Queue a ready-made notice to ``channel``, due now: a source-health notice
    (``alerts.source_health``), or (``rule_id="case-reminder"``) a case's reminder (``cases.reminders``,
    queued by the service). The row's payload is ``document`` with the row's idempotency key."""
    queue_document(db, channel, "health", rule_id, document, now)


def queue_document(db: sqlite3.Connection, channel: str, kind: str, rule_id: str, document: dict[str, object],
                   now: datetime, due: datetime | None = None) -> None:
    """Queue a document built when it was raised to ``channel``, due at ``due`` (now by default):
    kind ``health`` (source health, case reminders, the press register's flags and reminders) or
    ``trend`` (a rising story of ``trends``). The row's payload is ``document`` with the row's
    idempotency key; ``rule_id`` says what raised it."""
    key = new_key()
    db.execute(
        """INSERT INTO outbox (channel, kind, rule_id, idempotency_key, created_at, next_attempt_at, payload)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (channel, kind, rule_id, key, iso(now), iso(due or now),
         json.dumps({**document, "idempotency_key": key}, ensure_ascii=False)),
    )


def new_key() -> str:
    return "pw-" + secrets.token_hex(16)


# --- recorded alerts ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    id: int
    rule_id: str
    story: int  # clusters.id, or -article_id for an article without one
    article_id: int  # the copy that raised it
    severity: str
    created_at: datetime
    copies: int
    throttled: bool  # over the rule's max_per_hour: sent in the hour's summary


def _alert(row: sqlite3.Row) -> Alert:
    created = parse_iso(row["created_at"])
    assert created is not None
    return Alert(id=row["id"], rule_id=row["rule_id"], story=row["story"], article_id=row["article_id"],
                 severity=row["severity"], created_at=created, copies=row["copies"], throttled=bool(row["throttled"]))


def alert(db: sqlite3.Connection, alert_id: int) -> Alert | None:
    row = db.execute("SELECT * FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    return None if row is None else _alert(row)


def summarised(db: sqlite3.Connection, rule_id: str, window_start: datetime) -> list[Alert]:
    """The rule's alerts over its hourly limit in the hour from ``window_start``: what its summary says."""
    rows = db.execute(
        """SELECT * FROM alerts WHERE rule_id = ? AND throttled = 1
           AND created_at >= ? AND created_at < ? ORDER BY created_at, id""",
        (rule_id, iso(window_start), iso(window_start + timedelta(hours=1))),
    ).fetchall()
    return [_alert(row) for row in rows]


def count_alerts(db: sqlite3.Connection, article_ids: Sequence[int] | None = None) -> int:
    """How many alerts were recorded (for these articles, those that raised them)."""
    if article_ids is None:
        return int(db.execute("SELECT count(*) FROM alerts").fetchone()[0])
    return int(db.execute("SELECT count(*) FROM alerts WHERE article_id IN (SELECT value FROM json_each(?))",
                          (json.dumps(list(article_ids)),)).fetchone()[0])


def alert_articles(db: sqlite3.Connection, alert_ids: Iterable[int]) -> dict[int, int]:
    """The article that raised each of ``alert_ids`` (those still recorded)."""
    rows = db.execute("SELECT id, article_id FROM alerts WHERE id IN (SELECT value FROM json_each(?))",
                      (json.dumps(sorted(set(alert_ids))),))
    return {int(row[0]): int(row[1]) for row in rows}


# --- delivery bookkeeping (the worker) ---------------------------------------------------------


@dataclass(frozen=True)
class OutboxRow:
    id: int
    channel: str
    kind: str
    rule_id: str
    alert_id: int | None
    window_start: datetime | None
    idempotency_key: str
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    sent_at: datetime | None
    last_error: str | None
    payload: str | None = None  # kind health: the document itself


def _row(row: sqlite3.Row) -> OutboxRow:
    created = parse_iso(row["created_at"])
    due = parse_iso(row["next_attempt_at"])
    assert created is not None and due is not None
    return OutboxRow(id=row["id"], channel=row["channel"], kind=row["kind"], rule_id=row["rule_id"],
                     alert_id=row["alert_id"], window_start=parse_iso(row["window_start"]),
                     idempotency_key=row["idempotency_key"], status=row["status"], attempts=row["attempts"],
                     created_at=created, next_attempt_at=due, last_attempt_at=parse_iso(row["last_attempt_at"]),
                     sent_at=parse_iso(row["sent_at"]), last_error=row["last_error"],
                     payload=row["payload"])


def due(db: sqlite3.Connection, now: datetime, limit: int = 50) -> list[OutboxRow]:
    rows = db.execute(
        "SELECT * FROM outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?",
        (iso(now), limit),
    ).fetchall()
    return [_row(row) for row in rows]


def listing(db: sqlite3.Connection, status: str | None = None, limit: int = 100) -> list[OutboxRow]:
    if status is None:
        rows = db.execute("SELECT * FROM outbox ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    else:
        rows = db.execute("SELECT * FROM outbox WHERE status = ? ORDER BY id DESC LIMIT ?", (status, limit)).fetchall()
    return [_row(row) for row in rows]


def counts(db: sqlite3.Connection) -> dict[str, int]:
    found = dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
    return {status: int(found.get(status, 0)) for status in STATUSES}


def oldest_pending(db: sqlite3.Connection) -> datetime | None:
    """When the oldest row still to deliver was queued (None: none is)."""
    return parse_iso(db.execute("SELECT min(created_at) FROM outbox WHERE status = 'pending'").fetchone()[0])


def started(db: sqlite3.Connection, row_id: int, now: datetime) -> None:
    """Count the attempt before it is made: a crash mid-request still shows in ``attempts``."""
    db.execute("UPDATE outbox SET attempts = attempts + 1, last_attempt_at = ? WHERE id = ?", (iso(now), row_id))


def delivered(db: sqlite3.Connection, row_id: int, now: datetime) -> None:
    db.execute("UPDATE outbox SET status = 'sent', sent_at = ?, last_error = NULL WHERE id = ?", (iso(now), row_id))


def failed(db: sqlite3.Connection, row: OutboxRow, error: str, now: datetime, *, base: float, cap: float,
           max_age: float) -> str:
    """Schedule the next attempt (exponential back-off with jitter), or dead-letter the row past
    ``max_age``. Returns the new status."""
    attempts = row.attempts + 1
    if (now - row.created_at).total_seconds() >= max_age:
        db.execute("UPDATE outbox SET status = 'dead', last_error = ? WHERE id = ?", (error, row.id))
        return "dead"
    delay = min(cap, base * 2 ** (attempts - 1)) * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not crypto
    db.execute("UPDATE outbox SET last_error = ?, next_attempt_at = ? WHERE id = ?",
               (error, iso(now + timedelta(seconds=delay)), row.id))
    return "pending"


def retry(db: sqlite3.Connection, row_id: int, now: datetime) -> bool:
    """Put a dead (or pending) row back in line now, with a fresh age. False if unknown or sent."""
    cursor = db.execute(
        """UPDATE outbox SET status = 'pending', next_attempt_at = ?, created_at = ?
           WHERE id = ? AND status != 'sent'""",
        (iso(now), iso(now), row_id),
    )
    return cursor.rowcount > 0


# --- a story's alerts and their deliveries (the article page and API) ------------------------------


@dataclass(frozen=True)
class Delivery:
    channel: str
    status: str  # pending | sent | dead
    attempts: int
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class ArticleAlert:
    rule_id: str
    severity: str
    created_at: datetime
    copies: int  # copies of the story the rule matched (the first one raised the alert)
    summary: bool  # over the rule's max_per_hour: delivered in the hour's summary message
    article_id: int  # the copy that raised it (another outlet's, for a syndicated copy)
    deliveries: list[Delivery]
    id: int = 0  # alerts.id ("Mở hồ sơ" from an alert records it on the case)


def article_alerts(db: sqlite3.Connection, article_id: int, cluster_id: int | None) -> list[ArticleAlert]:
    """The alerts of the article's story, newest first: one per rule, raised by the first copy of the
    story (this article or another outlet's), with the delivery state per channel (of the hour's
    summary message for an alert over the rule's hourly limit)."""
    story = cluster_id if cluster_id is not None else -article_id
    rows = db.execute(
        "SELECT id, rule_id, severity, created_at, copies, throttled, article_id FROM alerts "
        "WHERE story = ? OR article_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        (story, article_id, MAX_ALERTS)).fetchall()
    out = []
    for row in rows:
        created = parse_iso(row[3])
        assert created is not None
        out.append(ArticleAlert(rule_id=row[1], severity=row[2], created_at=created, copies=int(row[4]),
                                summary=bool(row[5]), article_id=int(row[6]),
                                deliveries=_deliveries(db, int(row[0]), row[1], created, bool(row[5])),
                                id=int(row[0])))
    return out


def _deliveries(db: sqlite3.Connection, alert_id: int, rule_id: str, created: datetime,
                summary: bool) -> list[Delivery]:
    columns = "SELECT channel, status, attempts, sent_at, last_error FROM outbox"
    if summary:  # the summary row of the rule's hour (alerts.outbox.record: window_start is the hour)
        hour = iso(created.replace(minute=0, second=0, microsecond=0))
        rows = db.execute(f"{columns} WHERE kind = 'summary' AND rule_id = ? AND window_start = ? ORDER BY channel",
                          (rule_id, hour)).fetchall()
    else:
        rows = db.execute(f"{columns} WHERE alert_id = ? ORDER BY channel", (alert_id,)).fetchall()
    return [Delivery(channel=r[0], status=r[1], attempts=int(r[2]), sent_at=parse_iso(r[3]), last_error=r[4])
            for r in rows]
