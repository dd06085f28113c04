"""Rule evaluation at ingest: the ``on_stored`` hook of ``Store.add_article``.

Runs inside the article's transaction (see ``alerts.outbox``). Articles without analysis (the
analysis configuration is missing) match no rule: every rule needs a relevance grade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

from alerts import outbox
from alerts.outbox import Recorded
from alerts.rules import RuleSet, doc_of
from presswatch.alerts_config import AlertsFile
from presswatch.models import Article


def utcnow() -> datetime:
    return datetime.now(UTC)


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
        doc = doc_of(article.title, article.text, article.source_id, article.source_kind, data)
        now = self.clock()
        matched = self.rules.evaluate(doc, article.published_at or article.fetched_at, now)
        if matched:
            self.recorded.extend(outbox.record(db, article_id, matched, self.channels, now))
