"""A trained topic model over the topic lexicon's scores and the article's words.

The lexicon (``analysis.topics``, ``config/topics.yaml``) stays the first reader: an operator tunes
its terms and its terms are the evidence an analyst sees. What ``presswatch train topics`` learns
from labelled articles (the shipped training set and the office's corrections) is how to read it:
one-vs-rest logistic regressions, one per topic, over

* the lexicon's score of every topic (``lex:<slug>``: ln(1 + score), also below the threshold),
  whether the lexicon's own rule kept the topic (``kept:<slug>``) and which topic it ranked first
  (``first:<slug>``); each term of the lexicon found (``term:<term>``: ln(1 + its contribution)), so
  a term that over-fires on real articles can weigh less than its weight in ``topics.yaml``;
* the folded syllable unigrams and bigrams of the title and the first ``TEXT_SYLLABLES`` syllables
  (binary, L2-normalised, ``w:`` and ``b:``) and the title's words again (``t:``).

Each topic has its own decision threshold on its probability (chosen on the training data by inner
cross-validation); the topics at or above theirs are kept, most probable first, at most
``max_topics``. Topics the lexicon knows and the model does not (added to ``topics.yaml`` after
training) are decided by the lexicon; topics the model knows and the lexicon no longer does are
dropped.

Inference is a dictionary lookup per feature: no numpy, no scikit-learn (training only:
``analysis.topic_training``). A model is the JSON ``TopicModel.to_json`` writes.
"""

from __future__ import annotations

import heapq
import json
import math
from dataclasses import dataclass
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import Any

from analysis.lexicon import Syllable
from analysis.topics import Evidence, Scores, TopicLexicon, TopicResult, select, strongest

TEXT_SYLLABLES = 400
_EVIDENCE_PREFIX = "b:"  # word pairs: single syllables ("người", "năm") say too little to show


def topic_features(items: list[Syllable], title_end: int, lexicon: TopicLexicon, scores: Scores,
                   terms: Evidence | None = None) -> dict[str, float]:
    """What the model reads for one text: the lexicon's ``scores`` and the contribution of each of
    its ``terms`` found (``topic_scores``), its decision, and the words of the title and the text's
    beginning."""
    features: dict[str, float] = {}
    for slug, value in scores.items():
        features["lex:" + slug] = math.log1p(value)
    for pairs in (terms or {}).values():
        for contribution, term in pairs:
            name = "term:" + term
            features[name] = max(features.get(name, 0.0), math.log1p(contribution))
    kept = select(scores, {}, lexicon)
    for rank, result in enumerate(kept):
        features["kept:" + result.slug] = 1.0
        if rank == 0:
            features["first:" + result.slug] = 1.0
    words = [s.folded for s in items[:TEXT_SYLLABLES]]
    present = {"w:" + word for word in words}
    present.update("b:" + a + " " + b for a, b in zip(words, words[1:], strict=False))
    if present:
        features.update(dict.fromkeys(present, 1.0 / math.sqrt(len(present))))
    title = {"t:" + s.folded for s in items if s.start < title_end}
    if title:
        features.update(dict.fromkeys(title, 1.0 / math.sqrt(len(title))))
    return features


@dataclass(frozen=True)
class Scored:
    slug: str
    probability: float
    grams: list[str]  # the word pairs that pushed toward the topic most (folded, as the features name them)


