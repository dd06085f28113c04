"""A crawl runs with exactly the configuration its parent validated (issue 16 item 1), and an article
whose alert rules could not be evaluated is stored anyway, marked pending, and evaluated later: once,
as it would have been at ingest time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from alerts import outbox
from alerts.ingest import AlertEvaluator, evaluate_pending, pending_count
from analysis.pipeline import Analyzer
from crawler.runner import crawl_source
from presswatch.config import load_analyzer, load_config
from presswatch.config.alerts import AlertsFile, load_alerts
from presswatch.config.crawl import CrawlConfig
from presswatch.demo.site import LocalSite, SiteArticle, load_demo_articles, site_articles
from presswatch.models import Article
from presswatch.service.jobs import crawl_job
from presswatch.service.runtime import RUNTIME
from presswatch.store import Store
from tests.support.crawling import TEST_SETTINGS
from tests.support.paths import CONFIG

# Five real articles about disasters in Lai Châu, negative: what the inspectors' rule is for.
DISASTERS = ("22669043", "22643360", "22718708", "22719031", "22661934")
SECRET_ENV = "TEST_CRAWL_CONFIG_SECRET"
ENV = {SECRET_ENV: "bí-mật-thử"}
BROKEN_YAML = "rules:\n  - id: hỏng\n    name: [chưa đóng\n"
ALERTS_YAML = f"""
channels:
  - id: thanh-tra
    type: webhook
    url: http://127.0.0.1:9/hook
    secret_env: {SECRET_ENV}
rules:
  - id: thien-tai-tieu-cuc
    name: "Thiên tai, tin tiêu cực về Lai Châu"
    min_relevance: about
    sentiment: [negative]
    topics: [thien-tai]
    channels: [thanh-tra]
    max_per_hour: 1000
    max_age: 1d
"""


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return load_analyzer(CONFIG, with_entities=False)


@pytest.fixture(scope="module")
def disasters() -> list[SiteArticle]:
    raw = {record["id"]: record for record in load_demo_articles()}
    return site_articles([raw[i] for i in DISASTERS], newest=datetime.now(UTC) - timedelta(hours=1))


@pytest.fixture
def disaster_site(disasters: list[SiteArticle]) -> Iterator[LocalSite]:
    with LocalSite(disasters) as site:
        yield site


def write_config(directory: Path, feed_url: str) -> Path:
    """A configuration directory: one feed source, the shipped lexicons, the rule above; settings
    those of the tests (fast on a local site)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("topics.yaml", "sentiment.yaml", "toxicity.yaml"):
        (directory / name).write_bytes((CONFIG / name).read_bytes())
    (directory / "sources.yaml").write_text(yaml.safe_dump({"sources": [
        {"id": "tin-thien-tai", "name": "Tin thiên tai", "kind": "press", "type": "feed", "urls": [feed_url],
         "interval": "1s"}]},  # no back-off wait after a failed run: the next crawl job runs
        allow_unicode=True), encoding="utf-8")
    (directory / "alerts.yaml").write_text(ALERTS_YAML, encoding="utf-8")
    (directory / "presswatch.yaml").write_text(yaml.safe_dump(TEST_SETTINGS.model_dump(mode="json")),
                                               encoding="utf-8")
    return directory


def counts(db: Path) -> tuple[int, int, int, set[int | None]]:
    """Articles, alerts, pending outbox rows, and the stories of the articles."""
    with Store(db) as store:
        articles = store.articles()
        alerts = int(store.db.execute("SELECT count(*) FROM alerts").fetchone()[0])
        pending = outbox.counts(store.db)["pending"]
    return len(articles), alerts, pending, {a.cluster_id for a in articles}


