"""A whole configuration directory: ``Config``, ``load_config`` and ``load_analyzer``.

``load_config`` reads every file of ``config/`` (settings, sources, lexicons, alert rules), checks
the references between them, and raises the problems of all files together; what loads but is
probably not meant (no ``alerts.yaml``, a rule without channels) becomes a warning.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from analysis.pipeline import Analyzer
from presswatch.config.alerts import AlertsFile, alerts_of
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
from presswatch.config.refs import (
    config_warnings,
    internal_source_warnings,
    interval_problems,
    rule_problems,
    source_ids,
)
from presswatch.config.settings import Settings, load_settings, province_notes
from presswatch.config.sources import Source, sources_of
from presswatch.config.yamlfile import YamlDocument, load_yaml
from presswatch.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True)
class Config:
    """Everything loaded from a configuration directory."""

    directory: Path
    settings: Settings
    sources: list[Source]
    topics: TopicsFile | None = None
    sentiment: SentimentFile | None = None
    alerts: AlertsFile | None = None  # config/alerts.yaml (None only when built by hand)
    toxicity: ToxicityFile | None = None  # config/toxicity.yaml; None: everything graded "clean"
    warnings: tuple[str, ...] = ()  # loads, but probably not meant: no alerts.yaml, a rule without channel

    def analyzer(self, with_entities: bool = True) -> Analyzer:
        """The analysis configured by ``topics.yaml``, ``sentiment.yaml`` and ``toxicity.yaml``."""
        if self.topics is None or self.sentiment is None:
            raise ConfigError([f"{self.directory}: thiếu topics.yaml hoặc sentiment.yaml"])
        return build_analyzer(self.topics, self.sentiment, with_entities, self.toxicity,
                              model_path=current_model_path(self.models_dir),
                              provinces=self.settings.province,
                              topic_model_path=current_model_path(self.models_dir, "topics"))

    @property
    def home_province(self) -> str:
        """The first province followed (setting ``province``)."""
        return self.settings.home_province

    @property
    def database(self) -> Path:
        path = Path(self.settings.database)
        return path if path.is_absolute() else Path.cwd() / path

    @property
    def models_dir(self) -> Path:
        """``models_dir``: where ``presswatch train`` keeps model versions (relative: to the working directory)."""
        path = Path(self.settings.models_dir)
        return path if path.is_absolute() else Path.cwd() / path

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        raise ConfigError([f"{self.directory / 'sources.yaml'}: không có nguồn có id '{source_id}'"])


def load_config(directory: Path, environ: dict[str, str] | None = None) -> Config:
    """Load ``sources.yaml``, ``topics.yaml``, ``sentiment.yaml`` and the optional ``presswatch.yaml``
    and ``toxicity.yaml`` of ``directory``. Problems of all files are collected and raised together."""
    problems: list[str] = []

    def collect(load: Callable[[], T], fallback: T) -> T:
        try:
            return load()
        except ConfigError as exc:
            problems.extend(exc.problems)
            return fallback

    loaded_settings = collect(lambda: load_settings(directory / "presswatch.yaml", environ), None)
    sources_doc = collect(lambda: load_yaml(directory / "sources.yaml"), None)
    no_sources: list[Source] = []
    sources = collect(lambda: sources_of(sources_doc), no_sources) if sources_doc else no_sources
    topics: TopicsFile | None = collect(lambda: load_topics(directory / "topics.yaml"), None)
    sentiment: SentimentFile | None = collect(lambda: load_sentiment(directory / "sentiment.yaml"), None)
    toxicity: ToxicityFile | None = collect(lambda: load_toxicity(directory / "toxicity.yaml"), None)
    alerts_path = directory / "alerts.yaml"
    alerts_doc = collect(lambda: load_yaml(alerts_path), None) if alerts_path.exists() else None
    alerts: AlertsFile | None = collect(lambda: alerts_of(alerts_doc), None) if alerts_doc else AlertsFile()
    if alerts_doc is not None:
        problems.extend(rule_problems(
            alerts_doc, [topic.slug for topic in topics.topics] if topics else None,
            source_ids(sources_doc) if sources_doc else None))
    if sources_doc is not None and loaded_settings is not None:
        problems.extend(interval_problems(sources_doc, loaded_settings.crawl_min_interval))
    if alerts_doc is not None and alerts is not None and loaded_settings is not None:
        problems.extend(_unfollowed(alerts_doc, alerts, loaded_settings.province))
    if problems:
        raise ConfigError(problems)
    return Config(directory=directory, settings=loaded_settings or Settings(), sources=sources, topics=topics,
                  sentiment=sentiment, alerts=alerts, toxicity=toxicity,
                  warnings=(*province_notes(directory / "presswatch.yaml", environ),
                            *config_warnings(directory, alerts_doc, alerts_path.exists()),
                            *internal_source_warnings(directory, sources or (),
                                                      (loaded_settings or Settings()).crawl_allow_internal)))


def _unfollowed(doc: YamlDocument, alerts: AlertsFile, followed: list[str]) -> list[str]:
    """Rules naming a province the deployment does not follow: they could never fire."""
    return [f"{doc.where(('rules', index, 'provinces'))}: quy tắc '{rule.id}' nêu tỉnh '{name}' nhưng tỉnh này "
            f"không được theo dõi (khóa province trong presswatch.yaml: {', '.join(followed)})"
            for index, rule in enumerate(alerts.rules) for name in rule.provinces if name not in followed]


def load_analyzer(directory: Path, with_entities: bool = True, sentiment_model: bool = True,
                  models_dir: Path | None = None, topic_model: bool = True) -> Analyzer:
    """Only the analysis part of a configuration directory (for ``presswatch analyze``).
    ``sentiment_model=False``: the lexicon alone decides sentiment, whatever ``sentiment.yaml`` says
    (training and comparing the model); ``models_dir``: load the current trained versions there
    (None: the shipped sentiment model and no topic model); ``topic_model=False``: the lexicon alone
    decides the topics (training the topic model)."""
    return build_analyzer(load_topics(directory / "topics.yaml"), load_sentiment(directory / "sentiment.yaml"),
                          with_entities, load_toxicity(directory / "toxicity.yaml"), sentiment_model,
                          current_model_path(models_dir), provinces=followed_provinces(directory),
                          topic_model_path=current_model_path(models_dir, "topics") if topic_model else None)


def followed_provinces(directory: Path, environ: dict[str, str] | None = None) -> list[str]:
    """The provinces ``directory``'s ``presswatch.yaml`` (or ``PRESSWATCH_PROVINCE``) follows, home
    province first; the default when the file does not say."""
    return load_settings(directory / "presswatch.yaml", environ).province
