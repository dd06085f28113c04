"""Log lines of ``presswatch run`` carry Vietnam time with its offset, like everything else the
operator reads (issue 16 item 16): a plain line and a JSON line of the same record name the same instant."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

from presswatch.service.logs import formatter

# 2026-11-27 00:30:05.250 UTC is 07:30:05.250 in Lai Châu: the morning the digest goes out.
INSTANT = datetime(2026, 11, 27, 0, 30, 5, 250_000, tzinfo=UTC)


def record(message: str = "thu thập %s: xong", *args: object) -> logging.LogRecord:
    made = logging.LogRecord("presswatch.jobs", logging.INFO, __file__, 1, message, args or ("tin-a",), None)
    made.created = INSTANT.timestamp()
    made.msecs = 250.0
    return made


def test_plain_lines_show_vietnam_time_with_its_offset() -> None:
    line = formatter("plain").format(record())
    assert line.startswith("2026-11-27 07:30:05.250+07:00 INFO presswatch.jobs: "), line
    assert line.endswith("thu thập tin-a: xong")


def test_json_lines_carry_an_unambiguous_iso_time_with_offset() -> None:
    document = json.loads(formatter("json").format(record()))
    stamp = datetime.fromisoformat(document["time"])
    assert stamp == INSTANT  # the same instant, to the millisecond
    assert stamp.utcoffset() == timedelta(hours=7)  # shown as the operator's clock shows it
    assert document["time"] == "2026-11-27T07:30:05.250+07:00"
    assert document["message"] == "thu thập tin-a: xong" and document["level"] == "info"


def test_json_keeps_vietnamese_and_exceptions_readable() -> None:
    try:
        raise ValueError("lỗi đọc nguồn")
    except ValueError:
        import sys

        failed = record("không gửi được: %s", "Điện Biên")
        failed.exc_info = sys.exc_info()
    line = formatter("json").format(failed)
    assert "Điện Biên" in line  # not \u escapes: journald and Loki show it as written
    document = json.loads(line)
    assert document["message"] == "không gửi được: Điện Biên"
    assert "ValueError: lỗi đọc nguồn" in document["exception"]
