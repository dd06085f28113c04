"""The administration pages: sources with their crawl health, and user accounts (admins: their
e-mail addresses, where the cases' reminders go)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from cases.model import HOTLINE_HEALTH_ID
from presswatch.errors import UserError
from presswatch.store import users
from presswatch.times import local
from presswatch.web.auth import guard
from presswatch.web.context import Ctx


@guard("viewer")
def sources_page(ctx: Ctx) -> Response:
    health = ctx.store.health()
    known = {source.id for source in ctx.web.config.sources}
    rows: list[dict[str, Any]] = []
    for source in ctx.web.config.sources:
        rows.append({"id": source.id, "name": source.name, "kind": source.kind, "type": source.type,
                     "enabled": source.enabled, "health": health.get(source.id)})
    for source_id, state in sorted(health.items()):
        if source_id not in known:
            name = "(hộp thư đường dây nóng)" if source_id == HOTLINE_HEALTH_ID else "(không còn trong cấu hình)"
            rows.append({"id": source_id, "name": name, "kind": "", "type": "",
                         "enabled": False, "health": state})
    failing = sum(1 for r in rows if r["health"] and r["health"].consecutive_failures)
    return ctx.render("sources.html", rows=rows, local=local, failing=failing)


@guard("admin")
def users_page(ctx: Ctx) -> Response:
    return ctx.render("users.html", users=users.list_users(ctx.store), roles=users.ROLE_LABELS, local=local,
                      message=ctx.request.query_params.get("msg"), error=None)


@guard("admin")
def user_email(ctx: Ctx) -> Response:
    """Set or remove a user's e-mail address (where the cases' reminders go)."""
    name = str(ctx.request.path_params["name"])[:64]
    try:
        users.set_email(ctx.store, name, ctx.form.get("email", "")[:300])
    except UserError as exc:
        return ctx.render("users.html", 400, users=users.list_users(ctx.store), roles=users.ROLE_LABELS,
                          local=local, message=None, error=str(exc))
    return RedirectResponse(f"/users?msg={quote(f'Đã lưu email của {name}.')}", status_code=303)
