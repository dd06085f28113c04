"""The app factory (routes, middleware, error handlers) and the uvicorn server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from jinja2 import Environment, FileSystemLoader
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from presswatch.config import KIND_LABELS, Config
from presswatch.labels import SENTIMENT_LABELS, relevance_labels
from presswatch.provinces import full_name
from presswatch.web import api, auth, case_api, corrections_api
from presswatch.web.context import MAX_BODY, StorePool, Web, body_refused, not_allowed, not_found, server_error
from presswatch.web.limits import BodyLimit, either
from presswatch.web.pages import (
    admin,
    article,
    cases,
    corrections,
    dashboard,
    evidence,
    help,
    register,
    reports,
    saved,
    search,
    status,
    trends,
)
from presswatch.web.security import SecurityHeaders

HERE = Path(__file__).parent


def _labels(config: Config) -> dict[str, dict[str, str]]:
    topics = {t.slug: t.label for t in config.topics.topics} if config.topics else {}
    return {"kind": dict(KIND_LABELS), "relevance": relevance_labels(config.settings.province),
            "sentiment": SENTIMENT_LABELS,
            "topic": topics, "source": {s.id: s.name for s in config.sources}}


def create_app(config: Config, db_path: Path, workers: int = 4) -> Starlette:
    templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True,
                            lstrip_blocks=True)
    # The titles and footer name the provinces followed (setting ``province``), home first.
    templates.globals["province"] = ", ".join(config.settings.province)
    templates.globals["provinces"] = list(config.settings.province)
    templates.globals["home_province"] = full_name(config.settings.home_province)
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
        Route("/", search.search_page, methods=["GET"]),
        Route("/article/{id:int}", article.article_page, methods=["GET"]),
        Route("/article/{id:int}/tags", article.tag_add, methods=["POST"]),
        Route("/article/{id:int}/tags/remove", article.tag_remove, methods=["POST"]),
        Route("/article/{id:int}/notes", article.note_add, methods=["POST"]),
        Route("/article/{id:int}/verification", article.verification, methods=["POST"]),
        Route("/article/{id:int}/evidence", evidence.capture_article, methods=["POST"]),
        Route("/article/{id:int}/corrections", corrections.correct, methods=["POST"]),
        Route("/article/{id:int}/corrections/withdraw", corrections.withdraw, methods=["POST"]),
        Route("/evidence/{id:int}/{kind:str}", evidence.evidence_file, methods=["GET"]),
        Route("/export.csv", search.export_csv, methods=["GET"]),
        Route("/export.xlsx", search.export_xlsx, methods=["GET"]),
        Route("/saved", saved.saved_page, methods=["GET"]),
        Route("/saved", saved.saved_add, methods=["POST"]),
        Route("/saved/{id:int}/delete", saved.saved_delete, methods=["POST"]),
        Route("/dashboard", dashboard.dashboard, methods=["GET"]),
        Route("/trends", trends.trends_page, methods=["GET"]),
        Route("/reports", reports.reports_page, methods=["GET"]),
        Route("/reports", reports.generate_report, methods=["POST"]),
        Route("/reports/{id:int}/file", reports.report_file, methods=["GET"]),
        Route("/sources", admin.sources_page, methods=["GET"]),
        Route("/status", status.status_page, methods=["GET"]),
        Route("/help", help.help_page, methods=["GET"]),
        Route("/users", admin.users_page, methods=["GET"]),
        Route("/users/{name}/email", admin.user_email, methods=["POST"]),
        Route("/register", register.outlets_page, methods=["GET"]),
        Route("/register/outlets/{id:int}", register.outlet_page, methods=["GET"]),
        Route("/register/outlets/{id:int}", register.outlet_save, methods=["POST"]),
        Route("/register/spokespeople", register.spokespeople_page, methods=["GET"]),
        Route("/register/spokespeople.html", register.spokespeople_html_download, methods=["GET"]),
        Route("/register/indicators", register.indicators_page, methods=["GET"]),
        Route("/register/indicators/case", register.indicators_case, methods=["POST"]),
        Route("/register/audit", register.audit_page, methods=["GET"]),
        Route("/register/export.xlsx", register.export_xlsx, methods=["GET"]),
        Route(register.IMPORT_PATH, register.import_xlsx, methods=["POST"]),
        Route("/api/search", api.search, methods=["GET"]),
        Route("/api/articles/{id:int}", api.article, methods=["GET"]),
        Route("/api/articles/{id:int}/tags", api.add_tag, methods=["POST"]),
        Route("/api/articles/{id:int}/notes", api.add_note, methods=["POST"]),
        Route("/api/articles/{id:int}/verification", api.verification, methods=["POST"]),
        Route("/api/articles/{id:int}/corrections", corrections_api.list_corrections, methods=["GET"]),
        Route("/api/articles/{id:int}/corrections", corrections_api.post_correction, methods=["POST"]),
        Route("/api/articles/{id:int}/corrections/withdraw", corrections_api.withdraw_correction, methods=["POST"]),
        Route("/article/{id:int}/case", cases.open_from_article, methods=["POST"]),
        Route("/cases", cases.case_list, methods=["GET"]),
        Route("/cases/new", cases.new_case_form, methods=["GET"]),
        Route("/cases/new", cases.new_case, methods=["POST"]),
        Route("/cases/{id:int}", cases.case_page, methods=["GET"]),
        Route("/cases/{id:int}/edit", cases.case_edit, methods=["POST"]),
        Route("/cases/{id:int}/state", cases.case_state, methods=["POST"]),
        Route("/cases/{id:int}/conclusion", cases.case_conclusion, methods=["POST"]),
        Route("/cases/{id:int}/articles", cases.case_articles, methods=["POST"]),
        Route("/cases/{id:int}/links", cases.case_links, methods=["POST"]),
        Route("/cases/{id:int}/outlets", cases.case_outlets, methods=["POST"]),
        Route("/cases/{id:int}/actions", cases.case_actions, methods=["POST"]),
        Route("/cases/{id:int}/dossier.docx", cases.case_dossier, methods=["GET"]),
        Route("/cases/{id:int}/dossier.pdf", cases.case_dossier, methods=["GET"]),
        Route("/cases/{id:int}/attachments", cases.case_upload, methods=["POST"]),
        Route("/cases/{id:int}/attachments/{sha}", cases.case_attachment, methods=["GET"]),
        Route("/api/cases", case_api.list_cases, methods=["GET"]),
        Route("/api/cases", case_api.open_case, methods=["POST"]),
        Route("/api/cases/{id:int}", case_api.get_case, methods=["GET"]),
        Route("/api/cases/{id:int}", case_api.update_case, methods=["POST"]),
        Route("/api/cases/{id:int}/attachments", case_api.add_file, methods=["POST"]),
        Route("/api/openapi.json", api.openapi, methods=["GET"]),
        Route("/docs/api", help.api_docs, methods=["GET"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(SecurityHeaders),
                  Middleware(BodyLimit, max_bytes=MAX_BODY, refuse=body_refused,
                             larger=either(cases.upload_cap(config.settings.cases_attachment_max_bytes),
                                                    register.upload_cap))]
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={404: not_found, 405: not_allowed, 500: server_error})
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
