"""Generic spiders, one per source type: ``feed``, ``sitemap``, ``listing`` for the press, and the
social types ``youtube``, ``youtube_search``, ``telegram``, ``bridge``, ``comments``."""

from crawler.spiders.feed import FeedSpider
from crawler.spiders.listing import ListingSpider
from crawler.spiders.sitemap import SitemapSpider
from crawler.spiders.social import BridgeSpider, CommentsSpider, TelegramSpider, YoutubeSpider, YtDlpSpider

SPIDERS = {"feed": FeedSpider, "sitemap": SitemapSpider, "listing": ListingSpider, "youtube": YoutubeSpider,
           "youtube_search": YtDlpSpider, "telegram": TelegramSpider, "bridge": BridgeSpider,
           "comments": CommentsSpider}

__all__ = ["SPIDERS", "BridgeSpider", "CommentsSpider", "FeedSpider", "ListingSpider", "SitemapSpider",
           "TelegramSpider", "YoutubeSpider", "YtDlpSpider"]
