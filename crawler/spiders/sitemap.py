"""News sitemaps and sitemap indexes (newest child sitemaps first, a few levels deep)."""

from __future__ import annotations

import gzip
import io
import zlib
from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawler.sitemaps import parse_sitemap
from crawler.spiders.base import SourceSpider

MAX_CHILD_SITEMAPS = 5
MAX_SITEMAP_BYTES = 50 * 2**20  # a sitemap holds at most 50 MB uncompressed (sitemaps.org)


class SitemapTooLarge(Exception):
    """A compressed sitemap expands past ``MAX_SITEMAP_BYTES``."""


def gunzip(body: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """``body`` decompressed, at most ``limit`` bytes of it (SitemapTooLarge past that). A broken
    file raises OSError (a bad header), EOFError (cut short) or zlib.error (corrupt data)."""
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise SitemapTooLarge
    return data


class SitemapSpider(SourceSpider):
    name = "sitemap"

    def parse_entry(self, response: Response) -> Iterator[Any]:
        body = response.body
        if body[:2] == b"\x1f\x8b":
            try:
                body = gunzip(body)
            except (OSError, EOFError, zlib.error):
                self.entry_failed(f"tệp gzip hỏng: {response.url}")
                return
            except SitemapTooLarge:
                self.entry_failed(f"sitemap giải nén vượt quá {MAX_SITEMAP_BYTES // 2**20} MB: {response.url}")
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
