"""Compliance indicators of each outlet over a period, each with the articles behind it.

For a magazine (``tap_chi``) or a general information site (``trang_ttth``):
- ``news_share``: the share of its items whose genre is a news genre (``news_genres`` of
  ``config/register.yaml``): acting like a newspaper ("báo hóa");
- ``off_topic_share``: among its items the analysis gave topics to, the share whose topics are all
  outside the outlet's licensed topics (an outlet without licensed topics is not measured).
For a general information site only:
- ``unattributed_share``: the share of its items that copy a story (same story cluster) first
  published by a source of another outlet, and name no source (the attribution detector says
  ``not_attributed`` or ``original``).

A share above its threshold flags the indicator, once the outlet has ``min_items`` items. Articles
belong to an outlet through their source (``register.model.outlet_of_source``). The detectors run
once per article, when it is stored (the crawl's hook): the indicators read the marks and classify
only the articles that lack one (``register.marks.classify``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from presswatch.store.articles import period_items
from presswatch.store.clusters import first_copies
from register.marks import classify
from register.model import ATTRIBUTION_CHECKED, GENRE_CHECKED, Outlet, outlet_of_source
from register.settings import RegisterSettings

INDICATORS = {
    "news_share": "Tỷ lệ tin tức (báo hóa)",
    "off_topic_share": "Tỷ lệ ngoài tôn chỉ, mục đích",
    "unattributed_share": "Tỷ lệ đăng lại không ghi nguồn",
}


@dataclass
class Indicator:
    name: str  # a key of INDICATORS
    share: float | None  # None: nothing to measure
    threshold: float
    counted: int  # the denominator
    articles: list[int] = field(default_factory=list)  # the numerator's articles, oldest first
    flagged: bool = False


@dataclass
class OutletReport:
    outlet: Outlet
    items: int
    indicators: list[Indicator]

    @property
    def flagged(self) -> list[Indicator]:
        return [i for i in self.indicators if i.flagged]


def _share(name: str, numerator: list[int], counted: int, threshold: float, min_items: int,
           items: int) -> Indicator:
    share = len(numerator) / counted if counted else None
    flagged = share is not None and items >= min_items and share > threshold
    return Indicator(name, share, threshold, counted, numerator, flagged)


def compute(db: sqlite3.Connection, outlets: list[Outlet], source_urls: Mapping[str, list[str]], start: datetime,
            end: datetime, settings: RegisterSettings) -> list[OutletReport]:
    """The indicators of every checked outlet for articles dated in [start, end), in the caller's
    transaction (new marks are stored in it)."""
    owner: dict[str, Outlet] = {}
    for source_id, urls in source_urls.items():
        found = outlet_of_source(outlets, source_id, urls)
        if found is not None:
            owner[source_id] = found
    checked = {o.licence_no for o in outlets if o.type in GENRE_CHECKED}
    sources = sorted(s for s, o in owner.items() if o.licence_no in checked)
    rows = period_items(db, sources, start, end)
    found_marks = classify(db, [int(r["id"]) for r in rows])
    firsts = first_copies(db, {int(r["cluster_id"]) for r in rows if r["cluster_id"] is not None})
    by_outlet: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        by_outlet.setdefault(owner[row["source_id"]].licence_no, []).append(row)
    t = settings.thresholds
    reports = []
    for outlet in outlets:
        if outlet.licence_no not in checked:
            continue
        items = by_outlet.get(outlet.licence_no, [])
        news = [int(r["id"]) for r in items if found_marks[int(r["id"])].genre in settings.news_genres]
        indicators = [_share("news_share", news, len(items), t.news_share_max, t.min_items, len(items))]
        if outlet.topics:
            with_topics = [(int(r["id"]), json.loads(r["topics"])) for r in items if r["topics"]]
            with_topics = [(i, topics) for i, topics in with_topics if topics]
            outside = [i for i, topics in with_topics if not set(topics) & set(outlet.topics)]
            indicators.append(_share("off_topic_share", outside, len(with_topics), t.off_topic_share_max,
                                     t.min_items, len(items)))
        if outlet.type in ATTRIBUTION_CHECKED:
            copies = []
            for r in items:
                first = firsts.get(int(r["cluster_id"])) if r["cluster_id"] is not None else None
                if first is None or first[0] == int(r["id"]) or first[2] > r["dated_at"]:
                    continue
                first_owner = owner.get(first[1])
                if first[1] != r["source_id"] and (first_owner is None or first_owner.licence_no != outlet.licence_no) \
                        and found_marks[int(r["id"])].attribution != "attributed":
                    copies.append(int(r["id"]))
            indicators.append(_share("unattributed_share", copies, len(items), t.unattributed_share_max,
                                     t.min_items, len(items)))
        reports.append(OutletReport(outlet, len(items), indicators))
    return reports
