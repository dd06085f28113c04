"""What the crawl keeps between runs: each source's health and its runs (``source_health``,
``crawl_runs``), and each feed's conditional-GET validators (``feed_state``).

Functions of a connection, called inside the caller's transaction where they write (``Store``
opens it).
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime

from presswatch.times import iso, parse_iso


@dataclass(frozen=True)
class SourceHealth:
    source_id: str
    last_run_at: datetime | None
    last_success_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    consecutive_failures: int
    runs: int
    articles_last_run: int
    articles_total: int
    last_new_article_at: datetime | None
    warnings: tuple[str, ...] = ()  # of the last run, failed or not: malformed XML, the per-run cap...


@dataclass(frozen=True)
class RunResult:
    """What one crawl of one source did, as recorded in the health table."""

    source_id: str
    started_at: datetime
    finished_at: datetime
    ok: bool
    new_articles: int
    pages: int
    errors: int
    message: str | None = None
    warnings: tuple[str, ...] = ()  # what an operator should know even when the run succeeded
    alerts: int = 0  # new alerts recorded for its articles


# --- conditional GET state -------------------------------------------------------------------


def feed_state(db: sqlite3.Connection, url: str) -> tuple[str | None, str | None]:
    row = db.execute("SELECT etag, last_modified FROM feed_state WHERE url = ?", (url,)).fetchone()
    return (None, None) if row is None else (row["etag"], row["last_modified"])


def set_feed_state(db: sqlite3.Connection, url: str, etag: str | None, last_modified: str | None) -> None:
    db.execute(
        """INSERT INTO feed_state (url, etag, last_modified, checked_at) VALUES (?, ?, ?, ?)
           ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,
               last_modified = excluded.last_modified, checked_at = excluded.checked_at""",
        (url, etag, last_modified, iso(datetime.now(UTC))),
    )


# --- source health ---------------------------------------------------------------------------


def record_run(db: sqlite3.Connection, run: RunResult) -> None:
    """Record one crawl of a source and update its health row."""
    finished = iso(run.finished_at)
    warnings = json.dumps(list(run.warnings), ensure_ascii=False) if run.warnings else None
    db.execute(
        """INSERT INTO crawl_runs (source_id, started_at, finished_at, ok, new_articles, pages,
               errors, message, warnings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (run.source_id, iso(run.started_at), finished, int(run.ok), run.new_articles, run.pages,
         run.errors, run.message, warnings),
    )
    db.execute("INSERT OR IGNORE INTO source_health (source_id) VALUES (?)", (run.source_id,))
    db.execute("UPDATE source_health SET last_warnings = ? WHERE source_id = ?", (warnings, run.source_id))
    if run.ok:
        db.execute(
            """UPDATE source_health SET last_run_at = ?, last_success_at = ?,
                   consecutive_failures = 0, runs = runs + 1, articles_last_run = ?,
                   articles_total = articles_total + ?,
                   last_new_article_at = CASE WHEN ? > 0 THEN ? ELSE last_new_article_at END
               WHERE source_id = ?""",
            (finished, finished, run.new_articles, run.new_articles, run.new_articles, finished,
             run.source_id),
        )
    else:
        db.execute(
            """UPDATE source_health SET last_run_at = ?, last_error = ?, last_error_at = ?,
                   consecutive_failures = consecutive_failures + 1, runs = runs + 1,
                   articles_last_run = ?, articles_total = articles_total + ?,
                   last_new_article_at = CASE WHEN ? > 0 THEN ? ELSE last_new_article_at END
               WHERE source_id = ?""",
            (finished, run.message, finished, run.new_articles, run.new_articles, run.new_articles,
             finished, run.source_id),
        )


def health(db: sqlite3.Connection) -> dict[str, SourceHealth]:
    rows = db.execute("SELECT * FROM source_health").fetchall()
    return {
        row["source_id"]: SourceHealth(
            source_id=row["source_id"],
            last_run_at=parse_iso(row["last_run_at"]),
            last_success_at=parse_iso(row["last_success_at"]),
            last_error=row["last_error"],
            last_error_at=parse_iso(row["last_error_at"]),
            consecutive_failures=row["consecutive_failures"],
            runs=row["runs"],
            articles_last_run=row["articles_last_run"],
            articles_total=row["articles_total"],
            last_new_article_at=parse_iso(row["last_new_article_at"]),
            warnings=tuple(json.loads(row["last_warnings"])) if row["last_warnings"] else (),
        )
        for row in rows
    }


def first_run_at(db: sqlite3.Connection, source_id: str) -> datetime | None:
    """When the source was first crawled (of the runs still kept)."""
    first = db.execute("SELECT min(started_at) FROM crawl_runs WHERE source_id = ?", (source_id,)).fetchone()[0]
    return datetime.fromisoformat(first) if first else None


def delete_runs_before(db: sqlite3.Connection, cutoff: datetime) -> int:
    """Forget the crawl runs started before ``cutoff``; how many there were."""
    return int(db.execute("DELETE FROM crawl_runs WHERE started_at < ?", (iso(cutoff),)).rowcount)
