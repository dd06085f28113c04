"""Parsers of social sources' public responses into posts (plain functions, no Scrapy).

    youtube_feed        a channel's public Atom feed (youtube.com/feeds/videos.xml?channel_id=…)
    ytdlp_videos        yt-dlp's JSON: ``--dump-json`` lines or a ``-J`` playlist (a search)
    telegram_preview    a public channel's web preview page (t.me/s/<channel>)
    bridge_feed         a feed made by RSS-Bridge or RSSHub from a Facebook page, a TikTok account…
    vnexpress_comments  the JSON of VnExpress's public comment widget under an article

Each returns ``Post`` records: the text is the post itself (no page to fetch), with its author or
channel and its public engagement counts when the response has them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser
from lxml import etree
from lxml import html as lxml_html

NS = {"atom": "http://www.w3.org/2005/Atom", "yt": "http://www.youtube.com/xml/schemas/2015",
      "media": "http://search.yahoo.com/mrss/"}
TITLE_CHARS = 120


@dataclass
class Post:
    url: str
    title: str
    text: str
    content_type: str  # video | post | comment
    author: str | None = None
    published: datetime | None = None
    engagement: dict[str, int] = field(default_factory=dict)
    image: str | None = None
    parent_url: str | None = None


def short_title(text: str) -> str:
    """A post has no headline: its first line, cut at a word near ``TITLE_CHARS``."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= TITLE_CHARS:
        return first
    cut = first[:TITLE_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def count(value: Any) -> int | None:
    """``"1.2K"`` → 1200, ``"3,4M"`` → 3400000, ``"12 345"`` → 12345; None when not a count."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    match = re.fullmatch(r"(\d+(?:[.,]\d+)?)([KkMmBb]?)", text)
    if not match:
        digits = re.sub(r"[.,]", "", text)
        return int(digits) if digits.isdigit() else None
    number, unit = match.groups()
    if not unit:
        return int(re.sub(r"[.,]", "", number))
    return int(float(number.replace(",", ".")) * {"k": 1e3, "m": 1e6, "b": 1e9}[unit.lower()])


def _engagement(**values: Any) -> dict[str, int]:
    return {name: found for name, value in values.items() if (found := count(value)) is not None}


def _datetime(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def youtube_feed(xml: bytes) -> list[Post]:
    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    posts = []
    for entry in root.findall("atom:entry", NS):
        video = entry.findtext("yt:videoId", namespaces=NS)
        link = entry.find("atom:link[@rel='alternate']", NS)
        url = link.get("href") if link is not None else f"https://www.youtube.com/watch?v={video}"
        group = entry.find("media:group", NS)
        description = (group.findtext("media:description", namespaces=NS) if group is not None else None) or ""
        stats = entry.find(".//media:statistics", NS)
        rating = entry.find(".//media:starRating", NS)
        thumbnail = entry.find(".//media:thumbnail", NS)
        title = entry.findtext("atom:title", namespaces=NS) or short_title(description)
        posts.append(Post(
            url=url or "", title=title.strip(), text=description.strip() or title.strip(), content_type="video",
            author=entry.findtext("atom:author/atom:name", namespaces=NS),
            published=_datetime(entry.findtext("atom:published", namespaces=NS)),
            engagement=_engagement(views=stats.get("views") if stats is not None else None,
                                   likes=rating.get("count") if rating is not None else None),
            image=thumbnail.get("url") if thumbnail is not None else None,
        ))
    return [post for post in posts if post.url]


def ytdlp_videos(output: str) -> list[Post]:
    """yt-dlp ``--dump-json`` (one video per line) or ``-J`` (a playlist with ``entries``)."""
    records: list[dict[str, Any]] = []
    for line in output.splitlines():
        line = line.strip()
        if not line:
            continue
        data = json.loads(line)
        records.extend(data.get("entries") or [] if data.get("_type") == "playlist" else [data])
    posts = []
    for record in records:
        url = record.get("webpage_url") or record.get("url") or (
            f"https://www.youtube.com/watch?v={record['id']}" if record.get("id") else None)
        if not url:
            continue
        published = None
        if record.get("timestamp"):
            published = datetime.fromtimestamp(int(record["timestamp"]), UTC)
        elif record.get("upload_date"):
            published = datetime.strptime(record["upload_date"], "%Y%m%d").replace(tzinfo=UTC)
        title = (record.get("title") or "").strip()
        description = (record.get("description") or "").strip()
        thumbnails = record.get("thumbnails") or []
        posts.append(Post(
            url=url, title=title or short_title(description), text=description or title, content_type="video",
            author=record.get("channel") or record.get("uploader"), published=published,
            engagement=_engagement(views=record.get("view_count"), likes=record.get("like_count"),
                                   comments=record.get("comment_count")),
            image=record.get("thumbnail") or (thumbnails[-1].get("url") if thumbnails else None),
        ))
    return posts


BLOCKS = {"br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}


def _text(element: Any) -> str:
    """Visible text with a line break after each block element and ``<br>``."""
    for child in element.iter():
        if child is not element and isinstance(child.tag, str) and child.tag in BLOCKS:
            child.tail = "\n" + (child.tail or "")
    return "\n".join(line.strip() for line in element.text_content().splitlines() if line.strip())


def telegram_preview(page: str) -> list[Post]:
    tree = lxml_html.fromstring(page)
    posts = []
    for message in tree.xpath("//div[contains(@class, 'tgme_widget_message ') and @data-post]"):
        post_id = message.get("data-post")
        body = message.xpath(".//div[contains(@class, 'tgme_widget_message_text')]")
        text = _text(body[0]) if body else ""
        if not text:
            continue  # a photo or a sticker without a caption
        moment = message.xpath(".//a[contains(@class, 'tgme_widget_message_date')]/time/@datetime")
        views = message.xpath(".//span[contains(@class, 'tgme_widget_message_views')]/text()")
        author = message.xpath(".//a[contains(@class, 'tgme_widget_message_owner_name')]//text()")
        posts.append(Post(url=f"https://t.me/{post_id}", title=short_title(text), text=text, content_type="post",
                          author="".join(author).strip() or None, published=_datetime(moment[0] if moment else None),
                          engagement=_engagement(views=views[0] if views else None)))
    return posts


def bridge_feed(body: bytes) -> list[Post]:
    parsed = feedparser.parse(body)
    posts = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        content = entry.get("content") or []
        raw = content[0].get("value") if content else entry.get("summary", "")
        text = _text(lxml_html.fromstring(f"<div>{raw}</div>")) if raw and raw.strip() else ""
        title = (entry.get("title") or "").strip()
        text = text or title
        if not text:
            continue
        moment = entry.get("published_parsed") or entry.get("updated_parsed")
        posts.append(Post(url=link, title=title if title and not title.startswith("http") else short_title(text),
                          text=text, content_type="post", author=entry.get("author"),
                          published=datetime(*moment[:6]).replace(tzinfo=UTC) if moment else None))
    return posts


VNEXPRESS_ID = re.compile(r"-(\d{6,})\.html")


def vnexpress_article_id(url: str) -> str | None:
    match = VNEXPRESS_ID.search(url)
    return match.group(1) if match else None


def vnexpress_comments(body: bytes, article_url: str, article_title: str) -> list[Post]:
    """Comments and their replies; ``data.items[].replys.items[]`` holds the replies."""
    document = json.loads(body)
    if document.get("error") not in (0, "0", None):
        raise ValueError(f"API bình luận trả lỗi: {document.get('errorDescription') or document.get('error')}")
    items = list((document.get("data") or {}).get("items") or [])
    posts = []
    while items:
        item = items.pop(0)
        items.extend(((item.get("replys") or {}).get("items")) or [])
        content = lxml_html.fromstring(f"<div>{item.get('content') or ''}</div>").text_content().strip()
        if not content or not item.get("comment_id"):
            continue
        name = (item.get("full_name") or "").strip() or None
        moment = item.get("creation_time")
        posts.append(Post(
            url=f"{article_url}#binh-luan-{item['comment_id']}",
            title=f"Bình luận{' của ' + name if name else ''} về: {article_title}"[:200],
            text=content, content_type="comment", author=name,
            published=datetime.fromtimestamp(int(moment), UTC) if moment else None,
            engagement=_engagement(likes=item.get("userlike"),
                                   comments=(item.get("replys") or {}).get("total")),
            parent_url=article_url,
        ))
    return posts
