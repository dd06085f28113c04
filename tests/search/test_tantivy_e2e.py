"""tantivy as the configured engine (``index_backend: tantivy``), kept in step with the store, end to
end: a crawl of a local news site through the real CLI (Scrapy subprocess) indexes what it stored;
``presswatch search`` and the web page and API (real uvicorn server) find it; so does a crawl by the
service's crawl job; an analyst's correction
of the topics changes what a topic filter and the facets answer; articles stored with no sync after
them (a crash between store and index) are indexed by the service's start job and by the CLI's
search; a reanalysis's rewritten articles are indexed again; retention removes an article from the
results; two writers never write at once."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from presswatch.cli import main
from presswatch.config import load_config, load_settings
from presswatch.demo.site import LocalSite, load_demo_articles, site_articles
from presswatch.errors import SearchIndexError
from presswatch.models import Article
from presswatch.query import Field
from presswatch.search import SearchRequest, keep, open_backend
from presswatch.search.es_sync import resend_from
from presswatch.search.keep import sync_index, tantivy_dir
from presswatch.search.tantivy_index import TantivyIndex
from presswatch.service import jobs
from presswatch.service.housekeeping import housekeeping
from presswatch.service.scheduler import Monitor
from presswatch.store import Store, users
from presswatch.store import corrections as fixes
from presswatch.store.articles import set_analysis
from tests.support.paths import CONFIG
from tests.support.webserver import csrf_of, serve

pytestmark = pytest.mark.slow

TITLES = ["Lai Châu di dời khẩn cấp 5 hộ dân do xuất hiện hố cát-tơ 600m2",
          "Lai Châu lại sạt lở quốc lộ 4D trên đèo Hoàng Liên Sơn"]


def _configure(config: Path, site: LocalSite) -> None:
    """A configuration with ``index_backend: tantivy`` and one source, the local site's feed."""
    config.mkdir(exist_ok=True)
    for name in ("topics.yaml", "sentiment.yaml", "toxicity.yaml", "report.docx"):
        shutil.copy(CONFIG / name, config / name)
    (config / "presswatch.yaml").write_text(
        "index_backend: tantivy\ncrawl_allow_internal: ['127.0.0.1']\nautothrottle: false\n"
        "download_timeout: 5\ncrawl_min_interval: 1\nmetrics_port: 0\nweb_port: 0\nbackup_dir: \"\"\n",
        encoding="utf-8")
    (config / "sources.yaml").write_text(yaml.safe_dump({"sources": [
        {"id": "tin-lai-chau", "name": "Tin Lai Châu", "kind": "press", "type": "feed",
         "urls": [f"{site.url}/rss/tin-moi.rss"]}]}, allow_unicode=True), encoding="utf-8")


def _site_articles() -> list[Any]:
    demo = {record["title"]: record for record in load_demo_articles()}
    return site_articles([demo[title] for title in TITLES], newest=datetime.now(UTC) - timedelta(hours=1))


