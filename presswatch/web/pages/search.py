"""The search page, the article page with its actions, and exports."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from markupsafe import Markup, escape
from starlette.responses import RedirectResponse, Response

from presswatch.config.alerts import SEVERITY_LABELS
from presswatch.errors import PresswatchError, QueryError
from presswatch.search import SearchResult
from presswatch.store import Store
from presswatch.store import annotation as marks
from presswatch.times import local, parse_iso
from presswatch.web.app import Web
from presswatch.web.auth import Ctx, guard
from presswatch.web.charts import day_bars
from presswatch.web.export import file_name, rows, to_csv, to_xlsx
from presswatch.web.params import PAGE_SIZE, SearchForm
from presswatch.web.reads import article_alerts

DELIVERY_LABELS = {"pending": "đang chờ gửi", "sent": "đã gửi", "dead": "gửi thất bại"}


def marked(snippet: str, spans: list[tuple[int, int]]) -> Markup:
    """``snippet`` escaped, with the matched spans in ``<mark>``."""
    out, last = [], 0
    for start, end in spans:
        out += [escape(snippet[last:start]), Markup("<mark>"), escape(snippet[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(snippet[last:]))
    return Markup("").join(out)


def filled_days(per_day: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Per-day counts with the missing days between the first and the last as zeros."""
    if not per_day:
        return []
    counts = dict(per_day)
    first, last = date.fromisoformat(per_day[0][0]), date.fromisoformat(per_day[-1][0])
    if (last - first).days > 3660:
        return per_day
    days = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    return [(day, counts.get(day, 0)) for day in days]


def query_error(form: SearchForm, exc: QueryError) -> dict[str, Any]:
    """The error, and the query split where it is (for the caret); no split when the error is not in
    the query text (a form's date)."""
    if exc.position is None:
        return {"message": str(exc), "before": None, "after": None}
    position = min(max(exc.position, 0), len(form.q))
    return {"message": str(exc), "before": form.q[:position], "after": form.q[position:]}


def run_search(ctx: Ctx, form: SearchForm, facets: bool) -> tuple[SearchResult, bool]:
    """The page of hits; with ``facets``, the facet and per-day counts too when the search matches at
    most ``web_facet_max_hits`` articles (their cost grows with every match). Returns (result,
    whether the counts were left out). One search: the backend counts from the matches it collected
    for the page."""
    backend = ctx.web.backend(ctx.store)
    result = backend.search(form.request(facets=facets, facet_max_hits=ctx.web.config.settings.web_facet_max_hits))
    return result, result.facets_omitted


@guard("viewer")
def search_page(ctx: Ctx) -> Response:
    form = SearchForm.parse(ctx.request.query_params)
    values: dict[str, Any] = {"form": form, "result": None, "error": None, "omitted": False,
                              "facet_max": ctx.web.config.settings.web_facet_max_hits}
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


def article_data(store: Store, article_id: int) -> dict[str, Any] | None:
    article = store.article(article_id)
    if article is None:
        return None
    others = []
    if article.cluster_id is not None:
        for row in store.db.execute(
                "SELECT id, url, source_id, title, dated_at FROM articles WHERE cluster_id = ? AND id != ? "
                "ORDER BY dated_at LIMIT 50", (article.cluster_id, article.id)):
            others.append({"id": row["id"], "url": row["url"], "source": row["source_id"], "title": row["title"],
                           "dated_at": parse_iso(row["dated_at"])})
    comments = []
    for row in store.db.execute(
            "SELECT a.id, a.author, a.dated_at, a.engagement, a.analysis, t.text FROM articles a "
            "JOIN article_texts t ON t.article_id = a.id WHERE a.parent_id = ? ORDER BY a.dated_at LIMIT 200",
            (article.id,)):
        analysis = json.loads(row["analysis"]) if row["analysis"] else {}
        engagement = json.loads(row["engagement"]) if row["engagement"] else {}
        comments.append({"id": row["id"], "author": row["author"], "text": row["text"],
                         "dated_at": parse_iso(row["dated_at"]), "likes": engagement.get("likes"),
                         "toxicity": (analysis.get("toxicity") or {}).get("label", "clean")})
    hostile = sum(comment["toxicity"] != "clean" for comment in comments)
    return {"article": article, "others": others, "notes": marks.article_annotations(store, article.id),
            "comments": comments, "hostile": hostile,
            "alerts": article_alerts(store.db, article.id, article.cluster_id)}


def rule_names(web: Web) -> dict[str, str]:
    """Alert rule names by id, from config/alerts.yaml (a rule since removed shows its id only)."""
    return {rule.id: rule.name for rule in web.config.alerts.rules} if web.config.alerts else {}


@guard("viewer")
def article_page(ctx: Ctx) -> Response:
    data = article_data(ctx.store, int(ctx.request.path_params["id"]))
    if data is None:
        return ctx.render("error.html", 404, status=404, message="Không có bài viết này.")
    return ctx.render("article.html", local=local, message=ctx.request.query_params.get("msg"),
                      rule_names=rule_names(ctx.web), severities=SEVERITY_LABELS, delivery_labels=DELIVERY_LABELS,
                      **data)


def _act(ctx: Ctx, action: str) -> Response:
    article_id = int(ctx.request.path_params["id"])
    user = ctx.session.user.name
    message = ""
    try:
        if action == "tag":
            message = f"Đã gắn nhãn «{marks.add_tag(ctx.store, article_id, ctx.form.get('tag', ''), user)}»."
        elif action == "untag":
            marks.remove_tag(ctx.store, article_id, ctx.form.get("tag", ""))
            message = "Đã bỏ nhãn."
        elif action == "note":
            marks.add_note(ctx.store, article_id, ctx.form.get("note", ""), user)
            message = "Đã lưu ghi chú."
        else:
            needed = ctx.form.get("needed") == "1"
            marks.set_verification(ctx.store, article_id, needed, user)
            message = "Đã đánh dấu cần xác minh." if needed else "Đã bỏ đánh dấu cần xác minh."
    except PresswatchError as exc:
        return ctx.render("error.html", 400, status=400, message=str(exc))
    return RedirectResponse(f"/article/{article_id}?msg={quote(message)}", status_code=303)


@guard("analyst")
def tag_add(ctx: Ctx) -> Response:
    return _act(ctx, "tag")


@guard("analyst")
def tag_remove(ctx: Ctx) -> Response:
    return _act(ctx, "untag")


@guard("analyst")
def note_add(ctx: Ctx) -> Response:
    return _act(ctx, "note")


@guard("analyst")
def verification(ctx: Ctx) -> Response:
    return _act(ctx, "verify")


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
