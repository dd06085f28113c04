"""The case pages: the list (filters, counts), a case (timeline, articles, links, attachments,
actions, conclusion, the forms that change it), a new case (a phone call, a letter), "Mở hồ sơ"
from an article or one of its alerts, the DOCX dossier and attachment downloads.

Every change goes through ``cases.records`` with the rights of ``cases.workflow``; edits carry the
version the form was drawn from, so two people editing one case never overwrite each other: the
second is told who changed it and keeps what they typed on the page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response
from starlette.types import Scope

from alerts import outbox
from cases import outlets, reads, records, workflow
from cases.attachments import add_attachment, read_attachment
from cases.dossier import TEMPLATE_NAME, context, docx_to_pdf, render_docx
from cases.model import (
    ACTION_LABELS,
    CONCLUSION_LABELS,
    FIELD_LABELS,
    ORIGIN_LABELS,
    PERSONAL,
    STATE_LABELS,
    Filters,
)
from presswatch.errors import CaseConflict, CaseError, CaseForbidden
from presswatch.store import users
from presswatch.store.articles import analysis_of
from presswatch.times import local, local_day
from presswatch.web.auth import guard
from presswatch.web.case_forms import (
    action_of,
    article_ids,
    cases_dir,
    cases_settings,
    draft_of,
    integer,
    today,
    visible_audit,
)
from presswatch.web.context import Ctx
from presswatch.web.reads import rule_names as names_of_rules
from register import tables as register_tables
from register.answer import answering

PAGE_SIZE = 50
STATUS = {CaseConflict: 409, CaseForbidden: 403}
UPLOAD_PATH = re.compile(r"^(/api)?/cases/[0-9]{1,19}/attachments$")  # the page's form and the API
UPLOAD_OVERHEAD = 64_000  # the multipart framing and the form's other fields


def upload_cap(max_bytes: int) -> Callable[[Scope], int | None]:
    """For ``BodyLimit``: an attachment's upload may be as large as ``cases_attachment_max_bytes``
    (plus its framing); every other request keeps the common cap."""
    def larger(scope: Scope) -> int | None:
        if scope.get("method") == "POST" and UPLOAD_PATH.match(str(scope.get("path", ""))):
            return max_bytes + UPLOAD_OVERHEAD
        return None

    return larger


def _labels(ctx: Ctx) -> dict[str, Any]:
    settings = cases_settings(ctx.web)
    return {"states": STATE_LABELS, "kinds": settings.kind_labels(), "origins": ORIGIN_LABELS,
            "conclusions": CONCLUSION_LABELS, "action_kinds": ACTION_LABELS, "fields": FIELD_LABELS,
            "legal_bases": settings.legal_bases, "local": local, "local_day": local_day}


def _people(ctx: Ctx) -> list[str]:
    return sorted(user.name for user in users.list_users(ctx.store) if not user.disabled)


@guard("viewer")
def case_list(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    state = params.get("state") if params.get("state") in STATE_LABELS else None
    kinds = cases_settings(ctx.web).kind_labels()
    kind = params.get("kind") if params.get("kind") in kinds else None
    assignee = (params.get("assignee") or "")[:64] or None
    page = max(1, min(10_000, int(params["page"]) if (params.get("page") or "").isdigit() else 1))
    filters = Filters(state=state, kind=kind, assignee=assignee, overdue=params.get("overdue") == "1",
                      limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    found = reads.list_cases(ctx.store.db, filters, today())
    return ctx.render("cases/list.html", found=found, filters=filters, page=page, page_size=PAGE_SIZE,
                      assignees=reads.assignees(ctx.store.db), today=today(),
                      can_open=workflow.may(ctx.session.user, "open"), **_labels(ctx))


def _page(ctx: Ctx, case_id: int, status: int = 200, error: str | None = None,
          pending: dict[str, str] | None = None) -> Response:
    file = reads.case_file(ctx.store.db, case_id)
    if file is None:
        return ctx.render("error.html", 404, status=404, message="Không có hồ sơ này.")
    user = ctx.session.user
    with ctx.store.transaction() as db:
        registered = register_tables.outlets(db)  # the shell joins the case's outlets to the register
        # who should answer for the case's articles (the register's choice, as on an article page)
        spokespeople = answering(db, analysis_of(db, [a.article_id for a in file.articles]).values())
    named = {o.licence_no for o in file.registered}
    return ctx.render("cases/page.html", status, file=file,
                      register_ids={o.licence_no: o.id for o in registered},
                      register_choices=[o for o in registered if o.licence_no not in named], case=file.case,
                      audit=visible_audit(file.audit, user),
                      personal=workflow.may(user, "personal"), can_edit=workflow.may(user, "edit"),
                      can_assign=workflow.may(user, "assign"), can_conclude=workflow.may(user, "conclude"),
                      can_act=workflow.may(user, "act"), moves=workflow.moves_from(file.case.state, user),
                      people=_people(ctx), today=today(), error=error, pending=pending or {}, spokespeople=spokespeople,
                      message=ctx.request.query_params.get("msg"), personal_fields=PERSONAL, **_labels(ctx))


@guard("viewer")
def case_page(ctx: Ctx) -> Response:
    return _page(ctx, int(ctx.request.path_params["id"]))


@guard("analyst")
def new_case_form(ctx: Ctx) -> Response:
    return ctx.render("cases/new.html", values={"origin": "phone", "deadline": ""}, error=None,
                      people=_people(ctx), can_assign=workflow.may(ctx.session.user, "assign"), **_labels(ctx))


@guard("analyst")
def new_case(ctx: Ctx) -> Response:
    settings = cases_settings(ctx.web)
    try:
        draft = draft_of(ctx.form)
        case = records.open_case(ctx.store, ctx.session.user, draft, settings.kind_labels(),
                                 deadline_days=settings.deadline_days)
    except CaseError as exc:
        return ctx.render("cases/new.html", STATUS.get(type(exc), 400), values=ctx.form, error=str(exc),
                          people=_people(ctx), can_assign=workflow.may(ctx.session.user, "assign"), **_labels(ctx))
    return _done(case.id, f"Đã mở hồ sơ {case.number}.")


@guard("analyst")
def open_from_article(ctx: Ctx) -> Response:
    """"Mở hồ sơ" on an article page (or on one of its alerts): the article and its story's other
    copies are attached."""
    article_id = int(ctx.request.path_params["id"])
    article = ctx.store.article(article_id)
    if article is None:
        return ctx.render("error.html", 404, status=404, message="Không có bài viết này.")
    settings = cases_settings(ctx.web)
    kinds = settings.kind_labels()
    kind = ctx.form.get("kind") if ctx.form.get("kind") in kinds else next(iter(kinds))
    alert = None
    if ctx.form.get("alert"):
        alert_id = ctx.form["alert"]
        alert = outbox.alert(ctx.store.db, int(alert_id)) if alert_id.isdigit() and len(alert_id) < 19 else None
        story = article.cluster_id if article.cluster_id is not None else -article.id
        if alert is None or alert.story != story:
            return ctx.render("error.html", 404, status=404, message="Bài viết này không có cảnh báo đó.")
    rule = names_of_rules(ctx.web).get(alert.rule_id, alert.rule_id) if alert else ""
    summary = (f"Mở từ cảnh báo «{rule}» ({local(alert.created_at)}) của bài viết #{alert.article_id}." if alert
               else f"Mở từ bài viết #{article_id}.")
    ids = [alert.article_id, article_id] if alert else [article_id]
    attached = ",".join(str(i) for i in dict.fromkeys(ids))
    try:
        draft = draft_of({"title": article.title[:records.MAX_TITLE], "kind": kind, "summary": summary,
                          "articles": attached}, origin="alert" if alert else "analyst")
        case = records.open_case(ctx.store, ctx.session.user, replace(draft, alert_id=alert.id if alert else None),
                                 kinds, deadline_days=settings.deadline_days)
    except CaseError as exc:
        return ctx.render("error.html", STATUS.get(type(exc), 400), status=STATUS.get(type(exc), 400), message=str(exc))
    return _done(case.id, f"Đã mở hồ sơ {case.number} từ bài viết.")


def _done(case_id: int, message: str) -> Response:
    return RedirectResponse(f"/cases/{case_id}?msg={quote(message)}", status_code=303)


def _change(ctx: Ctx, what: str) -> Response:
    case_id = int(ctx.request.path_params["id"])
    user = ctx.session.user
    form = ctx.form
    kinds = cases_settings(ctx.web).kind_labels()
    try:
        version = integer(form.get("version"), "phiên bản") if what in ("edit", "state", "conclusion") else 0
        if what == "edit":
            fields = [f for f in records.EDITABLE if f in form]
            case = records.update_case(ctx.store, user, case_id, version, {f: form[f] for f in fields}, kinds)
            message = "Đã lưu thay đổi."
        elif what == "state":
            case = records.move(ctx.store, user, case_id, version, form.get("to", ""))
            message = f"Đã chuyển hồ sơ sang «{STATE_LABELS[case.state]}»."
        elif what == "conclusion":
            records.conclude(ctx.store, user, case_id, version, form.get("conclusion", ""), form.get("reasoning", ""))
            message = "Đã ghi kết luận."
        elif what == "articles":
            added = records.add_articles(ctx.store, user, case_id, article_ids(form.get("articles")),
                                         with_copies=form.get("copies") == "1")
            message = f"Đã thêm {len(added)} bài viết." if added else "Các bài viết này đã có trong hồ sơ."
        elif what == "outlets":
            licence = form.get("licence", "")[:100]
            if form.get("op") == "remove":
                removed = outlets.unlink(ctx.store, user, case_id, licence)
                message = "Đã bỏ cơ quan khỏi hồ sơ." if removed else "Hồ sơ không nêu cơ quan này."
            else:
                with ctx.store.transaction() as db:
                    entry = register_tables.outlet(db, licence)
                if entry is None:
                    raise CaseError(f"không có cơ quan giấy phép '{licence}' trong sổ đăng ký")
                linked = outlets.link(ctx.store, user, case_id, entry.licence_no, entry.name)
                message = f"Đã thêm «{entry.name}»." if linked else "Hồ sơ đã nêu cơ quan này."
        elif what == "links":
            added_link = records.add_link(ctx.store, user, case_id, form.get("url", ""), form.get("note", ""))
            message = "Đã thêm đường dẫn." if added_link else "Đường dẫn này đã có trong hồ sơ."
        else:
            records.add_action(ctx.store, user, case_id, action_of(form))
            message = "Đã ghi biện pháp xử lý."
    except CaseError as exc:
        # The page again, with the error and what the user typed (nothing they entered is lost).
        return _page(ctx, case_id, STATUS.get(type(exc), 400), str(exc), {**form, "_form": what})
    return _done(case_id, message)


@guard("analyst")
def case_edit(ctx: Ctx) -> Response:
    return _change(ctx, "edit")


@guard("analyst")
def case_state(ctx: Ctx) -> Response:
    return _change(ctx, "state")


@guard("inspector")
def case_conclusion(ctx: Ctx) -> Response:
    return _change(ctx, "conclusion")


@guard("analyst")
def case_articles(ctx: Ctx) -> Response:
    return _change(ctx, "articles")


@guard("analyst")
def case_outlets(ctx: Ctx) -> Response:
    """Name an outlet of the press register in the case, or remove it (``op=remove``)."""
    return _change(ctx, "outlets")


@guard("analyst")
def case_links(ctx: Ctx) -> Response:
    return _change(ctx, "links")


@guard("inspector")
def case_actions(ctx: Ctx) -> Response:
    return _change(ctx, "actions")


@guard("analyst", files=1)
def case_upload(ctx: Ctx) -> Response:
    """An attachment from the case page: checked by content, kept under its SHA-256."""
    case_id = int(ctx.request.path_params["id"])
    if not ctx.files:
        return _page(ctx, case_id, 400, "chưa chọn tệp")
    name, data = ctx.files[0]
    settings = ctx.web.config.settings
    try:
        kept = add_attachment(ctx.store, ctx.session.user, case_id, name, data, cases_dir=cases_dir(ctx.web),
                              max_bytes=settings.cases_attachment_max_bytes)
    except CaseError as exc:
        return _page(ctx, case_id, STATUS.get(type(exc), 400), str(exc))
    return _done(case_id, f"Đã đính kèm tệp «{kept.name}».")


@guard("analyst")
def case_dossier(ctx: Ctx) -> Response:
    """The dossier, DOCX or PDF (by the path's ending); the reporter's contact only for inspectors and
    admins who ask (``personal=1``)."""
    case_id = int(ctx.request.path_params["id"])
    file = reads.case_file(ctx.store.db, case_id)
    if file is None:
        return ctx.render("error.html", 404, status=404, message="Không có hồ sơ này.")
    personal = ctx.request.query_params.get("personal") == "1" and workflow.may(ctx.session.user, "personal")
    values = context(ctx.store.db, file, cases_settings(ctx.web).kind_labels(), personal=personal)
    pdf = ctx.request.url.path.endswith(".pdf")
    try:
        data = render_docx(ctx.web.config.directory / TEMPLATE_NAME, values)
        if pdf:
            data = docx_to_pdf(data)
    except CaseError as exc:
        return ctx.render("error.html", 500, status=500, message=str(exc))
    name = f"ho-so-{file.case.seq}-{file.case.year}.{'pdf' if pdf else 'docx'}"
    media = "application/pdf" if pdf else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return Response(data, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@guard("analyst")
def case_attachment(ctx: Ctx) -> Response:
    case_id = int(ctx.request.path_params["id"])
    sha = str(ctx.request.path_params.get("sha", ""))
    file = reads.case_file(ctx.store.db, case_id)
    found = next((a for a in file.attachments if a.sha256 == sha), None) if file else None
    if found is None:
        return ctx.render("error.html", 404, status=404, message="Không có tệp này trong hồ sơ.")
    try:
        data = read_attachment(cases_dir(ctx.web), found)
    except (CaseError, OSError):
        return ctx.render("error.html", 500, status=500, message="Không đọc được tệp (đã bị xóa hoặc thay đổi).")
    return Response(data, media_type=found.mime,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.name)}",
                             "X-Content-Type-Options": "nosniff"})
