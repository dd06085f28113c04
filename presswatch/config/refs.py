"""References between configuration files, and what is legal but probably not meant.

A rule naming a topic that ``topics.yaml`` does not define, a source or channel that does not exist,
or a place the gazetteer does not know (in a query, or as a trend rule's burst ``keys``), never
fires; a ``comments`` source reading an unknown source reads nothing; a source crawled more often
than the ``crawl_min_interval`` setting allows burdens the site. Each is an error, reported as
``file:line: key: message`` with the nearest existing value ("có phải 'thien-tai'?"). The checks
read the files as parsed (not only as validated), so a reference is reported even when another key
of the same file is wrong too.

Warnings (the configuration loads, the operator should look): no ``alerts.yaml``; an enabled rule
without channels (its alerts are recorded but sent nowhere).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from analysis import fold
from presswatch.config.base import closest, format_duration, parse_duration, suggestion
from presswatch.config.yamlfile import Location, YamlDocument
from presswatch.errors import QueryError
from presswatch.netpolicy import SETTING, AddressPolicy
from presswatch.query import Field, Node, parse


class _Source(Protocol):
    """What the warnings read of a ``presswatch.config.sources.Source`` (that module imports this one)."""

    @property
    def id(self) -> str: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def urls(self) -> list[str]: ...

_NOT_IN_TOPICS, _NOT_IN_SOURCES = "không có trong topics.yaml", "không có trong sources.yaml"
_FIELD_WHAT = {"topic": ("chủ đề", "topics.yaml"), "source": ("nguồn", "sources.yaml"),
               "place": ("địa danh", "danh mục địa danh của tỉnh")}


def _items(data: Any, key: str) -> list[Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, list) else []


def _ids(data: Any, key: str) -> list[str]:
    """The string ``id`` of every mapping in the list ``data[key]``."""
    return [item["id"] for item in _items(data, key) if isinstance(item, dict) and isinstance(item.get("id"), str)]


def _unknown_items(doc: YamlDocument, location: Location, known: Iterable[str], what: str,
                   where: str) -> Iterator[str]:
    """One problem per string of the list at ``location`` that is not in ``known``: "<what> '<value>'
    <where>" and the nearest known value."""
    data: Any = doc.data
    for part in location:
        data = data.get(part) if isinstance(data, dict) else (
            data[part] if isinstance(data, list) and isinstance(part, int) and part < len(data) else None)
    known = list(known)
    for position, value in enumerate(data if isinstance(data, list) else []):
        if isinstance(value, str) and value not in known:
            hint = suggestion(value, known)
            yield f"{doc.where((*location, position))}: {what} '{value}' {where}{hint}"


def channel_problems(doc: YamlDocument) -> list[str]:
    """Channels named by rules and ``source_health`` that ``alerts.yaml`` does not declare."""
    known = _ids(doc.data, "channels")
    where = "chưa khai báo trong 'channels'"
    problems = [problem for index, _ in enumerate(_items(doc.data, "rules"))
                for problem in _unknown_items(doc, ("rules", index, "channels"), known, "kênh", where)]
    return problems + list(_unknown_items(doc, ("source_health", "channels"), known, "kênh", where))


def comments_of_problems(doc: YamlDocument) -> list[str]:
    """``comments_of`` of ``sources.yaml`` names sources of the same file."""
    known = _ids(doc.data, "sources")
    return [problem for index, _ in enumerate(_items(doc.data, "sources"))
            for problem in _unknown_items(doc, ("sources", index, "comments_of"), known, "nguồn", _NOT_IN_SOURCES)]


def _fields(node: Node) -> Iterator[Field]:
    if isinstance(node, Field):
        yield node
    for child in getattr(node, "items", ()) or ():
        yield from _fields(child)
    inner = getattr(node, "item", None)
    if inner is not None:
        yield from _fields(inner)


def _places() -> dict[str, str]:
    """Folded name → name of the province and every unit of the gazetteer (what ``place:`` matches)."""
    from analysis.gazetteer import load as load_gazetteer

    gazetteer = load_gazetteer()
    return {fold(name): name for name in (gazetteer.province.name, *gazetteer.units)}


def _query_problems(doc: YamlDocument, location: Location, query: str, known: dict[str, list[str] | None]) -> list[str]:
    try:
        tree = parse(query)
    except QueryError:  # reported by the rule's own validation
        return []
    problems = []
    for field in _fields(tree):
        candidates = known.get(field.name)
        if field.name == "place":
            places = _places()
            if fold(field.value) in places:
                continue
            near = closest(fold(field.value), places)
            hint = f" — có phải '{places[near]}'?" if near else ""
        elif candidates is None or field.value in candidates:
            continue
        else:
            hint = suggestion(field.value, candidates)
        what, where = _FIELD_WHAT[field.name]
        problems.append(f"{doc.where(location)}: {what} '{field.value}' (trong '{field.name}:') không có trong "
                        f"{where}{hint}")
    return problems


