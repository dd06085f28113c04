"""Trends end to end on a real SQLite store, real analysis of real articles and a real webhook
receiver: a story spreading across outlets, a post whose interactions double, the burst method,
the ``kind: trend`` rules of ``alerts.yaml``, the update after a real crawl, and the CLI."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alerts.rules import RuleSet
from alerts.signature import verify
from alerts.worker import DeliveryWorker
from analysis.pipeline import Analyzer
from crawler.runner import crawl_source
from presswatch.cli import main
from presswatch.config import Config, Settings, load_analyzer
from presswatch.config.alerts import AlertsFile, load_alerts
from presswatch.demo.site import LocalSite, load_demo_articles
from presswatch.errors import ConfigError
from presswatch.models import Article
from presswatch.store import Store
from tests.support.crawling import TEST_SETTINGS, make_source
from tests.support.paths import CONFIG
from tests.support.receiver import Receiver
from trends.baseline import hour_key, verdict, weekday_factors
from trends.reads import events
from trends.replay import Item, copies_of, copy_of
from trends.signals import watermark
from trends.update import Context, update

SECRET = "bí-mật-thử-nghiệm-xu-hướng"
ENV = {"TEST_WEBHOOK_SECRET": SECRET}
NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 10:00 in Vietnam


def rules(url: str = "http://127.0.0.1:9/hook", extra: str = "") -> str:
    return f"""
channels:
  - id: thanh-tra
    type: webhook
    url: {url}
    secret_env: TEST_WEBHOOK_SECRET
