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
from pydantic_core import ErrorDetails

from analysis.pipeline import Analyzer
from analysis.sentiment import SentimentLexicon
from analysis.sentiment_model import SentimentModel
from analysis.topics import TopicLexicon
from analysis.toxicity import ToxicityLexicon
from presswatch.config import refs as config_refs
from presswatch.config.refs import comments_of_problems, suggestion
from presswatch.config.yamlfile import Location, YamlDocument, load_yaml
from presswatch.errors import ConfigError
from presswatch.netpolicy import parse_rule

if TYPE_CHECKING:
    from presswatch.config.alerts import AlertsFile

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

_DURATION = re.compile(r"^\s*(-?\d{1,15})\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_INTERVAL = 30 * 86400  # a source's crawl interval: at most 30 days (and crawl_min_interval at least)
MIN_RULE_AGE, MAX_RULE_AGE = 60, 3650 * 86400  # an alert rule's max_age: 1 minute to 10 years


def format_duration(seconds: int) -> str:
    """900 → ``"15m"``: the largest unit that divides ``seconds``."""
    for unit in ("d", "h", "m"):
        if seconds and seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


def parse_duration(value: str | int, minimum: int = 1, maximum: int = MAX_INTERVAL) -> int:
    """``"15m"`` → 900. Integers are seconds. Outside [minimum, maximum] is an error: a huge interval
    would overflow the scheduler's dates."""
    bounds = f"từ {format_duration(minimum)} đến {format_duration(maximum)}"
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"phải là khoảng thời gian như 30s, 15m, 2h, 1d ({bounds})")
    if isinstance(value, int):
        seconds = value
    else:
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"'{value[:40]}' không phải khoảng thời gian: một số và đơn vị s, m, h hoặc d, "
                             f"ví dụ 15m ({bounds})")
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if not minimum <= seconds <= maximum:
        shown = value if isinstance(value, str) else f"{value} giây"
        raise ValueError(f"khoảng thời gian phải {bounds} (đang là: {shown})")
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
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


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
    Setting("crawl_min_interval", 60, "Shortest interval in seconds a source may be crawled at (spares the sites)."),
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
    download_timeout: float = Field(default=_default("download_timeout"), gt=0, le=600)
    retry_times: int = Field(default=_default("retry_times"), ge=0, le=10)
    max_page_bytes: int = Field(default=_default("max_page_bytes"), ge=10_000, le=1_000_000_000)
    max_articles_per_run: int = Field(default=_default("max_articles_per_run"), ge=1, le=100_000)
    crawl_timeout: int = Field(default=_default("crawl_timeout"), ge=5, le=86_400)
    parallel_crawls: int = Field(default=_default("parallel_crawls"), ge=1, le=32)
    concurrent_requests_per_domain: int = Field(default=_default("concurrent_requests_per_domain"), ge=1, le=32)
    autothrottle: bool = _default("autothrottle")
    index_backend: Literal["sqlite", "elasticsearch"] = _default("index_backend")
    elasticsearch_url: str = _default("elasticsearch_url")
    elasticsearch_alias: str = Field(default=_default("elasticsearch_alias"), pattern=r"^[a-z0-9][a-z0-9_-]*$")
    web_base_url: str | None = _default("web_base_url")
    alert_timeout: float = Field(default=_default("alert_timeout"), gt=0, le=300)
    alert_retry_base: float = Field(default=_default("alert_retry_base"), gt=0, le=86_400)
    alert_retry_max: float = Field(default=_default("alert_retry_max"), gt=0, le=7 * 86_400)
    alert_max_age: float = Field(default=_default("alert_max_age"), gt=0, le=365 * 86_400)
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
    crawl_backoff_max: int = Field(default=_default("crawl_backoff_max"), ge=1, le=30 * 86_400)
    crawl_min_interval: int = Field(default=_default("crawl_min_interval"), ge=1, le=86_400)
    retention_days: int = Field(default=_default("retention_days"), ge=0, le=36_500)
    housekeeping_time: str = _default("housekeeping_time")
    backup_dir: str = _default("backup_dir")
    backup_keep: int = Field(default=_default("backup_keep"), ge=1, le=100)
    ytdlp_command: str = _default("ytdlp_command")
    web_host: str = _default("web_host")
    web_port: int = Field(default=_default("web_port"), ge=0, le=65535)
    web_secure_cookies: bool = _default("web_secure_cookies")
    session_hours: float = Field(default=_default("session_hours"), gt=0, le=24 * 30)
    export_max_rows: int = Field(default=_default("export_max_rows"), ge=1, le=1_000_000)
    web_facet_max_hits: int = Field(default=_default("web_facet_max_hits"), ge=0, le=100_000_000)
    crawl_allow_internal: list[Annotated[str, AfterValidator(_allow_entry)]] = Field(default_factory=list)

    @field_validator("digest_time", "housekeeping_time", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> str:
        # Our YAML loader reads an unquoted 07:00 as the text "07:00" (not YAML 1.1's base-60 420).
        if not isinstance(value, str):
            raise ValueError(f"phải là giờ dạng HH:MM, ví dụ 07:00 (đang là: {value!r})")
        match = _CLOCK.match(value.strip())
        if not match:
            raise ValueError(f"'{value[:40]}' không phải giờ hợp lệ dạng HH:MM (ví dụ 07:00)")
        if int(match.group(1)) > 23:
            raise ValueError(f"'{value}' không phải giờ hợp lệ: giờ phải từ 00 đến 23")
        if int(match.group(2)) > 59:
            raise ValueError(f"'{value}' không phải giờ hợp lệ: phút phải từ 00 đến 59")
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
    "invalid_key": "tên khóa phải là chuỗi",
    "missing": "thiếu khóa bắt buộc",
    "string_type": "phải là chuỗi",
    "string_unicode": "phải là chuỗi văn bản UTF-8",
    "string_too_short": "không được để trống",
    "string_too_long": "dài quá {max_length} ký tự",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên (không có phần thập phân)",
    "int_parsing_size": "số quá lớn",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "finite_number": "phải là số hữu hạn (không dùng .inf hay .nan)",
    "list_type": "phải là danh sách",
    "too_short": "danh sách không được rỗng",
    "too_long": "danh sách dài quá {max_length} mục",
    "model_type": "phải là một ánh xạ khóa: giá trị",
    "model_attributes_type": "phải là một ánh xạ khóa: giá trị",
    "dict_type": "phải là một ánh xạ khóa: giá trị",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải từ {ge} trở lên",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
}


