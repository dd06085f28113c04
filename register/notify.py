"""Notices of the register through the alert channels: a flagged indicator (once per outlet,
indicator and period) and the reminder to collect spokesperson updates (every ``reminder_months``).

Each notice is a document (``type`` ``register_flag`` or ``register_reminder``, with a Vietnamese
``text``) queued in the alerts outbox (``alerts.outbox.queue_document``) for each channel of
``alert_channels`` in ``config/register.yaml``; the delivery worker sends it like a source-health
notice. ``register_notices`` remembers what was sent, so a rerun sends nothing twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from alerts.outbox import queue_document
from alerts.payload import DOCUMENT_SCHEMA
from presswatch.times import iso, local, local_date, local_day
from register import tables
from register.indicators import INDICATORS, OutletReport
from register.model import Spokesperson

ORIGIN = "register"


def _queue(db: sqlite3.Connection, channels: Iterable[str], document: dict[str, object], now: datetime) -> None:
    for channel in channels:
        stamped = {"schema": DOCUMENT_SCHEMA, "created_at": iso(now), **document}
        queue_document(db, channel, "health", ORIGIN, stamped, now)


def raise_flags(db: sqlite3.Connection, reports: list[OutletReport], start: datetime, end: datetime,
                channels: list[str], now: datetime, base_url: str = "") -> list[str]:
    """Queue a notice per flagged indicator not notified yet for this period; what was raised."""
    raised = []
    for report in reports:
        for indicator in report.flagged:
            key = f"{report.outlet.licence_no}|{indicator.name}|{iso(start)}"
            if not channels or not tables.notice_sent(db, "flag", key, now):
                continue
            share = f"{indicator.share:.0%}" if indicator.share is not None else "—"
            title = f"{report.outlet.name}: {INDICATORS[indicator.name].lower()} {share}"
            month = local_date(start)
            link = f"\n{base_url.rstrip('/')}/register/indicators?month={month:%Y-%m}" if base_url else ""
            text = (f"⚠️ Sổ đăng ký báo chí — {title} (ngưỡng {indicator.threshold:.0%}, "
                    f"{len(indicator.articles)}/{indicator.counted} bài) từ {local_day(start)} đến "
                    f"{local_day(end - timedelta(seconds=1))}. Giấy phép {report.outlet.licence_no}.{link}")
            _queue(db, channels, {"type": "register_flag", "title": title, "outlet": report.outlet.licence_no,
                                  "indicator": indicator.name, "share": indicator.share,
                                  "threshold": indicator.threshold, "articles": indicator.articles[:200],
                                  "period": {"start": iso(start), "end": iso(end)}, "text": text}, now)
            raised.append(title)
    return raised


def remind(db: sqlite3.Connection, people: list[Spokesperson], months: int, channels: list[str],
           now: datetime) -> bool:
    """Queue the reminder to collect spokesperson updates when the last one is ``months`` old (or
    none was sent); True when queued."""
    last = tables.last_notice(db, "reminder")
    if not channels or (last is not None and now - last < timedelta(days=round(months * 30.44))):
        return False
    today = now.date()
    current = [p for p in people if p.valid_on(today)]
    expired = sorted({p.unit for p in people if p.valid_to is not None and p.valid_to < today}
                     - {p.unit for p in current})
    tables.notice_sent(db, "reminder", iso(now) or "", now)
    title = "Đến kỳ cập nhật danh sách người phát ngôn"
    text = (f"📋 {title} ({months} tháng một lần): {len(current)} người phát ngôn đang có hiệu lực"
            + (f"; hết hiệu lực, chưa có người thay: {', '.join(expired[:20])}" if expired else "")
            + f". Nhập danh sách mới bằng `presswatch register import`. {local(now)}")
    _queue(db, channels, {"type": "register_reminder", "title": title, "current": len(current),
                          "expired_units": expired, "text": text}, now)
    return True


def previous_month(today: date) -> tuple[date, date]:
    first = date(today.year, today.month, 1)
    start = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    return start, first
