"""The press register pages (issue 20): outlets (inspectors and admins edit them, every change audited
under their name, and import a workbook: ``POST /register/import``, all or nothing as
``presswatch register import``),
spokespeople valid today, a month's compliance indicators with their articles (inspectors open a
case from a flagged outlet-month: ``presswatch.service.register_cases``), the audit trail, the
register as XLSX. An outlet's page lists the cases naming it (the shell's join of the two packages)."""

from __future__ import annotations

import re
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response
from starlette.types import Scope

from analysis.gazetteer import load as load_gazetteer
from cases.model import STATE_LABELS
from cases.reads import cases_of_outlet
from presswatch.errors import CaseError, RegisterError
from presswatch.service.register_cases import flag_cases, open_flag_case
from presswatch.times import day_start, local, local_day
from presswatch.web.auth import guard
from presswatch.web.case_forms import cases_settings
from presswatch.web.context import Ctx
from register import tables
from register.edit import EDITABLE, edited
from register.indicators import INDICATORS, OutletReport, compute
from register.profile import profile
from register.settings import load_register_settings
from register.xlsx import References, read_workbook, spokespeople_html, write_workbook

IMPORT_PATH = "/register/import"
IMPORT_MAX_BYTES = 10_000_000  # an uploaded workbook (the CLI's import takes up to 20 MB)
IMPORT_OVERHEAD = 64_000  # the multipart framing and the CSRF field
_UNSAFE_NAME = re.compile(r"[^\w.() -]+")


def _refs(ctx: Ctx) -> References:
    config = ctx.web.config
    return References(topics=frozenset(t.slug for t in config.topics.topics) if config.topics else frozenset(),
                      sources=frozenset(s.id for s in config.sources), communes=frozenset(load_gazetteer().units))


@guard("viewer")
def outlets_page(ctx: Ctx) -> Response:
    with ctx.store.transaction() as db:
        outlets = tables.outlets(db)
    return ctx.render("register.html", outlets=outlets, local_day=local_day,
                      message=ctx.request.query_params.get("msg"), problems=[])


@guard("viewer")
def outlet_page(ctx: Ctx) -> Response:
    outlet_id = int(ctx.request.path_params["id"])
    today = datetime.now(UTC).date()
    first_month = date(today.year - (today.month <= 11), (today.month - 12) % 12 + 1, 1)  # 12 months back
    with ctx.store.transaction() as db:
        outlets = tables.outlets(db)
        outlet = next((o for o in outlets if o.id == outlet_id), None)
        if outlet is None:
            return ctx.render("error.html", 404, status=404, message="Không có cơ quan báo chí này trong sổ đăng ký.")
        trail = tables.audit(db, "outlet", outlet.licence_no, limit=50)
        outlet_cases = cases_of_outlet(db, outlet.licence_no)  # the shell joins the register to cases
        summary = profile(db, outlet, outlets, {s.id: list(s.urls) for s in ctx.web.config.sources},
                          day_start(first_month), day_start(today + timedelta(days=1)))
    return ctx.render("register_outlet.html", outlet=outlet, trail=trail, fields=EDITABLE, problems=[],
                      local=local, local_day=local_day, profile=summary, labels_topics=_topic_labels(ctx),
                      outlet_cases=outlet_cases, case_states=STATE_LABELS)


def _topic_labels(ctx: Ctx) -> dict[str, str]:
    topics = ctx.web.config.topics
    return {t.slug: t.label for t in topics.topics} if topics else {}


@guard("inspector")  # inspectors and admins (issue 20: "editable by admins and inspectors")
def outlet_save(ctx: Ctx) -> Response:
    outlet_id = int(ctx.request.path_params["id"])
    with ctx.store.transaction() as db:
        outlet = next((o for o in tables.outlets(db) if o.id == outlet_id), None)
        if outlet is None:
            return ctx.render("error.html", 404, status=404, message="Không có cơ quan báo chí này trong sổ đăng ký.")
        changed, problems = edited(outlet, ctx.form, _refs(ctx))
        if problems:
            trail = tables.audit(db, "outlet", outlet.licence_no, limit=50)
            return ctx.render("register_outlet.html", 400, outlet=changed, trail=trail, fields=EDITABLE,
                              problems=problems, local=local, local_day=local_day, profile=None, labels_topics={},
                              outlet_cases=cases_of_outlet(db, outlet.licence_no), case_states=STATE_LABELS)
        tables.save_outlets(db, [changed], ctx.session.user.name)
    return RedirectResponse(f"/register/outlets/{outlet_id}", status_code=303)


@guard("viewer")
def spokespeople_page(ctx: Ctx) -> Response:
    today = datetime.now(UTC).date()
    with ctx.store.transaction() as db:
        people = [p for p in tables.spokespeople(db) if p.valid_on(today)]
    return ctx.render("register_spokespeople.html", people=people, today=local_day(today))


