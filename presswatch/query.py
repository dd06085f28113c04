"""The query language shared by search and alert rules.

    lũ quét                      both words (AND is implicit; matching ignores diacritics)
    "Lai Châu"                   exact phrase (adjacent syllables)
    sạt lở OR lũ quét            either side; AND, OR, NOT in capitals; parentheses group
    NOT "tin đồn"   -tin         exclusion
    "Lai Châu" NEAR/5 "sạt lở"   within 5 words of each other (NEAR alone: 10)
    thủy*                        prefix
    source:baolaichau kind:press topic:thien-tai sentiment:negative relevance:about place:"Mường Tè"
    province:"Điện Biên"         an article concerning that province (one followed; any spelling, old names)
    since:2026-11-01 until:2026-11-27 since:7d since:24h

``parse`` returns an AST or raises ``QueryError`` with the position of the problem. Backends
compile the AST themselves: user text never reaches FTS5 ``MATCH`` or Elasticsearch
``query_string`` raw; every word is folded to letters and digits and quoted.

Limits (documented in docs/query-language.md, "Giới hạn"): a query over ``MAX_LENGTH`` characters,
``MAX_TOKENS`` words/phrases/filters/operators or nested deeper than ``MAX_DEPTH`` (parentheses and
NOT), a NEAR distance over ``NEAR_MAX``, a date outside ``YEAR_MIN``–``YEAR_MAX`` or a span longer
than ``MAX_SPAN_DAYS`` is refused before anything runs: every query the parser accepts compiles to
SQL and FTS5 expressions of bounded size and depth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Union

from analysis import fold, normalize
from presswatch.errors import QueryError
from presswatch.provinces import resolve as resolve_province
from presswatch.times import day_start

FIELDS = ("source", "kind", "topic", "sentiment", "relevance", "place", "province", "since", "until")
SENTIMENT_ALIASES = {"negative": "negative", "tieu-cuc": "negative", "tieucuc": "negative", "neutral": "neutral",
                     "trung-tinh": "neutral", "trungtinh": "neutral", "positive": "positive", "tich-cuc": "positive",
                     "tichcuc": "positive"}
RELEVANCE_ALIASES = {"about": "about", "mention": "mention", "none": "none"}
KIND_VALUES = ("press", "magazine", "info_site", "aggregator", "social")
DEFAULT_NEAR = 10
MAX_LENGTH = 1000  # characters of a query
MAX_TOKENS = 100  # words, phrases, filters, operators and parentheses of a query
MAX_DEPTH = 10  # nesting of parentheses and NOT / - (each counts one level)
NEAR_MAX = 100  # NEAR/n: 0 ≤ n ≤ NEAR_MAX words
YEAR_MIN, YEAR_MAX = 2000, 2100  # since:/until: dates (and the search form's)
MAX_SPAN_DAYS = 36_500  # since:/until: spans back from now (7d, 24h, 2w): at most 100 years
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(
    r'(?P<space>\s+)|(?P<lparen>\()|(?P<rparen>\))|(?P<phrase>"[^"]*(?:"\*?)?)'
    r"|(?P<near>NEAR(?:/(?P<distance>\d+))?(?=[\s(\"]|$))"
    r"|(?P<op>(?:AND|OR|NOT)(?=[\s(\"]|$))"
    r'|(?P<minus>-(?=["(]))'
    r'|(?P<field>[A-Za-z_]+):(?P<value>"[^"]*"?|[^\s()"]*)'
    r'|(?P<word>-?[^\s()"]+)'
)


@dataclass(frozen=True)
class Word:
    words: tuple[str, ...]  # folded tokens: one, or several when the word holds punctuation ("covid-19")
    original: str  # normalised, lower case, as typed
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    original: str


@dataclass(frozen=True)
class Near:
    items: tuple[Word | Phrase, ...]
    distance: int


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class DateBound:
    name: str  # since | until
    moment: datetime


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Not:
    item: Node


Node = Union[Word, Phrase, Near, Field, DateBound, And, Or, Not]  # noqa: UP007 - used at runtime
TEXT = (Word, Phrase, Near)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    position: int
    value: str = ""
    distance: int = 0


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")  # Vietnamese thousands: 1.000


def _tokens(query: str) -> list[_Token]:
    if len(query) > MAX_LENGTH:
        raise QueryError(f"truy vấn dài {_number(len(query))} ký tự, quá giới hạn {_number(MAX_LENGTH)} ký tự",
                         MAX_LENGTH)
    tokens: list[_Token] = []
    position = 0
    while position < len(query):
        match = _TOKEN.match(query, position)
        if match is None:  # pragma: no cover - the word alternative matches any other character
            raise QueryError(f"ký tự không hợp lệ '{query[position]}'", position)
        text = match.group(0)
        if match.group("field") is not None:
            value = match.group("value")
            if value.startswith('"') and (len(value) < 2 or not value.endswith('"')):
                raise QueryError("thiếu dấu ngoặc kép đóng", match.start("value"))
            tokens.append(_Token("field", match.group("field").lower(), position, value.strip('"')))
        elif match.group("near") is not None:
            distance = int(match.group("distance") or DEFAULT_NEAR)
            if distance > NEAR_MAX:
                raise QueryError(f"khoảng cách NEAR phải từ 0 đến {NEAR_MAX} từ", position)
            tokens.append(_Token("near", text, position, distance=distance))
        elif match.group("phrase") is not None:
            if len(text) < 2 or not text.rstrip("*").endswith('"'):
                raise QueryError("thiếu dấu ngoặc kép đóng", position)
            tokens.append(_Token("phrase", text, position))
        elif match.group("space") is None:
            kind = next(name for name in ("lparen", "rparen", "op", "minus", "word") if match.group(name) is not None)
            tokens.append(_Token(kind, text, position))
        position = match.end()
    return tokens


_RELATIVE = re.compile(r"^(\d+)\s*([hdw])$")
_SPAN_UNITS = {"h": ("giờ", 24), "d": ("ngày", 1), "w": ("tuần", 1 / 7)}


def parse_since(value: str, now: datetime | None = None, position: int | None = None) -> datetime:
    """``7d``, ``24h``, ``2w`` before ``now``, or a date ``YYYY-MM-DD`` (midnight in Vietnam) → UTC.
    Spans longer than MAX_SPAN_DAYS and dates outside the years YEAR_MIN–YEAR_MAX raise QueryError
    (at ``position``: where the value is in a query, if it is in one)."""
    now = now or datetime.now(UTC)
    text = value.strip()
    match = _RELATIVE.match(text)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
        name, per_day = _SPAN_UNITS[unit]
        if amount > MAX_SPAN_DAYS * per_day:
            raise QueryError(f"khoảng thời gian '{text}' quá dài (tối đa {_number(int(MAX_SPAN_DAYS * per_day))} "
                             f"{name})", position)
        delta = {"h": timedelta(hours=amount), "d": timedelta(days=amount), "w": timedelta(weeks=amount)}[unit]
        return now - delta
    try:
        day = datetime.strptime(text, "%Y-%m-%d") if len(text) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        raise QueryError(f"'{value}' không phải ngày (YYYY-MM-DD) hay khoảng thời gian (7d, 24h)", position)
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise QueryError(f"ngày '{text}' phải trong các năm {YEAR_MIN}–{YEAR_MAX}", position)
    return day_start(day.date())  # midnight in Vietnam


class _Parser:
    def __init__(self, query: str, now: datetime) -> None:
        self.query = query
        self.tokens = _tokens(query)
        self.index = 0
        self.now = now
        self.depth = 0

    def deeper(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(f"truy vấn lồng quá {MAX_DEPTH} tầng (ngoặc đơn và NOT)", token.position)

    def peek(self) -> _Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def parse(self) -> Node:
        if not self.tokens:
            raise QueryError("truy vấn rỗng", 0)
        node = self.or_expr()  # at most MAX_LENGTH tokens, at most MAX_DEPTH deep: bounded work
        token = self.peek()
        if token is not None:
            if token.kind == "rparen":
                raise QueryError("dấu ')' không có '(' tương ứng", token.position)
            raise QueryError(f"không hiểu '{token.text}' ở đây", token.position)
        if len(self.tokens) > MAX_TOKENS:
            raise QueryError(f"truy vấn có quá {MAX_TOKENS} từ, cụm từ, bộ lọc và toán tử",
                             self.tokens[MAX_TOKENS].position)
        return node

    def or_expr(self) -> Node:
        items = [self.and_expr()]
        while (token := self.peek()) is not None and token.kind == "op" and token.text == "OR":
            self.take()
            items.append(self.and_expr())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def and_expr(self) -> Node:
        items = [self.unary()]
        while (token := self.peek()) is not None and token.kind != "rparen" and not (
                token.kind == "op" and token.text == "OR"):
            if token.kind == "op" and token.text == "AND":
                self.take()
            items.append(self.unary())
        return items[0] if len(items) == 1 else And(tuple(items))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise QueryError("truy vấn kết thúc giữa chừng (thiếu từ sau toán tử)", len(self.query))
        if (token.kind == "op" and token.text == "NOT") or token.kind == "minus":
            self.take()
            self.deeper(token)
            node = Not(self.unary())
            self.depth -= 1
            return node
        if token.kind == "word" and token.text.startswith("-") and len(token.text) > 1:
            self.take()
            return Not(self.word(token, token.text[1:]))
        return self.near()

    def near(self) -> Node:
        left = self.primary()
        while (token := self.peek()) is not None and token.kind == "near":
            self.take()
            right = self.primary()
            for side, at in ((left, token.position), (right, token.position)):
                if not isinstance(side, Word | Phrase | Near):
                    raise QueryError("NEAR chỉ nối từ hoặc cụm từ", at)
                if isinstance(side, Word) and side.prefix:
                    raise QueryError("NEAR không dùng với tìm theo tiền tố (*)", at)
            items = (*(left.items if isinstance(left, Near) else (left,)), right)
            left = Near(items, token.distance)
        return left

    def primary(self) -> Node:
        token = self.peek()
        if token is None:
            raise QueryError("truy vấn kết thúc giữa chừng", len(self.query))
        if token.kind == "lparen":
            self.take()
            self.deeper(token)
            if (closing := self.peek()) is not None and closing.kind == "rparen":
                raise QueryError("cặp ngoặc rỗng", closing.position)
            node = self.or_expr()
            closing = self.peek()
            if closing is None or closing.kind != "rparen":
                raise QueryError("thiếu dấu ')'", token.position)
            self.take()
            self.depth -= 1
            return node
        if token.kind == "rparen":
            raise QueryError("dấu ')' không có '(' tương ứng", token.position)
        if token.kind in ("op", "near"):
            raise QueryError(f"thiếu từ trước '{token.text}'", token.position)
        self.take()
        if token.kind == "phrase":
            prefix = token.text.endswith("*")
            inner = token.text.rstrip("*")[1:-1]
            words = tuple(_WORD.findall(fold(inner)))
            if not words:
                raise QueryError("cụm từ rỗng", token.position)
            if prefix:  # "sai sự"*: the phrase, its last word as a prefix
                return Word(words, normalize(inner).lower(), prefix=True)
            return Phrase(words, normalize(inner).lower())
        if token.kind == "field":
            return self.field(token)
        return self.word(token, token.text)

    def word(self, token: _Token, text: str) -> Word | Phrase:
        prefix = text.endswith("*")
        stripped = text.rstrip("*")
        words = tuple(_WORD.findall(fold(stripped)))
        if not words:
            raise QueryError(f"'{text}' không chứa chữ hay số để tìm", token.position)
        if prefix and len(words[-1]) < 2:
            raise QueryError("tìm theo tiền tố cần ít nhất 2 chữ cái trước '*'", token.position)
        if len(words) > 1 and not prefix:
            return Phrase(words, normalize(stripped).lower())
        return Word(words, normalize(stripped).lower(), prefix)

    def field(self, token: _Token) -> Node:
        name, value = token.text, token.value.strip()
        if name not in FIELDS:
            raise QueryError(f"trường '{name}' không tồn tại (dùng: {', '.join(FIELDS)})", token.position)
        if not value:
            raise QueryError(f"thiếu giá trị sau '{name}:'", token.position)
        if name in ("since", "until"):
            return DateBound(name, parse_since(value, self.now, token.position))
        if name == "sentiment":
            folded = fold(value).replace(" ", "-")
            if folded not in SENTIMENT_ALIASES:
                raise QueryError("sentiment: là negative, neutral hoặc positive", token.position)
            value = SENTIMENT_ALIASES[folded]
        elif name == "relevance":
            if value.lower() not in RELEVANCE_ALIASES:
                raise QueryError("relevance: là about, mention hoặc none", token.position)
            value = value.lower()
        elif name == "kind":
            if value.lower() not in KIND_VALUES:
                raise QueryError(f"kind: là một trong {', '.join(KIND_VALUES)}", token.position)
            value = value.lower()
        elif name == "place":
            value = normalize(value)
        elif name == "province":
            try:
                value, _ = resolve_province(value)
            except ValueError as exc:
                raise QueryError(f"province: {exc}", token.position) from None
        else:
            value = value.lower()
        return Field(name, value)


def parse(query: str, now: datetime | None = None) -> Node:
    """Parse ``query``; ``now`` anchors relative dates (default: the current time)."""
    return _Parser(query, now or datetime.now(UTC)).parse()


def is_text(node: Node) -> bool:
    """True for a node made of words only (no field, date or negation inside)."""
    if isinstance(node, TEXT):
        return True
    if isinstance(node, And | Or):
        return all(is_text(item) for item in node.items)
    return False


def loose_phrase(node: Node) -> Phrase | None:
    """Consecutive plain words of a top-level AND ("muong te") as one phrase: Vietnamese names are
    several syllables, so documents where the words stand together rank first."""
    items = node.items if isinstance(node, And) else (node,)
    words = [item for item in items if isinstance(item, Word) and not item.prefix]
    if len(words) < 2:
        return None
    return Phrase(tuple(w for item in words for w in item.words), " ".join(item.original for item in words))


def positive_terms(node: Node) -> list[Word | Phrase]:
    """The words and phrases the query looks for (not under NOT): for ranking and highlighting."""
    if isinstance(node, Word | Phrase):
        return [node]
    if isinstance(node, Near):
        return list(node.items)
    if isinstance(node, And | Or):
        return [term for item in node.items for term in positive_terms(item)]
    return []
