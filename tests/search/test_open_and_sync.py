"""The one way to open the configured search backend (``open_backend``) and the one way to keep
Elasticsearch in step with the store (``es_sync``), as ``presswatch search``, ``presswatch reindex``,
``presswatch crawl`` and the service's crawl job use them."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from elasticsearch import Elasticsearch, UnsupportedProductError

import presswatch.search.elastic as elastic
from presswatch.cli import main
from presswatch.cli.search import sync_search_index
from presswatch.config import Settings, load_settings
from presswatch.models import Article
from presswatch.search import SearchRequest, keep, open_backend
from presswatch.search.elastic import EsIndex
from presswatch.search.es_sync import SyncOutcome, sync_elasticsearch
from presswatch.search.sqlite import SqliteIndex
from presswatch.search.tantivy_index import TantivyIndex
from presswatch.store import Store
from presswatch.store.articles import delete_articles
from tests.support.es import EsServer
from tests.support.receiver import Receiver

NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
CREDENTIALS = ("PRESSWATCH_ES_API_KEY", "PRESSWATCH_ES_USERNAME", "PRESSWATCH_ES_PASSWORD")


def article(number: int, title: str, text: str) -> Article:
    return Article(url=f"https://x.vn/{number}", source_id="bao-a", title=title, text=text,
                   published_at=NOW - timedelta(days=number))


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "pw.db"
    with Store(path) as store:
        store.add_article(article(1, "Sạt lở ở Mường Tè", "Mưa lớn gây sạt lở tại huyện Mường Tè, tỉnh Lai Châu."))
        store.add_article(article(2, "Điện Biên đón khách", "Lượng khách đến Điện Biên Phủ tăng mạnh."))
    return path


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIALS:
        monkeypatch.delenv(name, raising=False)


def test_the_default_backend_is_the_tantivy_index_beside_the_store_caught_up(db: Path) -> None:
    # Articles stored by a path that did not sync (here the store directly): the search indexes them first.
    with Store(db) as store:
        backend = open_backend(Settings(), store)
        assert isinstance(backend, TantivyIndex) and backend.store is store
        assert backend.path == db.with_name(db.name + ".tantivy")
        assert backend.search(SearchRequest("muong te", now=NOW)).total == 1


def test_sqlite_stays_the_stores_own_index_when_configured(db: Path) -> None:
    with Store(db) as store:
        backend = open_backend(Settings(index_backend="sqlite"), store)
        assert isinstance(backend, SqliteIndex)
        assert backend.search(SearchRequest("muong te", now=NOW)).total == 1
    assert not db.with_name(db.name + ".tantivy").exists()  # nothing built beside the store


def test_a_search_never_builds_a_whole_index_and_answers_from_what_it_holds(db: Path) -> None:
    # Far behind (an archive that was on SQLite until the default changed): the search says so and
    # answers from the index as it is; the service's start job or `presswatch reindex` builds it.
    with Store(db) as store:
        assert keep.catch_up(Settings(), store, limit=0) == (
            "chỉ mục tìm kiếm còn thiếu 2 bài, chờ dịch vụ hoặc lệnh presswatch reindex đưa vào")
        index = TantivyIndex(store, keep.tantivy_dir(Settings(), db))
        assert index.mark() == 0 and index.search(SearchRequest("muong te", now=NOW)).total == 0
        assert keep.catch_up(Settings(), store) is None  # within the limit: indexed
        assert TantivyIndex(store, index.path).search(SearchRequest("muong te", now=NOW)).total == 1


def test_another_engine_empties_the_stores_fts5_index_and_a_switch_to_sqlite_fills_it_back(db: Path) -> None:
    # tantivy serves searches: the store's FTS5 index is emptied at the first sync and no longer
    # written (a third of the cost of storing an article)
    assert keep.sync_index(Settings(), db) == SyncOutcome(2, None)
    with Store(db) as store:
        store.add_article(article(3, "Lũ ở Mường Tè", "Nước lũ dâng cao ở Mường Tè."))
        assert store.fulltext_missing() == 3
        assert SqliteIndex(store).search(SearchRequest("muong te", now=NOW)).total == 0
        sqlite = Settings(index_backend="sqlite")
        # a search after the switch answers from what the index holds when too much is missing …
        assert keep.catch_up(sqlite, store, limit=2) == (
            "chỉ mục tìm kiếm còn thiếu 3 bài, chờ dịch vụ hoặc lệnh presswatch reindex đưa vào")
        assert keep.index_lines(sqlite, store) == ["Chỉ mục tìm kiếm: SQLite FTS5 trong cơ sở dữ liệu, còn thiếu 3 bài"]
        # … and fills it when a few are
        assert open_backend(sqlite, store).search(SearchRequest("muong te", now=NOW)).total == 2
        assert store.fulltext_missing() == 0
        store.add_article(article(4, "Mường Tè đón khách", "Du khách lên Mường Tè."))  # written with the article
        assert SqliteIndex(store).search(SearchRequest("muong te", now=NOW)).total == 3
    # back on tantivy, then on SQLite with the service: its sync fills the whole index
    assert keep.sync_index(Settings(), db) == SyncOutcome(2, None)
    assert keep.sync_index(Settings(index_backend="sqlite"), db) == SyncOutcome(4, None)
    assert keep.sync_index(Settings(index_backend="sqlite"), db) is None  # nothing missing: nothing done
    with Store(db) as store:
        assert keep.rebuild_index(Settings(index_backend="sqlite"), store) == 4  # `presswatch reindex`
        assert SqliteIndex(store).search(SearchRequest("muong te", now=NOW)).total == 3


def test_a_rebuild_keeps_every_article_searchable_until_it_ends(tmp_path: Path) -> None:
    # `presswatch reindex` of a big archive takes minutes: searches meanwhile must not lose the
    # articles not rebuilt yet; one deleted from the store without the index knowing goes at the end.
    with Store(tmp_path / "pw.db") as store:
        for number in range(1, 13):
            store.add_article(article(number, f"Mường Tè tin {number}", "Tin về huyện Mường Tè, tỉnh Lai Châu."))
        index = TantivyIndex(store, tmp_path / "pw.db.tantivy")
        index.sync()
        with store.transaction() as db:  # the newest article deleted behind the index's back
            delete_articles(db, [12])
        seen: list[int] = []

        def search_meanwhile(done: int, total: int) -> None:
            reader = TantivyIndex(store, index.path)  # another searcher, as the web's
            seen.append(reader.search(SearchRequest("muong te", now=NOW, limit=50)).total)

        assert index.rebuild(search_meanwhile, batch=5) == 11
        assert seen == [12, 12, 12]  # the 11 stored ones and the stale one, found throughout
        assert index.search(SearchRequest("muong te", now=NOW, limit=50)).total == 11 and index.mark() == 11


def test_an_index_of_the_schema_before_word_pairs_is_made_anew_and_refilled(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # An upgrade from a presswatch whose tantivy index had no word-pair fields: tantivy refuses to
    # open it with the new schema; it is emptied and rebuilt from the store, and NEAR answers again.
    import tantivy

    folder = tmp_path / "pw.db.tantivy"
    folder.mkdir()
    builder = tantivy.SchemaBuilder()  # the schema of sessions 30-32
    builder.add_unsigned_field("id", indexed=True, fast=True)
    builder.add_integer_field("dated", indexed=True, fast=True)
    builder.add_integer_field("order", fast=True)
    for name in ("title", "text"):
        builder.add_text_field(name, stored=True, tokenizer_name="whitespace", index_option="position")
    for name in ("source_id", "source_kind", "sentiment", "relevance", "topics", "places", "provinces", "day"):
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    old = tantivy.Index(builder.build(), path=str(folder))
    writer = old.writer(15_000_000, 1)
    held = tantivy.Document(title="sat lo o muong te", text="mua lon gay sat lo")
    held.add_unsigned("id", 1)
    writer.add_document(held)
    writer.commit()
    writer.wait_merging_threads()
    (folder / "presswatch-mark.json").write_text(json.dumps({"last_article_id": 2}))
    with Store(tmp_path / "pw.db") as store:
        store.add_article(article(1, "Sạt lở ở Mường Tè", "Mưa lớn gây sạt lở tại huyện Mường Tè, tỉnh Lai Châu."))
        store.add_article(article(2, "Điện Biên đón khách", "Lượng khách đến Điện Biên Phủ tăng mạnh."))
        with caplog.at_level("WARNING"):
            index = TantivyIndex(store, folder)
        assert "lược đồ cũ" in caplog.text and index.mark() == 0
        assert index.sync() == 2
        found = index.search(SearchRequest('"mưa lớn" NEAR/5 "Mường Tè"', now=NOW))
        assert [hit.id for hit in found.hits] == [1]
        assert TantivyIndex(store, folder).search(SearchRequest("khach", now=NOW)).total == 1  # opens as is now


@pytest.mark.parametrize(("environ", "authorization"), [
    ({"PRESSWATCH_ES_API_KEY": "k3y"}, "ApiKey k3y"),
    ({"PRESSWATCH_ES_USERNAME": "vanphong", "PRESSWATCH_ES_PASSWORD": "mat-khau"},
     "Basic " + base64.b64encode(b"vanphong:mat-khau").decode()),
    ({}, None),
])
def test_elasticsearch_is_opened_at_the_configured_address_and_alias_with_credentials_from_the_environment(
        db: Path, monkeypatch: pytest.MonkeyPatch, no_credentials: None, environ: dict[str, str],
        authorization: str | None) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    with Receiver() as receiver, Store(db) as store:
        settings = Settings(index_backend="elasticsearch", elasticsearch_url=receiver.url, elasticsearch_alias="pw-x")
        backend = open_backend(settings, store)
        assert isinstance(backend, EsIndex) and backend.alias == "pw-x"
        with pytest.raises(UnsupportedProductError):  # the receiver is not Elasticsearch; it saw the request
            backend.search(SearchRequest("lai chau", now=NOW))
    assert [request.path for request in receiver.requests] == ["/pw-x/_search"]
    assert receiver.requests[0].headers.get("authorization") == authorization


def sync_rows(db: Path) -> list[tuple[Any, ...]]:
    with Store(db) as store:
        return [tuple(row) for row in store.db.execute("SELECT name, last_article_id, last_error FROM sync_state")]


def test_sync_does_nothing_unless_elasticsearch_is_the_backend(db: Path) -> None:
    assert sync_elasticsearch(Settings(), db) is None
    assert sync_rows(db) == []


def test_sync_with_elasticsearch_down_loses_nothing_and_says_why(db: Path, no_credentials: None) -> None:
    settings = Settings(index_backend="elasticsearch", elasticsearch_url="http://127.0.0.1:9")
    outcome = sync_elasticsearch(settings, db)
    assert outcome is not None and outcome.sent == 0 and outcome.error and "ConnectionError" in outcome.error
    assert sync_rows(db) == [("elasticsearch", 0, outcome.error)]  # the next sync starts from the first article


@pytest.fixture
def configured_es(es_server: EsServer, es_client: Elasticsearch, monkeypatch: pytest.MonkeyPatch,
                  no_credentials: None) -> Iterator[str]:
    """Elasticsearch as the configured backend (settings from the environment, as an operator may set
    them); the product's client gets the test server's options (osmem-server: plain JSON). Yields the
    alias."""
    alias = f"pw-cli-{uuid.uuid4().hex[:8]}"
    monkeypatch.setenv("PRESSWATCH_INDEX_BACKEND", "elasticsearch")
    monkeypatch.setenv("PRESSWATCH_ELASTICSEARCH_URL", es_server.url)
    monkeypatch.setenv("PRESSWATCH_ELASTICSEARCH_ALIAS", alias)
    client_from_env = elastic.client_from_env

    def with_test_options(url: str, environ: dict[str, str] | None = None, **options: Any) -> Any:
        return client_from_env(url, environ, **{**es_server.options, **options})

    monkeypatch.setattr(elastic, "client_from_env", with_test_options)
    yield alias
    es_client.indices.delete(index=f"{alias}-*", ignore_unavailable=True)


@pytest.mark.elasticsearch
def test_cli_reindex_search_and_sync_after_a_crawl_use_the_configured_elasticsearch(
        db: Path, tmp_path: Path, configured_es: str, es_client: Elasticsearch,
        capsys: pytest.CaptureFixture[str]) -> None:
    alias = configured_es
    options = ["--config", str(tmp_path / "config"), "--db", str(db)]
    assert main([*options, "reindex"]) == 0
    out = capsys.readouterr().out
    assert f"(bí danh {alias})" in out and f"Xong: 2 bài đã vào chỉ mục mới; bí danh {alias}" in out

    assert main([*options, "search", "muong te", "--json"]) == 0
    hits = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [hit["title"] for hit in hits] == ["Sạt lở ở Mường Tè"]

    with Store(db) as store:  # a crawl stores one more article; the crawl then syncs
        store.add_article(article(3, "Lũ quét ở Mường Tè", "Lũ quét cuốn trôi cầu treo ở Mường Tè."))
    settings = load_settings(None)
    sync_search_index(settings, db)
    assert "Đã cập nhật 1 bài vào Elasticsearch." in capsys.readouterr().out
    assert sync_elasticsearch(settings, db) == SyncOutcome(0, None)  # caught up: nothing more to send
    es_client.indices.refresh(index=alias)
    assert main([*options, "search", "muong te", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2


@pytest.mark.parametrize(("environ", "variable"), [
    ({"PRESSWATCH_ES_USERNAME": "vanphong", "PRESSWATCH_ES_PASSWORD": "mật-khẩu-Lai-Châu"}, "PRESSWATCH_ES_PASSWORD"),
    ({"PRESSWATCH_ES_USERNAME": "văn phòng", "PRESSWATCH_ES_PASSWORD": "mat-khau"}, "PRESSWATCH_ES_USERNAME"),
    ({"PRESSWATCH_ES_API_KEY": "k3y\nX-Evil: 1"}, "PRESSWATCH_ES_API_KEY"),
], ids=["password", "username", "api-key-newline"])
def test_credentials_the_client_cannot_send_get_a_clear_error_naming_the_variable(
        db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_credentials: None,
        capsys: pytest.CaptureFixture[str], environ: dict[str, str], variable: str) -> None:
    """The Elasticsearch client sends credentials as ASCII: a Vietnamese password crashed it with a
    UnicodeEncodeError. The CLI says which variable is wrong (never its value); a sync after a crawl
    reports it and loses nothing."""
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("PRESSWATCH_INDEX_BACKEND", "elasticsearch")
    with Receiver() as receiver:
        monkeypatch.setenv("PRESSWATCH_ELASTICSEARCH_URL", receiver.url)
        assert main(["--config", str(tmp_path / "config"), "--db", str(db), "search", "muong te"]) == 2
        captured = capsys.readouterr()
        outcome = sync_elasticsearch(load_settings(None), db)
    assert receiver.requests == []
    assert f"biến môi trường {variable}:" in captured.err and "Traceback" not in captured.err
    assert "ASCII" in captured.err and environ[variable] not in captured.err
    assert outcome is not None and outcome.sent == 0 and outcome.error and variable in outcome.error
