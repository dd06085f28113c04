"""A small news site on 127.0.0.1 whose pages tests can edit, correct, redirect and remove, for the
evidence tests; plus a few hostile pages (never finishes loading, 50 MB, infinite scroll, pop-ups and
navigation away, links to ``file://`` and to an internal admin server).

``site.pages[path] = Page(...)`` changes what a path serves from the next request on; every request
is counted in ``site.hits``.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BIG_BYTES = 50 * 1024 * 1024


@dataclass
class Page:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    location: str | None = None
    hang: float = 0.0  # seconds to wait before answering (a resource that never arrives)
    big: int = 0  # serve this many bytes of filler after ``body`` (a huge page)


def article_html(title: str, paragraphs: list[str], extra: str = "") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html lang=vi><head><meta charset=utf-8><title>{title}</title>"
            f"<link rel=stylesheet href=/static/site.css></head><body><article><h1>{title}</h1>{body}</article>"
            f"{extra}</body></html>").encode()


@dataclass
class Site:
    pages: dict[str, Page] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    server: ThreadingHTTPServer | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return int(self.server.server_address[1])

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> Site:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                path = self.path.split("?", 1)[0]
                site.hits[path] += 1
                page = site.pages.get(path)
                if page is None:
                    page = Page(b"<html><body>not found</body></html>", status=404)
                if page.hang:
                    time.sleep(page.hang)
                self.send_response(page.status)
                self.send_header("Content-Type", page.content_type)
                if page.location:
                    self.send_header("Location", page.location)
                self.send_header("Content-Length", str(len(page.body) + page.big))
                self.end_headers()
                try:
                    self.wfile.write(page.body)
                    chunk = b"<p>" + "Tin tức Lai Châu hôm nay. ".encode() * 2_000 + b"</p>\n"
                    left = page.big
                    while left > 0:
                        self.wfile.write(chunk[:left])
                        left -= len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.pages.setdefault("/static/site.css", Page(b"body{font-family:sans-serif;background:#fafaf0}",
                                                       content_type="text/css"))
        self.pages.setdefault("/", Page(b"<html><head><title>Trang chu</title></head><body>Trang chu</body></html>"))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.shutdown()
        self.server.server_close()
