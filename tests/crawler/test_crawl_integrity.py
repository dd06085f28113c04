"""Crawl integrity under hostile input (issue 16): one bad link never drops the rest of a feed; the
warnings and the per-run cap of a crawl reach the source's health. Spider callbacks are run offline
on responses built from the hostile corpus (``tests/data/hostile/feeds``); whole crawls run in a real
subprocess against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
import scrapy
import yaml
from scrapy.http import HtmlResponse, XmlResponse

from crawler.report import CrawlReport
from crawler.runner import crawl_source, crawl_sources, stop_running
from crawler.spiders import BridgeSpider, FeedSpider, ListingSpider, SitemapSpider
from presswatch.cli import main
from presswatch.cli.progress import ProgressLine
from presswatch.config import Source
from presswatch.demo.site import LocalSite, Route, SiteArticle
from presswatch.store import Store
from tests.support.crawling import TEST_SETTINGS, crawl, make_source, rss
from tests.support.paths import CONFIG, DATA

HOSTILE = DATA / "hostile" / "feeds"
SITE = "http://127.0.0.1:8765"
HTML = {"Content-Type": "text/html; charset=utf-8"}
SKIPPED = ("http://127.0.0.1:99999/y", "http://[::1/z")  # cannot be addresses: skipped and recorded
SECRET_ENV = "TEST_CRAWL_INTEGRITY_SECRET"


def hostile(name: str, site: str = SITE) -> bytes:
    raw = (HOSTILE / name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.replace(b"{SITE}", site.encode())


def spider_of(cls: type[Any], tmp_path: Path, **fields: Any) -> Any:
    source = make_source(**fields)
    return cls(source_json=source.model_dump_json(), db=str(tmp_path / "db.sqlite"),
               report=str(tmp_path / "report.json"), max_articles=50)


def entry(cls: type[Any], body: bytes, url: str, tmp_path: Path, **fields: Any) -> tuple[Any, list[str]]:
    """Run ``cls``'s entry callback on ``body`` served at ``url``; the URLs it asks for (or yields)."""
    spider = spider_of(cls, tmp_path, urls=[url], **fields)
    request = scrapy.Request(url, meta={"entry_url": url})
    response_class = HtmlResponse if url.endswith(".html") else XmlResponse
    response = response_class(url=url, body=body, request=request,
                              headers={"Content-Type": "text/html" if url.endswith(".html") else "application/xml"})
    out = [item.url for item in spider.parse_entry(response)]
    spider.closed("finished")  # writes the report, closes the store
    return spider, out


def assert_recorded(spider: Any, *links: str) -> None:
    assert spider.report.bad_links == len(links)
    for link in links:
        assert any(link in warning for warning in spider.report.warnings), (link, spider.report.warnings)


def test_feed_skips_and_records_a_bad_link_and_keeps_the_others(tmp_path: Path) -> None:
    spider, urls = entry(FeedSpider, hostile("bad-links.rss"), f"{SITE}/rss.xml", tmp_path)
    # The IPv6 literal is an address (whether it may be fetched is the downloader's business).
    assert urls == [f"{SITE}/tin/1.html", "http://[::1]:9999/x", f"{SITE}/tin/2.html", f"{SITE}/tin/3.html"]
    assert_recorded(spider, "http://127.0.0.1:99999/y", "http://127.0.0.1:abc/w")
    assert any("cổng ngoài khoảng 0–65535" in warning for warning in spider.report.warnings)
    # feedparser blanks the link it cannot resolve (http://[::1/z): the item is counted, not lost silently.
    assert "1 mục không có liên kết dùng được" in " ".join(spider.report.warnings)


def test_sitemap_skips_bad_links_and_bad_child_sitemaps(tmp_path: Path) -> None:
    spider, urls = entry(SitemapSpider, hostile("bad-links-sitemap.xml"), f"{SITE}/sitemap.xml", tmp_path,
                         type="sitemap")
    assert urls == [f"{SITE}/tin/1.html", "http://[::1]:9999/x", f"{SITE}/tin/2.html", f"{SITE}/tin/3.html"]
    assert_recorded(spider, *SKIPPED)

    spider, urls = entry(SitemapSpider, hostile("bad-links-sitemap-index.xml"), f"{SITE}/sitemap.xml", tmp_path,
                         type="sitemap")
    assert urls == [f"{SITE}/sitemap-tot.xml"]
    assert_recorded(spider, "http://[::1/sitemap.xml", "http://127.0.0.1:99999/sitemap.xml")


