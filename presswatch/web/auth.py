"""Login, logout, and ``guard``: every page and endpoint but the login page goes through it.

Anonymous → 302 to /login (pages) or 401 JSON (/api/*); wrong role → 403; a state-changing request
without the session's CSRF token (form field ``csrf``, or header ``X-CSRF-Token`` for the API) → 403.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from presswatch import users
from presswatch.store import Store
from presswatch.users import Role, Session
from presswatch.web.app import Web
from presswatch.web.security import safe_next, same

log = logging.getLogger(__name__)
COOKIE = "presswatch_session"
LOGIN_COOKIE = "presswatch_login"
MAX_BODY = 1_000_000


@dataclass
class Ctx:
    web: Web
    request: Request
    store: Store
    session: Session
    form: dict[str, str] = field(default_factory=dict)
    body: Any = None

    def render(self, template: str, code: int = 200, **values: Any) -> HTMLResponse:
        return render(self.web, template, code, session=self.session, **values)


Handler = Callable[[Ctx], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


def render(web: Web, template: str, code: int = 200, **values: Any) -> HTMLResponse:
    html = web.templates.get_template(template).render(labels=web.labels, **values)
    return HTMLResponse(html, status_code=code)


def refuse(web: Web, api: bool, status: int, message: str, session: Session | None = None) -> Response:
    if api:
        return JSONResponse({"error": message}, status_code=status)
    return render(web, "error.html", status, session=session, status=status, message=message)


def _check(web: Web, request: Request, store: Store, role: Role, api: bool) -> Session | Response:
    session = users.session(store, request.cookies.get(COOKIE))
    if session is None:
        if api:
            return JSONResponse({"error": "Cần đăng nhập."}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=302)
    if not session.user.can(role):
        return refuse(web, api, 403, "Tài khoản của bạn không có quyền làm việc này.", session)
    if request.method == "POST":
        given = request.headers.get("x-csrf-token") if api else None
        if not api:
            given = request.state.form.get("csrf")
        if not same(session.csrf, given):
            return refuse(web, api, 403, "Phiên biểu mẫu không hợp lệ (CSRF). Tải lại trang rồi thử lại.", session)
    return session


def guard(role: Role, api: bool = False) -> Callable[[Handler], Endpoint]:
    """Wrap a blocking handler: authenticate, authorise, check CSRF, then run it in the store pool."""

    def wrap(handler: Handler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            web: Web = request.app.state.web
            request.state.form = {}
            body: Any = None
            if request.method == "POST":
                if api:
                    raw = await request.body()
                    if len(raw) > MAX_BODY:
                        return JSONResponse({"error": "Yêu cầu quá lớn."}, status_code=413)
                    try:
                        body = json.loads(raw) if raw else {}
                    except ValueError:
                        body = None
                else:
                    form = await request.form(max_files=0, max_fields=50)
                    request.state.form = {key: value for key, value in form.items() if isinstance(value, str)}

            def run(store: Store) -> Response:
                checked = _check(web, request, store, role, api)
                if isinstance(checked, Response):
                    return checked
                if api and request.method == "POST" and not isinstance(body, dict):
                    return JSONResponse({"error": "Thân yêu cầu phải là một đối tượng JSON."}, status_code=400)
                return handler(Ctx(web, request, store, checked, request.state.form, body))

            return await _run(web, request, run)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        endpoint.required_role = role  # type: ignore[attr-defined]
        return endpoint

    return wrap


async def _run(web: Web, request: Request, work: Callable[[Store], Response]) -> Response:
    """Run ``work`` in the store pool; an unexpected failure (database unreadable, Elasticsearch
    down) is logged and answered 500 in Vietnamese, and the connection stays usable."""
    try:
        return await web.pool.run(work)
    except Exception as exc:  # noqa: BLE001
        return await server_error(request, exc)


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _secure(web: Web, request: Request) -> bool:
    return request.url.scheme == "https" or web.config.settings.web_secure_cookies


def _login_form(web: Web, request: Request, status: int = 200, error: str | None = None,
                name: str = "") -> Response:
    token = secrets.token_urlsafe(24)
    response = render(web, "login.html", status, session=None, csrf=token, error=error, name=name,
                      next=safe_next(request.query_params.get("next") or request.state.form.get("next")))
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, path="/login", httponly=True, samesite="strict",
                        secure=_secure(web, request))
    return response


async def login_page(request: Request) -> Response:
    request.state.form = {}
    return _login_form(request.app.state.web, request)


async def login(request: Request) -> Response:
    web: Web = request.app.state.web
    form = await request.form(max_files=0, max_fields=10)
    request.state.form = {key: value for key, value in form.items() if isinstance(value, str)}
    values = request.state.form
    name = values.get("username", "").strip().lower()[:64]
    password = values.get("password", "")
    if not same(request.cookies.get(LOGIN_COOKIE), values.get("csrf")):
        return _login_form(web, request, 403, "Phiên đăng nhập đã hết hạn, vui lòng thử lại.", name)
    address = _client(request)

    def attempt(store: Store) -> Response:
        if users.rate_limited(store, name, address):
            return _login_form(web, request, 429, "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.", name)
        user = users.authenticate(store, name, password, address)
        if user is None:
            return _login_form(web, request, 401, "Tên đăng nhập hoặc mật khẩu không đúng.", name)
        token, session = users.create_session(store, user, web.config.settings.session_hours)
        response = RedirectResponse(safe_next(values.get("next")), status_code=303)
        response.set_cookie(COOKIE, token, max_age=int(web.config.settings.session_hours * 3600), path="/",
                            httponly=True, samesite="strict", secure=_secure(web, request))
        response.delete_cookie(LOGIN_COOKIE, path="/login")
        return response

    return await _run(web, request, attempt)


@guard("viewer")
def logout(ctx: Ctx) -> Response:
    users.end_session(ctx.store, ctx.request.cookies.get(COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


async def not_found(request: Request, exc: Exception) -> Response:
    return _plain_error(request, 404, "Không tìm thấy trang.")


async def not_allowed(request: Request, exc: Exception) -> Response:
    return _plain_error(request, 405, "Phương thức không được hỗ trợ.")


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("web: %s %s failed: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    return _plain_error(request, 500, "Lỗi máy chủ; đã ghi nhật ký. Vui lòng thử lại sau.")


def _plain_error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return render(request.app.state.web, "error.html", status, session=None, status=status, message=message)
