"""``analysis.patterns.alternation`` matches exactly what the plain longest-first alternation of the
same names matches (the gazetteers' patterns were switched to it for speed: issue 24)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.patterns import alternation

LETTERS = "ab. -"  # few letters: names share prefixes, are prefixes of each other, and need escaping
names = st.lists(st.text(LETTERS, min_size=1, max_size=6), min_size=1, max_size=12, unique=True)


def plain(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")(?![\w])")


def trie(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![\w])(" + alternation(sorted(words, key=len, reverse=True)) + r")(?![\w])")


@settings(max_examples=300, deadline=None)
@given(names, st.text(LETTERS + "c", max_size=60))
def test_the_trie_finds_what_the_plain_alternation_finds(words: list[str], text: str) -> None:
    assert [(m.span(), m.group(1)) for m in trie(words).finditer(text)] == \
        [(m.span(), m.group(1)) for m in plain(words).finditer(text)]


def test_the_longest_name_wins_and_a_failed_lookahead_falls_back_to_a_shorter_one() -> None:
    pattern = trie(["lai chau", "lai", "lai chau a"])
    assert [m.group(1) for m in pattern.finditer("lai chau a, lai chaux, lai")] == ["lai chau a", "lai", "lai"]
