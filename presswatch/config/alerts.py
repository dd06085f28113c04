"""``config/alerts.yaml``: alert rules and the channels they deliver to (operator data).

Rules use the query language of ``presswatch.query`` plus simple conditions. Channels name their
addresses and secrets by environment variable: a channel whose variables are not set is *inactive*
(alerts are still recorded, nothing is queued for it) and ``presswatch check-config`` says so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from presswatch.config.base import MAX_RULE_AGE, MIN_RULE_AGE, Strict, check_url, duration, validation_problems
from presswatch.config.refs import channel_problems
from presswatch.config.sources import SourceKind
from presswatch.config.yamlfile import YamlDocument, load_yaml
from presswatch.errors import ConfigError, QueryError
from presswatch.provinces import resolve as resolve_province
from presswatch.query import DateBound, Node, parse

Severity = Literal["low", "medium", "high"]
RelevanceLevel = Literal["about", "mention", "none"]
ChannelType = Literal["webhook", "telegram", "slack", "teams"]
SEVERITY_LABELS = {"low": "thấp", "medium": "trung bình", "high": "cao"}
RELEVANCE_RANK = {"none": 0, "mention": 1, "about": 2}
_QUIET = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")
_ENV = re.compile(r"^[A-Z_][A-Z0-9_]*$")
RuleAge = Annotated[int, duration(MIN_RULE_AGE, MAX_RULE_AGE)]  # "3d": older articles do not alert


class Channel(Strict):
    """Where alerts go. Addresses and secrets may come from the environment (``*_env``)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    type: ChannelType
    url: str | None = None
    url_env: str | None = Field(default=None, pattern=_ENV.pattern)
    secret_env: str | None = Field(default=None, pattern=_ENV.pattern)  # webhook: HMAC key
    token_env: str | None = Field(default=None, pattern=_ENV.pattern)  # telegram: bot token
    chat_id: str | None = None  # telegram
    api_url: str = "https://api.telegram.org"  # telegram Bot API base (a local one in tests)

    @field_validator("url", "api_url")
    @classmethod
    def _urls(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)

    @model_validator(mode="after")
    def _complete(self) -> Channel:
        if self.type == "telegram":
            if not self.token_env or not self.chat_id:
                raise ValueError("kênh telegram cần 'token_env' (biến môi trường chứa token bot) và 'chat_id'")
        elif not self.url and not self.url_env:
            raise ValueError(f"kênh {self.type} cần 'url' hoặc 'url_env'")
        if self.type == "webhook" and not self.secret_env:
            raise ValueError("kênh webhook cần 'secret_env': tên biến môi trường chứa khóa ký HMAC")
        return self

    def resolve(self, environ: dict[str, str] | None = None) -> ChannelTarget | str:
        """The channel's concrete target, or why it is inactive (in Vietnamese)."""
        environ = dict(os.environ) if environ is None else environ
        missing = [name for name in (self.url_env, self.secret_env, self.token_env) if name and not environ.get(name)]
        if missing:
            return f"kênh '{self.id}' chưa hoạt động: chưa đặt biến môi trường {', '.join(missing)}"
        if self.type == "telegram":
            url = f"{self.api_url.rstrip('/')}/bot{environ[self.token_env or '']}/sendMessage"
        else:
            url = self.url or environ[self.url_env or ""]
        try:
            check_url(url)
        except ValueError as exc:
            return f"kênh '{self.id}': {exc}"
        secret = environ[self.secret_env].encode() if self.secret_env else None
        return ChannelTarget(id=self.id, type=self.type, url=url, secret=secret, chat_id=self.chat_id)


@dataclass(frozen=True)
class ChannelTarget:
    id: str
    type: str
    url: str
    secret: bytes | None = None
    chat_id: str | None = None

    def __repr__(self) -> str:  # never print the bot token or the secret
        return f"ChannelTarget(id={self.id!r}, type={self.type!r})"


class TrendCondition(Strict):
    """What a ``kind: trend`` rule watches (``trends`` computes the signals; docs/trends.md).

    - ``story``: a story (syndication cluster) carried by ``min_outlets`` distinct sources or more
      within ``window``;
    - ``engagement``: a post or video whose ``metric`` grew ``growth`` times or more within
      ``window``, from at least ``min_engagement``;
    - ``burst``: a place or topic (``dimension``; ``keys`` limits which), or the articles matching the
      rule's ``query`` (``dimension: query``), whose count over ``window`` is ``ratio`` times or more
      its expected count from the ``baseline_days`` before, hour of day and weekday considered, at
      least ``min_count`` articles, with a Poisson z-score of ``z`` or more."""

    signal: Literal["story", "engagement", "burst"]
    window: Annotated[int, duration(3600, 7 * 86400)] = 6 * 3600
    min_outlets: int = Field(default=5, ge=2, le=1000)
    growth: float = Field(default=2.0, gt=1.0, le=1000.0)
    metric: Literal["interactions", "views"] = "interactions"  # interactions: likes + shares + comments
    min_engagement: int = Field(default=50, ge=1)
    dimension: Literal["place", "topic", "query"] = "place"
    keys: list[str] = Field(default_factory=list)
    ratio: float = Field(default=3.0, ge=1.0, le=1000.0)
    baseline_days: int = Field(default=28, ge=7, le=90)
    z: float = Field(default=3.0, ge=0.0, le=20.0)
    min_count: int = Field(default=3, ge=1, le=100_000)


