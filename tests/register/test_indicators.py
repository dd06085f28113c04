"""Compliance indicators on a real SQLite store holding real articles (from the labelled set),
analysed and clustered as the crawler does: the shares, the flags and the articles behind each."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from presswatch.config import ConfigError, load_analyzer
from presswatch.models import Article
from presswatch.store import Store
from register import tables
from register.detect import VERSION
from register.indicators import compute
from register.model import Outlet
from register.settings import RegisterSettings, Thresholds, load_register_settings
from tests.support.paths import CONFIG

DATA = Path(__file__).resolve().parents[1] / "data" / "register_dev" / "sample.jsonl"
T0 = datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
OUTLETS = [
    Outlet("1/GP-TC", "Tạp chí Văn hóa", "tap_chi", topics=("van-hoa-the-thao",), sources=("tapchi-vh",)),
    Outlet("2/GP-TTĐT", "Trang tin B", "trang_ttth", domains=("trangb.vn",)),
    Outlet("3/GP-BC", "Báo C", "bao_dien_tu", sources=("baoc",)),
]
SOURCES = {"tapchi-vh": ["https://tapchivh.vn/rss"], "trangb": ["https://www.trangb.vn/rss"],
           "baoc": ["https://baoc.vn/rss"]}


def stored(store: Store, plan: list[tuple[str, str, int, str]]) -> dict[tuple[str, str], int]:
    """Store each (sample id, source, hours after T0, text appended) analysed; their ids by (sample id, source)."""
    sample = {row["id"]: row for row in map(json.loads, DATA.read_text(encoding="utf-8").splitlines())}
    analyzer = load_analyzer(CONFIG, with_entities=False)
    ids = {}
    for sample_id, source, hours, extra in plan:
        title, text = sample[sample_id]["title"], sample[sample_id]["text"] + extra
        article = Article(url=f"{SOURCES[source][0].removesuffix('/rss')}/{sample_id}.html", source_id=source,
                          title=title, text=text, published_at=T0 + timedelta(hours=hours),
                          analysis=analyzer.analyze(title, text))
        article_id = store.add_article(article)
        assert article_id is not None
        ids[(sample_id, source)] = article_id
    return ids


def test_indicators_shares_flags_and_articles(store: Store) -> None:
    ids = stored(store, [
        # the magazine: three news reports (two on its licensed culture/sport topic, one on the economy)
        # and one analysis
        ("22678949", "tapchi-vh", 1, ""), ("22651711", "tapchi-vh", 2, ""), ("22645030", "tapchi-vh", 3, ""),
        ("21483105", "tapchi-vh", 4, ""),
        # Báo C publishes two stories first; the site copies one bare and one with a credit, and has
        # one story of its own
        ("22649192", "baoc", 1, ""), ("22649192", "trangb", 5, ""),
        ("21491778", "baoc", 1, ""), ("21491778", "trangb", 6, "\nTheo Báo C"),
        ("22450676", "trangb", 2, ""),
    ])
    settings = RegisterSettings(thresholds=Thresholds(min_items=3))
    with store.transaction() as db:
        reports = {r.outlet.licence_no: r for r in compute(db, OUTLETS, SOURCES, T0, T0 + timedelta(days=1),
                                                           settings)}
    assert set(reports) == {"1/GP-TC", "2/GP-TTĐT"}  # a newspaper is not checked
    magazine = {i.name: i for i in reports["1/GP-TC"].indicators}
    assert magazine["news_share"].share == 0.75 and magazine["news_share"].flagged
    assert magazine["news_share"].articles == [ids[("22678949", "tapchi-vh")], ids[("22651711", "tapchi-vh")],
                                              ids[("22645030", "tapchi-vh")]]
    assert ids[("22645030", "tapchi-vh")] in magazine["off_topic_share"].articles  # the economy item
    assert ids[("22678949", "tapchi-vh")] not in magazine["off_topic_share"].articles
    assert "unattributed_share" not in magazine  # checked for general information sites only
    site = {i.name: i for i in reports["2/GP-TTĐT"].indicators}
    assert reports["2/GP-TTĐT"].items == 3
    assert site["unattributed_share"].articles == [ids[("22649192", "trangb")]]
    assert site["unattributed_share"].flagged and "off_topic_share" not in site  # no licensed topics: not measured
    # Outside the period nothing is counted, and no outlet is flagged under min_items.
    with store.transaction() as db:
        later = compute(db, OUTLETS, SOURCES, T0 + timedelta(days=2), T0 + timedelta(days=3), settings)
        assert all(r.items == 0 and not r.flagged for r in later)
        assert len(tables.marks(db, ids.values(), VERSION)) == 7  # the detectors ran once per checked article


def test_register_yaml_is_validated(tmp_path: Path) -> None:
    assert load_register_settings(CONFIG).thresholds.news_share_max == 0.5  # the shipped file
    assert load_register_settings(tmp_path) == RegisterSettings()  # no file: defaults
    (tmp_path / "register.yaml").write_text("thresholds:\n  news_share_max: 1.5\n  min_itemz: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_register_settings(tmp_path)
    text = str(caught.value)
    assert "register.yaml:2" in text and "news_share_max" in text
    assert "register.yaml:3" in text and "min_itemz" in text
