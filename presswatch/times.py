"""Show UTC timestamps in Vietnam's time (Asia/Ho_Chi_Minh, UTC+7), in one format everywhere.

A moment is ``dd/mm/yyyy HH:MM`` (``20/11/2026 15:00``), a day ``dd/mm/yyyy``: the CLI, log messages,
the web UI, alert messages and the digest all go through these functions, so an operator never
reads the same time written two ways.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
MOMENT = "%d/%m/%Y %H:%M"
DAY = "%d/%m/%Y"
MISSING = "—"


def local(moment: datetime | None, pattern: str = MOMENT) -> str:
    """``moment`` (timezone-aware) in Vietnam time, ``dd/mm/yyyy HH:MM``; "—" for None."""
    return moment.astimezone(VIETNAM).strftime(pattern) if moment else MISSING


def local_day(day: date | datetime | None) -> str:
    """A calendar day as ``dd/mm/yyyy`` (a datetime is first put in Vietnam time)."""
    if day is None:
        return MISSING
    if isinstance(day, datetime):
        day = day.astimezone(VIETNAM).date()
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"  # strftime writes year 1 as "1"


def local_short(moment: datetime | None) -> str:
    """``dd/mm HH:MM``: the same order without the year, for dense lists of recent items."""
    return local(moment, "%d/%m %H:%M")
