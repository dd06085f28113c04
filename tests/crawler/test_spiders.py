"""Spider callbacks, offline: each kind of spider (feed, sitemap, listing, social) is built with a
real temporary SQLite store and handed Scrapy responses (``HtmlResponse``, ``XmlResponse``,
``TextResponse``) made from recorded data in ``tests/data``: VnExpress feeds, four outlets' article
pages with their gold text, the social services' response shapes. The tests check what comes out:
the requests (URLs, callbacks, what they carry to the article page), the ``Article`` items (title,
text, dates, aliases) and the counts in ``spider.report``. No network, no subprocess: whole crawls
are in ``test_crawl.py``, hostile inputs in ``test_crawl_integrity.py`` and ``test_hostile_pages.py``.
``youtube_search`` runs yt-dlp in a subprocess and is tested whole in ``test_social.py``.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from html import escape
from pathlib import Path
from typing import Any

import pytest
import scrapy
from lxml import etree
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Response, TextResponse, XmlResponse

from crawler.extract import extract
from crawler.pipelines import ValidatePipeline
from crawler.quality import bag_of_words
from crawler.report import CrawlReport
from crawler.spiders import (
    BridgeSpider,
    CommentsSpider,
    FeedSpider,
    ListingSpider,
    SitemapSpider,
    TelegramSpider,
    YoutubeSpider,
)
from crawler.spiders.base import SourceSpider
from crawler.urls import canonicalize
from presswatch.models import Article
from presswatch.store import Store
from tests.support.crawling import make_source
from tests.support.paths import DATA

FEEDS = DATA / "feeds"
PAGES = DATA / "extraction" / "pages"
SOCIAL = DATA / "social"
GOLD: dict[str, dict[str, Any]] = json.loads((DATA / "extraction" / "gold.json").read_text(encoding="utf-8"))
FEED_URL = "https://vnexpress.net/rss/tin-moi-nhat.rss"
MALFORMED_FEED = "vnexpress_the-gioi_20250206_2045_1item.xml"  # a raw "&" in the enclosure URL
NEWEST_FEED = "vnexpress_tin-moi-nhat_20171114_1742.xml"
XML = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}

Build = Callable[..., Any]


@pytest.fixture
def build(tmp_path: Path) -> Iterator[Build]:
    """``build(SpiderClass, max_articles=50, **source fields)``: a spider over a real SQLite store in
    ``tmp_path`` (shared by the spiders of one test, as by successive crawls of one database)."""
    spiders: list[SourceSpider] = []

    def make(cls: type[SourceSpider], max_articles: int = 50, **fields: Any) -> Any:
        fields.setdefault("urls", [FEED_URL])
        source = make_source(**fields)
        spider = cls(source_json=source.model_dump_json(), db=str(tmp_path / "presswatch.db"),
                     report=str(tmp_path / f"report-{len(spiders)}.json"), max_articles=max_articles)
        spiders.append(spider)
        return spider

    yield make
    for spider in spiders:
        spider.store.close()  # closed already when the test called spider.closed(): closing twice is harmless


def entry_request(spider: SourceSpider, url: str | None = None) -> scrapy.Request:
    """The request the spider makes for its entry page ``url`` (its first one by default)."""
    requests = list(spider.entry_requests())
    return requests[0] if url is None else next(r for r in requests if r.url == url)


def answer(request: scrapy.Request, body: bytes, cls: type[Response] = HtmlResponse,
           headers: dict[str, str] | None = None, status: int = 200, url: str | None = None) -> Any:
    """What the spider's callback gives for ``body`` served in answer to ``request`` (at ``url``
    when a redirect led elsewhere), as Scrapy would call it."""
    response = cls(url=url or request.url, body=body, status=status, request=request,
                   headers=headers if headers is not None else HTML)
    assert request.callback is not None
    return list(request.callback(response) or [])


def requests_in(out: list[Any]) -> list[scrapy.Request]:
    return [thing for thing in out if isinstance(thing, scrapy.Request)]


def articles_in(out: list[Any]) -> list[Article]:
    return [thing for thing in out if isinstance(thing, Article)]


def feed(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def feed_items(name: str) -> list[dict[str, Any]]:
    """The items of a recorded feed that have a link, read with lxml and regular expressions (not
    with the crawler's own feed parser)."""
    raw = feed(name).decode("utf-8")
    root = etree.fromstring(feed(name), parser=etree.XMLParser(recover=True))
    items = []
    for item, text in zip(root.iter("item"), raw.split("<item>")[1:], strict=True):
        link = (item.findtext("link") or "").strip()
        if not link:
            continue
        date = (item.findtext("pubDate") or "").strip()
        image = re.search(r'<enclosure[^>]* url="([^"]+)"', text)  # as written: lxml's recovery loses "&h="
        items.append({"link": link, "title": " ".join((item.findtext("title") or "").split()),
                      "published": parsedate_to_datetime(date).astimezone(UTC) if date else None,
                      "image": image.group(1) if image else None})
    return items


def items_without_link(name: str) -> int:
    return feed(name).count(b"<item>") - len(feed_items(name))


def page(name: str) -> bytes:
    return gzip.decompress((PAGES / name).read_bytes())


def gold_page_without_dates(name: str) -> bytes:
    """The gold text of a recorded page in a bare page: no date, no metadata, no headline."""
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in GOLD[name]["text"].split("\n"))
    return f'<html lang="vi"><body><article>{paragraphs}</article></body></html>'.encode()


