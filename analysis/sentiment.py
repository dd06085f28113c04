"""Sentiment of the news toward the province: negative / neutral / positive, with evidence.

Scored on the sentences around the province's mentions (each counted mention's sentence and its
neighbours, and the title) when the article concerns Lai Châu, else on the whole article. Terms
come from a weighted lexicon (``config/sentiment.yaml``); a negator ("không", "chưa", "chẳng") in
the three syllables before a term flips it, an intensifier ("rất", "nghiêm trọng") scales it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.lexicon import PhraseIndex, Syllable

NEGATION_WINDOW = 3
MODIFIER_WINDOW = 2


@dataclass
class SentimentLexicon:
    terms: dict[str, float]  # negative terms < 0 < positive terms
    negators: list[str]
    intensifiers: dict[str, float]
    margin: float = 1.5  # |positive - negative| needed to leave neutral
    index: PhraseIndex[float] = field(init=False, repr=False)
    negator_index: PhraseIndex[float] = field(init=False, repr=False)
    modifier_index: PhraseIndex[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = PhraseIndex(self.terms)
        self.negator_index = PhraseIndex({word: -1.0 for word in self.negators})
        self.modifier_index = PhraseIndex(self.intensifiers)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentimentLexicon:
        terms: dict[str, float] = {}
        for polarity, sign in (("negative", -1.0), ("positive", 1.0)):
            for weight, words in (data.get(polarity) or {}).items():
                for word in words:
                    terms[str(word).strip().lower()] = sign * float(weight)
        modifiers = {str(k).lower(): float(v) for k, v in (data.get("intensifiers") or {}).items()}
        modifiers.update({str(k).lower(): float(v) for k, v in (data.get("diminishers") or {}).items()})
        return cls(terms=terms, negators=[str(n).lower() for n in data.get("negators") or []],
                   intensifiers=modifiers, margin=float(data.get("margin", 1.5)))


@dataclass(frozen=True)
class SentimentResult:
    label: str
    score: float  # positive - negative, after negation and intensifiers
    negative: float
    positive: float
    evidence: list[str]  # terms (with "không …" when negated) that decided, strongest first
    scope: str  # "province" (sentences around its mentions) | "article"


def score(items: list[Syllable], lexicon: SentimentLexicon, spans: list[tuple[int, int]] | None,
          unaccented: bool = False) -> SentimentResult:
    """``spans``: character ranges to score (sentences around the province), or None for all."""
    if spans is not None:
        items = [s for s in items if any(a <= s.start < b for a, b in spans)]
    negators = {hit.last: hit for hit in lexicon.negator_index.find(items, unaccented)}
    modifiers = {hit.last: hit.payload for hit in lexicon.modifier_index.find(items, unaccented)}
    negative = positive = 0.0
    evidence: list[tuple[float, str]] = []
    for hit in lexicon.index.find(items, unaccented):
        value = hit.payload
        negated = next((negators[i] for i in range(hit.first - NEGATION_WINDOW + 1, hit.first + 1) if i in negators),
                       None)
        factor = next((modifiers[i] for i in range(hit.first - MODIFIER_WINDOW + 1, hit.first + 1) if i in modifiers),
                      1.0)
        value *= factor
        label = hit.term
        if negated is not None:
            value = -value * 0.5  # "không có thiệt hại" leans positive, but less than a plain good term
            label = f"{negated.term} … {hit.term}"
        if value < 0:
            negative -= value
        else:
            positive += value
        evidence.append((abs(value), label))
    total = positive - negative
    if total <= -lexicon.margin:
        result = "negative"
    elif total >= lexicon.margin:
        result = "positive"
    else:
        result = "neutral"
    evidence.sort(reverse=True)
    return SentimentResult(result, round(total, 2), round(negative, 2), round(positive, 2),
                           [label for _, label in evidence[:6]], "article" if spans is None else "province")
