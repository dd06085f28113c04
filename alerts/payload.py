"""What a delivery carries: the JSON document of ``docs/alerts.md`` and its Vietnamese chat text.

Built at delivery time from the store (the source of truth), so a pending alert carries the current
count of syndicated copies. Crawled titles and text are data here; each channel escapes them for
its own format.

An article names the spokespeople who should answer for its place or topic (``spokespeople``).
Alerts cannot know who they are (the press register sits above alerts): the shell hands the
delivery worker a ``SpokespeopleOf`` resolver (``presswatch.service.register_alerts``); without
one, or when the register names nobody, the list is empty.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from alerts.digest.data import deciding_sentence
from alerts.outbox import OutboxRow
from presswatch.config.alerts import SEVERITY_LABELS, Rule
from presswatch.labels import SENTIMENT_LABELS, relevance_labels
from presswatch.models import StoredArticle
from presswatch.provinces import provinces_of
from presswatch.times import iso, local

DOCUMENT_SCHEMA = "presswatch.alert.v1"  # the JSON documents the channels receive
MAX_SPOKESPEOPLE = 20  # named in a document; the chat text names the first TEXT_SPOKESPEOPLE
TEXT_SPOKESPEOPLE = 3


@dataclass(frozen=True)
class SourceInfo:
    id: str
    name: str
    kind: str


@dataclass(frozen=True)
class SpokespersonInfo:
    """A spokesperson an alert names (published contact details: the register's public list)."""

    name: str
    title: str
    unit: str  # the department, commune or ward they speak for
    phone: str
    email: str


class SpokespeopleOf(Protocol):
    """Who should answer for a stored article, read in the caller's connection (the worker's)."""

    def __call__(self, db: sqlite3.Connection, article: StoredArticle) -> Sequence[SpokespersonInfo]: ...


def article_json(article: StoredArticle, source: SourceInfo, web_base_url: str | None,
                 spokespeople: Sequence[SpokespersonInfo] = ()) -> dict[str, Any]:
    analysis = article.analysis or {}
    evidence = analysis.get("evidence") or {}
    sentiment_evidence = evidence.get("sentiment") or {}
    topics = evidence.get("topics") or {}
    return {
        "id": article.id,
        "content_type": article.content_type,  # article | video | post | comment
        "title": article.title,
        "url": article.url,
        "source": {"id": source.id, "name": source.name, "kind": source.kind},
        "published_at": iso(article.published_at),
        "fetched_at": iso(article.fetched_at),
        "relevance": {"grade": article.relevance, "score": analysis.get("relevance_score"),
                      "evidence": evidence.get("relevance") or []},
        "provinces": provinces_of(analysis),  # {followed province: "about" | "mention"}
        "topics": [{"slug": slug, "label": (topics.get(slug) or {}).get("label", slug),
                    "terms": (topics.get(slug) or {}).get("terms", [])} for slug in analysis.get("topics") or []],
        "sentiment": {"label": article.sentiment, "score": analysis.get("sentiment_score"),
                      "terms": sentiment_evidence.get("terms") or [],
                      "sentence": deciding_sentence(article.title, article.text,
                                                    sentiment_evidence.get("terms") or [])},
        "places": [{"name": p.get("name"), "current": p.get("current", []), "legacy": p.get("legacy", [])}
                   for p in analysis.get("places") or []],
        "engagement": article.engagement or {},
        "spokespeople": [asdict(person) for person in spokespeople[:MAX_SPOKESPEOPLE]],
        "web_url": f"{web_base_url}/article/{article.id}" if web_base_url else None,
    }


def rule_json(rule: Rule | None, rule_id: str, severity: str) -> dict[str, Any]:
    return {"id": rule_id, "name": rule.name if rule else rule_id, "severity": rule.severity if rule else severity}


def alert_payload(row: OutboxRow, rule: dict[str, Any], copies: int, article: dict[str, Any]) -> dict[str, Any]:
    document = {"schema": DOCUMENT_SCHEMA, "type": "alert", "idempotency_key": row.idempotency_key,
                "created_at": iso(row.created_at), "rule": rule, "copies": copies, "article": article}
    document["text"] = alert_text(document)
    return document


def summary_payload(row: OutboxRow, rule: dict[str, Any], articles: list[dict[str, Any]]) -> dict[str, Any]:
    assert row.window_start is not None
    document = {"schema": DOCUMENT_SCHEMA, "type": "summary", "idempotency_key": row.idempotency_key,
                "created_at": iso(row.created_at), "rule": rule,
                "window": {"start": iso(row.window_start), "end": iso(row.window_start + timedelta(hours=1))},
                "count": len(articles), "articles": articles}
    document["text"] = summary_text(document)
    return document


def alert_text(document: dict[str, Any]) -> str:
    """Plain Vietnamese text of an alert, for chat channels (each channel escapes it)."""
    rule, article = document["rule"], document["article"]
    published = datetime.fromisoformat(article["published_at"] or article["fetched_at"])
    lines = [
        f"⚠️ Cảnh báo (mức {SEVERITY_LABELS.get(rule['severity'], rule['severity'])}): {rule['name']}",
        article["title"],
        f"Nguồn: {article['source']['name']} · {local(published)}",
    ]
    grade = article["relevance"]["grade"] or ""
    named = [name for name, level in (article.get("provinces") or {}).items() if level == grade]
    label = relevance_labels(named or list(article.get("provinces") or ())).get(grade, "chưa phân tích")
    flags = [f"Mức liên quan: {label}"]
    if article["sentiment"]["label"]:
        flags.append(f"Sắc thái: {SENTIMENT_LABELS.get(article['sentiment']['label'], article['sentiment']['label'])}")
    if article["topics"]:
        flags.append("Chủ đề: " + ", ".join(topic["label"] for topic in article["topics"]))
    lines.append(" · ".join(flags))
    if article["places"]:
        lines.append("Địa danh: " + ", ".join(place["name"] for place in article["places"]))
    if article["sentiment"]["sentence"] and article["sentiment"]["label"] in ("negative", "positive"):
        lines.append(f"Câu đáng chú ý: “{article['sentiment']['sentence']}”")
    if article.get("spokespeople"):
        lines.append(spokespeople_line(article["spokespeople"]))
    if document["copies"] > 1:
        lines.append(f"Đã có {document['copies']} bài cùng nội dung (đăng lại).")
    lines.append(article["url"])
    if article["web_url"]:
        lines.append(f"Xem trong hệ thống: {article['web_url']}")
    return "\n".join(lines)


def spokespeople_line(people: list[dict[str, str]]) -> str:
    """"Người phát ngôn: Name (title, unit) · phone · email; …" for the first few."""
    named = []
    for person in people[:TEXT_SPOKESPEOPLE]:
        role = ", ".join(part for part in (person["title"], person["unit"]) if part)
        named.append(" · ".join(part for part in (f"{person['name']} ({role})" if role else person["name"],
                                                  person["phone"], person["email"]) if part))
    more = f"; và {len(people) - TEXT_SPOKESPEOPLE} người khác" if len(people) > TEXT_SPOKESPEOPLE else ""
    return "Người phát ngôn: " + "; ".join(named) + more


def summary_text(document: dict[str, Any]) -> str:
    rule = document["rule"]
    start = datetime.fromisoformat(document["window"]["start"])
    end = datetime.fromisoformat(document["window"]["end"])
    lines = [
        f"⚠️ Tổng hợp cảnh báo (mức {SEVERITY_LABELS.get(rule['severity'], rule['severity'])}): {rule['name']}",
        f"{document['count']} bài vượt giới hạn gửi mỗi giờ, từ {local(start)} đến {local(end)}:",
    ]
    for article in document["articles"][:20]:
        lines.append(f"• {article['title']} ({article['source']['name']}) {article['url']}")
    if document["count"] > 20:
        lines.append(f"… và {document['count'] - 20} bài khác.")
    return "\n".join(lines)
