"""RSS/Atom feeds through feedparser, with conditional GET (ETag / Last-Modified)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response

from crawler.feeds import parse_feed
from crawler.spiders.base import SourceSpider


class FeedSpider(SourceSpider):
    name = "feed"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validators: dict[str, tuple[str | None, str | None]] = {}

    def entry_headers(self, url: str) -> dict[str, str]:
        etag, last_modified = self.store.feed_state(url)
        headers = {"Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return headers

    def parse_entry(self, response: Response) -> Iterator[Any]:
        content_type = (response.headers.get("Content-Type") or b"application/xml").decode("latin-1")
        feed = parse_feed(response.body, response.url, content_type)
        if feed.fatal:
            self.entry_failed(f"không phải RSS/Atom ({feed.problem}): {response.url}")
            return
        if feed.problem:
            self.report.warnings.append(f"feed lỗi XML, vẫn đọc được {len(feed.entries)} mục: {feed.problem}")
        if feed.no_link:
            self.report.warnings.append(f"{feed.no_link} mục không có liên kết dùng được (bỏ qua): {response.url}")
        for entry in feed.entries:
            request = self.article_request(
                entry.link, response.url, title=entry.title, published=entry.published, image=entry.image
            )
            if request is not None:
                yield request
        # Validators are remembered only when the whole run succeeds (``complete``): a crawl that is
        # killed, cut by max_articles or fails on a page must find the feed "modified" next time,
        # or its remaining articles would hide behind a 304.
        etag = response.headers.get("ETag")
        last_modified = response.headers.get("Last-Modified")
        self.validators[response.meta["entry_url"]] = (
            etag.decode("latin-1") if etag else None,
            last_modified.decode("latin-1") if last_modified else None,
        )

    def complete(self, whole: bool) -> None:
        if whole:
            for url, (etag, last_modified) in self.validators.items():
                self.store.set_feed_state(url, etag, last_modified)
