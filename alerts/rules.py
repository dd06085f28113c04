"""Alert rules, compiled once and evaluated on each new article (pure: no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from alerts.matcher import Doc, Predicate, compile_query
from analysis import normalize
from presswatch.config.alerts import RELEVANCE_RANK, AlertsFile, Rule
from presswatch.provinces import provinces_of


@dataclass(frozen=True)
class CompiledRule:
    rule: Rule
    query: Predicate | None

    def matches(self, doc: Doc, dated_at: datetime, now: datetime) -> bool:
        rule = self.rule
        if _grade(doc, rule.provinces) < RELEVANCE_RANK[rule.min_relevance]:
            return False
        if rule.sentiment and doc.sentiment not in rule.sentiment:
            return False
        if rule.topics and doc.topics.isdisjoint(rule.topics):
            return False
        if rule.sources and doc.source_id not in rule.sources:
            return False
        if rule.source_kinds and doc.source_kind not in rule.source_kinds:
            return False
        if rule.toxicity and doc.toxicity not in rule.toxicity:
            return False
        if rule.content_types and doc.content_type not in rule.content_types:
            return False
        if now - dated_at > timedelta(seconds=rule.max_age):
            return False
        return self.query is None or self.query(doc)


class RuleSet:
    """The enabled rules of ``alerts.yaml``, ready to evaluate."""

    def __init__(self, alerts: AlertsFile) -> None:
        self.alerts = alerts
        self.rules = [CompiledRule(rule, _compiled(rule)) for rule in alerts.rules
                      if rule.enabled and rule.kind == "article"]  # trend rules: ``trends``

    def __len__(self) -> int:
        return len(self.rules)

    def evaluate(self, doc: Doc, dated_at: datetime, now: datetime) -> list[Rule]:
        """The rules ``doc`` matches."""
        return [compiled.rule for compiled in self.rules if compiled.matches(doc, dated_at, now)]


def _grade(doc: Doc, provinces: list[str]) -> int:
    """The rank of how much ``doc`` concerns ``provinces`` (a rule's; empty: the article's relevance
    or any followed province's grade, whichever is higher); -1 when not analysed."""
    if provinces:
        return max((RELEVANCE_RANK[doc.provinces[name]] for name in provinces if name in doc.provinces), default=0)
    grades = [RELEVANCE_RANK.get(grade, 0) for grade in doc.provinces.values()]
    return max([RELEVANCE_RANK.get(doc.relevance or "", -1), *grades])


def _compiled(rule: Rule) -> Predicate | None:
    tree = rule.tree()
    return None if tree is None else compile_query(tree)


def doc_of(title: str, text: str, source_id: str, source_kind: str, analysis: dict[str, Any] | None,
           content_type: str = "article") -> Doc:
    """The ``Doc`` of an article from its title, text and ``Analysis.to_json()``."""
    analysis = analysis or {}
    return Doc.of(
        normalize(title), normalize(text),
        source_id=source_id,
        source_kind=source_kind,
        relevance=analysis.get("relevance"),
        sentiment=analysis.get("sentiment"),
        topics=frozenset(analysis.get("topics") or ()),
        places=frozenset(place["name"] for place in analysis.get("places") or ()),
        provinces=provinces_of(analysis),
        toxicity=(analysis.get("toxicity") or {}).get("label", "clean"),
        content_type=content_type,
    )
