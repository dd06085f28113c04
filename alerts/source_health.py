"""Source-health alerts for operators: a source failing N crawls in a row, or silent for X days.

``check`` runs after each crawl of a source, in one transaction: an incident is opened (and a
``health`` outbox row queued per channel) when a threshold is crossed and none is open, and closed
(with a recovery notice) when the source works again. So an operator hears once per incident, not
at every failed crawl. This module owns ``source_incidents`` (``SCHEMA``): ``presswatch status`` and
the service's metrics read the open incidents through ``open_incidents``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.outbox import queue_health
from alerts.payload import DOCUMENT_SCHEMA, SourceInfo
from presswatch.config.alerts import ChannelTarget, SourceHealthAlerts
from presswatch.store import SourceHealth
from presswatch.store.health import first_run_at
from presswatch.store.schema import Migration, Schema
from presswatch.times import iso, local, parse_iso

SCHEMA = Schema("source_incidents", (
    Migration(
        "source incidents",
        """
    -- service: source-health incidents (failing N times, silent X days), raised once each through
    -- the alert channels.
    CREATE TABLE source_incidents (
        id INTEGER PRIMARY KEY,
        source_id TEXT NOT NULL,
        kind TEXT NOT NULL,             -- failing | silent
        raised_at TEXT NOT NULL,
        resolved_at TEXT,
        message TEXT NOT NULL
    );
    CREATE INDEX source_incidents_open ON source_incidents(source_id, kind, resolved_at);
    """,
        legacy=7,
    ),
))


def _document(kind: str, status: str, source: SourceInfo, message: str, now: datetime) -> dict[str, object]:
    title = {"failing": "Nguồn thu thập đang lỗi", "silent": "Nguồn không có bài mới"}[kind]
    if status == "resolved":
        title = {"failing": "Nguồn đã thu thập lại được", "silent": "Nguồn đã có bài mới trở lại"}[kind]
    text = f"{'✅' if status == 'resolved' else '🛠️'} {title}: {source.name} ({source.id})\n{message}\n" \
           f"Thời điểm: {local(now)}"
    return {"schema": DOCUMENT_SCHEMA, "type": "source_health", "status": status, "kind": kind,
            "source": {"id": source.id, "name": source.name}, "message": message, "created_at": iso(now),
            "text": text}


def _queue(db: sqlite3.Connection, document: dict[str, object], channels: list[str],
           targets: dict[str, ChannelTarget], now: datetime) -> None:
    for channel in channels:
        if channel not in targets:
            continue
        queue_health(db, channel, document, now)


def check(db: sqlite3.Connection, source: SourceInfo, health: SourceHealth, policy: SourceHealthAlerts,
          targets: dict[str, ChannelTarget], now: datetime) -> list[str]:
    """Open or close this source's incidents from its health; returns what changed (for logs)."""
    changes = []
    silent_for = None
    if health.last_success_at is not None:
        since = health.last_new_article_at
        if since is None:
            since = first_run_at(db, source.id)
        if since is not None and now - since >= timedelta(days=policy.silent_days):
            silent_for = (now - since).days
    states = {
        "failing": (health.consecutive_failures >= policy.failures,
                    f"{health.consecutive_failures} lần thu thập lỗi liên tiếp; lỗi gần nhất: {health.last_error}"),
        "silent": (silent_for is not None,
                   f"không có bài mới trong {silent_for} ngày dù trang vẫn tải được: có thể trang đã đổi bố cục"),
    }
    for kind, (bad, message) in states.items():
        open_row = db.execute(
            "SELECT id FROM source_incidents WHERE source_id = ? AND kind = ? AND resolved_at IS NULL",
            (source.id, kind),
        ).fetchone()
        if bad and open_row is None:
            db.execute("INSERT INTO source_incidents (source_id, kind, raised_at, message) VALUES (?, ?, ?, ?)",
                       (source.id, kind, iso(now), message))
            _queue(db, _document(kind, "raised", source, message, now), policy.channels, targets, now)
            changes.append(f"{source.id}: {kind} raised")
        elif not bad and open_row is not None:
            db.execute("UPDATE source_incidents SET resolved_at = ? WHERE id = ?", (iso(now), open_row[0]))
            note = "thu thập thành công trở lại" if kind == "failing" else "đã có bài mới"
            _queue(db, _document(kind, "resolved", source, note, now), policy.channels, targets, now)
            changes.append(f"{source.id}: {kind} resolved")
    return changes


@dataclass(frozen=True)
class Incident:
    source_id: str
    kind: str  # failing | silent
    raised_at: datetime
    message: str


def open_incidents(db: sqlite3.Connection) -> list[Incident]:
    """The incidents not resolved yet, oldest first."""
    rows = db.execute("SELECT source_id, kind, raised_at, message FROM source_incidents "
                      "WHERE resolved_at IS NULL ORDER BY raised_at").fetchall()
    incidents = []
    for source_id, kind, raised_at, message in rows:
        raised = parse_iso(raised_at)
        assert raised is not None
        incidents.append(Incident(source_id, kind, raised, message))
    return incidents
