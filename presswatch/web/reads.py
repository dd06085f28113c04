"""Reads of the article page and API beyond the article row: the alerts that fired for its story."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from presswatch.times import iso, parse_iso

MAX_ALERTS = 50


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
                                deliveries=_deliveries(db, int(row[0]), row[1], created, bool(row[5]))))
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


def alert_json(alert: ArticleAlert, names: dict[str, str]) -> dict[str, Any]:
    def stamp(moment: datetime | None) -> str | None:
        return moment.isoformat().replace("+00:00", "Z") if moment else None

    return {"rule": alert.rule_id, "rule_name": names.get(alert.rule_id), "severity": alert.severity,
            "created": stamp(alert.created_at), "copies": alert.copies, "summary": alert.summary,
            "article": alert.article_id,
            "deliveries": [{"channel": d.channel, "status": d.status, "attempts": d.attempts,
                            "sent": stamp(d.sent_at), "last_error": d.last_error} for d in alert.deliveries]}
