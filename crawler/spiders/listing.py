"""HTML listing pages: article links picked by a CSS or XPath selector, optional pagination."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cssselect import SelectorError
from scrapy.http import Response, TextResponse

from crawler.spiders.base import SourceSpider
from presswatch.config.sources import is_xpath

# What parsel raises on a selector it cannot read: lxml's XPath errors are ValueErrors, cssselect's
# are SelectorErrors (SelectorSyntaxError is a SyntaxError, ExpressionError a RuntimeError).
SELECTOR_ERRORS = (ValueError, SelectorError)


def _select(response: TextResponse, expression: str) -> list[str]:
    if is_xpath(expression):
        return [value.strip() for value in response.xpath(expression).getall()]
    values: Any = response.css(expression)
    if not expression.rstrip().endswith(("::attr(href)", "::text")) and not expression.endswith(")"):
        values = values.xpath("./@href | ./descendant::a[1]/@href")
    return [value.strip() for value in values.getall()]


class ListingSpider(SourceSpider):
    name = "listing"

    def parse_entry(self, response: Response) -> Iterator[Any]:
        selectors = self.source.selectors
        assert selectors is not None  # validated by the Source model
        if not isinstance(response, TextResponse):
            self.entry_failed(f"không phải trang HTML: {response.url}")
            return
        try:
            links = _select(response, selectors.article_links)
        except SELECTOR_ERRORS as exc:
            self.entry_failed(f"bộ chọn article_links không hợp lệ ({exc}): {response.url}")
            return
        if not links:
            self.report.warnings.append(f"không tìm thấy liên kết bài viết nào: {response.url}")
        for link in links:
            request = self.article_request(link, response.url)
            if request is not None:
                yield request
        page = int(response.meta.get("page", 1))
        if selectors.next_page and page < selectors.max_pages:
            try:
                following = _select(response, selectors.next_page)
            except SELECTOR_ERRORS as exc:  # the links of this page were taken: a warning, not a failure
                self.report.warnings.append(f"bộ chọn next_page không hợp lệ ({exc}): {response.url}")
                return
            request = self.follow_entry(following[0], response.url, page=page + 1) if following else None
            if request is not None:
                self.report.entry_urls += 1
                yield request
