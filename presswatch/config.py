"""Typed configuration: sources (``config/sources.yaml``) and behaviour settings
(``config/presswatch.yaml``, optional).

Three kinds of configuration, kept apart:
- operator data (sources, later alert rules) in ``config/*.yaml``, validated at start-up with
  unknown keys rejected;
- behaviour knobs with documented defaults (``SETTINGS`` below), overridable in
  ``config/presswatch.yaml`` and by ``PRESSWATCH_<NAME>`` environment variables;
- secrets, only ever from the environment (none are needed by the crawler yet).

Every validation problem is reported as ``file:line: key: message``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis.pipeline import Analyzer
from analysis.sentiment import SentimentLexicon
from analysis.sentiment_model import SentimentModel
from analysis.topics import TopicLexicon
from analysis.toxicity import ToxicityLexicon
from presswatch.errors import ConfigError
from presswatch.netpolicy import parse_rule
from presswatch.yamlfile import Location, YamlDocument, load_yaml

if TYPE_CHECKING:
    from presswatch.alerts_config import AlertsFile

ModelT = TypeVar("ModelT", bound=BaseModel)
T = TypeVar("T")
SourceKind = Literal["press", "magazine", "info_site", "aggregator", "social"]
SourceType = Literal["feed", "sitemap", "listing", "youtube", "youtube_search", "telegram", "bridge", "comments"]

KIND_LABELS: dict[str, str] = {
    "press": "báo chí",
    "magazine": "tạp chí",
    "info_site": "trang thông tin điện tử",
    "aggregator": "tìm kiếm tin tức",
    "social": "mạng xã hội",
}

_DURATION = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(value: str | int) -> int:
    """``"15m"`` → 900. Integers are seconds."""
    if isinstance(value, bool):
        raise ValueError("phải là khoảng thời gian như 30s, 15m, 2h, 1d")
    if isinstance(value, int):
        seconds = value
    else:
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"'{value}' không phải khoảng thời gian (ví dụ: 30s, 15m, 2h, 1d)")
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if seconds <= 0:
        raise ValueError("khoảng thời gian phải lớn hơn 0")
    return seconds


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ValueError(f"'{url}' không phải địa chỉ http(s) hợp lệ")
    return url


_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")


def _check_address(address: str) -> str:
    address = address.strip()
    if not _ADDRESS.match(address):
        raise ValueError(f"'{address}' không phải địa chỉ email hợp lệ (ví dụ: lanhdao@laichau.gov.vn)")
    return address


def _allow_entry(entry: str) -> str:
    parse_rule(entry)  # raises ValueError naming what is wrong
    return entry.strip()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Selectors(_Strict):
    """How a listing page is read. CSS (parsel, with ``::attr(href)``) or XPath (starts with / or ()."""

    article_links: str = Field(min_length=1)
    next_page: str | None = None
    max_pages: int = Field(default=1, ge=1, le=50)


class Source(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    name: str = Field(min_length=1)
    kind: SourceKind
    type: SourceType
    urls: list[str] = Field(min_length=1)
    interval: int = Field(default=1800, description="seconds between crawls")
    enabled: bool = True
    tags: list[str] = Field(default_factory=list)
    selectors: Selectors | None = None
    max_articles: int | None = Field(default=None, ge=1, le=5000)
    download_timeout: float | None = Field(default=None, gt=0, le=600)
    render: Literal["plain", "browser"] = "plain"  # browser: headless Chromium when the plain fetch has no article
    queries: list[str] = Field(default_factory=list)  # youtube_search: search terms (yt-dlp)
    bridge_url: str | None = None  # bridge: the RSS-Bridge / RSSHub instance
    routes: list[str] = Field(default_factory=list)  # bridge: routes on it, e.g. "/facebook/page/laichau"
    comments_of: list[str] = Field(default_factory=list)  # comments: ids of the sources whose articles
    comments_api: Literal["vnexpress"] = "vnexpress"  # comments: which outlet's public comment API
    comments_days: int = Field(default=3, ge=1, le=60)  # comments: articles stored in the last N days
    api_url: str | None = None  # comments: the comment API's address (default: the outlet's public one)

    @field_validator("api_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value)

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> int:
        if not isinstance(value, str | int):
            raise ValueError("phải là khoảng thời gian như 30s, 15m, 2h, 1d")
        return parse_duration(value)

    @field_validator("bridge_url")
    @classmethod
    def _bridge_url(cls, value: str | None) -> str | None:
        return None if value is None else _check_url(value)

    @model_validator(mode="before")
    @classmethod
    def _derived_urls(cls, data: Any) -> Any:
        """Sources that are not fetched from URLs of their own get entry URLs derived from their keys."""
        if isinstance(data, dict) and not data.get("urls"):
            kind = data.get("type")
            if kind == "bridge" and data.get("bridge_url") and data.get("routes"):
                base = str(data["bridge_url"]).rstrip("/")
                data = {**data, "urls": [route if route.startswith("http") else base + "/" + route.lstrip("/")
                                         for route in data["routes"]]}
            elif kind == "youtube_search" and data.get("queries"):
                data = {**data, "urls": ["ytsearch:" + query for query in data["queries"]]}
            elif kind == "comments" and data.get("comments_of"):
                data = {**data, "urls": ["comments:" + source for source in data["comments_of"]]}
        return data

    @field_validator("urls")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        return [url if url.startswith(("ytsearch:", "comments:")) else _check_url(url) for url in value]

    @model_validator(mode="after")
    def _listing_needs_selectors(self) -> Source:
        if self.type == "listing" and self.selectors is None:
            raise ValueError("nguồn kiểu 'listing' cần 'selectors.article_links'")
        if self.type == "bridge" and not self.bridge_url:
            raise ValueError("nguồn kiểu 'bridge' cần 'bridge_url' (địa chỉ RSS-Bridge/RSSHub) và 'routes'")
        if self.type == "youtube_search" and not self.queries:
            raise ValueError("nguồn kiểu 'youtube_search' cần 'queries' (từ khóa tìm kiếm)")
        if self.type == "comments" and not self.comments_of:
            raise ValueError("nguồn kiểu 'comments' cần 'comments_of' (id các nguồn có bài cần lấy bình luận)")
        return self


class Defaults(_Strict):
    interval: int = 1800

    @field_validator("interval", mode="before")
    @classmethod
    def _interval(cls, value: Any) -> int:
        if not isinstance(value, str | int):
            raise ValueError("phải là khoảng thời gian như 30s, 15m, 2h, 1d")
        return parse_duration(value)


class SourcesFile(_Strict):
    defaults: Defaults = Defaults()
    sources: list[Source]


Weight = TypeVar("Weight", int, float)


def _weighted_terms(value: dict[Weight, list[str]], low: int, high: int) -> dict[Weight, list[str]]:
    """Terms grouped by weight: every weight within [low, high], no empty term."""
    for weight, words in value.items():
        if not low <= weight <= high:
            raise ValueError(f"trọng số {weight:g} phải từ {low} đến {high}")
        if any(not str(word).strip() for word in words):
            raise ValueError("có thuật ngữ rỗng")
    return value


class TopicEntry(_Strict):
    slug: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
    label: str = Field(min_length=1)
    description: str | None = None
    terms: dict[int, list[str]]

    @field_validator("terms")
    @classmethod
    def _weights(cls, value: dict[int, list[str]]) -> dict[int, list[str]]:
        return _weighted_terms(value, 1, 5)


class TopicsFile(_Strict):
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


class SentimentFile(_Strict):
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


class ToxicityFile(_Strict):
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


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("database", "data/presswatch.db", "SQLite file holding articles, crawl state and the index."),
    Setting(
        "user_agent",
        "presswatch/0.1 (media monitoring for So TT&TT Lai Chau; +https://github.com/presswatch/presswatch)",
        "User-Agent sent with every request; put your office's contact URL in it.",
    ),
    Setting("obey_robots", True, "Obey robots.txt."),
    Setting("download_timeout", 30.0, "Seconds before one HTTP request is abandoned."),
    Setting("retry_times", 2, "Retries of a failed request (timeouts, 5xx, connection errors)."),
    Setting("max_page_bytes", 5_000_000, "Pages larger than this are not downloaded."),
    Setting("max_articles_per_run", 200, "New articles fetched per source and crawl at most."),
    Setting("crawl_timeout", 900, "Hard limit in seconds for one source's crawl subprocess."),
    Setting("parallel_crawls", 2, "Crawl subprocesses running at once."),
    Setting("concurrent_requests_per_domain", 2, "Parallel requests to one site (AutoThrottle adapts below)."),
    Setting("autothrottle", True, "Adapt the request rate to each site's latency (Scrapy AutoThrottle)."),
    Setting("index_backend", "sqlite", "Search backend: sqlite (embedded FTS5) or elasticsearch."),
    Setting("elasticsearch_url", "http://127.0.0.1:9200", "Elasticsearch address (credentials from the environment)."),
    Setting("elasticsearch_alias", "presswatch-articles", "Alias searched; its indices are named <alias>-<time>."),
    Setting("web_base_url", None, "Address of the web UI as inspectors reach it; alerts and the digest link to it."),
    Setting("alert_timeout", 10.0, "Seconds before one alert delivery (webhook/chat request) is abandoned."),
    Setting("alert_retry_base", 30.0, "Seconds before the first retry of a failed delivery; doubles each time."),
    Setting("alert_retry_max", 3600.0, "Longest wait in seconds between two delivery attempts (jittered)."),
    Setting("alert_max_age", 172800.0, "Seconds after which an undelivered alert goes to the dead letters."),
    Setting("alert_poll", 1.0, "Seconds between two looks at the outbox by the delivery worker."),
    Setting("digest_time", "07:00", "Local time (HH:MM) of the daily digest; it covers the 24 h before."),
    Setting("digest_recipients", [], "E-mail addresses receiving the daily digest; empty: the digest is not sent."),
    Setting("digest_sender", "presswatch@localhost", "From address of the digest."),
    Setting("smtp_host", "localhost", "SMTP server sending the digest (credentials from the environment)."),
    Setting("smtp_port", 587, "SMTP port (587 for starttls, 465 for ssl, 25 for none)."),
    Setting("smtp_security", "starttls", "starttls, ssl or none."),
    Setting("smtp_timeout", 30.0, "Seconds before an SMTP connection or command is abandoned."),
    Setting("digest_silent_days", 3, "A source with no new article for this many days is listed as silent."),
    Setting("metrics_port", 9464, "Port of the Prometheus /metrics endpoint of `presswatch run`; 0 turns it off."),
    Setting("metrics_host", "127.0.0.1", "Address the /metrics endpoint listens on."),
    Setting("log_format", "plain", "Log lines of `presswatch run`: plain text or json (one object per line)."),
    Setting("crawl_jitter", 0.1, "Random delay added to each crawl, as a fraction of the source's interval (≤ 5 min)."),
    Setting("crawl_backoff_max", 21600, "Longest wait in seconds between crawls of a failing source (back-off)."),
    Setting("retention_days", 0, "Articles older than this many days are deleted nightly; 0 keeps everything."),
    Setting("housekeeping_time", "02:30", "Local time (HH:MM) of the nightly retention, optimise and backup."),
    Setting("backup_dir", "data/backups", "Where the nightly SQLite backup is written; empty: no backup."),
    Setting("backup_keep", 3, "Nightly backups kept (older ones are deleted)."),
    Setting("ytdlp_command", "", "Command running yt-dlp for youtube_search sources; empty: the yt-dlp installed "
            "with presswatch (python -m yt_dlp)."),
    Setting("web_host", "127.0.0.1", "Address the web UI listens on (loopback by default; put a TLS proxy in front)."),
    Setting("web_port", 8080, "Port of the web UI and JSON API; 0: `presswatch run` does not serve them."),
    Setting("web_secure_cookies", False, "Mark session cookies Secure even when the request arrived over http "
            "(set true behind an https proxy)."),
    Setting("session_hours", 12, "Hours a login session lasts."),
    Setting("export_max_rows", 10000, "Most articles one CSV/XLSX export holds."),
    Setting("crawl_allow_internal", [], "Internal hosts the crawler may fetch although they resolve to loopback, "
            "private, link-local… addresses: names, addresses or networks, each optionally with :port. Empty: every "
            "internal address is refused."),
    Setting("web_facet_max_hits", 10000, "Facet counts and the per-day chart are computed for at most this many "
            "results (they cost time per matching article); above it the page asks to narrow the search."),
)


def _default(name: str) -> Any:
    return next(setting.default for setting in SETTINGS if setting.name == name)


class Settings(_Strict):
    """Behaviour knobs; see ``SETTINGS`` for defaults and meanings."""

    database: str = _default("database")
    user_agent: str = _default("user_agent")
    obey_robots: bool = _default("obey_robots")
    download_timeout: float = Field(default=_default("download_timeout"), gt=0)
    retry_times: int = Field(default=_default("retry_times"), ge=0, le=10)
    max_page_bytes: int = Field(default=_default("max_page_bytes"), ge=10_000)
    max_articles_per_run: int = Field(default=_default("max_articles_per_run"), ge=1)
    crawl_timeout: int = Field(default=_default("crawl_timeout"), ge=5)
    parallel_crawls: int = Field(default=_default("parallel_crawls"), ge=1, le=32)
    concurrent_requests_per_domain: int = Field(default=_default("concurrent_requests_per_domain"), ge=1, le=32)
    autothrottle: bool = _default("autothrottle")
    index_backend: Literal["sqlite", "elasticsearch"] = _default("index_backend")
    elasticsearch_url: str = _default("elasticsearch_url")
    elasticsearch_alias: str = Field(default=_default("elasticsearch_alias"), pattern=r"^[a-z0-9][a-z0-9_-]*$")
    web_base_url: str | None = _default("web_base_url")
    alert_timeout: float = Field(default=_default("alert_timeout"), gt=0, le=300)
    alert_retry_base: float = Field(default=_default("alert_retry_base"), gt=0)
    alert_retry_max: float = Field(default=_default("alert_retry_max"), gt=0)
    alert_max_age: float = Field(default=_default("alert_max_age"), gt=0)
    alert_poll: float = Field(default=_default("alert_poll"), gt=0, le=60)
    digest_time: str = _default("digest_time")
    digest_recipients: list[str] = Field(default_factory=list)
    digest_sender: str = _default("digest_sender")
    smtp_host: str = Field(default=_default("smtp_host"), min_length=1)
    smtp_port: int = Field(default=_default("smtp_port"), ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = _default("smtp_security")
    smtp_timeout: float = Field(default=_default("smtp_timeout"), gt=0, le=600)
    digest_silent_days: int = Field(default=_default("digest_silent_days"), ge=1, le=365)
    metrics_port: int = Field(default=_default("metrics_port"), ge=0, le=65535)
    metrics_host: str = _default("metrics_host")
    log_format: Literal["plain", "json"] = _default("log_format")
    crawl_jitter: float = Field(default=_default("crawl_jitter"), ge=0, le=1)
    crawl_backoff_max: int = Field(default=_default("crawl_backoff_max"), ge=1)
    retention_days: int = Field(default=_default("retention_days"), ge=0)
    housekeeping_time: str = _default("housekeeping_time")
    backup_dir: str = _default("backup_dir")
    backup_keep: int = Field(default=_default("backup_keep"), ge=1, le=100)
    ytdlp_command: str = _default("ytdlp_command")
    web_host: str = _default("web_host")
    web_port: int = Field(default=_default("web_port"), ge=0, le=65535)
    web_secure_cookies: bool = _default("web_secure_cookies")
    session_hours: float = Field(default=_default("session_hours"), gt=0, le=24 * 30)
    export_max_rows: int = Field(default=_default("export_max_rows"), ge=1, le=1_000_000)
    web_facet_max_hits: int = Field(default=_default("web_facet_max_hits"), ge=0)
    crawl_allow_internal: list[Annotated[str, AfterValidator(_allow_entry)]] = Field(default_factory=list)

    @field_validator("digest_time", "housekeeping_time", mode="before")
    @classmethod
    def _yaml_clock(cls, value: Any) -> Any:
        # YAML 1.1 reads an unquoted 07:00 as the sexagesimal integer 420.
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
            return f"{value // 60:02d}:{value % 60:02d}"
        return value

    @field_validator("digest_time", "housekeeping_time")
    @classmethod
    def _digest_time(cls, value: str) -> str:
        match = _CLOCK.match(value)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            raise ValueError(f"'{value}' không phải giờ hợp lệ dạng HH:MM (ví dụ 07:00)")
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    @field_validator("crawl_allow_internal", mode="before")
    @classmethod
    def _split_allowed(cls, value: Any) -> Any:
        # From the environment: PRESSWATCH_CRAWL_ALLOW_INTERNAL="127.0.0.1:1200, intranet.laichau.gov.vn"
        if isinstance(value, str):
            return [part for part in re.split(r"[,;\s]+", value) if part]
        return value

    @field_validator("digest_recipients", mode="before")
    @classmethod
    def _split_recipients(cls, value: Any) -> Any:
        # From the environment: PRESSWATCH_DIGEST_RECIPIENTS="a@x.vn, b@y.vn"
        if isinstance(value, str):
            return [part for part in re.split(r"[,;\s]+", value) if part]
        return value

    @field_validator("digest_recipients")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        return [_check_address(address) for address in value]

    @field_validator("digest_sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _check_address(value)

    @field_validator("web_base_url")
    @classmethod
    def _web_base_url(cls, value: str | None) -> str | None:
        return None if not value else _check_url(value).rstrip("/")

    def digest_clock(self) -> tuple[int, int]:
        hours, minutes = self.digest_time.split(":")
        return int(hours), int(minutes)


_MESSAGES: dict[str, str] = {
    "extra_forbidden": "khóa không được hỗ trợ (kiểm tra chính tả)",
    "missing": "thiếu khóa bắt buộc",
    "literal_error": "phải là một trong: {expected}",
    "string_type": "phải là chuỗi",
    "string_too_short": "không được để trống",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "list_type": "phải là danh sách",
    "too_short": "danh sách không được rỗng",
    "model_type": "phải là một ánh xạ khóa: giá trị",
    "dict_type": "phải là một ánh xạ khóa: giá trị",
    "string_pattern_mismatch": "chỉ gồm chữ thường không dấu, số, '-' hoặc '_' (mẫu {pattern})",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải từ {ge} trở lên",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
}


def _problems(error: ValidationError, doc: YamlDocument, prefix: Location = ()) -> list[str]:
    problems = []
    for item in error.errors():
        loc: Location = (*prefix, *(part for part in item["loc"] if isinstance(part, str | int)))
        message = item["msg"]
        kind = item["type"]
        ctx = item.get("ctx") or {}
        if kind in _MESSAGES:
            message = _MESSAGES[kind].format(**ctx)
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        got = item.get("input")
        if kind not in ("missing", "extra_forbidden", "value_error") and isinstance(got, str | int | float):
            message += f" (đang là: {got!r})"
        problems.append(f"{doc.where(loc)}: {message}")
    return problems


def _apply_defaults(doc: YamlDocument) -> None:
    data = doc.data
    if not isinstance(data, dict):
        return
    defaults = data.get("defaults") or {}
    sources = data.get("sources")
    if isinstance(defaults, dict) and "interval" in defaults and isinstance(sources, list):
        for source in sources:
            if isinstance(source, dict) and "interval" not in source:
                source["interval"] = defaults["interval"]


def load_sources(path: Path) -> list[Source]:
    """Load and validate a sources file; raise ConfigError listing every problem."""
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise ConfigError([f"{path}:1: tệp phải là một ánh xạ có khóa 'sources'"])
    _apply_defaults(doc)
    problems = _duplicate_ids(doc)
    try:
        parsed = SourcesFile.model_validate(doc.data)
    except ValidationError as exc:
        problems = _problems(exc, doc) + problems
    if problems:
        raise ConfigError(problems)
    return parsed.sources


def _duplicate_ids(doc: YamlDocument) -> list[str]:
    sources = doc.data.get("sources") if isinstance(doc.data, dict) else None
    if not isinstance(sources, list):
        return []
    seen: dict[str, int] = {}
    problems = []
    for position, source in enumerate(sources):
        source_id = source.get("id") if isinstance(source, dict) else None
        if not isinstance(source_id, str):
            continue
        if source_id in seen:
            problems.append(
                f"{doc.where(('sources', position, 'id'))}: id '{source_id}' trùng với nguồn "
                f"ở dòng {doc.line_of(('sources', seen[source_id], 'id'))}"
            )
        else:
            seen[source_id] = position
    return problems


def load_settings(path: Path | None, environ: dict[str, str] | None = None) -> Settings:
    """Settings from ``path`` (if it exists), then ``PRESSWATCH_<NAME>`` environment variables."""
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    doc: YamlDocument | None = None
    if path is not None and path.exists():
        doc = load_yaml(path)
        if doc.data is not None and not isinstance(doc.data, dict):
            raise ConfigError([f"{path}:1: tệp phải là một ánh xạ khóa: giá trị"])
        values.update(doc.data or {})
    for setting in SETTINGS:
        env_value = environ.get(f"PRESSWATCH_{setting.name.upper()}")
        if env_value is not None:
            values[setting.name] = env_value
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        if doc is None:
            doc = YamlDocument(Path("<môi trường>"), values, {})
        raise ConfigError(_problems(exc, doc)) from None


def _load_model(path: Path, model: type[ModelT]) -> ModelT:
    doc = load_yaml(path)
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise ConfigError(_problems(exc, doc)) from None


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


def _analyzer(topics: TopicsFile, sentiment: SentimentFile, with_entities: bool,
              toxicity: ToxicityFile | None = None, sentiment_model: bool = True) -> Analyzer:
    model = SentimentModel.load() if sentiment.model and sentiment_model else None
    return Analyzer(TopicLexicon.from_dict(topics.model_dump()),
                    SentimentLexicon.from_dict(sentiment.model_dump(exclude={"model"})),
                    with_entities=with_entities,
                    toxicity=ToxicityLexicon.from_dict(toxicity.model_dump()) if toxicity else None,
                    sentiment_model=model)


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

    def analyzer(self, with_entities: bool = True) -> Analyzer:
        """The analysis configured by ``topics.yaml``, ``sentiment.yaml`` and ``toxicity.yaml``."""
        if self.topics is None or self.sentiment is None:
            raise ConfigError([f"{self.directory}: thiếu topics.yaml hoặc sentiment.yaml"])
        return _analyzer(self.topics, self.sentiment, with_entities, self.toxicity)

    @property
    def database(self) -> Path:
        path = Path(self.settings.database)
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

    settings = collect(lambda: load_settings(directory / "presswatch.yaml", environ), Settings())
    no_sources: list[Source] = []
    sources = collect(lambda: load_sources(directory / "sources.yaml"), no_sources)
    topics: TopicsFile | None = collect(lambda: load_topics(directory / "topics.yaml"), None)
    sentiment: SentimentFile | None = collect(lambda: load_sentiment(directory / "sentiment.yaml"), None)
    toxicity: ToxicityFile | None = collect(lambda: load_toxicity(directory / "toxicity.yaml"), None)
    from presswatch.alerts_config import load_alerts  # it builds on this module's models

    alerts: AlertsFile | None = collect(lambda: load_alerts(directory / "alerts.yaml"), None)
    if problems:
        raise ConfigError(problems)
    return Config(directory=directory, settings=settings, sources=sources, topics=topics, sentiment=sentiment,
                  alerts=alerts, toxicity=toxicity)


def load_analyzer(directory: Path, with_entities: bool = True, sentiment_model: bool = True) -> Analyzer:
    """Only the analysis part of a configuration directory (for ``presswatch analyze``).
    ``sentiment_model=False``: the lexicon alone decides sentiment, whatever ``sentiment.yaml`` says
    (training and comparing the model)."""
    return _analyzer(load_topics(directory / "topics.yaml"), load_sentiment(directory / "sentiment.yaml"),
                     with_entities, load_toxicity(directory / "toxicity.yaml"), sentiment_model)
