"""Exceptions raised by presswatch.

    PresswatchError            base of everything we raise on purpose
    ├── ConfigError            a configuration file is wrong; names the file, line and key
    ├── StoreError             the SQLite store cannot be opened or written
    ├── ServiceError           the service on a database is not running, or already running
    │   └── ListenError        a port of the service (web UI, /metrics) cannot be opened
    └── QueryError             a search query is malformed; carries the position

Expected outcomes are not errors: an article already stored is reported by a return value, and a
page that yields no article is dropped by the crawl pipeline with ``scrapy.exceptions.DropItem``.
"""

from __future__ import annotations


class PresswatchError(Exception):
    """Base class of presswatch's own exceptions."""


class ConfigError(PresswatchError):
    """A configuration file failed to load or validate."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class StoreError(PresswatchError):
    """The store could not be opened or written."""


class ServiceError(PresswatchError):
    """``presswatch run``/``reload`` found no service to signal, or one already running."""


class ListenError(ServiceError):
    """A port could not be opened; the message says why, for the operator."""


class QueryError(PresswatchError):
    """A search query could not be parsed (or a date of a search form is out of range).

    ``position`` is the 0-based index of the problem in the query text (None when the problem is not
    in the query text, e.g. a form's date); users are shown ``user_position``, counted from 1, in the
    message, in the CLI and in the API."""

    def __init__(self, message: str, position: int | None) -> None:
        self.position = position
        self.message = message
        super().__init__(message if position is None else f"{message} (vị trí {position + 1})")

    @property
    def user_position(self) -> int | None:
        return None if self.position is None else self.position + 1
