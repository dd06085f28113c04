"""Item pipelines: small classes, one job each, ordered in ``crawler.settings.ITEM_PIPELINES``.

    Validate 100 → Analyse 300 → Store 800

The analysis stage calls ``analysis.pipeline.Analyzer`` (relevance, topics, sentiment, places,
entities, near-duplicate sketch); the store writes its results in the article's transaction, with
the press register's genre and attribution marks (``register.marks``) and the alerts. Both
use the configuration the parent validated and handed over (``presswatch.config.crawl``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from scrapy.exceptions import DropItem

from analysis.text_cache import TextCache
from presswatch.config.crawl import CrawlConfig
from presswatch.models import Article
from reanalysis.tables import put_cached
from register.marks import mark_stored

MIN_TEXT_CHARS = 80


class _Stage:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> _Stage:
        return cls(crawler)

    @property
    def spider(self) -> Any:
        return self.crawler.spider


class ValidatePipeline(_Stage):
    """Drop pages whose extraction is too thin to be an article (an expected outcome)."""

    def process_item(self, item: Article, spider: Any = None) -> Article:
        if item.content_type != "article":  # posts and comments are short by nature
            if not item.text.strip():
                self.spider.report.no_article += 1
                raise DropItem(f"empty post {item.url}")
            return item
        if len(item.text) < MIN_TEXT_CHARS or not item.title.strip():
            self.spider.report.no_article += 1
            raise DropItem(f"no article text on {item.url}")
        return item


def crawl_config(crawler: Any) -> tuple[CrawlConfig | None, str | None]:
    """The configuration the parent handed this crawl (``PRESSWATCH_CRAWL_CONFIG``: its JSON
    snapshot), or why it cannot be read. The YAML files of ``config/`` are never read here."""
    path = crawler.settings.get("PRESSWATCH_CRAWL_CONFIG")
    if not path:
        return None, "tiến trình thu thập không nhận được cấu hình"
    try:
        return CrawlConfig.read(Path(path)), None
    except (OSError, ValueError) as exc:  # ValueError: invalid JSON or a model that does not validate
        return None, f"không đọc được cấu hình của lượt thu thập: {exc}"


class AnalysePipeline(_Stage):
    """Analyse the article with the lexicons of the crawl's configuration. An article whose
    analysis fails is kept unanalysed (its alert rules are then evaluated later)."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.analyzer = None
        self.problem = ""
        config, problem = crawl_config(crawler)
        if config is not None:
            self.analyzer = config.analyzer()
            if self.analyzer is None:
                problem = "; ".join(config.problems) or "thiếu topics.yaml hoặc sentiment.yaml"
        if self.analyzer is None:
            self.problem = f"không phân tích được (thiếu hoặc sai cấu hình phân tích): {problem}"

    def process_item(self, item: Article, spider: Any = None) -> Article:
        report = self.spider.report
        if self.analyzer is None:
            if self.problem not in report.warnings:
                report.warnings.append(self.problem)
            return item
        try:
            # Posts and comments are chat-like: their abbreviations ("k", "m", "r") are expanded too.
            # Segmentation and entities are kept with the article, so re-analysis need not redo them.
            cache = TextCache(None)
            item.analysis = self.analyzer.analyze(item.title, item.text,
                                                  comment=item.content_type in ("post", "comment"),
                                                  segmenter=cache.segment, tagger=cache.entities)
            item.text_cache = cache.fresh
        except Exception as exc:  # a bug must not lose the article: it is stored, analysed later
            report.analysis_errors += 1
            self.spider.logger.error("analysis failed for %s: %s: %s", item.url, type(exc).__name__, exc)
        return item


class StorePipeline(_Stage):
    """Write the article, its URLs and its index entry in one transaction, with the alerts its
    rules raise: an alert is recorded with its article or not at all. An article whose rules cannot
    be evaluated is stored marked pending (``alerts.ingest``), in the same transaction."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        from alerts.ingest import AlertEvaluator
        from trends.prematch import QueryMatcher

        config, problem = crawl_config(crawler)
        alerts = config.alerts if config is not None else None
        if config is not None and alerts is None:
            problem = "; ".join(problem for problem in config.problems if "alerts.yaml" in problem) \
                or "không có quy tắc cảnh báo"
        matcher = QueryMatcher(alerts)  # query burst rules on the tokens the alert rules are evaluated on
        self.evaluator = AlertEvaluator(alerts, unavailable=f"không nạp được quy tắc cảnh báo: {problem}",
                                        on_doc=matcher if matcher else None)

    def stored(self, db: sqlite3.Connection, article_id: int, item: Article) -> None:
        """In the article's transaction: its text cache entry, the press register's detector marks
        (genre, attribution: ``register.marks``), then its alert rules."""
        if item.text_cache is not None:
            put_cached(db, [(article_id, item.text_cache)])
        problem = mark_stored(db, article_id, item.title, item.text, item.content_type)
        if problem is not None:  # left unmarked: the register's indicators classify it when needed
            self.spider.logger.error("register detectors failed for %s: %s", item.url, problem)
        self.evaluator(db, article_id, item)

    def process_item(self, item: Article, spider: Any = None) -> Article:
        spider = self.spider
        try:
            article_id = spider.store.add_article(item, on_stored=self.stored)
        except Exception as exc:
            # Never carry on silently after a storage failure: count it, log it, stop the crawl.
            spider.report.store_errors += 1
            spider.logger.error("store failed for %s: %s", item.url, exc)
            self.crawler.engine.close_spider(spider, "store_error")
            raise DropItem(f"store failed: {exc}") from exc
        if article_id is None:
            spider.report.duplicates += 1
        else:
            spider.report.new_articles += 1
            spider.report.alerts = sum(r.new for r in self.evaluator.recorded)
            spider.report.deferred = self.evaluator.deferred
            spider.report.deferred_reasons = list(self.evaluator.reasons)
        return item
