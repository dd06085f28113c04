"""Match one article against a query of ``presswatch.query`` in memory, as the search index would.

Alert rules are evaluated on each new article as it is stored, so they cannot ask the index. The
semantics follow the embedded SQLite index (``presswatch.search.sqlite``): words are folded \\w+
tokens (no diacritics, đ → d, lower case); a phrase is consecutive tokens within the title or within
the text; ``NEAR/n`` wants every item in one field with at most ``n`` tokens between the end of the
first and the start of the last; a prefix matches the start of a token. ``tests/test_alerts_rules``
checks the two agree on real articles.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product

from analysis import fold
from presswatch.query import And, DateBound, Field, Near, Node, Not, Or, Phrase, Word

_WORD = re.compile(r"\w+")


@dataclass
class Doc:
    """What a rule can look at: the article's folded tokens and its analysed fields."""

    title: list[str]
    text: list[str]
    source_id: str = ""
    source_kind: str = ""
    relevance: str | None = None
    sentiment: str | None = None
    topics: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    provinces: dict[str, str] = field(default_factory=dict)  # {followed province: "about" | "mention"}
    toxicity: str = "clean"
    content_type: str = "article"
    _positions: list[dict[str, list[int]]] | None = field(default=None, repr=False)
    _vocabulary: frozenset[str] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, title: str, text: str, **fields: object) -> Doc:
        """From normalised title and text (``analysis.normalize``)."""
        return cls(_WORD.findall(fold(title)), _WORD.findall(fold(text)), **fields)  # type: ignore[arg-type]

    @property
    def vocabulary(self) -> frozenset[str]:
        if self._vocabulary is None:
            self._vocabulary = frozenset(self.title) | frozenset(self.text)
        return self._vocabulary

    def positions(self) -> list[dict[str, list[int]]]:
        if self._positions is None:
            self._positions = []
            for tokens in (self.title, self.text):
                where: dict[str, list[int]] = {}
                for index, token in enumerate(tokens):
                    where.setdefault(token, []).append(index)
                self._positions.append(where)
        return self._positions


Predicate = Callable[[Doc], bool]


def _starts(doc: Doc, column: int, words: tuple[str, ...], prefix: bool) -> list[int]:
    """Start positions of ``words`` (consecutive) in one field; the last word may be a prefix."""
    tokens = (doc.title, doc.text)[column]
    where = doc.positions()[column]
    if prefix and len(words) == 1:
        return [i for i, token in enumerate(tokens) if token.startswith(words[0])]
    starts = where.get(words[0], [])
    found = []
    for start in starts:
        end = start + len(words)
        if end > len(tokens):
            continue
        inner_ok = all(tokens[start + k] == words[k] for k in range(1, len(words) - (1 if prefix else 0)))
        last_ok = tokens[end - 1].startswith(words[-1]) if prefix else tokens[end - 1] == words[-1]
        if inner_ok and last_ok:
            found.append(start)
    return found


def _term(words: tuple[str, ...], prefix: bool) -> Predicate:
    if len(words) == 1 and not prefix:
        word = words[0]
        return lambda doc: word in doc.vocabulary
    first = words[0]

    def match(doc: Doc) -> bool:
        if not prefix and first not in doc.vocabulary:
            return False
        return any(_starts(doc, column, words, prefix) for column in (0, 1))

    return match


def _near(node: Near) -> Predicate:
    items = [(item.words, isinstance(item, Word) and item.prefix) for item in node.items]
    needed = [w[0] for w, prefix in items if not prefix]

    def match(doc: Doc) -> bool:
        if any(word not in doc.vocabulary for word in needed):
            return False
        for column in (0, 1):
            occurrences = [[(s, s + len(words)) for s in _starts(doc, column, words, prefix)]
                           for words, prefix in items]
            if any(not spans for spans in occurrences):
                continue
            for combination in product(*occurrences):
                first = min(combination)
                last = max(combination, key=lambda span: span[0])
                if last[0] - first[1] <= node.distance:
                    return True
        return False

    return match


def _field(node: Field) -> Predicate:
    value = node.value
    if node.name == "topic":
        return lambda doc: value in doc.topics
    if node.name == "province":
        return lambda doc: value in doc.provinces
    if node.name == "place":
        from presswatch.search.highlight import places_named

        names = frozenset(places_named(value))
        return lambda doc: not names.isdisjoint(doc.places)
    attribute = {"source": "source_id", "kind": "source_kind", "sentiment": "sentiment",
                 "relevance": "relevance"}[node.name]
    return lambda doc: getattr(doc, attribute) == value


def compile_query(node: Node) -> Predicate:
    """A predicate answering ``node`` for one document. Date bounds are not allowed in rules."""
    if isinstance(node, Word):
        return _term(node.words, node.prefix)
    if isinstance(node, Phrase):
        return _term(node.words, False)
    if isinstance(node, Near):
        return _near(node)
    if isinstance(node, Field):
        return _field(node)
    if isinstance(node, Not):
        inner = compile_query(node.item)
        return lambda doc: not inner(doc)
    if isinstance(node, And):
        parts = [compile_query(item) for item in node.items]
        return lambda doc: all(part(doc) for part in parts)
    if isinstance(node, Or):
        parts = [compile_query(item) for item in node.items]
        return lambda doc: any(part(doc) for part in parts)
    if isinstance(node, DateBound):
        raise ValueError("date bounds cannot be evaluated on one article; rules use max_age")
    raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover
