"""Scrapy settings for a presswatch crawl; ``scrapy_settings`` overlays presswatch's own Settings."""

from __future__ import annotations

from typing import Any

from scrapy.settings import default_settings

from presswatch.config import Settings

# Recent Scrapy renamed DNS_RESOLVER to TWISTED_DNS_RESOLVER (the old name warns there).
RESOLVER_SETTING = "TWISTED_DNS_RESOLVER" if hasattr(default_settings, "TWISTED_DNS_RESOLVER") else "DNS_RESOLVER"

BASE: dict[str, Any] = {
    "BOT_NAME": "presswatch",
    "ROBOTSTXT_OBEY": True,
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 0.5,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    "DOWNLOAD_DELAY": 0.0,
    "CONCURRENT_REQUESTS": 16,
    "RETRY_ENABLED": True,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "REDIRECT_MAX_TIMES": 5,
    "DNS_TIMEOUT": 15,
    # Every connection is checked against the address policy (presswatch.netpolicy) where the name
    # is resolved, and every request (redirect hops, robots.txt included) by the middleware.
    RESOLVER_SETTING: "crawler.resolver.PolicyResolver",
    "DOWNLOADER_MIDDLEWARES": {"crawler.middlewares.AddressPolicyMiddleware": 990},
    # Only http(s): no file://, ftp:// or s3:// even if a redirect or a link asked for it.
    "DOWNLOAD_HANDLERS": {"file": None, "ftp": None, "s3": None, "data": None},
    "ITEM_PIPELINES": {
        "crawler.pipelines.ValidatePipeline": 100,
        "crawler.pipelines.AnalysePipeline": 300,
        "crawler.pipelines.StorePipeline": 800,
    },
    "LOG_LEVEL": "INFO",
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
}


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                # WebRTC would send UDP past the proxy.
                "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
                "--webrtc-ip-handling-policy=disable_non_proxied_udp"]
CHROMIUM = "/usr/bin/chromium"


REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


def scrapy_settings(settings: Settings, render: str = "plain", browser_proxy: str | None = None) -> dict[str, Any]:
    """``browser_proxy`` (``render="browser"`` only, required then): the ``crawler.browser_proxy``
    every request of the browser goes through."""
    values = dict(BASE)
    if render == "browser":
        if not browser_proxy:
            raise ValueError("render='browser' needs the address-policy proxy (crawler.browser_proxy)")
        # scrapy-playwright drives Debian's chromium (no browser is downloaded); only requests marked
        # {"playwright": True} go through it, the others keep Scrapy's own download handler.
        values["DOWNLOAD_HANDLERS"] = {
            **BASE["DOWNLOAD_HANDLERS"],
            "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
            "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
        }
        values["TWISTED_REACTOR"] = REACTOR
        values["PLAYWRIGHT_BROWSER_TYPE"] = "chromium"
        values["PLAYWRIGHT_LAUNCH_OPTIONS"] = {"executable_path": CHROMIUM, "headless": True, "args": BROWSER_ARGS,
                                               "proxy": {"server": browser_proxy}}
        values["PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT"] = settings.download_timeout * 1000
    values["PRESSWATCH_ALLOW_INTERNAL"] = list(settings.crawl_allow_internal)
    values.update(
        {
            "USER_AGENT": settings.user_agent,
            "ROBOTSTXT_OBEY": settings.obey_robots,
            "DOWNLOAD_TIMEOUT": settings.download_timeout,
            "RETRY_TIMES": settings.retry_times,
            "DOWNLOAD_MAXSIZE": settings.max_page_bytes,
            "DOWNLOAD_WARNSIZE": settings.max_page_bytes // 2,
            "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_requests_per_domain,
            "AUTOTHROTTLE_ENABLED": settings.autothrottle,
        }
    )
    return values
