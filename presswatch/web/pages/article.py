"""The article page and its actions (tags, notes, the "needs verification" mark).

The page shows the text, its analysis, copies of the story, comments, the alerts it raised, its
evidence captures (``presswatch.web.pages.evidence``), the spokesperson who should answer for it and
the cases it belongs to ("Mở hồ sơ" opens one: ``presswatch.web.pages.cases``) and the analysts'
corrections of its analysis (``presswatch.web.pages.corrections``); the actions are for analysts."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from cases.model import STATE_LABELS
from cases.reads import cases_of_article
from presswatch.config.alerts import SEVERITY_LABELS
from presswatch.errors import PresswatchError
from presswatch.store import annotation as marks
from presswatch.times import local
from presswatch.web.auth import guard
from presswatch.web.case_forms import cases_settings
from presswatch.web.context import Ctx
from presswatch.web.pages.corrections import correction_view
from presswatch.web.pages.evidence import evidence_view
from presswatch.web.reads import article_data, rule_names
from register.answer import answering
from register.model import Spokesperson

DELIVERY_LABELS = {"pending": "đang chờ gửi", "sent": "đã gửi", "dead": "gửi thất bại"}


@guard("viewer")
def article_page(ctx: Ctx) -> Response:
    data = article_data(ctx.store, int(ctx.request.path_params["id"]))
    if data is None:
        return ctx.render("error.html", 404, status=404, message="Không có bài viết này.")
    return ctx.render("article.html", local=local, message=ctx.request.query_params.get("msg"),
                      rule_names=rule_names(ctx.web), severities=SEVERITY_LABELS, delivery_labels=DELIVERY_LABELS,
                      cases=cases_of_article(ctx.store.db, data["article"].id), case_states=STATE_LABELS,
                      case_kinds=cases_settings(ctx.web).kind_labels(),
                      spokespeople=article_spokespeople(ctx, data["article"].analysis),
                      **data, **evidence_view(ctx, data["article"].id),
                      **correction_view(ctx, data["article"].analysis, data["article"].id))


def article_spokespeople(ctx: Ctx, analysis: dict[str, Any] | None) -> list[Spokesperson]:
    """Who should answer for the article's places or topics (the press register, issue 20)."""
    with ctx.store.transaction() as db:
        return answering(db, [analysis])


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
