"""The reads that the pages and the JSON API share.

A search; an article with what surrounds it (copies of the story, comments, annotations, the alerts
that fired for it); alert rule names. The API and the pages both read through here, never through each other.
The data comes from its owners: the store (``presswatch.store.articles``, ``annotation``) and the
alerts (``alerts.outbox.article_alerts``).
"""

from __future__ import annotations

import json
from typing import Any

from alerts import outbox
from presswatch.search import SearchResult
from presswatch.store import Store
from presswatch.store import annotation as marks
from presswatch.store import articles as stored
from presswatch.times import parse_iso
from presswatch.web.context import Ctx, Web
from presswatch.web.params import SearchForm


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
        for row in stored.story_copies(store.db, article.cluster_id, article.id):
            others.append({"id": row["id"], "url": row["url"], "source": row["source_id"], "title": row["title"],
                           "dated_at": parse_iso(row["dated_at"])})
    comments = []
    for row in stored.comments(store.db, article.id):
        analysis = json.loads(row["analysis"]) if row["analysis"] else {}
        engagement = json.loads(row["engagement"]) if row["engagement"] else {}
        comments.append({"id": row["id"], "author": row["author"], "text": row["text"],
                         "dated_at": parse_iso(row["dated_at"]), "likes": engagement.get("likes"),
                         "toxicity": (analysis.get("toxicity") or {}).get("label", "clean")})
    hostile = sum(comment["toxicity"] != "clean" for comment in comments)
    return {"article": article, "others": others, "notes": marks.article_annotations(store, article.id),
            "comments": comments, "hostile": hostile,
            "alerts": outbox.article_alerts(store.db, article.id, article.cluster_id)}


def rule_names(web: Web) -> dict[str, str]:
    """Alert rule names by id, from config/alerts.yaml (a rule since removed shows its id only)."""
    return {rule.id: rule.name for rule in web.config.alerts.rules} if web.config.alerts else {}