@pytest.mark.slow
def test_crawl_job_uses_the_validated_configuration_not_the_files_on_disk(
        tmp_path: Path, disaster_site: LocalSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's scenario: the service validated its configuration; then alerts.yaml (and
    topics.yaml) are broken on disk, a reload is refused and the running configuration kept. The next
    crawl must analyse and alert with the running configuration."""
    monkeypatch.setenv(SECRET_ENV, ENV[SECRET_ENV])
    config_dir = write_config(tmp_path / "config", f"{disaster_site.url}/rss/tin-moi.rss")
    db = tmp_path / "db.sqlite"
    RUNTIME.use_config(load_config(config_dir))
    (config_dir / "alerts.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    (config_dir / "topics.yaml").write_text(BROKEN_YAML, encoding="utf-8")

    crawl_job(str(config_dir), str(db), "tin-thien-tai")

    articles, alerts, pending, stories = counts(db)
    assert articles == 5
    assert alerts == pending == len(stories) >= 4  # one alert per story, each queued for the channel
    with Store(db) as store:
        health = store.health()["tin-thien-tai"]
        assert all(a.analysis is not None and "thien-tai" in a.analysis["topics"] for a in store.articles())
    assert health.consecutive_failures == 0 and health.articles_last_run == 5


@pytest.mark.slow
def test_a_crawl_that_cannot_evaluate_rules_says_so_and_its_articles_alert_later_once(
        tmp_path: Path, disaster_site: LocalSite, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, ENV[SECRET_ENV])
    config_dir = write_config(tmp_path / "config", f"{disaster_site.url}/rss/tin-moi.rss")
    db = tmp_path / "db.sqlite"
    valid = load_config(config_dir)
    (config_dir / "alerts.yaml").write_text(BROKEN_YAML, encoding="utf-8")

    # A caller handing a directory (not a validated configuration) whose alerts.yaml is broken.
    source = valid.source("tin-thien-tai")
    run, report = crawl_source(source, TEST_SETTINGS, db, config_dir)
    with Store(db) as store:
        store.record_run(run)
        health = store.health()["tin-thien-tai"]
        assert pending_count(store.db) == 5
    assert report is not None and report.new_articles == run.new_articles == 5
    assert not run.ok and run.message and "chưa đánh giá quy tắc cảnh báo" in run.message
    assert "alerts.yaml" in run.message
    assert health.consecutive_failures == 1 and health.last_error == run.message
    assert counts(db)[1] == 0

    # The service runs the valid configuration: its next crawl job evaluates them, once.
    RUNTIME.use_config(valid)
    crawl_job(str(config_dir), str(db), "tin-thien-tai")
    articles, alerts, pending, stories = counts(db)
    assert articles == 5 and alerts == pending == len(stories) >= 4
    with Store(db) as store:
        assert pending_count(store.db) == 0
        assert store.health()["tin-thien-tai"].consecutive_failures == 0
    crawl_job(str(config_dir), str(db), "tin-thien-tai")
    assert counts(db) == (articles, alerts, pending, stories)


def stored(store: Store, analyzer: Analyzer, evaluator: Callable[..., None], when: datetime,
           analysed: bool = True) -> list[int]:
    ids = []
    raw = {record["id"]: record for record in load_demo_articles()}
    for n, key in enumerate(DISASTERS[:2]):
        record = raw[key]
        article = Article(url=f"https://bao.example.vn/{key}.html", source_id="bao", title=record["title"],
                          text=record["text"], published_at=when - timedelta(hours=n + 1), fetched_at=when)
        if analysed:
            article.analysis = analyzer.analyze(article.title, article.text)
        article_id = store.add_article(article, on_stored=evaluator)
        assert article_id is not None
        ids.append(article_id)
    return ids


def rules(tmp_path: Path) -> AlertsFile:
    path = tmp_path / "alerts.yaml"
    path.write_text(ALERTS_YAML, encoding="utf-8")
    return load_alerts(path)


def test_late_evaluation_counts_max_age_from_storage_and_never_alerts_twice(
        tmp_path: Path, analyzer: Analyzer) -> None:
    stored_at = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
    later = stored_at + timedelta(days=5)  # past the rule's max_age (1 day) if counted from now
    with Store(tmp_path / "db.sqlite") as store:
        unavailable = AlertEvaluator(None, environ=ENV, clock=lambda: stored_at,
                                     unavailable="alerts.yaml sai")
        ids = stored(store, analyzer, unavailable, stored_at, analysed=False)
        assert unavailable.deferred == 2 and pending_count(store.db) == 2
        assert all(store.article(i).analysis is None for i in ids)  # type: ignore[union-attr]

        outcome = evaluate_pending(store, rules(tmp_path), lambda: analyzer, environ=ENV, clock=lambda: later)
        assert outcome.evaluated == 2 and outcome.failed == 0 and outcome.alerts >= 1
        assert pending_count(store.db) == 0
        for article_id in ids:  # analysed late, like at ingest: columns, topics, story
            article = store.article(article_id)
            assert article is not None and article.relevance == "about" and article.cluster_id is not None
            assert store.db.execute("SELECT count(*) FROM article_topics WHERE article_id = ? AND topic = ?",
                                    (article_id, "thien-tai")).fetchone()[0] == 1
        alerts = store.db.execute("SELECT count(*) FROM alerts").fetchone()[0]
        rows = outbox.counts(store.db)["pending"]
        assert alerts == outcome.alerts and rows == alerts
        again = evaluate_pending(store, rules(tmp_path), lambda: analyzer, environ=ENV, clock=lambda: later)
        assert again.evaluated == 0
        assert store.db.execute("SELECT count(*) FROM alerts").fetchone()[0] == alerts
        assert outbox.counts(store.db)["pending"] == rows


def test_an_error_in_rule_evaluation_keeps_the_article_pending(tmp_path: Path, analyzer: Analyzer) -> None:
    now = datetime.now(UTC)

    def broken_clock() -> datetime:
        raise RuntimeError("đồng hồ hỏng")

    with Store(tmp_path / "db.sqlite") as store:
        failing = AlertEvaluator(rules(tmp_path), environ=ENV, clock=broken_clock)
        ids = stored(store, analyzer, failing, now)
        assert len(ids) == 2 and store.count_articles() == 2  # stored all the same
        assert failing.deferred == 2 and any("đồng hồ hỏng" in reason for reason in failing.reasons)
        assert pending_count(store.db) == 2
        assert store.db.execute("SELECT count(*) FROM alerts").fetchone()[0] == 0
        outcome = evaluate_pending(store, rules(tmp_path), lambda: analyzer, environ=ENV, clock=lambda: now)
        assert outcome.evaluated == 2 and outcome.alerts >= 1 and pending_count(store.db) == 0


def test_the_snapshot_handed_to_a_crawl_is_the_validated_configuration(tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path / "config", "https://x.vn/rss"))
    snapshot = CrawlConfig.of(config)
    assert snapshot.alerts == config.alerts and snapshot.topics == config.topics
    assert snapshot.sentiment == config.sentiment and snapshot.toxicity == config.toxicity
    assert CrawlConfig.from_json(snapshot.to_json()) == snapshot
    assert not snapshot.problems

    (tmp_path / "config" / "alerts.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    loaded = CrawlConfig.load(tmp_path / "config")
    assert loaded.alerts is None and loaded.topics == config.topics
    assert any("alerts.yaml" in problem for problem in loaded.problems)


def test_a_source_in_back_off_still_gets_its_pending_articles_evaluated(
        tmp_path: Path, analyzer: Analyzer, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crawl job skipped by back-off (the source failed just now) still evaluates what waits."""
    from presswatch.store import RunResult

    monkeypatch.setenv(SECRET_ENV, ENV[SECRET_ENV])
    config_dir = write_config(tmp_path / "config", "http://127.0.0.1:9/rss")
    (config_dir / "sources.yaml").write_text((config_dir / "sources.yaml").read_text(encoding="utf-8")
                                             .replace("interval: 1s", "interval: 1h"), encoding="utf-8")
    RUNTIME.use_config(load_config(config_dir))
    db = tmp_path / "db.sqlite"
    now = datetime.now(UTC)
    with Store(db) as store:
        stored(store, analyzer, AlertEvaluator(None, environ=ENV), now)
        store.record_run(RunResult("tin-thien-tai", now, now, False, 0, 0, 1, "HTTP 503"))
    crawl_job(str(config_dir), str(db), "tin-thien-tai")
    with Store(db) as store:
        assert pending_count(store.db) == 0
        assert store.db.execute("SELECT count(*) FROM alerts").fetchone()[0] >= 1
        assert store.health()["tin-thien-tai"].runs == 1  # skipped: no crawl was run
