"""The help pages: the query language with its limits, and the API documentation (OpenAPI)."""

from __future__ import annotations

import json

from starlette.responses import Response

from presswatch import query
from presswatch.web.auth import guard
from presswatch.web.context import Ctx
from presswatch.web.openapi import SPEC


@guard("viewer")
def help_page(ctx: Ctx) -> Response:
    return ctx.render("help.html", limits=query)


@guard("viewer")
def api_docs(ctx: Ctx) -> Response:
    return ctx.render("api.html", spec=SPEC, spec_json=json.dumps(SPEC, ensure_ascii=False, indent=2))
