"""What the store holds for a period: the articles dated in ``[start, end)`` (UTC) counted by
relevance, sentiment, kind, topic, place and source, the relevant ones listed, and their stories.

The daily digest (``alerts.digest.data``) reads a day through these. "Relevant" is graded ``about``
or ``mention``. Functions of a connection; they only read. ``provinces`` (where taken): only the
articles concerning one of those followed provinces (``article_provinces``), still counted by their
overall relevance; None: every article.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime

from presswatch.times import iso

_FACETS = {"topic": "article_topics", "place": "article_places"}


def _concerning(provinces: Sequence[str] | None, alias: str = "") -> tuple[str, list[object]]:
    """The SQL condition (`` AND …``) and its parameter keeping the articles concerning ``provinces``."""
    if provinces is None:
        return "", []
    column = f"{alias}.id" if alias else "id"
    return (f" AND {column} IN (SELECT v.article_id FROM article_provinces v"
            " WHERE v.province IN (SELECT value FROM json_each(?)))",
            [json.dumps(list(provinces), ensure_ascii=False)])


def relevance_counts(db: sqlite3.Connection, start: datetime, end: datetime,
                     provinces: Sequence[str] | None = None) -> Counter[str]:
    """Every article of the period by relevance (``none`` for those not analysed)."""
    scope, extra = _concerning(provinces)
    rows = db.execute(
        f"SELECT coalesce(relevance, 'none'), count(*) FROM articles WHERE dated_at >= ? AND dated_at < ?{scope} "
        "GROUP BY 1",
        [iso(start), iso(end), *extra],
    ).fetchall()
    return Counter({row[0]: row[1] for row in rows})


def topic_counts(db: sqlite3.Connection, start: datetime, end: datetime,
                 provinces: Sequence[str] | None = None) -> Counter[str]:
    """The relevant articles of the period by topic slug."""
    return _facet(db, "topic", start, end, provinces)


def place_counts(db: sqlite3.Connection, start: datetime, end: datetime) -> Counter[str]:
    """The relevant articles of the period by place named."""
    return _facet(db, "place", start, end)


def _facet(db: sqlite3.Connection, column: str, start: datetime, end: datetime,
           provinces: Sequence[str] | None = None) -> Counter[str]:
    table = _FACETS[column]
    scope, extra = _concerning(provinces, "a")
    rows = db.execute(
        f"""SELECT f.{column}, count(*) FROM {table} f JOIN articles a ON a.id = f.article_id
            WHERE a.dated_at >= ? AND a.dated_at < ? AND a.relevance IN ('about', 'mention'){scope}
            GROUP BY f.{column}""",
        [iso(start), iso(end), *extra],
    ).fetchall()
    return Counter({row[0]: row[1] for row in rows})


def sentiment_counts(db: sqlite3.Connection, start: datetime, end: datetime,
                     provinces: Sequence[str] | None = None) -> list[tuple[str, int]]:
    """The relevant articles of the period by sentiment (``neutral`` for those without one)."""
    scope, extra = _concerning(provinces)
    rows = db.execute(
        f"""SELECT coalesce(sentiment, 'neutral'), count(*) FROM articles
           WHERE dated_at >= ? AND dated_at < ? AND relevance IN ('about', 'mention'){scope} GROUP BY 1""",
        [iso(start), iso(end), *extra],
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def kind_counts(db: sqlite3.Connection, start: datetime, end: datetime,
                provinces: Sequence[str] | None = None) -> list[tuple[str, int]]:
    """The relevant articles of the period by source kind."""
    scope, extra = _concerning(provinces)
    rows = db.execute(
        f"""SELECT source_kind, count(*) FROM articles
           WHERE dated_at >= ? AND dated_at < ? AND relevance IN ('about', 'mention'){scope} GROUP BY 1""",
        [iso(start), iso(end), *extra],
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def province_counts(db: sqlite3.Connection, start: datetime, end: datetime) -> dict[str, Counter[str]]:
    """The articles of the period concerning each province (``article_provinces``), by grade
    (``about``, ``mention``)."""
    rows = db.execute(
        "SELECT v.province, v.grade, count(*) FROM article_provinces v JOIN articles a ON a.id = v.article_id "
        "WHERE a.dated_at >= ? AND a.dated_at < ? GROUP BY 1, 2", (iso(start), iso(end))).fetchall()
    found: dict[str, Counter[str]] = {}
    for province, grade, count in rows:
        found.setdefault(province, Counter())[grade] = count
    return found


def relevant_articles(db: sqlite3.Connection, start: datetime, end: datetime, negative: bool,
                      provinces: Sequence[str] | None = None) -> list[sqlite3.Row]:
    """The relevant articles of the period, negative ones (most negative first) or the others (newest
    first), ``about`` before ``mention``: ``id``, ``url``, ``source_id``, ``source_kind``, ``title``,
    ``title_norm``, ``dated_at``, ``relevance``, ``sentiment``, ``analysis``, ``cluster_id``.
    ``provinces``: only those concerning one of them (None: every relevant article)."""
    condition = "a.sentiment = 'negative'" if negative else "coalesce(a.sentiment, '') != 'negative'"
    scope, extra = _concerning(provinces, "a")
    condition += scope
    params: list[object] = [iso(start), iso(end), *extra]
    order = "a.sentiment_score ASC, a.dated_at DESC" if negative else "a.dated_at DESC"
    return db.execute(
        f"""SELECT a.id, a.url, a.source_id, a.source_kind, a.title, a.title_norm, a.dated_at, a.relevance,
                   a.sentiment, a.analysis, a.cluster_id
            FROM articles a
            WHERE a.dated_at >= ? AND a.dated_at < ? AND a.relevance IN ('about', 'mention') AND {condition}
            ORDER BY a.relevance = 'about' DESC, {order}, a.id""",
        params,
    ).fetchall()


def stories(db: sqlite3.Connection, start: datetime, end: datetime, limit: int,
            provinces: Sequence[str] | None = None) -> list[sqlite3.Row]:
    """The stories with relevant articles in the period and at least two copies (all time), most
    outlets first: ``id``, ``original_id``, ``copies``, ``outlets``, ``sources`` (source ids, comma
    separated). ``provinces``: stories with relevant articles concerning one of them."""
    scope, extra = _concerning(provinces)
    return db.execute(
        f"""WITH day AS (SELECT DISTINCT cluster_id FROM articles
                        WHERE dated_at >= ? AND dated_at < ? AND relevance IN ('about', 'mention')
                          AND cluster_id IS NOT NULL{scope})
           SELECT c.id, c.original_id, count(*) AS copies, count(DISTINCT m.source_id) AS outlets,
                  group_concat(DISTINCT m.source_id) AS sources
           FROM day JOIN clusters c ON c.id = day.cluster_id JOIN articles m ON m.cluster_id = c.id
           GROUP BY c.id HAVING copies >= 2
           ORDER BY outlets DESC, copies DESC, c.id LIMIT ?""",
        [iso(start), iso(end), *extra, limit],
    ).fetchall()


def story_original(db: sqlite3.Connection, article_id: int) -> sqlite3.Row | None:
    """A story's original article: ``id``, ``url``, ``title``, ``title_norm``, ``sentiment``."""
    row: sqlite3.Row | None = db.execute("SELECT id, url, title, title_norm, sentiment FROM articles WHERE id = ?",
                                         (article_id,)).fetchone()
    return row


