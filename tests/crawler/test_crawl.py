"""Whole crawls, each in a real subprocess, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analysis import normalize
from crawler.feeds import parse_feed
from crawler.runner import crawl_sources
from presswatch.config import Settings
from presswatch.demo.site import LocalSite, Route, SiteArticle
from presswatch.store import Store
from tests.support.crawling import TEST_SETTINGS, crawl, make_source
from tests.support.paths import DATA

pytestmark = pytest.mark.slow

HTML = {"Content-Type": "text/html; charset=utf-8"}


def test_feed_crawl_stores_articles_once_with_their_fields(site: LocalSite, articles: list[SiteArticle],
                                                           db: Path) -> None:
    source = make_source(id="tin-tay-bac", urls=[f"{site.url}/rss/tin-moi.rss"])
    run, report = crawl(source, db)
    assert run.ok, run.message
    assert run.new_articles == len(articles) == 40

    with Store(db) as store:
        stored = {a.url: a for a in store.articles()}
        first = articles[0]
        article = stored[f"{site.url}{first.path}"]  # canonical: the feed's ?utm_source=rss is gone
        assert article.title == first.title
        assert article.source_id == "tin-tay-bac"
        assert article.published_at == first.published.astimezone(UTC)
        assert article.published_at.utcoffset() is not None
        assert first.lead in article.text
        assert all(p in article.text for p in first.paragraphs)
        # Boilerplate of the page is not part of the article.
        assert "Tin liên quan" not in article.text
        assert "Trang chủ" not in article.text
        assert "Ghi rõ nguồn" not in article.text
        assert article.language == "vi"
        assert store.seen(f"{site.url}{first.path}")
        health = store.health()["tin-tay-bac"]
        assert health.consecutive_failures == 0 and health.articles_total == 40

    fetched_before = sum(path.startswith("/bai-viet/") for path in site.requests)
    run, report = crawl(source, db)
    assert run.ok
    assert run.new_articles == 0
    assert report.not_modified == 1  # conditional GET: the feed's ETag was sent back
    assert sum(path.startswith("/bai-viet/") for path in site.requests) == fetched_before
    with Store(db) as store:
        assert store.count_articles() == 40


def _cp1258(text: str) -> bytes:
    """Encode like a legacy Vietnamese Windows page: precomposed base letters, combining tone marks."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in "\u0300\u0301\u0303\u0309\u0323"))
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            out += (base + tones).encode("cp1258")
    return bytes(out)


def test_listing_crawl_obeys_robots_and_handles_bad_pages(site: LocalSite, articles: list[SiteArticle],
                                                         db: Path) -> None:
    normal = articles[:3]
    legacy_text = ("Mưa lớn kéo dài khiến nhiều tuyến đường ở huyện Mường Tè, tỉnh Lai Châu bị sạt lở. "
                   "Lực lượng chức năng đang khẩn trương thông đường, hỗ trợ người dân ổn định cuộc sống.")
    legacy_page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1258">'
        "<title>Sạt lở ở Mường Tè</title></head><body><article><h1>Sạt lở ở Mường Tè</h1>"
        f"<p>{legacy_text}</p><p>{legacy_text}</p></article></body></html>"
    )
    links = [a.path for a in normal] + [
        "/noi-bo/bi-mat.html", "/mat-tich.html", "/chuyen-huong.html", "/cham.html", "/qua-lon.html",
        "/ma-cu.html", "/tep.pdf",
    ]
    site.routes["/chuyen-muc.html"] = Route(
        ("<html><body><ul>" + "".join(f'<li class="news"><a href="{link}">bài</a></li>' for link in links)
         + "</ul></body></html>").encode(), headers=HTML)
    site.routes["/noi-bo/bi-mat.html"] = Route(site.article_html(articles[5]).encode(), headers=HTML)
    site.routes["/chuyen-huong.html"] = Route(status=301, headers={"Location": articles[4].path})
    site.routes["/cham.html"] = Route(site.article_html(articles[6]).encode(), headers=HTML, delay=4.0)
    site.routes["/qua-lon.html"] = Route(b"<html><body>" + b"<p>x</p>" * 60_000 + b"</body></html>", headers=HTML)
    site.routes["/ma-cu.html"] = Route(_cp1258(legacy_page), headers={"Content-Type": "text/html"})
    site.routes["/tep.pdf"] = Route(b"%PDF-1.4 not an article", headers={"Content-Type": "application/pdf"})

    source = make_source(id="chuyen-muc", type="listing", urls=[f"{site.url}/chuyen-muc.html"],
                         selectors={"article_links": "li.news a::attr(href)"}, download_timeout=1.5)
    run, report = crawl(source, db)

    assert run.ok, run.message
    assert "/noi-bo/bi-mat.html" not in site.requests  # robots.txt: Disallow: /noi-bo/
    assert site.requests[0] == "/robots.txt"
    assert all(agent.startswith("presswatch/") and "+http" in agent for agent in site.user_agents)
    assert report.robots_blocked == 1
    with Store(db) as store:
        stored = {a.url: a for a in store.articles()}
        expected = {f"{site.url}{a.path}" for a in [*normal, articles[4]]} | {f"{site.url}/ma-cu.html"}
        assert set(stored) == expected
        # The redirect is stored under its target, and the link that led there is remembered.
        assert store.seen(f"{site.url}/chuyen-huong.html")
        legacy = stored[f"{site.url}/ma-cu.html"]
        assert legacy.title == "Sạt lở ở Mường Tè"  # normalised (NFC) ...
        assert legacy.title_original != legacy.title  # ... the original keeps its combining tone marks
        assert unicodedata.normalize("NFC", legacy.title_original) == legacy.title
        assert legacy_text in legacy.text
    assert report.errors >= 3  # 404, the page slower than the timeout, the page over the size limit
    assert report.no_article >= 1  # the PDF

    requested = len(site.requests)
    run, report = crawl(source, db)
    assert run.new_articles == 0
    again = site.requests[requested:]
    assert not any(path in again for path in [a.path for a in normal] + ["/ma-cu.html", "/chuyen-huong.html"])


