"""``presswatch demo``: serve a local news site built from real articles, crawl it with the real
pipeline into a demo database, and show how to search it. Offline; what a newcomer runs first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from presswatch.config import Settings, Source
from presswatch.crawl import Progress, crawl_sources
from presswatch.localsite import LocalSite, load_demo_articles, site_articles
from presswatch.store import RunResult, Store


def demo_sources(site_url: str) -> list[Source]:
    return [
        Source(id="demo-rss", name="Tin Tây Bắc – RSS", kind="press", type="feed",
               urls=[f"{site_url}/rss/tin-moi.rss"], tags=["demo"]),
        Source(id="demo-sitemap", name="Tin Tây Bắc – sơ đồ tin", kind="press", type="sitemap",
               urls=[f"{site_url}/sitemap-news.xml"], tags=["demo"]),
        Source.model_validate({
            "id": "demo-listing", "name": "Tin Tây Bắc – trang chủ", "kind": "info_site", "type": "listing",
            "urls": [f"{site_url}/"], "tags": ["demo"],
            "selectors": {"article_links": "h3.title-news a::attr(href)",
                          "next_page": "a.next-page::attr(href)", "max_pages": 10},
        }),
    ]


def run_demo(db: Path, settings: Settings, progress: Progress | None = None,
             announce: Callable[[str], None] = print, config_dir: Path = Path("config")) -> list[RunResult]:
    articles = site_articles(load_demo_articles())
    with LocalSite(articles) as site:
        # A local site of ours: no politeness delay needed (robots.txt is still obeyed), and its
        # address on this machine, refused by default (crawl_allow_internal), is allowed.
        allowed = [*settings.crawl_allow_internal, f"127.0.0.1:{site.url.rsplit(':', 1)[1]}"]
        demo_settings = settings.model_copy(update={"autothrottle": False, "concurrent_requests_per_domain": 8,
                                                    "max_articles_per_run": 1000, "crawl_allow_internal": allowed})
        announce(f"Đang phục vụ trang tin thử nghiệm ({len(articles)} bài thật) tại {site.url}")
        results = crawl_sources(demo_sources(site.url), demo_settings, db, progress, config_dir)
    with Store(db) as store:
        announce(f"Cơ sở dữ liệu thử nghiệm: {db} ({store.count_articles()} bài viết)")
    return results