def stored_article(store: Store, url: str, **fields: Any) -> None:
    values: dict[str, Any] = {"source_id": "da-luu", "title": "Bài đã lưu",
                              "text": "Một bài đã có trong cơ sở dữ liệu từ lần thu thập trước. " * 3}
    values.update(fields)
    assert store.add_article(Article(url=url, **values)) is not None


# --- feeds ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(path.name for path in FEEDS.glob("*.xml")))
def test_feed_lists_every_item_as_an_article_request(build: Build, name: str) -> None:
    spider = build(FeedSpider)
    out = answer(entry_request(spider), feed(name), XmlResponse, XML)
    items = feed_items(name)
    requests = requests_in(out)
    assert [r.url for r in requests] == [canonicalize(item["link"]) for item in items]
    for request, item in zip(requests, items, strict=True):
        assert request.callback == spider.parse_article and request.errback is not None
        assert request.meta["listed_url"] == request.url
        assert request.meta["listed_title"] == item["title"]
        assert request.meta["listed_published"] == item["published"]
        assert request.meta["listed_image"] == item["image"]
    report = spider.report
    assert (report.entry_ok, report.listed, report.already_seen, report.bad_links) == (1, len(items), 0, 0)
    expected = []
    if name == MALFORMED_FEED:  # read all the same, and the operator is told
        expected.append("feed lỗi XML, vẫn đọc được 1 mục: ")
    if items_without_link(name):  # an empty <item/>: skipped, and counted
        expected.append(f"{items_without_link(name)} mục không có liên kết dùng được (bỏ qua): {FEED_URL}")
    assert [w[: len(e)] for w, e in zip(report.warnings, expected, strict=True)] == expected


def test_feed_skips_stored_articles_and_leaves_what_is_over_the_limit_for_the_next_run(build: Build,
                                                                                      tmp_path: Path) -> None:
    items = feed_items(NEWEST_FEED)
    spider = build(FeedSpider, max_articles=10)
    for item in items[3:5]:  # stored by an earlier crawl, under the feed's own link
        stored_article(spider.store, canonicalize(item["link"]))
    requests = requests_in(answer(entry_request(spider), feed(NEWEST_FEED), XmlResponse, XML))
    expected = [canonicalize(item["link"]) for item in items[:3] + items[5:]]
    assert [r.url for r in requests] == expected[:10]
    assert (spider.report.listed, spider.report.already_seen, spider.truncated) == (len(items), 2, True)
    spider.closed("finished")
    written = CrawlReport.read(tmp_path / "report-0.json")
    assert written.warnings[-1] == f"đã lấy 10/{len(items) - 2} mục; phần còn lại ở lần sau"
    assert written.finish_reason == "finished"


def test_a_link_that_cannot_be_an_address_is_skipped_recorded_and_the_others_kept(build: Build) -> None:
    items = feed_items(NEWEST_FEED)
    broken = "https://vnexpress.net:99999/bai-hong.html"
    body = feed(NEWEST_FEED).replace(items[2]["link"].encode(), broken.encode())
    spider = build(FeedSpider)
    requests = requests_in(answer(entry_request(spider), body, XmlResponse, XML))
    assert [r.url for r in requests] == [canonicalize(item["link"]) for item in items[:2] + items[3:]]
    assert spider.report.bad_links == 1
    assert f"bỏ qua liên kết không hợp lệ (cổng ngoài khoảng 0–65535): {broken}" in spider.report.warnings


