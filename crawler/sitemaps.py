"""Sitemaps: ``urlset`` (with Google News extensions) and ``sitemapindex``, parsed leniently."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from crawler.extract import parse_datetime


@dataclass(frozen=True)
class SitemapUrl:
    loc: str
    published: datetime | None
    title: str | None


@dataclass
class Sitemap:
    urls: list[SitemapUrl] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of a sitemap index
    problem: str | None = None


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _text(node: etree._Element, name: str) -> str | None:
    for child in node.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return str(child.text).strip()
    return None


def parse_sitemap(body: bytes) -> Sitemap:
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        return Sitemap(problem=f"XML không hợp lệ: {exc}")
    if root is None:
        return Sitemap(problem="không phải sơ đồ trang (sitemap) XML")
    result = Sitemap()
    if len(parser.error_log):
        result.problem = f"XML lỗi, đã đọc phần còn lại: {parser.error_log[0].message}"
    kind = _local(root.tag)
    for node in root:
        name = _local(node.tag)
        loc = _text(node, "loc")
        if not loc:
            continue
        if kind == "sitemapindex" and name == "sitemap":
            result.sitemaps.append(loc)
        elif name == "url":
            published = _text(node, "publication_date") or _text(node, "lastmod")
            result.urls.append(SitemapUrl(loc=loc, published=parse_datetime(published), title=_text(node, "title")))
    if kind not in ("sitemapindex", "urlset") and result.problem is None:
        result.problem = f"phần tử gốc <{kind}> không phải sitemap"
    return result
