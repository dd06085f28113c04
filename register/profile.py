"""An outlet's profile: what it published about the province month by month, its topics and
sentiment, and how often it was the first to publish a story others carried too.

"About the province": articles the analysis graded ``about`` or ``mention``. First to publish: among
its articles in a story cluster of two copies or more, those that are the cluster's earliest copy.
Cases and corrections come with issue 18 (not here).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from presswatch.store.articles import period_items
from presswatch.store.clusters import first_copies
from presswatch.times import local_date, parse_iso
from register.model import Outlet, outlet_of_source

PROVINCE = ("about", "mention")


@dataclass
class Profile:
    outlet: Outlet
    sources: list[str]
    items: int = 0
    by_month: dict[str, tuple[int, int]] = field(default_factory=dict)  # "YYYY-MM" → (all, about the province)
    topics: Counter[str] = field(default_factory=Counter)  # of the articles about the province
    sentiment: Counter[str] = field(default_factory=Counter)  # of the articles about the province
    shared_stories: int = 0  # its articles in a cluster of two copies or more
    first: list[int] = field(default_factory=list)  # those that were the earliest copy

    @property
    def first_share(self) -> float | None:
        return len(self.first) / self.shared_stories if self.shared_stories else None


def profile(db: sqlite3.Connection, outlet: Outlet, outlets: list[Outlet], source_urls: Mapping[str, list[str]],
            start: datetime, end: datetime) -> Profile:
    """The outlet's profile over [start, end) (Vietnam-time months)."""
    owners = {s: outlet_of_source(outlets, s, urls) for s, urls in source_urls.items()}
    sources = sorted(s for s, owner in owners.items() if owner is not None and owner.licence_no == outlet.licence_no)
    result = Profile(outlet, sources)
    rows = period_items(db, sources, start, end)
    result.items = len(rows)
    months: dict[str, list[int]] = {}
    for row in rows:
        dated = parse_iso(row["dated_at"])
        assert dated is not None
        month = f"{local_date(dated):%Y-%m}"
        counts = months.setdefault(month, [0, 0])
        counts[0] += 1
        if row["relevance"] in PROVINCE:
            counts[1] += 1
            result.topics.update(json.loads(row["topics"] or "[]"))
            if row["sentiment"]:
                result.sentiment[row["sentiment"]] += 1
    result.by_month = {m: (c[0], c[1]) for m, c in sorted(months.items())}
    firsts = first_copies(db, {int(r["cluster_id"]) for r in rows if r["cluster_id"] is not None})
    for row in rows:
        first = firsts.get(int(row["cluster_id"])) if row["cluster_id"] is not None else None
        if first is None or first[3] < 2:
            continue
        result.shared_stories += 1
        if first[0] == int(row["id"]):
            result.first.append(int(row["id"]))
    return result