def test_feed_validators_are_sent_back_only_after_a_whole_run(build: Build) -> None:
    headers = {**XML, "ETag": '"v1"', "Last-Modified": "Tue, 14 Nov 2017 10:42:44 GMT"}
    cut = build(FeedSpider, max_articles=5)  # leaves 20 items for the next run: the feed must not 304
    answer(entry_request(cut), feed(NEWEST_FEED), XmlResponse, headers)
    cut.closed("finished")
    again = build(FeedSpider)
    assert "If-None-Match" not in entry_request(again).headers
    answer(entry_request(again), feed(NEWEST_FEED), XmlResponse, headers)
    again.closed("finished")  # every listed article was taken: the feed is remembered
    request = entry_request(build(FeedSpider))
    assert request.headers["If-None-Match"] == b'"v1"'
    assert request.headers["If-Modified-Since"] == b"Tue, 14 Nov 2017 10:42:44 GMT"


def test_feed_not_modified_is_read_and_lists_nothing(build: Build) -> None:
    spider = build(FeedSpider)
    assert answer(entry_request(spider), b"", XmlResponse, {}, status=304) == []
    assert (spider.report.entry_ok, spider.report.not_modified, spider.report.listed) == (1, 1, 0)


def test_a_page_that_is_not_a_feed_fails_its_entry(build: Build) -> None:
    spider = build(FeedSpider)
    assert answer(entry_request(spider), page("vnexpress_20260307_1.html.gz")) == []
    [error] = spider.report.entry_errors
    assert spider.report.entry_ok == 0 and error.startswith("không phải RSS/Atom (") and error.endswith(FEED_URL)


# --- sitemaps ------------------------------------------------------------------------------------------


def news_sitemap(items: list[dict[str, Any]]) -> bytes:
    """A Google News sitemap of the feed's items (oldest first, as some sites write them)."""
    urls = "".join(
        f"<url><loc>{escape(item['link'])}</loc><news:news><news:publication><news:name>VnExpress</news:name>"
        f"<news:language>vi</news:language></news:publication>"
        f"<news:publication_date>{item['published'].isoformat()}</news:publication_date>"
        f"<news:title>{escape(item['title'])}</news:title></news:news></url>"
        for item in sorted(items, key=lambda item: item["published"])
    )
    return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>').encode()


@pytest.mark.parametrize("compressed", [False, True], ids=["xml", "gzip"])
def test_news_sitemap_lists_articles_newest_first_with_their_titles_and_dates(build: Build,
                                                                              compressed: bool) -> None:
    items = feed_items(NEWEST_FEED)
    body = news_sitemap(items)
    spider = build(SitemapSpider, type="sitemap", urls=["https://vnexpress.net/sitemap-news.xml"])
    out = answer(entry_request(spider), gzip.compress(body) if compressed else body, XmlResponse,
                 {"Content-Type": "application/x-gzip" if compressed else "application/xml"})
    requests = requests_in(out)
    newest_first = sorted(items, key=lambda item: item["published"], reverse=True)
    assert [r.url for r in requests] == [canonicalize(item["link"]) for item in newest_first]
    assert [r.meta["listed_title"] for r in requests] == [item["title"] for item in newest_first]
    assert [r.meta["listed_published"] for r in requests] == [item["published"] for item in newest_first]
    assert all(r.callback == spider.parse_article for r in requests)
    assert (spider.report.listed, spider.report.entry_errors, spider.report.warnings) == (len(items), [], [])


