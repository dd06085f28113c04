"""Login, logout, and ``guard``: every page and endpoint but the login page goes through it.

Anonymous → 302 to /login (pages) or 401 JSON (/api/*); wrong role → 403; a state-changing request
without the session's CSRF token (form field ``csrf``, or header ``X-CSRF-Token`` for the API) → 403.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from presswatch.store import Store, users
from presswatch.store.users import Role, Session
from presswatch.web.context import Ctx, Web, not_found, refuse, render, server_error
from presswatch.web.security import safe_next, same

COOKIE = "presswatch_session"
LOGIN_COOKIE = "presswatch_login"
MAX_FIELDS = 50  # fields of a form
MAX_ID = 2**63 - 1  # SQLite's largest integer: a larger {id} in a path names no row
T = TypeVar("T")


Handler = Callable[[Ctx], Response]
Endpoint = Callable[[Request], Awaitable[Response]]


def _check(web: Web, request: Request, store: Store, role: Role, api: bool) -> Session | Response:
    """The session, or the refusal: not logged in, wrong role, or (API) no CSRF header. Runs before
    any of the body is read: an anonymous upload is refused without being taken."""
    session = users.session(store, request.cookies.get(COOKIE))
    if session is None:
        if api:
            return JSONResponse({"error": "Cần đăng nhập."}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse("/login?next=" + quote(target, safe=""), status_code=302)
    if not session.user.can(role):
        return refuse(web, api, 403, "Tài khoản của bạn không có quyền làm việc này.", session)
    if request.method == "POST" and api and not same(session.csrf, request.headers.get("x-csrf-token")):
        return _bad_csrf(web, api, session)
    return session


def _bad_csrf(web: Web, api: bool, session: Session) -> Response:
    return refuse(web, api, 403, "Phiên biểu mẫu không hợp lệ (CSRF). Tải lại trang rồi thử lại.", session)


def _path_id(request: Request) -> bool:
    """False when the path's ``{id}`` cannot be a stored row's id (SQLite integers are 64-bit)."""
    value = request.path_params.get("id")
    return not isinstance(value, int) or 0 < value <= MAX_ID


async def _json_body(request: Request) -> Any:
    """The request's JSON document, or None if it is not JSON (or nests too deep to decode)."""
    raw = await request.body()
    try:
        return json.loads(raw) if raw else None
    except (ValueError, RecursionError):
        return None


async def _form(request: Request, max_fields: int, max_files: int = 0) -> dict[str, str] | Response:
    """The form's text fields (its files, up to ``max_files``, in ``request.state.files``); a refusal
    (400) for a form the pages never send (unexpected files, too many fields, broken multipart)."""
    try:
        form = await request.form(max_files=max_files, max_fields=max_fields)
    except HTTPException:
        form = None
    if form is None or len(form.multi_items()) > max_fields + max_files:
        api = request.url.path.startswith("/api/")
        return refuse(request.app.state.web, api, 400, "Biểu mẫu không hợp lệ.")
    files = []
    for _, value in form.multi_items():
        if not isinstance(value, str) and value.filename:
            files.append((value.filename, await value.read()))
            await value.close()
    request.state.files = files
    return {key: value for key, value in form.items() if isinstance(value, str)}


def guard(role: Role, api: bool = False, files: int = 0) -> Callable[[Handler], Endpoint]:
    """Wrap a blocking handler: authenticate, authorise, then read the body (capped by ``BodyLimit``),
    check CSRF, and run the handler in the store pool. ``files``: how many files the form may carry
    (a case's attachment, a register workbook; 0 everywhere else); an API route with files takes a
    multipart form (CSRF in its header) instead of JSON."""

    def wrap(handler: Handler) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            web: Web = request.app.state.web
            request.state.form = {}
            request.state.files = []
            checked = await _run(web, request, lambda store: _check(web, request, store, role, api))
            if isinstance(checked, Response):
                return checked
            if not _path_id(request):
                return await not_found(request, LookupError())
            session = checked
            body: Any = None
            if request.method == "POST":
                if api and not files:
                    body = await _json_body(request)
                    if not isinstance(body, dict):
                        return JSONResponse({"error": "Thân yêu cầu phải là một đối tượng JSON."}, status_code=400)
                else:
                    form = await _form(request, MAX_FIELDS, files)
                    if isinstance(form, Response):
                        return form
                    request.state.form = form
                    if not api and not same(session.csrf, form.get("csrf")):  # the API's: its header
                        return _bad_csrf(web, api, session)

            def run(store: Store) -> Response:
                return handler(Ctx(web, request, store, session, request.state.form, body, request.state.files))

            return await _run(web, request, run)

        endpoint.__name__ = handler.__name__
        endpoint.__doc__ = handler.__doc__
        endpoint.required_role = role  # type: ignore[attr-defined]
        return endpoint

    return wrap


async def _run(web: Web, request: Request, work: Callable[[Store], T]) -> T | Response:
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
    request.state.form = {}
    form = await _form(request, 10)
    if isinstance(form, Response):
        return form
    request.state.form = values = form
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
