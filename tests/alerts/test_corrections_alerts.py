"""A correction never re-sends an alert: on a real store, the real outbox and delivery worker, and a
real webhook receiver on loopback. An article alerted at ingest is corrected back and forth and
withdrawn, and another is corrected so that it would now match the rule: the receiver still got
the one alert, and the outbox holds nothing new (docs/corrections.md: corrections do not alert)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

from alerts import outbox
from alerts.ingest import AlertEvaluator
from alerts.worker import DeliveryWorker
from presswatch.config import Config, Settings, load_analyzer
from presswatch.config.alerts import load_alerts
from presswatch.models import Article
from presswatch.store import Store
from presswatch.store import corrections as fixes
from tests.support.paths import CONFIG
from tests.support.receiver import Receiver

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
ENV = {"TEST_WEBHOOK_SECRET": "bí-mật-thử"}
FAST = Settings(alert_timeout=0.5, alert_retry_base=0.05, alert_retry_max=0.2, alert_max_age=60, alert_poll=0.05)
FLOOD = ("Lũ quét ở Mường Tè, Lai Châu làm 3 người mất tích",
         "Mưa lớn gây lũ quét tại xã Mường Tè, tỉnh Lai Châu; 3 người mất tích, nhiều nhà bị cuốn trôi.")
ROAD = ("Lai Châu khánh thành đường nối Tam Đường – Phong Thổ",
        "Tỉnh Lai Châu khánh thành tuyến đường mới, người dân đi lại thuận lợi, hàng hóa lưu thông dễ dàng.")


def rules(url: str) -> str:
    return f"""
channels:
  - id: thanh-tra
    type: webhook
    url: {url}
    secret_env: TEST_WEBHOOK_SECRET
rules:
  - id: tieu-cuc
    name: "Tin tiêu cực về Lai Châu"
    min_relevance: mention
    sentiment: [negative]
    channels: [thanh-tra]
    max_per_hour: 1000
"""


def run_worker(worker: DeliveryWorker, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        worker.run_once()
        time.sleep(0.02)


def test_corrections_never_resend_an_alert_nor_send_a_new_one(tmp_path: Path) -> None:
    analyzer = load_analyzer(CONFIG, with_entities=False)
    with Receiver() as receiver, Store(tmp_path / "pw.db") as store:
        (tmp_path / "alerts.yaml").write_text(rules(receiver.url + "/hook"), encoding="utf-8")
        alerts = load_alerts(tmp_path / "alerts.yaml")
        evaluator = AlertEvaluator(alerts, ENV, clock=lambda: NOW)
        ids = []
        for number, (title, text) in enumerate((FLOOD, ROAD)):
            item = Article(url=f"https://bao.vn/{number}", source_id="bao-a", title=title, text=text,
                           published_at=NOW, fetched_at=NOW, analysis=analyzer.analyze(title, text))
            ids.append(store.add_article(item, on_stored=evaluator))
        flood, road = ids
        assert flood is not None and road is not None
        assert store.article(flood).sentiment == "negative"  # type: ignore[union-attr]
        assert store.article(road).sentiment != "negative"  # type: ignore[union-attr]
        worker = DeliveryWorker(store, Config(directory=CONFIG, settings=FAST, sources=[], alerts=alerts), ENV)
        run_worker(worker, 1.0)
        assert len(receiver.accepted) == 1 and len(receiver.requests) == 1
        outbox_before = sum(outbox.counts(store.db).values())
        alerts_before = outbox.count_alerts(store.db)

        fixes.correct(store, flood, "sentiment", "neutral", "chuyen-vien", "chỉ là cảnh báo")
        fixes.correct(store, flood, "sentiment", "negative", "truong-phong")  # back to what alerted
        fixes.withdraw(store, flood, "sentiment", "truong-phong")
        fixes.correct(store, flood, "relevance", "about", "chuyen-vien")
        fixes.correct(store, road, "sentiment", "negative", "chuyen-vien")  # now it would match the rule
        fixes.overlay_corrections(store, [flood, road])
        run_worker(worker, 1.0)

        assert len(receiver.requests) == 1  # the one alert, sent once; nothing for the corrected article
        assert sum(outbox.counts(store.db).values()) == outbox_before
        assert outbox.count_alerts(store.db) == alerts_before
        assert store.article(road).sentiment == "negative"  # type: ignore[union-attr]
