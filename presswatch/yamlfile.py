"""Load YAML while remembering where each key and value sits, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from presswatch.errors import ConfigError
from presswatch.reasons import os_error_text

Location = tuple[str | int, ...]


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys instead of keeping the last one."""


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


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


def load_yaml(path: Path) -> YamlDocument:
    """Parse ``path``; a syntax error becomes a ConfigError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError([f"{path}: không đọc được tệp: {os_error_text(exc, with_file=False)}"]) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path}: tệp không phải UTF-8 ({exc.reason})"]) from exc
    try:
        root = yaml.compose(text, Loader=_UniqueKeyLoader)
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise ConfigError([f"{path}:{line}: lỗi cú pháp YAML: {exc.problem or exc}"]) from exc
    lines: dict[Location, int] = {}
    if root is not None:
        _index(root, (), lines)
    return YamlDocument(path, data, lines)
