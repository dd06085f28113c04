"""The press register pages (issue 20): outlets (admins edit them, every change audited),
spokespeople valid today, a month's compliance indicators with their articles, the audit trail,
the register as XLSX. Until issue 18 adds the ``inspector`` role, editing is for admins."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from starlette.responses import RedirectResponse, Response

from analysis.gazetteer import load as load_gazetteer
from presswatch.times import day_start, local, local_day
from presswatch.web.auth import guard
from presswatch.web.context import Ctx
from register import tables
from register.edit import EDITABLE, edited
from register.indicators import INDICATORS, compute
from register.profile import profile
from register.settings import load_register_settings
from register.xlsx import References, spokespeople_html, write_workbook


def _refs(ctx: Ctx) -> References:
    config = ctx.web.config
    return References(topics=frozenset(t.slug for t in config.topics.topics) if config.topics else frozenset(),
                      sources=frozenset(s.id for s in config.sources), communes=frozenset(load_gazetteer().units))


@guard("viewer")
def outlets_page(ctx: Ctx) -> Response:
    with ctx.store.transaction() as db:
        outlets = tables.outlets(db)
    return ctx.render("register.html", outlets=outlets, local_day=local_day,
                      message=ctx.request.query_params.get("msg"))


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
        summary = profile(db, outlet, outlets, {s.id: list(s.urls) for s in ctx.web.config.sources},
                          day_start(first_month), day_start(today + timedelta(days=1)))
    return ctx.render("register_outlet.html", outlet=outlet, trail=trail, fields=EDITABLE, problems=[],
                      local=local, local_day=local_day, profile=summary, labels_topics=_topic_labels(ctx))


def _topic_labels(ctx: Ctx) -> dict[str, str]:
    topics = ctx.web.config.topics
    return {t.slug: t.label for t in topics.topics} if topics else {}


@guard("admin")
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
                              problems=problems, local=local, local_day=local_day, profile=None, labels_topics={})
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


@guard("analyst")
def indicators_page(ctx: Ctx) -> Response:
    today = datetime.now(UTC).date()
    value = ctx.request.query_params.get("month", "")
    try:
        year, month = (int(p) for p in value.split("-")) if value else (
            today.year - (today.month == 1), (today.month - 2) % 12 + 1)
        start_day = date(year, month, 1)
    except ValueError:
        return ctx.render("error.html", 400, status=400, message="Tháng phải có dạng YYYY-MM, ví dụ 2026-11.")
    end_day = date(year + month // 12, month % 12 + 1, 1)
    config = ctx.web.config
    settings = load_register_settings(config.directory)
    with ctx.store.transaction() as db:
        reports = compute(db, tables.outlets(db), {s.id: list(s.urls) for s in config.sources},
                          day_start(start_day), day_start(end_day), settings)
    return ctx.render("register_indicators.html", reports=reports, names=INDICATORS,
                      month=f"{year:04d}-{month:02d}")


@guard("admin")
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
