"""The province an article is about, when it is not Lai Châu, and the sentences that report it.

Sentiment is the tone for the article's province (issue 23: a police success in the province is
good news for it), whichever province it is. The Lai Châu gazetteer finds Lai Châu and its units
(``analysis.relevance``); this module names the other 62 provinces and centrally-run cities of the
2017–2025 map (``Gazetteer.other_provinces``) and their common short forms ("TP.HCM", "Sài Gòn"),
capitalised as a name is, and picks the one the headline and lead report:

    score = 3 × mentions in the title + 2 × mentions in the lead (the first ``LEAD_CHARS`` characters
    of the body) + 1 × mentions further on

The province is the best-scored one if it scores at least ``MIN_SCORE`` (a province named once in
passing deep in the body is no article's province); ties go to the first named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from analysis.normalize import fold

LEAD_CHARS = 400
MIN_SCORE = 2
# Short and old forms, folded, of the names in Gazetteer.other_provinces.
ALIASES = {
    "tp.hcm": "Hồ Chí Minh", "tp. hcm": "Hồ Chí Minh", "tphcm": "Hồ Chí Minh", "tp hcm": "Hồ Chí Minh",
    "hcm": "Hồ Chí Minh", "sai gon": "Hồ Chí Minh", "thua thien hue": "Huế", "thua thien - hue": "Huế",
    "ba ria vung tau": "Bà Rịa - Vũng Tàu", "vung tau": "Bà Rịa - Vũng Tàu", "dak lak": "Đắk Lắk",
    "dac lac": "Đắk Lắk", "dak nong": "Đắk Nông", "ha tay": "Hà Nội",
}


@dataclass(frozen=True)
class Focus:
    province: str  # as Gazetteer.other_provinces spells it
    mentions: list[tuple[int, int]]  # character spans of its names in the document


@lru_cache(maxsize=4)
def _pattern(provinces: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    names = {fold(name): name for name in provinces}
    names.update({alias: target for alias, target in ALIASES.items() if target in provinces})
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(r"(?<![\w.])(" + alternatives + r")(?![\w])"), names


def article_province(document: str, folded: str, title_end: int, provinces: tuple[str, ...]) -> Focus | None:
    """The province (of ``provinces``) that ``document`` (normalised; ``folded`` = ``fold(document)``)
    is about, or None. A match counts only when written as a name: its first letter a capital
    ("Hà Nội", "TP.HCM"), so "hà nội" in a lower-case sentence or "long an" inside words do not."""
    pattern, names = _pattern(provinces)
    scores: dict[str, int] = {}
    first: dict[str, int] = {}
    spans: dict[str, list[tuple[int, int]]] = {}
    lead_end = title_end + LEAD_CHARS
    for match in pattern.finditer(folded):
        start, end = match.span()
        if not document[start].isupper():
            continue
        name = names[match.group(1)]
        weight = 3 if start < title_end else 2 if start < lead_end else 1
        scores[name] = scores.get(name, 0) + weight
        first.setdefault(name, start)
        spans.setdefault(name, []).append((start, end))
    if not scores:
        return None
    best = max(scores, key=lambda name: (scores[name], -first[name]))
    if scores[best] < MIN_SCORE:
        return None
    return Focus(best, spans[best])
