"""Saved searches, the dashboard, source health, help, users and API docs pages."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from presswatch.errors import PresswatchError, QueryError
from presswatch.query import YEAR_MAX, YEAR_MIN, DateBound
from presswatch.search import SearchRequest
from presswatch.store import annotation as marks
from presswatch.store import users
from presswatch.times import VIETNAM, days_between, local
from presswatch.web.auth import Ctx, guard
from presswatch.web.charts import bars, day_bars
from presswatch.web.pages.search import filled_days
from presswatch.web.params import SearchForm

PERIODS = {"7": "7 ngày", "30": "30 ngày", "90": "90 ngày", "365": "1 năm"}
SENTIMENT_COLORS = {"tiêu cực": "#c0392b", "trung tính": "#7f8c8d", "tích cực": "#27ae60"}


@guard("viewer")
def saved_page(ctx: Ctx) -> Response:
    searches = marks.saved_searches(ctx.store)
    alerts = ctx.web.config.alerts
    channels = [channel.id for channel in alerts.channels] if alerts else []
    return ctx.render("saved.html", searches=[(s, marks.alert_rule_yaml(s, channels=channels)) for s in searches],
                      channels=channels, local=local, message=ctx.request.query_params.get("msg"))


@guard("analyst")
def saved_add(ctx: Ctx) -> Response:
    form = SearchForm.parse(ctx.request.query_params)
    query = ctx.form.get("query") or form.query_language()
    try:
        SearchRequest(query=query).tree()  # refuse what would not run
        marks.save_search(ctx.store, ctx.session.user.name, ctx.form.get("name", ""), query)
    except (PresswatchError, QueryError) as exc:
        return ctx.render("error.html", 400, status=400, message=str(exc))
    return RedirectResponse("/saved?msg=" + quote("Đã lưu tìm kiếm."), status_code=303)


@guard("analyst")
def saved_delete(ctx: Ctx) -> Response:
    removed = marks.delete_saved_search(ctx.store, int(ctx.request.path_params["id"]), ctx.session.user.name,
                                              ctx.session.user.can("admin"))
    if not removed:
        return ctx.render("error.html", 404, status=404,
                          message="Không có tìm kiếm đã lưu này (hoặc không phải của bạn).")
    return RedirectResponse("/saved", status_code=303)


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


@guard("viewer")
def sources_page(ctx: Ctx) -> Response:
    health = ctx.store.health()
    known = {source.id for source in ctx.web.config.sources}
    rows: list[dict[str, Any]] = []
    for source in ctx.web.config.sources:
        rows.append({"id": source.id, "name": source.name, "kind": source.kind, "type": source.type,
                     "enabled": source.enabled, "health": health.get(source.id)})
    for source_id, state in sorted(health.items()):
        if source_id not in known:
            rows.append({"id": source_id, "name": "(không còn trong cấu hình)", "kind": "", "type": "",
                         "enabled": False, "health": state})
    failing = sum(1 for r in rows if r["health"] and r["health"].consecutive_failures)
    return ctx.render("sources.html", rows=rows, local=local, failing=failing)


@guard("viewer")
def help_page(ctx: Ctx) -> Response:
    from presswatch import query

    return ctx.render("help.html", limits=query)


@guard("admin")
def users_page(ctx: Ctx) -> Response:
    return ctx.render("users.html", users=users.list_users(ctx.store), roles=users.ROLE_LABELS, local=local)


@guard("viewer")
def api_docs(ctx: Ctx) -> Response:
    from presswatch.web.api import SPEC

    return ctx.render("api.html", spec=SPEC, spec_json=json.dumps(SPEC, ensure_ascii=False, indent=2))
