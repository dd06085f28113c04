"""The interface every search backend implements: a ``SearchRequest`` (query text in the language of
``presswatch.query``, extra filters, sort, page, facets) in, a ``SearchResult`` of ``Hit``s out.

``SearchBackend`` is what a backend provides (``presswatch.search.sqlite.SqliteIndex``,
``presswatch.search.elastic.EsIndex``); ``presswatch.search.open_backend`` opens the configured one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, Protocol

from presswatch.errors import QueryError
from presswatch.query import And, Field, Node, parse

MAX_LIMIT = 1_000_000  # hits one search returns (export_max_rows is at most this)
MAX_OFFSET = 10_000_000

__all__ = ["MAX_LIMIT", "MAX_OFFSET", "Hit", "SearchBackend", "SearchRequest", "SearchResult"]


@dataclass(frozen=True)
class SearchRequest:
    """One search: the query text, extra filters, sort order, page and whether to count facets."""

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
    """One matching article as a result list shows it: snippet, highlighted spans, ranking tiers."""

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
    """One page of hits, the total count, and (if asked) counts per facet value and per day."""

    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    per_day: list[tuple[str, int]] = field(default_factory=list)  # (YYYY-MM-DD in Vietnam, count)
    facets_omitted: bool = False  # facets asked for, but more than ``facet_max_hits`` matches


class SearchBackend(Protocol):
    """What a backend provides: the answer to a request."""

    def search(self, request: SearchRequest) -> SearchResult: ...
