"""Sentence spans of normalised text (a light rule: ., !, ? or … before a capital, and line ends)."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]*[^\W\d_a-zđ])|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        if boundary.start() > start:
            spans.append((start, boundary.start()))
        start = boundary.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans
