"""Crawl integrity under hostile input (issue 16): one bad link never drops the rest of a feed; the
warnings and the per-run cap of a crawl reach the source's health. Spider callbacks are run offline
on responses built from the hostile corpus (``tests/data/hostile/feeds``); whole crawls run in a real
subprocess against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import scrapy
from scrapy.http import HtmlResponse, XmlResponse

from crawler.spiders import BridgeSpider, FeedSpider, ListingSpider, SitemapSpider
from presswatch.localsite import LocalSite, Route, SiteArticle
from presswatch.store import Store

from .conftest import DATA, crawl, make_source

HOSTILE = DATA / "hostile" / "feeds"
SITE = "http://127.0.0.1:8765"
HTML = {"Content-Type": "text/html; charset=utf-8"}
SKIPPED = ("http://127.0.0.1:99999/y", "http://[::1/z")  # cannot be addresses: skipped and recorded


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
