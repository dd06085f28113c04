"""Phrase lookup over syllables: the engine under topics and sentiment.

Terms are whole syllable sequences ("sạt lở", "lũ quét"), matched on the lower-cased normalised
text by looking up the 1..n-syllable windows in a dict (longest first), which is much faster than
a regular expression with hundreds of alternatives. Text written without diacritics (common on
social media) is matched against the folded terms instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from operator import itemgetter
from typing import Generic, NamedTuple, TypeVar

from analysis.normalize import fold

T = TypeVar("T")
_SYLLABLE = re.compile(r"\w+")
_DIACRITIC_LETTERS = re.compile(r"[^\x00-\x7f]")
_TEXT = itemgetter(0)  # Syllable.text, read in C
_FOLDED = itemgetter(1)  # Syllable.folded


class Syllable(NamedTuple):  # a tuple: built for every syllable of every text, 4× cheaper than a dataclass
    text: str  # lower-cased
    folded: str
    start: int
    end: int


def syllables(text: str) -> list[Syllable]:
    lowered = text.lower()
    folded = fold(text)
    return [Syllable(lowered[a:b], folded[a:b], a, b) for a, b in map(re.Match.span, _SYLLABLE.finditer(lowered))]


def mostly_unaccented(items: list[Syllable]) -> bool:
    """True when the text looks typed without diacritics (few syllables carry any)."""
    if len(items) < 8:
        return all(s.text == s.folded for s in items)
    accented = sum(1 for s in items if s.text != s.folded)
    return accented / len(items) < 0.08


@dataclass(frozen=True)
class Hit(Generic[T]):
    term: str
    start: int  # character offsets
    end: int
    first: int  # syllable indexes [first, last)
    last: int
    payload: T


class PhraseIndex(Generic[T]):
    def __init__(self, terms: dict[str, T]) -> None:
        self.terms: dict[str, T] = {}
        self.folded: dict[str, T] = {}
        self.longest = 1
        self.starts: set[str] = set()
        self.folded_starts: set[str] = set()
        for term, payload in terms.items():
            words = _SYLLABLE.findall(term.lower())
            if not words:
                continue
            key = " ".join(words)
            self.terms[key] = payload
            self.folded.setdefault(fold(key), payload)
            self.starts.add(words[0])
            self.folded_starts.add(fold(words[0]))
            self.longest = max(self.longest, len(words))

    def find(self, items: list[Syllable], unaccented: bool = False) -> list[Hit[T]]:
        table = self.folded if unaccented else self.terms
        starts = self.folded_starts if unaccented else self.starts
        words = list(map(_FOLDED if unaccented else _TEXT, items))
        hits: list[Hit[T]] = []
        index = 0
        count = len(words)
        while index < count:
            if words[index] not in starts:
                index += 1
                continue
            keys = [words[index]]
            for offset in range(1, min(self.longest, count - index)):
                keys.append(keys[-1] + " " + words[index + offset])
            for size in range(len(keys), 0, -1):
                payload = table.get(keys[size - 1])
                if payload is not None:
                    hits.append(Hit(keys[size - 1], items[index].start, items[index + size - 1].end, index,
                                    index + size, payload))
                    index += size
                    break
            else:
                index += 1
        return hits
