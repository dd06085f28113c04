"""A small news site served on 127.0.0.1, built from real articles.

Used by ``presswatch demo`` (so a newcomer can try the whole pipeline offline), by the tests (real
crawls against a real HTTP server) and by ``bench/ingest.py``. Pages look like a Vietnamese outlet's:
menu, breadcrumb, headline, lead, body, a captioned photo, a "Tin liên quan" box and a footer, with
JSON-LD and Open Graph metadata. The site offers an RSS feed, a news sitemap and paged listings.
Extra routes (errors, redirects, slow or huge pages) can be added for tests.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from analysis import fold
from presswatch.times import VIETNAM

PAGE_SIZE = 20


@dataclass
class Route:
    """A fixed response: status, body, headers, and an optional delay before answering."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class SiteArticle:
    id: str
    title: str
    lead: str
    paragraphs: tuple[str, ...]
    published: datetime
    author: str

    @property
    def path(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", fold(self.title)).strip("-")[:80]
        return f"/bai-viet/{slug}-{self.id}.html"


def load_demo_articles() -> list[dict[str, str]]:
    """The 200 real articles shipped for the demo (see ``data/SOURCES.md``)."""
    text = resources.files("presswatch.demo").joinpath("data/articles.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def site_articles(raw: Iterable[dict[str, str]], newest: datetime | None = None,
                  spacing: timedelta = timedelta(hours=3)) -> list[SiteArticle]:
    """Turn ``{"id", "title", "text"}`` records into dated site articles, newest first."""
    newest = (newest or datetime.now(UTC)).astimezone(VIETNAM).replace(microsecond=0, second=0)
    articles = []
    for index, record in enumerate(raw):
        lines = [line.strip() for line in record["text"].split("\n") if line.strip()]
        if lines and lines[0] == record["title"].strip():
            lines = lines[1:]
        lead, body = (lines[0], tuple(lines[1:])) if lines else ("", ())
        articles.append(
            SiteArticle(
                id=str(record["id"]),
                title=record["title"].strip(),
                lead=lead,
                paragraphs=body,
                published=newest - spacing * index,
                author=["Minh Anh", "Hoàng Cư", "Thu Hà", "Quang Vinh"][index % 4],
            )
        )
    return articles


_STYLE = "body{font-family:sans-serif;max-width:60em;margin:auto} nav a{margin-right:1em}"
_MENU = (
    '<header><div class="logo"><a href="/">Tin Tây Bắc</a></div><nav class="main-menu">'
    + "".join(f'<a href="/">{name}</a>' for name in
              ("Trang chủ", "Thời sự", "Kinh tế", "Xã hội", "Pháp luật", "Văn hóa", "Thể thao", "Liên hệ"))
    + "</nav></header>"
)
_FOOTER = (
    '<footer class="site-footer"><p>Tin Tây Bắc – Trang thông tin điện tử tổng hợp (trang thử nghiệm của '
    "presswatch).</p><p>Địa chỉ: 127.0.0.1. Ghi rõ nguồn khi phát hành lại thông tin từ website này.</p></footer>"
)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that give up (timeouts, size limits) reset connections: expected, not news.
        return


class LocalSite:
    """Serve ``articles`` on 127.0.0.1 in a background thread, on ``port`` (default: any free port).
    A port already in use raises ``OSError`` here, before anything is served."""

    def __init__(self, articles: list[SiteArticle], *, name: str = "Tin Tây Bắc", robots: str = "",
                 port: int = 0) -> None:
        self.articles = articles
        self.name = name
        self.by_path = {article.path: article for article in articles}
        self.routes: dict[str, Route] = {}
        self.requests: list[str] = []  # paths requested, in order (tests assert robots.txt was obeyed)
        self.user_agents: set[str] = set()
        self.robots = robots or "User-agent: *\nDisallow: /noi-bo/\n"
        self._lock = threading.Lock()
        self._server = _QuietServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="localsite", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> LocalSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> LocalSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- pages ---------------------------------------------------------------------------

    def article_html(self, article: SiteArticle) -> str:
        e = html.escape
        position = self.articles.index(article)
        related = [self.articles[(position + step) % len(self.articles)] for step in (1, 2, 3)]
        ld = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "datePublished": article.published.isoformat(),
            "author": {"@type": "Person", "name": article.author},
            "publisher": {"@type": "Organization", "name": self.name},
        }
        body = "".join(f'<p class="Normal">{e(p)}</p>' for p in article.paragraphs)
        photo = (
            '<figure class="photo"><img src="/anh/minh-hoa.jpg" alt="">'
            f"<figcaption>Ảnh minh họa: {e(self.name)}</figcaption></figure>"
        )
        related_box = '<div class="box-related"><h4>Tin liên quan</h4><ul>' + "".join(
            f'<li><a href="{r.path}">{e(r.title)}</a></li>' for r in related
        ) + "</ul></div>"
        return (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{e(article.title)} - {e(self.name)}</title>"
            f'<link rel="canonical" href="{self.url}{article.path}">'
            f'<meta property="og:title" content="{e(article.title)}">'
            f'<meta property="og:site_name" content="{e(self.name)}">'
            f'<meta property="og:description" content="{e(article.lead[:200])}">'
            f'<meta property="og:image" content="{self.url}/anh/{article.id}.jpg">'
            f'<meta property="article:published_time" content="{article.published.isoformat()}">'
            f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'
            f"<style>{_STYLE}</style></head><body>{_MENU}"
            '<div class="breadcrumb"><a href="/">Trang chủ</a> › <a href="/">Thời sự</a></div>'
            f'<article class="detail"><h1 class="title-detail">{e(article.title)}</h1>'
            '<div class="header-content"><span class="date">'
            f'{article.published.strftime("%d/%m/%Y %H:%M")} (GMT+7)</span></div>'
            f'<p class="description">{e(article.lead)}</p>{photo}{body}'
            f'<p class="author"><strong>{e(article.author)}</strong></p></article>'
            f"{related_box}{_FOOTER}</body></html>"
        )

    def listing_html(self, page: int) -> str:
        e = html.escape
        chunk = self.articles[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        items = "".join(
            f'<div class="item-news"><h3 class="title-news"><a href="{a.path}?utm_source=home">{e(a.title)}</a>'
            f'</h3><p>{e(a.lead[:160])}</p></div>' for a in chunk
        )
        more = f'<a class="next-page" href="/trang-{page + 1}.html">Xem thêm</a>' if page * PAGE_SIZE < len(
            self.articles) else ""
        return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{e(self.name)}</title>'
                f"</head><body>{_MENU}<main>{items}{more}</main>{_FOOTER}</body></html>")

    def feed_xml(self, limit: int = 50) -> str:
        e = html.escape
        items = "".join(
            f"<item><title>{e(a.title)}</title><link>{self.url}{a.path}?utm_source=rss&amp;utm_medium=feed</link>"
            f"<guid>{self.url}{a.path}</guid><pubDate>{format_datetime(a.published)}</pubDate>"
            f"<description><![CDATA[{a.lead}]]></description></item>"
            for a in self.articles[:limit]
        )
        return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{e(self.name)}'
                f"</title><link>{self.url}/</link><description>Tin mới</description>{items}</channel></rss>")

    def sitemap_xml(self) -> str:
        urls = "".join(
            f"<url><loc>{self.url}{a.path}</loc><news:news><news:publication>"
            f"<news:name>{html.escape(self.name)}</news:name><news:language>vi</news:language>"
            f"</news:publication><news:publication_date>{a.published.isoformat()}</news:publication_date>"
            f"<news:title>{html.escape(a.title)}</news:title></news:news></url>"
            for a in self.articles
        )
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{urls}</urlset>')

    def respond(self, path: str) -> Route:
        route = self.routes.get(path)
        if route is not None:
            return route
        html_type = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return Route(self.robots.encode(), headers={"Content-Type": "text/plain"})
        if path in ("/", "/index.html"):
            return Route(self.listing_html(1).encode(), headers=html_type)
        match = re.fullmatch(r"/trang-(\d+)\.html", path)
        if match:
            return Route(self.listing_html(int(match.group(1))).encode(), headers=html_type)
        if path == "/rss/tin-moi.rss":
            feed = self.feed_xml().encode()
            etag = '"' + hashlib.sha1(feed).hexdigest()[:16] + '"'
            return Route(feed, headers={"Content-Type": "application/rss+xml; charset=utf-8", "ETag": etag})
        if path == "/sitemap-news.xml":
            return Route(self.sitemap_xml().encode(), headers={"Content-Type": "application/xml"})
        article = self.by_path.get(path)
        if article is not None:
            return Route(self.article_html(article).encode(), headers=html_type)
        return Route(b"<html><body><h1>404</h1></body></html>", status=404, headers=html_type)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = urlsplit(self.path).path
                with site._lock:
                    site.requests.append(path)
                    site.user_agents.add(self.headers.get("User-Agent", ""))
                route = site.respond(path)
                if route.delay:
                    time.sleep(route.delay)
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    route = Route(status=304, headers={"ETag": etag})
                try:
                    self.send_response(route.status)
                    headers = {"Content-Length": str(len(route.body)), **route.headers}
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler
