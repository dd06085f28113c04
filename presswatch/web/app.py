"""The app factory, the worker pool that owns the SQLite connections, and the uvicorn server."""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import uvicorn
from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from presswatch.config import KIND_LABELS, Config
from presswatch.labels import RELEVANCE_LABELS, SENTIMENT_LABELS
from presswatch.search import SearchBackend
from presswatch.store import Store
from presswatch.web.limits import BodyLimit
from presswatch.web.security import SecurityHeaders

T = TypeVar("T")
log = logging.getLogger(__name__)
HERE = Path(__file__).parent


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
            log.error("web: cannot open the store %s: %s", self.db_path, exc)
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
        if self.config.settings.index_backend == "elasticsearch":
            if self.es is None:
                from presswatch.search.elastic import EsIndex, client_from_env

                settings = self.config.settings
                self.es = EsIndex(client_from_env(settings.elasticsearch_url), settings.elasticsearch_alias)
            return self.es
        from presswatch.search.sqlite import SqliteIndex

        return SqliteIndex(store)


def _labels(config: Config) -> dict[str, dict[str, str]]:
    topics = {t.slug: t.label for t in config.topics.topics} if config.topics else {}
    return {"kind": dict(KIND_LABELS), "relevance": RELEVANCE_LABELS, "sentiment": SENTIMENT_LABELS,
            "topic": topics, "source": {s.id: s.name for s in config.sources}}


def create_app(config: Config, db_path: Path, workers: int = 4) -> Starlette:
    from presswatch.web import api, auth
    from presswatch.web.pages import more as views_more
    from presswatch.web.pages import search as views

    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                            lstrip_blocks=True)
    web = Web(config, db_path, StorePool(db_path, workers), templates, _labels(config))

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            web.pool.close()

    routes = [
        Route("/login", auth.login_page, methods=["GET"]),
        Route("/login", auth.login, methods=["POST"]),
        Route("/logout", auth.logout, methods=["POST"]),
        Route("/", views.search_page, methods=["GET"]),
        Route("/article/{id:int}", views.article_page, methods=["GET"]),
        Route("/article/{id:int}/tags", views.tag_add, methods=["POST"]),
        Route("/article/{id:int}/tags/remove", views.tag_remove, methods=["POST"]),
        Route("/article/{id:int}/notes", views.note_add, methods=["POST"]),
        Route("/article/{id:int}/verification", views.verification, methods=["POST"]),
        Route("/export.csv", views.export_csv, methods=["GET"]),
        Route("/export.xlsx", views.export_xlsx, methods=["GET"]),
        Route("/saved", views_more.saved_page, methods=["GET"]),
        Route("/saved", views_more.saved_add, methods=["POST"]),
        Route("/saved/{id:int}/delete", views_more.saved_delete, methods=["POST"]),
        Route("/dashboard", views_more.dashboard, methods=["GET"]),
        Route("/sources", views_more.sources_page, methods=["GET"]),
        Route("/help", views_more.help_page, methods=["GET"]),
        Route("/users", views_more.users_page, methods=["GET"]),
        Route("/api/search", api.search, methods=["GET"]),
        Route("/api/articles/{id:int}", api.article, methods=["GET"]),
        Route("/api/articles/{id:int}/tags", api.add_tag, methods=["POST"]),
        Route("/api/articles/{id:int}/notes", api.add_note, methods=["POST"]),
        Route("/api/articles/{id:int}/verification", api.verification, methods=["POST"]),
        Route("/api/openapi.json", api.openapi, methods=["GET"]),
        Route("/docs/api", views_more.api_docs, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders),
                  Middleware(BodyLimit, max_bytes=auth.MAX_BODY, refuse=auth.body_refused)]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: auth.not_found, 405: auth.not_allowed, 500: auth.server_error})
    app.state.web = web
    return app


def make_server(config: Config, db_path: Path, host: str | None = None, port: int | None = None) -> uvicorn.Server:
    """A uvicorn server for the UI: ``server.run()`` blocks; ``await server.serve()`` runs it inside an
    event loop (beside the scheduler); ``server.should_exit = True`` stops it."""
    settings = config.settings
    app = create_app(config, db_path)
    server_config = uvicorn.Config(app, host=host or settings.web_host, port=port or settings.web_port,
                                   log_level="warning", access_log=False, server_header=False,
                                   proxy_headers=False, lifespan="on")
    return uvicorn.Server(server_config)