rules:
  - id: tin-lan-rong
    name: "Tin về Lai Châu được nhiều nguồn đăng lại"
    kind: trend
    trend: {{signal: story, min_outlets: 5, window: 6h}}
    min_relevance: about
    severity: high
    channels: [thanh-tra]
  - id: bai-dang-tang-nhanh
    name: "Bài đăng tiêu cực có tương tác tăng nhanh"
    kind: trend
    trend: {{signal: engagement, growth: 2, window: 2h, min_engagement: 50}}
    sentiment: [negative]
    content_types: [post]
    channels: [thanh-tra]
{extra}"""


def alerts_file(tmp_path: Path, text: str) -> AlertsFile:
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    return load_alerts(path)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return load_analyzer(CONFIG, with_entities=False)


@pytest.fixture(scope="module")
def lai_chau(analyzer: Analyzer) -> Item:
    """A real article about Lai Châu (from the demo data), analysed."""
    for record in load_demo_articles():
        result = analyzer.analyze(record["title"], record["text"])
        if result.relevance.grade == "about" and result.sentiment.label == "negative":
            return Item(record["title"], record["text"], result)
    raise AssertionError("the demo data has no negative article about Lai Châu")


def context(alerts: AlertsFile) -> Context:
    return Context(alerts, source_names={"bao-0": "Báo Số Không"}, topic_labels={},
                   web_base_url="https://giamsat.example.vn", environ=ENV)


# --- stories ----------------------------------------------------------------------------------


def test_story_carried_by_five_outlets_within_six_hours_is_delivered_once(tmp_path: Path, lai_chau: Item) -> None:
    with Receiver() as receiver, Store(tmp_path / "db.sqlite") as store:
        alerts = alerts_file(tmp_path, rules(receiver.url + "/hook"))
        sources = [f"bao-{n}" for n in range(7)]
        times = [NOW + timedelta(hours=h) for h in (0, 1, 2, 3.5, 4.5, 5.5, 7)]
        articles = copies_of(lai_chau, sources, times)
        # Four outlets: nothing rises yet.
        store.add_articles(articles[:4])
        assert update(store, context(alerts), now=times[3]).raised == []
        # The fifth, within 6 hours of the first: the story rises, once, with its five items.
        store.add_articles(articles[4:5])
        outcome = update(store, context(alerts), now=times[4] + timedelta(minutes=10))
        assert [(r.rule_id, r.queued) for r in outcome.raised] == [("tin-lan-rong", 1)]
        # More outlets later: the same story does not rise again.
        store.add_articles(articles[5:])
        assert update(store, context(alerts), now=times[6]).raised == []
        assert store.db.execute("SELECT count(*) FROM outbox WHERE kind = 'trend'").fetchone()[0] == 1
        worker = DeliveryWorker(store, Config(directory=CONFIG, settings=Settings(), sources=[], alerts=alerts), ENV)
        assert worker.run_once().sent == 1
    [received] = receiver.accepted.values()
    headers = received.headers
    assert verify(SECRET.encode(), headers["x-presswatch-timestamp"], headers["x-presswatch-signature"], received.body)
    document = received.json()
    assert document["type"] == "trend" and document["signal"] == "story"
    assert document["rule"]["id"] == "tin-lan-rong" and document["value"] == 5
    assert [item["source"]["id"] for item in document["items"]] == sources[:5]
    assert document["items"][0]["source"]["name"] == "Báo Số Không"
    assert document["items"][0]["web_url"].startswith("https://giamsat.example.vn/article/")
    assert "được 5 nguồn đăng trong 6 giờ" in document["text"] and lai_chau.title in document["text"]
    assert sum(count for _, count in document["series"]) == 5


def test_story_spread_over_a_day_or_not_about_lai_chau_does_not_rise(tmp_path: Path, lai_chau: Item,
                                                                     analyzer: Analyzer) -> None:
    alerts = alerts_file(tmp_path, rules())
    with Store(tmp_path / "db.sqlite") as store:
        slow = copies_of(lai_chau, [f"bao-{n}" for n in range(5)], [NOW + timedelta(hours=5 * h) for h in range(5)])
        store.add_articles(slow)
        assert update(store, context(alerts), now=NOW + timedelta(hours=21)).raised == []
        record = next(r for r in load_demo_articles() if "Lai Châu" not in r["text"] and "Lai Châu" not in r["title"])
        other = Item(record["title"], record["text"], analyzer.analyze(record["title"], record["text"]))
        later = NOW + timedelta(days=1)
        store.add_articles(copies_of(other, [f"khac-{n}" for n in range(6)], [later + timedelta(minutes=m)
                                                                         for m in range(6)]))
        outcome = update(store, context(alerts), now=later + timedelta(hours=1))
        assert outcome.raised == [] and outcome.articles == 6
        # A story crawled long after it spread (an archive) does not rise either (the rule's max_age).
        old = copies_of(lai_chau, [f"cu-{n}" for n in range(6)], [NOW - timedelta(days=30)] * 6)
        for number, article in enumerate(old):
            article.url = f"https://luu-tru.example.vn/{number}.html"
        store.add_articles(old)
        assert update(store, context(alerts), now=later + timedelta(hours=2)).raised == []


# --- engagement -------------------------------------------------------------------------------


def post(item: Item, n: int, engagement: dict[str, int], at: datetime) -> Article:
    text, analysis = copy_of(item, f"mxh-{n}", n)
    return Article(url=f"https://mxh.example.vn/bai-dang/{n}", source_id="mxh", source_kind="social",
                   title=item.title, text=text, published_at=at, fetched_at=at, analysis=analysis,
                   content_type="post", engagement=engagement)


def test_negative_post_whose_interactions_double_within_two_hours_rises(tmp_path: Path, lai_chau: Item) -> None:
    alerts = alerts_file(tmp_path, rules())
    with Store(tmp_path / "db.sqlite") as store:
        fast = post(lai_chau, 1, {"views": 900, "likes": 30, "shares": 10, "comments": 20}, NOW)
        slow = post(lai_chau, 2, {"views": 900, "likes": 30, "shares": 10, "comments": 20}, NOW)
        small = post(lai_chau, 3, {"likes": 5, "shares": 1, "comments": 2}, NOW)
        store.add_articles([fast, slow, small])
        assert update(store, context(alerts), now=NOW, sources=["mxh"]).raised == []
        # One hour later: the first post's interactions went from 60 to 130, the second's to 80,
        # the third's from 8 to 40 (fivefold, but under min_engagement).
        store.update_engagement(fast.url, {"views": 5000, "likes": 80, "shares": 20, "comments": 30})
        store.update_engagement(slow.url, {"views": 1200, "likes": 40, "shares": 15, "comments": 25})
        store.update_engagement(small.url, {"likes": 30, "shares": 5, "comments": 5})
        outcome = update(store, context(alerts), now=NOW + timedelta(hours=1), sources=["mxh"])
        assert outcome.posts == 3
        fast_id = store.db.execute("SELECT id FROM articles WHERE url = ?", (fast.url,)).fetchone()[0]
        assert [r.subject for r in outcome.raised] == [f"post:{fast_id}"]
        rising = outcome.rising[0]
        assert (rising.value, rising.baseline, rising.ratio) == (130, 60, pytest.approx(130 / 60))
        # The second post doubles only over four hours: not within two.
        store.update_engagement(slow.url, {"views": 1500, "likes": 60, "shares": 20, "comments": 40})
        assert update(store, context(alerts), now=NOW + timedelta(hours=4), sources=["mxh"]).raised == []
        [event] = events(store.db, NOW - timedelta(days=1))
        assert "lượt tương tác" in event.document["text"] and "tăng từ 60 lên 130" in event.document["text"]
        # Unchanged counts add no observation.
        assert update(store, context(alerts), now=NOW + timedelta(hours=5), sources=["mxh"]).posts == 0


# --- the burst method -------------------------------------------------------------------------


def hourly(start: datetime, days: int, per_hour: dict[int, int]) -> dict[str, int]:
    """Counts of a key: ``per_hour[local hour]`` every day."""
    counts = {}
    for hour in range(days * 24):
        moment = start + timedelta(hours=hour)
        counts[hour_key(moment)] = per_hour.get((moment.hour + 7) % 24, 0)
    return counts


def test_burst_verdict_is_hour_of_day_and_weekday_aware() -> None:
    now = datetime(2026, 11, 20, 4, 30, tzinfo=UTC)  # Friday 11:30 in Vietnam
    start = now - timedelta(days=28, hours=4)
    # A commune mentioned twice every morning hour (08-11 Vietnam) and never at night.
    counts = hourly(start, 29, {8: 2, 9: 2, 10: 2, 11: 2})
    first = min(counts)
    # Its usual morning: 4 hours × 2 → expected 8 in a 4-hour window; the same 8 is no burst.
    usual = verdict(counts, now, 4, 28, first, {})
    assert usual is not None and usual.expected == pytest.approx(8) and not usual.is_burst(3, 3, 3)
    # 24 in the window: 3 times its baseline, z = (24 − 8)/√8 ≈ 5.7 → a burst.
    for key in ("2026-11-20T01", "2026-11-20T02", "2026-11-20T03", "2026-11-20T04"):
        counts[key] = 6
    burst = verdict(counts, now, 4, 28, first, {})
    assert burst is not None and burst.is_burst(3, 3, 3) and burst.z == pytest.approx(16 / 8 ** 0.5)
    # The same 6 an hour at night, when it is never mentioned, is far above its (floored) baseline.
    night = datetime(2026, 11, 19, 19, 30, tzinfo=UTC)  # 02:30 in Vietnam
    quiet = verdict(counts, night, 4, 28, first, {})
    assert quiet is not None and quiet.expected == 0.5
    # Weekday factors: a Sunday with half the volume scales a Sunday's baseline down by half.
    totals = hourly(start - timedelta(days=2), 31, {hour: 10 for hour in range(24)})
    for key in list(totals):
        moment = datetime.strptime(key, "%Y-%m-%dT%H").replace(tzinfo=UTC) + timedelta(hours=7)
        if moment.weekday() == 6:
            totals[key] = 5
    factors = weekday_factors(totals, now, 28)
    assert factors[6] == pytest.approx(5 / (65 / 7)) and factors[4] == pytest.approx(10 / (65 / 7))
    # Fewer than 7 days of history: no verdict (the baseline is still learnt).
    assert verdict(counts, now, 4, 28, hour_key(now - timedelta(days=5)), {}) is None


# --- configuration ----------------------------------------------------------------------------


def test_shipped_trend_rules_load_and_are_not_evaluated_per_article() -> None:
    alerts = load_alerts(CONFIG / "alerts.yaml")
    trend = {rule.id: rule for rule in alerts.rules if rule.kind == "trend"}
    assert set(trend) == {"tin-lan-rong", "bai-dang-tieu-cuc-tang-nhanh", "dia-danh-tang-dot-bien"}
    assert trend["tin-lan-rong"].trend is not None and trend["tin-lan-rong"].trend.min_outlets == 5
    assert trend["tin-lan-rong"].trend.window == 6 * 3600
    burst = trend["dia-danh-tang-dot-bien"].trend
    assert burst is not None and (burst.ratio, burst.baseline_days, burst.dimension) == (3, 28, "place")
    assert {compiled.rule.id for compiled in RuleSet(alerts).rules}.isdisjoint(trend)


@pytest.mark.parametrize(("snippet", "expected"), [
    ("kind: trend", "cần khóa 'trend'"),
    ("kind: trend\n    trend: {signal: rumour}", "signal"),
    ("kind: trend\n    trend: {signal: story, window: 30m}", "window"),
    ("kind: trend\n    trend: {signal: burst, baseline_days: 3}", "baseline_days"),
    ("kind: trend\n    trend: {signal: story, outlets: 5}", "outlets"),
    ("trend: {signal: story}", "chỉ dùng với kind: trend"),
    ("kind: trend\n    trend: {signal: story}\n    query: lũ", "query"),
])
def test_bad_trend_rules_name_file_line_and_key(tmp_path: Path, snippet: str, expected: str) -> None:
    text = f"rules:\n  - id: xu-huong\n    name: Xu hướng\n    {snippet}\n"
    with pytest.raises(ConfigError) as caught:
        alerts_file(tmp_path, text)
    message = str(caught.value)
    assert re.search(r"alerts\.yaml:\d+: rules\.0", message) and expected in message


# --- after a real crawl, and the CLI ------------------------------------------------------------


def test_a_crawl_updates_the_signals_and_the_cli_lists_what_rose(tmp_path: Path, site: LocalSite, lai_chau: Item,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    for name in ("sources.yaml", "topics.yaml", "sentiment.yaml"):
        (config_dir / name).write_bytes((CONFIG / name).read_bytes())
    (config_dir / "alerts.yaml").write_text(rules(), encoding="utf-8")
    db = tmp_path / "db.sqlite"
    source = make_source(id="tin-tay-bac", urls=[f"{site.url}/rss/tin-moi.rss"])
    run, report = crawl_source(source, TEST_SETTINGS, db, config_dir)
    assert run.ok and report is not None and report.new_articles == 40
    with Store(db) as store:
        assert watermark(store.db) == store.last_article_id()  # read in the parent, right after the crawl
        assert store.db.execute("SELECT sum(n) FROM trend_counts WHERE dim = 'all'").fetchone()[0] == 40
        # Five outlets carry a Lai Châu story within the last hours (stored as another crawl would).
        now = datetime.now(UTC)
        store.add_articles(copies_of(lai_chau, [f"bao-{n}" for n in range(5)],
                                  [now - timedelta(minutes=50 * (5 - n)) for n in range(5)]))
    command = ["--config", str(config_dir), "--db", str(db), "trends"]
    assert main([*command, "update"]) == 0
    assert "Đã đọc 5 bài mới vào tín hiệu, 0 bài đăng đổi lượt tương tác; 1 mục mới" in capsys.readouterr().out
    assert main([*command, "update"]) == 0
    assert "0 mục mới" in capsys.readouterr().out
    assert main([*command, "list", "--since", "1d"]) == 0
    listed = capsys.readouterr().out
    assert "Đang được quan tâm từ " in listed and ": 1 mục." in listed and "tin lan rộng [tin-lan-rong]" in listed
    assert f"Tin “{lai_chau.title}” được 5 nguồn đăng trong 6 giờ" in listed
    assert main(["--config", str(config_dir), "--db", str(db), "alerts", "test", "tin-lan-rong"]) == 1
    assert "presswatch trends list" in capsys.readouterr().err


# --- the digest -------------------------------------------------------------------------------


def test_the_digest_lists_what_rose_with_a_chart(tmp_path: Path, lai_chau: Item) -> None:
    from datetime import date

    from alerts.digest.data import build_digest
    from alerts.digest.render import charts, render_html, render_text

    alerts = alerts_file(tmp_path, rules())
    with Store(tmp_path / "db.sqlite") as store:
        store.add_articles(copies_of(lai_chau, [f"bao-{n}" for n in range(5)],
                                     [NOW + timedelta(hours=h) for h in range(5)]))
        assert len(update(store, context(alerts), now=NOW + timedelta(hours=4, minutes=10)).raised) == 1
        digest = build_digest(store, date(2026, 11, 21), Settings())  # 20/11 07:00 → 21/11 07:00 in Vietnam
        earlier = build_digest(store, date(2026, 11, 20), Settings())
    assert earlier.trends == []
    [trend] = digest.trends
    assert trend.signal == "tin lan rộng" and "được 5 nguồn đăng trong 6 giờ" in trend.what
    assert trend.url is not None and trend.url.startswith("https://bao-0.example.vn/")
    images = charts(digest)
    assert images["trend-0"].startswith(b"\x89PNG")
    html = render_html(digest, {name: f"cid:{name}" for name in images})
    assert ">Đang được quan tâm<" in html and 'src="cid:trend-0"' in html
    text = render_text(digest)
    assert "ĐANG ĐƯỢC QUAN TÂM\n- Tin lan rộng (20/11/2026 14:10): Tin “" in text


def test_misspelt_burst_keys_are_errors_with_a_suggestion(tmp_path: Path) -> None:
    import shutil

    from presswatch.config import load_config

    directory = tmp_path / "config"
    shutil.copytree(CONFIG, directory)
    alerts = directory / "alerts.yaml"
    text = alerts.read_text(encoding="utf-8")
    text = text.replace("window: 24h, min_count: 3, z: 3}", "window: 24h, min_count: 3, z: 3, keys: [Muong Teh]}")
    text += """
  - id: chu-de-tang
    name: "Chủ đề tăng đột biến"
    kind: trend
    trend: {signal: burst, dimension: topic, keys: [thien-taii, tai-nan]}
    channels: [thanh-tra]
