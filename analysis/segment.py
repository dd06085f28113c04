"""Word segmentation with underthesea, with character offsets.

Vietnamese syllables are not words: "Tương lai châu Á" is ``[Tương lai] [châu Á]``. Matching a
name counts only if it does not cut a word of the segmentation in two. underthesea's CRF model is
loaded on first use and kept for the process.

underthesea is handed one line at a time, cut further only where a hostile page could make it
slow (its regular expressions rescan long runs: 20,000 characters of "a.a.a." took 7 s):
- a run of more than ``MAX_RUN_CHARS`` without sentence punctuation (. ! ? …) is cut at its last
  space before the bound (at the bound when it has none);
- a run of more than ``MAX_WORD_CHARS`` without a space is cut every ``MAX_WORD_CHARS``.
What underthesea reads then holds no longer run of either kind. Articles are not cut: the longest
such runs in the 3,070 articles of the baomoi development set are 1,365 and 236 characters, and
cutting between sentences would change the words found next to the cut.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


MAX_RUN_CHARS = 2000
MAX_WORD_CHARS = 500


@lru_cache(maxsize=4)
def _overlong(run_chars: int, word_chars: int) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Runs longer than the bounds, each anchored at a run's start so it is read once (linear)."""
    return (re.compile(rf"(?<![^.!?…])[^.!?…]{{{run_chars + 1},}}"),
            re.compile(rf"(?<!\S)\S{{{word_chars + 1},}}"))


@lru_cache(maxsize=1)
def tokenizer() -> Any:
    """underthesea's ``word_tokenize``, imported (and its model loaded) once."""
    from underthesea import word_tokenize

    return word_tokenize


def segment(text: str) -> list[Token]:
    """Words of ``text`` with their offsets (tokens underthesea cannot place are skipped)."""
    tokens: list[Token] = []
    position = 0
    for line_start, line in _pieces(text):
        if not line.strip():
            continue
        for word in tokenizer()(line):
            found = line.find(word, position - line_start if position > line_start else 0)
            if found < 0:
                continue
            start = line_start + found
            tokens.append(Token(word, start, start + len(word)))
            position = start + len(word)
    return tokens


def _pieces(text: str) -> list[tuple[int, str]]:
    """The lines of ``text`` with their offsets, an overlong run cut (see the module's docstring)."""
    result: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        result.extend((offset + start, piece) for start, piece in cut(line))
        offset += len(line) + 1
    return result


def cut(line: str) -> list[tuple[int, str]]:
    """``line`` in pieces with their offsets: the whole line unless it holds a run longer than
    ``MAX_RUN_CHARS`` without sentence punctuation or ``MAX_WORD_CHARS`` without a space."""
    cuts: set[int] = set()
    long_run, long_word = _overlong(MAX_RUN_CHARS, MAX_WORD_CHARS)
    for run in long_run.finditer(line):
        start, end = run.span()
        while end - start > MAX_RUN_CHARS:
            space = line.rfind(" ", start + 1, start + MAX_RUN_CHARS)
            start = space + 1 if space > start else start + MAX_RUN_CHARS
            cuts.add(start)
    for word in long_word.finditer(line):
        cuts.update(range(word.start() + MAX_WORD_CHARS, word.end(), MAX_WORD_CHARS))
    if not cuts:
        return [(0, line)]
    bounds = [0, *sorted(cuts), len(line)]
    return [(a, line[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]


def words_inside(tokens: list[Token]) -> dict[int, Token]:
    """Map every offset strictly inside a multi-syllable word to that word, for boundary checks."""
    inside: dict[int, Token] = {}
    for token in tokens:
        if " " in token.text:
            for offset in range(token.start + 1, token.end):
                inside[offset] = token
    return inside
