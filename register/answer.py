"""Who should answer for an article: the spokespeople of the register valid on a day whose commune or
ward the article is about (a former unit counts for the 2025 units it became) or whose department
answers for one of its topics (``register.model.responsible``), communes first.

The one choice, made from the article's stored analysis (``places`` names, ``topics`` slugs): the
article page, the case page (over the case's articles) and the alerts (through the resolver the shell
wires into the delivery worker: ``presswatch.service.register_alerts``) all call ``answering``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from analysis.gazetteer import load as load_gazetteer
from presswatch.times import local_date, utcnow
from register import tables
from register.model import Spokesperson, responsible


def subjects(analyses: Iterable[Mapping[str, Any] | None]) -> tuple[list[str], list[str]]:
    """The place names and topic slugs of these analyses (an article's, or a case's articles')."""
    places: list[str] = []
    topics: list[str] = []
    for analysis in analyses:
        if not analysis:
            continue
        places += [str(p.get("name", "")) for p in analysis.get("places") or [] if isinstance(p, dict)]
        topics += [str(t) for t in analysis.get("topics") or []]
    return places, topics


def answering(db: sqlite3.Connection, analyses: Iterable[Mapping[str, Any] | None],
              day: date | None = None) -> list[Spokesperson]:
    """The spokespeople valid on ``day`` (default: today in Vietnam) who answer for articles with
    these analyses; each once, communes first. Empty when the register has none."""
    places, topics = subjects(analyses)
    if not places and not topics:
        return []
    people = tables.spokespeople(db)
    if not people:
        return []
    units = load_gazetteer().units
    successors = {name: units[name].maps_to for name in places if name in units}
    found = responsible(people, places, topics, day or local_date(utcnow()), successors)
    return list(dict.fromkeys(found))  # a person once, whatever matched them