def test_listing_skips_bad_links_and_a_bad_next_page(tmp_path: Path) -> None:
    spider, urls = entry(ListingSpider, hostile("bad-links-listing.html"), f"{SITE}/chuyen-muc.html", tmp_path,
                         type="listing", selectors={"article_links": "li.news a::attr(href)", "next_page": "a.next",
                                                    "max_pages": 3})
    assert urls == [f"{SITE}/tin/1.html", "http://[::1]:9999/x", f"{SITE}/tin/2.html", f"{SITE}/tin/3.html"]
    assert_recorded(spider, *SKIPPED, "http://[::1/trang-2.html")


def test_social_bridge_skips_posts_with_bad_links(tmp_path: Path) -> None:
    spider, urls = entry(BridgeSpider, hostile("bad-links-bridge.xml"), f"{SITE}/bridge.xml", tmp_path,
                         type="bridge", kind="social", bridge_url=SITE, routes=["/bridge.xml"])
    assert urls == [f"{SITE}/posts/1", "http://[::1]:9999/posts/x", f"{SITE}/posts/2"]
    assert_recorded(spider, "http://127.0.0.1:99999/posts/y", "http://[::1/posts/z")


def test_many_bad_links_are_counted_not_all_listed(tmp_path: Path) -> None:
    items = "".join(f"<item><title>Hỏng {n}</title><link>http://127.0.0.1:{70000 + n}/x</link></item>"
                    for n in range(40))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    spider, urls = entry(FeedSpider, body, f"{SITE}/rss.xml", tmp_path)
    assert urls == [] and spider.report.bad_links == 40
    warnings = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["warnings"]
    assert len(warnings) <= 6 and any("35 liên kết không hợp lệ khác" in w for w in warnings)


@pytest.mark.slow
def test_a_whole_crawl_keeps_every_good_item_of_a_feed_with_bad_links(site: LocalSite, articles: list[SiteArticle],
                                                                      db: Path) -> None:
    site.routes["/rss-hong.xml"] = Route(hostile("bad-links.rss", site.url),
                                         headers={"Content-Type": "application/rss+xml"})
    for number in (1, 2, 3):
        site.routes[f"/tin/{number}.html"] = Route(site.article_html(articles[number]).encode(), headers=HTML)
    run, report = crawl(make_source(id="lien-ket-hong", urls=[f"{site.url}/rss-hong.xml"]), db)
    assert run.ok, run.message
    assert run.new_articles == 3
    with Store(db) as store:
        # Stored under the pages' own canonical URLs, reached through /tin/1.html etc.
        assert {a.url for a in store.articles()} == {f"{site.url}{articles[n].path}" for n in (1, 2, 3)}
        assert all(store.seen(f"{site.url}/tin/{n}.html") for n in (1, 2, 3))
    assert report.bad_links == 2
    for link in ("http://127.0.0.1:99999/y", "http://127.0.0.1:abc/w", "1 mục không có liên kết"):
        assert any(link in warning for warning in report.warnings), report.warnings


@pytest.mark.slow
def test_a_killed_crawl_counts_what_it_stored(site: LocalSite, articles: list[SiteArticle], db: Path) -> None:
    """Killed at its time limit while one page hangs: the articles it stored are counted (run,
    health), not reported as 0."""
    site.routes[articles[4].path] = Route(site.article_html(articles[4]).encode(), headers=HTML, delay=60)
    source = make_source(id="bi-dung", urls=[f"{site.url}/rss/tin-moi.rss"], max_articles=10, download_timeout=120)
    settings = TEST_SETTINGS.model_copy(update={"crawl_timeout": 15})
    run, report = crawl_source(source, settings, db, CONFIG)
    with Store(db) as store:
        store.record_run(run)
        stored = store.count_articles()
        health = store.health()["bi-dung"]
    assert not run.ok and "quá giới hạn thời gian 15 giây" in (run.message or "")
    assert stored == 9  # the ten newest but the one that hangs
    assert run.new_articles == health.articles_last_run == health.articles_total == stored
    assert report is not None and report.fetched >= 1  # what the crawl had reported before it was killed


