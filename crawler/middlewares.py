"""Downloader middleware: refuse requests to internal addresses and tell the spider.

Every request of a crawl passes here (entry pages, article pages, robots.txt, each redirect hop,
requests rendered by the browser). An address literal, in any spelling, is refused at once; a host
name is checked by ``crawler.resolver.PolicyResolver`` when it is resolved for the connection, and
the ``DNSLookupError`` of a refused name becomes the same ``RefusedAddress`` here. The spider
records each refusal in its report (``record_refusal``).
"""

from __future__ import annotations

from typing import Any

import scrapy.exceptions
from scrapy import Request, Spider
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import DNSLookupError

from crawler.resolver import PolicyResolver
from presswatch.netpolicy import AddressPolicy, Refusal

_DEFAULT_PORTS = {"http": 80, "https": 443}
# What a resolution with no (allowed) address becomes (recent Scrapy wraps Twisted's error).
_NOT_RESOLVED: tuple[type[BaseException], ...] = (
    DNSLookupError, getattr(scrapy.exceptions, "CannotResolveHostError", DNSLookupError))


class RefusedAddress(IgnoreRequest):
    """A request was not sent because its host is internal (an expected outcome, not a failure of
    the site). ``str()`` is the Vietnamese message for the report."""

    def __init__(self, message: str, refusal: Refusal | None = None) -> None:
        super().__init__(message)
        self.refusal = refusal


def _resolver() -> PolicyResolver | None:
    from twisted.internet import reactor

    resolver = getattr(reactor, "nameResolver", None)
    return resolver if isinstance(resolver, PolicyResolver) else None


def _is_first_robots_request(request: Request) -> bool:
    """robots.txt of a host, not reached by a redirect: the page request that caused it is refused
    (and recorded) on its own, so this one is not counted twice."""
    return bool(request.meta.get("dont_obey_robotstxt")) and not request.meta.get("redirect_times") \
        and urlparse_cached(request).path == "/robots.txt"


class AddressPolicyMiddleware:
    """Placed last before the download handler (its ``process_exception`` runs first, before the
    retry middleware would retry a refused name)."""

    def __init__(self, crawler: Any, policy: AddressPolicy) -> None:
        self.crawler = crawler
        self.policy = policy

    @classmethod
    def from_crawler(cls, crawler: Any) -> AddressPolicyMiddleware:
        return cls(crawler, AddressPolicy.from_entries(crawler.settings.getlist("PRESSWATCH_ALLOW_INTERNAL")))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        scheme = urlparse_cached(request).scheme
        if scheme not in _DEFAULT_PORTS:
            self._refuse(request, f"từ chối giao thức '{scheme}' (chỉ http và https): {request.url}")
        refusal = self.policy.check_url(request.url)
        if refusal is not None:
            self._refuse(request, refusal.message(request.url), refusal)

    def process_exception(self, request: Request, exception: BaseException, spider: Spider | None = None) -> None:
        if not isinstance(exception, _NOT_RESOLVED):
            return
        resolver = _resolver()
        parts = urlparse_cached(request)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 80)
        refusal = resolver.refusal_for(parts.hostname or "", port) if resolver is not None else None
        if refusal is not None:
            self._refuse(request, refusal.message(request.url), refusal)

    def _refuse(self, request: Request, message: str, refusal: Refusal | None = None) -> None:
        spider: Spider = self.crawler.spider
        if not _is_first_robots_request(request):
            record = getattr(spider, "record_refusal", None)
            if record is not None:
                record(message)
            else:
                spider.logger.warning("%s", message)
        raise RefusedAddress(message, refusal)
