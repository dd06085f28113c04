"""What was raised as rising, for people: the events of ``trend_events`` newest first, with the
document that was delivered (what rose, by how much, the items behind it, the hourly series), the
Vietnamese sentence saying what rose (``what_rose``: the CLI, the web page, the digest, the channels),
and the signals' state (``state``: ``presswatch status``, the web status page, ``/metrics``)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from presswatch.times import iso, parse_iso

SIGNAL_LABELS = {"story": "tin lan rộng", "engagement": "tương tác tăng nhanh", "burst": "tăng đột biến"}
DIMENSION_LABELS = {"place": "Địa danh", "topic": "Chủ đề", "query": "Truy vấn"}
RISING_HOURS = 24  # "rising now": raised within this many hours
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


@dataclass(frozen=True)
class State:
    """The signals' state: the last update, the articles read in all, what rose in the last day."""

    updated_at: datetime | None
    articles_read: int
    watermark: int  # the highest article id read
    rising: dict[str, int]  # raised within RISING_HOURS, by signal (story | engagement | burst)
    last_raised_at: datetime | None
    events_total: int


def state(db: sqlite3.Connection, now: datetime) -> State:
    values = dict(db.execute("SELECT name, value FROM trend_state WHERE name IN "
                             "('updated_at', 'articles_read', 'watermark')").fetchall())
    rising = {signal: 0 for signal in SIGNAL_LABELS}
    for signal, count in db.execute("SELECT signal, count(*) FROM trend_events WHERE raised_at >= ? GROUP BY signal",
                                    (iso(now - timedelta(hours=RISING_HOURS)),)):
        rising[str(signal)] = int(count)
    last, total = db.execute("SELECT max(raised_at), count(*) FROM trend_events").fetchone()
    return State(parse_iso(values.get("updated_at")), int(values.get("articles_read", 0)),
                 int(values.get("watermark", 0)), rising, parse_iso(last), int(total))