@pytest.mark.slow
def test_progress_of_a_running_crawl_reaches_the_callback(site: LocalSite, articles: list[SiteArticle],
                                                          db: Path) -> None:
    items = [{"title": a.title, "link": f"{site.url}/cham/{n}.html"} for n, a in enumerate(articles[:3])]
    site.routes["/cham.rss"] = Route(rss(items), headers={"Content-Type": "application/rss+xml"})
    for n, article in enumerate(articles[:3]):  # stored about 0, 3 and 6 seconds into the crawl
        site.routes[f"/cham/{n}.html"] = Route(site.article_html(article).encode(), headers=HTML, delay=3.0 * n)
    seen: list[tuple[str, int, int]] = []

    def on_update(source: Source, report: CrawlReport) -> None:
        seen.append((source.id, report.fetched, report.new_articles))

    source = make_source(id="cham", urls=[f"{site.url}/cham.rss"], download_timeout=20)
    (run,) = crawl_sources([source], TEST_SETTINGS, db, None, CONFIG, on_update=on_update)
    assert run.ok and run.new_articles == 3
    assert {source_id for source_id, _, _ in seen} == {"cham"}
    assert any(0 < new < 3 for _, _, new in seen), seen  # seen while running, not only at the end
    assert [new for _, _, new in seen] == sorted(new for _, _, new in seen)


def test_progress_line_rewrites_itself_on_a_terminal_and_prints_lines_otherwise() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    now = [100.0]
    source = make_source(id="tin-moi", urls=[f"{SITE}/rss"])
    other = make_source(id="bao-khac", urls=[f"{SITE}/rss2"])
    terminal = Terminal()
    line = ProgressLine(terminal, every=5.0, clock=lambda: now[0])
    line.update(source, CrawlReport("tin-moi", fetched=3, new_articles=2))
    now[0] += 1
    line.update(other, CrawlReport("bao-khac", fetched=1, new_articles=0, errors=1))
    line.clear()
    text = terminal.getvalue()
    assert text.startswith("\r") and "\n" not in text
    assert "tin-moi: 3 trang, 2 bài mới" in text and "bao-khac: 1 trang, 0 bài mới, 1 lỗi" in text
    assert text.endswith("\r\033[K")

    plain = io.StringIO()
    line = ProgressLine(plain, every=5.0, clock=lambda: now[0])
    line.update(source, CrawlReport("tin-moi", fetched=3, new_articles=2))
    now[0] += 1
    line.update(source, CrawlReport("tin-moi", fetched=4, new_articles=3))  # within 5 s: not printed
    now[0] += 5
    line.update(source, CrawlReport("tin-moi", fetched=9, new_articles=8))
    line.clear()
    lines = plain.getvalue().splitlines()
    assert lines == ["  … tin-moi: 3 trang, 2 bài mới (0 giây)", "  … tin-moi: 9 trang, 8 bài mới (6 giây)"]


def write_config(directory: Path, sources: list[dict[str, Any]]) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for name in ("topics.yaml", "sentiment.yaml", "toxicity.yaml"):
        (directory / name).write_bytes((CONFIG / name).read_bytes())
    (directory / "sources.yaml").write_text(yaml.safe_dump({"sources": sources}, allow_unicode=True),
                                            encoding="utf-8")
    (directory / "alerts.yaml").write_text(f"""
channels:
  - id: thanh-tra
    type: webhook
    url: http://127.0.0.1:9/hook
    secret_env: {SECRET_ENV}
rules:
  - id: moi-bai
    name: "Mọi bài"
    min_relevance: none
    channels: [thanh-tra]
    max_per_hour: 1000
    max_age: 3650d
""", encoding="utf-8")
    # The feed of 10,000 items weighs 1.1 MB: the default page limit, not the tests' small one.
    settings = TEST_SETTINGS.model_copy(update={"max_page_bytes": 5_000_000})
    (directory / "presswatch.yaml").write_text(yaml.safe_dump(settings.model_dump(mode="json")), encoding="utf-8")
    return directory


def feed_source(source_id: str, url: str, **fields: Any) -> dict[str, Any]:
    return {"id": source_id, "name": f"Nguồn {source_id}", "kind": "press", "type": "feed", "urls": [url], **fields}


