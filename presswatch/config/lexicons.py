"""The analysis lexicons: ``config/topics.yaml``, ``sentiment.yaml`` and ``toxicity.yaml``.

Their models validate the weighted term lists and thresholds that ``analysis`` reads; the loaders
report problems as ``file:line: key: message``; ``build_analyzer`` makes the ``analysis`` pipeline
from them (with the trained sentiment model unless ``sentiment.yaml`` says ``model: false``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, TypeVar

from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from analysis.pipeline import Analyzer
from analysis.sentiment import SentimentLexicon
from analysis.sentiment_model import SentimentModel
from analysis.topic_model import TopicModel
from analysis.topics import TopicLexicon
from analysis.toxicity import ToxicityLexicon
from presswatch.config.base import Strict, validation_problems
from presswatch.config.yamlfile import load_yaml
from presswatch.errors import ConfigError

ModelT = TypeVar("ModelT", bound=BaseModel)
Weight = TypeVar("Weight", int, float)


def _weighted_terms(value: dict[Weight, list[str]], low: int, high: int) -> dict[Weight, list[str]]:
    """Terms grouped by weight: every weight within [low, high], no empty term."""
    for weight, words in value.items():
        if not low <= weight <= high:
            raise ValueError(f"trọng số {weight:g} phải từ {low} đến {high}")
        if any(not str(word).strip() for word in words):
            raise ValueError("có thuật ngữ rỗng")
    return value


class TopicEntry(Strict):
    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    label: str = Field(min_length=1)
    description: str | None = None
    terms: dict[int, list[str]]

    @field_validator("terms")
    @classmethod
    def _weights(cls, value: dict[int, list[str]]) -> dict[int, list[str]]:
        return _weighted_terms(value, 1, 5)


class TopicsFile(Strict):
    threshold: float = Field(default=3.0, gt=0)
    title_weight: float = Field(default=2.0, ge=1)
    max_topics: int = Field(default=3, ge=1, le=10)
    min_relative: float = Field(default=0.5, ge=0, le=1)
    topics: list[TopicEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> TopicsFile:
        slugs = [topic.slug for topic in self.topics]
        duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if duplicates:
            raise ValueError(f"slug trùng: {', '.join(duplicates)}")
        return self


class SentimentFile(Strict):
    negative: dict[int, list[str]]
    positive: dict[int, list[str]]
    negators: list[str] = Field(default_factory=list)
    negator_exceptions: list[str] = Field(default_factory=list)
    intensifiers: dict[str, float] = Field(default_factory=dict)
    diminishers: dict[str, float] = Field(default_factory=dict)
    margin: float = Field(default=1.5, gt=0)
    negative_margin: float | None = Field(default=None, gt=0)
    positive_margin: float | None = Field(default=None, gt=0)
    hedges: list[str] | None = None
    emoji: dict[str, float] = Field(default_factory=dict)
    # The trained model (analysis/data/sentiment_model.json) decides the label from the text and this
    # lexicon's verdict; false: the lexicon alone decides (then its margins are the thresholds).
    model: bool = True


class ToxicityFile(Strict):
    """``config/toxicity.yaml``: weighted term lists and thresholds of ``analysis.toxicity``."""

    threshold: float = Field(default=2.0, gt=0)
    hate_threshold: float = Field(default=2.0, gt=0)
    profanity: dict[float, list[str]] = Field(default_factory=dict)
    insults: dict[float, list[str]] = Field(default_factory=dict)
    hate: dict[float, list[str]] = Field(default_factory=dict)
    targets: dict[float, list[str]] = Field(default_factory=dict)
    negators: list[str] = Field(default_factory=list)
    no_fold: list[str] = Field(default_factory=list)

    @field_validator("profanity", "insults", "hate", "targets")
    @classmethod
    def _weights(cls, value: dict[float, list[str]]) -> dict[float, list[str]]:
        return _weighted_terms(value, 0, 5)


def _load_model(path: Path, model: type[ModelT]) -> ModelT:
    doc = load_yaml(path)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(validation_problems(exc, doc)) from None


def load_topics(path: Path) -> TopicsFile:
    return _load_model(path, TopicsFile)


def load_sentiment(path: Path) -> SentimentFile:
    return _load_model(path, SentimentFile)


def load_toxicity(path: Path) -> ToxicityFile | None:
    """``toxicity.yaml``, or None when the file does not exist (older configuration directories):
    the analysis then grades every text "clean"."""
    if not path.exists():
        return None
    return _load_model(path, ToxicityFile)


def build_analyzer(topics: TopicsFile, sentiment: SentimentFile, with_entities: bool,
                   toxicity: ToxicityFile | None = None, sentiment_model: bool = True,
                   model_path: Path | None = None, provinces: list[str] | None = None,
                   topic_model_path: Path | None = None) -> Analyzer:
    """The analysis of these lexicons; ``model_path``: the trained sentiment model in use
    (``model_versions.current_model_path``), None: the shipped one. ``topic_model_path``: the
    trained topic model in use (``current_model_path(models_dir, "topics")``), None: the lexicon
    decides the topics. ``provinces``: the followed provinces, home first (``Analysis.provinces``);
    None: the default."""
    model = None
    if sentiment.model and sentiment_model:
        model = SentimentModel.load(model_path) if model_path is not None else SentimentModel.load()
    return Analyzer(TopicLexicon.from_dict(topics.model_dump()),
                    SentimentLexicon.from_dict(sentiment.model_dump(exclude={"model"})),
                    with_entities=with_entities,
                    toxicity=ToxicityLexicon.from_dict(toxicity.model_dump()) if toxicity else None,
                    sentiment_model=model, provinces=provinces,
                    topic_model=TopicModel.load(topic_model_path) if topic_model_path is not None else None)
