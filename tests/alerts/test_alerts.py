"""Alerts end to end: rules evaluated as articles are stored, the outbox, and delivery to a real
HTTP receiver on 127.0.0.1 that fails, hangs and recovers."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alerts import outbox
from alerts.ingest import AlertEvaluator
from alerts.signature import verify
from alerts.worker import DeliveryWorker
from analysis import fold
from analysis.pipeline import Analyzer
from crawler.runner import crawl_source
from presswatch.config import Config, Settings, load_analyzer, load_config
from presswatch.config.alerts import AlertsFile, load_alerts
from presswatch.demo.site import LocalSite, load_demo_articles
from presswatch.errors import ConfigError
from presswatch.models import Article
from presswatch.store import Store
from tests.support.crawling import TEST_SETTINGS, free_port, make_source
from tests.support.paths import CONFIG
from tests.support.receiver import Receiver

SECRET = "bí-mật-thử-nghiệm-không-dùng-thật"
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam
FAST = Settings(alert_timeout=0.5, alert_retry_base=0.05, alert_retry_max=0.2, alert_max_age=60, alert_poll=0.05,
                web_base_url="https://giamsat.example.vn")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return load_analyzer(CONFIG, with_entities=False)


@pytest.fixture(scope="module")
def demo() -> list[dict[str, str]]:
    return load_demo_articles()


def article(record: dict[str, str], analyzer: Analyzer, source: str = "bao-a", n: int = 0,
            published: datetime = NOW) -> Article:
    return Article(url=f"https://{source}.example.vn/bai-{record['id']}-{n}.html", source_id=source,
                   title=record["title"], text=record["text"], published_at=published, fetched_at=published,
                   analysis=analyzer.analyze(record["title"], record["text"]))


def alerts_file(tmp_path: Path, text: str) -> AlertsFile:
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    return load_alerts(path)


def rules_yaml(url: str = "http://127.0.0.1:9/hook", extra: str = "") -> str:
    return f"""
channels:
  - id: thanh-tra
    type: webhook
    url: {url}
    secret_env: TEST_WEBHOOK_SECRET
rules:
  - id: moi-bai
    name: "Mọi bài (thử)"
    min_relevance: none
    channels: [thanh-tra]
    max_per_hour: 1000
{extra}"""


ENV = {"TEST_WEBHOOK_SECRET": SECRET}


def config_of(alerts: AlertsFile, settings: Settings = FAST) -> Config:
    return Config(directory=CONFIG, settings=settings, sources=[], alerts=alerts)


def store_all(store: Store, articles: list[Article], alerts: AlertsFile, now: datetime = NOW) -> AlertEvaluator:
    evaluator = AlertEvaluator(alerts, ENV, clock=lambda: now)
    for item in articles:
        store.add_article(item, on_stored=evaluator)
    return evaluator


def deliver_all(worker: DeliveryWorker, expected: int, receiver: Receiver, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and len(receiver.accepted) < expected:
        worker.run_once()
        time.sleep(0.02)


# --- configuration ---------------------------------------------------------------------------


def test_shipped_alert_rules_load_and_name_inactive_channels() -> None:
    config = load_config(CONFIG)
    assert config.alerts is not None
    ids = {rule.id for rule in config.alerts.rules}
    assert {"tieu-cuc-ve-lai-chau", "thien-tai", "tai-nan", "sai-pham", "thong-tin-sai-su-that"} <= ids
    active, inactive = config.alerts.targets({})
    assert active == {} and "PRESSWATCH_WEBHOOK_SECRET" in inactive[0]
    active, inactive = config.alerts.targets({"PRESSWATCH_WEBHOOK_URL": "https://thanhtra.example.vn/hook",
                                              "PRESSWATCH_WEBHOOK_SECRET": "x"})
    assert list(active) == ["thanh-tra"] and inactive == []
    assert "x" not in repr(active["thanh-tra"])  # secrets never printed


@pytest.mark.parametrize(("snippet", "expected"), [
    ("    channels: [khong-co]\n", "alerts.yaml:15: rules.1.channels.0: kênh 'khong-co' chưa khai báo"),
    ("    quiet_hours: 22h-6h\n    channels: []\n", "alerts.yaml:15: rules.1.quiet_hours"),
    ("    query: '\"Lai Châu\" since:7d'\n    channels: []\n", "max_age"),
    ("    query: '(\"Lai Châu\"'\n    channels: []\n", "rules.1.query: truy vấn sai ở vị trí 1: thiếu dấu ')'"),
    ("    severity: khẩn\n    channels: []\n", "rules.1.severity: phải là một trong"),
])
def test_bad_rules_name_file_line_and_key(tmp_path: Path, snippet: str, expected: str) -> None:
    text = rules_yaml() + '  - id: hai\n    name: "Hai"\n' + snippet
    with pytest.raises(ConfigError) as caught:
        alerts_file(tmp_path, text)
    assert any(expected in problem for problem in caught.value.problems), caught.value.problems


# --- evaluation at ingest --------------------------------------------------------------------


def test_syndicated_story_alerts_once_per_rule(tmp_path: Path, analyzer: Analyzer, demo: list[dict[str, str]]) -> None:
    story = next(r for r in demo if "Mường Tè" in r["text"])
    other = next(r for r in demo if "Mường Tè" not in r["text"] and len(r["text"]) > 1500)
    alerts = alerts_file(tmp_path, rules_yaml(extra="""
  - id: muong-te
    name: "Mường Tè"
    min_relevance: none
    query: '"Muong Te"'
    channels: [thanh-tra]
