"""Load YAML while remembering where each key and value sits, for error messages.

Configuration files are operator data, but a hostile or mistaken file must not take the service
down, so a file is measured before anything is built from it:

- at most ``MAX_BYTES`` bytes;
- at most ``MAX_DEPTH`` nested lists/mappings, counted through aliases (PyYAML's composer and our
  line index recurse once per level);
- at most ``MAX_NODES`` nodes once every alias is expanded: a "billion laughs" file of a few hundred
  bytes that would expand to millions of nodes is refused in milliseconds, from the event stream
  (PyYAML's parser is iterative), before a node is composed.

Anchors, aliases and merge keys (``<<: *base``) within those bounds work as usual. The file is
parsed once: the checked events are replayed into the composer. Plain scalars follow YAML 1.2 for
numbers: ``25:00`` is the string "25:00", not the YAML 1.1 sexagesimal integer 1500.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    Event,
    NodeEvent,
    ScalarEvent,
)
from yaml.resolver import Resolver

from presswatch.errors import ConfigError
from presswatch.reasons import os_error_text

Location = tuple[str | int, ...]

MAX_BYTES = 2_000_000  # the shipped sources.yaml is 30 kB
MAX_DEPTH = 32  # the shipped files nest 5 levels deep
MAX_NODES = 200_000  # once aliases are expanded; the shipped topics.yaml has about 3,000

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_UNREADABLE = {_INT: "số nguyên quá dài", "tag:yaml.org,2002:timestamp": "ngày giờ không có thật"}
# PyYAML's YAML 1.1 patterns without their sexagesimal (base 60) alternatives.
_NUMBERS = {
    _INT: re.compile(r"""^(?:[-+]?0b[0-1_]+
                    |[-+]?0[0-7_]+
                    |[-+]?(?:0|[1-9][0-9_]*)
                    |[-+]?0x[0-9a-fA-F_]+)$""", re.X),
    _FLOAT: re.compile(r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?
                    |\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
                    |[-+]?\.(?:inf|Inf|INF)
                    |\.(?:nan|NaN|NAN))$""", re.X),
}


class _Resolver(Resolver):
    """PyYAML's resolver, numbers without base 60 (in the same order of precedence)."""

    yaml_implicit_resolvers = {
        first: [(tag, _NUMBERS.get(tag, pattern)) for tag, pattern in resolvers]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }


