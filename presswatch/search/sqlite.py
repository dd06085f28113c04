"""The embedded search backend: the query AST compiled to SQLite FTS5 and SQL.

The folded words of the query become quoted FTS5 strings (``"lai chau"``, ``"thuy"*``,
``NEAR("lai chau" "sat lo", 5)``); nothing the user typed reaches ``MATCH`` unquoted. The text
part that FTS5 can express joins the index (ranked by bm25, title weighted 4×); field filters,
dates and any boolean structure FTS5 cannot express (``a OR source:x``, ``NOT`` under ``OR``)
become SQL conditions, with text leaves as ``id IN (SELECT rowid … MATCH …)``.

One search uses two cores when the store's database is a file: the store's side reader (a second
read connection in its own thread, ``presswatch.store.side_reader``) scans the lower half of the article
ids while the search's own connection scans the upper half (collecting filtered matches, scoring
them), or counts every match while the search ranks the newest. Inside a write transaction the
search reads alone (the side reader would not see the uncommitted rows).

The one deliberate exception to "only a table's owner runs SQL on it" (``presswatch.store.schema``):
this backend reads the store's article and index tables (``articles``, ``articles_fts``,
``article_texts``, ``article_topics``, ``article_places``) directly, since the embedded index is part
of the store, written in the same transaction as each article; it writes none of them.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from presswatch.query import And, DateBound, Field, Near, Node, Not, Or, Phrase, Word, is_text
from presswatch.search.highlight import highlight, places_named, rank_key
from presswatch.search.interface import Hit, SearchRequest, SearchResult
from presswatch.store import Store
from presswatch.store.side_reader import rows_or_none
from presswatch.times import iso, local_date, parse_iso

MAX_POOL = 2000  # candidates re-ranked for "exact accents first"
# Relevance ranking (bm25) of a text-only search (or of a filtered one with negations) considers the
# RANK_WINDOW most recently stored matches only: scoring every one of 500k matches takes half a
# second. Counts, filters and date sorts stay exact.
RANK_WINDOW = 20_000
SIDE_MAX = 20_000  # matches the side reader hands back (as rows) at most; beyond, one connection does both halves
SET_MAX = 100_000  # a date range of at most this many articles filters text matches as a set of ids
WALK_FACTOR = 5  # date sorts walk the date index when that visits < WALK_FACTOR × the matches
FACET_SIZE = 20
COUNT_MATCHES = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?"


def _quote(words: tuple[str, ...]) -> str:
    return '"' + " ".join(words) + '"'  # words are folded \w+ tokens: no quote can occur


def fts(node: Node) -> str | None:
    """The FTS5 expression of a pure-text node, or None if FTS5 cannot express it."""
    if isinstance(node, Word):
        return _quote(node.words) + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return _quote(node.words)
    if isinstance(node, Near):
        parts = [fts(item) for item in node.items]
        return f"NEAR({' '.join(p for p in parts if p)}, {node.distance})"
    if isinstance(node, Or):
        parts = [fts(item) for item in node.items]
        return None if None in parts else "(" + " OR ".join(p for p in parts if p) + ")"
    if isinstance(node, And):
        positive = [fts(item) for item in node.items if not isinstance(item, Not)]
        negative = [fts(item.item) for item in node.items if isinstance(item, Not)]
        if not positive or None in positive or None in negative:
            return None
        expression = "(" + " AND ".join(p for p in positive if p) + ")"
        return expression + "".join(f" NOT {n}" for n in negative if n)
    return None


class SqliteIndex:
    """The embedded backend: searches the FTS5 index and the article tables of ``store``."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- compilation --------------------------------------------------------------------

    def condition(self, node: Node, params: list[object]) -> str:
        if is_text(node) and (expression := fts(node)) is not None:
            params.append(expression)
            return "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)"
        if isinstance(node, And):
            return "(" + " AND ".join(self.condition(item, params) for item in node.items) + ")"
        if isinstance(node, Or):
            return "(" + " OR ".join(self.condition(item, params) for item in node.items) + ")"
        if isinstance(node, Not):
            return f"NOT {self.condition(node.item, params)}"
        if isinstance(node, DateBound):
            params.append(iso(node.moment))
            return "a.dated_at >= ?" if node.name == "since" else "a.dated_at < ?"
        if isinstance(node, Field):
            return self.field(node, params)
        raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover

    @staticmethod
    def field(node: Field, params: list[object]) -> str:
        if node.name == "topic":
            params.append(node.value)
            return "a.id IN (SELECT t.article_id FROM article_topics t WHERE t.topic = ?)"
        if node.name == "place":
            names = places_named(node.value)
            params.extend(names)
            marks = ",".join("?" * len(names))
            return f"a.id IN (SELECT p.article_id FROM article_places p WHERE p.place IN ({marks}))"
        if node.name == "province":
            params.append(node.value)
            return "a.id IN (SELECT v.article_id FROM article_provinces v WHERE v.province = ?)"
        column = {"source": "a.source_id", "kind": "a.source_kind", "sentiment": "a.sentiment",
                  "relevance": "a.relevance"}[node.name]
        params.append(node.value)
        return f"{column} = ?"

    def split(self, tree: Node) -> tuple[str | None, str | None, list[Node]]:
        """(FTS expression of the top-level text items, or None; the same without its top-level
        negations, for ranking; the other top-level items)."""
        items = list(tree.items) if isinstance(tree, And) else [tree]
        text: list[Node] = [i for i in items if is_text(i)]
        negated_text: list[Node] = [i for i in items if isinstance(i, Not) and is_text(i.item)]
        main = positive = None
        if text:
            candidate = And(tuple(text + negated_text)) if len(text) + len(negated_text) > 1 else text[0]
            main = fts(candidate)
            positive = fts(And(tuple(text)) if len(text) > 1 else text[0]) if negated_text else main
        return main, positive, [i for i in items if main is None or (i not in text and i not in negated_text)]

    def conjunction(self, items: list[Node], params: list[object]) -> str:
        return " AND ".join(self.condition(item, params) for item in items) if items else "1"

    # --- execution ----------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        """Text-only searches are answered by the index alone (ranked ones collect the RANK_WINDOW
        newest matches with their score into the temporary table ``matched``: fewer is the count).
        Searches with filters collect the ids of every match once into ``matched`` (its row count is
        the total); the ranking, the date sort and the facets then read it instead of filtering again."""
        tree = request.tree()
        main, positive, rest = self.split(tree)
        db = self.store.db
        wanted = request.offset + request.limit
        ranked = main is not None and request.sort == "relevance"
        # Scored while collected (one pass over the index) unless the query has negations: bm25 would
        # then also count the documents of each negated phrase ("-Hà Nội": 250k) for nothing.
        scored = ranked and main == positive
        collected = False
        ident, source, where, params = self._source(main, rest)
        if main is None:
            total = int(db.execute(f"SELECT count(*) FROM {source} WHERE {where}", params).fetchone()[0])
        elif rest:
            total = self._collect(ident, source, where, params, scored)
            collected = True
        elif ranked:  # bm25 over the RANK_WINDOW most recently stored matches, not over all of them
            # The side reader counts every match meanwhile, in case there are more than the window (a
            # few matches are counted fast; the count is then not needed).
            side = self.store.side_reader()
            counting = side.fetch(COUNT_MATCHES, [main]) if side is not None else None
            total = self._collect(ident, source, where + " ORDER BY articles_fts.rowid DESC LIMIT ?",
                                  [*params, RANK_WINDOW], scored, split=False)
            collected = total < RANK_WINDOW  # all of them: that is the count
            if not collected:
                counted = rows_or_none(counting) if counting is not None else None
                total = int(counted[0][0] if counted else db.execute(COUNT_MATCHES, [main]).fetchone()[0])
        else:
            total = int(db.execute(COUNT_MATCHES, [main]).fetchone()[0])
        if ranked and main is not None and positive is not None:
            pool = max(min(max(wanted * 3, 100), MAX_POOL), wanted)
            if scored:
                ids = [row[0] for row in db.execute("SELECT id FROM temp.matched ORDER BY score LIMIT ?", [pool])]
            else:  # collected unscored: the matches without the negated phrases score the same
                ids = self._best_collected(positive, total, pool)
        else:
            ids = self._by_date(main, collected, total, request) if main is not None else [
                row[0] for row in db.execute(f"SELECT a.id FROM {source} WHERE {where} "
                                             "ORDER BY a.dated_at DESC, a.id DESC LIMIT ? OFFSET ?",
                                             [*params, request.limit, request.offset])]
        rows = {row["id"]: row for row in self._rows(ids)}
        ordered = [rows[i] for i in ids if i in rows]
        if ranked:
            ordered = self.reranked(ordered, tree)[request.offset:wanted]
        hits = [self._hit(row, tree) for row in ordered]
        result = SearchResult(hits=hits, total=total)
        if request.facets and request.facet_max_hits is not None and total > request.facet_max_hits:
            result.facets_omitted = True
        elif request.facets:
            if not collected:
                self._collect(ident, source, where, params, split=main is not None)
            self._facets(result)
        return result

    def _source(self, main: str | None, rest: list[Node]) -> tuple[str, str, str, list[object]]:
        """(id column, FROM, WHERE, parameters) of the articles matching ``main`` (if any) and ``rest``.

        With text, the FTS index is the outer loop (CROSS JOIN). A date range of at most SET_MAX
        articles is first collected from the date index as a set of ids: probing it is far cheaper
        than reading the date of every text match (SQLite would look each one up in ``articles``).
        Without other conditions no article row is read at all."""
        params: list[object] = []
        if main is None:
            return "a.id", "articles a", self.conjunction(rest, params), params
        params.append(main)
        where = "articles_fts MATCH ?"
        dates: list[Node] = [item for item in rest if isinstance(item, DateBound)]
        if dates:
            range_params: list[object] = []
            date_range = self.conjunction(dates, range_params)
            in_range, first, last = self.store.db.execute(  # counted up to SET_MAX + 1 only
                f"SELECT count(*), min(id), max(id) FROM (SELECT a.id FROM articles a WHERE {date_range} LIMIT ?)",
                [*range_params, SET_MAX + 1]).fetchone()
            if in_range <= SET_MAX:
                # The window's ids bound the FTS5 scan (a rowid range FTS5 seeks to in each doclist):
                # articles are stored about in date order, so a recent window reads the recent part of
                # the index only, whatever the archive's size.
                where += (" AND articles_fts.rowid BETWEEN ? AND ?"
                          f" AND +articles_fts.rowid IN (SELECT a.id FROM articles a WHERE {date_range})")
                params.extend([first or 0, last or 0, *range_params])
                rest = [item for item in rest if not isinstance(item, DateBound)]
        if not rest:
            return "articles_fts.rowid", "articles_fts", where, params
        where += " AND " + self.conjunction(rest, params)
        return "a.id", "articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid", where, params

    def _collect(self, ident: str, source: str, where: str, params: list[object], scored: bool = False,
                 split: bool = True) -> int:
        """Fill ``temp.matched`` with the ids of the matches (and their bm25 score if ``scored``);
        returns their count. With ``split`` (a full-text ``source``), the store's side reader collects
        the lower half of the ids while this connection collects the upper half; if the lower half
        holds more than SIDE_MAX matches (handing them over would cost more than it saves), this
        connection collects it too."""
        db = self.store.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS matched (id INTEGER PRIMARY KEY, score REAL)")
        db.execute("DELETE FROM temp.matched")
        score = "bm25(articles_fts, 4.0, 1.0)" if scored else "NULL"
        select = f"SELECT {ident}, {score} FROM {source} WHERE {where}"
        side = self.store.side_reader() if split else None
        if side is None:
            return int(db.execute(f"INSERT INTO temp.matched {select}", params).rowcount)
        middle = self.split_point()
        lower = side.fetch(f"{select} AND articles_fts.rowid <= ? LIMIT ?", [*params, middle, SIDE_MAX + 1])
        count = int(db.execute(f"INSERT INTO temp.matched {select} AND articles_fts.rowid > ?",
                               [*params, middle]).rowcount)
        rows = rows_or_none(lower)
        if rows is None or len(rows) > SIDE_MAX:
            return count + int(db.execute(f"INSERT INTO temp.matched {select} AND articles_fts.rowid <= ?",
                                          [*params, middle]).rowcount)
        db.executemany("INSERT INTO temp.matched VALUES (?, ?)", rows)
        return count + len(rows)

    def split_point(self) -> int:
        """The id that splits the stored articles into two halves for the side reader."""
        return int(self.store.db.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0]) // 2

    def _best_collected(self, positive: str, total: int, pool: int) -> list[int]:
        """The ``pool`` ids of ``temp.matched`` that score best (bm25 of ``positive``), best first; of
        its RANK_WINDOW highest ids only when it holds more. Up to SIDE_MAX (and RANK_WINDOW) matches, the side reader
        scores the lower half of the ids (handed over as JSON) while this connection scores the upper."""
        db = self.store.db
        rank = "SELECT rowid, bm25(articles_fts, 4.0, 1.0) FROM articles_fts WHERE articles_fts MATCH ? AND "
        side = self.store.side_reader() if total <= min(SIDE_MAX, RANK_WINDOW) else None
        if side is None:
            window = "" if total <= RANK_WINDOW else " ORDER BY id DESC LIMIT ?"
            sql = rank + f"+rowid IN (SELECT id FROM temp.matched{window}) ORDER BY 2 LIMIT ?"
            return [row[0] for row in db.execute(sql, [positive, *([RANK_WINDOW] if window else []), pool])]
        middle = self.split_point()
        lower_ids = [row[0] for row in db.execute("SELECT id FROM temp.matched WHERE id <= ?", [middle])]
        lower = side.fetch(rank + "rowid <= ? AND +rowid IN (SELECT value FROM json_each(?)) ORDER BY 2 LIMIT ?",
                           [positive, middle, json.dumps(lower_ids), pool])
        own_half = rank + "rowid {} ? AND +rowid IN (SELECT id FROM temp.matched WHERE id {} ?) ORDER BY 2 LIMIT ?"
        upper = db.execute(own_half.format(">", ">"), [positive, middle, middle, pool]).fetchall()
        rows = rows_or_none(lower)
        if rows is None:
            rows = db.execute(own_half.format("<=", "<="), [positive, middle, middle, pool]).fetchall()
        return [row[0] for row in sorted([*rows, *upper], key=lambda row: row[1])[:pool]]

    def _by_date(self, main: str, collected: bool, total: int, request: SearchRequest) -> list[int]:
        """One page of the matches, newest first. With many matches the date index is walked from
        the newest entry, keeping the matching ids (about offset+limit × articles / matches entries);
        with few, each match's date is read and sorted."""
        db = self.store.db
        newest = db.execute("SELECT max(id) FROM articles").fetchone()[0] or 0
        walk = total > 0 and (request.offset + request.limit) * newest / total < WALK_FACTOR * total
        matches = ("(SELECT id FROM temp.matched)" if collected
                   else "(SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
        params: list[object] = [] if collected else [main]
        if walk:
            sql = f"SELECT a.id FROM articles a WHERE +a.id IN {matches}"
        elif collected:
            sql = "SELECT a.id FROM temp.matched m CROSS JOIN articles a ON a.id = m.id"
        else:
            sql = ("SELECT a.id FROM articles_fts CROSS JOIN articles a ON a.id = articles_fts.rowid "
                   "WHERE articles_fts MATCH ?")
        return [row[0] for row in db.execute(f"{sql} ORDER BY a.dated_at DESC, a.id DESC LIMIT ? OFFSET ?",
                                             [*params, request.limit, request.offset])]

    @staticmethod
    def reranked(rows: list[Any], tree: Node) -> list[Any]:
        """``rows`` (best score first) with the exact-accent tier first, then the words-standing-together
        tier, keeping the score order inside each tier."""
        keys = {row["id"]: rank_key(row["title_n"] + "\n" + row["text_n"], tree) for row in rows}
        position = {row["id"]: n for n, row in enumerate(rows)}
        return sorted(rows, key=lambda row: (not keys[row["id"]][0], not keys[row["id"]][1], position[row["id"]]))

    def articles(self, ids: list[int]) -> list[Any]:
        """The store's rows of ``ids`` (in any order), as ``hit`` reads them; for a peer index
        (``presswatch.search.tantivy_index``) that builds its hits as this backend does."""
        return self._rows(ids)

    def hit(self, row: Any, tree: Node) -> Hit:
        """The ``Hit`` of a row of ``articles`` for the query ``tree``."""
        return self._hit(row, tree)

    def _rows(self, ids: list[int]) -> list[Any]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self.store.db.execute(
            "SELECT a.id, a.url, a.source_id, a.source_kind, coalesce(t.text_norm, t.text) AS text_n, "
            "coalesce(a.title_norm, a.title) AS title_n, a.published_at, a.dated_at, a.relevance, a.sentiment, "
            f"a.analysis FROM articles a JOIN article_texts t ON t.article_id = a.id WHERE a.id IN ({marks})",
            ids).fetchall()

    @staticmethod
    def _hit(row: Any, tree: Node) -> Hit:
        snippet, spans = highlight(row["text_n"], tree)
        exact, together = rank_key(row["title_n"] + "\n" + row["text_n"], tree)
        dated = parse_iso(row["dated_at"])
        assert dated is not None
        analysis = json.loads(row["analysis"]) if row["analysis"] else {}
        return Hit(
            id=row["id"], url=row["url"], source_id=row["source_id"], source_kind=row["source_kind"],
            title=row["title_n"], published_at=parse_iso(row["published_at"]), dated_at=dated,
            snippet=snippet, highlights=spans, exact=exact, together=together,
            relevance=row["relevance"], sentiment=row["sentiment"], topics=analysis.get("topics", []),
        )

    def _facets(self, result: SearchResult) -> None:
        """Counts per facet value and per day over every match, from ``temp.matched`` (CROSS JOIN keeps
        the id table as the outer loop: the planner has no statistics for it)."""
        db = self.store.db
        # One pass over the matching articles for the facets of their own columns and the days.
        names = ("source", "kind", "sentiment", "relevance", "hour")
        rows = db.execute("SELECT a.source_id, a.source_kind, a.sentiment, a.relevance, substr(a.dated_at, 1, 13) "
                          "FROM temp.matched f CROSS JOIN articles a ON a.id = f.id").fetchall()
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in names]
        counters: dict[str, Counter[str | None]] = {name: Counter(column)
                                                    for name, column in zip(names, columns, strict=True)}
        days: Counter[str] = Counter()  # UTC hours ("2026-11-26T17") to days in Vietnam (UTC+7)
        for hour, count in counters["hour"].items():
            days[local_date(datetime.fromisoformat(f"{hour}:00:00+00:00")).isoformat()] += count
        for name in names[:-1]:  # most frequent first, then by value (None sorts first, as in SQL)
            top = sorted(counters[name].items(), key=lambda item: (-item[1], item[0] is not None, item[0] or ""))
            result.facets[name] = [(str(value), count) for value, count in top[:FACET_SIZE] if value is not None]
        for name, sql in (
            ("topic", "SELECT t.topic, count(*) FROM temp.matched f CROSS JOIN article_topics t "
                      "ON t.article_id = f.id GROUP BY 1"),
            ("place", "SELECT p.place, count(*) FROM temp.matched f CROSS JOIN article_places p "
                      "ON p.article_id = f.id GROUP BY 1"),
            ("province", "SELECT v.province, count(*) FROM temp.matched f CROSS JOIN article_provinces v "
                         "ON v.article_id = f.id GROUP BY 1"),
        ):
            counted = db.execute(sql + " ORDER BY 2 DESC, 1 LIMIT ?", [FACET_SIZE])
            result.facets[name] = [(str(value), int(count)) for value, count in counted if value is not None]
        result.per_day = sorted(days.items())
