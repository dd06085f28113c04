"""``/metrics`` of the service, scraped for real over loopback and read with the official client
library's parser (issue 16 item 10: values must not lose precision)."""

from __future__ import annotations

import http.server
import logging
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from presswatch.config import Settings
from presswatch.models import Article
from presswatch.service.jobs import CrawlTally, DigestTally, EvidenceTally, ReportTally, TrendTally
from presswatch.service.listen import ListenError
from presswatch.service.metrics import MetricsServer, ServiceMetrics
from presswatch.store import RunResult, Store
from presswatch.times import iso, utcnow
from reports.sends import due_periods, schedule
from trends.update import Context, update

DOCS = Path(__file__).resolve().parents[2] / "docs" / "deployment.md"
SENT = datetime(2026, 11, 27, 0, 0, 7, tzinfo=UTC)  # the digest of 27/11 went out at 07:00:07 in Lai Châu
CRAWLED = datetime(2026, 11, 27, 5, 43, 21, tzinfo=UTC)

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def scrape(port: int, path: str = "/metrics") -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return str(response.read().decode())


def samples(text: str) -> Samples:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


SCHEDULED = Settings(report_schedule="month 1 08:00; week 1 07:30", report_recipients=["lanhdao@laichau.gov.vn"])


@pytest.fixture
def served(db: Path) -> Iterator[tuple[ServiceMetrics, int]]:
    metrics = ServiceMetrics(db, web_up=lambda: False, settings=lambda: SCHEDULED)
    server = MetricsServer(metrics.registry, "127.0.0.1", 0).start()
    try:
        yield metrics, server.port
    finally:
        server.stop()


def test_timestamps_and_large_counters_read_back_exactly(store: Store, served: tuple[ServiceMetrics, int]) -> None:
    metrics, port = served
    store.db.execute("INSERT INTO digest_sends (day, status, attempts, sent_at) VALUES (?, 'sent', 1, ?)",
                     ("2026-11-27", iso(SENT)))
    store.record_run(RunResult("tin-a", CRAWLED, CRAWLED, True, 3, 2, 0))
    metrics.count(CrawlTally("tin-a", "ok", new_articles=1_234_567, errors=9_876_543))
    metrics.count(CrawlTally("tin-a", "ok"))
    metrics.count(CrawlTally("hong", "skipped"))
    metrics.count(DigestTally(("sent", "failed", "sent")))
    metrics.count(EvidenceTally(("done", "pending", "done"), rechecks=10_000))
    found = samples(scrape(port))
    # {value:g} wrote 1.7957e+09 (40 minutes off here, up to hours) and 1.23457e+06.
    assert found[("presswatch_digest_last_sent_timestamp_seconds", ())] == SENT.timestamp()
    assert found[("presswatch_source_last_success_timestamp_seconds", (("source", "tin-a"),))] == CRAWLED.timestamp()
    assert found[("presswatch_new_articles_total", (("source", "tin-a"),))] == 1_234_567
    assert found[("presswatch_fetch_errors_total", (("source", "tin-a"),))] == 9_876_543
    assert found[("presswatch_crawls_total", (("result", "ok"), ("source", "tin-a")))] == 2
    assert found[("presswatch_crawls_skipped_total", (("source", "hong"),))] == 1
    assert found[("presswatch_digests_total", (("status", "sent"),))] == 2
    assert found[("presswatch_evidence_captures_total", (("status", "done"),))] == 2
    assert found[("presswatch_evidence_rechecks_total", ())] == 10_000
    assert found[("presswatch_web_up", ())] == 0
    assert found[("process_resident_memory_bytes", ())] > 1_000_000


def test_every_documented_metric_is_served(store: Store, served: tuple[ServiceMetrics, int]) -> None:
    """docs/deployment.md's table names what Prometheus gets, and the alerting rules it suggests hold."""
    metrics, port = served
    store.db.execute("INSERT INTO digest_sends (day, status, attempts, sent_at) VALUES (?, 'sent', 1, ?)",
                     ("2026-11-27", iso(SENT)))
    store.db.execute("INSERT INTO outbox (channel, kind, rule_id, idempotency_key, created_at, next_attempt_at) "
                     "VALUES ('thanh-tra', 'summary', 'moi-bai', 'k1', ?, ?)", (iso(CRAWLED), iso(CRAWLED)))
    store.record_run(RunResult("tin-a", CRAWLED, CRAWLED, True, 3, 2, 0))
    metrics.count(CrawlTally("tin-a", "failed", errors=2))
    metrics.count(CrawlTally("tin-a", "skipped"))
    metrics.count(DigestTally(("sent",)))
    metrics.count(EvidenceTally(("refused",)))
    metrics.count(ReportTally(("sent",)))
    metrics.count(TrendTally(3, 1))
    store.db.execute("INSERT INTO report_sends (kind, first_day, last_day, status, attempts, sent_at) "
                     "VALUES ('month', '2026-10-01', '2026-10-31', 'sent', 1, ?)", (iso(SENT),))
    update(store, Context(None))
    served_names = {name for name, _ in samples(scrape(port))}
    table = DOCS.read_text(encoding="utf-8").split("Prometheus scrapes", 1)[1].split("Useful alerting rules", 1)[0]
    documented = set(re.findall(r"`((?:presswatch|process)_[a-z_]+)", table))
    assert len(documented) >= 15
    assert documented <= served_names, documented - served_names
    assert found_oldest(port) == CRAWLED.timestamp()


