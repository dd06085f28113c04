"""The evidence tables (``SCHEMA``, registered as ``evidence:SCHEMA``), shared by the package's modules.

- ``evidence_requests``: the queue: what to capture, why, for which article / case, its attempts;
- ``evidence_captures``: one row per capture made (a request done), with the page's title and text;
- ``evidence_files``: the files of a capture (warc, png, pdf, text, meta) by SHA-256 and size;
- ``evidence_checks``: the re-checks planned after a capture and what each found;
- ``evidence_events``: what happened to captured pages (each re-check result), read by the shell
  with ``events_since`` to notify.

A capture and its files are written in one transaction, after the files are on disk: a capture
killed halfway leaves no row (at most an unreferenced file in the content-addressed folder).
Articles may be deleted by retention: the evidence stays (``article_id`` is then set NULL).
"""

from __future__ import annotations

from presswatch.store.schema import Migration, Schema

SCHEMA = Schema("evidence", (
    Migration(
        "evidence captures, files, re-checks and events",
        """
    CREATE TABLE evidence_requests (
        id INTEGER PRIMARY KEY,
        url TEXT NOT NULL,
        reason TEXT NOT NULL,              -- who or what asked, in Vietnamese ("quy tắc cảnh báo …")
        article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        case_id INTEGER,                   -- the cases capability's case, when it asked
        requested_at TEXT NOT NULL,        -- UTC
        status TEXT NOT NULL DEFAULT 'pending',  -- pending | done | failed | refused
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,     -- UTC
        last_error TEXT,
        capture_id INTEGER
    );
    CREATE INDEX evidence_requests_due ON evidence_requests(status, next_attempt_at);
    CREATE INDEX evidence_requests_article ON evidence_requests(article_id);
    CREATE TABLE evidence_captures (
        id INTEGER PRIMARY KEY,
        request_id INTEGER NOT NULL REFERENCES evidence_requests(id),
        url TEXT NOT NULL,
        final_url TEXT NOT NULL,
        http_status INTEGER,
        article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        case_id INTEGER,
        title TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        captured_at TEXT NOT NULL,         -- UTC
        tools TEXT NOT NULL,               -- JSON: the versions of the tools that made it
        notes TEXT NOT NULL DEFAULT '[]'   -- JSON list (Vietnamese): refused requests, limits reached
    );
    CREATE INDEX evidence_captures_article ON evidence_captures(article_id);
    CREATE INDEX evidence_captures_case ON evidence_captures(case_id);
    CREATE TABLE evidence_files (
        capture_id INTEGER NOT NULL REFERENCES evidence_captures(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,                -- warc | png | pdf | text | meta
        sha256 TEXT NOT NULL,              -- the file is <evidence_dir>/<sha[0:2]>/<sha[2:4]>/<sha>
        size INTEGER NOT NULL,
        media_type TEXT NOT NULL,
        PRIMARY KEY (capture_id, kind)
    ) WITHOUT ROWID;
    CREATE INDEX evidence_files_sha ON evidence_files(sha256);
    CREATE TABLE evidence_checks (
        capture_id INTEGER NOT NULL REFERENCES evidence_captures(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,              -- 1 for the first re-check after the capture
        due_at TEXT NOT NULL,              -- UTC
        done_at TEXT,
        outcome TEXT,                      -- unchanged | edited | corrected | removed | error
        http_status INTEGER,
        title TEXT,                        -- the version seen, when it differed from the one before
        text TEXT,
        PRIMARY KEY (capture_id, seq)
    ) WITHOUT ROWID;
    CREATE INDEX evidence_checks_due ON evidence_checks(done_at, due_at);
    CREATE TABLE evidence_events (
        id INTEGER PRIMARY KEY,
        capture_id INTEGER NOT NULL REFERENCES evidence_captures(id) ON DELETE CASCADE,
        article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
        case_id INTEGER,
        kind TEXT NOT NULL,                -- unchanged | edited | corrected | removed | error
        at TEXT NOT NULL,                  -- UTC
        detail TEXT NOT NULL,              -- Vietnamese, one line
        diff TEXT NOT NULL DEFAULT '',     -- unified diff of the text, for edited / corrected
        notified_at TEXT                   -- UTC: when the service queued its notice (alert channels)
    );
    CREATE INDEX evidence_events_capture ON evidence_events(capture_id);
    """,
    ),
))