def _rewrite_feed(raw: bytes, site_url: str) -> bytes:
    # Point every vnexpress.net link at the local site: /<subdomain or www>/<path>.
    return re.sub(
        rb"https?://(?:([a-z0-9-]+)\.)?vnexpress\.net/",
        lambda m: f"{site_url}/{(m.group(1) or b'www').decode()}/".encode(),
        raw,
    )


def test_real_vnexpress_feeds_including_malformed_one(site: LocalSite, db: Path) -> None:
    files = sorted((DATA / "feeds").glob("*.xml"))
    assert len(files) == 6
    expected: dict[str, tuple[str, datetime | None]] = {}
    urls = []
    for number, path in enumerate(files):
        body = _rewrite_feed(path.read_bytes(), site.url)
        route = f"/feeds/{number}.xml"
        site.routes[route] = Route(body, headers={"Content-Type": "application/rss+xml"})
        urls.append(f"{site.url}{route}")
        feed = parse_feed(body, site.url)
        assert feed.entries, path.name
        if "1item" in path.name:
            assert feed.problem  # raw "&" in the enclosure URL: not well-formed, still read
        for entry in feed.entries:
            link_path = entry.link.removeprefix(site.url)
            page = (f"<html><head><title>{entry.title}</title></head><body><article><h1>{entry.title}</h1>"
                    f"<p>{entry.summary or entry.title}</p>"
                    "<p>Nội dung bài viết được dựng lại cho thử nghiệm, từ tiêu đề và phần tóm tắt thật trong "
                    "nguồn RSS của VnExpress; đoạn này đủ dài để trình trích xuất nhận là một bài báo.</p>"
                    "</article></body></html>")
            site.routes[link_path.split("?")[0]] = Route(page.encode(), headers=HTML)
            expected[link_path.split("?")[0]] = (entry.title, entry.published)
    counts = [len(parse_feed(_rewrite_feed(p.read_bytes(), site.url)).entries) for p in files]
    # One 2017 item has neither link nor title ("No Description"): it cannot be an article.
    assert sorted(counts) == [1, 24, 25, 25, 25, 25]

    source = make_source(id="vnexpress", urls=urls)
    settings = Settings.model_validate({**TEST_SETTINGS.model_dump(), "max_articles_per_run": 500})
    run, report = crawl(source, db, settings)
    assert run.ok, run.message
    assert any("XML" in warning for warning in report.warnings)
    with Store(db) as store:
        stored = {a.url.removeprefix(site.url): a for a in store.articles()}
    assert set(stored) == set(expected)
    israel = next(a for path, a in stored.items() if "israel-noi-got-my" in path)
    assert israel.title.startswith("Israel nối gót Mỹ")
    # The page gives no date: the feed's "Thu, 06 Feb 2025 20:30:48 +0700" is kept, in UTC.
    assert israel.published_at == datetime(2025, 2, 6, 13, 30, 48, tzinfo=UTC)
    for path, article in stored.items():
        assert article.title == normalize(expected[path][0])  # some real titles are NFD
        assert article.published_at == expected[path][1]


