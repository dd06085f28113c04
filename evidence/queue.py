"""Capture requests and their queue.

``request_capture(conn, url, *, reason, article_id=None, case_id=None)`` is the one way to ask for
evidence: the analyst's button, ``presswatch evidence capture``, an alert rule with ``capture: true``
and the cases capability all call it, inside their own transaction, and it only writes a row (no
network, no browser): the capture job of ``presswatch run`` does the work. A request for the same
URL and article still pending is not queued twice.

The job ``claim``s a due request before capturing (counting the attempt and setting the next one),
so a process killed mid-capture leaves the request pending and due again later: retried, never
lost, never half recorded. An attempt that fails is ``failed`` (retried with a doubling delay up to
``attempts``); one that may never succeed (not http(s), an internal address, the quota reached) is
``refuse``d.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from presswatch.times import iso, parse_iso, utcnow

MAX_URL = 4000
RETRY_BASE = 60.0  # seconds before the first retry; doubles each time
RETRY_MAX = 3600.0


@dataclass(frozen=True)
class CaptureRequest:
    id: int
    url: str
    reason: str
    article_id: int | None
    case_id: int | None
    requested_at: datetime
    status: str  # pending | done | failed | refused
    attempts: int
    last_error: str | None
    capture_id: int | None


_COLUMNS = "id, url, reason, article_id, case_id, requested_at, status, attempts, last_error, capture_id"


def _request(row: tuple[object, ...]) -> CaptureRequest:
    requested = parse_iso(str(row[5]))
    assert requested is not None
    return CaptureRequest(int(str(row[0])), str(row[1]), str(row[2]), None if row[3] is None else int(str(row[3])),
                          None if row[4] is None else int(str(row[4])), requested, str(row[6]), int(str(row[7])),
                          None if row[8] is None else str(row[8]), None if row[9] is None else int(str(row[9])))


def request_capture(conn: sqlite3.Connection, url: str, *, reason: str, article_id: int | None = None,
                    case_id: int | None = None) -> int:
    """Queue a capture of ``url`` inside the caller's transaction; returns the request's id.

    ``reason``: who or what asked, shown to inspectors ("Lưu bằng chứng: analyst1", "quy tắc cảnh
    báo tin-sai", "hồ sơ vụ việc 12"). ``article_id``/``case_id`` link the capture (and its re-check
    events) to an article and a case. Raises ValueError (Vietnamese) for a URL that is not http(s);
    an internal address is refused later by the job, with the reason recorded on the request. A
    pending request for the same URL, article and case is reused."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(f"chỉ lưu bằng chứng được cho địa chỉ http(s), không phải '{url[:200]}'")
    if len(url) > MAX_URL:
        raise ValueError(f"địa chỉ dài quá {MAX_URL} ký tự")
    found = conn.execute(
        "SELECT id FROM evidence_requests WHERE url = ? AND status = 'pending' AND article_id IS ? AND case_id IS ?",
        (url, article_id, case_id)).fetchone()
    if found is not None:
        return int(found[0])
    now = iso(utcnow())
    cursor = conn.execute(
        "INSERT INTO evidence_requests (url, reason, article_id, case_id, requested_at, next_attempt_at) "
        "VALUES (?, ?, ?, ?, ?, ?)", (url, reason.strip()[:500] or "không rõ", article_id, case_id, now, now))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def request(conn: sqlite3.Connection, request_id: int) -> CaptureRequest | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM evidence_requests WHERE id = ?", (request_id,)).fetchone()
    return None if row is None else _request(row)


def due(conn: sqlite3.Connection, now: datetime, limit: int = 10) -> list[CaptureRequest]:
    """Pending requests whose next attempt is due, oldest first."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM evidence_requests WHERE status = 'pending' AND next_attempt_at <= ? "
                        "ORDER BY next_attempt_at, id LIMIT ?", (iso(now), limit)).fetchall()
    return [_request(row) for row in rows]


def retry_delay(attempts: int) -> float:
    return float(min(RETRY_MAX, RETRY_BASE * 2.0 ** max(0, attempts - 1)))


def claim(conn: sqlite3.Connection, request_id: int, now: datetime) -> bool:
    """Count an attempt and put the next one off, before capturing (a crash counts as a failed
    attempt). False when the request is no longer pending."""
    row = conn.execute("SELECT attempts FROM evidence_requests WHERE id = ? AND status = 'pending'",
                       (request_id,)).fetchone()
    if row is None:
        return False
    attempts = int(row[0]) + 1
    conn.execute("UPDATE evidence_requests SET attempts = ?, next_attempt_at = ? WHERE id = ?",
                 (attempts, iso(now + timedelta(seconds=retry_delay(attempts))), request_id))
    return True


def failed(conn: sqlite3.Connection, request_id: int, error: str, max_attempts: int) -> str:
    """Record a failed attempt; the request stays pending until ``max_attempts``. Returns its status."""
    row = conn.execute("SELECT attempts FROM evidence_requests WHERE id = ?", (request_id,)).fetchone()
    status = "failed" if row is not None and int(row[0]) >= max_attempts else "pending"
    conn.execute("UPDATE evidence_requests SET status = ?, last_error = ? WHERE id = ?",
                 (status, error[:1000], request_id))
    return status


def refuse(conn: sqlite3.Connection, request_id: int, error: str) -> None:
    conn.execute("UPDATE evidence_requests SET status = 'refused', last_error = ? WHERE id = ?",
                 (error[:1000], request_id))


def done(conn: sqlite3.Connection, request_id: int, capture_id: int) -> None:
    conn.execute("UPDATE evidence_requests SET status = 'done', capture_id = ?, last_error = NULL WHERE id = ?",
                 (capture_id, request_id))


def requests_of_article(conn: sqlite3.Connection, article_id: int) -> list[CaptureRequest]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM evidence_requests WHERE article_id = ? ORDER BY id DESC",
                        (article_id,)).fetchall()
    return [_request(row) for row in rows]


def counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Requests by status."""
    return {str(status): int(count) for status, count in
            conn.execute("SELECT status, count(*) FROM evidence_requests GROUP BY status").fetchall()}
