"""The crawler: Scrapy spiders (feed, sitemap, listing), item pipelines, extraction.

Spiders and pipelines are thin adapters; the logic they call lives in plain modules
(``crawler.extract``, ``crawler.feeds``, ``crawler.sitemaps``) that import nothing from Scrapy.
A crawl of one source runs in its own process: ``python -m crawler.run``.
"""
