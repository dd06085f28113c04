"""Spiders of social sources: the post is in the response itself (no article page to fetch).

    youtube          a channel's public feed           → videos with views and likes
    bridge           an RSS-Bridge / RSSHub feed        → Facebook / TikTok posts
    telegram         a public channel's preview page   → posts with views
    youtube_search   yt-dlp search results (metadata) → videos with views, likes, comments
    comments         VnExpress's public comment API for stored articles → comments linked to them

A post already stored only gets its engagement counts refreshed.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import scrapy
from scrapy.http import Response, TextResponse

from crawler import social
from crawler.failures import describe_ytdlp
from crawler.social import Post
from crawler.spiders.base import SourceSpider
from crawler.urls import check_url
from presswatch.errors import InvalidURL
from presswatch.models import Article
from presswatch.store.articles import recent_links

VNEXPRESS_COMMENTS_API = "https://usi-saas.vnexpress.net/index/get"


class PostSpider(SourceSpider):
    """Shared: turn ``Post`` records into items, once per URL."""

    def post_items(self, posts: list[Post]) -> Iterator[Article]:
        for post in posts:
            try:
                check_url(post.url)
            except InvalidURL as exc:
                self.skip_link(post.url, exc)
                continue
            self.report.listed += 1
            if post.url in self.scheduled:
                continue
            if self.store.seen(post.url):
                self.report.already_seen += 1
                if post.engagement:
                    self.store.update_engagement(post.url, post.engagement)
                continue
            if len(self.scheduled) >= self.max_articles:
                self.left_over.add(post.url)
                continue
            self.scheduled.add(post.url)
            self.report.fetched += 1
            yield Article(url=post.url, source_id=self.source.id, source_kind=self.source.kind, title=post.title,
                          text=post.text, published_at=post.published, author=post.author, image=post.image,
                          content_type=post.content_type, engagement=post.engagement or None,
                          parent_url=post.parent_url)


class YoutubeSpider(PostSpider):
    name = "youtube"

    def parse_entry(self, response: Response) -> Iterator[Any]:
        try:
            posts = social.youtube_feed(response.body)
        except Exception as exc:  # lxml raises several kinds on a broken document
            self.entry_failed(f"không đọc được feed kênh YouTube ({exc}): {response.url}")
            return
        yield from self.post_items(posts)


class BridgeSpider(PostSpider):
    name = "bridge"

    def parse_entry(self, response: Response) -> Iterator[Any]:
        posts = social.bridge_feed(response.body)
        if not posts and b"<" not in response.body[:200]:
            self.entry_failed(f"bridge không trả về feed (kiểm tra route, đăng nhập, giới hạn truy cập): "
                              f"{response.url}")
            return
        yield from self.post_items(posts)


class TelegramSpider(PostSpider):
    name = "telegram"

    def parse_entry(self, response: Response) -> Iterator[Any]:
        if not isinstance(response, TextResponse):
            self.entry_failed(f"không phải trang HTML: {response.url}")
            return
        posts = social.telegram_preview(response.text)
        if not posts and "tgme_widget_message" not in response.text:
            self.entry_failed(f"không thấy bài đăng (kênh riêng tư hoặc trang đổi bố cục?): {response.url}")
            return
        yield from self.post_items(posts)


def search_url(query: str) -> str:
    """YouTube's results page sorted by upload date (``sp=CAI=``), which yt-dlp reads as a playlist."""
    return f"https://www.youtube.com/results?{urlencode({'search_query': query, 'sp': 'CAI='})}"


class YtDlpSpider(PostSpider):
    """Runs yt-dlp for metadata only (``--skip-download``): nothing is downloaded but JSON."""

    name = "youtube_search"

    def __init__(self, *args: Any, ytdlp_command: str = "", ytdlp_timeout: float = 300, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.command = shlex.split(ytdlp_command) if ytdlp_command else [sys.executable, "-m", "yt_dlp"]
        self.timeout = ytdlp_timeout

    def entry_requests(self) -> Iterator[scrapy.Request]:
        return iter(())

    async def start(self) -> Any:
        limit = min(self.max_articles, 50)
        for query in self.source.queries:
            self.report.entry_ok += 1
            command = [*self.command, "--skip-download", "--dump-json", "--no-warnings", "--ignore-errors",
                       "--socket-timeout", "20", "--retries", "2",
                       "--playlist-end", str(limit), search_url(query)]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=self.timeout, check=False)
                posts = social.ytdlp_videos(done.stdout)
            except (OSError, subprocess.TimeoutExpired, ValueError) as exc:
                self.report.entry_ok -= 1
                self.report.entry_errors.append(f"yt-dlp không chạy được cho '{query}': {exc}")
                continue
            if done.returncode != 0 and not posts:
                self.report.entry_ok -= 1
                reason = describe_ytdlp(done.stderr)
                self.report.entry_errors.append(f"{reason}: {search_url(query)} (yt-dlp, tìm '{query}')")
                continue
            for item in self.post_items(posts):
                yield item


class CommentsSpider(PostSpider):
    """Reader comments under the stored articles of ``comments_of`` sources (VnExpress's API)."""

    name = "comments"

    def entry_requests(self) -> Iterator[scrapy.Request]:
        since = datetime.now(UTC) - timedelta(days=self.source.comments_days)
        rows = recent_links(self.store.db, self.source.comments_of, since, self.max_articles)
        self.report.entry_urls = len(rows)
        api = self.source.api_url or VNEXPRESS_COMMENTS_API
        for url, title in rows:
            article_id = social.vnexpress_article_id(url)
            if article_id is None:
                continue
            query = urlencode({"offset": 0, "limit": 100, "sort": "like", "objectid": article_id, "objecttype": 1,
                               "siteid": 1000000})
            yield self.entry_request(f"{api}?{query}", article_url=url, article_title=title)

    def parse_entry(self, response: Response) -> Iterator[Any]:
        try:
            posts = social.vnexpress_comments(response.body, response.meta["article_url"],
                                              response.meta["article_title"])
        except ValueError as exc:
            self.entry_failed(f"bình luận của {response.meta['article_url']}: {exc}")
            return
        yield from self.post_items(posts)
