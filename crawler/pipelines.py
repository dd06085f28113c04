"""Item pipelines: small classes, one job each, ordered in ``crawler.settings.ITEM_PIPELINES``.

    Validate 100 → Analyse 300 → Store 800

The analysis stage calls ``analysis.pipeline.Analyzer`` (relevance, topics, sentiment, places,
entities, near-duplicate sketch); the store writes its results in the article's transaction.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem

from presswatch.models import Article

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


class AnalysePipeline(_Stage):
    """Analyse the article with the lexicons of the configuration directory."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        from pathlib import Path

        from presswatch.config import load_analyzer
        from presswatch.errors import ConfigError

        self.analyzer = None
        directory = Path(crawler.settings.get("PRESSWATCH_CONFIG_DIR") or "config")
        try:
            self.analyzer = load_analyzer(directory)
        except ConfigError as exc:
            self.problem = f"không phân tích được (thiếu hoặc sai cấu hình phân tích): {exc}"

    def process_item(self, item: Article, spider: Any = None) -> Article:
        if self.analyzer is None:
            if self.problem not in self.spider.report.warnings:
                self.spider.report.warnings.append(self.problem)
            return item
        # Posts and comments are chat-like: their abbreviations ("k", "m", "r") are expanded too.
        item.analysis = self.analyzer.analyze(item.title, item.text, comment=item.content_type in ("post", "comment"))
        return item


class StorePipeline(_Stage):
    """Write the article, its URLs and its index entry in one transaction, with the alerts its
    rules raise (``config/alerts.yaml``): an alert is recorded with its article or not at all."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        from pathlib import Path

        from alerts.ingest import AlertEvaluator
        from presswatch.alerts_config import load_alerts
        from presswatch.errors import ConfigError

        self.evaluator: AlertEvaluator | None = None
        self.problem: str | None = None
        directory = Path(crawler.settings.get("PRESSWATCH_CONFIG_DIR") or "config")
        try:
            self.evaluator = AlertEvaluator(load_alerts(directory / "alerts.yaml"))
        except ConfigError as exc:
            self.problem = "không đánh giá quy tắc cảnh báo (alerts.yaml sai): " + "; ".join(exc.problems)

    def process_item(self, item: Article, spider: Any = None) -> Article:
        spider = self.spider
        if self.problem and self.problem not in spider.report.warnings:
            spider.report.warnings.append(self.problem)
        try:
            article_id = spider.store.add_article(item, on_stored=self.evaluator)
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
            if self.evaluator is not None:
                spider.report.alerts = sum(r.new for r in self.evaluator.recorded)
        return item
