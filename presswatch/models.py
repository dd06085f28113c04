"""The article model shared by the crawler, the store and search."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from presswatch.times import utcnow

if TYPE_CHECKING:
    from analysis.pipeline import Analysis
    from analysis.text_cache import Entry


@dataclass
class Article:
    """One extracted article, as published (``title``/``text``) plus where it came from.

    Timestamps are timezone-aware; the store keeps them in UTC."""

    url: str  # canonical URL (the page's own canonical link when it has one)
    source_id: str
    title: str
    text: str
    source_kind: str = "press"
    published_at: datetime | None = None
    author: str | None = None
    description: str | None = None
    image: str | None = None
    language: str | None = None
    sitename: str | None = None
    fetched_at: datetime = field(default_factory=utcnow)
    # Every URL under which this article was reached (feed link, redirect target...), canonicalised.
    aliases: list[str] = field(default_factory=list)
    analysis: Analysis | None = None  # set by the crawl pipeline's analysis stage
    content_type: str = "article"  # article | video | post | comment
    engagement: dict[str, int] | None = None  # public counts: views, likes, comments, shares
    parent_url: str | None = None  # comment: the stored article it was written under
    # What the analysis's underthesea stages found (analysis.text_cache), stored for re-analysis.
    text_cache: Entry | None = field(default=None, repr=False)


@dataclass(frozen=True)
class StoredArticle:
    """An article read back from the store: ``title``/``text`` normalised (NFC, one tone-mark
    placement, tidy whitespace), ``title_original``/``text_original`` exactly as extracted."""

    id: int
    url: str
    source_id: str
    source_kind: str
    title: str
    text: str
    title_original: str
    text_original: str
    published_at: datetime | None
    fetched_at: datetime
    relevance: str | None
    sentiment: str | None
    analysis: dict[str, Any] | None
    cluster_id: int | None
    author: str | None
    description: str | None
    image: str | None
    language: str | None
    content_type: str = "article"
    engagement: dict[str, int] | None = None
    parent_id: int | None = None
