"""The sources to monitor: ``config/sources.yaml`` (operator data).

Each source has a kind (press, magazine, …: ``KIND_LABELS`` names them in Vietnamese), a type (how
it is crawled: feed, sitemap, listing, …) and an interval; ``defaults.interval`` applies to sources
without one. ``load_sources`` validates the file and reports every problem as ``file:line: key:
message``, duplicate ids, ``comments_of`` naming an unknown source and listing selectors that do not
parse included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from presswatch.config.base import Interval, Strict, check_url, validation_problems
from presswatch.config.refs import comments_of_problems
from presswatch.config.yamlfile import YamlDocument, load_yaml
from presswatch.errors import ConfigError

SourceKind = Literal["press", "magazine", "info_site", "aggregator", "social"]
SourceType = Literal["feed", "sitemap", "listing", "youtube", "youtube_search", "telegram", "bridge", "comments"]

KIND_LABELS: dict[str, str] = {
    "press": "báo chí",
    "magazine": "tạp chí",
    "info_site": "trang thông tin điện tử",
    "aggregator": "tìm kiếm tin tức",
    "social": "mạng xã hội",
}


def is_xpath(expression: str) -> bool:
    """A listing selector starting with / or ( is XPath; any other is CSS (parsel's dialect)."""
    return expression.startswith(("/", "("))


def selector_problem(expression: str) -> str | None:
    """Why parsel cannot read ``expression`` as a listing selector (in Vietnamese), or None."""
    from cssselect import SelectorError
    from parsel import Selector

    probe = Selector(text="<html><body><h3><a href='/'>x</a></h3></body></html>")
    shown = expression if len(expression) <= 80 else expression[:77] + "…"
    try:
        if is_xpath(expression):
            probe.xpath(expression)
        else:
            probe.css(expression)
    except (ValueError, SelectorError):
        if is_xpath(expression):
            return f"'{shown}' không phải biểu thức XPath hợp lệ"
        return f"'{shown}' không phải bộ chọn CSS hợp lệ (biểu thức XPath thì bắt đầu bằng / hoặc ()"
    return None


class Selectors(Strict):
    """How a listing page is read. CSS (parsel, with ``::attr(href)``) or XPath (starts with / or ()."""

    article_links: str = Field(min_length=1)
    next_page: str | None = None
    max_pages: int = Field(default=1, ge=1, le=50)


class Source(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
    name: str = Field(min_length=1)
    kind: SourceKind
    type: SourceType
    urls: list[str] = Field(min_length=1)
    interval: Interval = Field(default=1800, description="seconds between crawls")
    enabled: bool = True
    verified: bool | None = None  # false: its URLs were not checked by a person (`presswatch init` writes so)
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
        return None if value is None else check_url(value)

    @field_validator("bridge_url")
    @classmethod
    def _bridge_url(cls, value: str | None) -> str | None:
        return None if value is None else check_url(value)

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
        return [url if url.startswith(("ytsearch:", "comments:")) else check_url(url) for url in value]

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


class Defaults(Strict):
    interval: Interval = 1800


class SourcesFile(Strict):
    defaults: Defaults = Defaults()
    sources: list[Source]


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
    problems = _duplicate_ids(doc) + comments_of_problems(doc) + _selector_problems(doc)
    try:
        parsed = SourcesFile.model_validate(doc.data)
    except ValidationError as exc:
        problems = validation_problems(exc, doc) + problems
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


def _selector_problems(doc: YamlDocument) -> list[str]:
    """Listing selectors that do not parse: each would fail every crawl of its source. Selectors of
    the wrong type are left to the model's messages."""
    sources = doc.data.get("sources") if isinstance(doc.data, dict) else None
    if not isinstance(sources, list):
        return []
    problems = []
    for position, source in enumerate(sources):
        selectors = source.get("selectors") if isinstance(source, dict) else None
        if not isinstance(selectors, dict):
            continue
        for key in ("article_links", "next_page"):
            expression = selectors.get(key)
            if not isinstance(expression, str) or not expression.strip():
                continue
            problem = selector_problem(expression.strip())
            if problem:
                problems.append(f"{doc.where(('sources', position, 'selectors', key))}: {problem}")
    return problems
