"""Topics of the governance taxonomy: multi-label, from weighted Vietnamese terms an operator tunes
(``config/topics.yaml``), with the terms that decided as evidence."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from analysis.lexicon import PhraseIndex, Syllable


@dataclass(frozen=True)
class Topic:
    slug: str
    label: str
    terms: dict[str, float]


@dataclass
class TopicLexicon:
    topics: list[Topic]
    threshold: float = 3.0
    title_weight: float = 2.0
    max_topics: int = 3
    min_relative: float = 0.5  # a secondary topic needs at least this share of the best topic's score
    index: PhraseIndex[list[tuple[str, float]]] = field(init=False, repr=False)
    weights: dict[tuple[str, str], float] = field(init=False, repr=False)
    folded_weights: dict[tuple[str, str], float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        terms: dict[str, list[tuple[str, float]]] = {}
        for topic in self.topics:
            for term, weight in topic.terms.items():
                terms.setdefault(term, []).append((topic.slug, weight))
        self.index = PhraseIndex(terms)
        self.weights = {(slug, term): weight for term, pairs in self.index.terms.items() for slug, weight in pairs}
        self.folded_weights = {(slug, term): weight for term, pairs in self.index.folded.items()
                               for slug, weight in pairs}

    @property
    def labels(self) -> dict[str, str]:
        return {topic.slug: topic.label for topic in self.topics}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TopicLexicon:
        """Build from the parsed ``topics.yaml`` (validated by ``presswatch.config``)."""
        topics = []
        for item in data["topics"]:
            terms: dict[str, float] = {}
            for weight, words in item["terms"].items():
                for word in words:
                    terms[str(word).strip().lower()] = float(weight)
            topics.append(Topic(slug=item["slug"], label=item["label"], terms=terms))
        return cls(topics=topics, threshold=float(data.get("threshold", 3.0)),
                   title_weight=float(data.get("title_weight", 2.0)), max_topics=int(data.get("max_topics", 3)),
                   min_relative=float(data.get("min_relative", 0.5)))


@dataclass(frozen=True)
class TopicResult:
    slug: str
    label: str
    score: float  # the lexicon's score of the topic
    evidence: list[str]  # the terms that counted, strongest first
    probability: float | None = None  # the trained topic model's, when it decided (``analysis.topic_model``)


Scores = dict[str, float]
Evidence = dict[str, list[tuple[float, str]]]


def topic_scores(items: list[Syllable], title_end: int, lexicon: TopicLexicon,
                 unaccented: bool = False) -> tuple[Scores, Evidence]:
    """Every topic's score (only topics with a hit are present) and the terms behind it, each with its
    contribution: a term counts ``weight × (1 + ln n)`` for its n occurrences, title ones
    ``title_weight`` times."""
    counts: dict[tuple[str, str], list[int]] = {}
    for hit in lexicon.index.find(items, unaccented):
        for slug, _ in hit.payload:
            counts.setdefault((slug, hit.term), []).append(hit.start)
    weights = lexicon.folded_weights if unaccented else lexicon.weights
    scores: Scores = {}
    evidence: Evidence = {}
    for (slug, term), positions in counts.items():
        in_title = sum(1 for p in positions if p < title_end)
        n = len(positions) + in_title * (lexicon.title_weight - 1)
        contribution = weights[(slug, term)] * (1 + math.log(n)) if n >= 1 else 0.0
        scores[slug] = scores.get(slug, 0.0) + contribution
        evidence.setdefault(slug, []).append((contribution, term))
    return scores, evidence


def select(scores: Scores, evidence: Evidence, lexicon: TopicLexicon) -> list[TopicResult]:
    """The lexicon's decision: topics at or above the threshold and at least ``min_relative`` of the
    best topic's score, best first, at most ``max_topics``."""
    labels = lexicon.labels
    kept = sorted((s for s in scores if scores[s] >= lexicon.threshold), key=lambda s: -scores[s])
    kept = [s for s in kept if scores[s] >= lexicon.min_relative * scores[kept[0]]]
    return [
        TopicResult(slug, labels[slug], round(scores[slug], 2), strongest(evidence, slug))
        for slug in kept[: lexicon.max_topics]
    ]


def strongest(evidence: Evidence, slug: str, limit: int = 6) -> list[str]:
    """The terms of ``slug`` that counted most, strongest first."""
    return [term for _, term in sorted(evidence.get(slug, []), reverse=True)[:limit]]


def classify(
    items: list[Syllable], title_end: int, lexicon: TopicLexicon, unaccented: bool = False
) -> list[TopicResult]:
    """Score every topic (``topic_scores``) and keep those the lexicon's rule selects (``select``)."""
    return select(*topic_scores(items, title_end, lexicon, unaccented), lexicon)
