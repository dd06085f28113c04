"""The reads that the pages and the JSON API share.

A search; an article with what surrounds it (copies of the story, comments, annotations, the alerts
that fired for it); alert rule names. The API and the pages both read through here, never through each other.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from presswatch.search import SearchResult
from presswatch.store import Store
from presswatch.store import annotation as marks
from presswatch.times import iso, parse_iso
from presswatch.web.context import Ctx, Web
from presswatch.web.params import SearchForm

MAX_ALERTS = 50


@dataclass(frozen=True)
class Delivery:
    channel: str
    status: str  # pending | sent | dead
    attempts: int
    sent_at: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class ArticleAlert:
    rule_id: str
    severity: str
    created_at: datetime
    copies: int  # copies of the story the rule matched (the first one raised the alert)
    summary: bool  # over the rule's max_per_hour: delivered in the hour's summary message
    article_id: int  # the copy that raised it (another outlet's, for a syndicated copy)
    deliveries: list[Delivery]


def article_alerts(db: sqlite3.Connection, article_id: int, cluster_id: int | None) -> list[ArticleAlert]:
    """The alerts of the article's story, newest first: one per rule, raised by the first copy of the
    story (this article or another outlet's), with the delivery state per channel (of the hour's
    summary message for an alert over the rule's hourly limit)."""
    story = cluster_id if cluster_id is not None else -article_id
    rows = db.execute(
        "SELECT id, rule_id, severity, created_at, copies, throttled, article_id FROM alerts "
        "WHERE story = ? OR article_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
        (story, article_id, MAX_ALERTS)).fetchall()
    out = []
    for row in rows:
        created = parse_iso(row[3])
        assert created is not None
        out.append(ArticleAlert(rule_id=row[1], severity=row[2], created_at=created, copies=int(row[4]),
                                summary=bool(row[5]), article_id=int(row[6]),
                                deliveries=_deliveries(db, int(row[0]), row[1], created, bool(row[5]))))
    return out


def _deliveries(db: sqlite3.Connection, alert_id: int, rule_id: str, created: datetime,
                summary: bool) -> list[Delivery]:
    columns = "SELECT channel, status, attempts, sent_at, last_error FROM outbox"
    if summary:  # the summary row of the rule's hour (alerts.outbox.record: window_start is the hour)
        hour = iso(created.replace(minute=0, second=0, microsecond=0))
        rows = db.execute(f"{columns} WHERE kind = 'summary' AND rule_id = ? AND window_start = ? ORDER BY channel",
                          (rule_id, hour)).fetchall()
    else:
        rows = db.execute(f"{columns} WHERE alert_id = ? ORDER BY channel", (alert_id,)).fetchall()
    return [Delivery(channel=r[0], status=r[1], attempts=int(r[2]), sent_at=parse_iso(r[3]), last_error=r[4])
            for r in rows]



def run_search(ctx: Ctx, form: SearchForm, facets: bool) -> tuple[SearchResult, bool]:
    """The page of hits; with ``facets``, the facet and per-day counts too when the search matches at
    most ``web_facet_max_hits`` articles (their cost grows with every match). Returns (result,
    whether the counts were left out). One search: the backend counts from the matches it collected
    for the page."""
    backend = ctx.web.backend(ctx.store)
    result = backend.search(form.request(facets=facets, facet_max_hits=ctx.web.config.settings.web_facet_max_hits))
    return result, result.facets_omitted


def article_data(store: Store, article_id: int) -> dict[str, Any] | None:
    article = store.article(article_id)
    if article is None:
        return None
    others = []
    if article.cluster_id is not None:
        for row in store.db.execute(
                "SELECT id, url, source_id, title, dated_at FROM articles WHERE cluster_id = ? AND id != ? "
                "ORDER BY dated_at LIMIT 50", (article.cluster_id, article.id)):
            others.append({"id": row["id"], "url": row["url"], "source": row["source_id"], "title": row["title"],
                           "dated_at": parse_iso(row["dated_at"])})
    comments = []
    for row in store.db.execute(
            "SELECT a.id, a.author, a.dated_at, a.engagement, a.analysis, t.text FROM articles a "
            "JOIN article_texts t ON t.article_id = a.id WHERE a.parent_id = ? ORDER BY a.dated_at LIMIT 200",
            (article.id,)):
        analysis = json.loads(row["analysis"]) if row["analysis"] else {}
        engagement = json.loads(row["engagement"]) if row["engagement"] else {}
        comments.append({"id": row["id"], "author": row["author"], "text": row["text"],
                         "dated_at": parse_iso(row["dated_at"]), "likes": engagement.get("likes"),
                         "toxicity": (analysis.get("toxicity") or {}).get("label", "clean")})
    hostile = sum(comment["toxicity"] != "clean" for comment in comments)
    return {"article": article, "others": others, "notes": marks.article_annotations(store, article.id),
            "comments": comments, "hostile": hostile,
            "alerts": article_alerts(store.db, article.id, article.cluster_id)}


def rule_names(web: Web) -> dict[str, str]:
    """Alert rule names by id, from config/alerts.yaml (a rule since removed shows its id only)."""
    return {rule.id: rule.name for rule in web.config.alerts.rules} if web.config.alerts else {}
