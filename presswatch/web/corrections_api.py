"""The JSON API of corrections: list an article's corrections, correct one field, withdraw one.

``GET /api/articles/{id}/corrections`` (viewer), ``POST /api/articles/{id}/corrections`` with
``{"field", "value", "reason"?}`` and ``POST /api/articles/{id}/corrections/withdraw`` with
``{"field"}`` (analyst, admin); documented in ``openapi.SPEC``."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from presswatch.errors import PresswatchError
from presswatch.store import corrections as fixes
from presswatch.store.articles import has_article
from presswatch.web.auth import guard
from presswatch.web.context import Ctx
from presswatch.web.pages.corrections import configured_topics


def _error(exc: PresswatchError) -> Response:
    status = 404 if "không có bài viết" in str(exc) else 400
    return JSONResponse({"error": str(exc)}, status_code=status)


@guard("viewer", api=True)
def list_corrections(ctx: Ctx) -> Response:
    article_id = int(ctx.request.path_params["id"])
    if not has_article(ctx.store.db, article_id):
        return JSONResponse({"error": "Không có bài viết này."}, status_code=404)
    in_force = fixes.active(ctx.store, [article_id]).get(article_id, {})
    return JSONResponse({"article": article_id,
                         "in_force": {field: c.to_json() for field, c in in_force.items()},
                         "corrections": [c.to_json() for c in fixes.corrections_of(ctx.store, article_id)]})


@guard("analyst", api=True)
def post_correction(ctx: Ctx) -> Response:
    article_id = int(ctx.request.path_params["id"])
    body: dict[str, Any] = ctx.body
    field, reason = body.get("field"), body.get("reason")
    if not isinstance(field, str) or (reason is not None and not isinstance(reason, str)):
        return JSONResponse({"error": "field (và reason nếu có) phải là chuỗi."}, status_code=400)
    try:
        fix = fixes.correct(ctx.store, article_id, field, body.get("value"), ctx.session.user.name, reason,
                            topics=configured_topics(ctx), settings=ctx.web.config.settings)
    except PresswatchError as exc:
        return _error(exc)
    return JSONResponse({**fix.to_json(), "index_error": fix.index_error}, status_code=201)


@guard("analyst", api=True)
def withdraw_correction(ctx: Ctx) -> Response:
    article_id = int(ctx.request.path_params["id"])
    field = ctx.body.get("field")
    if not isinstance(field, str):
        return JSONResponse({"error": "field phải là một chuỗi."}, status_code=400)
    try:
        done = fixes.withdraw(ctx.store, article_id, field, ctx.session.user.name, settings=ctx.web.config.settings)
    except PresswatchError as exc:
        return _error(exc)
    return JSONResponse({"article": article_id, "field": field, "withdrawn": done})