@pytest.mark.slow
def test_cli_crawl_shows_progress_failures_warnings_caps_and_waiting_alerts(
        site: LocalSite, articles: list[SiteArticle], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, "bí-mật-thử")
    feed_type = {"Content-Type": "application/rss+xml"}
    site.routes["/nhieu-muc.rss"] = Route(hostile("many-items.rss.gz", site.url), headers=feed_type)
    site.routes["/xml-hong.rss"] = Route(hostile("malformed.rss", site.url + "/xml"), headers=feed_type)
    for n in (1, 2, 3):
        site.routes[f"/tin/{n}.html"] = Route(site.article_html(articles[n]).encode(), headers=HTML,
                                              delay=3.0 if n == 2 else 0.0)
        site.routes[f"/xml/tin/{n}.html"] = Route(site.article_html(articles[10 + n]).encode(), headers=HTML)
    config = write_config(tmp_path / "config", [
        feed_source("nhieu-muc", f"{site.url}/nhieu-muc.rss", max_articles=3, download_timeout=20),
        feed_source("xml-hong", f"{site.url}/xml-hong.rss"),
        feed_source("tu-choi", "http://127.0.0.1:9/rss.xml"),
    ])
    base = ["--config", str(config), "--db", str(tmp_path / "db.sqlite")]

    code = main([*base, "crawl"])
    out, err = capsys.readouterr()
    assert code == 1  # a source failed
    assert "Xong: 2/3 nguồn thành công, 6 bài mới." in out
    assert re.search(r"✗ tu-choi: .*từ chối kết nối", out)
    assert re.search(r"^\s+⚠ đã lấy 3/10\.000 mục; phần còn lại ở lần sau$", out, re.M)
    waiting = re.search(r"^(\d+) cảnh báo đang chờ gửi: chạy `presswatch alerts deliver --once` hoặc để dịch vụ "
                        r"`presswatch run` gửi\.$", out, re.M)
    assert waiting and int(waiting.group(1)) >= 1, out
    assert re.search(r"^  … nhieu-muc: \d+ trang, \d+ bài mới \(\d+ giây\)$", err, re.M), err  # not a TTY

    assert main([*base, "sources"]) == 0
    out = capsys.readouterr().out
    assert "đã lấy 3/10.000 mục; phần còn lại ở lần sau" in out
    assert "feed lỗi XML" in out
    assert "máy chủ từ chối kết nối" in out


@pytest.mark.slow
def test_cli_crawl_says_when_alerts_are_recorded_but_no_channel_can_send_them(
        site: LocalSite, articles: list[SiteArticle], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SECRET_ENV, raising=False)  # the webhook's secret is not set: no channel is active
    items = [{"link": f"{site.url}/tin/{n}.html", "title": articles[n].title} for n in (1, 2)]
    site.routes["/ba-bai.rss"] = Route(rss(items), headers={"Content-Type": "application/rss+xml"})
    for n in (1, 2):
        site.routes[f"/tin/{n}.html"] = Route(site.article_html(articles[n]).encode(), headers=HTML)
    config = write_config(tmp_path / "config", [feed_source("ba-bai", f"{site.url}/ba-bai.rss")])
    assert main(["--config", str(config), "--db", str(tmp_path / "db.sqlite"), "crawl"]) == 0
    out = capsys.readouterr().out
    assert "Xong: 1/1 nguồn thành công, 2 bài mới." in out
    assert "2 cảnh báo đã ghi nhận nhưng chưa gửi đi: chưa có kênh gửi nào hoạt động" in out, out
    assert "đang chờ gửi" not in out


def test_sources_page_shows_the_last_run_warnings(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from presswatch.store import RunResult, users
    from tests.support.webserver import PASSWORDS, login, serve

    db = tmp_path / "db.sqlite"
    now = datetime.now(UTC)
    with Store(db) as store:
        users.add_user(store, "viewer1", "viewer", PASSWORDS["viewer1"])
        store.record_run(RunResult("baolaichau-thoi-su", now, now, True, 3, 3, 0, warnings=(
            "đã lấy 200/10.000 mục; phần còn lại ở lần sau", "feed lỗi XML <b>hỏng</b>")))
    with serve(db, {}) as web:
        viewer = login(web.url, "viewer1")
        page = viewer.get("/sources").text
        viewer.close()
    assert "đã lấy 200/10.000 mục; phần còn lại ở lần sau" in page
    assert "feed lỗi XML &lt;b&gt;hỏng&lt;/b&gt;" in page


@pytest.mark.slow
def test_a_crawl_killed_by_a_signal_is_a_failed_run_that_counts_what_it_stored(
        site: LocalSite, articles: list[SiteArticle], db: Path) -> None:
    site.routes[articles[4].path] = Route(site.article_html(articles[4]).encode(), headers=HTML, delay=60)
    source = make_source(id="bi-giet", urls=[f"{site.url}/rss/tin-moi.rss"], max_articles=10, download_timeout=120)

    def kill_when_stored(_: Source, report: CrawlReport) -> None:
        if report.new_articles >= 9:  # everything but the page that hangs
            stop_running(grace=0)  # SIGTERM then at once SIGKILL, as an operator or the OOM killer might

    (run,) = crawl_sources([source], TEST_SETTINGS, db, None, CONFIG, on_update=kill_when_stored)
    with Store(db) as store:
        stored = store.count_articles()
        health = store.health()["bi-giet"]
    assert not run.ok and "tín hiệu" in (run.message or ""), run.message
    assert run.new_articles == stored == health.articles_last_run == 9
