"""INTERIM (issue 24): which of the followed provinces an article concerns, until the any-province
analysis (c-province) grades every province with its own gazetteer.

``followed`` returns ``{2025 province name: "about" | "mention"}``, the contract of
``Analysis.provinces``. The gazetteer's own province (Lai Châu) takes the grade of the real relevance
(so Lai Châu's results do not change); any other followed province is found by its name alone, as
whole folded words: in the title or at least twice → "about", once in the text → "mention". That
stand-in knows no units, no ambiguity and no pre-2025 province (Lai Châu cũ): it exists so that the
store, search, alerts and digest can be built and tested for several provinces now. At merge the
real grading replaces this module.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from analysis.normalize import fold
from analysis.relevance import Relevance

_RANK = {"none": 0, "mention": 1, "about": 2}


def followed(provinces: Sequence[str], home_grade: str, gazetteer_province: str, folded: str,
             title_end: int) -> dict[str, str]:
    """``folded``: the folded ``title\\ntext`` (title first, ``title_end`` its length)."""
    found: dict[str, str] = {}
    for name in provinces:
        if name == gazetteer_province:
            if home_grade != "none":
                found[name] = home_grade
            continue
        hits = [m.start() for m in re.finditer(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)", folded)]
        if hits:
            found[name] = "about" if hits[0] < title_end or len(hits) >= 2 else "mention"
    return found


def overall(graded: Relevance, provinces: dict[str, str], gazetteer_followed: bool) -> Relevance:
    """The article's relevance to the deployment: the best grade over the followed provinces. With
    the gazetteer's province alone followed (Lai Châu by default) that is ``graded`` itself; when
    that province is not followed its matches (places, evidence) are dropped."""
    best = max(provinces.values(), key=lambda grade: _RANK.get(grade, 0), default="none")
    if gazetteer_followed:
        return graded if best == graded.grade else replace(graded, grade=best)
    return Relevance(best, {"about": 1.0, "mention": 0.5}.get(best, 0.0))
