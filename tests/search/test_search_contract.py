"""One contract, two backends: the same documents and queries give the same result ids and counts
on the embedded SQLite index and on Elasticsearch (osmem-server, or a real cluster when
``PRESSWATCH_TEST_ES_URL`` is set: the ``es_client`` fixture of ``conftest.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from presswatch.config import load_analyzer
from presswatch.models import Article
from presswatch.search import SearchRequest
from presswatch.search.elastic import EsIndex
from presswatch.search.es_sync import reindex, sync
from presswatch.search.sqlite import SqliteIndex
from presswatch.store import Store
from tests.support.paths import CONFIG

pytestmark = pytest.mark.elasticsearch

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
DOCS = [
    ("Sạt lở nghiêm trọng ở Mường Tè", "Mưa lớn gây sạt lở tại huyện Mường Tè, tỉnh Lai Châu, 2 người chết.", 1,
     "bao-a", "press"),
    ("Điện Biên đón khách du lịch", "Lượng khách đến Điện Biên Phủ tăng mạnh, doanh thu du lịch tăng.", 2, "bao-b",
     "press"),
    ("Tương lai châu Á", "Hội nghị bàn về tương lai châu Á và kinh tế số.", 3, "bao-a", "press"),
    ("Khách sạn Mường Thanh", "Khách sạn Mường Thanh khai trương cơ sở mới ở Lào Cai.", 4, "bao-b", "magazine"),
    ("Tỉnh Lai châu họp báo", "Ủy ban nhân dân tỉnh Lai châu tổ chức họp báo thường kỳ về thủy điện.", 20, "bao-a",
     "info_site"),
    ("Muong Te khong dau", "Bai viet viet khong dau ve Muong Te, Lai Chau: lu quet gay thiet hai.", 5, "bao-b",
     "social"),
    ("Người Châu Đức đi làm ăn xa", "Anh ấy đi xe máy lai rai về Châu Đức mỗi tháng.", 6, "bao-a", "press"),
    ("Thủy sản Cà Mau", "Giá thủy sản tăng; tin đồn sai sự thật về dịch bệnh bị bác bỏ ở Cà Mau.", 7, "bao-b",
     "press"),
    ("Lai Châu bác bỏ tin đồn", "UBND tỉnh Lai Châu khẳng định thông tin về sạt lở thủy điện là tin đồn sai sự "
     "thật, bịa đặt.", 1, "bao-c", "info_site"),
    ("Giá 1.000 đồng/kg", "Giá rau ở Tam Đường chỉ còn 1.000 đồng/kg, COVID-19 không ảnh hưởng.", 9, "bao-c",
     "press"),
]
QUERIES = [
    "Mường Tè", "muong te", "Dien Bien", "lai chau", '"Lai Châu"', '"Mường Thanh"', '"Mường Than"',
    '"sạt lở" OR "du lịch"', '"Mường Tè" -"khong dau"', "chau -tuong", "(mường OR điện) (tè OR biên)",
    '"Lai Châu" NEAR/5 "sạt lở"', '"Lai Châu" NEAR/1 "sạt lở"', "thủy*", '"sai sự"*', "source:bao-a",
    '"muong te" source:bao-a', "kind:social", "kind:info_site OR kind:magazine", "topic:thien-tai",
    "sentiment:negative", "relevance:none", 'place:"Muong Te"', 'place:"Tam Đường"', '"lai chau" since:7d',
    '"lai chau" until:7d', '"lai chau" since:2026-11-01 until:2026-11-10', "since:36h", "1.000", "covid-19",
    '"tin đồn" NEAR/10 "Lai Châu"', 'NOT "lai chau" source:bao-c', "tin đồn OR bịa đặt -thủy",
]


@pytest.fixture(scope="module")
def backends(es_client: Elasticsearch, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    analyzer = load_analyzer(CONFIG, with_entities=False)
    store = Store(tmp_path_factory.mktemp("contract") / "pw.db")
    for number, (title, text, days, source, kind) in enumerate(DOCS):
        store.add_article(Article(url=f"https://x.vn/{number}", source_id=source, source_kind=kind, title=title,
                                  text=text, published_at=NOW - timedelta(days=days),
                                  analysis=analyzer.analyze(title, text)))
    es = EsIndex(es_client, alias=f"pw-test-{uuid.uuid4().hex[:8]}")
    sent, error = sync(store, es)
    assert error is None and sent == len(DOCS)
    es.refresh()
    yield {"sqlite": SqliteIndex(store), "elasticsearch": es, "store": store}
    store.close()


@pytest.mark.parametrize("query", QUERIES)
def test_same_ids_and_counts_on_both_backends(backends: dict[str, Any], query: str) -> None:
    request = SearchRequest(query, now=NOW, limit=50)
    sqlite = backends["sqlite"].search(request)
    es = backends["elasticsearch"].search(request)
    assert {h.id for h in sqlite.hits} == {h.id for h in es.hits}, query
    assert sqlite.total == es.total == len(sqlite.hits), query
    if sqlite.hits:  # the exact-accent and standing-together tiers rank the same way
        assert sqlite.hits[0].exact == es.hits[0].exact and sqlite.hits[0].together == es.hits[0].together
        assert sqlite.hits[0].snippet == next(h for h in es.hits if h.id == sqlite.hits[0].id).snippet


def test_facets_and_counts_per_day_agree(backends: dict[str, Any]) -> None:
    request = SearchRequest("since:30d", now=NOW, facets=True, sort="date", limit=5)
    sqlite = backends["sqlite"].search(request)
    es = backends["elasticsearch"].search(request)
    assert sqlite.total == es.total == len(DOCS)
    for name in ("source", "kind", "topic", "sentiment", "relevance", "place"):
        assert dict(sqlite.facets[name]) == dict(es.facets[name]), name
    assert sqlite.per_day == es.per_day
    assert [h.id for h in sqlite.hits] == [h.id for h in es.hits]  # date order, ties by id
    for limit, omitted in ((len(DOCS) - 1, True), (len(DOCS), False)):  # facets only up to facet_max_hits
        capped = replace(request, facet_max_hits=limit)
        for backend in (backends["sqlite"], backends["elasticsearch"]):
            result = backend.search(capped)
            assert result.total == len(DOCS) and result.facets_omitted is omitted
            assert bool(result.facets) is not omitted and bool(result.per_day) is not omitted


def test_sync_catches_up_after_an_outage(backends: dict[str, Any], es_client: Elasticsearch) -> None:
    store: Store = backends["store"]
    es: EsIndex = backends["elasticsearch"]
    store.add_article(Article(url="https://x.vn/new", source_id="bao-d", title="Bài mới về Mường Tè",
                              text="Một bài viết mới về huyện Mường Tè, tỉnh Lai Châu, được lưu khi chỉ mục ngừng.",
                              published_at=NOW))
    down = EsIndex(Elasticsearch("http://127.0.0.1:9", request_timeout=1, max_retries=0), alias=es.alias)
    sent, error = sync(store, down)
    assert sent == 0 and error  # nothing lost: the store kept it, the position did not move
    sent, error = sync(store, es)
    assert (sent, error) == (1, None)
    es.refresh()
    assert es.search(SearchRequest('"bài mới"', now=NOW)).total == 1


def test_reindex_moves_the_alias_to_a_complete_new_index(backends: dict[str, Any]) -> None:
    store: Store = backends["store"]
    es: EsIndex = backends["elasticsearch"]
    before = es.indices_behind_alias()
    sent = reindex(store, es)
    after = es.indices_behind_alias()
    assert sent == store.count_articles()
    assert len(after) == 1 and after != before
    assert es.search(SearchRequest("since:365d", now=NOW)).total == store.count_articles()
