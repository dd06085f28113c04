"""Rising items recorded once (``trend_events``) and queued to the rule's channels through the alert
outbox (``alerts.outbox.queue_document``, kind ``trend``), so they are delivered, retried and
dead-lettered like every other alert.

Once: a story or a post rises once per rule; a place or topic once per burst episode (no second
event for the same rule and key within ``max(window, 24 h)`` of the last one). The document names
what rose, by how much, and the items behind it (title, source, time, link), with its hourly series.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from alerts.outbox import queue_document, quiet_until
from alerts.payload import DOCUMENT_SCHEMA
from presswatch.config.alerts import SEVERITY_LABELS, ChannelTarget
from presswatch.store.articles import links
from presswatch.times import iso, local, parse_iso
from trends.detect import Rising
from trends.reads import SIGNAL_LABELS, what_rose

TEXT_ITEMS = 10


@dataclass(frozen=True)
class Raised:
    event_id: int
    rule_id: str
    subject: str
    queued: int  # outbox rows


def already(db: sqlite3.Connection, rising: Rising, now: datetime) -> bool:
    """Was this item raised by this rule already (for a burst: within its episode)?"""
    if rising.signal != "burst":
        return db.execute("SELECT 1 FROM trend_events WHERE rule_id = ? AND subject = ?",
                          (rising.rule.id, rising.subject)).fetchone() is not None
    trend = rising.rule.trend
    assert trend is not None
    since = iso(now - max(timedelta(seconds=trend.window), timedelta(hours=24)))
    return db.execute("SELECT 1 FROM trend_events WHERE rule_id = ? AND subject = ? AND raised_at > ?",
                      (rising.rule.id, rising.subject, since)).fetchone() is not None


def record(db: sqlite3.Connection, found: list[Rising], targets: Mapping[str, ChannelTarget], now: datetime,
           source_names: Mapping[str, str], web_base_url: str | None) -> list[Raised]:
    """Record each new rising item and queue its document to the rule's active channels (inside the
    caller's transaction)."""
    raised = []
    for rising in found:
        if already(db, rising, now):
            continue
        items = [_item(row, source_names, web_base_url) for row in links(db, rising.items)]
        if rising.signal in ("story", "engagement") and items:
            rising.label = items[0]["title"]
        document = _document(rising, items, now)
        event_id = int(db.execute(
            """INSERT INTO trend_events (rule_id, signal, subject, label, raised_at, value, baseline, ratio, items,
                   document) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (rising.rule.id, rising.signal, rising.subject, rising.label, iso(now), rising.value, rising.baseline,
             rising.ratio, json.dumps(rising.items), json.dumps(document, ensure_ascii=False))).lastrowid or 0)
        queued = 0
        for channel in rising.rule.channels:
            if channel in targets:
                queue_document(db, channel, "trend", rising.rule.id, document, now, quiet_until(rising.rule, now))
                queued += 1
        raised.append(Raised(event_id, rising.rule.id, rising.subject, queued))
    return raised


def _item(row: sqlite3.Row, source_names: Mapping[str, str], web_base_url: str | None) -> dict[str, Any]:
    return {"id": int(row["id"]), "title": row["title"], "url": row["url"],
            "source": {"id": row["source_id"], "name": source_names.get(row["source_id"], row["source_id"])},
            "dated_at": row["dated_at"],
            "web_url": f"{web_base_url}/article/{row['id']}" if web_base_url else None}


def _document(rising: Rising, items: list[dict[str, Any]], now: datetime) -> dict[str, Any]:
    rule = rising.rule
    document: dict[str, Any] = {
        "schema": DOCUMENT_SCHEMA, "type": "trend", "signal": rising.signal, "created_at": iso(now),
        "rule": {"id": rule.id, "name": rule.name, "severity": rule.severity},
        "subject": rising.subject, "label": rising.label, "value": rising.value, "baseline": rising.baseline,
        "ratio": rising.ratio, "detail": rising.detail, "items": items,
        "series": [[hour, count] for hour, count in rising.series],
    }
    document["text"] = trend_text(document)
    return document


def trend_text(document: Mapping[str, Any]) -> str:
    """Plain Vietnamese text of a rising item, for chat channels (each channel escapes it)."""
    rule = document["rule"]
    lines = [f"📈 Đang được quan tâm — {SIGNAL_LABELS[document['signal']]} "
             f"(mức {SEVERITY_LABELS.get(rule['severity'], rule['severity'])}): {rule['name']}",
             what_rose(document)]
    for item in document["items"][:TEXT_ITEMS]:
        dated = parse_iso(item["dated_at"])
        lines.append(f"• {item['title']} ({item['source']['name']}, {local(dated)}) {item['url']}")
    if len(document["items"]) > TEXT_ITEMS:
        lines.append(f"… và {len(document['items']) - TEXT_ITEMS} bài khác.")
    return "\n".join(lines)
