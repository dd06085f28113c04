"""Word segmentation with underthesea, with character offsets.

Vietnamese syllables are not words: "Tương lai châu Á" is ``[Tương lai] [châu Á]``. Matching a
name counts only if it does not cut a word of the segmentation in two. underthesea's CRF model is
loaded on first use and kept for the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


@lru_cache(maxsize=1)
def _tokenizer() -> Any:
    from underthesea import word_tokenize

    return word_tokenize


def segment(text: str) -> list[Token]:
    """Words of ``text`` with their offsets (tokens underthesea cannot place are skipped)."""
    tokens: list[Token] = []
    position = 0
    for line_start, line in _lines(text):
        if not line.strip():
            continue
        for word in _tokenizer()(line):
            found = line.find(word, position - line_start if position > line_start else 0)
            if found < 0:
                continue
            start = line_start + found
            tokens.append(Token(word, start, start + len(word)))
            position = start + len(word)
    return tokens


def _lines(text: str) -> list[tuple[int, str]]:
    result = []
    offset = 0
    for line in text.split("\n"):
        result.append((offset, line))
        offset += len(line) + 1
    return result


def words_inside(tokens: list[Token]) -> dict[int, Token]:
    """Map every offset strictly inside a multi-syllable word to that word, for boundary checks."""
    inside: dict[int, Token] = {}
    for token in tokens:
        if " " in token.text:
            for offset in range(token.start + 1, token.end):
                inside[offset] = token
    return inside
