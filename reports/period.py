"""A report's period, written the way an office says it, and the periods it is compared with.

Forms (Vietnamese calendar days, ``presswatch.times``): ``2026-W48`` (ISO week, Monday to Sunday),
``2026-11`` (month), ``2026-Q4`` (quarter), ``2026-H2`` (six months), ``2026`` (year) and
``2026-11-03..2026-11-20`` (any range, both days included). ``previous`` is the period just before
(the month before, the week before; a range of the same length), ``year_before`` the same period a
year earlier. A bad form is a ``ReportError`` in Vietnamese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from presswatch.errors import ReportError
from presswatch.times import days_between, local_day

KINDS = ("week", "month", "quarter", "half", "year", "range")
KIND_NAMES = {"week": "tuần", "month": "tháng", "quarter": "quý", "half": "6 tháng", "year": "năm",
              "range": "khoảng ngày"}  # a kind of period, for people
MAX_DAYS = 3 * 366  # a range longer than three years is a typing mistake

_WEEK = re.compile(r"(\d{4})-W(\d{1,2})")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_QUARTER = re.compile(r"(\d{4})-Q([1-4])")
_HALF = re.compile(r"(\d{4})-H([12])")
_YEAR = re.compile(r"(\d{4})")
_RANGE = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


@dataclass(frozen=True)
class Period:
    kind: str  # one of KINDS
    first: date  # first day, included
    last: date  # last day, included

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The UTC range ``[start, end)`` of its days in Vietnam."""
        return days_between(self.first, self.last)

    @property
    def label(self) -> str:
        """How the report's title names it: "tháng 11 năm 2026", "quý IV năm 2026"…"""
        year = self.first.year
        if self.kind == "month":
            return f"tháng {self.first.month} năm {year}"
        if self.kind == "quarter":
            return f"quý {('I', 'II', 'III', 'IV')[(self.first.month - 1) // 3]} năm {year}"
        if self.kind == "half":
            return f"{'6 tháng đầu' if self.first.month == 1 else '6 tháng cuối'} năm {year}"
        if self.kind == "year":
            return f"năm {year}"
        if self.kind == "week":
            week = self.first.isocalendar()
            return f"tuần {week.week} năm {week.year}"  # its dates are the span, printed beside it
        return f"từ ngày {local_day(self.first)} đến ngày {local_day(self.last)}"

    @property
    def span(self) -> str:
        """"01/11/2026 – 30/11/2026"."""
        return f"{local_day(self.first)} – {local_day(self.last)}"

    def previous(self) -> Period:
        """The period just before, of the same kind."""
        if self.kind in ("month", "quarter", "half", "year"):
            months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[self.kind]
            first = _add_months(self.first, -months)
            return Period(self.kind, first, self.first - timedelta(days=1))
        length = (self.last - self.first).days + 1
        return Period(self.kind, self.first - timedelta(days=length), self.first - timedelta(days=1))

    def year_before(self) -> Period:
        """The same period a year earlier (the same ISO week for a week)."""
        if self.kind == "week":
            week = self.first.isocalendar()
            return week_period(week.year - 1, min(week.week, _weeks_in(week.year - 1)))
        if self.kind == "range":
            return Period(self.kind, _minus_year(self.first), _minus_year(self.last))
        first = self.first.replace(year=self.first.year - 1)
        return Period(self.kind, first, _add_months(self.last + timedelta(days=1), -12) - timedelta(days=1))


def _add_months(day: date, months: int) -> date:
    """The first of a month ``months`` away (``day`` is a first of a month)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _minus_year(day: date) -> date:
    return day.replace(year=day.year - 1, day=28) if (day.month, day.day) == (2, 29) else day.replace(year=day.year - 1)


def _weeks_in(year: int) -> int:
    return date(year, 12, 28).isocalendar().week


def week_period(year: int, week: int) -> Period:
    first = date.fromisocalendar(year, week, 1)
    return Period("week", first, first + timedelta(days=6))


def parse_period(text: str) -> Period:
    """``2026-11``, ``2026-W48``, ``2026-Q4``, ``2026-H2``, ``2026`` or ``2026-11-03..2026-11-20``."""
    value = text.strip().upper()
    try:
        if match := _RANGE.fullmatch(value):
            first, last = date.fromisoformat(match[1]), date.fromisoformat(match[2])
            if last < first:
                raise ReportError(f"kỳ báo cáo {text!r}: ngày cuối trước ngày đầu")
            if (last - first).days >= MAX_DAYS:
                raise ReportError(f"kỳ báo cáo {text!r}: dài quá {MAX_DAYS} ngày")
            return Period("range", first, last)
        if match := _WEEK.fullmatch(value):
            year, week = int(match[1]), int(match[2])
            if not 1 <= week <= _weeks_in(year):
                raise ReportError(f"kỳ báo cáo {text!r}: năm {year} không có tuần {week}")
            return week_period(year, week)
        if match := _QUARTER.fullmatch(value):
            first = date(int(match[1]), 3 * int(match[2]) - 2, 1)
            return Period("quarter", first, _add_months(first, 3) - timedelta(days=1))
        if match := _HALF.fullmatch(value):
            first = date(int(match[1]), 1 if match[2] == "1" else 7, 1)
            return Period("half", first, _add_months(first, 6) - timedelta(days=1))
        if match := _MONTH.fullmatch(value):
            first = date(int(match[1]), int(match[2]), 1)
            return Period("month", first, _add_months(first, 1) - timedelta(days=1))
        if match := _YEAR.fullmatch(value):
            return Period("year", date(int(match[1]), 1, 1), date(int(match[1]), 12, 31))
    except ValueError:  # a month 13, a 30 February, a year 0: Python's message is English
        raise ReportError(f"kỳ báo cáo {text!r} không hợp lệ: không có ngày, tháng hoặc năm này") from None
    raise ReportError(f"kỳ báo cáo {text!r} không hợp lệ: viết 2026-11 (tháng), 2026-W48 (tuần), 2026-Q4 (quý), "
                      "2026-H1 (6 tháng), 2026 (năm) hoặc 2026-11-03..2026-11-20 (khoảng ngày)")


def period_of(kind: str, day: date) -> Period:
    """The period of ``kind`` (week … year) holding ``day``."""
    if kind == "week":
        week = day.isocalendar()
        return week_period(week.year, week.week)
    if kind == "month":
        return parse_period(f"{day.year}-{day.month:02d}")
    if kind == "quarter":
        return parse_period(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    if kind == "half":
        return parse_period(f"{day.year}-H{1 if day.month <= 6 else 2}")
    if kind == "year":
        return parse_period(str(day.year))
    raise ReportError(f"loại kỳ báo cáo '{kind}' không hợp lệ")
