"""What every source spider shares: entry requests, the seen-URL check, article pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import scrapy
from scrapy import signals
from scrapy.http import Response, TextResponse

from crawler.extract import extract
from crawler.failures import describe
from crawler.middlewares import RefusedAddress
from crawler.report import CrawlReport
from crawler.urls import canonicalize
from presswatch.config import Source
from presswatch.errors import InvalidURL
from presswatch.models import Article
from presswatch.store import Store

LISTED_BAD_LINKS = 5  # bad links named in the run's warnings; the others are counted
REPORT_EVERY = 2.0  # seconds between two reports written while the crawl runs (progress, a kill)

if TYPE_CHECKING:
    from crawler.browser_proxy import BrowserProxy


class SourceSpider(scrapy.Spider):
    """Base of the generic spiders. Subclasses implement ``parse_entry`` for their entry pages."""

    name = "source"

    def __init__(self, source_json: str, db: str, report: str, max_articles: int,
                 browser_proxy: BrowserProxy | None = None, **kwargs: Any) -> None:
        self.source = Source.model_validate_json(source_json)
        super().__init__(name=f"{self.name}:{self.source.id}", **kwargs)
        self.store = Store(db)
        self.report = CrawlReport(source_id=self.source.id, entry_urls=len(self.source.urls))
        self.report_path = Path(report)
        self.max_articles = self.source.max_articles or max_articles
        self.scheduled: set[str] = set()
        self.left_over: set[str] = set()  # new links over the max_articles limit, for the next run
        self._reports: Any = None
        if browser_proxy is not None:  # crawler.browser_proxy: what the browser was refused
            browser_proxy.on_refusal = self.record_refusal

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SourceSpider:
        spider: SourceSpider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider._write_reports, signal=signals.spider_opened)
        return spider

    def _write_reports(self) -> None:
        """Rewrite the report every few seconds: the parent shows progress, and knows what a crawl
        it had to kill had done."""
        from twisted.internet import task

        self._reports = task.LoopingCall(self.report.write, self.report_path)
        self._reports.start(REPORT_EVERY, now=True)

    @property
    def truncated(self) -> bool:
        """The max_articles limit left some listed articles for the next run."""
        return bool(self.left_over)

    # --- entry pages ---------------------------------------------------------------------

    async def start(self) -> Any:  # Scrapy >= 2.13
        for request in self.entry_requests():
            yield request

    def start_requests(self) -> Iterator[scrapy.Request]:  # older Scrapy
        yield from self.entry_requests()

    def entry_requests(self) -> Iterator[scrapy.Request]:
        for url in self.source.urls:
            yield self.entry_request(url)

    def entry_request(self, url: str, **meta: Any) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=self._entry,
            errback=self._entry_failed,
            meta={"handle_httpstatus_list": [304], "entry_url": url, **meta, **self.request_meta()},
            headers=self.entry_headers(url),
            dont_filter=True,
        )

    def request_meta(self) -> dict[str, Any]:
        if self.source.download_timeout:
            return {"download_timeout": self.source.download_timeout}
        return {}

    def entry_headers(self, url: str) -> dict[str, str]:
        return {}

    def _entry(self, response: Response) -> Iterator[Any]:
        self.report.entry_ok += 1
        if response.status == 304:
            self.report.not_modified += 1
            return
        yield from self.parse_entry(response)

    def parse_entry(self, response: Response) -> Iterator[Any]:
        raise NotImplementedError

    def entry_failed(self, message: str) -> None:
        """An entry page was fetched but is unusable (not a feed, no links...)."""
        self.report.entry_ok -= 1
        self.report.entry_errors.append(message)

    def follow_entry(self, link: str, base: str, **meta: Any) -> scrapy.Request | None:
        """A request for a further entry page found on one (a child sitemap, the next listing page),
        or None when its link cannot be an address (skipped and recorded)."""
        try:
            return self.entry_request(canonicalize(link, base), **meta)
        except ValueError as exc:  # InvalidURL, or a URL Scrapy refuses
            self.skip_link(link, exc)
            return None

    def skip_link(self, link: str, problem: Exception) -> None:
        """Record a link that cannot be fetched and carry on with the others."""
        self.report.bad_links += 1
        if self.report.bad_links <= LISTED_BAD_LINKS:
            text = str(problem) if isinstance(problem, InvalidURL) else f"liên kết không hợp lệ ({problem}): {link}"
            self.report.warnings.append(f"bỏ qua {text}")
        self.logger.warning("skipped link %r: %s", link, problem)

    def record_refusal(self, message: str) -> None:
        """A request to an internal address was not sent (``crawler.middlewares``, the browser's
        proxy): counted and listed in the report, logged."""
        self.report.refuse(message)
        self.logger.warning("%s", message)

    def _entry_failed(self, failure: Any) -> None:
        message = describe(failure)
        if failure.check(RefusedAddress):
            self.report.entry_errors.append(message)  # counted by record_refusal; the run fails with it
            return
        if "robots.txt" in message:
            self.report.robots_blocked += 1
        else:
            self.report.errors += 1
        self.report.entry_errors.append(message)
        self.logger.warning("entry failed: %s", message)

    # --- article pages -------------------------------------------------------------------

    def article_request(
        self, link: str, base: str, *, title: str = "", published: datetime | None = None,
        image: str | None = None,
    ) -> scrapy.Request | None:
        """A request for an article page, or None if it is stored, scheduled or over the limit."""
        if not link or link.startswith(("javascript:", "mailto:", "#")):
            return None
        try:
            url = canonicalize(link, base)
        except InvalidURL as exc:
            self.skip_link(link, exc)
            return None
        if not url.startswith(("http://", "https://")) or url in self.scheduled:
            return None
        self.report.listed += 1
        if self.store.seen(url):
            self.report.already_seen += 1
            return None
        if len(self.scheduled) >= self.max_articles:
            self.left_over.add(url)
            return None
        try:
            request = scrapy.Request(
                url,
                callback=self.parse_article,
                errback=self._article_failed,
                meta={"listed_url": url, "listed_title": title, "listed_published": published,
                      "listed_image": image, **self.request_meta()},
            )
        except ValueError as exc:  # a URL Scrapy refuses
            self.skip_link(link, exc)
            return None
        self.scheduled.add(url)
        return request

    def parse_article(self, response: Response) -> Iterator[Any]:
        self.report.fetched += 1
        if not isinstance(response, TextResponse):
            self.report.no_article += 1
            return
        extraction = extract(response.text, response.url)
        if (extraction is None and self.source.render == "browser" and not response.meta.get("playwright")
                and response.request is not None):
            # The plain page has no article (rendered by JavaScript): fetch it again in Chromium.
            self.report.fetched -= 1
            yield response.request.replace(meta={**response.meta, "playwright": True}, dont_filter=True)
            return
        if extraction is None:
            self.report.no_article += 1
            return
        listed_url: str = response.meta["listed_url"]
        try:
            canonical = canonicalize(extraction.url, response.url)
        except InvalidURL as exc:  # the page names a broken canonical URL: keep the one it was fetched at
            self.logger.warning("ignored canonical link of %s: %s", response.url, exc)
            canonical = canonicalize(response.url)
        aliases = [listed_url, canonicalize(response.url)]
        yield Article(
            url=canonical,
            source_id=self.source.id,
            source_kind=self.source.kind,
            title=extraction.title or response.meta.get("listed_title") or "",
            text=extraction.text,
            # What the page states, else what the feed or sitemap stated, else a guess from the text.
            published_at=(extraction.published or response.meta.get("listed_published")
                          or extraction.published_guess),
            author=extraction.author,
            description=extraction.description,
            image=extraction.image or response.meta.get("listed_image"),
            language=extraction.language,
            sitename=extraction.sitename,
            aliases=list(dict.fromkeys(alias for alias in aliases if alias != canonical)),  # each once
        )

    def complete(self, whole: bool) -> None:
        """Called at the end of a run; ``whole`` when every listed article was fetched and stored
        (not interrupted, not cut by ``max_articles``, no failed page). Subclasses may then remember
        what they must not fetch again."""

    def _article_failed(self, failure: Any) -> None:
        message = describe(failure)
        if failure.check(RefusedAddress):
            return  # counted, listed and logged by record_refusal
        if "robots.txt" in message:
            self.report.robots_blocked += 1
            self.logger.info("skipped: %s", message)
        else:
            self.report.errors += 1
            self.logger.warning("article failed: %s", message)

    def closed(self, reason: str) -> None:
        if self._reports is not None and self._reports.running:
            self._reports.stop()
        self.report.finish_reason = reason
        if self.left_over:
            taken, listed = len(self.scheduled), len(self.scheduled) + len(self.left_over)
            self.report.warnings.append(f"đã lấy {_number(taken)}/{_number(listed)} mục; phần còn lại ở lần sau")
        unlisted = self.report.bad_links - LISTED_BAD_LINKS
        if unlisted > 0:
            self.report.warnings.append(f"… và {unlisted} liên kết không hợp lệ khác")
        if self.report.analysis_errors:
            errors = self.report.analysis_errors
            self.report.warnings.append(f"{errors} bài lỗi khi phân tích: đã lưu, chưa có phân tích")
        self.complete(reason == "finished" and not self.truncated and self.report.errors == 0
                      and self.report.store_errors == 0)
        self.report.write(self.report_path)
        self.store.close()


def _number(value: int) -> str:
    """10000 → "10.000", as numbers are written in Vietnamese."""
    return f"{value:,}".replace(",", ".")
