"""An alert rule with ``capture: true`` queues an evidence capture of the matching article, in the
article's transaction, through the real ingest hook; a rule without it does not."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alerts.ingest import AlertEvaluator
from evidence import queue
from presswatch.config import load_analyzer
from presswatch.config.alerts import AlertsFile
from presswatch.models import Article
from presswatch.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _article(url: str) -> Article:
    title = "Lai Châu: tin đồn thất thiệt về sạt lở ở Mường Tè là bịa đặt"
    text = ("Thông tin lan truyền trên mạng xã hội về sạt lở tại Mường Tè, tỉnh Lai Châu là tin giả, "
            "bịa đặt, sai sự thật, UBND tỉnh Lai Châu khẳng định.")
    analysis = load_analyzer(ROOT / "config", with_entities=False).analyze(title, text)
    now = datetime.now(UTC)
    return Article(url=url, source_id="bao-lai-chau", title=title, text=text, published_at=now, fetched_at=now,
                   analysis=analysis)


def test_a_capture_rule_queues_the_articles_page_in_its_transaction(store: Store) -> None:
    alerts = AlertsFile.model_validate({"rules": [
        {"id": "tin-sai", "name": "Tin sai", "query": '"bịa đặt"', "capture": True},
        {"id": "tin-sai-2", "name": "Tin sai 2", "query": '"tin giả"', "capture": True},
        {"id": "moi-tin", "name": "Mọi tin", "query": '"Lai Châu"'},
    ]})
    evaluator = AlertEvaluator(alerts, environ={})
    first = store.add_article(_article("https://baolaichau.vn/tin-1.html"), on_stored=evaluator)
    assert first is not None
    [request] = queue.requests_of_article(store.db, first)
    assert request.url == "https://baolaichau.vn/tin-1.html" and request.status == "pending"
    assert request.reason == "quy tắc cảnh báo tin-sai, tin-sai-2"

    no_capture = AlertEvaluator(AlertsFile.model_validate({"rules": [
        {"id": "moi-tin", "name": "Mọi tin", "query": '"Lai Châu"'}]}), environ={})
    second = store.add_article(_article("https://baolaichau.vn/tin-2.html"), on_stored=no_capture)
    assert second is not None and no_capture.recorded
    assert queue.requests_of_article(store.db, second) == []
