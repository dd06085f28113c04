"""Articles in the store: writing one (its URLs, text, index entry, analysis and story), reading
them back as ``StoredArticle``, counting them.

Functions of a connection, called inside the caller's transaction where they write (``Store``
opens it). An article, its URLs and its index entry are written together: nothing is indexed
without being stored. The index is contentless (``content=''``): it holds the folded title and text
(no diacritics, đ → d, lower case, see ``analysis.fold``), so "Muong Te" finds "Mường Tè".

Normalising and folding the title and text was a third of the cost of storing an article, and the
analysis has already computed both: ``insert`` takes them from ``Analysis.texts`` when they were
computed from this very title and text (compared, never assumed; see ``analysis.pipeline.StoredTexts``),
and computes them itself otherwise. Either way the same rows and index entries are written
(``tests/store/test_build_equivalence.py`` compares with the insert before the change).
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from analysis import fold, normalize
from analysis.fingerprint import BAND
from presswatch.models import Article, StoredArticle
from presswatch.store import fulltext
from presswatch.store.clusters import find_cluster, join_cluster
from presswatch.times import iso, parse_iso

if TYPE_CHECKING:
    from analysis.pipeline import Analysis

OnStored = Callable[[sqlite3.Connection, int, Article], None]

_WITH_TEXT = "SELECT a.*, t.text, t.text_norm FROM articles a JOIN article_texts t ON t.article_id = a.id"


def seen(db: sqlite3.Connection, url: str) -> bool:
    """Is this canonical URL already stored (as an article URL or one of its aliases)?"""
    row = db.execute("SELECT 1 FROM article_urls WHERE url = ?", (url,)).fetchone()
    return row is not None


def insert(db: sqlite3.Connection, article: Article, fts_extent: int | None = None) -> int | None:
    """Store ``article`` with its URLs, text, index entry and analysis (inside the caller's
    transaction). Returns the new id, or None when its URL was already stored (its new aliases are
    added). The FTS5 entry is written when the index holds articles up to its id
    (``fulltext.extent``, read here unless the caller read it in this transaction: ``fts_extent``)."""
    published = iso(article.published_at)
    fetched = iso(article.fetched_at)
    assert fetched is not None
    row = db.execute("SELECT article_id FROM article_urls WHERE url = ?", (article.url,)).fetchone()
    if row is not None:
        _add_aliases(db, row[0], article.aliases)
        return None
    texts = article.analysis.texts if article.analysis is not None else None
    folded: tuple[str, str] | None = None
    if texts is not None and texts.of(article.title, article.text):  # what the analysis computed
        title_norm, text_norm = texts.title, texts.text
        folded = texts.folded_title, texts.folded_text
    else:
        title_norm, text_norm = normalize(article.title), normalize(article.text)
    data = article.analysis.to_json() if article.analysis is not None else None
    parent = None
    if article.parent_url is not None:
        found = db.execute("SELECT article_id FROM article_urls WHERE url = ?", (article.parent_url,)).fetchone()
        parent = found[0] if found else None
    dated = published or fetched
    # The id SQLite would give the row (max + 1), known beforehand so that the story cluster is
    # chosen first and written with the row: no UPDATE of the new row afterwards.
    article_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0])
    cluster_id = None
    if article.analysis is not None:
        cluster_id = join_cluster(db, article_id, find_cluster(db, article.analysis.sketch), dated)
    db.execute(
        """INSERT INTO articles (id, url, source_id, source_kind, title, title_norm,
               published_at, fetched_at, dated_at, author, description, image, language, sitename,
               content_type, engagement, parent_id,
               relevance, relevance_score, sentiment, sentiment_score, analysis, cluster_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            article_id,
            article.url,
            article.source_id,
            article.source_kind,
            article.title,
            None if title_norm == article.title else title_norm,
            published,
            fetched,
            dated,
            article.author,
            article.description,
            article.image,
            article.language,
            article.sitename,
            article.content_type,
            json.dumps(article.engagement) if article.engagement else None,
            parent,
            *((data["relevance"], data["relevance_score"], data["sentiment"], data["sentiment_score"],
               json.dumps(data, ensure_ascii=False)) if data is not None else (None,) * 5),
            cluster_id,
        ),
    )
    db.execute("INSERT INTO article_texts (article_id, text, text_norm) VALUES (?, ?, ?)",
               (article_id, article.text, None if text_norm == article.text else text_norm))
    _add_aliases(db, article_id, [article.url, *article.aliases])
    if article_id <= (fulltext.extent(db) if fts_extent is None else fts_extent):
        if folded is None:
            folded = fold(title_norm), fold(text_norm)
        fulltext.add(db, [(article_id, *folded)])
    if article.analysis is not None and data is not None:
        _add_analysis(db, article_id, article.analysis, data)
    return article_id