"""
    alerts.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(directory)
    place, topic = caught.value.problems
    assert re.match(rf"{re.escape(str(alerts))}:\d+: rules\.\d+\.trend\.keys\.0: địa danh 'Muong Teh'", place)
    assert "có phải 'Mường Tè'?" in place
    assert "chủ đề 'thien-taii' không có trong topics.yaml" in topic and "có phải 'thien-tai'?" in topic


def test_a_query_burst_learns_its_own_baseline_then_rises(tmp_path: Path, lai_chau: Item) -> None:
    rule = """
  - id: {id}
    name: "Tin có “Lai Châu” tăng đột biến"
    kind: trend
    trend: {{signal: burst, dimension: query, window: 6h, ratio: 3, z: 3, min_count: 3}}
    query: '"Lai Châu"'
    min_relevance: none
    channels: [thanh-tra]
"""
    first = alerts_file(tmp_path, rules().split("rules:")[0] + "rules:" + rule.format(id="lai-chau-tang"))
    start = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)  # a Monday, 10:00 in Vietnam
    with Store(tmp_path / "db.sqlite") as store:
        number = 0

        def publish(times: list[datetime]) -> None:
            nonlocal number
            made = copies_of(lai_chau, [f"bao-{number + n}" for n in range(len(times))], times)
            for article in made:
                number += 1
                article.url = f"https://tin.example.vn/{number}.html"
            store.add_articles(made)

        # One matching article a day for ten days: the rule's usual volume.
        for day in range(10):
            moment = start + timedelta(days=day)
            publish([moment])
            assert update(store, context(first), now=moment + timedelta(minutes=5)).raised == []
        # Day 11: five within three hours: three times its usual six hours and more, z ≥ 3.
        burst_day = start + timedelta(days=10)
        publish([burst_day + timedelta(minutes=40 * n) for n in range(5)])
        outcome = update(store, context(first), now=burst_day + timedelta(hours=3))
        [raised] = outcome.raised
        assert raised.subject == "query:lai-chau-tang"
        rising = outcome.rising[0]
        assert rising.label == '"Lai Châu"' and rising.value == 5 and len(rising.items) == 5
        # Nine full days known: the tenth day back began before the rule's first update.
        assert rising.detail["baseline_days"] == 9 and rising.baseline == pytest.approx(1.0)
        # A rule added today has no baseline of its own yet: it learns for a week, raises nothing.
        second = alerts_file(tmp_path, rules().split("rules:")[0] + "rules:" + rule.format(id="moi-them"))
        publish([burst_day + timedelta(hours=4, minutes=n) for n in range(5)])
        assert update(store, context(second), now=burst_day + timedelta(hours=4, minutes=10)).raised == []