class _Constructor(SafeConstructor):
    """SafeConstructor that refuses duplicate mapping keys instead of keeping the last one, and turns
    a scalar Python cannot build (a 5,000-digit integer, a 13th month) into an error with its line."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError):
            what = _UNREADABLE.get(str(node.tag), "giá trị không đọc được")
            raise ConstructorError(None, None, f"{what}: '{str(node.value)[:40]}'", node.start_mark) from None

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            if key_node.tag == _MERGE:  # "<<: *base" merges; its keys may be overridden
                continue
            key = self.construct_object(key_node)
            if key in seen:
                raise ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


class _Replay(Composer, _Constructor, _Resolver):
    """Composes and constructs from events already parsed and measured."""

    def __init__(self, events: list[Event]) -> None:
        self._events = events
        self._next = 0
        Composer.__init__(self)
        _Constructor.__init__(self)
        _Resolver.__init__(self)

    def check_event(self, *choices: type[Event]) -> bool:
        if self._next >= len(self._events):
            return False
        return not choices or isinstance(self._events[self._next], choices)

    def peek_event(self) -> Event:
        return self._events[self._next]

    def get_event(self) -> Event:
        event = self._events[self._next]
        self._next += 1
        return event


@dataclass
class _Open:
    """A list or mapping being measured: where it started and how deep it reaches."""

    anchor: str | None
    first_node: int
    deepest: int


def _count(number: int) -> str:
    """200000 → "200.000" (Vietnamese thousands separator)."""
    return f"{number:,}".replace(",", ".")


def _line(event: Event) -> int:
    return event.start_mark.line + 1 if event.start_mark else 1


def _measured(events: Iterable[Event], path: Path) -> list[Event]:
    """The events, once the document they describe is known to stay within the bounds."""
    kept: list[Event] = []
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (nodes, depth) of what it names
    open_: list[_Open] = []
    nodes = 0

    def reach(depth: int, event: Event) -> None:
        if depth > MAX_DEPTH:
            raise ConfigError([f"{path}:{_line(event)}: lồng quá sâu: quá {MAX_DEPTH} cấp danh sách/ánh xạ "
                               f"lồng nhau (tính cả các bí danh *tên)"])
        if open_:
            open_[-1].deepest = max(open_[-1].deepest, depth)

    def count(added: int, event: Event) -> None:
        nonlocal nodes
        nodes += added
        if nodes > MAX_NODES:
            raise ConfigError([f"{path}:{_line(event)}: các bí danh YAML (*tên) mở rộng tệp ra quá {_count(MAX_NODES)} "
                               f"nút; tệp bị từ chối (kiểu tấn công 'billion laughs')"])

    for event in events:
        kept.append(event)
        if isinstance(event, CollectionStartEvent):
            reach(len(open_) + 1, event)
            open_.append(_Open(event.anchor, nodes, len(open_) + 1))
            count(1, event)
        elif isinstance(event, CollectionEndEvent):
            done = open_.pop()
            if done.anchor is not None:
                anchors[done.anchor] = (nodes - done.first_node, done.deepest - len(open_))
            if open_:
                open_[-1].deepest = max(open_[-1].deepest, done.deepest)
        elif isinstance(event, ScalarEvent):
            count(1, event)
            if event.anchor is not None:
                anchors[event.anchor] = (1, 0)
        elif isinstance(event, AliasEvent):
            if any(item.anchor == event.anchor for item in open_):
                raise ConfigError([f"{path}:{_line(event)}: bí danh '*{event.anchor}' nằm bên trong chính nút "
                                   f"'&{event.anchor}' mà nó trỏ tới (vòng lặp vô tận)"])
            size, depth = anchors.get(str(event.anchor), (0, 0))  # unknown: the composer says so
            reach(len(open_) + depth, event)
            count(size, event)
        elif isinstance(event, NodeEvent):  # pragma: no cover - every node event is handled above
            raise AssertionError(event)
    return kept


class YamlDocument:
    """A parsed YAML file and the line of every key/item, addressed by its path."""

    def __init__(self, path: Path, data: Any, lines: dict[Location, int]) -> None:
        self.path = path
        self.data = data
        self._lines = lines

    def line_of(self, location: Location) -> int | None:
        """Line (1-based) of the deepest known prefix of ``location``."""
        for end in range(len(location), -1, -1):
            line = self._lines.get(tuple(location[:end]))
            if line is not None:
                return line
        return None

    def has(self, location: Location) -> bool:
        """True when the file itself holds ``location`` (not, say, a value copied from a default)."""
        return tuple(location) in self._lines

    def where(self, location: Location) -> str:
        line = self.line_of(location)
        key = ".".join(str(part) for part in location) or "(gốc)"
        return f"{self.path}:{line or 1}: {key}"


def _index(node: yaml.Node, location: Location, lines: dict[Location, int]) -> None:
    lines.setdefault(location, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            child = (*location, str(key_node.value))
            lines[child] = key_node.start_mark.line + 1
            _index(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for position, item in enumerate(node.value):
            _index(item, (*location, position), lines)


def _read(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError([f"{path}: không đọc được tệp: {os_error_text(exc, with_file=False)}"]) from exc
    if len(raw) > MAX_BYTES:
        raise ConfigError([f"{path}: tệp quá lớn (hơn {_count(MAX_BYTES)} byte); tệp cấu hình không cần lớn "
                           f"như vậy"])
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: tệp không phải UTF-8 ({exc.reason})"]) from exc


def load_yaml(path: Path) -> YamlDocument:
    """Parse ``path``; a syntax error, or a file beyond the bounds above, becomes a ConfigError naming
    file and line."""
    text = _read(path)
    try:
        events = _measured(yaml.parse(text, Loader=yaml.SafeLoader), path)  # events do not depend on tags
        replay = _Replay(events)
        root = replay.get_single_node()
        data = replay.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigError([f"{path}:{line}: lỗi cú pháp YAML: {exc.problem or exc}"]) from exc
    lines: dict[Location, int] = {}
    if root is not None:
        _index(root, (), lines)
    return YamlDocument(path, data, lines)
