"""Source-health alerts for operators: a source failing N crawls in a row, or silent for X days.

``check`` runs after each crawl of a source, in one transaction: an incident is opened (and a
``health`` outbox row queued per channel) when a threshold is crossed and none is open, and closed
(with a recovery notice) when the source works again. So an operator hears once per incident, not
at every failed crawl. This module owns ``source_incidents`` (``SCHEMA``): ``presswatch status`` and
the service's metrics read the open incidents through ``open_incidents``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from alerts.outbox import new_key
from alerts.payload import DOCUMENT_SCHEMA
from presswatch.config.alerts import ChannelTarget, SourceHealthAlerts
from presswatch.store import SourceHealth
from presswatch.store.schema import Migration, Schema
from presswatch.times import iso, local

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


@dataclass(frozen=True)
class SourceInfo:
    id: str
    name: str


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
        key = new_key()
        db.execute(
            """INSERT INTO outbox (channel, kind, rule_id, idempotency_key, created_at, next_attempt_at, payload)
               VALUES (?, 'health', 'source-health', ?, ?, ?, ?)""",
            (channel, key, iso(now), iso(now), json.dumps({**document, "idempotency_key": key}, ensure_ascii=False)),
        )


def check(db: sqlite3.Connection, source: SourceInfo, health: SourceHealth, policy: SourceHealthAlerts,
          targets: dict[str, ChannelTarget], now: datetime) -> list[str]:
    """Open or close this source's incidents from its health; returns what changed (for logs)."""
    changes = []
    silent_for = None
    if health.last_success_at is not None:
        since = health.last_new_article_at
        if since is None:
            first = db.execute("SELECT min(started_at) FROM crawl_runs WHERE source_id = ?", (source.id,)).fetchone()[0]
            since = datetime.fromisoformat(first) if first else None
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
