"""Sentiment of the news toward the province: negative / neutral / positive, with evidence.

Scored on the sentences around the province's mentions (each counted mention's sentence and its
neighbours, and the title) when the article concerns Lai Châu, else on the whole article. Terms
come from a weighted lexicon (``config/sentiment.yaml``); a negator ("không", "chưa", "chẳng") in
the three syllables before a term flips it, an intensifier ("rất", "nghiêm trọng") scales it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from analysis.lexicon import PhraseIndex, Syllable
from analysis.sentences import SpanLookup

NEGATION_WINDOW = 3
MODIFIER_WINDOW = 2
HEDGE_WINDOW = 8
HEDGE_FACTOR = 0.2
TITLE_FACTOR = 2.0
# Risk and forecast language: "nguy cơ lũ quét", "cảnh báo sạt lở" report no harm yet.
# ... and after the term: "lũ quét, sạt lở đất có khả năng xảy ra".
DEFAULT_AFTER_HEDGES = ("có khả năng xảy ra", "có thể xảy ra", "khả năng xảy ra", "có nguy cơ", "nguy cơ xảy ra",
                        "có thể gây", "có khả năng gây")
EMOJI_REPEAT_CAP = 2  # "😡😡😡😡" counts like "😡😡"
_VARIATION = dict.fromkeys(map(ord, "\ufe0e\ufe0f"), None)  # "❤️" is "❤" + VS16
_EMOTICON_START = frozenset(":;=<^>xX")
DEFAULT_HEDGES = ("nguy cơ", "cảnh báo", "đề phòng", "phòng tránh", "phòng chống", "có thể", "dự báo",
                  "khả năng", "đề phòng", "chủ động ứng phó", "ứng phó", "nguy hiểm tiềm ẩn")


@dataclass
class SentimentLexicon:
    terms: dict[str, float]  # negative terms < 0 < positive terms
    negators: list[str]
    intensifiers: dict[str, float]
    negator_exceptions: tuple[str, ...] = ()  # "không chỉ", "không may": not negations
    negative_margin: float = 1.5  # score (per √(100 syllables)) at or below −this: negative
    positive_margin: float = 1.5  # score at or above this: positive
    hedges: tuple[str, ...] = DEFAULT_HEDGES
    emoji: dict[str, float] = field(default_factory=dict)  # emoji and emoticons: "😡" -2, ":)" 1
    emoji_pattern: re.Pattern[str] | None = field(init=False, repr=False, default=None)
    index: PhraseIndex[float] = field(init=False, repr=False)
    negator_index: PhraseIndex[float] = field(init=False, repr=False)
    hedge_index: PhraseIndex[float] = field(init=False, repr=False)
    after_hedge_index: PhraseIndex[float] = field(init=False, repr=False)
    modifier_index: PhraseIndex[float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = PhraseIndex(self.terms)
        negators = {word: -1.0 for word in self.negators}
        negators.update({word: 0.0 for word in self.negator_exceptions})  # longest match wins
        self.negator_index = PhraseIndex(negators)
        self.modifier_index = PhraseIndex(self.intensifiers)
        self.hedge_index = PhraseIndex({word: 1.0 for word in self.hedges})
        self.after_hedge_index = PhraseIndex({word: 1.0 for word in DEFAULT_AFTER_HEDGES})
        self.emoji = {key.translate(_VARIATION): value for key, value in self.emoji.items() if key.strip()}
        # Emoticons made of punctuation (":(", "=))") must not sit inside a longer run of it.
        alternatives = "|".join(re.escape(k) for k in sorted(self.emoji, key=len, reverse=True))
        self.emoji_pattern = re.compile(f"(?:{alternatives})") if self.emoji else None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SentimentLexicon:
        terms: dict[str, float] = {}
        for polarity, sign in (("negative", -1.0), ("positive", 1.0)):
            for weight, words in (data.get(polarity) or {}).items():
                for word in words:
                    terms[str(word).strip().lower()] = sign * float(weight)
        modifiers = {str(k).lower(): float(v) for k, v in (data.get("intensifiers") or {}).items()}
        modifiers.update({str(k).lower(): float(v) for k, v in (data.get("diminishers") or {}).items()})
        margin = float(data.get("margin", 1.5))
        return cls(terms=terms, negators=[str(n).lower() for n in data.get("negators") or []],
                   intensifiers=modifiers,
                   negator_exceptions=tuple(str(n).lower() for n in data.get("negator_exceptions") or []),
                   negative_margin=float(data.get("negative_margin") or margin),
                   positive_margin=float(data.get("positive_margin") or margin),
                   hedges=tuple(str(h).lower() for h in data.get("hedges") or DEFAULT_HEDGES),
                   emoji={str(k): float(v) for k, v in (data.get("emoji") or {}).items()})


@dataclass(frozen=True)
class SentimentResult:
    label: str
    score: float  # positive - negative, after negation and intensifiers
    negative: float
    positive: float
    evidence: list[str]  # terms (with "không …" when negated) that decided, strongest first
    scope: str  # "province" (sentences around its mentions) | "article"
    hedged_only: bool = False  # every harm term sits under "nguy cơ", "cảnh báo", "dự báo" …: a warning
    decided_by: str = "lexicon"  # "lexicon" | "model" | "warning rule" (analysis.sentiment_model)
    lexicon_label: str = ""  # the lexicon's own label when the model decided
    probability: float | None = None  # the model's probability of ``label``


def emoji_cues(text: str, lexicon: SentimentLexicon, spans: list[tuple[int, int]] | None) -> list[tuple[str, float]]:
    """Emoji and emoticons of ``text`` (inside ``spans``, sorted and non-overlapping, when given)
    with their weights, each distinct one counted at most ``EMOJI_REPEAT_CAP`` times. An emoticon
    made of punctuation must stand apart from digits and letters ("10:30", "a=b", "x:D" are not
    emoticons)."""
    if lexicon.emoji_pattern is None or not text:
        return []
    seen: dict[str, int] = {}
    cues = []
    scope = SpanLookup(spans) if spans is not None else None
    for match in lexicon.emoji_pattern.finditer(text):  # pipeline text is normalised: no VS16 shift
        key = match.group()
        if key[0] in _EMOTICON_START:
            before = text[match.start() - 1] if match.start() else " "
            after = text[match.end()] if match.end() < len(text) else " "
            if before.isalnum() or after.isalnum() or before in ":/=" or after in "/":
                continue
        if scope is not None and match.start() not in scope:
            continue
        seen[key] = seen.get(key, 0) + 1
        if seen[key] <= EMOJI_REPEAT_CAP:
            cues.append((key, lexicon.emoji[key]))
    return cues


def in_spans(items: list[Syllable], spans: list[tuple[int, int]]) -> list[Syllable]:
    """The syllables that start inside one of ``spans`` (sorted, non-overlapping)."""
    if len(spans) == 1:
        a, b = spans[0]
        return [s for s in items if a <= s.start < b]
    scope = SpanLookup(spans)
    return [s for s in items if s.start in scope]


def hedged_positions(items: list[Syllable], lexicon: SentimentLexicon, unaccented: bool = False) -> set[int]:
    """Indexes of the syllables a risk or forecast phrase hedges: up to ``HEDGE_WINDOW`` after
    "nguy cơ", "cảnh báo" … or before "có khả năng xảy ra" …"""
    positions: set[int] = set()
    for hit in lexicon.hedge_index.find(items, unaccented):
        positions.update(range(hit.last, hit.last + HEDGE_WINDOW))
    for hit in lexicon.after_hedge_index.find(items, unaccented):
        positions.update(range(hit.first - HEDGE_WINDOW, hit.first))
    return positions


def score(items: list[Syllable], lexicon: SentimentLexicon, spans: list[tuple[int, int]] | None,
          unaccented: bool = False, title_end: int = 0, text: str = "",
          hedged: set[int] | None = None) -> SentimentResult:
    """``items``: the syllables to score: those inside ``spans`` (``in_spans``; the sentences around
    the province) or, with ``spans`` None, all of them. ``spans`` also bounds the emoji read from
    ``text``, the document the syllables come from (posts and comments: "😡", "👍", ":(").
    ``hedged``: ``hedged_positions`` of ``items``, when the caller has them already.

    Terms in the title count ``TITLE_FACTOR`` times; terms after risk or forecast words
    ("nguy cơ", "cảnh báo") count ``HEDGE_FACTOR``. The sum is divided by √(syllables / 100) so long
    articles do not drift negative by length alone."""
    negators = {hit.last: hit for hit in lexicon.negator_index.find(items, unaccented) if hit.payload}
    modifiers = {hit.last: hit.payload for hit in lexicon.modifier_index.find(items, unaccented)}
    if hedged is None:
        hedged = hedged_positions(items, lexicon, unaccented)
    negative = positive = plain_negative = 0.0
    evidence: list[tuple[float, str]] = []
    for hit in lexicon.index.find(items, unaccented):
        value = hit.payload
        negated = next((negators[i] for i in range(hit.first - NEGATION_WINDOW + 1, hit.first + 1) if i in negators),
                       None)
        factor = next((modifiers[i] for i in range(hit.first - MODIFIER_WINDOW + 1, hit.first + 1) if i in modifiers),
                      1.0)
        value *= factor
        is_hedged = hit.first in hedged or hit.last - 1 in hedged
        if is_hedged:
            value *= HEDGE_FACTOR
        if hit.start < title_end:
            value *= TITLE_FACTOR
        label = hit.term
        if negated is not None:
            value = -value  # "không có thiệt hại về người" reassures as much as "thiệt hại" alarms
            label = f"{negated.term} … {hit.term}"
        if value < 0:
            negative -= value
            if not is_hedged:
                plain_negative -= value
        else:
            positive += value
        evidence.append((abs(value), label))
    for cue, value in emoji_cues(text, lexicon, spans):
        if value < 0:
            negative -= value
            plain_negative -= value
        else:
            positive += value
        evidence.append((abs(value), cue))
    total = (positive - negative) / max(1.0, math.sqrt(len(items) / 100))
    if total <= -lexicon.negative_margin:
        result = "negative"
    elif total >= lexicon.positive_margin:
        result = "positive"
    else:
        result = "neutral"
    evidence.sort(reverse=True)
    return SentimentResult(result, round(total, 2), round(negative, 2), round(positive, 2),
                           [label for _, label in evidence[:6]], "article" if spans is None else "province",
                           hedged_only=negative > 0 and plain_negative == 0)
