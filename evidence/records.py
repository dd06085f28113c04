"""Captures as recorded: writing one (files first, then its rows in one transaction), reading them
back, the integrity check, disk use and the files retention must keep.

A ``Capture`` is what a capture driver (the shell's Chromium driver) produced; ``save`` puts its files
in the content-addressed folder, then records the capture, its files and its planned re-checks, and
marks the request done, all in the caller's transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from evidence import files
from evidence.queue import done
from presswatch.times import iso, parse_iso

MEDIA_TYPES = {"warc": "application/warc", "png": "image/png", "pdf": "application/pdf",
               "text": "text/plain; charset=utf-8", "meta": "application/json"}
KINDS = tuple(MEDIA_TYPES)


@dataclass
class Capture:
    """What one capture produced: the page as the browser rendered it, and its files by kind."""

    url: str
    final_url: str
    http_status: int | None
    title: str
    text: str
    captured_at: datetime
    tools: dict[str, str]
    files: dict[str, bytes]  # kind (warc, png, pdf, text, meta) → bytes
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StoredFile:
    kind: str
    sha256: str
    size: int
    media_type: str


@dataclass(frozen=True)
class CaptureRecord:
    id: int
    request_id: int
    url: str
    final_url: str
    http_status: int | None
    article_id: int | None
    case_id: int | None
    title: str
    text: str
    captured_at: datetime
    tools: dict[str, str]
    notes: list[str]
    files: tuple[StoredFile, ...]

    def file(self, kind: str) -> StoredFile | None:
        return next((f for f in self.files if f.kind == kind), None)


def store_files(root: Path, capture: Capture) -> dict[str, StoredFile]:
    """Write the capture's files (before its rows: see the module docstring)."""
    stored = {}
    for kind, data in capture.files.items():
        if kind not in MEDIA_TYPES:
            raise ValueError(f"unknown evidence file kind {kind}")
        stored[kind] = StoredFile(kind, files.put(root, data), len(data), MEDIA_TYPES[kind])
    return stored


def save(conn: sqlite3.Connection, request_id: int, capture: Capture, stored: dict[str, StoredFile],
         rechecks: Sequence[int]) -> int:
    """Record a capture whose files are stored; plan its re-checks (seconds after the capture).
    Returns the capture's id."""
    row = conn.execute("SELECT article_id, case_id FROM evidence_requests WHERE id = ?", (request_id,)).fetchone()
    if row is None:
        raise ValueError(f"no evidence request {request_id}")
    cursor = conn.execute(
        "INSERT INTO evidence_captures (request_id, url, final_url, http_status, article_id, case_id, title, text, "
        "captured_at, tools, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (request_id, capture.url, capture.final_url, capture.http_status, row[0], row[1], capture.title, capture.text,
         iso(capture.captured_at), json.dumps(capture.tools, ensure_ascii=False),
         json.dumps(capture.notes, ensure_ascii=False)))
    capture_id = cursor.lastrowid
    assert capture_id is not None
    conn.executemany("INSERT INTO evidence_files (capture_id, kind, sha256, size, media_type) VALUES (?, ?, ?, ?, ?)",
                     [(capture_id, f.kind, f.sha256, f.size, f.media_type) for f in stored.values()])
    conn.executemany("INSERT INTO evidence_checks (capture_id, seq, due_at) VALUES (?, ?, ?)",
                     [(capture_id, seq, iso(capture.captured_at + timedelta(seconds=after)))
                      for seq, after in enumerate(sorted(rechecks), start=1)])
    done(conn, request_id, capture_id)
    return capture_id


def _files(conn: sqlite3.Connection, capture_id: int) -> tuple[StoredFile, ...]:
    rows = conn.execute("SELECT kind, sha256, size, media_type FROM evidence_files WHERE capture_id = ? "
                        "ORDER BY kind", (capture_id,)).fetchall()
    return tuple(StoredFile(str(k), str(s), int(n), str(m)) for k, s, n, m in rows)


_COLUMNS = ("id, request_id, url, final_url, http_status, article_id, case_id, title, text, captured_at, tools, "
            "notes")


def _record(conn: sqlite3.Connection, row: tuple[object, ...]) -> CaptureRecord:
    captured = parse_iso(str(row[9]))
    assert captured is not None
    capture_id = int(str(row[0]))
    return CaptureRecord(capture_id, int(str(row[1])), str(row[2]), str(row[3]),
                         None if row[4] is None else int(str(row[4])), None if row[5] is None else int(str(row[5])),
                         None if row[6] is None else int(str(row[6])), str(row[7]), str(row[8]), captured,
                         json.loads(str(row[10])), json.loads(str(row[11])), _files(conn, capture_id))


def capture(conn: sqlite3.Connection, capture_id: int) -> CaptureRecord | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM evidence_captures WHERE id = ?", (capture_id,)).fetchone()
    return None if row is None else _record(conn, row)


def captures_of_article(conn: sqlite3.Connection, article_id: int) -> list[CaptureRecord]:
    """The captures of an article, oldest first."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM evidence_captures WHERE article_id = ? ORDER BY id",
                        (article_id,)).fetchall()
    return [_record(conn, row) for row in rows]


def captures_of_case(conn: sqlite3.Connection, case_id: int) -> list[CaptureRecord]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM evidence_captures WHERE case_id = ? ORDER BY id",
                        (case_id,)).fetchall()
    return [_record(conn, row) for row in rows]


def file_of(conn: sqlite3.Connection, capture_id: int, kind: str) -> StoredFile | None:
    row = conn.execute("SELECT kind, sha256, size, media_type FROM evidence_files WHERE capture_id = ? AND kind = ?",
                       (capture_id, kind)).fetchone()
    return None if row is None else StoredFile(str(row[0]), str(row[1]), int(row[2]), str(row[3]))


def bytes_used(conn: sqlite3.Connection) -> int:
    """Bytes of the distinct files the captures reference (what the quota counts)."""
    row = conn.execute("SELECT coalesce(sum(size), 0) FROM (SELECT sha256, max(size) AS size FROM evidence_files "
                       "GROUP BY sha256)").fetchone()
    return int(row[0])


def capture_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM evidence_captures").fetchone()[0])


def protected_paths(conn: sqlite3.Connection, root: Path) -> set[Path]:
    """Every file a capture references: retention and clean-up must keep them all. (Until cases lands
    every capture is kept; then: those of open cases at least.)"""
    return {files.path_of(root, str(sha)) for (sha,) in conn.execute("SELECT DISTINCT sha256 FROM evidence_files")}


@dataclass(frozen=True)
class Problem:
    capture_id: int
    kind: str
    path: Path
    problem: str


def verify_all(conn: sqlite3.Connection, root: Path) -> Iterator[tuple[int, Problem | None]]:
    """Recompute the hash of every file of every capture; yields ``(files checked, problem or None)``."""
    rows = conn.execute("SELECT capture_id, kind, sha256, size FROM evidence_files ORDER BY capture_id, kind")
    checked = 0
    for capture_id, kind, sha, size in rows.fetchall():
        checked += 1
        problem = files.verify(root, str(sha), int(size))
        yield checked, None if problem is None else Problem(int(capture_id), str(kind),
                                                           files.path_of(root, str(sha)), problem)
