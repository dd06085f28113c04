"""Nightly housekeeping: retention deletes old articles with their index entries; backups rotate."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from presswatch.config import Settings, load_analyzer
from presswatch.models import Article
from presswatch.search import SearchRequest
from presswatch.search.sqlite import SqliteIndex
from presswatch.service.housekeeping import housekeeping
from presswatch.store import Store
from tests.support.paths import CONFIG

NOW = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)


def test_retention_removes_old_articles_from_store_and_index_and_backups_rotate(tmp_path: Path) -> None:
    analyzer = load_analyzer(CONFIG, with_entities=False)
    db = tmp_path / "pw.db"
    texts = [("Sạt lở ở Mường Tè, Lai Châu", "Mưa lớn gây sạt lở đất tại Mường Tè, tỉnh Lai Châu."),
             ("Lũ quét ở Sìn Hồ", "Lũ quét tại huyện Sìn Hồ, tỉnh Lai Châu, cuốn trôi hai cây cầu."),
             ("Mường Tè đón khách", "Khách du lịch đến Mường Tè tăng mạnh trong mùa lúa chín.")]
    with Store(db) as store:
        for number, (title, text) in enumerate(texts):
            when = NOW - timedelta(days=400 if number < 2 else 5)
            store.add_article(Article(url=f"https://x.vn/{number}", source_id="a", title=title, text=text,
                                      published_at=when, fetched_at=when, analysis=analyzer.analyze(title, text)))
    settings = Settings(retention_days=365, backup_dir=str(tmp_path / "backups"), backup_keep=2)
    first = housekeeping(db, settings, NOW)
    assert first[0] == "đã xóa 2 bài quá 365 ngày"
    for night in (1, 2):
        lines = housekeeping(db, settings, NOW + timedelta(days=night))
    assert lines[0] == "đã xóa 0 bài quá 365 ngày"
    with Store(db) as store:
        assert [a.url for a in store.articles()] == ["https://x.vn/2"]
        index = SqliteIndex(store)
        assert [h.id for h in index.search(SearchRequest("Mường Tè")).hits] == [3]
        assert index.search(SearchRequest("sin ho")).total == 0  # gone from the FTS index too
        assert store.db.execute("SELECT count(*) FROM article_topics WHERE article_id < 3").fetchone()[0] == 0
        # The contentless index forgets an entry only when deleted with the exact folded text it holds.
        left = store.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH 'sin OR lai'").fetchall()
        assert left == []  # neither "Sìn Hồ" nor "Lai Châu" is left in article 3
    backups = sorted((tmp_path / "backups").glob("*.db"))
    assert [b.name for b in backups] == ["pw-20261128-200000.db", "pw-20261129-200000.db"]
    copy = sqlite3.connect(backups[-1])
    assert copy.execute("SELECT count(*) FROM articles").fetchone()[0] == 1
    copy.close()