def found_oldest(port: int) -> float:
    return samples(scrape(port))[("presswatch_alert_oldest_pending_timestamp_seconds", ())]


def test_only_metrics_is_served(served: tuple[ServiceMetrics, int]) -> None:
    _, port = served
    with pytest.raises(urllib.error.HTTPError) as missing:
        scrape(port, "/admin")
    missing.value.close()
    assert missing.value.code == 404


def test_unreadable_database_fails_the_scrape_with_a_line_not_a_traceback(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "hong.db"
    db.write_bytes(b"day khong phai co so du lieu SQLite" * 200)
    metrics = ServiceMetrics(db)
    server = MetricsServer(metrics.registry, "127.0.0.1", 0).start()
    try:
        with (caplog.at_level(logging.ERROR, "presswatch.metrics"),
              pytest.raises(urllib.error.HTTPError) as failed):
            scrape(server.port)
    finally:
        server.stop()
    failed.value.close()
    assert failed.value.code == 500
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["không đọc được cơ sở dữ liệu cho /metrics"]
    assert not any(r.exc_info for r in caplog.records)


def test_a_taken_port_is_refused_in_vietnamese(db: Path) -> None:
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    thread = threading.Thread(target=other.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises(ListenError) as taken:
            MetricsServer(ServiceMetrics(db).registry, "127.0.0.1", other.server_address[1])
    finally:
        other.shutdown()
        other.server_close()
    assert str(taken.value) == f"cổng {other.server_address[1]} trên 127.0.0.1 đang có chương trình khác dùng"


def test_scheduled_reports_and_trends_are_gauges(store: Store, served: tuple[ServiceMetrics, int]) -> None:
    """Per kind of report_schedule: the next send, the last sent, periods waiting, a failed last try;
    the trend signals' last update, articles read and rising items; the jobs' counters."""
    metrics, port = served
    store.add_articles([Article(url=f"https://baolaichau.example/{n}.html", source_id="tin-a", title=f"Bài {n}",
                                text="Nội dung về tỉnh Lai Châu.", published_at=CRAWLED) for n in range(3)])
    now = utcnow()
    month = next(p for p in due_periods(store.db, now, SCHEDULED) if p.kind == "month")  # the latest month due
    store.db.execute("INSERT INTO report_sends (kind, first_day, last_day, status, attempts, sent_at) "
                     "VALUES ('month', ?, ?, 'sent', 1, ?)", (month.first.isoformat(), month.last.isoformat(),
                                                               iso(SENT)))
    store.db.execute("INSERT INTO report_sends (kind, first_day, last_day, status, attempts, last_error) "
                     "VALUES ('week', '2026-11-23', '2026-11-29', 'failed', 2, 'máy chủ từ chối kết nối')")
    update(store, Context(None), now=CRAWLED)
    store.db.execute("INSERT INTO trend_events (rule_id, signal, subject, label, raised_at, value, baseline, items, "
                     "document) VALUES ('tin-lan-rong', 'story', 'story:1', 'Bài 1', ?, 5, 0, '[]', '{}')",
                     (iso(now),))
    metrics.count(ReportTally(("sent", "failed", "sent")))
    metrics.count(TrendTally(articles=1_234_567, raised=2))
    found = samples(scrape(port))
    expected = {item.kind: item for item in schedule(store.db, utcnow(), SCHEDULED)}
    for kind in ("month", "week"):
        assert found[("presswatch_report_next_send_timestamp_seconds", (("kind", kind),))] == \
            expected[kind].next_at.timestamp()
        assert found[("presswatch_report_waiting", (("kind", kind),))] == len(expected[kind].waiting)
    assert found[("presswatch_report_last_sent_timestamp_seconds", (("kind", "month"),))] == SENT.timestamp()
    assert ("presswatch_report_last_sent_timestamp_seconds", (("kind", "week"),)) not in found  # never sent
    assert found[("presswatch_report_last_failed", (("kind", "week"),))] == 1
    assert found[("presswatch_report_last_failed", (("kind", "month"),))] == 0
    assert found[("presswatch_trends_last_update_timestamp_seconds", ())] == CRAWLED.timestamp()
    assert found[("presswatch_trends_articles_read", ())] == 3
    assert found[("presswatch_trends_rising", (("signal", "story"),))] == 1
    assert found[("presswatch_trends_rising", (("signal", "burst"),))] == 0
    assert found[("presswatch_report_sends_total", (("status", "sent"),))] == 2
    assert found[("presswatch_trend_articles_read_total", ())] == 1_234_567
    assert found[("presswatch_trend_items_raised_total", ())] == 2
