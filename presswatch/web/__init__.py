"""The web UI and JSON API for analysts (shell: Starlette, Jinja2, uvicorn).

``create_app(config, db_path)`` builds the ASGI app; ``make_server(config, db_path)`` a uvicorn
server that ``presswatch web`` runs alone and the scheduler service can run beside its jobs.

Modules, each importing only those listed before it: ``security``, ``limits`` (middleware),
``charts``, ``export``, ``params`` (the search form), ``context`` (what every request needs),
``auth`` (login, ``guard``), ``reads`` (queries the pages and the API share), ``openapi``, ``api``,
``pages/`` (one module per page family), ``app`` (routes and the server).
"""

from presswatch.web.app import create_app, make_server

__all__ = ["create_app", "make_server"]
