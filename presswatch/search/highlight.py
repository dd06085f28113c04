"""What both search backends share after matching: the snippet of a hit with its matched spans, the
(exact, together) ranking key that puts accented and adjacent matches first, and the gazetteer names
a ``place:`` filter stands for.

Pure functions of the text and the query AST (``presswatch.query``); they never touch an index.
"""

from __future__ import annotations

import re
from functools import lru_cache

from analysis import fold
from presswatch.query import Node, Phrase, Word, loose_phrase, positive_terms

__all__ = ["highlight", "places_named", "rank_key"]


@lru_cache(maxsize=256)
def places_named(value: str) -> tuple[str, ...]:
    """Gazetteer names a ``place:`` value refers to (folded comparison: "Muong Te" is "Mường Tè")."""
    from analysis.gazetteer import load as load_gazetteer

    gazetteer = load_gazetteer()
    wanted = fold(value)
    names = [gazetteer.province.name, *gazetteer.units]
    return tuple(name for name in names if fold(name) == wanted) or (value,)


def _term_pattern(term: Word | Phrase) -> re.Pattern[str]:
    parts = [re.escape(word) for word in term.words]
    tail = r"\w*" if isinstance(term, Word) and term.prefix else r"\b"
    return re.compile(r"\b" + r"\W+".join(parts) + tail)


def rank_key(text: str, node: Node) -> tuple[bool, bool]:
    """(exact, together) for ``text``: every looked-for term occurs with the accents as typed (or,
    for loose words, their accented phrase does); loose words stand together."""
    terms = positive_terms(node)
    lowered = text.lower()
    together = loose_phrase(node)
    if together is not None:
        adjacent = bool(_term_pattern(together).search(fold(text)))
        return together.original in lowered, adjacent
    return bool(terms) and all(term.original in lowered for term in terms), False


def highlight(text: str, node: Node, width: int = 200) -> tuple[str, list[tuple[int, int]]]:
    """A snippet of ``text`` (normalised, accented) around the first match, and the matched spans
    in it."""
    terms = positive_terms(node)
    together = loose_phrase(node)
    folded = fold(text)
    spans: list[tuple[int, int]] = []
    if together is not None:
        spans.extend(match.span() for match in _term_pattern(together).finditer(folded))
    anchor = spans[0][0] if spans else None  # the words standing together, if they do
    for term in terms:
        spans.extend(match.span() for match in _term_pattern(term).finditer(folded))
    spans.sort()
    if anchor is None and spans:
        anchor = spans[0][0]
    start = max(0, anchor - width // 3) if anchor is not None else 0
    end = min(len(text), start + width)
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    snippet = text[start:end].replace("\n", " ")
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    prefix = "…" if start else ""
    suffix = "…" if end < len(text) else ""
    shifted = [(a + len(prefix), b + len(prefix)) for a, b in inside]
    merged: list[tuple[int, int]] = []
    for a, b in shifted:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return prefix + snippet + suffix, merged
