"""``presswatch run`` as a service, run for real in a subprocess with second-scale intervals against
local sites: schedules, back-off of a failing source, health alerts, reload, /metrics, SIGTERM, and
SIGKILL in the middle of a crawl and of deliveries."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from presswatch.demo.site import LocalSite, Route, SiteArticle
from presswatch.store import Store
from tests.support.crawling import free_port
from tests.support.paths import CONFIG
from tests.support.receiver import Receiver

SECRET = "khóa-thử-dịch-vụ"
pytestmark = pytest.mark.slow


def source(source_id: str, url: str, interval: str) -> str:
    return (f"  - id: {source_id}\n    name: \"Nguồn {source_id}\"\n    kind: press\n    type: feed\n"
            f"    urls: [{url}]\n    interval: {interval}\n")


def make_config(tmp_path: Path, receiver: Receiver, sources: str, metrics_port: int = 0, failures: int = 2,
                web_port: int = 0) -> Path:
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    for name in ("topics.yaml", "sentiment.yaml"):
        (config / name).write_bytes((CONFIG / name).read_bytes())
    (config / "sources.yaml").write_text("sources:\n" + sources, encoding="utf-8")
    (config / "alerts.yaml").write_text(f"""
channels:
  - id: thanh-tra
    type: webhook
    url: {receiver.url}/hook
    secret_env: TEST_SERVICE_SECRET
source_health:
  channels: [thanh-tra]
  failures: {failures}
rules:
  - id: moi-bai
    name: "Mọi bài"
    min_relevance: none
    channels: [thanh-tra]
    max_per_hour: 100000
    max_age: 3650d
""", encoding="utf-8")
    (config / "presswatch.yaml").write_text(f"""
