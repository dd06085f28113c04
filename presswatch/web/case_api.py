"""The cases' JSON API, beside /api/search and /api/articles, with the same session and CSRF rules
(``guard(api=True)``: a POST needs the ``X-CSRF-Token`` header).

- ``GET /api/cases`` (``state``, ``kind``, ``assignee``, ``overdue=1``, ``page``): the list and counts;
- ``GET /api/cases/ID``: one case with its articles, links, actions, attachments and timeline;
- ``POST /api/cases``: a new case (``title``, ``kind``, ``summary``, ``reporter_*``, ``outlets``,
  ``deadline``, ``articles`` (ids), ``links``; origin ``api`` unless ``origin`` says otherwise);
- ``POST /api/cases/ID``: ``{"version": N, "changes": {...}}`` to edit fields, ``{"version": N,
  "state": "verifying"}`` to move it, ``{"version": N, "conclusion": …, "reasoning": …}`` to
  conclude, ``{"action": {...}}`` to record an action, ``{"articles": [...]}`` to attach articles.
  A stale ``version`` answers 409 with who changed the case; a missing right 403.
- ``POST /api/cases/ID/attachments``: a file as ``multipart/form-data`` (field ``file``), checked as
  the page's form checks it (by content, at most ``cases_attachment_max_bytes``); 201 with the file.

The reporter's contact is in the answers only for inspectors and admins.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from cases import reads, records
from cases.attachments import add_attachment
from cases.model import ORIGIN_LABELS, STATE_LABELS, Filters
from presswatch.errors import CaseConflict, CaseError, CaseForbidden
from presswatch.web.auth import guard
from presswatch.web.case_forms import (
    action_of,
    article_ids,
    case_json,
    cases_dir,
    cases_settings,
    draft_of,
    file_json,
    today,
)
from presswatch.web.context import Ctx

PAGE_SIZE = 50


def _refused(exc: CaseError) -> Response:
    status = 409 if isinstance(exc, CaseConflict) else 403 if isinstance(exc, CaseForbidden) else 400
    if "không có hồ sơ" in str(exc):
        status = 404
    return JSONResponse({"error": str(exc)}, status_code=status)


@guard("viewer", api=True)
def list_cases(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    kinds = cases_settings(ctx.web).kind_labels()
    page = int(params["page"]) if (params.get("page") or "").isdigit() and 0 < int(params["page"]) <= 10_000 else 1
    filters = Filters(state=params.get("state") if params.get("state") in STATE_LABELS else None,
                      kind=params.get("kind") if params.get("kind") in kinds else None,
                      assignee=(params.get("assignee") or "")[:64] or None, overdue=params.get("overdue") == "1",
                      limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    found = reads.list_cases(ctx.store.db, filters, today())
    return JSONResponse({"total": found.total, "page": page, "per_page": PAGE_SIZE, "by_state": found.by_state,
                         "overdue": found.overdue,
                         "cases": [case_json(c, ctx.session.user, kinds) for c in found.cases]})


@guard("viewer", api=True)
def get_case(ctx: Ctx) -> Response:
    file = reads.case_file(ctx.store.db, int(ctx.request.path_params["id"]))
    if file is None:
        return JSONResponse({"error": "Không có hồ sơ này."}, status_code=404)
    return JSONResponse(file_json(file, ctx.session.user, cases_settings(ctx.web).kind_labels()))


@guard("analyst", api=True)
def open_case(ctx: Ctx) -> Response:
    body: dict[str, Any] = ctx.body
    settings = cases_settings(ctx.web)
    origin = body.get("origin") or "api"
    if origin not in ORIGIN_LABELS:
        return JSONResponse({"error": f"origin phải là một trong: {', '.join(ORIGIN_LABELS)}"}, status_code=400)
    try:
        case = records.open_case(ctx.store, ctx.session.user, draft_of(body, origin=origin), settings.kind_labels(),
                                 deadline_days=settings.deadline_days)
    except CaseError as exc:
        return _refused(exc)
    return JSONResponse(case_json(case, ctx.session.user, settings.kind_labels()), status_code=201)


@guard("analyst", api=True)
def update_case(ctx: Ctx) -> Response:
    """One change per request: ``changes``, ``state``, ``conclusion``, ``articles`` or ``action``."""
    body: dict[str, Any] = ctx.body
    case_id = int(ctx.request.path_params["id"])
    user = ctx.session.user
    kinds = cases_settings(ctx.web).kind_labels()
    version = body.get("version")
    versioned = "changes" in body or "state" in body or "conclusion" in body
    if versioned and (not isinstance(version, int) or isinstance(version, bool)):
        return JSONResponse({"error": "version (số nguyên: phiên bản hồ sơ đã đọc) là bắt buộc."}, status_code=400)
    number = version if isinstance(version, int) else 0
    try:
        if "changes" in body:
            if not isinstance(body["changes"], dict):
                return JSONResponse({"error": "changes phải là một đối tượng."}, status_code=400)
            records.update_case(ctx.store, user, case_id, number, body["changes"], kinds)
        elif "state" in body:
            records.move(ctx.store, user, case_id, number, str(body["state"]))
        elif "conclusion" in body:
            records.conclude(ctx.store, user, case_id, number, str(body["conclusion"]),
                             str(body.get("reasoning") or ""))
        elif "articles" in body:
            records.add_articles(ctx.store, user, case_id, article_ids(body["articles"]),
                                 with_copies=body.get("copies") is True)
        elif isinstance(body.get("action"), dict):
            records.add_action(ctx.store, user, case_id, action_of(body["action"]))
        else:
            return JSONResponse({"error": "Cần một trong: changes, state, conclusion, articles, action (đối tượng)."},
                                status_code=400)
    except CaseError as exc:
        return _refused(exc)
    file = reads.case_file(ctx.store.db, case_id)
    if file is None:
        return JSONResponse({"error": "Không có hồ sơ này."}, status_code=404)
    return JSONResponse(file_json(file, user, kinds))


@guard("analyst", api=True, files=1)
def add_file(ctx: Ctx) -> Response:
    """A file attached to a case (multipart ``file``), as the case page's form attaches it."""
    case_id = int(ctx.request.path_params["id"])
    if not ctx.files:
        return JSONResponse({"error": "Cần một tệp trong trường file (multipart/form-data)."}, status_code=400)
    name, data = ctx.files[0]
    try:
        kept = add_attachment(ctx.store, ctx.session.user, case_id, name, data, cases_dir=cases_dir(ctx.web),
                              max_bytes=ctx.web.config.settings.cases_attachment_max_bytes)
    except CaseError as exc:
        return _refused(exc)
    return JSONResponse({"id": kept.id, "name": kept.name, "mime": kept.mime, "size": kept.size,
                         "sha256": kept.sha256}, status_code=201)
