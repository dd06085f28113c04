"""Sentence spans of normalised text (a light rule: ., !, ? or … before a capital, and line ends;
in text typed all in lower case, as posts and comments often are, before any letter),
and ``SpanLookup``: which of sorted spans holds an offset, by binary search (a scan of every span
for every match is quadratic on a hostile page of thousands of one-line "sentences")."""

from __future__ import annotations

import re
from bisect import bisect_right

_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]*[^\W\d_a-zđ])|\n+")
_LOWER_CASE_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]*[^\W\d_])|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for boundary in (_LOWER_CASE_BOUNDARY if text.islower() else _BOUNDARY).finditer(text):
        if boundary.start() > start:
            spans.append((start, boundary.start()))
        start = boundary.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


class SpanLookup:
    """Sorted, non-overlapping ``(start, end)`` spans; ``index(offset)`` is the position of the span
    with ``start <= offset < end``, or -1: what ``any(a <= offset < b for a, b in spans)`` answers, in
    O(log n)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = spans
        self._starts = [start for start, _ in spans]

    def index(self, offset: int) -> int:
        position = bisect_right(self._starts, offset) - 1
        if position >= 0 and offset < self.spans[position][1]:
            return position
        return -1

    def __contains__(self, offset: int) -> bool:
        return self.index(offset) >= 0
