"""Scrapy settings for a presswatch crawl; ``scrapy_settings`` overlays presswatch's own Settings."""

from __future__ import annotations

from typing import Any

from presswatch.config import Settings

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
    "ITEM_PIPELINES": {
        "crawler.pipelines.ValidatePipeline": 100,
        "crawler.pipelines.AnalysePipeline": 300,
        "crawler.pipelines.StorePipeline": 800,
    },
    "LOG_LEVEL": "INFO",
    "REQUEST_FINGERPRINTER_IMPLEMENTATION": "2.7",
}


BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run"]
CHROMIUM = "/usr/bin/chromium"


def scrapy_settings(settings: Settings, config_dir: str | None = None, render: str = "plain") -> dict[str, Any]:
    values = dict(BASE)
    if render == "browser":
        # scrapy-playwright drives Debian's chromium (no browser is downloaded); only requests marked
        # {"playwright": True} go through it, the others keep Scrapy's own download handler.
        values["DOWNLOAD_HANDLERS"] = {
            "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
            "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
        }
        values["TWISTED_REACTOR"] = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
        values["PLAYWRIGHT_BROWSER_TYPE"] = "chromium"
        values["PLAYWRIGHT_LAUNCH_OPTIONS"] = {"executable_path": CHROMIUM, "headless": True, "args": BROWSER_ARGS}
        values["PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT"] = settings.download_timeout * 1000
    values["PRESSWATCH_CONFIG_DIR"] = config_dir
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