def add_analysis(db: sqlite3.Connection, article_id: int, analysis: Analysis) -> None:
    """Give a stored article that was not analysed its analysis (columns, topics, places, story),
    inside the caller's transaction, as if it had been analysed at ingest."""
    data = analysis.to_json()
    row = db.execute("SELECT dated_at FROM articles WHERE id = ? AND analysis IS NULL", (article_id,)).fetchone()
    if row is None:
        return
    cluster_id = join_cluster(db, article_id, find_cluster(db, analysis.sketch), row[0])
    db.execute(
        """UPDATE articles SET relevance = ?, relevance_score = ?, sentiment = ?, sentiment_score = ?,
               analysis = ?, cluster_id = ? WHERE id = ?""",
        (data["relevance"], data["relevance_score"], data["sentiment"], data["sentiment_score"],
         json.dumps(data, ensure_ascii=False), cluster_id, article_id),
    )
    _add_analysis(db, article_id, analysis, data)


def replace_analysis(db: sqlite3.Connection, article_id: int, data: dict[str, Any]) -> None:
    """Replace an analysed article's analysis by ``data`` (``Analysis.to_json`` form) inside the
    caller's transaction: its grade columns, its ``analysis`` JSON and its topic and place rows (the
    facets). Its story and sketch stay (they depend on the text alone). For re-analysis."""
    db.execute(
        """UPDATE articles SET relevance = ?, relevance_score = ?, sentiment = ?, sentiment_score = ?,
               analysis = ? WHERE id = ?""",
        (data["relevance"], data["relevance_score"], data["sentiment"], data["sentiment_score"],
         json.dumps(data, ensure_ascii=False), article_id),
    )
    db.execute("DELETE FROM article_topics WHERE article_id = ?", (article_id,))
    db.executemany("INSERT OR IGNORE INTO article_topics (topic, article_id) VALUES (?, ?)",
                   [(slug, article_id) for slug in data["topics"]])
    db.execute("DELETE FROM article_places WHERE article_id = ?", (article_id,))
    db.executemany("INSERT OR IGNORE INTO article_places (place, article_id) VALUES (?, ?)",
                   [(place["name"], article_id) for place in data["places"]])


def _add_analysis(db: sqlite3.Connection, article_id: int, analysis: Analysis, data: dict[str, Any]) -> None:
    """Topics, places and story sketch of a new article (its analysis columns and cluster are
    inserted with it)."""
    db.executemany("INSERT OR IGNORE INTO article_topics (topic, article_id) VALUES (?, ?)",
                   [(slug, article_id) for slug in data["topics"]])
    db.executemany("INSERT OR IGNORE INTO article_places (place, article_id) VALUES (?, ?)",
                   [(place["name"], article_id) for place in data["places"]])
    db.executemany("INSERT OR REPLACE INTO article_provinces (province, article_id, grade) VALUES (?, ?, ?)",
                   [(name, article_id, grade) for name, grade in (data.get("provinces") or {}).items()])
    db.execute("INSERT INTO article_sketches (article_id, sketch) VALUES (?, ?)",
               (article_id, array("I", analysis.sketch).tobytes()))
    db.executemany("INSERT OR IGNORE INTO sketch_bands (hash, article_id) VALUES (?, ?)",
                   [(value, article_id) for value in analysis.sketch[:BAND]])