def rule_problems(alerts: YamlDocument, topics: list[str] | None, sources: list[str] | None) -> list[str]:
    """Topics and sources named by rules (lists and ``topic:``/``source:``/``place:`` in queries) that
    do not exist. ``None``: that file did not load (its own problems are reported), not checked."""
    problems: list[str] = []
    for index, rule in enumerate(_items(alerts.data, "rules")):
        if topics is not None:
            problems += _unknown_items(alerts, ("rules", index, "topics"), topics, "chủ đề", _NOT_IN_TOPICS)
        if sources is not None:
            problems += _unknown_items(alerts, ("rules", index, "sources"), sources, "nguồn", _NOT_IN_SOURCES)
        problems += _trend_key_problems(alerts, index, rule, topics)
        query = rule.get("query") if isinstance(rule, dict) else None
        if isinstance(query, str):
            problems += _query_problems(alerts, ("rules", index, "query"), query,
                                        {"topic": topics, "source": sources})
    return problems


def _trend_key_problems(alerts: YamlDocument, index: int, rule: Any, topics: list[str] | None) -> list[str]:
    """``trend.keys`` of a burst rule: topic slugs of ``topics.yaml``, or places of the gazetteer."""
    trend = rule.get("trend") if isinstance(rule, dict) else None
    if not isinstance(trend, dict) or trend.get("dimension") == "query":
        return []
    location: Location = ("rules", index, "trend", "keys")
    if trend.get("dimension") == "topic":
        return [] if topics is None else list(_unknown_items(alerts, location, topics, "chủ đề", _NOT_IN_TOPICS))
    places = _places()
    problems = []
    keys = trend.get("keys")
    for position, value in enumerate(keys if isinstance(keys, list) else []):
        if isinstance(value, str) and value not in places.values():
            near = closest(fold(value), places)
            hint = f" — có phải '{places[near]}'?" if near else ""
            problems.append(f"{alerts.where((*location, position))}: địa danh '{value}' không có trong "
                            f"{_FIELD_WHAT['place'][1]}{hint}")
    return problems


def source_ids(doc: YamlDocument) -> list[str]:
    return _ids(doc.data, "sources")


def interval_problems(doc: YamlDocument, minimum: int) -> list[str]:
    """Sources crawled more often than ``crawl_min_interval`` allows; an inherited interval is
    reported where it is written (``defaults.interval``). Unreadable intervals are left to the
    sources' own validation."""
    problems: list[str] = []
    for index, source in enumerate(_items(doc.data, "sources")):
        location: Location = ("sources", index, "interval")
        if not doc.has(location):
            location = ("defaults", "interval")
        value = source.get("interval") if isinstance(source, dict) else None
        if value is None:  # the model's default (30 minutes)
            continue
        try:
            seconds = parse_duration(value)
        except ValueError:  # reported by the source's own validation
            continue
        problem = (f"{doc.where(location)}: {format_duration(seconds)} ngắn hơn khoảng tối thiểu "
                   f"{format_duration(minimum)} giữa hai lượt thu thập (cài đặt crawl_min_interval): thu thập "
                   f"dày như vậy làm phiền trang báo")
        if seconds < minimum and problem not in problems:
            problems.append(problem)
    return problems


def config_warnings(directory: Path, alerts: YamlDocument | None, exists: bool = True) -> list[str]:
    """What loads but is probably not meant: no ``alerts.yaml``, enabled rules without channels."""
    if not exists:
        return [f"{directory / 'alerts.yaml'}: không có tệp này: không có quy tắc cảnh báo nào, không cảnh báo "
                f"nào được ghi lại hay gửi đi (xem docs/alerts.md)"]
    if alerts is None:
        return []
    found = []
    for index, rule in enumerate(_items(alerts.data, "rules")):
        if not isinstance(rule, dict) or rule.get("enabled", True) is False or rule.get("channels"):
            continue
        found.append(f"{alerts.where(('rules', index))}: quy tắc '{rule.get('id')}' không có kênh nào "
                     f"('channels'): cảnh báo của nó được ghi lại nhưng không gửi đi đâu")
    return found


def internal_source_warnings(directory: Path, sources: Iterable[_Source], allow: Iterable[str]) -> list[str]:
    """Enabled sources whose address is on this machine or the office's network ("localhost",
    127.0.0.1, 10.x …) and not in ``crawl_allow_internal``: the crawler will refuse them, so say so
    now rather than in the first crawl's errors. Host names other than ``localhost`` are checked
    when the crawler resolves them."""
    policy = AddressPolicy.from_entries(allow)
    found = []
    for source in sources:
        if not source.enabled:
            continue
        for url in source.urls:
            parts = urlsplit(url)
            host = (parts.hostname or "").rstrip(".")
            if host == "localhost" or host.endswith(".localhost"):  # loopback by name: no DNS needed
                refusal = policy.check(host, parts.port or (443 if parts.scheme == "https" else 80), "127.0.0.1")
            else:
                refusal = policy.check_url(url)
            if refusal is not None:
                found.append(f"{directory / 'sources.yaml'}: nguồn '{source.id}': {url} là địa chỉ nội bộ "
                             f"({refusal.reason}); trình thu thập sẽ từ chối nó. Nếu đây là máy chủ tin cậy của "
                             f"cơ quan, thêm '{refusal.entry()}' vào {SETTING} trong presswatch.yaml")
                break
    return found
