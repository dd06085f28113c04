"""The dashboard page: counts of articles over a period, per day and by facet.

The period is a preset number of days or a from–to range; the facets are topic, sentiment,
source, place, relevance and kind."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from starlette.responses import Response

from presswatch.errors import QueryError
from presswatch.query import YEAR_MAX, YEAR_MIN, DateBound
from presswatch.search import SearchRequest
from presswatch.times import VIETNAM, days_between
from presswatch.web.auth import guard
from presswatch.web.charts import bars, day_bars, filled_days
from presswatch.web.context import Ctx

PERIODS = {"7": "7 ngày", "30": "30 ngày", "90": "90 ngày", "365": "1 năm"}
SENTIMENT_COLORS = {"tiêu cực": "#c0392b", "trung tính": "#7f8c8d", "tích cực": "#27ae60"}


def _period(ctx: Ctx) -> tuple[str, str, str]:
    """(first day, last day, preset) of the dashboard; QueryError for days outside the years the
    query language accepts (YEAR_MIN–YEAR_MAX)."""
    params = ctx.request.query_params
    today = datetime.now(VIETNAM).date()
    days = params.get("days", "30")
    start, end = params.get("from", ""), params.get("to", "")
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        days = days if days in PERIODS else "30"
        return (today - timedelta(days=int(days) - 1)).isoformat(), today.isoformat(), days
    if last < first:
        first, last = last, first
    if first.year < YEAR_MIN or last.year > YEAR_MAX:
        raise QueryError(f"khoảng ngày phải trong các năm {YEAR_MIN}–{YEAR_MAX}", None)
    return first.isoformat(), last.isoformat(), ""


@guard("viewer")
def dashboard(ctx: Ctx) -> Response:
    try:
        first, last, days = _period(ctx)
    except QueryError as exc:
        return ctx.render("error.html", 400, status=400, message=str(exc))
    since, until = days_between(date.fromisoformat(first), date.fromisoformat(last))
    request = SearchRequest(query="", limit=0, facets=True,
                            filters=(DateBound("since", since), DateBound("until", until)))  # type: ignore[arg-type]
    result = ctx.web.backend(ctx.store).search(request)
    labels = ctx.web.labels
    per_day = dict(result.per_day)
    span = (date.fromisoformat(last) - date.fromisoformat(first)).days
    series = [((date.fromisoformat(first) + timedelta(days=n)).isoformat(), 0) for n in range(min(span, 3660) + 1)]
    series = [(day, per_day.get(day, 0)) for day, _ in series] or filled_days(result.per_day)

    def named(facet: str, limit: int = 10) -> list[tuple[str, int]]:
        return [(labels.get(facet, {}).get(v, v), n) for v, n in result.facets.get(facet, [])[:limit]]

    charts = {
        "topics": bars(named("topic")),
        "sentiment": bars(named("sentiment"), colors=SENTIMENT_COLORS),
        "sources": bars(named("source")),
        "places": bars(named("place")),
        "relevance": bars(named("relevance")),
        "kinds": bars(named("kind")),
    }
    return ctx.render("dashboard.html", total=result.total, chart=day_bars(series, width=1000, height=170),
                      charts=charts, first=first, last=last, days=days, periods=PERIODS)
