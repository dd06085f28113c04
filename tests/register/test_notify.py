"""Register notices in the real alerts outbox (SQLite): a flagged indicator is queued once per
outlet, indicator and period, for each channel; the spokesperson reminder is queued when due and
not again before ``reminder_months``; nothing is queued without channels."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from alerts import outbox
from presswatch.store import Store
from register.indicators import Indicator, OutletReport
from register.model import Outlet, Spokesperson
from register.notify import previous_month, raise_flags, remind

START, END = datetime(2026, 10, 31, 17, tzinfo=UTC), datetime(2026, 11, 30, 17, tzinfo=UTC)
NOW = datetime(2026, 12, 1, 0, 30, tzinfo=UTC)


def report(flagged: bool) -> OutletReport:
    return OutletReport(Outlet("9/GP", "Trang <b>tin</b> X", "trang_ttth", id=1), 40, [
        Indicator("news_share", 0.8, 0.5, 40, list(range(1, 33)), flagged),
        Indicator("unattributed_share", 0.05, 0.1, 40, [7, 8], False)])


def test_flags_are_queued_once_per_channel(store: Store) -> None:
    with store.transaction() as db:
        assert raise_flags(db, [report(True)], START, END, [], NOW) == []  # no channel: nothing
        raised = raise_flags(db, [report(True)], START, END, ["ops", "lanh-dao"], NOW, "https://pw.example/")
        again = raise_flags(db, [report(True)], START, END, ["ops", "lanh-dao"], NOW + timedelta(days=1))
        rows = outbox.listing(db, "pending")
    assert raised == ["Trang <b>tin</b> X: tỷ lệ tin tức (báo hóa) 80%"] and again == []
    assert sorted(r.channel for r in rows) == ["lanh-dao", "ops"]
    document = json.loads(rows[0].payload or "{}")
    assert document["type"] == "register_flag" and document["indicator"] == "news_share"
    assert document["articles"] == list(range(1, 33)) and document["idempotency_key"]
    assert "ngưỡng 50%, 32/40 bài" in document["text"] and "01/11/2026 đến 30/11/2026" in document["text"]
    assert "https://pw.example/register/indicators?month=2026-11" in document["text"]  # the local month


def test_reminder_every_six_months(store: Store) -> None:
    people = [Spokesperson("Sở Y tế", "department", "A", valid_to=date(2026, 6, 30)),
              Spokesperson("Tân Phong", "commune", "B", valid_from=date(2025, 7, 1))]
    with store.transaction() as db:
        assert remind(db, people, 6, ["ops"], NOW)
        assert not remind(db, people, 6, ["ops"], NOW + timedelta(days=100))
        assert remind(db, people, 6, ["ops"], NOW + timedelta(days=183))
        rows = outbox.listing(db, "pending")
    texts = [json.loads(r.payload or "{}")["text"] for r in rows]
    assert len(texts) == 2 and "1 người phát ngôn đang có hiệu lực" in texts[0]
    assert "hết hiệu lực, chưa có người thay: Sở Y tế" in texts[0]


def test_previous_month() -> None:
    assert previous_month(date(2026, 1, 15)) == (date(2025, 12, 1), date(2026, 1, 1))
    assert previous_month(date(2026, 12, 1)) == (date(2026, 11, 1), date(2026, 12, 1))
