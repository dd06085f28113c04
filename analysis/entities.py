"""Persons, organisations and locations from underthesea's NER (CRF model shipped in the wheel).

NER (underthesea runs POS tagging, chunking and a CRF per sentence) costs about 10 ms a sentence,
more than segmenting a whole article, so it runs on the title and at most two sentences that
mention the province, and only for articles that concern the province.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

KINDS = {"PER": "person", "ORG": "organisation", "LOC": "location"}
MAX_SENTENCES = 3
# NER reads at most this much of each sentence: its features cost grows with the square of the
# sentence's words (0.3 s for 1,000 characters), and a hostile page can be one endless sentence.
MAX_NER_CHARS = 1000


@dataclass(frozen=True)
class Entity:
    text: str
    kind: str  # person | organisation | location


@lru_cache(maxsize=1)
def tagger() -> Any:
    """underthesea's ``ner``, imported (and its models loaded) once."""
    from underthesea import ner

    return ner


def entities(sentences: list[str]) -> list[Entity]:
    found: dict[tuple[str, str], Entity] = {}
    for sentence in sentences[:MAX_SENTENCES]:
        if not sentence.strip():
            continue
        current: list[str] = []
        kind = ""
        for word, *_, tag in [*tagger()(sentence[:MAX_NER_CHARS]), ("", "", "", "O")]:
            if tag.startswith("I-") and current and tag[2:] == kind:
                current.append(word)
                continue
            if current and kind in KINDS:
                text = " ".join(current)
                found.setdefault((text, KINDS[kind]), Entity(text, KINDS[kind]))
            current, kind = ([word], tag[2:]) if tag.startswith(("B-", "I-")) else ([], "")
    return list(found.values())
