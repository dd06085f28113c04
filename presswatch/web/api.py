"""The JSON API: the same search and article data as the pages, documented by ``SPEC`` (OpenAPI 3.1)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from presswatch import annotations as marks
from presswatch.errors import PresswatchError, QueryError
from presswatch.search import Hit
from presswatch.web.auth import Ctx, guard
from presswatch.web.params import PAGE_SIZE, SearchForm
from presswatch.web.views import article_data, run_search


def _iso(moment: Any) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


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
    a, notes = data["article"], data["notes"]
    return JSONResponse({
        "id": a.id, "url": a.url, "source": a.source_id, "kind": a.source_kind, "title": a.title, "text": a.text,
        "title_original": a.title_original, "published": _iso(a.published_at), "fetched": _iso(a.fetched_at),
        "author": a.author, "relevance": a.relevance, "sentiment": a.sentiment, "analysis": a.analysis,
        "same_story": [{**o, "dated_at": _iso(o["dated_at"])} for o in data["others"]],
        "tags": notes.tags, "needs_verification": notes.needs_verification,
        "notes": [{"id": n.id, "user": n.user_name, "body": n.body, "created": _iso(n.created_at)}
                  for n in notes.notes],
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


def _filter(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": text,
            "schema": {"type": "array", "items": {"type": "string"}}, "explode": True}


_ERRORS = {"401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
_CSRF = {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"},
         "description": "The session's CSRF token (shown on every page in the meta tag csrf-token)."}


def _post(summary: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"summary": summary, "parameters": [_ID, _CSRF], "security": [{"session": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "OK"}, "201": {"description": "Created"},
                          "400": {"description": "Invalid body"}, "404": {"description": "No such article"},
                          **_ERRORS}}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "presswatch API", "version": "1", "description":
             "Search and read monitored articles. Authenticate by logging in at /login (session cookie); "
             "POST requests need the X-CSRF-Token header. Roles: viewer reads; analyst also annotates."},
    "components": {
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "presswatch_session"}},
        "responses": {"Unauthorized": {"description": "Not logged in"},
                      "Forbidden": {"description": "Wrong role or missing/invalid CSRF token"}},
    },
    "paths": {
        "/api/search": {"get": {
            "summary": "Search articles (query language of docs/query-language.md)",
            "security": [{"session": []}],
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string"},
                 "description": "query, e.g. `\"Mường Tè\" sạt lở` (diacritics optional)"},
                {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"}},
                {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"},
                 "description": "last day included (Vietnam time)"},
                _filter("source", "source id"), _filter("kind", "press, magazine, info_site, aggregator, social"),
                _filter("topic", "topic slug"), _filter("sentiment", "negative, neutral, positive"),
                _filter("relevance", "about, mention, none"), _filter("place", "Lai Châu unit name"),
                {"name": "sort", "in": "query", "schema": {"enum": ["relevance", "date"]}},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                {"name": "facets", "in": "query", "schema": {"enum": ["0", "1"]},
                 "description": "0 skips facet and per-day counts (faster)"},
            ],
            "responses": {"200": {"description": "total, hits (id, url, source, kind, title, published, dated, "
                                                 "snippet, highlights, exact, relevance, sentiment, topics), "
                                                 "facets, per_day (or facets_omitted when the search "
                                                 "matches more than web_facet_max_hits articles)"},
                          "400": {"description": "Malformed query: error and position"}, **_ERRORS},
        }},
        "/api/articles/{id}": {"get": {
            "summary": "One article: text, metadata, analysis with evidence, same-story copies, annotations",
            "security": [{"session": []}], "parameters": [_ID],
            "responses": {"200": {"description": "The article"}, "404": {"description": "No such article"},
                          **_ERRORS},
        }},
        "/api/articles/{id}/tags": {"post": _post("Tag an article (analyst)", {
            "type": "object", "required": ["tag"], "properties": {"tag": {"type": "string", "maxLength": 40}}})},
        "/api/articles/{id}/notes": {"post": _post("Add a note (analyst)", {
            "type": "object", "required": ["body"], "properties": {"body": {"type": "string", "maxLength": 5000}}})},
        "/api/articles/{id}/verification": {"post": _post("Mark or unmark \"cần xác minh\" (analyst)", {
            "type": "object", "required": ["needs_verification"],
            "properties": {"needs_verification": {"type": "boolean"}}})},
        "/api/openapi.json": {"get": {"summary": "This document", "security": [{"session": []}],
                                      "responses": {"200": {"description": "OpenAPI 3.1"}, **_ERRORS}}},
    },
}