def test_sitemap_index_follows_its_newest_children_a_few_levels_deep(build: Build) -> None:
    children = [f"https://vnexpress.net/sitemap/2026-0{month}.xml" for month in range(1, 8)]
    index = ('<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             + "".join(f"<sitemap><loc>{child}</loc></sitemap>" for child in children) + "</sitemapindex>").encode()
    spider = build(SitemapSpider, type="sitemap", urls=["https://vnexpress.net/sitemap.xml"])
    follow = requests_in(answer(entry_request(spider), index, XmlResponse, {"Content-Type": "application/xml"}))
    assert [r.url for r in follow] == children[::-1][:5]  # the five newest, newest first
    assert all(r.meta["sitemap_depth"] == 1 and r.callback == follow[0].callback for r in follow)
    assert spider.report.entry_urls == 1 + 5
    # A child that is an index again is followed once more, and no deeper.
    deeper = requests_in(answer(follow[0], index, XmlResponse, {"Content-Type": "application/xml"}))
    assert [r.meta["sitemap_depth"] for r in deeper] == [2] * 5
    assert requests_in(answer(deeper[0], index, XmlResponse, {"Content-Type": "application/xml"})) == []


GZIPPED = gzip.compress(news_sitemap(feed_items(NEWEST_FEED)), mtime=0)


def gzip_bomb(size: int = 51 * 2**20) -> bytes:
    """A 50 KB .xml.gz that expands past the 50 MB a sitemap may hold (sitemaps.org)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    chunk = b" " * 2**20
    return b"".join([*(compressor.compress(chunk) for _ in range(size // len(chunk))), compressor.flush()])


# gzip raises BadGzipFile (an OSError) on a bad header, zlib.error on corrupt data, EOFError on a cut file.
@pytest.mark.parametrize(("body", "problem"), [
    (GZIPPED[:2] + b"\x07" + GZIPPED[3:], "tệp gzip hỏng"),  # unknown compression method: gzip.BadGzipFile
    (GZIPPED[: len(GZIPPED) // 2], "tệp gzip hỏng"),
    (GZIPPED[:20] + b"\xff" * 40 + GZIPPED[60:], "tệp gzip hỏng"),
    (gzip_bomb(), "giải nén vượt quá 50 MB"),
    (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>', "sitemap rỗng"),
    ("<html><body><p>Trang chủ</p></body></html>".encode(), "không phải sitemap"),
], ids=["bad-gzip-header", "cut-gzip", "corrupt-gzip", "gzip-bomb", "empty", "html"])
def test_an_unusable_sitemap_fails_its_entry(build: Build, body: bytes, problem: str) -> None:
    spider = build(SitemapSpider, type="sitemap", urls=["https://vnexpress.net/sitemap.xml"])
    assert answer(entry_request(spider), body, XmlResponse, {"Content-Type": "application/xml"}) == []
    [error] = spider.report.entry_errors
    assert spider.report.entry_ok == 0 and problem in error and error.endswith("https://vnexpress.net/sitemap.xml")


# --- listing pages -------------------------------------------------------------------------------------


def listing(items: list[dict[str, Any]], next_page: str | None = None) -> bytes:
    """A section page of the feed's items, as outlets print them (relative links, tracking)."""
    news = "".join(
        f'<li class="news"><h3><a href="{escape(item["link"].split("vnexpress.net", 1)[1])}?utm_source=home">'
        f"{escape(item['title'])}</a></h3></li>" for item in items)
    more = f'<a class="next" href="{next_page}">Xem thêm</a>' if next_page else ""
    return (f'<html lang="vi"><body><nav><a href="/">Trang chủ</a></nav><ul class="list">{news}</ul>{more}'
            "</body></html>").encode()


@pytest.mark.parametrize("selector", ["li.news h3 a::attr(href)", "li.news h3", '//li[@class="news"]//a/@href'],
                         ids=["css-attribute", "css-element", "xpath"])
def test_listing_follows_article_links_and_pages(build: Build, selector: str) -> None:
    items = [item for item in feed_items(NEWEST_FEED) if "//vnexpress.net/" in item["link"]]
    spider = build(ListingSpider, type="listing", urls=["https://vnexpress.net/thoi-su"],
                   selectors={"article_links": selector, "next_page": "a.next", "max_pages": 2})
    out = answer(entry_request(spider), listing(items[:10], next_page="/thoi-su-p2"))
    requests = requests_in(out)
    articles, following = requests[:-1], requests[-1]
    assert [r.url for r in articles] == [canonicalize(item["link"]) for item in items[:10]]  # no utm_source
    assert all(r.callback == spider.parse_article and r.meta["listed_title"] == "" for r in articles)
    assert following.url == "https://vnexpress.net/thoi-su-p2" and following.meta["page"] == 2
    assert spider.report.entry_urls == 2
    # The second page is the last one the source allows: its "next" link is not followed.
    out = answer(following, listing(items[10:], next_page="/thoi-su-p3"))
    assert [r.url for r in requests_in(out)] == [canonicalize(item["link"]) for item in items[10:]]
    assert (spider.report.entry_ok, spider.report.entry_urls, spider.report.listed) == (2, 2, len(items))


def test_listing_reports_a_page_without_links_a_bad_selector_and_a_page_that_is_not_html(build: Build) -> None:
    spider = build(ListingSpider, type="listing", urls=["https://vnexpress.net/thoi-su"],
                   selectors={"article_links": "li.news a::attr(href)"})
    assert answer(entry_request(spider), b"<html><body><p>B\xe1\xba\xa3o tr\xc3\xac</p></body></html>") == []
    assert spider.report.warnings == ["không tìm thấy liên kết bài viết nào: https://vnexpress.net/thoi-su"]

    broken = build(ListingSpider, type="listing", urls=["https://vnexpress.net/thoi-su"],
                   selectors={"article_links": '//li[@class="news"'})
    assert answer(entry_request(broken), listing(feed_items(NEWEST_FEED))) == []
    assert broken.report.entry_ok == 0
    assert broken.report.entry_errors[0].startswith("bộ chọn article_links không hợp lệ")

    binary = build(ListingSpider, type="listing", urls=["https://vnexpress.net/thoi-su"],
                   selectors={"article_links": "li.news a::attr(href)"})
    assert answer(entry_request(binary), b"%PDF-1.4", Response, {"Content-Type": "application/pdf"}) == []
    assert binary.report.entry_errors == ["không phải trang HTML: https://vnexpress.net/thoi-su"]


@pytest.mark.parametrize("selector", ["li.news >> a", "li.news a::href", "li:nth-child(x) a"],
                         ids=["syntax", "unknown-pseudo-element", "bad-series"])
def test_a_css_selector_that_does_not_parse_fails_the_entry(build: Build, selector: str) -> None:
    # The configuration refuses such selectors when it loads (tests/config); a spider handed one anyway
    # fails the entry clearly instead of raising in its callback.
    spider = build(ListingSpider, type="listing", urls=["https://vnexpress.net/thoi-su"],
                   selectors={"article_links": selector})
    assert answer(entry_request(spider), listing(feed_items(NEWEST_FEED))) == []
    assert spider.report.entry_ok == 0
    assert spider.report.entry_errors[0].startswith("bộ chọn article_links không hợp lệ")
    assert spider.report.entry_errors[0].endswith(": https://vnexpress.net/thoi-su")


def test_a_next_page_selector_that_does_not_parse_keeps_the_page_s_links_and_warns(build: Build) -> None:
    items = [item for item in feed_items(NEWEST_FEED) if "//vnexpress.net/" in item["link"]]
    spider = build(ListingSpider, type="listing", urls=["https://vnexpress.net/thoi-su"],
                   selectors={"article_links": "li.news h3 a::attr(href)", "next_page": "a.next::attr(href",
                              "max_pages": 2})
    out = answer(entry_request(spider), listing(items[:10], next_page="/thoi-su-p2"))
    assert [r.url for r in requests_in(out)] == [canonicalize(item["link"]) for item in items[:10]]
    assert (spider.report.entry_ok, spider.report.entry_errors) == (1, [])
    [warning] = spider.report.warnings
    assert warning.startswith("bộ chọn next_page không hợp lệ (") and warning.endswith("): https://vnexpress.net/thoi-su")


# --- article pages -------------------------------------------------------------------------------------


def mobile(url: str) -> str:
    """The same article on the outlet's mobile host, as a feed may link it."""
    return url.replace("https://", "https://m.", 1)


@pytest.mark.parametrize("name", sorted(GOLD))
def test_an_article_page_becomes_an_article_under_its_canonical_url(build: Build, name: str) -> None:
    gold = GOLD[name]
    listed_at = datetime(2026, 3, 6, 20, 0, tzinfo=UTC)
    spider = build(FeedSpider, id="bao-dien-tu")
    request = spider.article_request(mobile(gold["url"]) + "?utm_source=rss&utm_medium=feed", FEED_URL,
                                     title="Tiêu đề trong feed", published=listed_at, image="https://anh.example/1.jpg")
    assert request is not None and request.url == mobile(gold["url"])
    body = page(name)
    [article] = answer(request, body)
    stated = extract(body.decode("utf-8"), request.url)
    assert stated is not None and stated.published is not None

    assert article.url == gold["url"]  # the page's canonical link, not the mobile address it was fetched at
    assert article.aliases == [mobile(gold["url"])]  # ... which is remembered (once), not fetched again
    assert article.title == gold["title"]  # the page's title wins over the feed's
    assert bag_of_words(article.text, gold["text"]).f1 >= 0.95
    assert article.published_at == stated.published != listed_at  # what the page states wins over the feed
    assert (article.source_id, article.source_kind, article.language) == ("bao-dien-tu", "press", "vi")
    assert article.image and article.image != "https://anh.example/1.jpg"
    assert (spider.report.listed, spider.report.fetched, spider.report.no_article) == (1, 1, 0)


def test_what_a_page_does_not_state_comes_from_the_feed_and_a_redirect_leaves_an_alias(build: Build) -> None:
    name = "vietnamnet_20260307_1.html.gz"
    spider = build(FeedSpider)
    listed_at = datetime(2026, 3, 7, 1, 52, tzinfo=UTC)
    request = spider.article_request("https://vietnamnet.vn/rss-link/2495349?utm_source=rss", FEED_URL,
                                     title=GOLD[name]["title"], published=listed_at, image="https://anh.example/flc.jpg")
    assert request is not None and request.url == "https://vietnamnet.vn/rss-link/2495349"
    # The link redirects (Scrapy follows it and keeps the request's meta); the page names no canonical URL.
    final = GOLD[name]["url"]
    [article] = answer(request, gold_page_without_dates(name), url=final)
    assert article.url == final and article.aliases == [request.url]
    assert article.title == GOLD[name]["title"] and article.published_at == listed_at
    assert article.image == "https://anh.example/flc.jpg"
    assert bag_of_words(article.text, GOLD[name]["text"]).f1 >= 0.95


def test_a_broken_canonical_link_keeps_the_address_the_page_was_fetched_at(build: Build) -> None:
    name = "cafef_20260307_1.html.gz"
    spider = build(FeedSpider)
    request = spider.article_request(GOLD[name]["url"], FEED_URL)
    assert request is not None
    body = page(name).replace(GOLD[name]["url"].encode(), b"https://cafef.vn:99999/bai.chn")
    [article] = answer(request, body)
    assert article.url == GOLD[name]["url"] and article.title == GOLD[name]["title"]


def validated(spider: SourceSpider, out: list[Any]) -> list[Article]:
    """The items of ``out`` that the crawl's first pipeline stage keeps (it counts the ones it drops)."""
    crawler = Crawler(type(spider))
    crawler.spider = spider
    stage = ValidatePipeline(crawler)
    kept = []
    for item in articles_in(out):
        try:
            kept.append(stage.process_item(item))
        except DropItem:
            pass
    return kept


THIN = [  # (page, response class, headers, what the extractor makes of it)
    ("<html><head><script>var quang_cao = 1;</script></head><body><nav>Trang chủ</nav></body></html>".encode(),
     HtmlResponse, HTML, "a title-less scrap"),
    (b"", HtmlResponse, HTML, "nothing"),
    ("<html><body><article><h1>Tin vắn</h1><p>Mưa lớn ở Lai Châu.</p></article></body></html>".encode(),
     HtmlResponse, HTML, "too short to be an article"),
    (b"%PDF-1.4 %\xe2\xe3\xcf\xd3 binary", Response, {"Content-Type": "application/pdf"}, "not text"),
]


@pytest.mark.parametrize(("body", "cls", "headers", "why"), THIN, ids=["scrap", "empty", "short", "pdf"])
def test_a_thin_page_is_counted_once_and_stored_never(build: Build, body: bytes, cls: type[Response],
                                                      headers: dict[str, str], why: str) -> None:
    spider = build(FeedSpider)
    request = spider.article_request("https://vnexpress.net/khong-co-bai.html", FEED_URL)
    assert request is not None
    assert validated(spider, answer(request, body, cls, headers)) == [], why
    assert (spider.report.fetched, spider.report.no_article) == (1, 1)


def test_a_page_without_an_article_is_fetched_again_in_the_browser_once(build: Build) -> None:
    spider = build(FeedSpider, render="browser")
    request = spider.article_request("https://vnexpress.net/bai-js.html", FEED_URL, title="Họp báo")
    assert request is not None
    [again] = answer(request, b"<html><body><div id='app'></div><script src='/app.js'></script></body></html>")
    assert again.url == request.url and again.meta["playwright"] is True and again.dont_filter
    assert again.callback == spider.parse_article and again.meta["listed_title"] == "Họp báo"
    assert spider.report.fetched == 0  # the browser's fetch is the one counted
    assert answer(again, b"<html><body><div id='app'></div></body></html>") == []
    assert (spider.report.fetched, spider.report.no_article) == (1, 1)


def test_links_that_are_not_articles_are_not_requested(build: Build) -> None:
    spider = build(FeedSpider)
    for link in ("javascript:void(0)", "mailto:toasoan@vnexpress.net", "#binh-luan", "", "ftp://vnexpress.net/a"):
        assert spider.article_request(link, FEED_URL) is None
    first = spider.article_request("/a.html?utm_source=x", FEED_URL)
    assert first is not None and spider.article_request("/a.html", FEED_URL) is None  # once per run
    assert spider.report.listed == 1


# --- social sources ------------------------------------------------------------------------------------


def test_youtube_channel_feed_gives_videos_and_refreshes_their_counts(build: Build) -> None:
    url = "https://www.youtube.com/feeds/videos.xml?channel_id=UCtruyenhinhlaichau"
    spider = build(YoutubeSpider, type="youtube", kind="social", urls=[url])
    body = (SOCIAL / "youtube_channel.xml").read_bytes()
    videos = articles_in(answer(entry_request(spider), body, XmlResponse, {"Content-Type": "application/atom+xml"}))
    assert [v.url for v in videos] == ["https://www.youtube.com/watch?v=AbCdEfGhIj1",
                                       "https://www.youtube.com/watch?v=ZyXwVuTsRq2"]
    first = videos[0]
    assert (first.content_type, first.source_kind, first.author) == ("video", "social", "Truyền hình Lai Châu")
    assert first.title == "Lai Châu: Mưa lớn gây sạt lở đất tại xã Mường Tè"
    assert first.engagement == {"views": 15420, "likes": 231}
    assert first.published_at == datetime(2026, 11, 26, 10, 15, 2, tzinfo=UTC)
    assert (spider.report.listed, spider.report.fetched) == (2, 2)
    for video in videos:
        spider.store.add_article(video)  # what the store pipeline does
    spider.closed("finished")

    again = build(YoutubeSpider, type="youtube", kind="social", urls=[url])
    grown = body.replace(b'views="15420"', b'views="20001"')
    assert answer(entry_request(again), grown, XmlResponse, {"Content-Type": "application/atom+xml"}) == []
    assert (again.report.listed, again.report.already_seen, again.report.fetched) == (2, 2, 0)
    assert again.store.articles()[0].engagement == {"views": 20001, "likes": 231}


def test_a_broken_youtube_feed_fails_its_entry(build: Build) -> None:
    spider = build(YoutubeSpider, type="youtube", kind="social",
                   urls=["https://www.youtube.com/feeds/videos.xml?channel_id=UCx"])
    assert answer(entry_request(spider), b"", XmlResponse, {"Content-Type": "application/atom+xml"}) == []
    assert spider.report.entry_errors[0].startswith("không đọc được feed kênh YouTube")


@pytest.mark.parametrize(("name", "route", "urls"), [
    ("rsshub_facebook.xml", "/facebook/page/baolaichau", ["https://www.facebook.com/baolaichau/posts/pfbid0abc123",
                                                          "https://www.facebook.com/baolaichau/videos/555"]),
    ("rssbridge_facebook.atom", "/?action=display&bridge=FacebookBridge&context=User&u=truyenhinhlaichau&format=Atom",
     ["https://www.facebook.com/truyenhinhlaichau/posts/pfbid02xyz"]),
])
def test_bridge_feeds_give_posts(build: Build, name: str, route: str, urls: list[str]) -> None:
    spider = build(BridgeSpider, type="bridge", kind="social", urls=[], bridge_url="https://rsshub.example",
                   routes=[route])
    posts = articles_in(answer(entry_request(spider), (SOCIAL / name).read_bytes(), XmlResponse,
                               {"Content-Type": "application/xml"}))
    assert [p.url for p in posts] == urls
    assert all(p.content_type == "post" and p.source_kind == "social" and p.text for p in posts)
    assert spider.report.fetched == len(urls)


def test_a_bridge_that_answers_without_a_feed_fails_its_entry(build: Build) -> None:
    spider = build(BridgeSpider, type="bridge", kind="social", urls=[], bridge_url="https://rsshub.example",
                   routes=["/facebook/page/baolaichau"])
    assert answer(entry_request(spider), b"Rate limited, try later", TextResponse, {"Content-Type": "text/plain"}) == []
    assert spider.report.entry_errors[0].startswith("bridge không trả về feed")


def test_telegram_preview_gives_posts_with_views(build: Build) -> None:
    spider = build(TelegramSpider, type="telegram", kind="social", urls=["https://t.me/s/tinlaichau"])
    posts = articles_in(answer(entry_request(spider), (SOCIAL / "telegram_preview.html").read_bytes()))
    assert [p.url for p in posts] == ["https://t.me/tinlaichau/1201", "https://t.me/tinlaichau/1203"]  # 1202: a photo
    assert posts[0].engagement == {"views": 1200} and posts[0].author == "Tin Lai Châu"
    assert posts[0].title in posts[0].text and posts[1].engagement == {"views": 3400}

    private = build(TelegramSpider, type="telegram", kind="social", urls=["https://t.me/s/rieng"])
    assert answer(entry_request(private), b"<html><body><div class='tgme_page'>Private</div></body></html>") == []
    assert private.report.entry_errors[0].startswith("không thấy bài đăng")


def test_posts_over_the_limit_are_left_for_the_next_run(build: Build) -> None:
    spider = build(TelegramSpider, max_articles=1, type="telegram", kind="social", urls=["https://t.me/s/tinlaichau"])
    posts = articles_in(answer(entry_request(spider), (SOCIAL / "telegram_preview.html").read_bytes()))
    assert [p.url for p in posts] == ["https://t.me/tinlaichau/1201"] and spider.truncated


def test_vnexpress_comments_are_asked_for_recent_articles_and_linked_to_them(build: Build) -> None:
    article_url = "https://vnexpress.net/sat-lo-o-lai-chau-4812345.html"
    spider = build(CommentsSpider, type="comments", kind="social", urls=[], comments_of=["vnexpress-thoi-su"],
                   api_url="https://binhluan.example/index/get")
    now = datetime.now(UTC)
    stored_article(spider.store, article_url, source_id="vnexpress-thoi-su", title="Sạt lở ở Lai Châu",
                   published_at=now)
    stored_article(spider.store, "https://vnexpress.net/khong-co-so-bai.html", source_id="vnexpress-thoi-su",
                   published_at=now)  # no article number: VnExpress's API cannot be asked
    stored_article(spider.store, "https://vnexpress.net/bai-cu-4700000.html", source_id="vnexpress-thoi-su",
                   published_at=now - timedelta(days=30))  # older than comments_days
    stored_article(spider.store, "https://baomoi.example/bai-4812399.html", source_id="nguon-khac", published_at=now)
    [request] = list(spider.entry_requests())
    assert request.url.startswith("https://binhluan.example/index/get?") and "objectid=4812345" in request.url
    assert request.meta["article_url"] == article_url and spider.report.entry_urls == 2
    comments = articles_in(answer(request, (SOCIAL / "vnexpress_comments.json").read_bytes(), TextResponse,
                                  {"Content-Type": "application/json"}))
    assert [c.url for c in comments] == [f"{article_url}#binh-luan-{n}" for n in (55012345, 55012400, 55012399)]
    assert all(c.parent_url == article_url and c.content_type == "comment" for c in comments)
    assert comments[0].title == "Bình luận của Nguyễn Văn Hùng về: Sạt lở ở Lai Châu"
    assert comments[0].engagement == {"likes": 128, "comments": 1}
    assert comments[1].text == "Đường lên Mường Tè mùa mưa rất nguy hiểm, mọi người cẩn thận."  # HTML stripped

    refused = answer(request, b'{"error": 2, "errorDescription": "objectid sai"}', TextResponse,
                     {"Content-Type": "application/json"})
    assert refused == [] and spider.report.entry_errors == [f"bình luận của {article_url}: API bình luận trả lỗi: "
                                                            "objectid sai"]
