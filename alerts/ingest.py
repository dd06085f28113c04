"""Rule evaluation at ingest: the ``on_stored`` hook of ``Store.add_article``.

Runs inside the article's transaction (see ``alerts.outbox``). Articles without analysis (the
analysis configuration is missing) match no rule: every rule needs a relevance grade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import Any

from alerts import outbox
from alerts.matcher import Doc
from alerts.outbox import Recorded
from alerts.rules import RuleSet, doc_of
from presswatch.alerts_config import RELEVANCE_RANK, AlertsFile
from presswatch.models import Article, utcnow


def inherit(doc: Doc, parent: Any) -> None:
    """Raise ``doc``'s relevance to its parent article's (a row with the parent's ``relevance``)."""
    if parent is not None and RELEVANCE_RANK.get(parent[0] or "", -1) > RELEVANCE_RANK.get(doc.relevance or "", -1):
        doc.relevance = parent[0]


class AlertEvaluator:
    """Evaluate the enabled rules on each new article and queue deliveries to active channels."""

    def __init__(self, alerts: AlertsFile, environ: dict[str, str] | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.rules = RuleSet(alerts)
        self.channels, self.inactive = alerts.targets(environ)
        self.clock = clock
        self.recorded: list[Recorded] = []

    def __call__(self, db: sqlite3.Connection, article_id: int, article: Article) -> None:
        if article.analysis is None or not len(self.rules):
            return
        data = article.analysis.to_json()
        doc = doc_of(article.title, article.text, article.source_id, article.source_kind, data, article.content_type)
        if article.parent_url is not None:  # a comment is as relevant as the article it was written under
            inherit(doc, db.execute("SELECT a.relevance FROM article_urls u JOIN articles a ON a.id = u.article_id "
                                    "WHERE u.url = ?", (article.parent_url,)).fetchone())
        now = self.clock()
        matched = self.rules.evaluate(doc, article.published_at or article.fetched_at, now)
        if matched:
            self.recorded.extend(outbox.record(db, article_id, matched, self.channels, now))
