"""Query burst rules matched in each article's own transaction, on the tokens its alert rules were
evaluated on: one tokenisation per article.

A query burst rule (``kind: trend``, ``dimension: query``) counts the new articles its query matches.
Matching needs the article's folded tokens; ``alerts.ingest.AlertEvaluator`` makes them (``Doc``) in the
article's transaction for the alert rules, and hands them to ``QueryMatcher`` (its ``on_doc``), which
records the rules matched in ``trend_query_matched``. The next update (``trends.signals.read_new``)
counts from that row (and clears it) instead of reading and tokenising the text again. An article without such a row
(stored by another path, while the rules did not load, or before a rule was added) is matched at the
update as before, so nothing is counted twice or lost.
"""

from __future__ import annotations

import json
import sqlite3

from alerts.matcher import Doc, Predicate, compile_query
from presswatch.config.alerts import AlertsFile, Rule
from trends.detect import trend_rules


def query_predicates(rules: list[Rule]) -> dict[str, Predicate]:
    """The compiled queries of the enabled query burst rules, by rule id."""
    found = {}
    for rule in trend_rules(rules):
        tree = rule.tree()
        if rule.trend is not None and rule.trend.dimension == "query" and tree is not None:
            found[rule.id] = compile_query(tree)
    return found


class QueryMatcher:
    """The ``on_doc`` hook of ``AlertEvaluator``: match the article's ``Doc`` against the query burst
    rules of ``alerts`` and record the outcome, inside the article's transaction."""

    def __init__(self, alerts: AlertsFile | None) -> None:
        self.queries = query_predicates(alerts.rules) if alerts is not None else {}
        self._rules = json.dumps(sorted(self.queries))

    def __bool__(self) -> bool:
        return bool(self.queries)

    def __call__(self, db: sqlite3.Connection, article_id: int, doc: Doc) -> None:
        if not self.queries:
            return
        hits = [rule_id for rule_id, matches in self.queries.items() if matches(doc)]
        db.execute("INSERT OR REPLACE INTO trend_query_matched (article_id, rules, hits) VALUES (?, ?, ?)",
                   (article_id, self._rules, json.dumps(hits)))

