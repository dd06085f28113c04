"""What was raised as rising, for people: the events of ``trend_events`` newest first, with the
document that was delivered (what rose, by how much, the items behind it, the hourly series), and the
Vietnamese sentence saying what rose (``what_rose``: the CLI, the web page, the digest, the channels)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from presswatch.times import iso, parse_iso

SIGNAL_LABELS = {"story": "tin lan rộng", "engagement": "tương tác tăng nhanh", "burst": "tăng đột biến"}
DIMENSION_LABELS = {"place": "Địa danh", "topic": "Chủ đề", "query": "Truy vấn"}
METRIC_LABELS = {"interactions": "lượt tương tác (thích, chia sẻ, bình luận)", "views": "lượt xem"}


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


def events(db: sqlite3.Connection, since: datetime, limit: int = 100, signal: str | None = None,
           until: datetime | None = None) -> list[Event]:
    """Rising items raised from ``since`` on (before ``until``), newest first."""
    rows = db.execute(
        "SELECT * FROM trend_events WHERE raised_at >= ? AND (? IS NULL OR raised_at < ?) "
        "AND (? IS NULL OR signal = ?) ORDER BY raised_at DESC, id DESC LIMIT ?",
        (iso(since), iso(until), iso(until), signal, signal, limit)).fetchall()
    found = []
    for row in rows:
        raised = parse_iso(row["raised_at"])
        assert raised is not None
        found.append(Event(id=int(row["id"]), rule_id=row["rule_id"], signal=row["signal"], subject=row["subject"],
                           label=row["label"], raised_at=raised, value=float(row["value"]),
                           baseline=float(row["baseline"]), ratio=row["ratio"], document=json.loads(row["document"])))
    return found


def what_rose(document: Mapping[str, Any]) -> str:
    """One Vietnamese sentence: what rose, by how much."""
    detail = document["detail"]
    hours = detail.get("window_hours")
    if document["signal"] == "story":
        return (f"Tin “{document['label']}” được {int(document['value'])} nguồn đăng trong {hours} giờ "
                f"(tổng cộng {detail.get('outlets_total')} nguồn).")
    if document["signal"] == "engagement":
        metric = METRIC_LABELS.get(str(detail.get("metric")), "lượt tương tác")
        times = f" (gấp {document['ratio']:.1f} lần)" if document["ratio"] else ""
        return (f"Bài “{document['label']}”: {metric} tăng từ {int(document['baseline'])} lên "
                f"{int(document['value'])}{times} trong {hours} giờ.")
    return (f"{DIMENSION_LABELS.get(str(detail.get('dimension')), 'Mục')} “{document['label']}”: "
            f"{int(document['value'])} bài trong {hours} giờ qua, gấp {document['ratio']:.1f} lần mức nền "
            f"({document['baseline']:.1f} bài cùng khung giờ, trung bình {detail.get('baseline_days')} ngày trước; "
            f"z = {detail.get('z')}).")
