"""Analysts' corrections of an article's analysis: relevance, topics, sentiment and toxicity.

An analyst (or admin) says what the model got wrong; the correction is kept with who, when, the
model's value, the corrected value and an optional reason, and it wins over the model everywhere at
once: ``correct`` writes the corrected value into the article's stored analysis and what search and
facets read (the ``relevance``/``sentiment`` columns, ``article_topics``: ``articles.set_analysis``)
in the correction's own transaction, and indexes the article again in tantivy or Elasticsearch when
that is the configured backend (``presswatch.search.keep.reindex_articles``). So search, facets, the
digest, reports and trends see the corrected values with no change of theirs.

A later correction of the same field supersedes an earlier one (the newest not withdrawn counts);
``withdraw`` withdraws the field's correction and the model's value returns. The analysis JSON keeps
the model's value under ``corrected[field]`` (``{"model", "by", "at", "id"}``), so a page can show
"đã hiệu chỉnh" and withdrawing needs no re-analysis. ``overlay_corrections`` re-applies the stored
corrections after a re-analysis replaced the analysis (the shared contract with ``presswatch
reanalyze``). Alerts are not evaluated again: a correction never sends, nor re-sends, an alert
(see docs/corrections.md).

This module owns ``analysis_corrections`` (``SCHEMA``); it changes articles through
``presswatch.store.articles``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from presswatch.errors import CorrectionError
from presswatch.store.articles import analysis_of, has_article, links, set_analysis, texts
from presswatch.store.database import Store
from presswatch.store.schema import Migration, Schema
from presswatch.times import iso, parse_iso

if TYPE_CHECKING:
    from presswatch.config import Settings

# The values each field may take: those the analysis writes and search, facets and alert rules read.
CHOICES: dict[str, tuple[str, ...]] = {
    "relevance": ("about", "mention", "none"),
    "sentiment": ("negative", "neutral", "positive"),
    "toxicity": ("clean", "offensive", "hate"),
}
FIELDS = ("relevance", "topics", "sentiment", "toxicity")
FIELD_LABELS = {"relevance": "mức liên quan", "topics": "chủ đề", "sentiment": "sắc thái",
                "toxicity": "ngôn từ"}
MAX_REASON = 500
MAX_TOPICS = 20

Value = str | list[str]

SCHEMA = Schema("corrections", (
    Migration(
        "analysis corrections",
        """
    -- analysts' corrections of an article's analysis; the newest not withdrawn of a field counts.
    CREATE TABLE analysis_corrections (
        id INTEGER PRIMARY KEY,
        article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
        field TEXT NOT NULL,            -- relevance | topics | sentiment | toxicity
        model_value TEXT NOT NULL,      -- JSON: what the model said when the correction was made
        value TEXT NOT NULL,            -- JSON: the corrected value (a string; topics: a list of slugs)
        user_name TEXT NOT NULL,
        reason TEXT,
        created_at TEXT NOT NULL,       -- UTC
        withdrawn_at TEXT,              -- UTC; NULL: not withdrawn
        withdrawn_by TEXT
    );
    CREATE INDEX analysis_corrections_article ON analysis_corrections(article_id, field);
    CREATE INDEX analysis_corrections_created ON analysis_corrections(created_at);
    """,
    ),
))


@dataclass(frozen=True)
class Correction:
    id: int
    article_id: int
    field: str
    model_value: Value
    value: Value
    user_name: str
    reason: str | None
    created_at: datetime
    withdrawn_at: datetime | None = None
    withdrawn_by: str | None = None
    index_error: str | None = None  # the search index (tantivy, Elasticsearch) could not be updated: why

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "article": self.article_id, "field": self.field, "model_value": self.model_value,
                "value": self.value, "user": self.user_name, "reason": self.reason,
                "created": iso(self.created_at), "withdrawn": iso(self.withdrawn_at),
                "withdrawn_by": self.withdrawn_by}


def _now() -> str:
    stamp = iso(datetime.now(UTC))
    assert stamp is not None
    return stamp


def current(data: dict[str, Any], field: str) -> Value:
    """The value of ``field`` in a stored analysis (the JSON of ``Analysis.to_json``)."""
    if field == "topics":
        return [str(t) for t in data.get("topics", [])]
    if field == "toxicity":
        return str((data.get("toxicity") or {}).get("label", "clean"))
    return str(data[field])


def _put(data: dict[str, Any], field: str, value: Value) -> None:
    if field == "toxicity":
        data["toxicity"] = {**(data.get("toxicity") or {}), "label": value}
    else:
        data[field] = value


def clean_value(field: str, value: object, topics: Collection[str] | None = None) -> Value:
    """The value checked for ``field``: one of ``CHOICES`` or, for topics, a list of distinct
    configured slugs (``topics``; None: any slug). Raises ``CorrectionError`` in Vietnamese."""
    if field not in FIELDS:
        raise CorrectionError(f"không hiệu chỉnh được trường «{str(field)[:40]}» (chỉ: {', '.join(FIELDS)})")
    if field == "topics":
        if isinstance(value, str):
            value = [part for part in value.replace(";", ",").split(",")]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise CorrectionError("chủ đề phải là danh sách mã chủ đề")
        slugs = list(dict.fromkeys(v.strip() for v in value if v.strip()))
        if len(slugs) > MAX_TOPICS:
            raise CorrectionError(f"tối đa {MAX_TOPICS} chủ đề")
        unknown = [s for s in slugs if topics is not None and s not in topics]
        if unknown:
            raise CorrectionError(f"chủ đề không có trong cấu hình: {', '.join(u[:40] for u in unknown[:5])}")
        return slugs
    if not isinstance(value, str) or value not in CHOICES[field]:
        raise CorrectionError(f"{FIELD_LABELS[field]} phải là một trong: {', '.join(CHOICES[field])}")
    return value


def _row(row: Any) -> Correction:
    created = parse_iso(row["created_at"])
    assert created is not None
    return Correction(int(row["id"]), int(row["article_id"]), row["field"], json.loads(row["model_value"]),
                      json.loads(row["value"]), row["user_name"], row["reason"], created,
                      parse_iso(row["withdrawn_at"]), row["withdrawn_by"])


def _analysis(store: Store, article_id: int) -> dict[str, Any]:
    data = analysis_of(store.db, [article_id]).get(article_id)
    if data is None:
        if not has_article(store.db, article_id):
            raise CorrectionError(f"không có bài viết số {article_id}")
        raise CorrectionError(f"bài viết số {article_id} chưa được phân tích")
    return data


def correct(store: Store, article_id: int, field: str, value: object, user: str, reason: str | None = None, *,
            topics: Collection[str] | None = None, settings: Settings | None = None) -> Correction:
    """Correct ``field`` of the article to ``value`` (checked by ``clean_value``) as ``user``; the
    stored analysis, search columns and topics change in the same transaction, then the configured
    index (tantivy, Elasticsearch: ``settings``) is updated. Its failure keeps the correction:
    ``index_error`` says it."""
    cleaned = clean_value(field, value, topics)
    reason = (reason or "").strip() or None
    if reason is not None and len(reason) > MAX_REASON:
        raise CorrectionError(f"lý do tối đa {MAX_REASON} ký tự")
    now = _now()
    with store.transaction() as db:
        data = _analysis(store, article_id)
        marks: dict[str, Any] = data.setdefault("corrected", {})
        model = marks[field]["model"] if field in marks else current(data, field)
        cursor = db.execute(
            "INSERT INTO analysis_corrections (article_id, field, model_value, value, user_name, reason, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (article_id, field, json.dumps(model, ensure_ascii=False), json.dumps(cleaned, ensure_ascii=False),
             user, reason, now))
        correction_id = int(cursor.lastrowid or 0)
        _put(data, field, cleaned)
        marks[field] = {"model": model, "by": user, "at": now, "id": correction_id}
        set_analysis(db, article_id, data)
    created = parse_iso(now)
    assert created is not None
    return Correction(correction_id, article_id, field, model, cleaned, user, reason, created,
                      index_error=_reindex(store, settings, [article_id]))


def withdraw(store: Store, article_id: int, field: str, user: str, *, settings: Settings | None = None) -> bool:
    """Withdraw the correction of ``field`` (all of its not yet withdrawn ones): the model's value
    returns. False when the field had no correction."""
    if field not in FIELDS:
        raise CorrectionError(f"không hiệu chỉnh được trường «{str(field)[:40]}» (chỉ: {', '.join(FIELDS)})")
    with store.transaction() as db:
        data = _analysis(store, article_id)
        cursor = db.execute("UPDATE analysis_corrections SET withdrawn_at = ?, withdrawn_by = ? "
                            "WHERE article_id = ? AND field = ? AND withdrawn_at IS NULL",
                            (_now(), user, article_id, field))
        if cursor.rowcount == 0:
            return False
        marks = data.get("corrected") or {}
        mark = marks.pop(field, None)
        if mark is not None:
            _put(data, field, mark["model"])
        if not marks:
            data.pop("corrected", None)
        set_analysis(db, article_id, data)
    _reindex(store, settings, [article_id])
    return True


def _reindex(store: Store, settings: Settings | None, ids: list[int]) -> str | None:
    if settings is None or settings.index_backend == "sqlite":
        return None
    from presswatch.search.keep import reindex_articles  # only with tantivy or Elasticsearch configured

    return reindex_articles(settings, store, ids)


def corrections_of(store: Store, article_id: int) -> list[Correction]:
    """Every correction of the article, withdrawn and superseded ones included, newest first."""
    rows = store.db.execute("SELECT * FROM analysis_corrections WHERE article_id = ? ORDER BY id DESC",
                            (article_id,))
    return [_row(row) for row in rows]


def active(store: Store, article_ids: Sequence[int]) -> dict[int, dict[str, Correction]]:
    """The corrections in force (newest not withdrawn of each field) of these articles."""
    found: dict[int, dict[str, Correction]] = {}
    rows = store.db.execute("SELECT * FROM analysis_corrections WHERE withdrawn_at IS NULL "
                            "AND article_id IN (SELECT value FROM json_each(?)) ORDER BY id",
                            (json.dumps(sorted(set(article_ids))),))
    for row in rows:
        correction = _row(row)
        found.setdefault(correction.article_id, {})[correction.field] = correction
    return found


def overlay_corrections(store: Store, article_ids: Sequence[int]) -> int:
    """Re-apply the stored corrections onto these articles' analysis (after a re-analysis replaced
    it): the corrected values win again and the new model values are kept under ``corrected``.
    Returns how many articles changed. Elasticsearch is the re-analysis's to update. Called inside
    an open transaction (``reanalysis.run``'s ``after_batch``), it writes in that transaction, so
    the batch and its corrections are committed together or not at all."""
    in_force = active(store, article_ids)
    if not in_force:
        return 0
    if store.db.in_transaction:
        return _overlay(store.db, in_force)
    with store.transaction() as db:
        return _overlay(db, in_force)


def _overlay(db: sqlite3.Connection, in_force: dict[int, dict[str, Correction]]) -> int:
    changed = 0
    for article_id, analysis in analysis_of(db, list(in_force)).items():
        marks: dict[str, Any] = analysis.setdefault("corrected", {})
        before = json.dumps(analysis, sort_keys=True)
        for field, correction in in_force[article_id].items():
            model = marks[field]["model"] if field in marks else current(analysis, field)
            _put(analysis, field, correction.value)
            marks[field] = {"model": model, "by": correction.user_name, "at": iso(correction.created_at),
                            "id": correction.id}
        if json.dumps(analysis, sort_keys=True) != before:
            set_analysis(db, article_id, analysis)
            changed += 1
    return changed


def in_force(store: Store, since: datetime | None = None, field: str | None = None) -> list[Correction]:
    """The corrections in force (newest not withdrawn of each article and field), oldest first;
    made from ``since`` on; of ``field`` only."""
    rows = store.db.execute(
        "SELECT * FROM analysis_corrections c WHERE withdrawn_at IS NULL AND created_at >= ? "
        "AND (? IS NULL OR field = ?) AND NOT EXISTS (SELECT 1 FROM analysis_corrections n "
        "WHERE n.article_id = c.article_id AND n.field = c.field AND n.withdrawn_at IS NULL AND n.id > c.id) "
        "ORDER BY id", (iso(since) or "", field, field))
    return [_row(row) for row in rows]


def export_rows(store: Store, since: datetime | None = None) -> Iterator[dict[str, Any]]:
    """What ``presswatch corrections export`` writes: one dict per correction in force, with the
    article's id, URL and title."""
    corrections = in_force(store, since)
    articles = {int(row["id"]): row for row in links(store.db, [c.article_id for c in corrections])}
    for c in corrections:
        article = articles.get(c.article_id)
        yield {"article_id": c.article_id, "url": article["url"] if article else None,
               "title": article["title"] if article else None, "field": c.field, "model_value": c.model_value,
               "corrected_value": c.value, "user": c.user_name, "created_at": iso(c.created_at), "reason": c.reason}


def labelled_texts(store: Store, field: str) -> list[tuple[Correction, str, str]]:
    """(correction, title, text as extracted) of the corrections in force of ``field``: what
    ``presswatch train`` learns from."""
    corrections = in_force(store, None, field)
    found = texts(store.db, [c.article_id for c in corrections])
    return [(c, *found[c.article_id]) for c in corrections if c.article_id in found]
