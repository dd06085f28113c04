"""Analysts' annotations of articles (tags, notes, "cần xác minh") and saved searches.

Framework-free: called by the web layer and the tests with a ``Store``. Saved searches hold the
whole search in the query language, so one can become an alert rule (``alert_rule_yaml``). This
module owns ``article_tags``, ``article_notes``, ``article_reviews`` and ``saved_searches`` (``SCHEMA``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import yaml

from analysis import fold
from presswatch.errors import AnnotationError
from presswatch.store.articles import has_article
from presswatch.store.database import Store
from presswatch.store.schema import Migration, Schema
from presswatch.times import iso, parse_iso

MAX_TAG = 40
MAX_NOTE = 5000

SCHEMA = Schema("annotations", (
    Migration(
        "tags, notes, reviews, saved searches",
        """
    -- web UI: annotations (tags, notes, verification), saved searches.
    CREATE TABLE article_tags (
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        user_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (article_id, tag)
    ) WITHOUT ROWID;
    CREATE INDEX article_tags_tag ON article_tags(tag);
    CREATE TABLE article_notes (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        user_name TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX article_notes_article ON article_notes(article_id);
    CREATE TABLE article_reviews (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        needs_verification INTEGER NOT NULL,
        user_name TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY,
        user_name TEXT NOT NULL,
        name TEXT NOT NULL,
        query TEXT NOT NULL,            -- the whole search in the query language (filters included)
        created_at TEXT NOT NULL
    );
    """,
        legacy=9,
    ),
))


@dataclass(frozen=True)
class Note:
    id: int
    user_name: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class Annotations:
    tags: list[str]
    notes: list[Note]
    needs_verification: bool
    verification_by: str | None


@dataclass(frozen=True)
class SavedSearch:
    id: int
    user_name: str
    name: str
    query: str
    created_at: datetime


def _now() -> str:
    stamp = iso(datetime.now(UTC))
    assert stamp is not None
    return stamp


def _exists(store: Store, article_id: int) -> None:
    if not has_article(store.db, article_id):
        raise AnnotationError(f"không có bài viết số {article_id}")


def clean_tag(tag: str) -> str:
    tag = " ".join(tag.split()).lower()
    if not tag or len(tag) > MAX_TAG:
        raise AnnotationError(f"nhãn phải có từ 1 đến {MAX_TAG} ký tự")
    return tag


def add_tag(store: Store, article_id: int, tag: str, user: str) -> str:
    tag = clean_tag(tag)
    _exists(store, article_id)
    with store.transaction() as db:
        db.execute("INSERT OR IGNORE INTO article_tags (article_id, tag, user_name, created_at) VALUES (?, ?, ?, ?)",
                   (article_id, tag, user, _now()))
    return tag


def remove_tag(store: Store, article_id: int, tag: str) -> None:
    with store.transaction() as db:
        db.execute("DELETE FROM article_tags WHERE article_id = ? AND tag = ?", (article_id, clean_tag(tag)))


def add_note(store: Store, article_id: int, body: str, user: str) -> Note:
    body = body.strip()
    if not body or len(body) > MAX_NOTE:
        raise AnnotationError(f"ghi chú phải có từ 1 đến {MAX_NOTE} ký tự")
    _exists(store, article_id)
    now = _now()
    with store.transaction() as db:
        cursor = db.execute("INSERT INTO article_notes (article_id, user_name, body, created_at) VALUES (?, ?, ?, ?)",
                            (article_id, user, body, now))
    created = parse_iso(now)
    assert created is not None
    return Note(int(cursor.lastrowid or 0), user, body, created)


def set_verification(store: Store, article_id: int, needed: bool, user: str) -> None:
    _exists(store, article_id)
    with store.transaction() as db:
        db.execute("""INSERT INTO article_reviews (article_id, needs_verification, user_name, updated_at)
                      VALUES (?, ?, ?, ?) ON CONFLICT(article_id) DO UPDATE SET
                      needs_verification = excluded.needs_verification, user_name = excluded.user_name,
                      updated_at = excluded.updated_at""", (article_id, int(needed), user, _now()))


def article_annotations(store: Store, article_id: int) -> Annotations:
    db = store.db
    tags = [row[0] for row in db.execute("SELECT tag FROM article_tags WHERE article_id = ? ORDER BY tag",
                                         (article_id,))]
    notes = []
    for row in db.execute("SELECT id, user_name, body, created_at FROM article_notes WHERE article_id = ? "
                          "ORDER BY id", (article_id,)):
        created = parse_iso(row["created_at"])
        assert created is not None
        notes.append(Note(row["id"], row["user_name"], row["body"], created))
    review = db.execute("SELECT needs_verification, user_name FROM article_reviews WHERE article_id = ?",
                        (article_id,)).fetchone()
    needed = bool(review and review["needs_verification"])
    return Annotations(tags, notes, needed, review["user_name"] if needed else None)


def flagged(store: Store, article_ids: list[int]) -> set[int]:
    """Which of these articles are marked "cần xác minh"."""
    if not article_ids:
        return set()
    marks = ",".join("?" * len(article_ids))
    rows = store.db.execute(f"SELECT article_id FROM article_reviews WHERE needs_verification = 1 "
                            f"AND article_id IN ({marks})", article_ids)
    return {int(row[0]) for row in rows}


def save_search(store: Store, user: str, name: str, query: str) -> SavedSearch:
    name, query = name.strip(), query.strip()
    if not name or len(name) > 120:
        raise AnnotationError("tên tìm kiếm phải có từ 1 đến 120 ký tự")
    if not query or len(query) > 2000:
        raise AnnotationError("truy vấn không được để trống (tối đa 2000 ký tự)")
    now = _now()
    with store.transaction() as db:
        cursor = db.execute("INSERT INTO saved_searches (user_name, name, query, created_at) VALUES (?, ?, ?, ?)",
                            (user, name, query, now))
    created = parse_iso(now)
    assert created is not None
    return SavedSearch(int(cursor.lastrowid or 0), user, name, query, created)


def saved_searches(store: Store) -> list[SavedSearch]:
    rows = store.db.execute("SELECT id, user_name, name, query, created_at FROM saved_searches ORDER BY id DESC")
    out = []
    for row in rows:
        created = parse_iso(row["created_at"])
        assert created is not None
        out.append(SavedSearch(row["id"], row["user_name"], row["name"], row["query"], created))
    return out


def delete_saved_search(store: Store, search_id: int, user: str, any_owner: bool) -> bool:
    with store.transaction() as db:
        if any_owner:
            cursor = db.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,))
        else:
            cursor = db.execute("DELETE FROM saved_searches WHERE id = ? AND user_name = ?", (search_id, user))
    return cursor.rowcount > 0


def rule_id(name: str) -> str:
    """An alert-rule id ([a-z0-9-]) from a saved search's name: "Tin tiêu cực" → "tin-tieu-cuc"."""
    slug = re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")[:60]
    return slug or "tim-kiem"


def alert_rule_yaml(saved: SavedSearch, severity: str = "medium", channels: Sequence[str] = ()) -> str:
    """The entry of ``config/alerts.yaml`` an operator pastes to alert on this search, delivered to
    ``channels`` (the configured ones: a rule without channel records alerts but sends none)."""
    entry = [{"id": rule_id(saved.name), "name": saved.name, "query": saved.query, "severity": severity,
              "channels": list(channels)}]
    return yaml.safe_dump(entry, allow_unicode=True, sort_keys=False, default_flow_style=None, width=1000)
