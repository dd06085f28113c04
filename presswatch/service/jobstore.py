"""The schedule the service keeps in its database: APScheduler's table ``apscheduler_jobs``, what
``presswatch status`` reads of it, and its migrations.

APScheduler's SQLAlchemy job store writes one row per job: its id, its next run time (Unix time,
NULL while paused) and the pickled job state, in which the function to call is named by a
``"module:function"`` string. When the module of a job function moves, the rows of an existing
database still name the old module, and APScheduler, unable to import it, logs "Unable to restore
job" and deletes the job: a service upgraded in place would lose its schedule. ``migrate_jobs`` renames
them (``MOVED_FUNCTIONS``) and keeps everything else of each job (trigger, arguments, next run time);
the service runs it before its scheduler loads a job.
"""

from __future__ import annotations

import logging
import pickle
import sqlite3
from contextlib import closing
from pathlib import Path

log = logging.getLogger("presswatch.service")  # the name operators filter logs by

JOBS_TABLE = "apscheduler_jobs"

# Issue 17 moved the jobs from presswatch/jobs.py to presswatch/service/jobs.py.
MOVED_FUNCTIONS = {f"presswatch.jobs:{name}": f"presswatch.service.jobs:{name}"
                   for name in ("crawl_job", "digest_job", "housekeeping_job", "pending_alerts_job")}
_OLD_MODULES = sorted({old.split(":")[0] for old in MOVED_FUNCTIONS})


def scheduled_jobs(db: sqlite3.Connection) -> list[tuple[str, float | None]]:
    """The jobs of the schedule, soonest first: (id, next run as Unix time, or None when paused).
    Empty before a service first ran on this database."""
    if not _has_table(db):
        return []
    rows = db.execute(f"SELECT id, next_run_time FROM {JOBS_TABLE} ORDER BY next_run_time")
    return [(row[0], row[1]) for row in rows]


def migrate_jobs(db: Path) -> int:
    """Rename, in the job store of ``db``, the functions of ``MOVED_FUNCTIONS``; the number of jobs
    changed. Run before the scheduler loads the jobs (it deletes those it cannot import)."""
    if not db.exists():
        return 0
    with closing(sqlite3.connect(db, timeout=60)) as conn, conn:  # one transaction
        if not _has_table(conn):
            return 0
        named = " OR ".join("instr(job_state, ?) > 0" for _ in _OLD_MODULES)  # pickled names are UTF-8 bytes
        rows = conn.execute(f"SELECT id, job_state FROM {JOBS_TABLE} WHERE {named}",
                            [module.encode() + b":" for module in _OLD_MODULES]).fetchall()
        changed = 0
        for job_id, blob in rows:
            try:
                state = pickle.loads(blob)
            except Exception:  # noqa: BLE001 - unreadable: APScheduler reports and removes it, as before
                continue
            if not isinstance(state, dict) or state.get("func") not in MOVED_FUNCTIONS:
                continue
            state["func"] = MOVED_FUNCTIONS[state["func"]]
            conn.execute(f"UPDATE {JOBS_TABLE} SET job_state = ? WHERE id = ?",
                         (pickle.dumps(state, pickle.HIGHEST_PROTOCOL), job_id))
            changed += 1
    if changed:
        log.info("lịch đã lưu: %d việc chuyển sang tên mô-đun mới (presswatch.service.jobs)", changed)
    return changed


def _has_table(db: sqlite3.Connection) -> bool:
    row = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (JOBS_TABLE,)).fetchone()
    return row is not None
