"""With Elasticsearch as the configured backend, a correction reaches the index in the same call:
a search by the corrected sentiment or topic finds the article, by the model's value no longer;
withdrawing brings the model's value back there too (osmem-server, or a real Elasticsearch)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

import presswatch.search.elastic as elastic
from presswatch.config import Settings, load_analyzer
from presswatch.models import Article
from presswatch.query import Field
from presswatch.search import SearchRequest
from presswatch.search.elastic import EsIndex
from presswatch.search.es_sync import sync
from presswatch.store import Store
from presswatch.store import corrections as fixes
from tests.support.es import EsServer
from tests.support.paths import CONFIG

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


@pytest.mark.elasticsearch
def test_a_correction_and_its_withdrawal_reach_elasticsearch(
        tmp_path: Path, es_server: EsServer, es_client: Elasticsearch, monkeypatch: pytest.MonkeyPatch) -> None:
    alias = f"pw-fix-{uuid.uuid4().hex[:8]}"
    client_from_env = elastic.client_from_env
    monkeypatch.setattr(elastic, "client_from_env", lambda url, environ=None, **options: client_from_env(
        url, environ, **{**es_server.options, **options}))
    settings = Settings(index_backend="elasticsearch", elasticsearch_url=es_server.url, elasticsearch_alias=alias)
    analyzer = load_analyzer(CONFIG, with_entities=False)
    title, text = ("Lũ quét ở Mường Tè, Lai Châu làm 3 người mất tích",
                   "Mưa lớn gây lũ quét tại xã Mường Tè, tỉnh Lai Châu; 3 người mất tích, nhiều nhà bị cuốn trôi.")
    with Store(tmp_path / "pw.db") as store:
        article_id = store.add_article(Article(url="https://bao.vn/1", source_id="bao-a", title=title, text=text,
                                               published_at=NOW, analysis=analyzer.analyze(title, text)))
        assert article_id is not None
        index = EsIndex.from_settings(settings)
        assert sync(store, index) == (1, None)
        es_client.indices.refresh(index=alias)

        def found(field: str, value: str) -> bool:
            result = index.search(SearchRequest("lai chau", filters=(Field(field, value),), now=NOW))
            return article_id in [hit.id for hit in result.hits]

        assert found("sentiment", "negative") and not found("sentiment", "neutral")
        fix = fixes.correct(store, article_id, "sentiment", "neutral", "chuyen-vien", settings=settings)
        assert fix.index_error is None
        fixes.correct(store, article_id, "topics", ["tai-nan"], "chuyen-vien", settings=settings)
        assert found("sentiment", "neutral") and not found("sentiment", "negative")
        assert found("topic", "tai-nan") and not found("topic", "thien-tai")
        assert fixes.withdraw(store, article_id, "sentiment", "chuyen-vien", settings=settings)
        assert found("sentiment", "negative") and not found("sentiment", "neutral")
    es_client.indices.delete(index=f"{alias}-*", ignore_unavailable=True)