"""))
    copies = [article(story, analyzer, source=f"bao-{n}", n=n) for n in range(5)]
    with Store(tmp_path / "db.sqlite") as store:
        store_all(store, [*copies, article(other, analyzer)], alerts)
        rows = store.db.execute("SELECT rule_id, copies, article_id FROM alerts ORDER BY id").fetchall()
        queued = store.db.execute("SELECT rule_id, count(*) FROM outbox GROUP BY rule_id").fetchall()
    by_rule = [(row["rule_id"], row["copies"]) for row in rows]
    assert by_rule == [("moi-bai", 5), ("muong-te", 5), ("moi-bai", 1)]
    assert dict(queued) == {"moi-bai": 2, "muong-te": 1}


def test_rule_conditions_and_max_age(tmp_path: Path, analyzer: Analyzer, demo: list[dict[str, str]]) -> None:
    conditions = "min_relevance: about\n    sentiment: [negative]"
    alerts = alerts_file(tmp_path, rules_yaml().replace("min_relevance: none", conditions))
    records = demo[40:100]  # 4 about Lai Châu, 15 mentions, 41 not about the province
    items = [article(r, analyzer, n=i) for i, r in enumerate(records)]
    old = article(next(r for r, a in zip(records, items, strict=True) if a.analysis and
                       a.analysis.relevance.grade == "about"), analyzer, n=99, published=NOW - timedelta(days=10))
    with Store(tmp_path / "db.sqlite") as store:
        store_all(store, [*items, old], alerts)
        query = "SELECT a.url FROM alerts al JOIN articles a ON a.id = al.article_id"
        alerted = {row[0] for row in store.db.execute(query)}
    about = {a.url for a in items if a.analysis and a.analysis.relevance.grade == "about"
             and a.analysis.sentiment.label == "negative"}
    assert about and alerted == about  # only negative articles about Lai Châu, and not the 10-day-old one
    assert old.url not in alerted


def test_quiet_hours_and_hourly_throttle(tmp_path: Path, analyzer: Analyzer, demo: list[dict[str, str]]) -> None:
    alerts = alerts_file(tmp_path, rules_yaml().replace("max_per_hour: 1000", "max_per_hour: 2"))
    night = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)  # 23:30 in Vietnam
    quiet = alerts_file(tmp_path, rules_yaml().replace("max_per_hour: 1000", 'quiet_hours: "22:00-06:00"'))
    with Store(tmp_path / "a.sqlite") as store:
        store_all(store, [article(r, analyzer, n=i) for i, r in enumerate(demo[:5])], alerts)
        kinds = store.db.execute("SELECT kind, count(*) FROM outbox GROUP BY kind").fetchall()
        assert dict(kinds) == {"alert": 2, "summary": 1}
        summary = outbox.listing(store.db)[0]
        assert summary.kind == "summary" and summary.next_attempt_at == datetime(2026, 11, 20, 4, 0, tzinfo=UTC)
        with Receiver() as receiver:
            worker = DeliveryWorker(store, config_of(alerts_file(tmp_path, rules_yaml(receiver.url + "/hook")
                                                                 .replace("max_per_hour: 1000", "max_per_hour: 2"))),
                                    ENV, clock=lambda: NOW + timedelta(minutes=5))
            deliver_all(worker, 2, receiver, timeout=5)
            assert len(receiver.accepted) == 2  # the summary waits for the end of the hour
            worker.clock = lambda: NOW + timedelta(hours=1, seconds=1)
            deliver_all(worker, 3, receiver, timeout=5)
        documents = [item.json() for item in receiver.accepted.values()]
        assert [d["type"] for d in documents] == ["alert", "alert", "summary"]
        assert documents[2]["count"] == 3 and "3 bài vượt giới hạn" in documents[2]["text"]
    with Store(tmp_path / "b.sqlite") as store:
        store_all(store, [article(demo[0], analyzer, published=night)], quiet, now=night)
        row = outbox.listing(store.db)[0]
        assert row.next_attempt_at == datetime(2026, 11, 20, 23, 0, tzinfo=UTC)  # 06:00 next morning


# --- delivery --------------------------------------------------------------------------------


def test_failing_receiver_gets_every_alert_once_signed(tmp_path: Path, analyzer: Analyzer,
                                                       demo: list[dict[str, str]]) -> None:
    with Receiver(script=[500, 500, "hang", 503, 500], hang=1.0) as receiver, \
            Store(tmp_path / "db.sqlite") as store:
        alerts = alerts_file(tmp_path, rules_yaml(receiver.url + "/hook"))
        now = datetime.now(UTC)
        store_all(store, [article(r, analyzer, n=i, published=now) for i, r in enumerate(demo[:6])], alerts, now)
        worker = DeliveryWorker(store, config_of(alerts), ENV)
        deliver_all(worker, 6, receiver)
        assert len(receiver.accepted) == 6
        assert outbox.counts(store.db) == {"pending": 0, "sent": 6, "dead": 0}
        retried = [row for row in outbox.listing(store.db) if row.attempts > 1]
        assert retried and all(row.last_error is None for row in retried)
        stored_titles = {a.title for a in store.articles()}
    for key, item in receiver.accepted.items():
        headers = item.headers
        assert headers["idempotency-key"] == key and key.startswith("pw-")
        assert verify(SECRET.encode(), headers["x-presswatch-timestamp"], headers["x-presswatch-signature"], item.body)
        tampered = item.body.replace(b'"copies":1', b'"copies":2')
        assert tampered != item.body
        assert not verify(SECRET.encode(), headers["x-presswatch-timestamp"], headers["x-presswatch-signature"],
                          tampered)
        assert not verify(b"wrong secret", headers["x-presswatch-timestamp"], headers["x-presswatch-signature"],
                          item.body)
        document = item.json()
        assert document["schema"] == "presswatch.alert.v1" and document["rule"]["id"] == "moi-bai"
        assert document["article"]["title"] in stored_titles
        assert document["article"]["web_url"] == f"https://giamsat.example.vn/article/{document['article']['id']}"
        assert web_route(document["article"]["web_url"].removeprefix("https://giamsat.example.vn"))
        assert document["idempotency_key"] == key


def test_dead_letter_after_max_age_then_manual_retry(tmp_path: Path, analyzer: Analyzer,
                                                     demo: list[dict[str, str]]) -> None:
    with Receiver(script=[500] * 1000) as receiver, Store(tmp_path / "db.sqlite") as store:
        alerts = alerts_file(tmp_path, rules_yaml(receiver.url + "/hook"))
        now = datetime.now(UTC)
        store_all(store, [article(demo[0], analyzer, published=now)], alerts, now)
        worker = DeliveryWorker(store, config_of(alerts, replace_settings(alert_max_age=2.0)), ENV)
        deadline = time.monotonic() + 10
        while outbox.counts(store.db)["dead"] == 0 and time.monotonic() < deadline:
            worker.run_once()
            time.sleep(0.05)
        [row] = outbox.listing(store.db, "dead")
        assert row.attempts >= 2 and row.last_error == 'máy nhận trả lời HTTP 500: {"error": "try later"}'
        assert receiver.accepted == {}
        receiver.script.clear()
        with store.transaction() as db:
            assert outbox.retry(db, row.id, datetime.now(UTC))
        deliver_all(worker, 1, receiver, timeout=5)
        assert list(receiver.accepted) == [row.idempotency_key]


def web_route(path: str) -> bool:
    """Is ``path`` a page of the web UI (so links in alerts and the digest lead somewhere)?"""
    from starlette.routing import Match

    from presswatch.web.app import create_app

    app = create_app(config_of(AlertsFile()), Path("/nonexistent.db"))
    scope = {"type": "http", "path": path, "method": "GET"}
    return any(route.matches(scope)[0] == Match.FULL for route in app.routes)  # type: ignore[attr-defined]


def replace_settings(**changes: float) -> Settings:
    return FAST.model_copy(update=changes)


def test_chat_channels_get_vietnamese_text_escaped(tmp_path: Path, analyzer: Analyzer,
                                                   demo: list[dict[str, str]]) -> None:
    record = {**demo[0], "title": "<b>Tin</b> về Lai Châu & <https://evil.example|bấm vào>"}
    with Receiver() as receiver, Store(tmp_path / "db.sqlite") as store:
        alerts = alerts_file(tmp_path, f"""
