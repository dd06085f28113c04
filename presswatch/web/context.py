"""The request context: what every request needs, and every refusal it may get.

``Web`` (configuration, the ``StorePool`` that owns the SQLite connections, templates, labels, the
search backend) lives on ``app.state.web``; ``Ctx`` is one authenticated request as a handler sees
it; ``render`` and ``refuse`` answer with a page (or JSON for the API); ``not_found``,
``not_allowed``, ``server_error`` and ``body_refused`` are the app's error answers, in Vietnamese.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from jinja2 import Environment
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import Scope

from presswatch.config import Config
from presswatch.search import SearchBackend, open_backend
from presswatch.store import Store
from presswatch.store.users import Session

T = TypeVar("T")
# The logger names operators filter by, as before the request context left app.py and auth.py.
pool_log = logging.getLogger("presswatch.web.app")
log = logging.getLogger("presswatch.web.auth")
MAX_BODY = 1_000_000  # bytes of any request body (BodyLimit); forms and JSON of the pages are far smaller


class StorePool:
    """A few threads, each with its own ``Store`` (SQLite connections stay in their thread), running
    the blocking work of requests off the event loop. Closed, with its connections, at shutdown."""

    def __init__(self, db_path: Path, workers: int = 4) -> None:
        self.db_path = db_path
        self.workers = workers
        self.jobs: queue.Queue[tuple[Callable[[Store], Any], Future[Any]] | None] = queue.Queue()
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def _work(self) -> None:
        try:
            store = Store(self.db_path)
        except Exception as exc:  # noqa: BLE001 - every waiting request gets the error, none hangs
            pool_log.error("web: cannot open the store %s: %s", self.db_path, exc)
            while (job := self.jobs.get()) is not None:
                job[1].set_exception(exc)
            return
        try:
            while (job := self.jobs.get()) is not None:
                function, future = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    future.set_result(function(store))
                except BaseException as exc:  # noqa: BLE001 - handed to the awaiting request
                    future.set_exception(exc)
        finally:
            store.close()

    def _start(self) -> None:
        with self.lock:
            if not self.threads:
                for number in range(self.workers):
                    thread = threading.Thread(target=self._work, name=f"presswatch-web-db-{number}", daemon=True)
                    thread.start()
                    self.threads.append(thread)

    async def run(self, function: Callable[[Store], T]) -> T:
        self._start()
        future: Future[T] = Future()
        self.jobs.put((function, future))
        return await asyncio.wrap_future(future)

    def close(self) -> None:
        with self.lock:
            for _ in self.threads:
                self.jobs.put(None)
            for thread in self.threads:
                thread.join(timeout=10)
            self.threads = []


@dataclass
class Web:
    """What every request needs: configuration, the pool, templates, labels."""

    config: Config
    db_path: Path
    pool: StorePool
    templates: Environment
    labels: dict[str, dict[str, str]] = field(default_factory=dict)
    es: SearchBackend | None = None

    def backend(self, store: Store) -> SearchBackend:
        """The configured search backend (``presswatch.search.open_backend``). Elasticsearch does not
        depend on the request's store: it is opened once and its client (connection pool) reused."""
        if self.config.settings.index_backend != "elasticsearch":
            return open_backend(self.config.settings, store)
        if self.es is None:
            self.es = open_backend(self.config.settings, store)
        return self.es


@dataclass
class Ctx:
    """One authenticated request, as a handler run by ``guard`` sees it: the app's ``Web``, the
    request, the worker thread's store, the session, and the form (pages) or JSON body (API)."""

    web: Web
    request: Request
    store: Store
    session: Session
    form: dict[str, str] = field(default_factory=dict)
    body: Any = None
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (name, content): routes guarded with files

    def render(self, template: str, code: int = 200, **values: Any) -> HTMLResponse:
        return render(self.web, template, code, session=self.session, **values)


def render(web: Web, template: str, code: int = 200, **values: Any) -> HTMLResponse:
    html = web.templates.get_template(template).render(labels=web.labels, **values)
    return HTMLResponse(html, status_code=code)


def refuse(web: Web, api: bool, status: int, message: str, session: Session | None = None) -> Response:
    if api:
        return JSONResponse({"error": message}, status_code=status)
    return render(web, "error.html", status, session=session, status=status, message=message)


async def not_found(request: Request, exc: Exception) -> Response:
    return _plain_error(request, 404, "Không tìm thấy trang.")


async def not_allowed(request: Request, exc: Exception) -> Response:
    return _plain_error(request, 405, "Phương thức không được hỗ trợ.")


async def server_error(request: Request, exc: Exception) -> Response:
    log.error("web: %s %s failed: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    return _plain_error(request, 500, "Lỗi máy chủ; đã ghi nhật ký. Vui lòng thử lại sau.")


def body_refused(scope: Scope, status: int) -> Response:
    """The answer of ``BodyLimit``: 413 for a body over MAX_BODY, 400 for a malformed framing."""
    message = (f"Yêu cầu quá lớn (tối đa {MAX_BODY // 1000:,} KB).".replace(",", ".") if status == 413
               else "Yêu cầu không hợp lệ.")
    return _plain_error(Request(scope), status, message)


def _plain_error(request: Request, status: int, message: str) -> Response:
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=status)
    return render(request.app.state.web, "error.html", status, session=None, status=status, message=message)
