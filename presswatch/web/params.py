"""The search form: query-string parameters → a ``SearchRequest``.

Shared by the search page, the API and exports; also the links that keep the form, and the form as
one query-language string."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from presswatch.errors import QueryError
from presswatch.provinces import resolve as resolve_province
from presswatch.query import YEAR_MAX, YEAR_MIN, DateBound, Field, parse_since
from presswatch.search import SearchRequest

PAGE_SIZE = 20
MAX_PAGE = 100  # relevance ranking re-ranks a bounded pool; deeper pages are for date order or export
FILTERS = ("source", "kind", "topic", "sentiment", "relevance", "place", "province")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_LABELS = {"since": "Từ ngày", "until": "Đến ngày"}


def _filter_value(name: str, value: str) -> str:
    """A province filter as its 2025 name ("dien bien", "Tỉnh Điện Biên" → "Điện Biên"); QueryError
    naming the closest when there is no such province. Other filters as given."""
    if name != "province":
        return value
    try:
        return resolve_province(value)[0]
    except ValueError as exc:
        raise QueryError(f"Tỉnh (province): {exc}", None) from None


@dataclass(frozen=True)
class SearchForm:
    q: str = ""
    since: str = ""
    until: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    whole: bool = False  # ``all=1``: the whole archive, not the page's default window (``windowed``)

    @classmethod
    def parse(cls, params: QueryParams) -> SearchForm:
        filters = {}
        for name in FILTERS:
            values = [v.strip() for v in params.getlist(name) if v.strip()][:20]
            if values:
                filters[name] = [v[:200] for v in values]
        try:
            page = min(max(int(params.get("page", "1")), 1), MAX_PAGE)
        except ValueError:
            page = 1
        sort = params.get("sort", "relevance")
        # Nothing is cut: a query over the query language's limits gets an error naming the limit.
        return cls(q=params.get("q", "").strip(), since=params.get("since", "").strip()[:200],
                   until=params.get("until", "").strip()[:200], filters=filters,
                   sort=sort if sort in ("relevance", "date") else "relevance", page=page,
                   whole=params.get("all") == "1")

    @property
    def empty(self) -> bool:
        return not (self.q or self.since or self.until or self.filters)

    def windowed(self, days: int, today: date) -> SearchForm:
        """The search page's default: a search without dates (and without ``all=1``) covers the last
        ``days`` days (since ``today - days``); ``days`` 0, or a form with dates, is left as it is."""
        if not days or self.empty or self.whole or self.since or self.until:
            return self
        return replace(self, since=(today - timedelta(days=days)).isoformat())

    def bounds(self) -> list[DateBound]:
        """The form's dates (the query language's date limits apply); QueryError naming the field."""
        out = []
        for name, value in (("since", self.since), ("until", self.until)):
            if not value:
                continue
            label = DATE_LABELS[name]
            if not _DAY.fullmatch(value):
                raise QueryError(f"{label} ({name}): ngày '{value}' phải có dạng YYYY-MM-DD", None)
            try:
                moment = parse_since(value)
            except QueryError as exc:
                raise QueryError(f"{label} ({name}): {exc.message}", None) from None
            out.append(DateBound(name, moment + timedelta(days=1) if name == "until" else moment))
        return out  # "đến ngày" includes that day

    def request(self, limit: int = PAGE_SIZE, offset: int | None = None, facets: bool = False,
                facet_max_hits: int | None = None) -> SearchRequest:
        fields: list[Field | DateBound] = [Field(name, _filter_value(name, value))
                                           for name, values in self.filters.items() for value in values]
        fields.extend(self.bounds())
        start = (self.page - 1) * PAGE_SIZE if offset is None else offset
        return SearchRequest(query=self.q, sort=self.sort, limit=limit, offset=start,  # type: ignore[arg-type]
                             facets=facets, facet_max_hits=facet_max_hits,
                             filters=tuple(fields))  # type: ignore[arg-type]

    def pairs(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        if self.q:
            out.append(("q", self.q))
        for name in ("since", "until"):
            if getattr(self, name):
                out.append((name, getattr(self, name)))
        for name, values in self.filters.items():
            out.extend((name, value) for value in values)
        if self.sort != "relevance":
            out.append(("sort", self.sort))
        if self.whole:
            out.append(("all", "1"))
        return out

    def link(self, **changes: object) -> str:
        """This search with some parts changed, as a query string (``page`` dropped unless given)."""
        changes.setdefault("page", 1)
        form = replace(self, **changes)  # type: ignore[arg-type]
        pairs = form.pairs() + ([("page", str(form.page))] if form.page > 1 else [])
        return urlencode(pairs)

    def toggled(self, name: str, value: str) -> str:
        """The query string with filter ``name=value`` added, or removed if present."""
        values = list(self.filters.get(name, []))
        values = [v for v in values if v != value] if value in values else values + [value]
        filters = {**self.filters, name: values}
        return self.link(filters={k: v for k, v in filters.items() if v})

    def query_language(self) -> str:
        """The whole search as one query (for saved searches and alert rules)."""
        parts = [f"({self.q})" if self.q and self.filters and " OR " in self.q else self.q] if self.q else []
        for name, values in self.filters.items():
            quoted = [f'{name}:"{v}"' if re.search(r'[\s()"]', v) else f"{name}:{v}" for v in values
                      if '"' not in v]
            parts.append(quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")")
        if self.since:
            parts.append(f"since:{self.since}")
        if self.until and _DAY.fullmatch(self.until) and _valid_day(self.until):  # "đến ngày" includes that day
            parts.append(f"until:{(date.fromisoformat(self.until) + timedelta(days=1)).isoformat()}")
        return " ".join(p for p in parts if p)


def _valid_day(value: str) -> bool:
    try:
        return YEAR_MIN <= date.fromisoformat(value).year <= YEAR_MAX
    except ValueError:
        return False