channels:
  - id: tg
    type: telegram
    token_env: TEST_TG_TOKEN
    chat_id: "-1001"
    api_url: {receiver.url}
  - id: slack
    type: slack
    url_env: TEST_SLACK_URL
  - id: teams
    type: teams
    url: {receiver.url}/teams
rules:
  - id: moi-bai
    name: "Mọi bài"
    min_relevance: none
    severity: high
    channels: [tg, slack, teams]
""")
        env = {"TEST_TG_TOKEN": "123:ABC", "TEST_SLACK_URL": receiver.url + "/slack"}
        evaluator = AlertEvaluator(alerts, env, clock=lambda: NOW)
        store.add_article(article(record, analyzer), on_stored=evaluator)
        worker = DeliveryWorker(store, config_of(alerts), env)
        deliver_all(worker, 3, receiver, timeout=5)
    by_path = {item.path: item.json() for item in receiver.requests}
    telegram = by_path["/bot123:ABC/sendMessage"]
    assert telegram["chat_id"] == "-1001" and "parse_mode" not in telegram
    assert telegram["text"].startswith("⚠️ Cảnh báo (mức cao): Mọi bài\n<b>Tin</b> về Lai Châu")
    assert "Nguồn: bao-a · 20/11/2026 10:00" in telegram["text"]
    slack = by_path["/slack"]["text"]
    assert "&lt;b&gt;Tin&lt;/b&gt; về Lai Châu &amp; &lt;https://evil.example|bấm vào&gt;" in slack
    assert "<" not in slack.replace("\n", "")
    teams = by_path["/teams"]["text"]
    assert teams.startswith("⚠️ Cảnh báo (mức cao): Mọi bài\n\n&lt;b&gt;Tin&lt;/b&gt;")  # paragraphs, escaped


def test_sigkill_during_deliveries_loses_nothing(tmp_path: Path, analyzer: Analyzer,
                                                 demo: list[dict[str, str]]) -> None:
    """The worker process is killed mid-delivery, restarted: every alert arrives, none twice at a
    receiver that deduplicates by idempotency key."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    for name in ("sources.yaml", "topics.yaml", "sentiment.yaml"):
        (config_dir / name).write_bytes((CONFIG / name).read_bytes())
    (config_dir / "presswatch.yaml").write_text(
        "alert_timeout: 5\nalert_retry_base: 0.05\nalert_retry_max: 0.2\nalert_poll: 0.05\n", encoding="utf-8")
    db = tmp_path / "db.sqlite"
    with Receiver(delay=0.15) as receiver:
        (config_dir / "alerts.yaml").write_text(rules_yaml(receiver.url + "/hook"), encoding="utf-8")
        alerts = load_alerts(config_dir / "alerts.yaml")
        with Store(db) as store:
            now = datetime.now(UTC)
            store_all(store, [article(r, analyzer, n=i, published=now) for i, r in enumerate(demo[:20])], alerts, now)
        command = [sys.executable, "-m", "presswatch.cli", "--config", str(config_dir), "--db", str(db),
                   "alerts", "deliver"]
        env = {**os.environ, **ENV}
        kills = 0
        for _ in range(10):
            process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            target = len(receiver.requests) + 4
            deadline = time.monotonic() + 20
            while len(receiver.requests) < target and time.monotonic() < deadline and len(receiver.accepted) < 20:
                time.sleep(0.01)
            time.sleep(0.07)  # most likely in the middle of a request now
            process.send_signal(signal.SIGKILL)
            process.wait()
            kills += 1
            if len(receiver.accepted) == 20:
                break
        final = subprocess.run([*command, "--once"], env=env, capture_output=True, text=True, timeout=60)
        assert final.returncode == 0, final.stdout + final.stderr
        with Store(db) as store:
            counts = outbox.counts(store.db)
            keys = {row.idempotency_key for row in outbox.listing(store.db)}
    assert kills >= 2
    assert counts == {"pending": 0, "sent": 20, "dead": 0}
    assert set(receiver.accepted) == keys and len(keys) == 20
    # At-least-once: a request in flight at the kill may come again, always with the same key.
    assert len(receiver.requests) - 20 <= kills


