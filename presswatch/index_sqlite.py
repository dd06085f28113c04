"""The embedded search backend: the query AST compiled to SQLite FTS5 and SQL.

The folded words of the query become quoted FTS5 strings (``"lai chau"``, ``"thuy"*``,
``NEAR("lai chau" "sat lo", 5)``); nothing the user typed reaches ``MATCH`` unquoted. The text
part that FTS5 can express joins the index (ranked by bm25, title weighted 4×); field filters,
dates and any boolean structure FTS5 cannot express (``a OR source:x``, ``NOT`` under ``OR``)
become SQL conditions, with text leaves as ``id IN (SELECT rowid … MATCH …)``.
"""

from __future__ import annotations

import json
from typing import Any

from presswatch.query import And, DateBound, Field, Near, Node, Not, Or, Phrase, Word, is_text
from presswatch.search import Hit, SearchRequest, SearchResult, highlight, places_named, rank_key
from presswatch.store import Store, iso, parse_iso

MAX_POOL = 2000  # candidates re-ranked for "exact accents first"
FACET_SIZE = 20


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
        column = {"source": "a.source_id", "kind": "a.source_kind", "sentiment": "a.sentiment",
                  "relevance": "a.relevance"}[node.name]
        params.append(node.value)
        return f"{column} = ?"

    def plan(self, tree: Node) -> tuple[str | None, str, list[object]]:
        """(FTS expression to join and rank by, or None; SQL condition; its parameters)."""
        items = list(tree.items) if isinstance(tree, And) else [tree]
        text: list[Node] = [i for i in items if is_text(i)]
        negated_text: list[Node] = [i for i in items if isinstance(i, Not) and is_text(i.item)]
        main = None
        if text:
            candidate = And(tuple(text + negated_text)) if len(text) + len(negated_text) > 1 else text[0]
            main = fts(candidate)
        rest = [i for i in items if main is None or (i not in text and i not in negated_text)]
        params: list[object] = []
        condition = " AND ".join(self.condition(item, params) for item in rest) if rest else "1"
        return main, condition, params

    # --- execution ----------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        tree = request.tree()
        main, condition, params = self.plan(tree)
        db = self.store.db
        if main is not None:
            source = "articles_fts JOIN articles a ON a.id = articles_fts.rowid"
            where = f"articles_fts MATCH ? AND {condition}"
            all_params = [main, *params]
        else:
            source, where, all_params = "articles a", condition, params
        text_only = main is not None and condition == "1"
        if text_only:  # the index alone answers: no join per matching row
            counted = db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [main])
            total = int(counted.fetchone()[0])
        else:
            total = int(db.execute(f"SELECT count(*) FROM {source} WHERE {where}", all_params).fetchone()[0])
        wanted = request.offset + request.limit
        ranked = main is not None and request.sort == "relevance"
        if ranked:
            pool = min(max(wanted * 3, 100), MAX_POOL)
            if text_only:
                ids = [row[0] for row in db.execute(
                    "SELECT rowid FROM articles_fts WHERE articles_fts MATCH ? ORDER BY bm25(articles_fts, 4.0, 1.0) "
                    "LIMIT ?", [main, max(pool, wanted)])]
            else:
                ids = [row[0] for row in db.execute(
                    f"SELECT a.id FROM {source} WHERE {where} ORDER BY bm25(articles_fts, 4.0, 1.0) LIMIT ?",
                    [*all_params, max(pool, wanted)])]
        else:
            ids = [row[0] for row in db.execute(
                f"SELECT a.id FROM {source} WHERE {where} ORDER BY a.dated_at DESC, a.id DESC LIMIT ? OFFSET ?",
                [*all_params, request.limit, request.offset])]
        rows = {row["id"]: row for row in self._rows(ids)}
        ordered = [rows[i] for i in ids if i in rows]
        if ranked:
            keys = {row["id"]: rank_key(row["title_n"] + "\n" + row["text_n"], tree) for row in ordered}
            position = {row["id"]: n for n, row in enumerate(ordered)}
            ordered.sort(key=lambda row: (not keys[row["id"]][0], not keys[row["id"]][1], position[row["id"]]))
            ordered = ordered[request.offset:wanted]
        hits = [self._hit(row, tree) for row in ordered]
        result = SearchResult(hits=hits, total=total)
        if request.facets:
            self._facets(result, source, where, all_params)
        return result

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

    def _facets(self, result: SearchResult, source: str, where: str, params: list[object]) -> None:
        """Counts per facet value and per day over every matching article. The matching ids are
        collected once into a temporary table, then each facet is one GROUP BY over it (CROSS JOIN
        keeps the small id table as the outer loop: the planner has no statistics for it)."""
        db = self.store.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS facet_ids (id INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM facet_ids")
        db.execute(f"INSERT INTO facet_ids SELECT a.id FROM {source} WHERE {where}", params)
        # No WHERE on the article's columns here: it would tempt the planner into an index scan.
        per_article = "SELECT a.{column}, count(*) FROM facet_ids f CROSS JOIN articles a ON a.id = f.id GROUP BY 1"
        queries = {name: per_article.format(column=column) for name, column in (
            ("source", "source_id"), ("kind", "source_kind"), ("sentiment", "sentiment"), ("relevance", "relevance"))}
        queries["topic"] = ("SELECT t.topic, count(*) FROM facet_ids f CROSS JOIN article_topics t "
                            "ON t.article_id = f.id GROUP BY 1")
        queries["place"] = ("SELECT p.place, count(*) FROM facet_ids f CROSS JOIN article_places p "
                            "ON p.article_id = f.id GROUP BY 1")
        for name, sql in queries.items():
            rows = db.execute(sql + " ORDER BY 2 DESC, 1 LIMIT ?", [FACET_SIZE])
            result.facets[name] = [(str(value), int(count)) for value, count in rows if value is not None]
        rows = db.execute("SELECT date(a.dated_at, '+7 hours'), count(*) FROM facet_ids f "
                          "CROSS JOIN articles a ON a.id = f.id GROUP BY 1 ORDER BY 1")
        result.per_day = [(str(day), int(count)) for day, count in rows]
        db.execute("DELETE FROM facet_ids")