class Rule(Strict):
    kind: Literal["article", "trend"] = "article"  # trend: fires on a rising signal, not on one article
    trend: TrendCondition | None = None
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    name: str = Field(min_length=1)
    query: str | None = None
    min_relevance: RelevanceLevel = "mention"
    topics: list[str] = Field(default_factory=list)  # any of
    sentiment: list[Literal["negative", "neutral", "positive"]] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    toxicity: list[Literal["offensive", "hate"]] = Field(default_factory=list)  # any of: hostile posts/comments
    content_types: list[Literal["article", "video", "post", "comment"]] = Field(default_factory=list)
    source_kinds: list[SourceKind] = Field(default_factory=list)
    # any of: followed provinces (2025 names; any spelling or a pre-2025 name is mapped); min_relevance
    # then applies to the article's grade for them
    provinces: list[str] = Field(default_factory=list, max_length=34)
    severity: Severity = "medium"
    channels: list[str] = Field(default_factory=list)
    max_per_hour: int | None = Field(default=20, ge=1)
    quiet_hours: str | None = None  # "22:00-06:00", Asia/Ho_Chi_Minh
    max_age: RuleAge = 3 * 86400  # seconds: older articles (an archive crawled late) do not alert
    capture: bool = False  # also queue an evidence capture of each matching article's page (evidence/)
    enabled: bool = True

    @field_validator("query")
    @classmethod
    def _query(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            tree = parse(value)
        except QueryError as exc:
            raise ValueError(f"truy vấn sai ở vị trí {exc.user_position}: {exc.message}") from None
        if _has_dates(tree):
            raise ValueError("quy tắc cảnh báo không dùng since:/until: (dùng 'max_age')")
        return value

    @model_validator(mode="after")
    def _kind(self) -> Rule:
        if self.kind == "trend" and self.trend is None:
            raise ValueError("quy tắc kind: trend cần khóa 'trend' (signal: story | engagement | burst)")
        by_query = self.trend is not None and self.trend.signal == "burst" and self.trend.dimension == "query"
        if self.kind == "trend" and self.query is not None and not by_query:
            raise ValueError("quy tắc kind: trend chỉ dùng 'query' với signal: burst, dimension: query")
        if by_query and self.query is None:
            raise ValueError("quy tắc signal: burst, dimension: query cần khóa 'query'")
        if self.kind == "article" and self.trend is not None:
            raise ValueError("khóa 'trend' chỉ dùng với kind: trend")
        return self

    @field_validator("provinces", mode="before")
    @classmethod
    def _provinces(cls, value: object) -> object:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            return value
        names: list[str] = []
        for item in value:
            name, _ = resolve_province(str(item))
            if name not in names:
                names.append(name)
        return names

    @field_validator("quiet_hours")
    @classmethod
    def _quiet(cls, value: str | None) -> str | None:
        if value is not None and not _QUIET.match(value.replace(" ", "")):
            raise ValueError(f"'{value}' phải có dạng HH:MM-HH:MM, ví dụ 22:00-06:00")
        return None if value is None else value.replace(" ", "")

    def tree(self) -> Node | None:
        return parse(self.query) if self.query else None

    def quiet_window(self) -> tuple[time, time] | None:
        if self.quiet_hours is None:
            return None
        match = _QUIET.match(self.quiet_hours)
        assert match is not None
        h1, m1, h2, m2 = (int(part) for part in match.groups())
        return time(h1, m1), time(h2, m2)


class SourceHealthAlerts(Strict):
    """Tell operators when a source fails ``failures`` times in a row or brings no new article for
    ``silent_days`` (did the site change its layout?); once per incident, and again on recovery."""

    channels: list[str] = Field(default_factory=list)
    failures: int = Field(default=3, ge=1, le=1000)
    silent_days: int = Field(default=3, ge=1, le=365)


class AlertsFile(Strict):
    channels: list[Channel] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    source_health: SourceHealthAlerts = SourceHealthAlerts()

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise ConfigError([f"alerts.yaml: không có quy tắc có id '{rule_id}'"])

    def targets(self, environ: dict[str, str] | None = None) -> tuple[dict[str, ChannelTarget], list[str]]:
        """Active channels by id, and a message per inactive one."""
        active: dict[str, ChannelTarget] = {}
        inactive: list[str] = []
        for channel in self.channels:
            resolved = channel.resolve(environ)
            if isinstance(resolved, str):
                inactive.append(resolved)
            else:
                active[channel.id] = resolved
        return active, inactive


def _has_dates(node: Node) -> bool:
    if isinstance(node, DateBound):
        return True
    items = getattr(node, "items", None)
    if isinstance(items, tuple):
        return any(_has_dates(item) for item in items)
    inner = getattr(node, "item", None)
    return inner is not None and _has_dates(inner)


def load_alerts(path: Path) -> AlertsFile:
    """``alerts.yaml`` of a configuration directory; a missing file means no rules. Problems name
    the file, line and key."""
    if not path.exists():
        return AlertsFile()
    return alerts_of(load_yaml(path))


def alerts_of(doc: YamlDocument) -> AlertsFile:
    """The rules and channels of a parsed ``alerts.yaml``; raise ConfigError listing every problem."""
    problems = channel_problems(doc)
    try:
        alerts = AlertsFile.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        raise ConfigError(validation_problems(exc, doc) + problems) from None
    for kind, ids in (("channels", [c.id for c in alerts.channels]), ("rules", [r.id for r in alerts.rules])):
        for index, item_id in enumerate(ids):
            if item_id in ids[:index]:
                problems.append(f"{doc.where((kind, index, 'id'))}: id '{item_id}' trùng với một mục phía trên")
    if problems:
        raise ConfigError(problems)
    return alerts
