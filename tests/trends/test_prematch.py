"""Query burst rules matched once per article, in its own transaction, on the tokens its alert rules
were evaluated on (``trends.prematch`` through ``AlertEvaluator``'s ``on_doc``): the update then counts
the same articles as when it reads and tokenises the text itself, without reading the text again; an
article matched before a rule existed is matched at the update; a real crawl takes the shared path."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from alerts.ingest import AlertEvaluator
from alerts.matcher import Doc
from analysis.pipeline import Analyzer
from crawler.runner import crawl_source
from presswatch.config import load_analyzer
from presswatch.config.alerts import AlertsFile, load_alerts
from presswatch.demo.site import LocalSite, load_demo_articles
from presswatch.models import Article
from presswatch.store import Store
from presswatch.store.articles import article
from tests.support.crawling import TEST_SETTINGS, make_source
from tests.support.paths import CONFIG
from trends.prematch import QueryMatcher, query_predicates
from trends.update import Context, update

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
CHANNEL = """channels:
  - id: thanh-tra
    type: webhook
    url: http://127.0.0.1:9/hook
    secret_env: TEST_PREMATCH_SECRET
rules:
  - id: moi-bai-lai-chau
    name: "Bài về Lai Châu"
    query: '"Lai Châu"'
    min_relevance: none
    channels: [thanh-tra]
"""
BURST = """  - id: {id}
    name: "Tăng đột biến {id}"
    kind: trend
    trend: {{signal: burst, dimension: query, window: 6h, min_count: 3}}
    query: '{query}'
    min_relevance: none
    channels: [thanh-tra]
"""


def alerts_of(tmp_path: Path, *bursts: tuple[str, str]) -> AlertsFile:
    path = tmp_path / "alerts.yaml"
    path.write_text(CHANNEL + "".join(BURST.format(id=i, query=q) for i, q in bursts), encoding="utf-8")
    return load_alerts(path)


@pytest.fixture(scope="module")
def analysed() -> list[Article]:
    analyzer: Analyzer = load_analyzer(CONFIG, with_entities=False)
    made = []
    for n, record in enumerate(load_demo_articles()[:40]):
        made.append(Article(url=f"https://tin.example.vn/{n}.html", source_id=f"bao-{n % 5}", title=record["title"],
                            text=record["text"], published_at=NOW - timedelta(minutes=n), fetched_at=NOW,
                            analysis=analyzer.analyze(record["title"], record["text"])))
    return made


def reads_of_text(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The articles whose text the update read back from the store (to tokenise it)."""
    read: list[int] = []

    def counted(db: Any, article_id: int) -> Any:
        read.append(article_id)
        return article(db, article_id)
    monkeypatch.setattr("trends.signals.article", counted)
    return read


def query_state(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    counts = store.db.execute("SELECT key, hour, n, relevant FROM trend_counts WHERE dim = 'query' "
                              "ORDER BY key, hour").fetchall()
    hits = store.db.execute("SELECT rule_id, article_id FROM trend_query_hits ORDER BY rule_id, article_id").fetchall()
    return [tuple(r) for r in counts], [tuple(r) for r in hits]


def test_the_update_counts_what_the_articles_transaction_matched(tmp_path: Path, analysed: list[Article],
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    alerts = alerts_of(tmp_path, ("lai-chau", '"Lai Châu"'), ("mua-lu", "mưa OR lũ"))
    with Store(tmp_path / "shared.db") as shared, Store(tmp_path / "alone.db") as alone:
        evaluator = AlertEvaluator(alerts, environ={}, clock=lambda: NOW, on_doc=QueryMatcher(alerts))
        for article in analysed:
            shared.add_article(article, on_stored=evaluator)
            alone.add_article(article, on_stored=AlertEvaluator(alerts, environ={}, clock=lambda: NOW))
        assert shared.db.execute("SELECT count(*) FROM trend_query_matched").fetchone()[0] == len(analysed)
        assert alone.db.execute("SELECT count(*) FROM trend_query_matched").fetchone()[0] == 0
        read = reads_of_text(monkeypatch)
        assert update(shared, Context(alerts), now=NOW).articles == len(analysed)
        assert read == []  # no text read back, nothing tokenised twice
        assert update(alone, Context(alerts), now=NOW).articles == len(analysed)
        assert len(read) == len(analysed)  # the path without the shared tokens reads every text
        counts, hits = query_state(shared)
        assert (counts, hits) == query_state(alone)
        assert {rule for rule, _ in hits} == {"lai-chau", "mua-lu"}  # both rules matched something
        assert shared.db.execute("SELECT count(*) FROM trend_query_matched").fetchone()[0] == 0  # read: cleared
        assert len(evaluator.recorded) > 0  # the alert rule was evaluated on the same tokens


def test_a_rule_added_after_storing_is_matched_at_the_update(tmp_path: Path, analysed: list[Article],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    before = alerts_of(tmp_path, ("lai-chau", '"Lai Châu"'))
    with Store(tmp_path / "db.sqlite") as store:
        evaluator = AlertEvaluator(before, environ={}, clock=lambda: NOW, on_doc=QueryMatcher(before))
        for article in analysed[:10]:
            store.add_article(article, on_stored=evaluator)
        store.add_articles(analysed[10:20])  # another path (an import, the demo): nothing recorded
        after = alerts_of(tmp_path, ("lai-chau", '"Lai Châu"'), ("mua-lu", "mưa OR lũ"))
        read = reads_of_text(monkeypatch)
        update(store, Context(after), now=NOW)
        assert len(read) == 20  # recorded for one rule of two, or not at all: matched here
        counts, hits = query_state(store)
    with Store(tmp_path / "again.db") as again:
        again.add_articles(analysed[:20])
        update(again, Context(after), now=NOW)
        assert query_state(again) == (counts, hits)


def test_a_crawl_shares_the_tokens(tmp_path: Path, site: LocalSite, monkeypatch: pytest.MonkeyPatch) -> None:
    config_dir = tmp_path / "config"
    config_dir.mkdir()
    for name in ("sources.yaml", "topics.yaml", "sentiment.yaml"):
        (config_dir / name).write_bytes((CONFIG / name).read_bytes())
    alerts = alerts_of(config_dir, ("lai-chau", '"Lai Châu"'))
    read = reads_of_text(monkeypatch)
    run, report = crawl_source(make_source(id="tin-tay-bac", urls=[f"{site.url}/rss/tin-moi.rss"]), TEST_SETTINGS,
                               tmp_path / "db.sqlite", config_dir)
    assert run.ok and report is not None and report.new_articles == 40
    assert read == []  # the trends update after the crawl (in this process) read no text back
    [matches] = query_predicates(alerts.rules).values()
    with Store(tmp_path / "db.sqlite") as store:
        hits = {int(row[0]) for row in store.db.execute("SELECT article_id FROM trend_query_hits")}
        assert store.db.execute("SELECT count(*) FROM trend_query_matched").fetchone()[0] == 0  # read: cleared
        expected = set()  # the same articles matched the slow way, from their stored text
        for article_id in range(1, 41):
            item = store.article(article_id)
            assert item is not None
            if matches(Doc.of(item.title, item.text)):
                expected.add(article_id)
    assert hits == expected and 0 < len(hits) < 40
