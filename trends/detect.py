"""The ``kind: trend`` rules of ``alerts.yaml`` evaluated on what one update touched.

Each rule looks only at its candidates (the stories that gained a source, the items whose counts
changed, the places and topics counted in this update), so the cost follows the crawl, not the
archive. The rule's filters apply to the items behind the signal:

- ``sources``, ``source_kinds``, ``content_types`` choose which items count;
- ``min_relevance``, ``sentiment``, ``topics`` must hold for at least one counted item (a story is
  about Lai Châu when one of its copies is);
- ``max_age``: a story whose newest copy, or a post dated, longer ago does not rise (an archive
  crawled late).

For a burst, ``min_relevance`` ``none`` counts every article of the key, otherwise those about or
mentioning the province; the other filters do not apply (the counts are aggregated per hour). A query
burst rule (``dimension: query``) counts the articles its ``query`` matches, under its own id.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from presswatch.config.alerts import RELEVANCE_RANK, Rule, TrendCondition
from presswatch.store.articles import tagged
from presswatch.times import iso, parse_iso
from trends.baseline import Verdict, hour_key, hour_start, verdict, weekday_factors, window_keys
from trends.signals import Touched, first_hour, query_hits

SERIES_HOURS = 48  # the hourly series kept with a rising item (its chart)
MAX_ITEMS = 20  # items named behind a rising item
JITTER_SLACK = 1.25  # an engagement reference up to this × the window ago still counts (crawl jitter)


@dataclass
class Rising:
    """One rising item raised by one rule."""

    rule: Rule
    signal: str  # story | engagement | burst
    subject: str  # story:<cluster> | post:<article id> | place:<name> | topic:<slug>
    label: str  # what rose (a story's or post's title is filled in by ``notify``)
    value: float
    baseline: float
    ratio: float | None
    items: list[int]
    series: list[tuple[str, int]] = field(default_factory=list)  # (UTC hour bucket, count)
    detail: dict[str, object] = field(default_factory=dict)


def trend_rules(rules: list[Rule]) -> list[Rule]:
    return [rule for rule in rules if rule.enabled and rule.kind == "trend" and rule.trend is not None]


def evaluate(db: sqlite3.Connection, rules: list[Rule], touched: Touched, now: datetime,
             topic_labels: Mapping[str, str]) -> list[Rising]:
    """Every rising item of the enabled trend ``rules`` among what ``touched`` names."""
    found: list[Rising] = []
    cache: dict[tuple[int, int], tuple[dict[int, float], str | None]] = {}
    for rule in trend_rules(rules):
        trend = rule.trend
        assert trend is not None
        if trend.signal == "story":
            found.extend(filter(None, (_story(db, rule, trend, cluster, now) for cluster in sorted(touched.stories))))
        elif trend.signal == "engagement":
            found.extend(filter(None, (_engagement(db, rule, trend, post, now) for post in sorted(touched.posts))))
        else:
            for dim, key in sorted(touched.keys):
                if dim == "query" and trend.dimension == "query" and key != rule.id:
                    continue  # another query rule's count
                if dim == trend.dimension and (dim == "query" or not trend.keys or key in trend.keys):
                    rising = _burst(db, rule, trend, dim, key, now, cache, topic_labels)
                    if rising is not None:
                        found.append(rising)
    return found


def _counts(rule: Rule, item: sqlite3.Row) -> bool:
    return ((not rule.sources or item["source_id"] in rule.sources)
            and (not rule.source_kinds or item["source_kind"] in rule.source_kinds)
            and (not rule.content_types or item["content_type"] in rule.content_types))


def _qualifies(rule: Rule, items: list[sqlite3.Row]) -> bool:
    def one(item: sqlite3.Row) -> bool:
        return ((RELEVANCE_RANK.get(item["relevance"] or "", -1) >= RELEVANCE_RANK[rule.min_relevance])
                and (not rule.sentiment or item["sentiment"] in rule.sentiment)
                and (not rule.topics or not set(rule.topics).isdisjoint(json.loads(item["topics"]))))
    return any(one(item) for item in items)


def _story(db: sqlite3.Connection, rule: Rule, trend: TrendCondition, cluster: int, now: datetime) -> Rising | None:
    rows = [row for row in db.execute(
        "SELECT * FROM trend_story_outlets WHERE cluster_id = ? ORDER BY dated_at, article_id", (cluster,))
        if _counts(rule, row)]
    if len(rows) < trend.min_outlets:
        return None
    newest = parse_iso(rows[-1]["dated_at"])
    assert newest is not None
    if now - newest > timedelta(seconds=rule.max_age):
        return None
    start = iso(newest - timedelta(seconds=trend.window))
    assert start is not None
    inside = [row for row in rows if row["dated_at"] > start]
    if len(inside) < trend.min_outlets or not _qualifies(rule, inside):
        return None
    series = _series([row["dated_at"][:13] for row in rows], now)
    return Rising(rule, "story", f"story:{cluster}", "", len(inside), 0.0, None,
                  [int(row["article_id"]) for row in inside][:MAX_ITEMS], series,
                  {"outlets": len(inside), "outlets_total": len(rows), "window_hours": trend.window // 3600,
                   "sources": [row["source_id"] for row in inside], "first_at": rows[0]["dated_at"],
                   "cluster_id": cluster})


def _engagement(db: sqlite3.Connection, rule: Rule, trend: TrendCondition, post: int,
                now: datetime) -> Rising | None:
    item = db.execute("SELECT * FROM trend_posts WHERE article_id = ?", (post,)).fetchone()
    if item is None or not _counts(rule, item) or not _qualifies(rule, [item]):
        return None
    dated = parse_iso(item["dated_at"])
    if dated is None or now - dated > timedelta(seconds=rule.max_age):
        return None
    column = "views" if trend.metric == "views" else "interactions"
    seen = db.execute(f"SELECT observed_at, {column} FROM trend_engagement WHERE article_id = ? ORDER BY observed_at",
                      (post,)).fetchall()
    if len(seen) < 2:
        return None
    current = int(seen[-1][1])
    earliest = iso(now - timedelta(seconds=trend.window * JITTER_SLACK))
    assert earliest is not None
    before = [row for row in seen[:-1] if row[0] >= earliest]
    if not before:
        return None  # nothing observed within the window: no growth can be dated in it
    reference = int(before[0][1])
    if current < trend.min_engagement or current < trend.growth * max(reference, 1):
        return None
    return Rising(rule, "engagement", f"post:{post}", "", current, reference,
                  current / reference if reference else None, [post],
                  [(row[0][:16], int(row[1])) for row in seen][-SERIES_HOURS:],
                  {"metric": trend.metric, "since": before[0][0], "window_hours": trend.window // 3600})


def _burst(db: sqlite3.Connection, rule: Rule, trend: TrendCondition, dim: str, key: str, now: datetime,
           cache: dict[tuple[int, int], tuple[dict[int, float], str | None]],
           topic_labels: Mapping[str, str]) -> Rising | None:
    hours = trend.window // 3600
    start = hour_key(hour_start(window_keys(now, hours)[0]) - timedelta(days=trend.baseline_days))
    column = "relevant" if rule.min_relevance != "none" else "n"
    if (trend.baseline_days, hours) not in cache:
        totals = {row[0]: int(row[1]) for row in db.execute(
            "SELECT hour, n FROM trend_counts WHERE dim = 'all' AND key = '*' AND hour >= ?", (start,))}
        known = first_hour(db)
        cache[(trend.baseline_days, hours)] = (weekday_factors(totals, now, trend.baseline_days, known), known)
    factors, first = cache[(trend.baseline_days, hours)]
    if dim == "query":
        first = first_hour(db, dim, key)
    counts = {row[0]: int(row[1]) for row in db.execute(
        f"SELECT hour, {column} FROM trend_counts WHERE dim = ? AND key = ? AND hour >= ?", (dim, key, start))}
    result: Verdict | None = verdict(counts, now, hours, trend.baseline_days, first, factors)
    if result is None or not result.is_burst(trend.ratio, trend.z, trend.min_count):
        return None
    window_start = hour_start(window_keys(now, hours)[0])
    if dim == "query":
        items = query_hits(db, key, window_start, MAX_ITEMS)
        label = rule.query or key
    else:
        items = tagged(db, dim, key, window_start, MAX_ITEMS)
        label = topic_labels.get(key, key) if dim == "topic" else key
    last = window_keys(now, SERIES_HOURS)
    return Rising(rule, "burst", f"{dim}:{key}", label, result.observed, round(result.expected, 2),
                  round(result.ratio, 2), items, [(hour, counts.get(hour, 0)) for hour in last],
                  {"dimension": dim, "key": key, "z": round(result.z, 2), "baseline_days": result.days,
                   "window_hours": hours})


def _series(hours: list[str], now: datetime) -> list[tuple[str, int]]:
    """Counts per hour of ``hours`` over the last ``SERIES_HOURS`` hours."""
    last = window_keys(now, SERIES_HOURS)
    counted: dict[str, int] = {}
    for hour in hours:
        counted[hour] = counted.get(hour, 0) + 1
    return [(hour, counted.get(hour, 0)) for hour in last]
