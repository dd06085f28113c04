"""The burst method: a count over a recent window against its own seasonal baseline (pure).

A place or topic is counted per hour (UTC buckets, ``trend_counts``). At a moment ``now``, with a
window of H hours (the H hour buckets ending with the current one, which is still filling: a
conservative reading) and a baseline of D days:

1. observed ``x``: the key's articles in the window;
2. ``c_d``, for each of the D previous days: the key's articles in the same window moved back d days
   (the same clock hours, so the hour of day is accounted for);
3. weekday factor: the province's press is quieter at weekends, so each ``c_d`` is rescaled by
   ``F(weekday of now) / F(weekday of now − d days)``, where ``F(w)`` is the mean number of all
   articles (every key: ``all``/``*``) on the Vietnamese calendar weekday ``w`` over the baseline
   divided by the mean per day (a large count, so the factor is stable; 1 when unknown; days before
   the first counted hour left out);
4. expected ``E`` = the mean of the rescaled ``c_d``; ``E' = max(E, MIN_EXPECTED)`` (a key never seen
   in the baseline is expected half an article per window: ``min_count`` then decides);
5. Poisson z-score ``z = (x − E') / √E'`` (the count is Poisson with mean E' if nothing is going on)
   and ratio ``x / E'``.

A burst is ``x ≥ min_count`` and ``x / E' ≥ ratio`` and ``z ≥ z_min`` (the rule's ``min_count``,
``ratio``, ``z``). Days before the first counted hour are not in the baseline; with fewer than
``MIN_DAYS`` days of history there is no verdict (the baseline is still being learnt).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from presswatch.times import VIETNAM

MIN_EXPECTED = 0.5
MIN_DAYS = 7


def hour_key(moment: datetime) -> str:
    """The UTC hour bucket of ``moment``: ``YYYY-MM-DDTHH``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H")


def hour_start(key: str) -> datetime:
    return datetime.strptime(key, "%Y-%m-%dT%H").replace(tzinfo=UTC)


def window_keys(now: datetime, hours: int) -> list[str]:
    """The ``hours`` hour buckets ending with the one ``now`` falls in, oldest first."""
    last = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    return [hour_key(last - timedelta(hours=back)) for back in range(hours - 1, -1, -1)]


@dataclass(frozen=True)
class Verdict:
    observed: int
    expected: float  # E' (floored)
    ratio: float
    z: float
    days: int  # baseline days used

    def is_burst(self, ratio: float, z: float, min_count: int) -> bool:
        return self.observed >= min_count and self.ratio >= ratio and self.z >= z


def weekday_factors(totals: Mapping[str, int], now: datetime, days: int,
                    first_hour: str | None = None) -> dict[int, float]:
    """``F(w)`` from the hourly counts of all articles (``totals``: hour bucket → count) over the
    ``days`` days before ``now``'s day (Vietnamese calendar days), leaving out the days that began
    before ``first_hour`` (not known, not zero)."""
    today = now.astimezone(VIETNAM).date()
    known = None if first_hour is None else hour_start(first_hour)
    per_day: dict[date, int] = {
        today - timedelta(days=d): 0 for d in range(1, days + 1)
        if known is None or datetime.combine(today - timedelta(days=d), time(), VIETNAM) >= known}
    for key, count in totals.items():
        day = hour_start(key).astimezone(VIETNAM).date()
        if day in per_day:
            per_day[day] += count
    mean = sum(per_day.values()) / len(per_day) if per_day else 0.0
    if mean <= 0:
        return {}
    sums: dict[int, list[int]] = {}
    for day, count in per_day.items():
        sums.setdefault(day.weekday(), []).append(count)
    return {weekday: (sum(values) / len(values)) / mean for weekday, values in sums.items()
            if sum(values) > 0}


def verdict(counts: Mapping[str, int], now: datetime, hours: int, days: int, first_hour: str | None,
            factors: Mapping[int, float]) -> Verdict | None:
    """The burst verdict of one key (``counts``: its hour bucket → count, covering the window and the
    baseline), or None while fewer than ``MIN_DAYS`` days of history exist."""
    window = window_keys(now, hours)
    observed = sum(counts.get(key, 0) for key in window)
    now_factor = factors.get(now.astimezone(VIETNAM).weekday(), 1.0)
    shifted: list[float] = []
    for d in range(1, days + 1):
        keys = [hour_key(hour_start(key) - timedelta(days=d)) for key in window]
        if first_hour is None or keys[0] < first_hour:
            continue  # before the first counted hour: not known, not zero
        then_factor = factors.get((now - timedelta(days=d)).astimezone(VIETNAM).weekday(), 1.0)
        scale = now_factor / then_factor if then_factor > 0 else 1.0
        shifted.append(sum(counts.get(key, 0) for key in keys) * scale)
    if len(shifted) < MIN_DAYS:
        return None
    expected = max(sum(shifted) / len(shifted), MIN_EXPECTED)
    return Verdict(observed=observed, expected=expected, ratio=observed / expected,
                   z=(observed - expected) / math.sqrt(expected), days=len(shifted))