@guard("viewer")
def spokespeople_html_download(ctx: Ctx) -> Response:
    """The list ready to publish on the provincial portal (a self-contained page, no script)."""
    with ctx.store.transaction() as db:
        page = spokespeople_html(tables.spokespeople(db), datetime.now(UTC).date())
    return Response(page, media_type="text/html; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="nguoi-phat-ngon.html"'})


def _month_of(value: str) -> date | None:
    """The first day of ``YYYY-MM`` (last month when empty), or None when it is no month."""
    today = datetime.now(UTC).date()
    try:
        year, month = (int(p) for p in value.split("-")) if value else (
            today.year - (today.month == 1), (today.month - 2) % 12 + 1)
        return date(year, month, 1)
    except ValueError:
        return None


def _reports(ctx: Ctx, start_day: date) -> list[OutletReport]:
    end_day = date(start_day.year + start_day.month // 12, start_day.month % 12 + 1, 1)
    config = ctx.web.config
    settings = load_register_settings(config.directory)
    with ctx.store.transaction() as db:
        return compute(db, tables.outlets(db), {s.id: list(s.urls) for s in config.sources},
                       day_start(start_day), day_start(end_day), settings)


@guard("analyst")
def indicators_page(ctx: Ctx) -> Response:
    start_day = _month_of(ctx.request.query_params.get("month", "")[:20])
    if start_day is None:
        return ctx.render("error.html", 400, status=400, message="Tháng phải có dạng YYYY-MM, ví dụ 2026-11.")
    reports = _reports(ctx, start_day)
    with ctx.store.transaction() as db:
        opened = flag_cases(db, reports, start_day)
    return ctx.render("register_indicators.html", reports=reports, names=INDICATORS, month=f"{start_day:%Y-%m}",
                      opened=opened, can_open=ctx.session.user.can("inspector"),
                      message=ctx.request.query_params.get("msg"))


@guard("inspector")
def indicators_case(ctx: Ctx) -> Response:
    """"Mở hồ sơ" on a flagged outlet-month: the case opened for it before, or a new one (the
    indicators are computed again here: the form names only the month and the outlet)."""
    start_day = _month_of(ctx.form.get("month", "")[:20] or "x")
    licence = ctx.form.get("licence", "")[:100]
    if start_day is None:
        return ctx.render("error.html", 400, status=400, message="Tháng phải có dạng YYYY-MM, ví dụ 2026-11.")
    report = next((r for r in _reports(ctx, start_day) if r.outlet.licence_no == licence), None)
    if report is None:
        return ctx.render("error.html", 404, status=404,
                          message="Không có tạp chí hay trang thông tin điện tử tổng hợp này trong sổ đăng ký.")
    settings = cases_settings(ctx.web)
    try:
        case, new = open_flag_case(ctx.store, ctx.session.user, report, start_day, settings.kind_labels(),
                                   settings.deadline_days)
    except CaseError as exc:
        return ctx.render("error.html", 400, status=400, message=str(exc))
    message = f"Đã mở hồ sơ {case.number}." if new else f"Hồ sơ {case.number} đã được mở cho chỉ số này từ trước."
    return RedirectResponse(f"/cases/{case.id}?msg={quote(message)}", status_code=303)


@guard("inspector")
def audit_page(ctx: Ctx) -> Response:
    with ctx.store.transaction() as db:
        trail = tables.audit(db, limit=500)
    return ctx.render("register_audit.html", trail=trail, local=local)


@guard("analyst")
def export_xlsx(ctx: Ctx) -> Response:
    with ctx.store.transaction() as db:
        outlets, people = tables.outlets(db), tables.spokespeople(db)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "so-dang-ky.xlsx"
        write_workbook(path, outlets, people)
        content = path.read_bytes()
    return Response(content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="so-dang-ky-bao-chi.xlsx"'})


def upload_cap(scope: Scope) -> int | None:
    """For ``BodyLimit``: an uploaded workbook may be as large as ``IMPORT_MAX_BYTES`` (plus framing)."""
    if scope.get("method") == "POST" and scope.get("path") == IMPORT_PATH:
        return IMPORT_MAX_BYTES + IMPORT_OVERHEAD
    return None


@guard("inspector", files=1)
def import_xlsx(ctx: Ctx) -> Response:
    """Import an uploaded workbook: checked as a whole like ``presswatch register import`` (nothing
    written when any sheet, row or column is wrong: the page lists every problem), then saved and
    audited under the name of the inspector or admin who sent it."""
    if not ctx.files:
        return _import_refused(ctx, ["Chưa chọn tệp XLSX."])
    name, data = ctx.files[0]
    label = _UNSAFE_NAME.sub("_", Path(name.replace("\\", "/")).name)[-100:].strip(" .") or "tep.xlsx"
    if len(data) > IMPORT_MAX_BYTES:
        return _import_refused(ctx, [f"{label}: tệp quá giới hạn {IMPORT_MAX_BYTES // 1_000_000} MB."])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / label
        path.write_bytes(data)
        try:
            register = read_workbook(path, _refs(ctx))
        except RegisterError as exc:
            return _import_refused(ctx, exc.problems)
    actor = ctx.session.user.name  # as an edit on the page (the CLI writes "cli:…")
    with ctx.store.transaction() as db:
        outlets = tables.save_outlets(db, register.outlets, actor)
        people = tables.save_spokespeople(db, register.spokespeople, actor)
    message = (f"Đã nhập {label}: cơ quan báo chí {outlets.created} mới, {outlets.updated} sửa, "
               f"{outlets.unchanged} không đổi; người phát ngôn {people.created} mới, {people.updated} sửa, "
               f"{people.unchanged} không đổi.")
    return RedirectResponse(f"/register?msg={quote(message)}", status_code=303)


def _import_refused(ctx: Ctx, problems: list[str]) -> Response:
    with ctx.store.transaction() as db:
        outlets = tables.outlets(db)
    return ctx.render("register.html", 400, outlets=outlets, local_day=local_day, message=None,
                      problems=problems)
