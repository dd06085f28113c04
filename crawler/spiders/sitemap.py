"""News sitemaps and sitemap indexes (newest child sitemaps first, a few levels deep)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawler.sitemaps import parse_sitemap
from crawler.spiders.base import SourceSpider

MAX_CHILD_SITEMAPS = 5


class SitemapSpider(SourceSpider):
    name = "sitemap"

    def parse_entry(self, response: Response) -> Iterator[Any]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            import gzip

            try:
                body = gzip.decompress(body)
            except OSError:
                self.entry_failed(f"tệp gzip hỏng: {response.url}")
                return
        sitemap = parse_sitemap(body)
        if not sitemap.urls and not sitemap.sitemaps:
            self.entry_failed(f"{sitemap.problem or 'sitemap rỗng'}: {response.url}")
            return
        if sitemap.problem:
            self.report.warnings.append(f"{sitemap.problem}: {response.url}")
        depth = int(response.meta.get("sitemap_depth", 0))
        if depth < 2:
            for child in sitemap.sitemaps[-MAX_CHILD_SITEMAPS:][::-1]:
                request = self.follow_entry(child, response.url, sitemap_depth=depth + 1)
                if request is not None:
                    self.report.entry_urls += 1
                    yield request
        newest_first = sorted(
            sitemap.urls, key=lambda u: u.published.timestamp() if u.published else 0.0, reverse=True
        )
        for item in newest_first:
            request = self.article_request(
                item.loc, response.url, title=item.title or "", published=item.published
            )
            if request is not None:
                yield request
