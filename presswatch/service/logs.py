"""Log lines of the service: plain text or JSON (one object per line, for journald/Loki/ELK).

Both carry the time in Asia/Ho_Chi_Minh with its offset (``2026-11-27 07:30:05.250+07:00``), as
everything else the operator reads does, whatever the machine's own timezone is (servers often run
in UTC). The JSON ``time`` is ISO 8601 with the offset, so a collector reads the exact instant.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime

from presswatch.times import VIETNAM


def vietnam_time(record: logging.LogRecord, sep: str = "T") -> str:
    """The record's time in Vietnam, ISO 8601 to the millisecond, with the offset."""
    return datetime.fromtimestamp(record.created, VIETNAM).isoformat(sep=sep, timespec="milliseconds")


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's name
        return vietnam_time(record, sep=" ")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        document = {
            "time": vietnam_time(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            document["exception"] = self.formatException(record.exc_info)
        return json.dumps(document, ensure_ascii=False)


def formatter(fmt: str) -> logging.Formatter:
    """The formatter of ``log_format``: ``json`` or ``plain``."""
    return JsonFormatter() if fmt == "json" else PlainFormatter()


def setup_logging(fmt: str = "plain", level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # one line per job run is ours to write