def test_sitemap_crawl_and_article_cap(site: LocalSite, articles: list[SiteArticle], db: Path) -> None:
    source = make_source(id="so-do", type="sitemap", urls=[f"{site.url}/sitemap-news.xml"], max_articles=10)
    run, _ = crawl(source, db)
    assert run.ok and run.new_articles == 10
    with Store(db) as store:
        # Newest first: the ten most recent articles of the sitemap.
        assert {a.url for a in store.articles()} == {f"{site.url}{a.path}" for a in articles[:10]}
    run, _ = crawl(source, db)
    assert run.new_articles == 10


def test_one_failing_source_never_stops_the_others(site: LocalSite, db: Path) -> None:
    site.routes["/khong-phai-rss.xml"] = Route(b"<html><body>Trang chu</body></html>", headers=HTML)
    good = make_source(id="tot", urls=[f"{site.url}/rss/tin-moi.rss"])
    refused = make_source(id="tu-choi", urls=["http://127.0.0.1:9/rss.xml"])
    missing = make_source(id="mat", urls=[f"{site.url}/khong-co.rss"])
    not_feed = make_source(id="sai-dinh-dang", urls=[f"{site.url}/khong-phai-rss.xml"])
    results = {r.source_id: r for r in crawl_sources([refused, good, missing, not_feed], TEST_SETTINGS, db)}

    assert results["tot"].ok and results["tot"].new_articles == 40
    assert not results["tu-choi"].ok and "từ chối kết nối" in (results["tu-choi"].message or "")
    assert not results["mat"].ok and "HTTP 404" in (results["mat"].message or "")
    assert not results["sai-dinh-dang"].ok and "không phải RSS" in (results["sai-dinh-dang"].message or "")

    crawl_sources([refused], TEST_SETTINGS, db)
    with Store(db) as store:
        health = store.health()
    assert health["tu-choi"].consecutive_failures == 2
    assert health["tu-choi"].last_success_at is None
    assert health["tot"].last_success_at is not None and health["tot"].last_error is None


def test_a_failing_runner_is_a_recorded_failed_run(site: LocalSite, db: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """When the crawl runner itself fails (here: the temporary directory it needs is gone), the run
    is recorded as failed with the reason, and nothing is raised to the scheduler."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(db.parent / "no-such-tmp"))
    source = make_source(id="tot", urls=[f"{site.url}/rss/tin-moi.rss"])
    (run,) = crawl_sources([source], TEST_SETTINGS, db)
    assert not run.ok and (run.message or "").startswith("lỗi nội bộ:") and "no-such-tmp" in (run.message or "")
    with Store(db) as store:
        health = store.health()["tot"]
    assert health.consecutive_failures == 1 and health.last_error == run.message


def test_hard_timeout_kills_a_stuck_crawl(site: LocalSite, db: Path) -> None:
    site.routes["/treo.rss"] = Route(b"", delay=30.0)
    source = make_source(id="treo", urls=[f"{site.url}/treo.rss"], download_timeout=60)
    settings = Settings.model_validate({**TEST_SETTINGS.model_dump(), "crawl_timeout": 6})
    started = datetime.now(UTC)
    run, _ = crawl_sources_one(source, settings, db)
    assert (datetime.now(UTC) - started).total_seconds() < 20
    assert not run.ok and "quá giới hạn thời gian" in (run.message or "")


def crawl_sources_one(source, settings, db):  # type: ignore[no-untyped-def]
    from crawler.runner import crawl_source

    return crawl_source(source, settings, db)


def test_feed_cut_by_max_articles_is_fetched_again_not_hidden_by_304(site: LocalSite, db: Path) -> None:
    """A run cut short (max_articles here; a kill or a failed page alike) must not remember the feed's
    ETag: the next run would get 304 Not Modified and never fetch the articles left over."""
    source = make_source(id="gioi-han", urls=[f"{site.url}/rss/tin-moi.rss"], max_articles=15)
    first, _ = crawl(source, db)
    second, _ = crawl(source, db)
    third, _ = crawl(source, db)
    assert (first.new_articles, second.new_articles, third.new_articles) == (15, 15, 10)
    fourth, report = crawl(source, db)  # the third run took all that was left: its ETag is remembered
    assert fourth.new_articles == 0 and report.not_modified == 1
