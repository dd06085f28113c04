"""The crawler: running crawls (``runner``: one subprocess per source, ``python -m crawler.run``),
Scrapy spiders (``spiders/``: feed, sitemap, listing, social) and item pipelines, extraction, URL
rules (``urls``) and the internal-address guard (``resolver``, ``middlewares``, ``browser_proxy``).

Spiders and pipelines are thin adapters; the logic they call lives in plain modules
(``crawler.extract``, ``crawler.feeds``, ``crawler.sitemaps``, ``crawler.social``) that import
nothing from Scrapy.
"""
