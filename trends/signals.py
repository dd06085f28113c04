"""The signals, updated incrementally: each update reads only the articles stored since the last one
(above the ``watermark`` article id) and the engagement a crawl refreshed.

Per new article: its story gains a row when its source had not carried the story yet
(``trend_story_outlets``); its hour bucket counts it for ``all``, each of its places and each of its
topics (``trend_counts``); an item with public counts (post, video, comment) is followed and its
counts recorded (``trend_posts``, ``trend_engagement``). Per refresh of a source: the followed items
of that source dated within ``follow_days`` whose counts changed get a new observation.

Why after the crawl, in the parent, and not in each article's transaction: the crawl subprocess
writes one transaction per article and the rule hook of ``alerts.ingest`` already runs there; the
signals need no exactness per article, only per crawl (the windows are hours), and reading the new
rows once per crawl (one indexed range scan above the watermark) costs less than a hook per article.
It also catches articles stored by other paths (the demo, imports) and survives a crawl child killed
mid-run: whatever was committed is read by the next update. The engagement refresh happens inside
the child (``Store.update_engagement``) without a new article, so the parent compares the counts of
the source's followed items after the crawl. The one exception is a query burst rule's match, which
needs the article's tokens: it is made in the article's transaction on the tokens of its alert rules
(``trends.prematch``) and only counted here; an article without it is matched here from its text.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alerts.matcher import Doc, Predicate
from presswatch.store.articles import article, engagement_since, signal_rows
from presswatch.times import iso
from trends.baseline import hour_key

BATCH = 2000  # articles read per statement
RELEVANT = ("about", "mention")


@dataclass
class Touched:
    """What one update changed: the candidates the rules look at."""

    articles: int = 0
    stories: set[int] = field(default_factory=set)  # clusters that gained a source
    posts: set[int] = field(default_factory=set)  # items with a new engagement observation
    keys: set[tuple[str, str]] = field(default_factory=set)  # (place|topic, key) counted


def watermark(db: sqlite3.Connection) -> int:
    row = db.execute("SELECT value FROM trend_state WHERE name = 'watermark'").fetchone()
    return int(row[0]) if row else 0


def first_hour(db: sqlite3.Connection, dim: str | None = None, key: str | None = None) -> str | None:
    """The first hour counted (the baseline knows nothing before it): of every key, or for a query
    burst rule (``dim`` ``query``) the later of that and the hour its rule was first counted."""
    row = db.execute("SELECT value FROM trend_state WHERE name = 'first_hour'").fetchone()
    overall = None if row is None else str(row[0])
    if dim != "query":
        return overall
    own = db.execute("SELECT value FROM trend_state WHERE name = ?", (f"first_hour:query:{key}",)).fetchone()
    if own is None or overall is None:
        return None
    return max(overall, str(own[0]))


def _set(db: sqlite3.Connection, name: str, value: str) -> None:
    db.execute("INSERT INTO trend_state (name, value) VALUES (?, ?) "
               "ON CONFLICT(name) DO UPDATE SET value = excluded.value", (name, value))


def note_update(db: sqlite3.Connection, now: datetime, articles: int) -> None:
    """Record that an update ran at ``now`` and read ``articles`` new ones (``updated_at``,
    ``articles_read``: what ``presswatch status`` and ``/metrics`` show)."""
    stamp = iso(now)
    assert stamp is not None
    _set(db, "updated_at", stamp)
    db.execute("INSERT INTO trend_state (name, value) VALUES ('articles_read', ?) ON CONFLICT(name) DO UPDATE "
               "SET value = CAST(CAST(value AS INTEGER) + excluded.value AS TEXT)", (str(articles),))


def _matched(db: sqlite3.Connection, after: int, last: int) -> dict[int, tuple[set[str], list[str]]]:
    """What the articles' own transactions recorded (``trends.prematch``) for the ids in (``after``,
    ``last``]: (the query burst rules checked, those matched)."""
    return {int(article_id): (set(json.loads(rules)), json.loads(hits)) for article_id, rules, hits in db.execute(
        "SELECT article_id, rules, hits FROM trend_query_matched WHERE article_id > ? AND article_id <= ?",
        (after, last))}


def interactions(engagement: dict[str, int]) -> tuple[int, int]:
    """(views, likes + shares + comments) of a stored engagement document."""
    def count(name: str) -> int:
        value = engagement.get(name)
        return int(value) if isinstance(value, int | float) and value >= 0 else 0
    return count("views"), count("likes") + count("shares") + count("comments")


def read_new(db: sqlite3.Connection, now: datetime, touched: Touched, limit: int | None = None,
             queries: dict[str, Predicate] | None = None) -> None:
    """Read the articles stored above the watermark into the signals (inside the caller's
    transaction); ``limit``: at most that many (the next update reads the rest). ``queries``: the
    compiled queries of the query burst rules, by rule id; each new article is matched against them
    (its text is read only then), and a rule's baseline starts at the hour it is first seen."""
    queries = queries or {}
    for rule_id in queries:
        db.execute("INSERT OR IGNORE INTO trend_state (name, value) VALUES (?, ?)",
                   (f"first_hour:query:{rule_id}", hour_key(now)))
    after = watermark(db)
    counts: Counter[tuple[str, str, str]] = Counter()
    relevant: Counter[tuple[str, str, str]] = Counter()
    earliest: str | None = None
    read = 0
    while limit is None or read < limit:
        rows = signal_rows(db, after, BATCH if limit is None else min(BATCH, limit - read))
        if not rows:
            break
        recorded = _matched(db, after, int(rows[-1]["id"])) if queries else {}
        for row in rows:
            _article(db, row, now, touched, counts, relevant)
            if queries:
                _match(db, row, queries, touched, counts, relevant, recorded.get(int(row["id"])))
            hour = row["dated_at"][:13]
            earliest = hour if earliest is None or hour < earliest else earliest
        after = int(rows[-1]["id"])
        read += len(rows)
    if not read:
        return
    db.execute("DELETE FROM trend_query_matched WHERE article_id <= ?", (after,))  # read: not needed again
    db.executemany(
        """INSERT INTO trend_counts (dim, key, hour, n, relevant) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(dim, key, hour) DO UPDATE SET n = n + excluded.n, relevant = relevant + excluded.relevant""",
        [(dim, key, hour, n, relevant[(dim, key, hour)]) for (dim, key, hour), n in counts.items()])
    _set(db, "watermark", str(after))
    known = first_hour(db)
    if earliest is not None and (known is None or earliest < known):
        _set(db, "first_hour", earliest)
    touched.articles += read