def source_counts(db: sqlite3.Connection, start: datetime, end: datetime,
                  provinces: Sequence[str] | None = None) -> list[tuple[str, int, int]]:
    """The relevant articles of the period by source: ``(source_id, relevant, negative)``, most first."""
    scope, extra = _concerning(provinces)
    rows = db.execute(
        f"""SELECT source_id, count(*), sum(sentiment = 'negative') FROM articles
           WHERE dated_at >= ? AND dated_at < ? AND relevance IN ('about', 'mention'){scope}
           GROUP BY source_id ORDER BY 2 DESC, 1""",
        [iso(start), iso(end), *extra],
    ).fetchall()
    return [(row[0], int(row[1]), int(row[2] or 0)) for row in rows]


def relevant_texts(db: sqlite3.Connection, start: datetime, end: datetime,
                   provinces: Sequence[str] | None = None) -> Iterator[sqlite3.Row]:
    """The relevant articles of the period with their text (normalised), oldest first, one row at a time (a year
    holds thousands): ``id``, ``url``, ``source_id``, ``title``, ``text``, ``dated_at``, ``sentiment``,
    ``sentiment_score``, ``cluster_id``. ``provinces``: only those concerning one of them."""
    scope, extra = _concerning(provinces, "a")
    yield from db.execute(
        f"""SELECT a.id, a.url, a.source_id, coalesce(a.title_norm, a.title) AS title,
                   coalesce(t.text_norm, t.text) AS text, a.dated_at, a.sentiment, a.sentiment_score, a.cluster_id
            FROM articles a JOIN article_texts t ON t.article_id = a.id
            WHERE a.dated_at >= ? AND a.dated_at < ? AND a.relevance IN ('about', 'mention'){scope}
            ORDER BY a.dated_at, a.id""",
        [iso(start), iso(end), *extra],
    )
