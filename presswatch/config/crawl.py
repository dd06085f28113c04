"""The configuration a crawl runs with, handed by the parent to the crawl subprocess as JSON.

The parent (the service, ``presswatch crawl``) loaded and validated ``config/``; the child analyses
and evaluates alert rules with this snapshot of it and never reads the YAML files. A file edited, or
broken, on disk after validation therefore changes nothing until the parent loads it again (a
reload the service refused keeps the running configuration, crawls included).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from presswatch.config.alerts import AlertsFile, load_alerts
from presswatch.config.directory import Config, followed_provinces
from presswatch.config.lexicons import (
    SentimentFile,
    TopicsFile,
    ToxicityFile,
    build_analyzer,
    load_sentiment,
    load_topics,
    load_toxicity,
)
from presswatch.config.model_versions import current_model_path
from presswatch.errors import ConfigError

if TYPE_CHECKING:
    from analysis.pipeline import Analyzer

ModelT = TypeVar("ModelT", bound=BaseModel)


@dataclass(frozen=True)
class CrawlConfig:
    """The analysis lexicons and alert rules of a crawl. A part is None when it could not be loaded
    (only when built from a directory); ``problems`` then says why, in Vietnamese."""

    topics: TopicsFile | None
    sentiment: SentimentFile | None
    toxicity: ToxicityFile | None = None
    alerts: AlertsFile | None = None
    problems: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()  # the provinces followed (setting ``province``); empty: the default
    sentiment_model: str | None = None  # the trained sentiment model in use (models_dir); None: the shipped one
    topic_model: str | None = None  # the trained topic model in use (models_dir); None: the lexicon decides

    @classmethod
    def of(cls, config: Config) -> CrawlConfig:
        """The part of a validated configuration a crawl needs."""
        model = current_model_path(config.models_dir)
        topic_model = current_model_path(config.models_dir, "topics")
        return cls(topics=config.topics, sentiment=config.sentiment, toxicity=config.toxicity, alerts=config.alerts,
                   provinces=tuple(config.settings.province),
                   sentiment_model=str(model) if model is not None else None,
                   topic_model=str(topic_model) if topic_model is not None else None)

    @classmethod
    def load(cls, directory: Path) -> CrawlConfig:
        """Read the lexicons and ``alerts.yaml`` of ``directory`` for callers that hand a directory
        (tests, benchmarks, the demo). Each part that does not load is left out with its problems:
        the crawl then stores its articles unanalysed or with rules pending, and says so."""
        problems: list[str] = []

        def part(load: Callable[[], ModelT | None]) -> ModelT | None:
            try:
                return load()
            except ConfigError as exc:
                problems.extend(exc.problems)
                return None

        return cls(topics=part(lambda: load_topics(directory / "topics.yaml")),
                   sentiment=part(lambda: load_sentiment(directory / "sentiment.yaml")),
                   toxicity=part(lambda: load_toxicity(directory / "toxicity.yaml")),
                   alerts=part(lambda: load_alerts(directory / "alerts.yaml")),
                   problems=tuple(problems), provinces=tuple(followed_provinces(directory)))

    @classmethod
    def coerce(cls, config: CrawlConfig | Config | Path) -> CrawlConfig:
        if isinstance(config, CrawlConfig):
            return config
        if isinstance(config, Config):
            return cls.of(config)
        return cls.load(config)

    def analyzer(self, with_entities: bool = True) -> Analyzer | None:
        """The configured analysis, or None when the lexicons are missing."""
        if self.topics is None or self.sentiment is None:
            return None
        return build_analyzer(self.topics, self.sentiment, with_entities, self.toxicity,
                              model_path=Path(self.sentiment_model) if self.sentiment_model else None,
                              provinces=list(self.provinces) or None,
                              topic_model_path=Path(self.topic_model) if self.topic_model else None)

    def to_json(self) -> str:
        def dump(model: BaseModel | None) -> Any:
            return None if model is None else model.model_dump(mode="json")

        return json.dumps({"topics": dump(self.topics), "sentiment": dump(self.sentiment),
                           "toxicity": dump(self.toxicity), "alerts": dump(self.alerts),
                           "problems": list(self.problems), "provinces": list(self.provinces),
                           "sentiment_model": self.sentiment_model, "topic_model": self.topic_model},
                          ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> CrawlConfig:
        data = json.loads(text)

        def part(model: type[ModelT], key: str) -> ModelT | None:
            return None if data.get(key) is None else model.model_validate(data[key])

        return cls(topics=part(TopicsFile, "topics"), sentiment=part(SentimentFile, "sentiment"),
                   toxicity=part(ToxicityFile, "toxicity"), alerts=part(AlertsFile, "alerts"),
                   problems=tuple(data.get("problems") or ()), provinces=tuple(data.get("provinces") or ()),
                   sentiment_model=data.get("sentiment_model"), topic_model=data.get("topic_model"))

    def write(self, path: Path) -> None:
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def read(cls, path: Path) -> CrawlConfig:
        return cls.from_json(path.read_text(encoding="utf-8"))
