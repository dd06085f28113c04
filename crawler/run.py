"""Crawl one source in this process: ``python -m crawler.run --source JSON --db PATH --report PATH``.

Run by ``presswatch.crawl`` as a subprocess per source (Twisted's reactor cannot restart, and a
process gives memory isolation and a hard timeout). The report file tells the parent what happened;
the parent records the source's health.
"""

from __future__ import annotations

import argparse
import sys

from presswatch.config import Settings, Source


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="crawler.run")
    parser.add_argument("--source", required=True, help="the source, as JSON")
    parser.add_argument("--settings", default="{}", help="presswatch settings, as JSON")
    parser.add_argument("--db", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--config", default="config", help="configuration directory (analysis lexicons)")
    args = parser.parse_args(argv)

    from scrapy.crawler import CrawlerProcess

    from crawler.settings import scrapy_settings
    from crawler.spiders import SPIDERS

    settings = Settings.model_validate_json(args.settings)
    source = Source.model_validate_json(args.source)
    process = CrawlerProcess(scrapy_settings(settings, args.config), install_root_handler=True)
    process.crawl(
        SPIDERS[source.type],
        source_json=args.source,
        db=args.db,
        report=args.report,
        max_articles=settings.max_articles_per_run,
    )
    process.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
