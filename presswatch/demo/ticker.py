"""Progress of the demo's crawl for a newcomer: every few seconds, the pages the demo site has served
and the new articles the demo database holds, when either changed.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from presswatch.demo.database import read_only
from presswatch.demo.site import LocalSite
from presswatch.store.articles import count_articles


class CrawlTicker:
    """While the demo crawls, every ``every`` seconds, say how many pages the site has served and how
    many new articles the store holds, when either changed. A thread polls both; a crawl progress
    callback can call ``update`` with its own counts instead."""

    def __init__(self, site: LocalSite, db: Path, expected: int, announce: Callable[[str], None],
                 every: float = 5.0) -> None:
        self.site = site
        self.db = db
        self.expected = max(0, expected)
        self.announce = announce
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="demo-progress", daemon=True)
        self._started = time.monotonic()
        self._baseline = 0
        self._pages_before = 0
        self._last: tuple[int, int] = (0, 0)
        self._lock = threading.Lock()

    def __enter__(self) -> CrawlTicker:
        self._baseline = self._stored()
        self._pages_before = len(self.site.requests)
        self._started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def update(self, pages: int, stored: int) -> None:
        """Announce ``pages`` fetched and ``stored`` new articles so far, unless nothing changed."""
        with self._lock:
            if (pages, stored) == self._last:
                return
            self._last = (pages, stored)
        elapsed = int(time.monotonic() - self._started)
        saved = (f"{stored}/{self.expected} bài mới đã lưu" if self.expected
                 else f"{stored} bài mới (các bài đã lưu từ lần chạy trước)")
        self.announce(f"  … {elapsed} giây: {pages} trang đã tải, {saved}")

    def _stored(self) -> int:
        try:
            with closing(read_only(self.db, timeout=5)) as conn:
                return count_articles(conn)
        except sqlite3.Error:  # not created yet, or busy for a moment: say nothing this time
            return self._baseline + self._last[1]

    def _poll(self) -> None:
        while not self._stop.wait(self.every):
            self.update(len(self.site.requests) - self._pages_before, self._stored() - self._baseline)
