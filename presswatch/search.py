"""Search the embedded index: folded full-text match, date and source filters, snippets.

This is the first cut used by the CLI; the full query language (boolean operators, proximity,
field filters) comes with the search issue and replaces ``parse_simple``. User text never reaches
FTS5 ``MATCH`` raw: it is folded, split into word tokens, and every token is quoted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from analysis import fold, normalize
from presswatch.errors import QueryError
from presswatch.store import Store, iso, parse_iso

_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r'"([^"]*)"|(-?)(\S+)')
_RELATIVE = re.compile(r"^(\d+)\s*([hdw])$")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # folded word tokens; more than one = phrase
    original: str  # as typed, normalised (for exact-accent ranking)
    negated: bool = False


@dataclass(frozen=True)
class Hit:
    id: int
    url: str
    source_id: str
    title: str
    published_at: datetime | None
    dated_at: datetime
    snippet: str
    exact: bool
    score: float
    relevance: str | None = None
    sentiment: str | None = None
    topics: list[str] = field(default_factory=list)


def parse_simple(query: str) -> list[Term]:
    """Words, "exact phrases" and -exclusions; raises QueryError with the position of a problem."""
    if query.count('"') % 2:
        raise QueryError("thiếu dấu ngoặc kép đóng", query.rfind('"'))
    terms = []
    for match in _TOKEN.finditer(query):
        phrase, minus, word = match.group(1), match.group(2), match.group(3)
        raw = phrase if phrase is not None else word
        words = tuple(_WORD.findall(fold(raw)))
        if not words:
            continue
        terms.append(Term(words=words, original=normalize(raw).lower(), negated=bool(minus)))
    if not any(not term.negated for term in terms):
        raise QueryError("truy vấn cần ít nhất một từ cần tìm (không chỉ từ loại trừ)", 0)
    return terms


def fts_expression(terms: list[Term]) -> str:
    positives = " AND ".join('"' + " ".join(t.words) + '"' for t in terms if not t.negated)
    negatives = "".join(' NOT "' + " ".join(t.words) + '"' for t in terms if t.negated)
    return f"({positives}){negatives}" if negatives else positives


def parse_since(value: str, now: datetime | None = None) -> datetime:
    """``7d``, ``24h``, ``2w`` or a date ``YYYY-MM-DD`` (midnight in Vietnam) → UTC datetime."""
    now = now or datetime.now(UTC)
    match = _RELATIVE.match(value.strip())
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        delta = {"h": timedelta(hours=amount), "d": timedelta(days=amount), "w": timedelta(weeks=amount)}[unit]
        return now - delta
    try:
        day = datetime.strptime(value.strip(), "%Y-%m-%d")
    except ValueError:
        raise QueryError(f"'{value}' không phải ngày (YYYY-MM-DD) hay khoảng thời gian (7d, 24h)", 0) from None
    return day.replace(tzinfo=UTC) - timedelta(hours=7)


def _snippet(text: str, terms: list[Term], width: int = 90) -> str:
    """A window of ``text`` around the first term (in query order) that occurs in it."""
    folded = fold(text)
    start = 0
    for term in terms:
        if term.negated:
            continue
        found = re.search(r"\b" + r"\W+".join(map(re.escape, term.words)) + r"\b", folded)
        if found:
            start = found.start()
            break
    begin = max(0, start - width // 3)
    end = min(len(text), begin + width * 2)
    prefix = "…" if begin else ""
    suffix = "…" if end < len(text) else ""
    return prefix + text[begin:end].replace("\n", " ").strip() + suffix


def search(
    store: Store,
    query: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    sources: list[str] | None = None,
    relevance: list[str] | None = None,
    topics: list[str] | None = None,
    sentiments: list[str] | None = None,
    places: list[str] | None = None,
    limit: int = 20,
) -> tuple[list[Hit], int]:
    """Return (hits, total matching). Accented exact matches rank before folded-only ones."""
    terms = parse_simple(query)
    where = ["articles_fts MATCH ?"]
    params: list[object] = [fts_expression(terms)]
    if since is not None:
        where.append("a.dated_at >= ?")
        params.append(iso(since))
    if until is not None:
        where.append("a.dated_at < ?")
        params.append(iso(until))
    if sources:
        where.append(f"a.source_id IN ({','.join('?' * len(sources))})")
        params.extend(sources)
    if relevance:
        where.append(f"a.relevance IN ({','.join('?' * len(relevance))})")
        params.extend(relevance)
    if sentiments:
        where.append(f"a.sentiment IN ({','.join('?' * len(sentiments))})")
        params.extend(sentiments)
    for topic in topics or []:
        where.append("EXISTS (SELECT 1 FROM article_topics t WHERE t.topic = ? AND t.article_id = a.id)")
        params.append(topic)
    for place in places or []:
        where.append("EXISTS (SELECT 1 FROM article_places p WHERE p.place = ? AND p.article_id = a.id)")
        params.append(normalize(place))
    clause = " AND ".join(where)
    base = "FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
    total = store.db.execute(f"SELECT count(*) {base} WHERE {clause}", params).fetchone()[0]
    select = f"""SELECT a.id, a.url, a.source_id, a.title, coalesce(a.title_norm, a.title) AS title_n,
                   coalesce(a.text_norm, a.text) AS text_n, a.published_at, a.dated_at,
                   a.relevance, a.sentiment, a.analysis, bm25(articles_fts, 4.0, 1.0) AS score {base}"""
    pool = max(limit * 5, 100)
    rows = []
    positives = [term for term in terms if not term.negated]
    if len(positives) == 1 and len(positives[0].words) == 1 or all(len(t.words) > 1 for t in positives):
        rows = store.db.execute(f"{select} WHERE {clause} ORDER BY score LIMIT ?", [*params, pool]).fetchall()
    else:
        # Several loose words ("lai chau"): where they stand together as typed ranks first, since
        # Vietnamese names are several syllables. First the phrase matches, then the rest.
        together = Term(words=tuple(w for t in positives for w in t.words),
                        original=" ".join(t.original for t in positives))
        phrase_params = [fts_expression([together, *(t for t in terms if t.negated)]), *params[1:]]
        rows = store.db.execute(
            f"{select} WHERE {clause} ORDER BY score LIMIT ?", [*phrase_params, pool]
        ).fetchall()
        if len(rows) < pool:
            seen = {row["id"] for row in rows}
            more = store.db.execute(f"{select} WHERE {clause} ORDER BY score LIMIT ?",
                                    [*params, pool + len(rows)]).fetchall()
            rows += [row for row in more if row["id"] not in seen][: pool - len(rows)]
        terms = [together, *terms]
    hits = []
    for rank, row in enumerate(rows):
        haystack = (row["title_n"] + "\n" + row["text_n"]).lower()
        exact = any(term.original in haystack for term in terms if not term.negated)
        dated = parse_iso(row["dated_at"])
        assert dated is not None
        hits.append(
            Hit(
                id=row["id"],
                url=row["url"],
                source_id=row["source_id"],
                title=row["title"],
                published_at=parse_iso(row["published_at"]),
                dated_at=dated,
                snippet=_snippet(row["text_n"], terms),
                exact=exact,
                score=-float(rank),
                relevance=row["relevance"],
                sentiment=row["sentiment"],
                topics=json.loads(row["analysis"])["topics"] if row["analysis"] else [],
            )
        )
    hits.sort(key=lambda hit: (not hit.exact, -hit.score))
    return hits[:limit], int(total)
