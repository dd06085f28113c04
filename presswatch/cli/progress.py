"""Progress of running crawls for a terminal (``presswatch crawl``, ``presswatch demo``).

``ProgressLine.update`` is the ``on_update`` callback of ``crawler.runner.crawl_sources``: on a
terminal one line (every running source) is rewritten in place; otherwise, e.g. into a log file, a
line per source at most every ``every`` seconds. Call ``clear`` before printing anything else to
the same terminal and ``finished`` when a source's crawl has ended.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable
from typing import TextIO

from crawler.report import CrawlReport
from presswatch.config import Source


class ProgressLine:
    def __init__(self, stream: TextIO, every: float = 5.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.every = every
        self.clock = clock
        self.tty = stream.isatty()
        self.started: dict[str, float] = {}  # source id → when its first report came
        self.printed: dict[str, float] = {}  # source id → when its last line was printed (not a TTY)
        self.states: dict[str, str] = {}  # running sources → their state, for the TTY line
        self.shown = False  # the TTY line is on screen
        self.lock = threading.Lock()  # updates come from the crawl threads

    def update(self, source: Source, report: CrawlReport) -> None:
        now = self.clock()
        with self.lock:
            started = self.started.setdefault(source.id, now)
            state = f"{source.id}: {report.fetched} trang, {report.new_articles} bài mới"
            if report.errors:
                state += f", {report.errors} lỗi"
            if self.tty:
                self.states[source.id] = state
                self._draw()
            elif now - self.printed.get(source.id, -self.every) >= self.every:
                self.printed[source.id] = now
                self.stream.write(f"  … {state} ({now - started:.0f} giây)\n")
                self.stream.flush()

    def finished(self, source_id: str) -> None:
        with self.lock:
            self.states.pop(source_id, None)
            if self.tty and self.states:
                self._draw()

    def clear(self) -> None:
        """Take the TTY line off the screen (before printing something else)."""
        with self.lock:
            if self.shown:
                self.stream.write("\r\033[K")
                self.stream.flush()
                self.shown = False

    def _draw(self) -> None:
        width = shutil.get_terminal_size((100, 20)).columns - 1
        text = "… " + " · ".join(self.states.values())
        if len(text) > width:
            text = text[: max(0, width - 1)] + "…"
        self.stream.write(f"\r{text}\033[K")
        self.stream.flush()
        self.shown = True