def _choices(expected: str) -> tuple[list[str], str]:
    """Pydantic's "'a', 'b' or 'c'" → the choices and "'a', 'b' hoặc 'c'"."""
    choices = re.findall(r"'([^']*)'", expected)
    quoted = [f"'{choice}'" for choice in choices]
    if len(quoted) < 2:
        return choices, expected
    return choices, ", ".join(quoted[:-1]) + " hoặc " + quoted[-1]


def _pattern(pattern: str) -> str:
    if "A-Z" in pattern:
        return "tên biến môi trường chỉ gồm chữ in hoa không dấu, số và '_' (ví dụ PRESSWATCH_WEBHOOK_SECRET)"
    allowed = "số, '-' và '_'" if "_" in pattern else "số và '-'"
    return f"chỉ gồm chữ thường không dấu, {allowed}, bắt đầu bằng chữ hoặc số (mẫu {pattern})"


def _number(value: object) -> object:
    """1.0 → 1, so that bounds read "phải lớn hơn 0", not "0.0"."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _echo(got: object) -> str:
    shown = repr(got)
    return f" (đang là: {shown if len(shown) <= 60 else shown[:57] + '…'})"


def error_message(item: ErrorDetails) -> str:
    """One pydantic error in Vietnamese: what is wrong, the value found, the nearest valid choice."""
    kind = item["type"]
    ctx = item.get("ctx") or {}
    got = item.get("input")
    hint = ""
    if kind == "literal_error":
        choices, listed = _choices(str(ctx.get("expected", "")))
        message = f"phải là một trong: {listed}" if len(choices) > 1 else f"phải là {listed}"
        hint = suggestion(got, choices)
    elif kind == "string_pattern_mismatch":
        message = _pattern(str(ctx.get("pattern", "")))
    elif kind == "value_error":
        message = str(item["msg"]).removeprefix("Value error, ")
    elif kind in _MESSAGES:
        message = _MESSAGES[kind].format(**{name: _number(value) for name, value in ctx.items()})
    else:  # a kind none of our models produced when this was written: say so in Vietnamese
        message = "giá trị không hợp lệ"
    if "[key]" in item["loc"]:
        message = "khóa " + message
    if kind not in ("missing", "extra_forbidden", "value_error") and isinstance(got, str | int | float):
        message += _echo(got)
    return message + hint


def error_location(item: ErrorDetails, prefix: Location = ()) -> Location:
    return (*prefix, *(part for part in item["loc"] if isinstance(part, str | int) and part != "[key]"))


def _problems(error: ValidationError, doc: YamlDocument, prefix: Location = ()) -> list[str]:
    return [f"{doc.where(error_location(item, prefix))}: {error_message(item)}" for item in error.errors()]


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
    return sources_of(load_yaml(path))


def sources_of(doc: YamlDocument) -> list[Source]:
    """The sources of a parsed ``sources.yaml``; raise ConfigError listing every problem."""
    if not isinstance(doc.data, dict):
        raise ConfigError([f"{doc.path}:1: tệp phải là một ánh xạ có khóa 'sources'"])
    _apply_defaults(doc)
    problems = _duplicate_ids(doc) + comments_of_problems(doc)
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
    """Settings from ``path`` (if it exists), then ``PRESSWATCH_<NAME>`` environment variables. A
    problem names the file, line and key, or the environment variable it came from."""
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    doc: YamlDocument | None = None
    if path is not None and path.exists():
        doc = load_yaml(path)
        if doc.data is not None and not isinstance(doc.data, dict):
            raise ConfigError([f"{path}:1: tệp phải là một ánh xạ khóa: giá trị"])
        values.update(doc.data or {})
    from_environment: dict[str, str] = {}
    for setting in SETTINGS:
        variable = f"PRESSWATCH_{setting.name.upper()}"
        if environ.get(variable) is not None:
            values[setting.name] = environ[variable]
            from_environment[setting.name] = variable
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        doc = doc or YamlDocument(path or Path("presswatch.yaml"), values, {})
        problems = []
        for item in exc.errors():
            name = item["loc"][0] if item["loc"] else None
            if isinstance(name, str) and name in from_environment:
                problems.append(f"biến môi trường {from_environment[name]}: {error_message(item)}")
            else:
                problems.append(f"{doc.where(error_location(item))}: {error_message(item)}")
        raise ConfigError(problems) from None


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
    warnings: tuple[str, ...] = ()  # loads, but probably not meant: no alerts.yaml, a rule without channel

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

    loaded_settings = collect(lambda: load_settings(directory / "presswatch.yaml", environ), None)
    sources_doc = collect(lambda: load_yaml(directory / "sources.yaml"), None)
    no_sources: list[Source] = []
    sources = collect(lambda: sources_of(sources_doc), no_sources) if sources_doc else no_sources
    topics: TopicsFile | None = collect(lambda: load_topics(directory / "topics.yaml"), None)
    sentiment: SentimentFile | None = collect(lambda: load_sentiment(directory / "sentiment.yaml"), None)
    toxicity: ToxicityFile | None = collect(lambda: load_toxicity(directory / "toxicity.yaml"), None)
    from presswatch.config.alerts import AlertsFile, alerts_of  # it builds on this module's models

    alerts_path = directory / "alerts.yaml"
    alerts_doc = collect(lambda: load_yaml(alerts_path), None) if alerts_path.exists() else None
    alerts: AlertsFile | None = collect(lambda: alerts_of(alerts_doc), None) if alerts_doc else AlertsFile()
    if alerts_doc is not None:
        problems.extend(config_refs.rule_problems(
            alerts_doc, [topic.slug for topic in topics.topics] if topics else None,
            config_refs.source_ids(sources_doc) if sources_doc else None))
    if sources_doc is not None and loaded_settings is not None:
        problems.extend(config_refs.interval_problems(sources_doc, loaded_settings.crawl_min_interval))
    if problems:
        raise ConfigError(problems)
    return Config(directory=directory, settings=loaded_settings or Settings(), sources=sources, topics=topics,
                  sentiment=sentiment, alerts=alerts, toxicity=toxicity,
                  warnings=tuple(config_refs.config_warnings(directory, alerts_doc, alerts_path.exists())))


def load_analyzer(directory: Path, with_entities: bool = True, sentiment_model: bool = True) -> Analyzer:
    """Only the analysis part of a configuration directory (for ``presswatch analyze``).
    ``sentiment_model=False``: the lexicon alone decides sentiment, whatever ``sentiment.yaml`` says
    (training and comparing the model)."""
    return _analyzer(load_topics(directory / "topics.yaml"), load_sentiment(directory / "sentiment.yaml"),
                     with_entities, load_toxicity(directory / "toxicity.yaml"), sentiment_model)
