"""Nightly housekeeping: the retention policy, SQLite optimisation and a rotated online backup."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analysis import fold
from presswatch.config import Settings
from presswatch.store import Store
from presswatch.times import iso

CRAWL_RUNS_KEPT_DAYS = 180
BATCH = 500


def delete_articles(db: sqlite3.Connection, ids: list[int]) -> None:
    """Delete articles and everything hanging on them, index entries included (the FTS5 index is
    contentless: each entry is deleted with the folded text it was built from). Inside a transaction."""
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    rows = db.execute(
        f"""SELECT a.id, a.title, a.title_norm, t.text, t.text_norm FROM articles a
            JOIN article_texts t ON t.article_id = a.id WHERE a.id IN ({marks})""", ids).fetchall()
    for row in rows:
        title = row["title_norm"] if row["title_norm"] is not None else row["title"]
        text = row["text_norm"] if row["text_norm"] is not None else row["text"]
        db.execute("INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', ?, ?, ?)",
                   (row["id"], fold(title), fold(text)))
    db.execute(f"DELETE FROM sketch_bands WHERE article_id IN ({marks})", ids)
    db.execute(f"DELETE FROM articles WHERE id IN ({marks})", ids)  # the rest cascades


def apply_retention(store: Store, days: int, now: datetime | None = None) -> int:
    """Delete articles dated more than ``days`` ago, with their index entries. Returns the count."""
    cutoff = iso((now or datetime.now(UTC)) - timedelta(days=days))
    deleted = 0
    while True:
        with store.transaction() as db:
            ids = [row[0] for row in db.execute("SELECT id FROM articles WHERE dated_at < ? LIMIT ?",
                                                (cutoff, BATCH))]
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
        with store.transaction() as db:
            runs = db.execute("DELETE FROM crawl_runs WHERE started_at < ?",
                              (iso(now - timedelta(days=CRAWL_RUNS_KEPT_DAYS)),)).rowcount
        done.append(f"đã xóa {runs} bản ghi lượt thu thập quá {CRAWL_RUNS_KEPT_DAYS} ngày")
        store.db.execute("PRAGMA optimize")
        store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        done.append("đã tối ưu cơ sở dữ liệu (PRAGMA optimize, checkpoint)")
    if settings.backup_dir:
        directory = Path(settings.backup_dir)
        directory = directory if directory.is_absolute() else Path.cwd() / directory
        done.append(f"đã sao lưu vào {backup(db_path, directory, settings.backup_keep, now)}")
    return done
