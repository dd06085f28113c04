"""The search page (results, facets, per-day chart, pages) and its CSV and XLSX exports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup, escape
from starlette.responses import Response

from presswatch.errors import QueryError
from presswatch.search import SearchResult
from presswatch.store import annotation as marks
from presswatch.times import local, local_date
from presswatch.web.auth import guard
from presswatch.web.charts import day_bars, filled_days
from presswatch.web.context import Ctx
from presswatch.web.export import file_name, rows, to_csv, to_xlsx
from presswatch.web.params import PAGE_SIZE, SearchForm
from presswatch.web.reads import run_search


def marked(snippet: str, spans: list[tuple[int, int]]) -> Markup:
    """``snippet`` escaped, with the matched spans in ``<mark>``."""
    out, last = [], 0
    for start, end in spans:
        out += [escape(snippet[last:start]), Markup("<mark>"), escape(snippet[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(snippet[last:]))
    return Markup("").join(out)


def query_error(form: SearchForm, exc: QueryError) -> dict[str, Any]:
    """The error, and the query split where it is (for the caret); no split when the error is not in
    the query text (a form's date)."""
    if exc.position is None:
        return {"message": str(exc), "before": None, "after": None}
    position = min(max(exc.position, 0), len(form.q))
    return {"message": str(exc), "before": form.q[:position], "after": form.q[position:]}


@guard("viewer")
def search_page(ctx: Ctx) -> Response:
    asked = SearchForm.parse(ctx.request.query_params)
    # A search without dates covers the last web_search_window_days days; one click widens it (all=1).
    form = asked.windowed(ctx.web.config.settings.web_search_window_days, local_date(datetime.now(UTC)))
    values: dict[str, Any] = {"form": form, "result": None, "error": None, "omitted": False,
                              "facet_max": ctx.web.config.settings.web_facet_max_hits,
                              "window": ctx.web.config.settings.web_search_window_days if form != asked else 0,
                              "widen": asked.link(whole=True)}
    if not form.empty:
        try:
            result, values["omitted"] = run_search(ctx, form, facets=True)
        except QueryError as exc:
            values["error"] = query_error(form, exc)
        else:
            values.update(result=result, chart=day_bars(filled_days(result.per_day), width=900, height=110),
                          flagged=marks.flagged(ctx.store, [h.id for h in result.hits]),
                          pages=_pages(form.page, result), marked=marked, local=local)
    return ctx.render("search.html", **values)


def _pages(page: int, result: SearchResult) -> list[int]:
    last = min((result.total + PAGE_SIZE - 1) // PAGE_SIZE, 100)
    return [n for n in range(max(1, page - 4), min(last, page + 4) + 1)]


def _export(ctx: Ctx, kind: str) -> Response:
    form = SearchForm.parse(ctx.request.query_params)
    if form.empty:
        return ctx.render("error.html", 400, status=400, message="Hãy nhập truy vấn hoặc chọn bộ lọc trước khi xuất.")
    try:
        result = ctx.web.backend(ctx.store).search(form.request(limit=ctx.web.config.settings.export_max_rows,
                                                                offset=0))
    except QueryError as exc:
        return ctx.render("error.html", 400, status=400, message=f"Truy vấn không hợp lệ: {exc}")
    table = rows(result.hits, ctx.web.labels)
    disposition = {"content-disposition": f'attachment; filename="{file_name(kind, datetime.now(UTC))}"'}
    if kind == "csv":
        return Response(to_csv(table), media_type="text/csv; charset=utf-8", headers=disposition)
    return Response(to_xlsx(table), media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers=disposition)


@guard("analyst")
def export_csv(ctx: Ctx) -> Response:
    return _export(ctx, "csv")


@guard("analyst")
def export_xlsx(ctx: Ctx) -> Response:
    return _export(ctx, "xlsx")