class TopicModel:
    """Per topic (``labels``): a bias, a weight per feature and a decision threshold."""

    def __init__(self, labels: list[str], bias: list[float], weights: dict[str, list[float]],
                 thresholds: list[float], max_topics: int = 3, meta: dict[str, Any] | None = None,
                 at_least_one: bool = False) -> None:
        self.labels = labels
        self.at_least_one = at_least_one
        self.bias = bias
        self.weights = weights
        self.thresholds = thresholds
        self.max_topics = max_topics
        self.meta = meta or {}
        self._zero = (0.0,) * len(labels)

    @classmethod
    def load(cls, path: Path) -> TopicModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls.from_json(data)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TopicModel:
        return cls([str(x) for x in data["labels"]], [float(b) for b in data["bias"]],
                   {k: [float(x) for x in v] for k, v in data["weights"].items()},
                   [float(t) for t in data["thresholds"]], int(data.get("max_topics", 3)), data.get("meta"),
                   bool(data.get("at_least_one", False)))

    def to_json(self) -> dict[str, Any]:
        return {"kind": "topics", "labels": self.labels, "bias": self.bias, "thresholds": self.thresholds,
                "max_topics": self.max_topics, "at_least_one": self.at_least_one, "weights": self.weights,
                "meta": self.meta}

    def probabilities(self, features: dict[str, float]) -> list[float]:
        """Each topic's probability (the order of ``labels``)."""
        return self._chances(list(features.values()), self._columns(features))

    def _columns(self, features: dict[str, float]) -> list[tuple[float, ...]]:
        """Per topic, the weight of each feature (0 when unknown), in the features' order: the
        lookups and the transposition run in C (map, zip), not per feature in Python."""
        return list(zip(*map(self.weights.get, features, repeat(self._zero)), strict=True)) if features else []

    def _chances(self, values: list[float], columns: list[tuple[float, ...]]) -> list[float]:
        sums = [b + sum(map(mul, values, column)) for b, column in zip(self.bias, columns, strict=True)] \
            if columns else list(self.bias)
        return [1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, s)))) for s in sums]

    def predict(self, features: dict[str, float], known: frozenset[str] | set[str] | None = None) -> list[Scored]:
        """The topics at or above their threshold, most probable first, at most ``max_topics``
        (``at_least_one``: the most probable one when none reaches its threshold); ``known``: only
        these slugs (the lexicon's)."""
        values = list(features.values())
        columns = self._columns(features)
        chances = self._chances(values, columns)
        allowed = [k for k in range(len(self.labels)) if known is None or self.labels[k] in known]
        kept = sorted((k for k in allowed if chances[k] >= self.thresholds[k]), key=lambda k: -chances[k])
        if not kept and self.at_least_one and allowed:
            kept = [max(allowed, key=lambda k: chances[k] / max(self.thresholds[k], 1e-9))]
        return [Scored(self.labels[k], chances[k], self._grams(features, values, columns[k]))
                for k in kept[:self.max_topics]]

    @staticmethod
    def _grams(features: dict[str, float], values: list[float], column: tuple[float, ...]) -> list[str]:
        pushed = heapq.nlargest(12, zip(map(mul, values, column), features, strict=True))
        words = [name.split(":", 1)[1] for gain, name in pushed if gain > 0 and name.startswith(_EVIDENCE_PREFIX)]
        return list(dict.fromkeys(words))[:3]


def _as_written(gram: str, items: list[Syllable], text: str) -> str:
    """The first occurrence of a folded n-gram among ``items``, as published."""
    words = gram.split(" ")
    for index in range(len(items) - len(words) + 1):
        if all(items[index + k].folded == word for k, word in enumerate(words)):
            return text[items[index].start:items[index + len(words) - 1].end]
    return gram


def _evidence(evidence: Evidence, scored: Scored, items: list[Syllable], text: str) -> list[str]:
    """The lexicon's terms for the topic (at most 4), then, when they are fewer, the words that
    pushed the model toward it, as written, unless a term shown already holds them."""
    terms = strongest(evidence, scored.slug, 4)
    shown = " ".join(terms)
    words = [_as_written(g, items, text) for g in scored.grams]
    extra = [w for w in words if w.lower() not in shown] if len(terms) < 4 else []
    return list(dict.fromkeys([*terms, *extra]))[:4]


def model_topics(model: TopicModel, features: dict[str, float], lexicon: TopicLexicon, scores: Scores,
                 evidence: Evidence, items: list[Syllable], text: str) -> list[TopicResult]:
    """The model's topics (score: the lexicon's; probability: the model's), each with the
    lexicon's terms for it first, then the word pairs that pushed the model toward it
    (``_evidence``); then the lexicon's own topics the model does not know, up to ``max_topics``."""
    labels = lexicon.labels
    found = [TopicResult(s.slug, labels[s.slug], round(scores.get(s.slug, 0.0), 2),
                         _evidence(evidence, s, items, text), round(s.probability, 3))
             for s in model.predict(features, set(labels))]
    unknown = [t for t in select(scores, evidence, lexicon) if t.slug not in model.labels]
    return (found + unknown)[:model.max_topics]