@pytest.fixture
def crawled(tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A configuration with ``index_backend: tantivy`` and a database the CLI crawled two articles into."""
    config, db = tmp_path / "config", tmp_path / "presswatch.db"
    articles = _site_articles()
    with LocalSite(articles) as site:
        _configure(config, site)
        assert main(["--config", str(config), "--db", str(db), "crawl"]) == 0
        urls = [f"{site.url}{article.path}" for article in articles]
    yield {"config": config, "db": db, "urls": urls, "settings": load_settings(config / "presswatch.yaml")}


def test_the_services_crawl_job_indexes_what_it_stored(tmp_path: Path) -> None:
    config, db = tmp_path / "config", tmp_path / "presswatch.db"
    with LocalSite(_site_articles()) as site:
        _configure(config, site)
        tally = jobs.crawl_job(str(config), str(db), "tin-lai-chau")  # as APScheduler calls it
    assert tally is not None and tally.new_articles == 2
    with Store(db) as store:
        index = TantivyIndex(store, tantivy_dir(load_settings(config / "presswatch.yaml"), db))
        assert index.mark() == max(a.id for a in store.articles())
        assert index.search(SearchRequest("lai chau")).total == 2


def _cli(crawled: dict[str, Any], capsys: pytest.CaptureFixture[str], *query: str) -> list[str]:
    capsys.readouterr()
    assert main(["--config", str(crawled["config"]), "--db", str(crawled["db"]), "search", *query, "--json",
                 "--limit", "50"]) == 0
    return [json.loads(line)["url"] for line in capsys.readouterr().out.splitlines() if line.startswith('{"id"')]


def _ids(crawled: dict[str, Any], query: str, **options: Any) -> set[int]:
    """What the configured backend (tantivy) answers, read the way the web's handlers read it."""
    with Store(crawled["db"]) as store:
        backend = open_backend(crawled["settings"], store)
        assert isinstance(backend, TantivyIndex)
        return {hit.id for hit in backend.search(SearchRequest(query, limit=50, **options)).hits}


def _held(crawled: dict[str, Any], query: str, **options: Any) -> set[int]:
    """What the tantivy index holds now, read without the catch-up a search does first
    (``keep.catch_up``): whether a sync has run."""
    with Store(crawled["db"]) as store:
        index = TantivyIndex(store, tantivy_dir(crawled["settings"], crawled["db"]))
        return {hit.id for hit in index.search(SearchRequest(query, limit=50, **options)).hits}


def test_a_crawl_is_indexed_and_found_by_the_cli_the_page_and_the_api(
        crawled: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    db: Path = crawled["db"]
    index = tantivy_dir(crawled["settings"], db)
    assert index == db.with_name("presswatch.db.tantivy") and (index / "meta.json").exists()
    with Store(db) as store:
        assert TantivyIndex(store, index).mark() == max(a.id for a in store.articles())  # synced by the crawl
    assert _cli(crawled, capsys, "hố cát-tơ") == [crawled["urls"][0]]
    assert _cli(crawled, capsys, "deo hoang lien son") == [crawled["urls"][1]]  # folded, as FTS5
    with Store(db) as store:
        users.add_user(store, "viewer1", "viewer", "viewer-password-1")
    with serve(db, {}, crawled["config"], index_backend="tantivy") as running, \
            httpx.Client(base_url=running.url, timeout=30) as client:
        page = client.get("/login")
        assert client.post("/login", data={"username": "viewer1", "password": "viewer-password-1",
                                           "csrf": csrf_of(page.text), "next": "/"}).status_code == 303
        found = client.get("/api/search", params={"q": "\"đèo Hoàng Liên Sơn\"", "limit": 50}).json()
        assert [hit["url"] for hit in found["hits"]] == [crawled["urls"][1]]
        assert TITLES[0] in client.get("/", params={"q": "hố cát-tơ"}).text


def test_a_correction_of_the_topics_changes_the_filter_and_the_facets(
        crawled: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    with Store(crawled["db"]) as store:
        article_id = next(a.id for a in store.articles() if a.title == TITLES[1])
        before = SearchRequest("lai chau", filters=(Field("topic", "tai-nan"),), facets=True, limit=50)
        assert article_id not in {hit.id for hit in open_backend(crawled["settings"], store).search(before).hits}
        fix = fixes.correct(store, article_id, "topics", ["tai-nan"], "chuyen-vien", settings=crawled["settings"])
        assert fix.index_error is None
        result = open_backend(crawled["settings"], store).search(before)
        assert [hit.id for hit in result.hits] == [article_id]
        assert result.facets["topic"] == [("tai-nan", 1)]
    assert _cli(crawled, capsys, "topic:tai-nan") == [crawled["urls"][1]]


def test_a_correction_the_index_could_not_take_is_indexed_by_the_next_sync(
        crawled: dict[str, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # Another writer holds the index longer than a correction waits: the correction is kept, says the
    # index missed it, and the next sync (here the CLI's search) indexes the corrected article.
    monkeypatch.setattr(keep, "CORRECTION_WAIT", 0.3)
    with Store(crawled["db"]) as store:
        article_id = next(a.id for a in store.articles() if a.title == TITLES[1])
        with TantivyIndex(store, tantivy_dir(crawled["settings"], crawled["db"])).writing():
            fix = fixes.correct(store, article_id, "topics", ["tai-nan"], "chuyen-vien", settings=crawled["settings"])
        assert fix.index_error is not None and "đang được một tiến trình khác ghi" in fix.index_error
    assert _held(crawled, "topic:tai-nan") == set()  # the index still has the old topics
    assert _cli(crawled, capsys, "topic:tai-nan") == [crawled["urls"][1]]  # its sync re-indexed it
    assert _held(crawled, "topic:tai-nan") == {article_id}
    assert len(_held(crawled, "lai chau")) == 2  # re-indexed once each, not twice


def test_a_crash_between_store_and_index_is_repaired_at_service_start_and_by_the_cli(
        crawled: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    config, db = crawled["config"], crawled["db"]
    stored = Article(url="https://bao.vn/lu-quet", source_id="tin-lai-chau", title="Lũ quét ở Mường Tè",
                     text="Mưa lớn gây lũ quét tại xã Mường Tè, tỉnh Lai Châu.", published_at=datetime.now(UTC))
    with Store(db) as store:  # stored, then the process died before its sync
        new_id = store.add_article(stored)
    assert new_id is not None and _held(crawled, "muong te") == set()
    monitor = Monitor(load_config(config), db)  # the service starts: its schedule holds the sync, once now
    monitor.scheduler.start(paused=True)
    try:
        monitor.sync_jobs()
        job = monitor.scheduler.get_job("index-sync")
        assert job is not None and job.func_ref == "presswatch.service.jobs:index_sync_job"
        job.func(*job.args)  # as APScheduler calls it
    finally:
        monitor.stop_worker()
        monitor.scheduler.shutdown(wait=False)
    assert jobs.index_sync_job is job.func
    assert _held(crawled, "muong te") == {new_id}

    with Store(db) as store:  # again; this time the next one to open the index is `presswatch search`
        other = store.add_article(Article(url="https://bao.vn/sat-lo", source_id="tin-lai-chau",
                                          title="Sạt lở ở Sìn Hồ", text="Đường vào Sìn Hồ bị sạt lở.",
                                          published_at=datetime.now(UTC)))
    assert _cli(crawled, capsys, "sin ho") == ["https://bao.vn/sat-lo"] and other is not None


def test_articles_a_reanalysis_rewrote_are_indexed_again(crawled: dict[str, Any]) -> None:
    with Store(crawled["db"]) as store:
        article_id = next(a.id for a in store.articles() if a.title == TITLES[0])
        data = json.loads(store.db.execute("SELECT analysis FROM articles WHERE id = ?",
                                           (article_id,)).fetchone()[0])
        assert "an-ninh" not in data["topics"]
        with store.transaction() as db:  # what reanalysis._write does for a batch it rewrote
            set_analysis(db, article_id, {**data, "topics": ["an-ninh"]})
            resend_from(db, article_id)
    assert _held(crawled, "", filters=(Field("topic", "an-ninh"),)) == set()  # not yet: the sync follows
    outcome = sync_index(crawled["settings"], crawled["db"])
    assert outcome is not None and outcome.error is None and outcome.sent >= 1
    assert _held(crawled, "", filters=(Field("topic", "an-ninh"),)) == {article_id}
    assert len(_held(crawled, "lai chau")) == 2  # re-indexed, never twice


def test_retention_removes_an_article_from_the_results(crawled: dict[str, Any]) -> None:
    with Store(crawled["db"]) as store:
        dated = sorted((a.published_at, a.id) for a in store.articles() if a.published_at)
    assert len(dated) == 2 and _ids(crawled, "lai chau") == {i for _, i in dated}
    (oldest, old_id), (_, kept) = dated
    settings = crawled["settings"].model_copy(update={"retention_days": 30})
    lines = housekeeping(crawled["db"], settings, now=oldest + timedelta(days=30, hours=1))
    assert lines[0].startswith("đã xóa 1 bài"), lines
    assert _ids(crawled, "lai chau") == {kept}
    with Store(crawled["db"]) as store:
        result = open_backend(settings, store).search(SearchRequest("lai chau", facets=True))
    assert result.total == 1 and result.facets["source"] == [("tin-lai-chau", 1)]  # counts, not only hits


def test_two_writers_never_write_at_once(crawled: dict[str, Any]) -> None:
    path = tantivy_dir(crawled["settings"], crawled["db"])

    def sync_waiting(done: list[int]) -> None:  # another writer (its own connection, as another process)
        with Store(crawled["db"]) as own:
            done.append(TantivyIndex(own, path).sync(wait=30))

    with Store(crawled["db"]) as store:
        store.add_article(Article(url="https://bao.vn/moi", source_id="tin-lai-chau", title="Tin mới ở Tam Đường",
                                  text="Một bài chưa vào chỉ mục.", published_at=datetime.now(UTC)))
        first = TantivyIndex(store, path)
        second = TantivyIndex(store, path)
        with first.writing():
            started = time.monotonic()
            with pytest.raises(SearchIndexError, match="đang được một tiến trình khác ghi"):
                second.sync(wait=0.5)
            assert time.monotonic() - started >= 0.5
            done: list[int] = []
            waiting = threading.Thread(target=sync_waiting, args=(done,))
            waiting.start()
            time.sleep(0.5)
            assert not done  # it waits for the lock
        waiting.join(timeout=30)
        assert done == [1]  # then runs: the new article
    assert _ids(crawled, "tam duong") != set()


def test_a_tantivy_path_that_is_a_file_gets_a_clear_error_and_loses_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A hostile setting: ``tantivy_path`` names an existing file. The CLI search says so in Vietnamese,
    naming the setting, and neither the file nor the store is touched."""
    config = tmp_path / "config"
    config.mkdir()
    for name in ("topics.yaml", "sentiment.yaml", "toxicity.yaml", "report.docx"):
        shutil.copy(CONFIG / name, config / name)
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("kept", encoding="utf-8")
    db = tmp_path / "pw.db"
    (config / "presswatch.yaml").write_text(f"index_backend: tantivy\ntantivy_path: {blocker}\ndatabase: {db}\n",
                                            encoding="utf-8")
    with Store(db) as store:
        store.add_articles([Article(url="https://bao.vn/a", source_id="bao", source_kind="press",
                                    title="Lai Châu mưa lớn", text="Mưa lớn ở Lai Châu.")])
    code = main(["search", "lai chau", "--db", str(db), "--config", str(config)])
    err = capsys.readouterr().err
    assert code != 0
    assert "tantivy_path" in err and "là một tệp" in err
    assert blocker.read_text(encoding="utf-8") == "kept"
    with Store(db) as store:
        assert store.count_articles() == 1


def test_status_shows_how_far_the_index_holds_the_store(crawled: dict[str, Any],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    def index_line() -> str:
        capsys.readouterr()
        assert main(["--config", str(crawled["config"]), "--db", str(crawled["db"]), "status"]) == 0
        [line] = [line for line in capsys.readouterr().out.splitlines() if line.startswith("Chỉ mục tìm kiếm")]
        return line

    with Store(crawled["db"]) as store:
        last = max(a.id for a in store.articles())
    assert f"tantivy ({tantivy_dir(crawled['settings'], crawled['db'])}): đã có đến bài #{last}, khớp với kho bài" \
        in index_line()
    with Store(crawled["db"]) as store:  # stored by a path that did not sync
        store.add_article(Article(url="https://bao.vn/moi-2", source_id="tin-lai-chau", title="Tin mới ở Phong Thổ",
                                  text="Một bài chưa vào chỉ mục.", published_at=datetime.now(UTC)))
    assert f"đã có đến bài #{last}, còn thiếu 1 bài; đồng bộ lần cuối lúc " in index_line()
