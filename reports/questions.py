"""The questions the press raised in a period, for the press-briefing pack: every relevant article's
questions to the authorities (``analysis.questions.press_questions``: interview turns, direct
questions about public matters, the public's reported questions and demands), read through
``presswatch.store.period.relevant_texts``, then grouped and ranked.

Grouping: the same question carried by several outlets (a syndicated copy, a rewrite in the same
story cluster) appears once, with every outlet that carried it (its earliest copy each). Two
sentences are the same question when they are equal once folded (case, accents, punctuation and
spaces aside), or, inside one story cluster, when their words overlap by ``SAME_WORDS`` or more
(Jaccard). Ranking: most outlets first, then those carried by a negative item (most negative score
first), then the newest.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from analysis import fold
from analysis.questions import press_questions
from presswatch.store import period as store_period
from presswatch.times import parse_iso

MAX_QUESTIONS = 30
SAME_WORDS = 0.7  # word overlap (Jaccard) above which two questions of one story are one


@dataclass(frozen=True)
class Copy:
    """One outlet's earliest copy of a question."""

    source_id: str
    url: str
    dated: datetime


@dataclass
class RaisedQuestion:
    sentence: str  # as the earliest copy words it
    kind: str  # interview | direct | reported
    copies: list[Copy] = field(default_factory=list)  # one per outlet, earliest first
    negative: bool = False  # carried by an item of negative sentiment
    score: float = 0.0  # the lowest sentiment score of the items carrying it (lower: more negative)
    clusters: set[int] = field(default_factory=set)
    words: frozenset[str] = frozenset()

    @property
    def outlets(self) -> int:
        return len(self.copies)

    @property
    def first(self) -> Copy:
        return self.copies[0]

    @property
    def latest(self) -> datetime:
        return max(copy.dated for copy in self.copies)


def _key(sentence: str) -> str:
    return " ".join(re.findall(r"\w+", fold(sentence)))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def raised_questions(db: sqlite3.Connection, start: datetime, end: datetime,
                     provinces: Sequence[str] | None = None, limit: int = MAX_QUESTIONS) -> list[RaisedQuestion]:
    """The period's press questions, grouped across outlets and ranked (at most ``limit``)."""
    by_key: dict[str, RaisedQuestion] = {}
    by_cluster: dict[int, list[RaisedQuestion]] = {}
    for row in store_period.relevant_texts(db, start, end, provinces):
        dated = parse_iso(row["dated_at"])
        assert dated is not None
        cluster = row["cluster_id"]
        for question in press_questions(row["title"], row["text"], normalised=True):
            key = _key(question.sentence)
            if not key:
                continue
            words = frozenset(key.split())
            group = by_key.get(key)
            if group is None and cluster is not None:
                group = next((g for g in by_cluster.get(cluster, []) if _jaccard(g.words, words) >= SAME_WORDS), None)
            if group is None:
                group = RaisedQuestion(question.sentence, question.kind, words=words,
                                       score=row["sentiment_score"] if row["sentiment_score"] is not None else 0.0)
                by_key[key] = group
            by_key.setdefault(key, group)
            if cluster is not None and cluster not in group.clusters:
                group.clusters.add(cluster)
                by_cluster.setdefault(cluster, []).append(group)
            if all(copy.source_id != row["source_id"] for copy in group.copies):
                group.copies.append(Copy(row["source_id"], row["url"], dated))  # rows come oldest first
            group.negative = group.negative or row["sentiment"] == "negative"
            if row["sentiment_score"] is not None:
                group.score = min(group.score, row["sentiment_score"])
    groups = list({id(group): group for group in by_key.values()}.values())
    groups.sort(key=lambda g: (-g.outlets, not g.negative, g.score, -g.latest.timestamp(), g.sentence))
    return groups[:limit]
