"""What was raised as rising, for people: the events of ``trend_events`` newest first, with the
document that was delivered (what rose, by how much, the items behind it, the hourly series)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from presswatch.times import iso, parse_iso


@dataclass(frozen=True)
class Event:
    id: int
    rule_id: str
    signal: str  # story | engagement | burst
    subject: str
    label: str
    raised_at: datetime
    value: float
    baseline: float
    ratio: float | None
    document: dict[str, Any]

    @property
    def series(self) -> list[tuple[str, int]]:
        return [(str(hour), int(count)) for hour, count in self.document.get("series", [])]


def events(db: sqlite3.Connection, since: datetime, limit: int = 100, signal: str | None = None) -> list[Event]:
    """Rising items raised from ``since`` on, newest first."""
    rows = db.execute(
        "SELECT * FROM trend_events WHERE raised_at >= ? AND (? IS NULL OR signal = ?) "
        "ORDER BY raised_at DESC, id DESC LIMIT ?", (iso(since), signal, signal, limit)).fetchall()
    found = []
    for row in rows:
        raised = parse_iso(row["raised_at"])
        assert raised is not None
        found.append(Event(id=int(row["id"]), rule_id=row["rule_id"], signal=row["signal"], subject=row["subject"],
                           label=row["label"], raised_at=raised, value=float(row["value"]),
                           baseline=float(row["baseline"]), ratio=row["ratio"], document=json.loads(row["document"])))
    return found
