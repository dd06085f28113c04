"""The saved searches page: list (each with its alert rule as YAML), save (analysts), delete."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from presswatch.errors import PresswatchError, QueryError
from presswatch.search import SearchRequest
from presswatch.store import annotation as marks
from presswatch.times import local
from presswatch.web.auth import guard
from presswatch.web.context import Ctx
from presswatch.web.params import SearchForm


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