def _article(db: sqlite3.Connection, row: sqlite3.Row, now: datetime, touched: Touched,
             counts: Counter[tuple[str, str, str]], relevant: Counter[tuple[str, str, str]]) -> None:
    hour = row["dated_at"][:13]
    is_relevant = row["relevance"] in RELEVANT
    topics = [topic for topic in json.loads(row["topics"] or "[]") if topic]
    places = [place for place in json.loads(row["places"] or "[]") if place]
    for dim, key in [("all", "*"), *(("topic", t) for t in topics), *(("place", p) for p in places)]:
        counts[(dim, key, hour)] += 1
        relevant[(dim, key, hour)] += is_relevant
        if dim != "all":
            touched.keys.add((dim, key))
    topics_json = json.dumps(topics, ensure_ascii=False)
    if row["cluster_id"] is not None:
        added = db.execute(
            """INSERT OR IGNORE INTO trend_story_outlets (cluster_id, source_id, article_id, dated_at, content_type,
                   source_kind, relevance, sentiment, topics) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (row["cluster_id"], row["source_id"], row["id"], row["dated_at"], row["content_type"],
             row["source_kind"], row["relevance"], row["sentiment"], topics_json)).rowcount
        if added:
            touched.stories.add(int(row["cluster_id"]))
    if row["engagement"]:
        views, total = interactions(json.loads(row["engagement"]))
        stamp = iso(now)
        db.execute(
            """INSERT OR IGNORE INTO trend_posts (article_id, source_id, source_kind, content_type, dated_at,
                   relevance, sentiment, topics, views, interactions, observed_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (row["id"], row["source_id"], row["source_kind"], row["content_type"], row["dated_at"],
             row["relevance"], row["sentiment"], topics_json, views, total, stamp))
        db.execute("INSERT OR IGNORE INTO trend_engagement (article_id, observed_at, views, interactions) "
                   "VALUES (?, ?, ?, ?)", (row["id"], stamp, views, total))


def _match(db: sqlite3.Connection, row: sqlite3.Row, queries: dict[str, Predicate], touched: Touched,
           counts: Counter[tuple[str, str, str]], relevant: Counter[tuple[str, str, str]],
           recorded: tuple[set[str], list[str]] | None) -> None:
    """Count a new article for each query burst rule whose query it matches: from what its own
    transaction recorded (``trends.prematch``) when that covered every current rule, else by reading
    and tokenising its text here."""
    if recorded is not None and recorded[0] >= queries.keys():
        hits = [rule_id for rule_id in recorded[1] if rule_id in queries]
    else:
        stored = article(db, int(row["id"]))
        if stored is None:
            return
        analysis = stored.analysis or {}
        # The stored title and text are normalised already (``StoredArticle``): no second normalisation.
        doc = Doc.of(stored.title, stored.text, source_id=stored.source_id, source_kind=stored.source_kind,
                     relevance=analysis.get("relevance"), sentiment=analysis.get("sentiment"),
                     topics=frozenset(analysis.get("topics") or ()),
                     places=frozenset(place["name"] for place in analysis.get("places") or ()),
                     toxicity=(analysis.get("toxicity") or {}).get("label", "clean"),
                     content_type=stored.content_type)
        hits = [rule_id for rule_id, matches in queries.items() if matches(doc)]
    hour = row["dated_at"][:13]
    for rule_id in hits:
        counts[("query", rule_id, hour)] += 1
        relevant[("query", rule_id, hour)] += row["relevance"] in RELEVANT
        touched.keys.add(("query", rule_id))
        db.execute("INSERT OR IGNORE INTO trend_query_hits (rule_id, article_id, dated_at) VALUES (?, ?, ?)",
                   (rule_id, row["id"], row["dated_at"]))


def query_hits(db: sqlite3.Connection, rule_id: str, since: datetime, limit: int) -> list[int]:
    """The articles dated from ``since`` on that the query burst rule matched, newest first."""
    rows = db.execute("SELECT article_id FROM trend_query_hits WHERE rule_id = ? AND dated_at >= ? "
                      "ORDER BY dated_at DESC LIMIT ?", (rule_id, iso(since), limit))
    return [int(row[0]) for row in rows]


def refresh_engagement(db: sqlite3.Connection, source_ids: list[str], now: datetime, follow_days: int,
                       touched: Touched) -> None:
    """Record the counts of the followed items of ``source_ids`` (dated within ``follow_days``) that
    changed since they were last observed (inside the caller's transaction)."""
    stamp = iso(now)
    since = now - timedelta(days=follow_days)
    for source_id in source_ids:
        for article_id, document in engagement_since(db, source_id, since):
            last = db.execute("SELECT views, interactions FROM trend_posts WHERE article_id = ?",
                              (article_id,)).fetchone()
            if last is None:
                continue  # not read yet: the next read_new takes it with its counts
            views, total = interactions(json.loads(document))
            if (views, total) == (last[0], last[1]):
                continue
            db.execute("UPDATE trend_posts SET views = ?, interactions = ?, observed_at = ? WHERE article_id = ?",
                       (views, total, stamp, article_id))
            db.execute("INSERT OR REPLACE INTO trend_engagement (article_id, observed_at, views, interactions) "
                       "VALUES (?, ?, ?, ?)", (article_id, stamp, views, total))
            touched.posts.add(article_id)


def forget(db: sqlite3.Connection, now: datetime, keep_days: int, follow_days: int) -> None:
    """Drop hourly counts and story rows older than ``keep_days`` and the engagement history of
    items no longer followed."""
    cutoff = now - timedelta(days=keep_days)
    db.execute("DELETE FROM trend_counts WHERE hour < ?", (hour_key(cutoff),))
    db.execute("DELETE FROM trend_story_outlets WHERE dated_at < ?", (iso(cutoff),))
    db.execute("DELETE FROM trend_query_hits WHERE dated_at < ?", (iso(cutoff),))
    db.execute("DELETE FROM trend_posts WHERE dated_at < ?", (iso(now - timedelta(days=follow_days)),))
