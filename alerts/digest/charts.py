"""Small PNG charts for the digest, drawn with a tiny pure-zlib PNG writer (no dependency).

The images carry no text: numbers and labels are in the HTML beside them, so they stay readable
when a mail client blocks images. Drawn at twice their displayed size for sharp high-DPI screens.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

Color = tuple[int, int, int]

WHITE: Color = (255, 255, 255)
GRID: Color = (226, 232, 240)
ABOUT: Color = (30, 64, 175)
MENTION: Color = (147, 178, 230)
TODAY_ABOUT: Color = (180, 83, 9)
TODAY_MENTION: Color = (245, 190, 120)
SENTIMENT_COLORS: dict[str, Color] = {
    "negative": (200, 30, 30),
    "neutral": (148, 163, 184),
    "positive": (22, 140, 70),
}
SCALE = 2


class Canvas:
    """An RGB raster with filled rectangles; ``png()`` encodes it."""

    def __init__(self, width: int, height: int, background: Color = WHITE) -> None:
        self.width = width
        self.height = height
        self.rows = [bytearray(bytes(background) * width) for _ in range(height)]

    def rect(self, x0: int, y0: int, x1: int, y1: int, color: Color) -> None:
        """Fill [x0, x1) × [y0, y1), clipped to the canvas."""
        x0, x1 = max(0, x0), min(self.width, x1)
        y0, y1 = max(0, y0), min(self.height, y1)
        if x0 >= x1 or y0 >= y1:
            return
        span = bytes(color) * (x1 - x0)
        for y in range(y0, y1):
            self.rows[y][x0 * 3:x1 * 3] = span

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(
            b"IEND", b"")


def volume_chart(days: Sequence[tuple[int, int]], width: int = 280, height: int = 90) -> bytes:
    """Stacked bars per day (about, then mention on top), oldest first; the last day highlighted."""
    canvas = Canvas(width * SCALE, height * SCALE)
    top = max([about + mention for about, mention in days] + [1])
    slot = canvas.width // max(1, len(days))
    gap = max(2, slot // 4)
    base = canvas.height - 2 * SCALE
    for step in (0.5, 1.0):
        y = base - int((canvas.height - 6 * SCALE) * step)
        canvas.rect(0, y, canvas.width, y + SCALE, GRID)
    canvas.rect(0, base, canvas.width, base + SCALE, GRID)
    usable = canvas.height - 6 * SCALE
    for index, (about, mention) in enumerate(days):
        last = index == len(days) - 1
        x0 = index * slot + gap // 2
        x1 = (index + 1) * slot - gap // 2
        about_height = round(usable * about / top)
        mention_height = round(usable * mention / top)
        canvas.rect(x0, base - about_height, x1, base, TODAY_ABOUT if last else ABOUT)
        canvas.rect(x0, base - about_height - mention_height, x1, base - about_height,
                    TODAY_MENTION if last else MENTION)
    return canvas.png()


def sentiment_chart(counts: dict[str, int], width: int = 280, height: int = 18) -> bytes:
    """One horizontal bar split negative | neutral | positive in proportion to ``counts``."""
    canvas = Canvas(width * SCALE, height * SCALE, GRID)
    total = sum(counts.get(label, 0) for label in SENTIMENT_COLORS)
    if total == 0:
        return canvas.png()
    x = cumulative = 0
    for label, color in SENTIMENT_COLORS.items():
        cumulative += counts.get(label, 0)
        end = round(canvas.width * cumulative / total)
        canvas.rect(x, 0, end, canvas.height, color)
        x = end
    return canvas.png()


def series_chart(counts: Sequence[int], width: int = 180, height: int = 36) -> bytes:
    """Thin bars of a rising item's hourly counts (``trends``), oldest first; the newest highlighted."""
    canvas = Canvas(width * SCALE, height * SCALE)
    top = max([*counts, 1])
    slot = canvas.width / max(1, len(counts))
    base = canvas.height - SCALE
    canvas.rect(0, base, canvas.width, base + SCALE, GRID)
    for index, count in enumerate(counts):
        x0, x1 = round(index * slot), max(round(index * slot) + 1, round((index + 1) * slot) - 1)
        tall = round((canvas.height - 2 * SCALE) * count / top)
        canvas.rect(x0, base - tall, x1, base, TODAY_ABOUT if index == len(counts) - 1 else ABOUT)
    return canvas.png()
