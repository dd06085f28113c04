"""Regular expressions built from long lists of names (the gazetteers' unit names)."""

from __future__ import annotations

import re
from typing import Any


def alternation(names: list[str]) -> str:
    """A regular expression matching exactly ``names`` (escaped), longest first, written as a trie:
    "lai chau|lai vung|lao cai" becomes "la(?:i (?:chau|vung)|o cai)". Python's ``re`` tries a plain
    alternation's branches one by one at every position of the text, so a province with thousands of
    unit names was scanned thousands of times; the trie reads each position once per letter. Greedy
    optional tails keep the longest-match order of the plain alternation (a lookahead that fails
    after the longest name backtracks to the next shorter one, as the plain form would try it next)."""
    trie: dict[str, Any] = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        end = "" in node
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return "(?:" + body + ")?" if end else body

    return pattern(trie)

