"""Search: one request/result interface over two backends (the embedded SQLite index here,
Elasticsearch in ``presswatch.search.elastic``), both answering the query language of
``presswatch.query``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Literal, Protocol

from analysis import fold
from presswatch.errors import QueryError
from presswatch.query import And, Field, Node, Phrase, Word, loose_phrase, parse, parse_since, positive_terms

MAX_LIMIT = 1_000_000  # hits one search returns (export_max_rows is at most this)
MAX_OFFSET = 10_000_000

__all__ = ["Hit", "SearchBackend", "SearchRequest", "SearchResult", "highlight", "parse_since",
           "places_named", "rank_key"]


@dataclass(frozen=True)
class SearchRequest:
    query: str
    sort: Literal["relevance", "date"] = "relevance"
    limit: int = 20
    offset: int = 0
    facets: bool = False
    # Facets are counted only when the search matches at most this many articles (their cost grows
    # with every match); over it the result says ``facets_omitted``. None: always counted.
    facet_max_hits: int | None = None
    filters: tuple[Field, ...] = ()  # extra field filters (from CLI options or UI controls), ANDed
    now: datetime | None = None

    def __post_init__(self) -> None:
        for name, value, most in (("limit", self.limit, MAX_LIMIT), ("offset", self.offset, MAX_OFFSET)):
            if not 0 <= value <= most:
                raise QueryError(f"{name} phải từ 0 đến {most:,}".replace(",", "."), None)

    def tree(self) -> Node:
        node = parse(self.query, self.now) if self.query.strip() else None
        items = ([node] if node is not None else []) + list(self.filters)
        if not items:
            raise QueryError("truy vấn rỗng", 0)
        return items[0] if len(items) == 1 else And(tuple(items))


@dataclass(frozen=True)
class Hit:
    id: int
    url: str
    source_id: str
    source_kind: str
    title: str
    published_at: datetime | None
    dated_at: datetime
    snippet: str
    highlights: list[tuple[int, int]]  # spans of ``snippet`` that matched
    exact: bool  # the accented form as typed occurs (ranks first)
    together: bool = False  # loose words typed together ("muong te") stand together in the text
    relevance: str | None = None
    sentiment: str | None = None
    topics: list[str] = field(default_factory=list)


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    per_day: list[tuple[str, int]] = field(default_factory=list)  # (YYYY-MM-DD in Vietnam, count)
    facets_omitted: bool = False  # facets asked for, but more than ``facet_max_hits`` matches


class SearchBackend(Protocol):
    def search(self, request: SearchRequest) -> SearchResult: ...


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
