"""Re-checks of captured pages and the events they produce.

``save`` (``evidence.records``) plans a capture's re-checks (``evidence_rechecks``: 1 h, 6 h, 24 h,
3 d, 7 d after it by default). ``due`` gives the re-checks whose time has come, each with the version
to compare with: the last one a re-check saw change, else the captured one. ``record`` stores what one
found (``evidence.changes.classify``) and adds an event on the capture (and its article and case);
re-checks of the same capture overdue meanwhile (the service was stopped) are closed as ``skipped``,
so a restart does not fetch one page five times in a row.

``events_since(conn, after_id)`` is how the shell learns what happened, to notify: the service
delivers edited, corrected and removed events through the alert channels (until the cases
capability notifies a case's assignee).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from evidence.changes import Change, Version
from presswatch.times import iso, parse_iso

NOTIFIED = frozenset({"edited", "corrected", "removed"})  # the results a person must hear about


@dataclass(frozen=True)
class DueCheck:
    capture_id: int
    seq: int
    url: str
    before: Version
    article_id: int | None
    case_id: int | None


def due(conn: sqlite3.Connection, now: datetime, limit: int = 100) -> list[DueCheck]:
    """The earliest due re-check of each capture, oldest first, with the version to compare with."""
    rows = conn.execute(
        "SELECT c.id, min(k.seq), c.url, c.title, c.text, c.article_id, c.case_id FROM evidence_checks k "
        "JOIN evidence_captures c ON c.id = k.capture_id WHERE k.done_at IS NULL AND k.due_at <= ? "
        "GROUP BY c.id ORDER BY min(k.due_at), c.id LIMIT ?", (iso(now), limit)).fetchall()
    checks = []
    for capture_id, seq, url, title, text, article_id, case_id in rows:
        last = conn.execute("SELECT title, text FROM evidence_checks WHERE capture_id = ? AND text IS NOT NULL "
                            "ORDER BY seq DESC LIMIT 1", (capture_id,)).fetchone()
        before = Version(str(last[0] or ""), str(last[1])) if last is not None else Version(str(title), str(text))
        checks.append(DueCheck(int(capture_id), int(seq), str(url), before, article_id, case_id))
    return checks


def record(conn: sqlite3.Connection, check: DueCheck, change: Change, status: int | None, now: datetime) -> int:
    """Store a re-check's result and its event; returns the event's id. A page found removed again
    (after a removal already reported) is recorded, but not notified a second time."""
    last = conn.execute("SELECT outcome FROM evidence_checks WHERE capture_id = ? AND seq < ? AND outcome IS NOT NULL "
                        "AND outcome NOT IN ('skipped', 'error') ORDER BY seq DESC LIMIT 1",
                        (check.capture_id, check.seq)).fetchone()
    again = change.kind == "removed" and last is not None and last[0] == "removed"
    version = change.version
    conn.execute("UPDATE evidence_checks SET done_at = ?, outcome = ?, http_status = ?, title = ?, text = ? "
                 "WHERE capture_id = ? AND seq = ?",
                 (iso(now), change.kind, status, version.title if version else None,
                  version.text if version else None, check.capture_id, check.seq))
    conn.execute("UPDATE evidence_checks SET done_at = ?, outcome = 'skipped' WHERE capture_id = ? AND seq > ? "
                 "AND done_at IS NULL AND due_at <= ?", (iso(now), check.capture_id, check.seq, iso(now)))
    cursor = conn.execute(
        "INSERT INTO evidence_events (capture_id, article_id, case_id, kind, at, detail, diff, notified_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (check.capture_id, check.article_id, check.case_id, change.kind, iso(now),
         f"vẫn bị gỡ ({change.detail})" if again else change.detail, change.diff, iso(now) if again else None))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


@dataclass(frozen=True)
class Event:
    id: int
    capture_id: int
    article_id: int | None
    case_id: int | None
    kind: str  # unchanged | edited | corrected | removed | error
    at: datetime
    detail: str
    diff: str
    url: str

    @property
    def notify(self) -> bool:
        return self.kind in NOTIFIED


def _events(rows: list[tuple[object, ...]]) -> list[Event]:
    events = []
    for id_, capture_id, article_id, case_id, kind, at, detail, diff, url in rows:
        when = parse_iso(str(at))
        assert when is not None
        events.append(Event(int(str(id_)), int(str(capture_id)), None if article_id is None else int(str(article_id)),
                            None if case_id is None else int(str(case_id)), str(kind), when, str(detail), str(diff),
                            str(url)))
    return events


_EVENT = ("SELECT e.id, e.capture_id, e.article_id, e.case_id, e.kind, e.at, e.detail, e.diff, c.url "
          "FROM evidence_events e JOIN evidence_captures c ON c.id = e.capture_id")


def events_since(conn: sqlite3.Connection, after_id: int, limit: int = 500) -> list[Event]:
    """Events with an id above ``after_id``, in order: the shell keeps the last id it handled."""
    return _events(conn.execute(f"{_EVENT} WHERE e.id > ? ORDER BY e.id LIMIT ?", (after_id, limit)).fetchall())


def events_of_capture(conn: sqlite3.Connection, capture_id: int) -> list[Event]:
    return _events(conn.execute(f"{_EVENT} WHERE e.capture_id = ? ORDER BY e.id", (capture_id,)).fetchall())


def last_event_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT coalesce(max(id), 0) FROM evidence_events").fetchone()[0])


@dataclass(frozen=True)
class Check:
    seq: int
    due_at: datetime
    done_at: datetime | None
    outcome: str | None
    http_status: int | None


def checks_of_capture(conn: sqlite3.Connection, capture_id: int) -> list[Check]:
    rows = conn.execute("SELECT seq, due_at, done_at, outcome, http_status FROM evidence_checks WHERE capture_id = ? "
                        "ORDER BY seq", (capture_id,)).fetchall()
    result = []
    for seq, due_at, done_at, outcome, status in rows:
        when = parse_iso(str(due_at))
        assert when is not None
        result.append(Check(int(seq), when, parse_iso(str(done_at)) if done_at else None, outcome,
                            None if status is None else int(status)))
    return result


def unnotified(conn: sqlite3.Connection, limit: int = 100) -> list[Event]:
    """Events a person must hear about (edited, corrected, removed) not yet handed to a channel."""
    return _events(conn.execute(f"{_EVENT} WHERE e.notified_at IS NULL AND e.kind IN ('edited', 'corrected', "
                                "'removed') ORDER BY e.id LIMIT ?", (limit,)).fetchall())


def mark_notified(conn: sqlite3.Connection, event_ids: list[int], now: datetime) -> None:
    conn.executemany("UPDATE evidence_events SET notified_at = ? WHERE id = ?", [(iso(now), i) for i in event_ids])
