"""Article extraction from one HTML page: a pure function over trafilatura.

``extract(html, url)`` returns the title, text, published time (timezone-aware), author, canonical
URL, image, language, description and site name. Metadata comes first from what the page states
precisely (JSON-LD ``NewsArticle``, ``article:published_time`` and friends), then from trafilatura.
A page that states a time without a timezone is taken to be in Vietnam's time (UTC+7). Per-site
rules (``crawler.sites``) remove boilerplate the generic extractor keeps.

Pages are untrusted: a JSON-LD block that does not parse is dropped before trafilatura reads the page
(its headline would become the title), values nested deeper than ``MAX_JSON_LD_DEPTH`` are ignored,
a canonical link that cannot be an address is ignored, and a date before ``EARLIEST`` or more than
``FUTURE_SLACK`` ahead (in UTC) is not the article's date.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from lxml import etree

from crawler.sites import rule_for
from presswatch.times import VIETNAM

_VIETNAMESE_CHARS = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
# A line that is only the page's date stamp ("Thứ hai, 10/6/2024, 09:15 (GMT+7)"): page chrome.
_DATELINE = re.compile(
    r"(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*)?\d{1,2}[/-]\d{1,2}[/-]\d{2,4}\s*[,|-]?\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?"
    r"\s*(?:\(?\s*GMT\s*\+\s*7\s*\)?)?",
    re.IGNORECASE,
)
# A date outside [EARLIEST, now + FUTURE_SLACK] is not an article's date (a template's placeholder, a
# typo, or a value built to overflow the conversion to UTC): the next source of the date is tried.
EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
MAX_DATE_CHARS = 64  # the longest ISO-like timestamp read; longer text is read as a Vietnamese date only
MAX_JSON_LD_DEPTH = 8  # how deep into JSON-LD values an author or image is looked for
_DATE_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date.issued",
    "dc.date",
    "date",
    "itemprop:datepublished",
)


@dataclass
class Extraction:
    title: str
    text: str
    url: str
    published: datetime | None = None  # stated by the page's metadata (JSON-LD, meta tags, <time>)
    published_guess: datetime | None = None  # trafilatura/htmldate's guess from text and URL
    author: str | None = None
    image: str | None = None
    language: str | None = None
    description: str | None = None
    sitename: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        best = self.published or self.published_guess
        data["published"] = best.isoformat() if best else None
        data.pop("published_guess")
        return data


def parse_datetime(value: str | None, now: datetime | None = None) -> datetime | None:
    """Parse an ISO-like timestamp; naive ones are taken as Vietnam time. Date-only → 00:00 UTC+7.
    None when there is none, or when it is not a plausible publication date (``plausible``)."""
    if not value:
        return None
    return plausible(_parse_datetime(value.strip()), now)


def plausible(moment: datetime | None, now: datetime | None = None) -> datetime | None:
    """``moment`` if it can be an article's publication date: from ``EARLIEST`` to ``FUTURE_SLACK``
    after ``now``, once converted to UTC (which must not overflow); else None."""
    if moment is None:
        return None
    try:
        in_utc = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None
    latest = (now or datetime.now(UTC)) + FUTURE_SLACK
    return moment if EARLIEST <= in_utc <= latest else None


def _parse_datetime(value: str) -> datetime | None:
    if len(value) > MAX_DATE_CHARS:
        return _parse_vietnamese_datetime(value)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        return datetime(day.year, day.month, day.day, tzinfo=VIETNAM)
    value = re.sub(r"\s+([+-]\d{2}:?\d{2})$", r"\1", value)  # "…08:52:11.000 +07:00"
    candidate = value.replace("Z", "+00:00").replace(" ", "T", 1)
    candidate = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", candidate)  # +0700 → +07:00
    candidate = re.sub(r"\.\d+(?=[+-]|$)", "", candidate)  # drop fractions of a second
    try:
        moment = datetime.fromisoformat(candidate)
    except ValueError:
        return _parse_vietnamese_datetime(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=VIETNAM)


def _parse_vietnamese_datetime(value: str) -> datetime | None:
    # "10/06/2024 09:15" or "09:15 10/06/2024", as many Vietnamese pages print them.
    day = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if not day:
        return None
    clock = re.search(r"(\d{1,2}):(\d{2})", value)
    hour, minute = (int(clock.group(1)), int(clock.group(2))) if clock else (0, 0)
    try:
        return datetime(int(day.group(3)), int(day.group(2)), int(day.group(1)), hour, minute,
                         tzinfo=VIETNAM)
    except ValueError:
        return None


_VISIBLE_STAMP = re.compile(r"\d{1,2}/\d{1,2}/\d{4}.{0,12}?\d{1,2}:\d{2}|\d{1,2}:\d{2}.{0,12}?\d{1,2}/\d{1,2}/\d{4}")


def _visible_timestamp(tree: Any) -> datetime | None:
    """The date and time printed in an element classed as a date or time ("07/03/2026 08:47")."""
    for node in tree.xpath('//*[contains(@class, "time") or contains(@class, "date")][not(self::html)]')[:40]:
        text = " ".join(node.text_content().split())[:80]
        if _VISIBLE_STAMP.search(text):
            return plausible(_parse_vietnamese_datetime(text))
    return None


# A last line of a few words without sentence punctuation is a byline ("Hà Thu (tổng hợp)").
_BYLINE = re.compile(r"^(?:theo\s+)?[^\W\d][^.!?…:;\n]{0,40}$", re.IGNORECASE)


def _split_byline(text: str) -> tuple[str, str | None]:
    lines = text.rstrip().split("\n")
    last = lines[-1].strip()
    if len(lines) > 2 and len(last.split()) <= 5 and _BYLINE.match(last) and not last.endswith(","):
        return "\n".join(lines[:-1]).rstrip(), last
    return text, None


def _json_ld_objects(tree: Any) -> list[dict[str, Any]]:
    """The objects of the page's JSON-LD blocks (``@graph`` items included). A block that does not
    parse is removed from ``tree``: trafilatura's lenient reading of it would name the article
    after whatever it holds (a broken block's headline as the title)."""
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            script.drop_tree()  # keeps the text that follows it
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return objects


def _meta(tree: Any) -> dict[str, str]:
    found: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        content = node.get("content", "").strip()
        for attribute in ("property", "name", "itemprop"):
            key = node.get(attribute)
            if key and content:
                name = key.strip().lower()
                found.setdefault(f"itemprop:{name}" if attribute == "itemprop" else name, content)
    for node in tree.xpath('//*[@itemprop="datePublished"][@datetime or @content]'):
        found.setdefault("itemprop:datepublished", node.get("datetime") or node.get("content"))
    for node in tree.xpath("//time[@datetime]"):
        found.setdefault("time", node.get("datetime"))
    return found


def _first_author(value: Any) -> str | None:
    """The author's name, or the names of the authors joined by "; " (a string, a Person's ``name``,
    lists of them), looked for at most ``MAX_JSON_LD_DEPTH`` levels deep."""
    names: list[str] = []
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if item.strip():
                names.append(item.strip())
        elif depth >= MAX_JSON_LD_DEPTH:
            continue
        elif isinstance(item, dict):
            stack.append((item.get("name"), depth + 1))
        elif isinstance(item, list):
            stack.extend((element, depth + 1) for element in reversed(item))
    return "; ".join(names) or None


def _image(value: Any) -> str | None:
    """The image's address: a string, an ImageObject's ``url``, the first of a list; at most
    ``MAX_JSON_LD_DEPTH`` levels deep."""
    for _ in range(MAX_JSON_LD_DEPTH + 1):
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            value = value.get("url")
        elif isinstance(value, list) and value:
            value = value[0]
        else:
            return None
    return None


def _canonical(tree: Any, url: str, meta: dict[str, str]) -> str:
    candidates: list[str] = [*tree.xpath('//link[@rel="canonical"]/@href'), meta.get("og:url", "")]
    for candidate in candidates:
        candidate = candidate.strip()
        if not candidate:
            continue
        try:
            absolute = urljoin(url, candidate)
            parts = urlsplit(absolute)
        except ValueError:  # not an address ("http://[::1/x": an IPv6 literal left open): ignored
            continue
        # A canonical pointing at the home page or another scheme is a template bug, not the article.
        if parts.scheme in ("http", "https") and parts.path not in ("", "/"):
            return str(absolute)
    return url


def guess_language(text: str, declared: str | None) -> str | None:
    if declared:
        return str(declared).split("-")[0].split("_")[0].lower() or None
    sample = text[:2000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters and len(_VIETNAMESE_CHARS.findall(sample.lower())) / letters > 0.03:
        return "vi"
    return None


def extract(html: str, url: str) -> Extraction | None:
    """Extract the article of ``html`` (served at ``url``); None when the page holds no article text."""
    if not html or not html.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    json_ld = _json_ld_objects(tree)  # before trafilatura: drops the blocks that do not parse
    rule = rule_for(url)
    lead = ""
    if rule is not None:
        lead = rule.lead(tree)
        rule.prune(tree)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=rule.favor_precision if rule else False,
    )
    text = (getattr(document, "text", None) or "").strip() if document is not None else ""
    if not text:
        return None
    meta = _meta(tree)
    ld = next(
        (obj for obj in json_ld
         if str(obj.get("@type", "")).lower() in ("newsarticle", "article", "reportagenewsarticle",
                                                  "blogposting", "webpage") and obj.get("headline")),
        {},
    )
    published = parse_datetime(ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None)
    for key in _DATE_META:
        if published is not None:
            break
        published = parse_datetime(meta.get(key))
    if published is None:
        published = parse_datetime(meta.get("time")) or _visible_timestamp(tree)
    title = (
        (ld.get("headline") if isinstance(ld.get("headline"), str) else None)
        or meta.get("og:title")
        or getattr(document, "title", None)
        or ""
    ).strip()
    if title and text.startswith(title):
        text = text[len(title):].lstrip()  # the headline is the title, not part of the body
    text = "\n".join(line for line in text.split("\n") if not _DATELINE.fullmatch(line.strip()))
    if lead and lead not in text:
        text = f"{lead}\n{text}"
    text, byline = _split_byline(text)
    if not text:
        return None
    declared_language = (tree.get("lang") or meta.get("og:locale") or "").strip() or None
    return Extraction(
        title=title,
        text=text,
        url=_canonical(tree, url, meta),
        published=published,
        published_guess=parse_datetime(getattr(document, "date", None)),
        author=_first_author(ld.get("author")) or getattr(document, "author", None) or byline,
        image=_image(ld.get("image")) or meta.get("og:image") or getattr(document, "image", None),
        language=guess_language(text, declared_language),
        description=meta.get("og:description") or meta.get("description") or None,
        sitename=meta.get("og:site_name") or getattr(document, "sitename", None),
    )
