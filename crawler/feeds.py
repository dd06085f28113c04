"""Feed parsing (RSS 0.9x/1.0/2.0, Atom) through feedparser: tolerant of malformed XML.

A feed whose XML is broken (a raw ``&`` in a URL, an undeclared entity) is still read by
feedparser's lenient parser; ``FeedResult.problem`` says what was wrong so the operator can see it.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser

_TAGS = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str
    summary: str
    published: datetime | None
    guid: str | None
    image: str | None = None


@dataclass
class FeedResult:
    title: str
    entries: list[FeedEntry] = field(default_factory=list)
    problem: str | None = None  # set when the XML was malformed but entries were recovered
    fatal: bool = False  # nothing usable: not a feed at all
    no_link: int = 0  # items without a usable link (none given, or one feedparser could not resolve)


def _clean(value: str | None) -> str:
    if not value:
        return ""
    return _SPACE.sub(" ", _TAGS.sub(" ", value)).strip()


def _moment(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
    return None


def _image(entry: Any) -> str | None:
    for enclosure in entry.get("enclosures") or []:
        if str(enclosure.get("type", "")).startswith("image/") and enclosure.get("href"):
            return str(enclosure["href"])
    for media in entry.get("media_content") or []:
        if media.get("url"):
            return str(media["url"])
    return None


def parse_feed(body: bytes, url: str = "", content_type: str = "application/xml") -> FeedResult:
    """Parse a feed document; links are returned as written (resolved against ``url``)."""
    headers = {"content-type": content_type or "application/xml"}
    if url:
        headers["content-location"] = url
    parsed = feedparser.parse(body, response_headers=headers)
    entries: list[FeedEntry] = []
    no_link = 0
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link:
            guid = entry.get("id") or ""
            link = guid if guid.startswith(("http://", "https://")) else ""
        if not link:
            no_link += 1
            continue
        entries.append(
            FeedEntry(
                link=link,
                title=_clean(entry.get("title")),
                summary=_clean(entry.get("summary")),
                published=_moment(entry),
                guid=entry.get("id"),
                image=_image(entry),
            )
        )
    problem = None
    exception = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(exception, feedparser.NonXMLContentType):
        problem = f"{type(exception).__name__}: {exception}" if exception else "XML không hợp lệ"
    fatal = not entries and not parsed.get("version") and bool(parsed.get("bozo"))
    title = _clean(parsed.feed.get("title")) if parsed.get("feed") else ""
    return FeedResult(title=title, entries=entries, problem=problem, fatal=fatal, no_link=no_link)
