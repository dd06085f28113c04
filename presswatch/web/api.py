"""The JSON API (/api/*): search, articles, and analysts' annotations.

It returns the same search and article data as the pages, read through ``reads``; ``openapi.SPEC``
documents it."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from alerts.outbox import ArticleAlert
from presswatch.errors import PresswatchError, QueryError
from presswatch.search import Hit
from presswatch.store import annotation as marks
from presswatch.web.auth import guard
from presswatch.web.context import Ctx
from presswatch.web.openapi import SPEC
from presswatch.web.params import PAGE_SIZE, SearchForm
from presswatch.web.reads import article_data, rule_names, run_search


def _iso(moment: Any) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def alert_json(alert: ArticleAlert, names: dict[str, str]) -> dict[str, Any]:
    return {"rule": alert.rule_id, "rule_name": names.get(alert.rule_id), "severity": alert.severity,
            "created": _iso(alert.created_at), "copies": alert.copies, "summary": alert.summary,
            "article": alert.article_id,
            "deliveries": [{"channel": d.channel, "status": d.status, "attempts": d.attempts,
                            "sent": _iso(d.sent_at), "last_error": d.last_error} for d in alert.deliveries]}


def hit_json(hit: Hit) -> dict[str, Any]:
    return {"id": hit.id, "url": hit.url, "source": hit.source_id, "kind": hit.source_kind, "title": hit.title,
            "published": _iso(hit.published_at), "dated": _iso(hit.dated_at), "snippet": hit.snippet,
            "highlights": hit.highlights, "exact": hit.exact, "relevance": hit.relevance,
            "sentiment": hit.sentiment, "topics": hit.topics}


@guard("viewer", api=True)
def search(ctx: Ctx) -> Response:
    form = SearchForm.parse(ctx.request.query_params)
    if form.empty:
        return JSONResponse({"error": "Thiếu truy vấn (q) hoặc bộ lọc."}, status_code=400)
    facets = ctx.request.query_params.get("facets", "1") != "0"
    try:
        result, omitted = run_search(ctx, form, facets)
    except QueryError as exc:
        return JSONResponse({"error": str(exc), "position": exc.user_position}, status_code=400)
    body: dict[str, Any] = {"query": form.q, "total": result.total, "page": form.page, "per_page": PAGE_SIZE,
                            "hits": [hit_json(h) for h in result.hits]}
    if omitted:
        body["facets_omitted"] = f"more than web_facet_max_hits ({ctx.web.config.settings.web_facet_max_hits}) matches"
    elif facets:
        body["facets"] = {name: [[v, n] for v, n in counts] for name, counts in result.facets.items()}
        body["per_day"] = [[d, n] for d, n in result.per_day]
    return JSONResponse(body)


@guard("viewer", api=True)
def article(ctx: Ctx) -> Response:
    data = article_data(ctx.store, int(ctx.request.path_params["id"]))
    if data is None:
        return JSONResponse({"error": "Không có bài viết này."}, status_code=404)
    a, notes, names = data["article"], data["notes"], rule_names(ctx.web)
    return JSONResponse({
        "id": a.id, "url": a.url, "source": a.source_id, "kind": a.source_kind, "title": a.title, "text": a.text,
        "title_original": a.title_original, "published": _iso(a.published_at), "fetched": _iso(a.fetched_at),
        "author": a.author, "relevance": a.relevance, "sentiment": a.sentiment, "analysis": a.analysis,
        "same_story": [{**o, "dated_at": _iso(o["dated_at"])} for o in data["others"]],
        "tags": notes.tags, "needs_verification": notes.needs_verification,
        "notes": [{"id": n.id, "user": n.user_name, "body": n.body, "created": _iso(n.created_at)}
                  for n in notes.notes],
        "alerts": [alert_json(alert, names) for alert in data["alerts"]],
    })


def _annotate(ctx: Ctx, action: str) -> Response:
    article_id = int(ctx.request.path_params["id"])
    body: dict[str, Any] = ctx.body
    user = ctx.session.user.name
    field = {"tag": "tag", "note": "body"}.get(action)
    if field is not None and not isinstance(body.get(field, ""), str):
        return JSONResponse({"error": f"{field} phải là một chuỗi."}, status_code=400)
    try:
        if action == "tag":
            tag = marks.add_tag(ctx.store, article_id, body.get("tag", ""), user)
            return JSONResponse({"tag": tag}, status_code=201)
        if action == "note":
            note = marks.add_note(ctx.store, article_id, body.get("body", ""), user)
            return JSONResponse({"id": note.id, "body": note.body}, status_code=201)
        needed = body.get("needs_verification")
        if not isinstance(needed, bool):
            return JSONResponse({"error": "needs_verification phải là true hoặc false."}, status_code=400)
        marks.set_verification(ctx.store, article_id, needed, user)
        return JSONResponse({"needs_verification": needed})
    except PresswatchError as exc:
        status = 404 if "không có bài viết" in str(exc) else 400
        return JSONResponse({"error": str(exc)}, status_code=status)


@guard("analyst", api=True)
def add_tag(ctx: Ctx) -> Response:
    return _annotate(ctx, "tag")


@guard("analyst", api=True)
def add_note(ctx: Ctx) -> Response:
    return _annotate(ctx, "note")


@guard("analyst", api=True)
def verification(ctx: Ctx) -> Response:
    return _annotate(ctx, "verify")


@guard("viewer", api=True)
def openapi(ctx: Ctx) -> Response:
    return JSONResponse(SPEC)
