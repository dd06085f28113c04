"""The SQLite store: one transaction per article, folded index, aliases, health."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from presswatch.models import Article
from presswatch.store import RunResult, Store


def article(url: str = "https://baolaichau.vn/xa-hoi/bai-1", **fields: object) -> Article:
    values: dict[str, object] = {
        "url": url, "source_id": "baolaichau", "title": "Sạt lở ở Mường Tè",
        "text": "Mưa lớn gây sạt lở tại huyện Mường Tè, tỉnh Lai Châu.",
        "published_at": datetime(2026, 11, 20, 7, 30, tzinfo=timezone(timedelta(hours=7))),
    }
    values.update(fields)
    return Article(**values)  # type: ignore[arg-type]


def test_article_is_stored_in_utc_with_original_and_normalised_text(store: Store) -> None:
    nfd_title = unicodedata.normalize("NFD", "Thuỷ điện Lai Châu xả lũ")
    article_id = store.add_article(article(title=nfd_title))
    assert article_id is not None
    stored = store.article(article_id)
    assert stored is not None
    assert stored.published_at == datetime(2026, 11, 20, 0, 30, tzinfo=UTC)
    assert stored.title == "Thủy điện Lai Châu xả lũ"
    assert stored.title_original == nfd_title
    assert stored.text == stored.text_original  # already normal: stored once


def test_same_url_is_not_stored_twice_and_aliases_are_remembered(store: Store) -> None:
    first = store.add_article(article())
    again = store.add_article(article(aliases=["https://baolaichau.vn/p/1"]))
    assert first is not None and again is None
    assert store.count_articles() == 1
    assert store.seen("https://baolaichau.vn/p/1")


def test_index_is_written_with_the_article(store: Store) -> None:
    store.add_article(article())
    rows = store.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH '\"muong te\"'").fetchall()
    assert len(rows) == 1


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    store.db.execute("CREATE TRIGGER refuse BEFORE INSERT ON article_urls BEGIN SELECT RAISE(ABORT, 'disk'); END")
    with pytest.raises(sqlite3.IntegrityError):
        store.add_article(article())
    assert store.count_articles() == 0
    assert store.db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'lai'").fetchone()[0] == 0


def test_naive_timestamps_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="naive"):
        store.add_article(article(published_at=datetime(2026, 11, 20, 7, 30)))


def test_health_counts_consecutive_failures_and_resets_on_success(store: Store) -> None:
    now = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    store.record_run(RunResult("a", now, now, False, 0, 0, 1, "HTTP 503"))
    store.record_run(RunResult("a", now, now, False, 0, 0, 1, "HTTP 503"))
    health = store.health()["a"]
    assert health.consecutive_failures == 2 and health.last_error == "HTTP 503" and health.last_success_at is None
    store.record_run(RunResult("a", now, now + timedelta(minutes=1), True, 5, 6, 0))
    health = store.health()["a"]
    assert health.consecutive_failures == 0 and health.articles_total == 5 and health.runs == 3
    assert health.last_new_article_at == now + timedelta(minutes=1)


def test_store_file_is_wal_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "pw.db"
    with Store(path) as store:
        store.add_article(article())
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    with Store(path) as store:
        assert store.count_articles() == 1
