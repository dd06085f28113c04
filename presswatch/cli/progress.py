"""Progress for a terminal: of running crawls (``presswatch crawl``, ``presswatch demo``), and of a
long job over a known number of items (``RateLine``: ``presswatch reanalyze``).

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


class RateLine:
    """Progress of a long job over a known number of items (``presswatch reanalyze``): done/total,
    items per second since the start and the time left at that rate. ``update(done, total)`` rewrites
    one line on a terminal; elsewhere (a log file) it writes a line at most every ``every`` seconds.
    ``start`` is how many were done before this process began (a resumed run): the rate counts only
    this process's work."""

    def __init__(self, stream: TextIO, unit: str = "bài", every: float = 10.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.unit = unit
        self.every = every
        self.clock = clock
        self.tty = stream.isatty()
        self.began = clock()
        self.start: int | None = None
        self.printed = -every
        self.shown = False

    def update(self, done: int, total: int) -> None:
        now = self.clock()
        if self.start is None:
            self.start = done
        elapsed = now - self.began
        rate = (done - self.start) / elapsed if elapsed > 0 else 0.0
        share = f" ({done / total:.0%})" if total else ""
        text = f"… {done:,}/{total:,} {self.unit}{share} · {rate:,.1f} {self.unit}/giây"
        if rate > 0 and total > done:
            text += f" · còn khoảng {_duration((total - done) / rate)}"
        text = text.translate(_VIETNAMESE)  # thousands grouped with dots, a decimal comma
        if self.tty:
            self.stream.write(f"\r{text}\033[K")
            self.shown = True
        elif now - self.printed >= self.every or done >= total:
            self.printed = now
            self.stream.write(text + "\n")
        self.stream.flush()

    def clear(self) -> None:
        """Take the TTY line off the screen (before printing something else)."""
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False


_VIETNAMESE = str.maketrans(",.", ".,")


def _duration(seconds: float) -> str:
    """``1 giờ 05 phút``, ``12 phút``, ``40 giây``."""
    if seconds < 60:
        return f"{seconds:.0f} giây"
    minutes = int(seconds // 60)
    return f"{minutes // 60} giờ {minutes % 60:02d} phút" if minutes >= 60 else f"{minutes} phút"