def test_dry_run_says_how_many_matched_but_were_too_old_to_alert(tmp_path: Path, analyzer: Analyzer,
                                                                  demo: list[dict[str, str]],
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """An archive crawled late (the demo's 2017 articles): the rule matches them, but they were older
    than max_age when stored, so nothing would be sent; the dry run says so instead of "0 khớp"."""
    from presswatch.cli import main

    config_dir = tmp_path / "config"
    config_dir.mkdir()
    for name in ("sources.yaml", "topics.yaml", "sentiment.yaml"):
        (config_dir / name).write_bytes((CONFIG / name).read_bytes())
    (config_dir / "alerts.yaml").write_text(rules_yaml() + """
  - id: muong-te
    name: "Nhắc tới Mường Tè"
    min_relevance: none
    query: '"Mường Tè"'
    max_age: 2d
    channels: [thanh-tra]
""", encoding="utf-8")
    db = tmp_path / "db.sqlite"
    now = datetime.now(UTC)
    record = next(r for r in demo if "Mường Tè" in r["text"])
    fresh = article(record, analyzer, n=1, published=now - timedelta(hours=5))
    late = replace(article(record, analyzer, source="bao-b", n=2, published=now - timedelta(days=10)), fetched_at=now)
    with Store(db) as store:
        store.add_article(fresh)
        store.add_article(late)
    assert main(["--config", str(config_dir), "--db", str(db), "alerts", "test", "muong-te", "--since", "30d"]) == 0
    out = capsys.readouterr().out
    assert "1 bài khớp, 1 cảnh báo" in out
    assert "1 bài khác khớp điều kiện nhưng không được gửi" in out and "quá 2 ngày (max_age" in out


def test_cli_outbox_retry_and_dry_run(tmp_path: Path, analyzer: Analyzer, demo: list[dict[str, str]],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from presswatch.cli import main

    config_dir = tmp_path / "config"
    config_dir.mkdir()
    for name in ("sources.yaml", "topics.yaml", "sentiment.yaml"):
        (config_dir / name).write_bytes((CONFIG / name).read_bytes())
    (config_dir / "alerts.yaml").write_text(rules_yaml().replace('"Mọi bài (thử)"', '"Mọi bài"') + """
  - id: muong-te
    name: "Nhắc tới Mường Tè"
    min_relevance: none
    query: 'place:"Muong Te" OR "Mường Tè"'
    channels: [thanh-tra]
""", encoding="utf-8")
    db = tmp_path / "db.sqlite"
    now = datetime.now(UTC)
    records = [next(r for r in demo if "Mường Tè" in r["text"]), *demo[:30]]
    items = [article(r, analyzer, n=i, published=now - timedelta(hours=i)) for i, r in enumerate(records)]
    copy = replace(items[0], url="https://bao-b.example.vn/dang-lai.html", source_id="bao-b")
    with Store(db) as store:
        for item in [*items, copy]:
            store.add_article(item)  # stored without alerts: the dry run must find what would fire
    base = ["--config", str(config_dir), "--db", str(db)]
    assert main([*base, "alerts", "test", "muong-te", "--since", "7d"]) == 0
    out = capsys.readouterr().out
    with Store(db) as store:
        matching = [a for a in store.articles() if re.search(r"\bmuong te\b", fold(a.title + " " + a.text))
                    or any(p["name"] == "Mường Tè" for p in (a.analysis or {}).get("places", []))]
    stories = {a.cluster_id for a in matching}
    assert len(matching) >= 3 and 2 <= len(stories) < len(matching)  # the copy (at least) joins its story
    assert f"{len(matching)} bài khớp, {len(stories)} cảnh báo" in out
    assert "bài đăng lại)" in out
    assert main([*base, "alerts", "test", "khong-co"]) == 2
    assert main([*base, "alerts", "retry", "999"]) == 1
    assert main([*base, "alerts", "outbox"]) == 0
    out = capsys.readouterr().out
    assert "chưa hoạt động: chưa đặt biến môi trường TEST_WEBHOOK_SECRET" in out
    assert "đang chờ 0" in out
    with Store(db) as store:
        assert outbox.counts(store.db)["pending"] == 0


def test_crawl_records_alerts_with_articles_and_worker_delivers_them(
        tmp_path: Path, site: LocalSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole path: a feed on a local site → crawl subprocess (analysis, rules in the store
    transaction) → outbox → signed webhook."""
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    for name in ("sources.yaml", "topics.yaml", "sentiment.yaml"):
        (config_dir / name).write_bytes((CONFIG / name).read_bytes())
    monkeypatch.setenv("TEST_WEBHOOK_SECRET", SECRET)
    db = tmp_path / "db.sqlite"
    with Receiver() as receiver:
        (config_dir / "alerts.yaml").write_text(rules_yaml(receiver.url + "/hook").replace(
            "min_relevance: none", "min_relevance: none\n    query: '\"Mường Tè\"'\n    max_age: 3650d"),
            encoding="utf-8")
        source = make_source(id="tin-tay-bac", urls=[f"{site.url}/rss/tin-moi.rss"])
        run, report = crawl_source(source, TEST_SETTINGS, db, config_dir)
        assert run.ok and report is not None and report.new_articles == 40
        with Store(db) as store:
            matching = [a for a in store.articles() if "mường tè" in (a.title + " " + a.text).lower()]
            stories = {a.cluster_id for a in matching}
            assert report.alerts == len(stories) >= 1
            worker = DeliveryWorker(store, config_of(load_alerts(config_dir / "alerts.yaml")), ENV)
            deliver_all(worker, len(stories), receiver, timeout=10)
        delivered = {item.json()["article"]["url"] for item in receiver.accepted.values()}
    assert len(delivered) == len(stories) and delivered <= {a.url for a in matching}


def test_documented_receiver_example_verifies_real_deliveries(tmp_path: Path, analyzer: Analyzer,
                                                              demo: list[dict[str, str]]) -> None:
    """docs/examples/webhook_receiver.py, run as documented, accepts presswatch's signed deliveries
    once each and refuses a tampered body."""
    import socket
    import urllib.error
    import urllib.request

    port = free_port()
    example = Path(__file__).resolve().parents[2] / "docs" / "examples" / "webhook_receiver.py"
    env = {**os.environ, "PRESSWATCH_WEBHOOK_SECRET": SECRET}
    process = subprocess.Popen([sys.executable, str(example), str(port)], env=env, stdout=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/hook"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        with Store(tmp_path / "db.sqlite") as store:
            alerts = alerts_file(tmp_path, rules_yaml(url))
            now = datetime.now(UTC)
            store_all(store, [article(r, analyzer, n=i, published=now) for i, r in enumerate(demo[:2])], alerts, now)
            worker = DeliveryWorker(store, config_of(alerts), ENV)
            stats = worker.run_once()
            assert stats.sent == 2
            [row, *_] = outbox.listing(store.db)
            with store.transaction() as db:  # deliver one again: the receiver acknowledges, prints nothing
                db.execute("UPDATE outbox SET status = 'pending' WHERE id = ?", (row.id,))
            assert worker.run_once().sent == 1
            keys = {r.idempotency_key for r in outbox.listing(store.db)}
        body = b'{"rule": {"id": "gia-mao"}, "text": "gi\\u1ea3"}'
        stamp = str(int(time.time()))
        forged = urllib.request.Request(url, data=body, method="POST", headers={
            "X-Presswatch-Timestamp": stamp, "X-Presswatch-Signature": "v1=" + "0" * 64, "Idempotency-Key": "x"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(forged, timeout=5)
        assert refused.value.code == 401
        refused.value.close()
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=5)
    printed = [json.loads(line) for line in out.splitlines()]
    assert {p["key"] for p in printed} == keys and len(printed) == 2
    assert all(p["text"].startswith("⚠️ Cảnh báo") for p in printed)


def test_hateful_comment_under_a_lai_chau_article_alerts_the_comment_rule(tmp_path: Path, analyzer: Analyzer) -> None:
    """A comment rarely names the province: it is as relevant as the article it was written under."""
    alerts = load_alerts(CONFIG / "alerts.yaml").model_copy(update={"channels": alerts_file(
        tmp_path, rules_yaml()).channels})
    rules = [rule.model_copy(update={"channels": ["thanh-tra"]}) for rule in alerts.rules]
    alerts = alerts.model_copy(update={"rules": rules})
    now = datetime.now(UTC)
    title = "Sạt lở ở Mường Tè, Lai Châu"
    text = "Mưa lớn gây sạt lở đất tại Mường Tè, tỉnh Lai Châu, 2 người chết. " * 3
    parent = Article(url="https://vnexpress.net/sat-lo-4812345.html", source_id="vnexpress", title=title, text=text,
                     published_at=now, fetched_at=now, analysis=analyzer.analyze(title, text))
    hateful = "Bọn quan chức ngu như bò, đường sạt lở mãi không sửa!"
    polite = "Mong bà con sớm ổn định cuộc sống."
    comments = [Article(url=f"{parent.url}#binh-luan-{n}", source_id="binh-luan", source_kind="social",
                        title=f"Bình luận về: {title}", text=body, content_type="comment", parent_url=parent.url,
                        published_at=now, fetched_at=now, analysis=analyzer.analyze("", body, comment=True))
                for n, body in enumerate((hateful, polite))]
    assert all(c.analysis and c.analysis.relevance.grade == "none" for c in comments)  # they never name it
    with Store(tmp_path / "db.sqlite") as store:
        store_all(store, [parent, *comments], alerts, now)
        fired = store.db.execute("SELECT al.rule_id, a.url FROM alerts al JOIN articles a ON a.id = al.article_id "
                                 "WHERE al.rule_id = 'binh-luan-thu-ghet'").fetchall()
    assert [tuple(row) for row in fired] == [("binh-luan-thu-ghet", f"{parent.url}#binh-luan-0")]
