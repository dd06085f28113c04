"""Crawl one source in this process:
``python -m crawler.run --source JSON --db PATH --report PATH --crawl-config PATH``.

Run by ``crawler.runner`` as a subprocess per source (Twisted's reactor cannot restart, and a
process gives memory isolation and a hard timeout). The crawl analyses and evaluates alert rules
with the configuration its parent validated (``--crawl-config``), never with the files on disk. The
report file tells the parent what happened, rewritten every few seconds while the crawl runs; the
parent records the source's health.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time

from presswatch.config import Settings, Source


def _watch_parent(parent: int) -> None:
    """If the service that started this crawl dies (even by SIGKILL), stop too: SIGTERM makes Scrapy
    close cleanly (each stored article is already committed), and a hard exit follows if it hangs.
    Without this an orphaned crawl would run on beside the restarted service's own."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(10)
        os._exit(3)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crawler.run")
    parser.add_argument("--source", required=True, help="the source, as JSON")
    parser.add_argument("--settings", default="{}", help="presswatch settings, as JSON")
    parser.add_argument("--db", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--crawl-config", required=True,
                        help="the configuration validated by the parent, as a JSON file (presswatch.config.crawl)")
    parser.add_argument("--parent-pid", type=int, help="stop when this process dies (the service was killed)")
    args = parser.parse_args(argv)
    if args.parent_pid:
        _watch_parent(args.parent_pid)

    from scrapy.crawler import CrawlerProcess

    from crawler.settings import scrapy_settings
    from crawler.spiders import SPIDERS

    settings = Settings.model_validate_json(args.settings)
    source = Source.model_validate_json(args.source)
    extra: dict[str, object] = {}
    proxy_url = None
    if source.render == "browser":
        # The browser reaches the network only through this proxy, which applies the address policy
        # (crawler.browser_proxy); it listens on the reactor, installed here first for that.
        from scrapy.utils.reactor import install_reactor

        from crawler.settings import REACTOR

        install_reactor(REACTOR)
        from twisted.internet import reactor

        from crawler.browser_proxy import BrowserProxy

        proxy = BrowserProxy(reactor, timeout=settings.download_timeout)
        proxy_url = proxy.url
        extra["browser_proxy"] = proxy
    if source.type == "youtube_search":
        extra["ytdlp_command"] = settings.ytdlp_command
    values = scrapy_settings(settings, render=source.render, browser_proxy=proxy_url)
    values["PRESSWATCH_CRAWL_CONFIG"] = args.crawl_config  # never config/*.yaml: they may have changed
    process = CrawlerProcess(values, install_root_handler=True)
    process.crawl(
        SPIDERS[source.type],
        source_json=args.source,
        db=args.db,
        report=args.report,
        max_articles=settings.max_articles_per_run,
        **extra,
    )
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
