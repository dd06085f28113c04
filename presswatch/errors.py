"""Exceptions raised by presswatch.

    PresswatchError            base of everything we raise on purpose; str() is Vietnamese
    ├── ConfigError            a configuration file is wrong; names the file, line and key
    ├── StoreError             the SQLite store cannot be opened or written
    │   └── DatabaseArgumentError  --db (or `database`) names no usable SQLite file (CLI exit 2)
    ├── ServiceError           the service on a database is not running, or already running
    │   └── ListenError        a port of the service (web UI, /metrics) cannot be opened
    ├── QueryError             a search query is malformed; carries the position
    ├── SearchIndexError       the embedded tantivy index cannot be written now (another writer
    │                          held it too long); the articles stay stored, the next sync takes them
    ├── InvalidURL             a link cannot be a web address (also a ValueError)
    ├── UserError              a web user cannot be created or changed as asked
    ├── AnnotationError        a tag, note or saved search was refused
    ├── CorrectionError        an analyst's correction of an article's analysis was refused
    ├── TrainingError          ``presswatch train`` could not train, or a model version is unknown
    ├── DeliveryError          one alert delivery attempt failed (the outbox retries it)
    ├── CaseError              a case (hồ sơ vụ việc) cannot be created or changed as asked
    │   ├── CaseConflict       someone else changed the case since it was read (version check)
    │   ├── CaseForbidden      the user's role may not do this to a case
    │   └── MailIntakeError    the hotline mailbox (IMAP) could not be read; nothing was taken
    ├── SendError              the digest's SMTP server could not be reached or refused it
    ├── RegisterError          a press register import (XLSX) or edit was refused; lists every problem
    ├── EvidenceError          evidence capture (``evidence``) could not be done
    │   ├── CaptureRefused     this capture may not be made: not http(s), an internal address, the
    │   │                      quota reached (not retried)
    │   └── CaptureFailed      one capture attempt failed: network, timeout, browser crash (retried)
    └── ReanalysisError        ``presswatch reanalyze`` was asked something it cannot do (a field,
                               a date, nothing to resume)

Outside this tree, on purpose: ``crawler.middlewares.RefusedAddress`` is a Scrapy ``IgnoreRequest``
(a request to an internal address not sent: an expected outcome Scrapy must see as such), and
``presswatch.web.limits.BodyTooLarge`` is control flow inside that middleware (answered 413).

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


class SearchIndexError(PresswatchError):
    """The embedded search index (tantivy) could not be written: another process's writer held its
    lock too long. Nothing is lost: the store is the source of truth and the next sync catches up."""


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


class DatabaseArgumentError(StoreError):
    """``--db`` (or ``database`` in presswatch.yaml) names no usable SQLite database: exit status 2."""


class InvalidURL(PresswatchError, ValueError):
    """A link that cannot be a web address (a port out of range, a broken IPv6 literal...). The
    message, in Vietnamese, says what is wrong and shows the link."""


class UserError(PresswatchError):
    """A user cannot be created or changed as asked (bad name, weak password, unknown role)."""


class AnnotationError(PresswatchError):
    """An annotation or saved search was refused (empty, too long, unknown article)."""


class CorrectionError(PresswatchError):
    """A correction of an article's relevance, topics, sentiment or toxicity was refused."""


class TrainingError(PresswatchError):
    """Training a model failed, or the model version asked for does not exist."""


class DeliveryError(PresswatchError):
    """One delivery attempt failed; the outbox retries it."""


class SendError(PresswatchError):
    """The SMTP server could not be reached or refused the message; ``str()`` says why."""


class CaseError(PresswatchError):
    """A case cannot be created or changed as asked (bad field, unknown article, bad attachment)."""


class ReportError(PresswatchError):
    """A report cannot be made as asked (a bad period, a broken template, no LibreOffice for PDF)."""


class CaseConflict(CaseError):
    """The case changed since the user read it: their change is refused, nothing is overwritten."""


class CaseForbidden(CaseError):
    """The user's role may not do this to a case (a state move, a conclusion, an action)."""


class MailIntakeError(CaseError):
    """The hotline mailbox could not be reached, logged in to or read; what was taken stays taken."""


class RegisterError(PresswatchError):
    """A press register import or edit was refused as a whole; ``problems`` lists each one (sheet, row,
    column for an XLSX file), in Vietnamese. Nothing was written."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class EvidenceError(PresswatchError):
    """Evidence capture could not be done; ``str()`` says why, in Vietnamese."""


class CaptureRefused(EvidenceError):
    """The capture may not be made (a ``file://`` link, an internal address, the quota reached):
    recorded as refused, never retried."""


class CaptureFailed(EvidenceError):
    """One capture attempt failed (network, time limit, Chromium crashed): the queue retries it."""


class ReanalysisError(PresswatchError):
    """Re-analysis cannot run as asked (an unknown field, nothing to resume); ``str()`` says why."""
