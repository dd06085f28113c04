"""Generic spiders, one per source type: ``feed``, ``sitemap``, ``listing``."""

from crawler.spiders.feed import FeedSpider
from crawler.spiders.listing import ListingSpider
from crawler.spiders.sitemap import SitemapSpider

SPIDERS = {"feed": FeedSpider, "sitemap": SitemapSpider, "listing": ListingSpider}

__all__ = ["SPIDERS", "FeedSpider", "ListingSpider", "SitemapSpider"]
