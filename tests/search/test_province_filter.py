"""Several provinces in search: the ``province:`` filter and facet give the same articles on the embedded
SQLite index and on Elasticsearch (osmem-server, or ``PRESSWATCH_TEST_ES_URL``), for a deployment that
follows Lai Châu and Điện Biên."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from presswatch.config import build_analyzer, load_sentiment, load_topics
from presswatch.errors import QueryError
from presswatch.models import Article
from presswatch.search import SearchRequest
from presswatch.search.elastic import EsIndex
from presswatch.search.es_sync import sync
from presswatch.search.sqlite import SqliteIndex
from presswatch.store import Store
from tests.support.paths import CONFIG

pytestmark = pytest.mark.elasticsearch

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
DOCS = [  # title, text, provinces it concerns
    ("Sạt lở nghiêm trọng ở Mường Tè", "Mưa lớn gây sạt lở tại huyện Mường Tè, tỉnh Lai Châu, 2 người chết.",
     {"Lai Châu"}),
    ("Điện Biên: lũ quét cuốn trôi cầu treo", "Mưa lớn ở tỉnh Điện Biên làm lũ quét cuốn trôi cầu treo.",
     {"Điện Biên"}),
    ("Lai Châu và Điện Biên hợp tác du lịch", "Hai tỉnh Lai Châu, Điện Biên ký kết hợp tác phát triển du lịch.",
     {"Lai Châu", "Điện Biên"}),
    ("Giá cà phê tăng", "Giá cà phê ở Tây Nguyên tăng mạnh trong tuần.", set()),
]
QUERIES = ['province:"Lai Châu"', 'province:"dien bien"', "province:ĐIỆN-BIÊN", 'province:"Tỉnh Lai Châu" lũ',
           'NOT province:"Điện Biên"', 'province:"Lai Châu" province:"Điện Biên"']


@pytest.fixture(scope="module")
def backends(es_client: Elasticsearch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    analyzer = build_analyzer(load_topics(CONFIG / "topics.yaml"), load_sentiment(CONFIG / "sentiment.yaml"), False,
                              provinces=["Lai Châu", "Điện Biên"])
    store = Store(tmp_path_factory.mktemp("provinces") / "pw.db")
    for number, (title, text, _) in enumerate(DOCS):
        store.add_article(Article(url=f"https://x.vn/{number}", source_id="bao", source_kind="press", title=title,
                                  text=text, published_at=NOW - timedelta(days=1),
                                  analysis=analyzer.analyze(title, text)))
    es = EsIndex(es_client, alias=f"pw-test-{uuid.uuid4().hex[:8]}")
    sent, error = sync(store, es)
    assert error is None and sent == len(DOCS)
    es.refresh()
    yield {"sqlite": SqliteIndex(store), "elasticsearch": es}
    store.close()


def _ids(result: Any) -> set[int]:
    return {hit.id for hit in result.hits}


@pytest.mark.parametrize("backend", ["sqlite", "elasticsearch"])
def test_province_filter_finds_the_articles_of_each_province(backends: dict[str, Any], backend: str) -> None:
    index = backends[backend]
    for name in ("Lai Châu", "Điện Biên"):
        expected = {number + 1 for number, (_, _, provinces) in enumerate(DOCS) if name in provinces}
        found = index.search(SearchRequest(f'province:"{name}"', now=NOW, limit=50))
        assert _ids(found) == expected, (backend, name)
    facets = index.search(SearchRequest("source:bao", now=NOW, limit=50, facets=True)).facets
    assert dict(facets["province"]) == {"Lai Châu": 2, "Điện Biên": 2}


@pytest.mark.parametrize("query", QUERIES)
def test_same_province_results_on_both_backends(backends: dict[str, Any], query: str) -> None:
    request = SearchRequest(query, now=NOW, limit=50)
    sqlite = backends["sqlite"].search(request)
    es = backends["elasticsearch"].search(request)
    assert _ids(sqlite) == _ids(es), query
    assert sqlite.total == es.total


def test_a_province_that_does_not_exist_is_a_vietnamese_error_with_the_closest_name(
        backends: dict[str, Any]) -> None:
    with pytest.raises(QueryError) as caught:
        backends["sqlite"].search(SearchRequest('lũ province:"Dien Bein"', now=NOW))
    assert "không phải tên một trong 34 tỉnh" in caught.value.message and "Điện Biên" in caught.value.message
