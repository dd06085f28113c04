"""Time in one place: stored in UTC, shown and reckoned in Vietnam's time (Asia/Ho_Chi_Minh, UTC+7,
no daylight saving).

Stored: ``iso``/``parse_iso`` write and read UTC ISO 8601 with a Z (second precision), the form of
every timestamp column; ``utcnow`` is the clock code takes by default.
Reckoned: a calendar day means a day in Vietnam: ``day_start`` is its midnight (in UTC),
``local_date`` the Vietnamese day of a moment.
Shown: a moment is ``dd/mm/yyyy HH:MM`` (``20/11/2026 15:00``), a day ``dd/mm/yyyy``: the CLI, log
messages, the web UI, alert messages and the digest all go through these functions, so an operator
never reads the same time written two ways.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
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


def utcnow() -> datetime:
    """The current moment, timezone-aware, in UTC."""
    return datetime.now(UTC)


def iso(moment: datetime | None) -> str | None:
    """UTC ISO 8601 with a Z, second precision; naive datetimes are refused."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("naive datetime: timestamps must carry their timezone")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str | None) -> datetime | None:
    """A stored timestamp back as an aware datetime (None for NULL or empty)."""
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def day_start(day: date) -> datetime:
    """Midnight of ``day`` in Vietnam, as a UTC moment (a day's range is [day_start(d), day_start(d+1)))."""
    return datetime(day.year, day.month, day.day, tzinfo=VIETNAM).astimezone(UTC)


def local_date(moment: datetime) -> date:
    """The calendar day in Vietnam of an aware ``moment``."""
    return moment.astimezone(VIETNAM).date()


def days_between(first: date, last: date) -> tuple[datetime, datetime]:
    """The UTC range covering the Vietnamese days ``first`` to ``last`` inclusive."""
    return day_start(first), day_start(last + timedelta(days=1))
