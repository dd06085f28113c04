"""Toxicity of a post or comment: clean / offensive / hate, with a score and the terms found.

Lexicon-based (``config/toxicity.yaml``), no trained model. The text is squashed first ("n.g.u",
"nguuuu" → "ngu"), chat abbreviations are expanded ("ko" → "không", "m" → "mày"), then the
profanity, insult, hate and target lists are looked up with ``PhraseIndex`` on the accented
syllables and, for syllables typed without diacritics, on their folded form (terms listed in
``no_fold`` excepted: "lon", "cho", "may", "do cho" are ordinary words). Score = sum of the weights
of the distinct terms, divided by (syllables / 100) above 100 syllables: a long text is judged by
its density of insults, so a news report quoting one is not toxic. A toxic text is "hate"
(UIT-ViHSD's sense: aimed at a person or group) when its hate terms reach ``hate_threshold``, when
it insults ("óc chó", "ngu"), or when its profanity names a target ("thằng", "mày", "bọn"); vulgar
language aimed at no one is "offensive". A negator right before an insult ("không ngu") cancels it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from analysis.lexicon import Hit, PhraseIndex, Syllable, syllables
from analysis.normalize import fold, normalize
from analysis.teencode import expand, squash

KINDS = ("profanity", "insults", "hate", "targets")
NEGATION_WINDOW = 2
LENGTH_UNIT = 100  # syllables; a longer text is scored per LENGTH_UNIT (insults per 100 syllables)


@dataclass(frozen=True)
class Term:
    kind: str  # one of KINDS
    weight: float


@dataclass
class ToxicityLexicon:
    terms: dict[str, Term]
    negators: list[str] = field(default_factory=list)
    no_fold: frozenset[str] = frozenset()
    threshold: float = 2.0
    hate_threshold: float = 2.0
    index: PhraseIndex[Term] = field(init=False, repr=False)
    folded_index: PhraseIndex[Term] = field(init=False, repr=False)
    negator_index: PhraseIndex[bool] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = PhraseIndex(self.terms)
        folded: dict[str, Term] = {}
        for term, payload in self.terms.items():
            if term in self.no_fold:
                continue
            key = fold(term)
            if key not in folded or folded[key].weight < payload.weight:
                folded[key] = payload
        self.folded_index = PhraseIndex(folded)
        self.negator_index = PhraseIndex(dict.fromkeys(self.negators, True))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ToxicityLexicon:
        terms: dict[str, Term] = {}
        for kind in KINDS:
            for weight, words in (data.get(kind) or {}).items():
                for word in words:
                    key = " ".join(normalize(str(word)).lower().split())
                    if key and (key not in terms or terms[key].weight < float(weight)):
                        terms[key] = Term(kind, float(weight))
        return cls(terms=terms, negators=[normalize(str(n)).lower() for n in data.get("negators") or []],
                   no_fold=frozenset(normalize(str(n)).lower() for n in data.get("no_fold") or []),
                   threshold=float(data.get("threshold", 2.0)),
                   hate_threshold=float(data.get("hate_threshold", 2.0)))

    @classmethod
    def empty(cls) -> ToxicityLexicon:
        """No terms: everything is clean (a configuration directory without toxicity.yaml)."""
        return cls(terms={})


@dataclass(frozen=True)
class ToxicityResult:
    label: str  # "clean" | "offensive" | "hate"
    score: float
    terms: list[str]  # the terms found, heaviest first

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "score": self.score, "terms": self.terms}


CLEAN = ToxicityResult("clean", 0.0, [])


def _hits(items: list[Syllable], lexicon: ToxicityLexicon) -> list[Hit[Term]]:
    """Accented matches, plus folded matches over the syllables typed without diacritics; where
    both find something at the same place the longer one wins."""
    found = {(h.first, h.last): h for h in lexicon.index.find(items)}
    if any(s.text == s.folded for s in items):
        # Accented syllables keep their accents, so folded keys (all ASCII) only match plain ones:
        # "lớn" never reads as "lồn", "oc cho" reads as "óc chó".
        for hit in lexicon.folded_index.find(items):
            found.setdefault((hit.first, hit.last), hit)
    chosen: list[Hit[Term]] = []
    covered: set[int] = set()
    for hit in sorted(found.values(), key=lambda h: (h.first - h.last, h.first)):  # longest first
        span = set(range(hit.first, hit.last))
        if span & covered:
            continue
        covered |= span
        chosen.append(hit)
    return chosen


def grade(text: str, lexicon: ToxicityLexicon, comment: bool = True,
          items: list[Syllable] | None = None) -> ToxicityResult:
    """Grade ``text`` (any length; meant for posts and comments). ``comment=False`` (an article)
    keeps the one-letter chat forms as typed: "500 m" is not "500 mày". ``items``: the article's
    syllables, already normalised and expanded by the caller (articles only: a post or comment is
    also un-stretched and de-leeted here, "nguuuu" → "ngu", which news text does not need)."""
    if not lexicon.terms or not text:
        return CLEAN
    if items is None or comment:
        items = expand(syllables(squash(normalize(text))), comments=comment)
    hits = _hits(items, lexicon) if items else []
    if not hits:
        return CLEAN  # most texts: no term at all, so no negation to look for
    negated_at = {hit.last for hit in lexicon.negator_index.find(items)}
    negated_at |= {hit.last for hit in lexicon.negator_index.find(
        [Syllable(s.folded, s.folded, s.start, s.end) for s in items])}
    total = 0.0
    hate = 0.0
    insult = profanity = target = False
    evidence: list[tuple[float, str]] = []
    seen: set[str] = set()
    for hit in hits:
        term = hit.payload
        if hit.term in seen:
            continue  # a word repeated ("cướp" in a robbery report) counts once
        seen.add(hit.term)
        if term.kind == "insults" and any(i in negated_at for i in range(hit.first - NEGATION_WINDOW + 1,
                                                                            hit.first + 1)):
            continue  # "không ngu", "chẳng hề ngu"
        total += term.weight
        if term.kind == "hate":
            hate += term.weight
        elif term.kind == "insults":
            insult = True
        elif term.kind == "profanity":
            profanity = True
        elif term.kind == "targets":
            target = True
            continue  # a target is no evidence by itself
        evidence.append((term.weight, hit.term))
    total /= max(1.0, len(items) / LENGTH_UNIT)
    if total < lexicon.threshold or not evidence:
        return ToxicityResult("clean", round(total, 2), [t for _, t in sorted(evidence, reverse=True)])
    # Hate as UIT-ViHSD defines it: aimed at a person or a group. Insults are aimed by nature;
    # profanity is when a target word names someone ("đm thằng ...", "bọn mày ... đéo").
    label = "hate" if hate >= lexicon.hate_threshold or insult or (profanity and target) else "offensive"
    evidence.sort(key=lambda e: -e[0])
    return ToxicityResult(label, round(total, 2), list(dict.fromkeys(t for _, t in evidence))[:8])
