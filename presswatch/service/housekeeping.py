"""Nightly housekeeping: the retention policy (the store, and the tantivy index when configured), SQLite
optimisation and a rotated online backup."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from presswatch.config import Settings
from presswatch.search.keep import remove_articles
from presswatch.store import Store
from presswatch.store.articles import dated_before, delete_articles
from presswatch.store.health import delete_runs_before

CRAWL_RUNS_KEPT_DAYS = 180
BATCH = 500


def apply_retention(store: Store, days: int, now: datetime | None = None) -> int:
    """Delete articles dated more than ``days`` ago, with their FTS5 entries (the tantivy index's:
    ``housekeeping``). Returns the count."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    deleted = 0
    while True:
        with store.transaction() as db:
            ids = dated_before(db, cutoff, BATCH)
            if not ids:
                break
            delete_articles(db, ids)
            deleted += len(ids)
    return deleted


def backup(db_path: Path, directory: Path, keep: int, now: datetime | None = None) -> Path:
    """An online, consistent copy (SQLite backup API) named by date; only the newest ``keep`` stay."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    target = directory / f"{db_path.stem}-{stamp}.db"
    partial = target.with_suffix(".db.part")
    source = sqlite3.connect(str(db_path), timeout=60)
    try:
        copy = sqlite3.connect(str(partial))
        try:
            source.backup(copy, pages=4096)
        finally:
            copy.close()
    finally:
        source.close()
    partial.replace(target)  # a crash mid-copy never leaves a file that looks like a backup
    for old in sorted(directory.glob(f"{db_path.stem}-*.db"))[:-keep]:
        old.unlink()
    return target


def housekeeping(db_path: Path, settings: Settings, now: datetime | None = None) -> list[str]:
    """Run the nightly tasks; returns a line per task for the log."""
    done = []
    now = now or datetime.now(UTC)
    with Store(db_path) as store:
        if settings.retention_days:
            done.append(f"đã xóa {apply_retention(store, settings.retention_days, now)} bài quá "
                        f"{settings.retention_days} ngày")
            cutoff = now - timedelta(days=settings.retention_days)
            # the tantivy index: every article dated before the cutoff, which covers those just
            # deleted and any an interrupted run left behind
            error = remove_articles(settings, store, [], before=cutoff)
            if error:
                done.append(f"chưa xóa được bài quá hạn khỏi chỉ mục tantivy ({error}); lần dọn sau sẽ xóa")
        with store.transaction() as db:
            runs = delete_runs_before(db, now - timedelta(days=CRAWL_RUNS_KEPT_DAYS))
        done.append(f"đã xóa {runs} bản ghi lượt thu thập quá {CRAWL_RUNS_KEPT_DAYS} ngày")
        store.db.execute("PRAGMA optimize")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        done.append("đã tối ưu cơ sở dữ liệu (PRAGMA optimize, checkpoint)")
    if settings.backup_dir:
        directory = Path(settings.backup_dir)
        directory = directory if directory.is_absolute() else Path.cwd() / directory
        done.append(f"đã sao lưu vào {backup(db_path, directory, settings.backup_keep, now)}")
    return done
