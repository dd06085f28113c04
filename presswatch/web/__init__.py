"""The web UI and JSON API for analysts (shell: Starlette, Jinja2, uvicorn).

``create_app(config, db_path)`` builds the ASGI app; ``make_server(config, db_path)`` a uvicorn
server that ``presswatch web`` runs alone and the scheduler service can run beside its jobs.
"""

from presswatch.web.app import create_app, make_server

__all__ = ["create_app", "make_server"]