crawl_allow_internal: ["127.0.0.1"]  # the test sites run on this machine
autothrottle: false
download_timeout: 3
retry_times: 0
crawl_timeout: 60
concurrent_requests_per_domain: 4
crawl_jitter: 0
crawl_min_interval: 1
alert_poll: 0.2
alert_retry_base: 0.2
alert_retry_max: 1
metrics_port: {metrics_port}
web_port: {web_port}
backup_dir: ""
""", encoding="utf-8")
    return config


def start(config: Path, db: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "TEST_SERVICE_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db), "run"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def runs(db: Path) -> dict[str, list[tuple[str, int]]]:
    if not db.exists():
        return {}
    with Store(db) as store:
        rows = store.db.execute("SELECT source_id, started_at, ok FROM crawl_runs ORDER BY id").fetchall()
    found: dict[str, list[tuple[str, int]]] = {}
    for row in rows:
        found.setdefault(row["source_id"], []).append((row["started_at"], row["ok"]))
    return found


def test_service_schedules_backs_off_reports_reloads_and_stops(tmp_path: Path, site: LocalSite,
                                                               articles: list[SiteArticle]) -> None:
    port, web_port = free_port(), free_port()
    db = tmp_path / "pw.db"
    with Receiver() as receiver, LocalSite(articles[20:30], name="Báo thứ hai") as second:
        config = make_config(tmp_path, receiver, source("tin-a", f"{site.url}/rss/tin-moi.rss", "2s")
                             + source("hong", "http://127.0.0.1:9/rss.xml", "1s"), metrics_port=port,
                             web_port=web_port)
        service = start(config, db)
        try:
            wait_until(lambda: len(runs(db).get("tin-a", [])) >= 3, 120, "three crawls of tin-a")  # 2 cores, shared
            # Reload: a source added to sources.yaml is crawled without a restart.
            with (config / "sources.yaml").open("a", encoding="utf-8") as sources:
                sources.write(source("tin-b", f"{second.url}/rss/tin-moi.rss", "2s"))
            reload = subprocess.run([sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db),
                                     "reload"], capture_output=True, text=True, timeout=30)
            assert reload.returncode == 0, reload.stderr
            wait_until(lambda: len(runs(db).get("tin-b", [])) >= 2, 60, "crawls of the reloaded source tin-b")
            wait_until(lambda: any(r.json().get("type") == "source_health" for r in receiver.accepted.values()), 30,
                       "the health alert of the failing source")
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
                metrics = response.read().decode()
            with urllib.request.urlopen(f"http://127.0.0.1:{web_port}/login", timeout=10) as response:
                login_page = response.read().decode()  # the service serves the web UI too
            status = subprocess.run([sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db),
                                     "status"], capture_output=True, text=True, timeout=30)
        finally:
            service.send_signal(signal.SIGTERM)
            output, _ = service.communicate(timeout=60)
    assert service.returncode == 0, output
    assert "đã dừng" in output
    assert not (db.parent / (db.name + ".pid")).exists()
    crawled = runs(db)
    # Intervals are honoured: tin-a's runs are about 2 s apart, not back to back.
    starts = [time.mktime(time.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")) for s, _ in crawled["tin-a"]]
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert all(ok for _, ok in crawled["tin-a"]) and min(gaps) >= 1, gaps
    # The failing source backed off: far fewer runs than one per second, all failed, all recorded.
    failing = crawled["hong"]
    elapsed = starts[-1] - starts[0] + 2
    assert failing and not any(ok for _, ok in failing) and len(failing) < elapsed / 1 * 0.7, (len(failing), elapsed)
    with Store(db) as store:
        health = store.health()["hong"]
        stored = store.count_articles()
    assert health.consecutive_failures == len(failing) and "kết nối" in (health.last_error or "")
    assert stored == 40 + 10
    raised = [r.json() for r in receiver.accepted.values() if r.json().get("type") == "source_health"]
    assert len(raised) == 1 and raised[0]["source"]["id"] == "hong" and raised[0]["status"] == "raised"
    assert "lần thu thập lỗi liên tiếp" in raised[0]["text"]
    scraped = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(metrics) for s in family.samples}
    assert scraped[("presswatch_crawls_total", (("result", "ok"), ("source", "tin-a")))] >= 3
    assert scraped[("presswatch_crawls_skipped_total", (("source", "hong"),))] >= 1
    assert scraped[("presswatch_articles", ())] >= 40
    assert ("presswatch_alert_outbox", (("status", "pending"),)) in scraped
    assert scraped[("presswatch_web_up", ())] == 1
    assert status.returncode == 0 and "đang chạy" in status.stdout and "crawl:tin-b" in status.stdout
    assert "hong (lỗi liên tiếp" in status.stdout
    assert "Đăng nhập" in login_page
    assert f"  Giao diện web: http://127.0.0.1:{web_port}/" in status.stdout.splitlines()
    assert f"  Số liệu Prometheus: http://127.0.0.1:{port}/metrics" in status.stdout.splitlines()
    assert "digest " in status.stdout and "digest-retry" in status.stdout and "housekeeping" in status.stdout


def cli(config: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db), *args],
                          capture_output=True, text=True, timeout=30)


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        text = response.read().decode()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def answers(url: str, text: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return text in response.read().decode()
    except OSError:
        return False


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


def test_taken_ports_are_reported_monitoring_carries_on_and_reload_retries(
        tmp_path: Path, site: LocalSite, articles: list[SiteArticle]) -> None:
    """Issue 16 item 9: with the web UI's and /metrics' ports held by other servers, the service says
    so in Vietnamese (log, status, then presswatch_web_up 0), crawls on, and takes the ports on reload."""
    db = tmp_path / "pw.db"
    other_ui, other_metrics = LocalSite(articles[:3], name="Trang khác").start(), LocalSite(articles[:3]).start()
    web_port, metrics_port = port_of(other_ui.url), port_of(other_metrics.url)
    try:
        with Receiver() as receiver:
            config = make_config(tmp_path, receiver, source("tin-a", f"{site.url}/rss/tin-moi.rss", "2s"),
                                 metrics_port=metrics_port, web_port=web_port)
            service = start(config, db)
            try:
                wait_until(lambda: len(runs(db).get("tin-a", [])) >= 1, 60, "a crawl despite the taken ports")
                status = cli(config, db, "status")
                second = cli(config, db, "run")  # a second service on the same database
                other_metrics.stop()
                assert cli(config, db, "reload").returncode == 0
                wait_until(lambda: answers(f"http://127.0.0.1:{metrics_port}/metrics", "presswatch_"), 30,
                           "/metrics on its port after the reload")
                while_ui_taken = scrape(metrics_port)
                assert answers(other_ui.url + "/", "Trang khác")  # the other server still has the UI's port
                other_ui.stop()
                assert cli(config, db, "reload").returncode == 0
                wait_until(lambda: answers(f"http://127.0.0.1:{web_port}/login", "Đăng nhập"), 30,
                           "the web UI on its port after the second reload")
                after = scrape(metrics_port)
                status_after = cli(config, db, "status")
            finally:
                service.send_signal(signal.SIGTERM)
                output, _ = service.communicate(timeout=60)
    finally:
        other_ui.stop()
        other_metrics.stop()
    assert service.returncode == 0, output
    web_taken = f"cổng {web_port} trên 127.0.0.1 đang có chương trình khác dùng"
    metrics_taken = f"cổng {metrics_port} trên 127.0.0.1 đang có chương trình khác dùng"
    # The log: a Vietnamese error for each, no announcement of the address, no English from uvicorn.
    log_before_reload = output.split("giám sát đã chạy")[0]  # the start, before any reload
    assert f"giao diện web KHÔNG chạy (http://127.0.0.1:{web_port}/): {web_taken}" in log_before_reload
    assert f"số liệu Prometheus KHÔNG chạy (http://127.0.0.1:{metrics_port}/metrics): {metrics_taken}" in output
    assert "giao diện web: http" not in log_before_reload and "số liệu Prometheus: http" not in log_before_reload
    assert "Errno" not in output and "Traceback" not in output and "address already in use" not in output
    assert f"giao diện web: http://127.0.0.1:{web_port}/" in output  # announced once it really serves
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+07:00 INFO presswatch\.", output, re.M), output
    # Status: the service runs, and says which part does not and why.
    lines = status.stdout.splitlines()
    assert lines[0].startswith("Dịch vụ: đang chạy (pid ")
    assert f"  Giao diện web: KHÔNG CHẠY (http://127.0.0.1:{web_port}/) — {web_taken}" in lines
    assert f"  Số liệu Prometheus: KHÔNG CHẠY (http://127.0.0.1:{metrics_port}/metrics) — {metrics_taken}" in lines
    assert f"  Giao diện web: http://127.0.0.1:{web_port}/" in status_after.stdout.splitlines()
    # Metrics: the UI reported down while its port was taken, up after; crawling went on throughout.
    assert while_ui_taken[("presswatch_web_up", ())] == 0 and after[("presswatch_web_up", ())] == 1
    assert after[("presswatch_crawls_total", (("result", "ok"), ("source", "tin-a")))] >= 1
    # The second service on the same database was refused, naming the running one.
    assert second.returncode != 0 and f"đã có dịch vụ giám sát chạy trên {db} (pid {service.pid})" in second.stderr
    assert "Traceback" not in second.stderr


def test_sigkill_mid_crawl_and_mid_delivery_loses_and_duplicates_nothing(tmp_path: Path,
                                                                         articles: list[SiteArticle]) -> None:
    db = tmp_path / "pw.db"
    with Receiver(delay=0.3) as receiver, LocalSite(articles) as slow:
        for article in articles:  # ~0.25 s a page: a crawl of 40 articles takes a few seconds
            slow.routes[article.path] = Route(slow.article_html(article).encode(),
                                              headers={"Content-Type": "text/html; charset=utf-8"}, delay=0.25)
        config = make_config(tmp_path, receiver, source("cham", f"{slow.url}/rss/tin-moi.rss", "3s"))
        service = start(config, db)
        wait_until(lambda: db.exists() and 3 <= _count(db) < 40, 60, "the first articles of a crawl")
        service.send_signal(signal.SIGKILL)  # in the middle of the crawl and of the deliveries
        service.communicate(timeout=30)
        first_life = _count(db)
        assert first_life < 40
        time.sleep(1.5)  # the orphaned crawl notices and stops (it must not run on beside the next one)
        service = start(config, db)
        try:
            wait_until(lambda: _count(db) == 40 and _pending(db) == 0 and _alerts(db) > 0, 90,
                       "every article stored and every alert delivered after the restart")
        finally:
            service.send_signal(signal.SIGTERM)
            output, _ = service.communicate(timeout=60)
        assert service.returncode == 0, output
    with Store(db) as store:
        urls = [row[0] for row in store.db.execute("SELECT url FROM articles")]
        stories = store.db.execute("SELECT count(DISTINCT cluster_id) FROM articles").fetchone()[0]
        alerts = store.db.execute("SELECT count(*), count(DISTINCT story) FROM alerts").fetchone()
        keys = {row[0] for row in store.db.execute("SELECT idempotency_key FROM outbox WHERE kind = 'alert'")}
    assert len(urls) == len(set(urls)) == 40
    assert alerts[0] == alerts[1] == stories  # one alert per story, none twice
    delivered = {k for k, r in receiver.accepted.items() if r.json().get("type") == "alert"}
    assert delivered == keys  # every alert arrived; a redelivery after the kill carried the same key


def _count(db: Path) -> int:
    with Store(db) as store:
        return store.count_articles()


def _pending(db: Path) -> int:
    with Store(db) as store:
        return int(store.db.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0])


def _alerts(db: Path) -> int:
    with Store(db) as store:
        return int(store.db.execute("SELECT count(*) FROM alerts").fetchone()[0])
