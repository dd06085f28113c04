"""Alert rules speak the search query language: the in-memory matcher that evaluates them on each new
article must select exactly what the SQLite index finds for the same query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from alerts.matcher import Doc, compile_query
from alerts.rules import doc_of
from presswatch.config import load_analyzer
from presswatch.demo.site import load_demo_articles
from presswatch.models import Article
from presswatch.query import parse
from presswatch.search import SearchRequest
from presswatch.search.sqlite import SqliteIndex
from presswatch.store import Store
from tests.search.test_search_contract import DOCS, NOW, QUERIES
from tests.support.paths import CONFIG

RULE_QUERIES = [q for q in QUERIES if "since:" not in q and "until:" not in q] + [
    '"lũ quét" OR "sạt lở" NEAR/3 "thiệt hại"', "NOT sentiment:neutral relevance:mention", "thủy* -điện",
    '("Lai Châu" OR "Điện Biên") (topic:thien-tai OR topic:tai-nan)', 'place:"Lai Châu" sentiment:negative',
    '"Mường" NEAR/2 "Tè" NEAR/2 "huyện"', "kind:press -source:demo", 'ubnd NEAR "Lai Châu"', 'cháy* rừng*',
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, dict[int, Doc]]]:
    analyzer = load_analyzer(CONFIG, with_entities=False)
    store = Store(tmp_path_factory.mktemp("rules") / "pw.db")
    for number, (title, text, days, source, kind) in enumerate(DOCS):
        store.add_article(Article(url=f"https://x.vn/{number}", source_id=source, source_kind=kind, title=title,
                                  text=text, published_at=NOW - timedelta(days=days),
                                  analysis=analyzer.analyze(title, text)))
    for record in load_demo_articles()[:120]:
        store.add_article(Article(url=f"https://demo.vn/{record['id']}", source_id="demo", title=record["title"],
                                  text=record["text"], published_at=NOW,
                                  analysis=analyzer.analyze(record["title"], record["text"])))
    docs = {a.id: doc_of(a.title, a.text, a.source_id, a.source_kind, a.analysis) for a in store.articles()}
    yield store, docs
    store.close()


@pytest.mark.parametrize("query", RULE_QUERIES)
def test_rule_matcher_selects_what_search_finds(corpus: tuple[Store, dict[int, Doc]], query: str) -> None:
    store, docs = corpus
    found = SqliteIndex(store).search(SearchRequest(query, now=NOW, limit=1000))
    assert found.total == len(found.hits)
    predicate = compile_query(parse(query, NOW))
    matched = {article_id for article_id, doc in docs.items() if predicate(doc)}
    assert matched == {hit.id for hit in found.hits}, query


def test_the_corpus_exercises_the_queries(corpus: tuple[Store, dict[int, Doc]]) -> None:
    """Guard against a vacuous agreement: most queries select some articles but not all of them."""
    store, docs = corpus
    sizes = [sum(compile_query(parse(q, NOW))(d) for d in docs.values()) for q in RULE_QUERIES]
    assert sum(0 < size < len(docs) for size in sizes) >= len(RULE_QUERIES) * 3 // 4, sizes