def analysis_of(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The stored analysis (JSON, as ``Analysis.to_json`` wrote it) of the analysed articles among ``ids``."""
    rows = db.execute("SELECT id, analysis FROM articles WHERE analysis IS NOT NULL "
                      "AND id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(ids))),))
    return {int(row[0]): json.loads(row[1]) for row in rows}


def set_analysis(db: sqlite3.Connection, article_id: int, data: dict[str, Any]) -> None:
    """Replace an analysed article's analysis JSON and what is derived from it for search and facets
    (the ``relevance`` and ``sentiment`` columns, its ``article_topics`` rows), inside the caller's
    transaction. The FTS entry (title and text) does not change. For corrections and re-analysis."""
    db.execute("UPDATE articles SET relevance = ?, sentiment = ?, analysis = ? WHERE id = ?",
               (data["relevance"], data["sentiment"], json.dumps(data, ensure_ascii=False), article_id))
    db.execute("DELETE FROM article_topics WHERE article_id = ?", (article_id,))
    db.executemany("INSERT OR IGNORE INTO article_topics (topic, article_id) VALUES (?, ?)",
                   [(slug, article_id) for slug in data["topics"]])


def _add_aliases(db: sqlite3.Connection, article_id: int, urls: list[str]) -> None:
    db.executemany(
        "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
        [(url, article_id) for url in dict.fromkeys(urls)],
    )


def update_engagement(db: sqlite3.Connection, url: str, engagement: dict[str, int]) -> bool:
    """Refresh the public counts of an already stored post (views grow after the first crawl)."""
    cursor = db.execute(
        "UPDATE articles SET engagement = ? WHERE id = (SELECT article_id FROM article_urls WHERE url = ?)",
        (json.dumps(engagement), url),
    )
    return cursor.rowcount > 0


def delete_articles(db: sqlite3.Connection, ids: list[int]) -> None:
    """Delete articles and everything hanging on them, index entries included (those the FTS5
    index holds: ``fulltext``). Inside a transaction."""
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    fulltext.remove(db, ids)
    db.execute(f"DELETE FROM sketch_bands WHERE article_id IN ({marks})", ids)
    db.execute(f"DELETE FROM articles WHERE id IN ({marks})", ids)  # the rest cascades


def dated_before(db: sqlite3.Connection, cutoff: datetime, limit: int) -> list[int]:
    """The ids of up to ``limit`` articles dated before ``cutoff`` (what retention deletes)."""
    return [row[0] for row in db.execute("SELECT id FROM articles WHERE dated_at < ? LIMIT ?", (iso(cutoff), limit))]


# --- reading -------------------------------------------------------------------------------------


def article(db: sqlite3.Connection, article_id: int) -> StoredArticle | None:
    row = db.execute(f"{_WITH_TEXT} WHERE a.id = ?", (article_id,)).fetchone()
    return None if row is None else _stored(row)


def articles(db: sqlite3.Connection, source_id: str | None = None) -> list[StoredArticle]:
    if source_id is None:
        rows = db.execute(f"{_WITH_TEXT} ORDER BY a.id").fetchall()
    else:
        rows = db.execute(f"{_WITH_TEXT} WHERE a.source_id = ? ORDER BY a.id", (source_id,)).fetchall()
    return [_stored(row) for row in rows]


def articles_since(db: sqlite3.Connection, since: datetime) -> Iterator[StoredArticle]:
    """Articles dated from ``since`` on, oldest first."""
    cursor = db.execute(f"{_WITH_TEXT} WHERE a.dated_at >= ? ORDER BY a.dated_at, a.id", (iso(since),))
    for row in cursor:
        yield _stored(row)


def count_articles(db: sqlite3.Connection, source_ids: Sequence[str] | None = None, after_id: int | None = None) -> int:
    """How many articles the store holds (of these sources, above this id)."""
    conditions: list[str] = []
    params: list[object] = []
    if source_ids is not None:
        conditions.append(f"source_id IN ({','.join('?' * len(source_ids))})")
        params.extend(source_ids)
    if after_id is not None:
        conditions.append("id > ?")
        params.append(after_id)
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return int(db.execute(f"SELECT count(*) FROM articles{where}", params).fetchone()[0])


def article_ids(db: sqlite3.Connection, source_id: str, after_id: int) -> list[int]:
    """The ids of ``source_id``'s articles above ``after_id`` (what a crawl stored), in order."""
    rows = db.execute("SELECT id FROM articles WHERE source_id = ? AND id > ? ORDER BY id", (source_id, after_id))
    return [int(row[0]) for row in rows]


def has_article(db: sqlite3.Connection, article_id: int) -> bool:
    return db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is not None


def relevance(db: sqlite3.Connection, article_id: int) -> str | None:
    """The article's relevance grade (None when it is not stored or not analysed)."""
    row = db.execute("SELECT relevance FROM articles WHERE id = ?", (article_id,)).fetchone()
    return None if row is None else row[0]


def relevance_at(db: sqlite3.Connection, url: str) -> str | None:
    """The relevance grade of the article stored under ``url`` (one of its URLs or aliases)."""
    row = db.execute("SELECT a.relevance FROM article_urls u JOIN articles a ON a.id = u.article_id "
                     "WHERE u.url = ?", (url,)).fetchone()
    return None if row is None else row[0]


def titles(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, str]:
    """The titles (as extracted) of the articles ``ids`` that are stored."""
    rows = db.execute("SELECT id, title FROM articles WHERE id IN (SELECT value FROM json_each(?))",
                      (json.dumps(sorted(set(ids))),))
    return {int(row[0]): row[1] for row in rows}


def text_of(db: sqlite3.Connection, article_id: int) -> str | None:
    """The article's text, normalised."""
    row = db.execute("SELECT coalesce(text_norm, text) FROM article_texts WHERE article_id = ?",
                     (article_id,)).fetchone()
    return None if row is None else row[0]


def first_url(db: sqlite3.Connection, source_ids: Sequence[str]) -> str | None:
    """The URL of one stored article of these sources, if any."""
    row = db.execute(f"SELECT url FROM articles WHERE source_id IN ({','.join('?' * len(source_ids))})"
                     " LIMIT 1", source_ids).fetchone()
    return None if row is None else row[0]


def recent_links(db: sqlite3.Connection, source_ids: Sequence[str], since: datetime,
                 limit: int) -> list[tuple[str, str]]:
    """(URL, title) of the articles (content type ``article``) of these sources dated from ``since``,
    newest first."""
    marks = ",".join("?" * len(source_ids))
    rows = db.execute(
        f"""SELECT url, title FROM articles WHERE source_id IN ({marks}) AND dated_at >= ?
            AND content_type = 'article' ORDER BY dated_at DESC LIMIT ?""",
        (*source_ids, iso(since), limit),
    ).fetchall()
    return [(row[0], row[1]) for row in rows]


def period_items(db: sqlite3.Connection, source_ids: Sequence[str], start: datetime,
                 end: datetime) -> list[sqlite3.Row]:
    """The articles (comments left out) of these sources dated in [start, end), without their texts:
    ``id``, ``source_id``, ``title``, ``dated_at``, ``topics`` (JSON list of slugs, NULL when not
    analysed), ``sentiment``, ``relevance``, ``cluster_id``; oldest first. For the press register."""
    if not source_ids:
        return []
    return db.execute(
        "SELECT id, source_id, title, dated_at, json_extract(analysis, '$.topics') AS topics, sentiment, relevance, "
        "cluster_id "
        "FROM articles WHERE source_id IN (SELECT value FROM json_each(?)) AND dated_at >= ? AND dated_at < ? "
        "AND content_type != 'comment' ORDER BY dated_at, id",
        (json.dumps(list(source_ids)), iso(start), iso(end))).fetchall()


def texts(db: sqlite3.Connection, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(title, text) as extracted of the stored articles among ``ids``."""
    rows = db.execute("SELECT a.id, a.title, t.text FROM articles a JOIN article_texts t ON t.article_id = a.id "
                      "WHERE a.id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(ids))),))
    return {int(row[0]): (row[1], row[2]) for row in rows}


def story_copies(db: sqlite3.Connection, cluster_id: int, article_id: int) -> list[sqlite3.Row]:
    """The other copies of a story (``id``, ``url``, ``source_id``, ``title``, ``dated_at``), oldest
    first, 50 at most."""
    return db.execute(
        "SELECT id, url, source_id, title, dated_at FROM articles WHERE cluster_id = ? AND id != ? "
        "ORDER BY dated_at LIMIT 50", (cluster_id, article_id)).fetchall()


def comments(db: sqlite3.Connection, parent_id: int) -> list[sqlite3.Row]:
    """The comments stored under an article (``id``, ``author``, ``dated_at``, ``engagement``,
    ``analysis``, ``text``), oldest first, 200 at most."""
    return db.execute(
        "SELECT a.id, a.author, a.dated_at, a.engagement, a.analysis, t.text FROM articles a "
        "JOIN article_texts t ON t.article_id = a.id WHERE a.parent_id = ? ORDER BY a.dated_at LIMIT 200",
        (parent_id,)).fetchall()


_INDEX_ROWS = """SELECT a.id, a.url, a.source_id, a.source_kind, coalesce(a.title_norm, a.title) AS title_n,
                  coalesce(t.text_norm, t.text) AS text_n, a.published_at, a.dated_at, a.relevance, a.sentiment,
                  a.analysis, a.cluster_id
           FROM articles a JOIN article_texts t ON t.article_id = a.id WHERE a.id > ? ORDER BY a.id LIMIT ?"""


def index_rows_of(db: sqlite3.Connection, ids: Iterable[int]) -> list[sqlite3.Row]:
    """The stored articles among ``ids`` as ``index_rows`` gives them (to send them to a search index again)."""
    return db.execute(_INDEX_ROWS.replace("a.id > ? ORDER BY a.id LIMIT ?",
                                          "a.id IN (SELECT value FROM json_each(?)) ORDER BY a.id"),
                      (json.dumps(sorted(set(ids))),)).fetchall()


def index_rows(db: sqlite3.Connection, after: int, size: int) -> list[sqlite3.Row]:
    """``size`` stored articles with an id above ``after``, in id order, as a search index takes them
    (``presswatch.search.elastic.EsIndex.document``): normalised ``title_n`` and ``text_n``, dates,
    grades, ``analysis`` JSON, ``cluster_id``."""
    return db.execute(_INDEX_ROWS, (after, size)).fetchall()


def analysis_rows(db: sqlite3.Connection, after: int, size: int, since: datetime | None = None,
                  until: datetime | None = None, source_ids: Sequence[str] | None = None) -> list[sqlite3.Row]:
    """Up to ``size`` analysed articles with an id above ``after``, in id order, dated in [since,
    until) and of these sources when given: ``id``, ``title`` and ``text`` as extracted (what the
    crawl analysed), ``content_type``, ``analysis`` (JSON). For re-analysis."""
    where, params = _analysed_where(since, until, source_ids)
    return db.execute(
        f"SELECT a.id, a.title, t.text, a.content_type, a.analysis FROM articles a "
        f"JOIN article_texts t ON t.article_id = a.id WHERE a.id > ?{where} ORDER BY a.id LIMIT ?",
        (after, *params, size)).fetchall()


def count_analysed(db: sqlite3.Connection, after: int, since: datetime | None = None, until: datetime | None = None,
                   source_ids: Sequence[str] | None = None) -> int:
    """How many articles ``analysis_rows`` would return above ``after``, in all."""
    where, params = _analysed_where(since, until, source_ids)
    return int(db.execute(f"SELECT count(*) FROM articles a WHERE a.id > ?{where}", (after, *params)).fetchone()[0])


def _analysed_where(since: datetime | None, until: datetime | None,
                    source_ids: Sequence[str] | None) -> tuple[str, list[object]]:
    where = " AND a.analysis IS NOT NULL"
    params: list[object] = []
    if since is not None:
        where += " AND a.dated_at >= ?"
        params.append(iso(since))
    if until is not None:
        where += " AND a.dated_at < ?"
        params.append(iso(until))
    if source_ids:
        where += " AND a.source_id IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(list(source_ids)))
    return where, params


def signal_rows(db: sqlite3.Connection, after: int, size: int) -> list[sqlite3.Row]:
    """Up to ``size`` articles with an id above ``after``, in id order, as ``trends`` reads them:
    ``id``, ``source_id``, ``source_kind``, ``content_type``, ``dated_at``, ``cluster_id``,
    ``relevance``, ``sentiment``, ``engagement`` (JSON), ``topics`` and ``places`` (JSON arrays).
    Narrow rows: no text."""
    return db.execute(
        """SELECT a.id, a.source_id, a.source_kind, a.content_type, a.dated_at, a.cluster_id, a.relevance,
                  a.sentiment, a.engagement,
                  (SELECT json_group_array(topic) FROM article_topics WHERE article_id = a.id) AS topics,
                  (SELECT json_group_array(place) FROM article_places WHERE article_id = a.id) AS places
           FROM articles a WHERE a.id > ? ORDER BY a.id LIMIT ?""", (after, size)).fetchall()


def engagement_since(db: sqlite3.Connection, source_id: str, since: datetime) -> list[tuple[int, str]]:
    """(id, engagement JSON) of the items of ``source_id`` dated from ``since`` on that carry public
    counts (posts, videos, comments): what a refresh of the source may have changed."""
    rows = db.execute("SELECT id, engagement FROM articles WHERE source_id = ? AND dated_at >= ? "
                      "AND engagement IS NOT NULL", (source_id, iso(since)))
    return [(int(row[0]), row[1]) for row in rows]


def links(db: sqlite3.Connection, ids: Iterable[int]) -> list[sqlite3.Row]:
    """``id``, ``url``, ``source_id``, ``title``, ``dated_at`` of the stored articles ``ids``."""
    return db.execute("SELECT id, url, source_id, title, dated_at FROM articles "
                      "WHERE id IN (SELECT value FROM json_each(?)) ORDER BY dated_at, id",
                      (json.dumps(sorted(set(ids))),)).fetchall()


def tagged(db: sqlite3.Connection, dimension: str, key: str, since: datetime, limit: int) -> list[int]:
    """The ids of up to ``limit`` articles dated from ``since`` on with the place (``dimension``
    ``place``) or topic (``topic``) ``key``, newest first."""
    table, column = {"place": ("article_places", "place"), "topic": ("article_topics", "topic")}[dimension]
    rows = db.execute(f"SELECT a.id FROM {table} k JOIN articles a ON a.id = k.article_id "
                      f"WHERE k.{column} = ? AND a.dated_at >= ? ORDER BY a.dated_at DESC, a.id DESC LIMIT ?",
                      (key, iso(since), limit))
    return [int(row[0]) for row in rows]


def last_article_id(db: sqlite3.Connection) -> int:
    """The highest article id so far (a crawl counts what it stored above it)."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])


def _stored(row: sqlite3.Row) -> StoredArticle:
    fetched = parse_iso(row["fetched_at"])
    assert fetched is not None
    return StoredArticle(
        id=row["id"],
        url=row["url"],
        source_id=row["source_id"],
        source_kind=row["source_kind"],
        title=row["title_norm"] if row["title_norm"] is not None else row["title"],
        text=row["text_norm"] if row["text_norm"] is not None else row["text"],
        title_original=row["title"],
        text_original=row["text"],
        published_at=parse_iso(row["published_at"]),
        fetched_at=fetched,
        relevance=row["relevance"],
        sentiment=row["sentiment"],
        analysis=json.loads(row["analysis"]) if row["analysis"] else None,
        cluster_id=row["cluster_id"],
        author=row["author"],
        description=row["description"],
        image=row["image"],
        language=row["language"],
        content_type=row["content_type"],
        engagement=json.loads(row["engagement"]) if row["engagement"] else None,
        parent_id=row["parent_id"],
    )
