"""Elasticsearch for tests: a real one at ``PRESSWATCH_TEST_ES_URL``, else osmem-server.

osmem-server refuses the official client's ``compatible-with`` media types (HTTP 406), so the
client gets a node class that sends plain ``application/json`` / ``application/x-ndjson``. This
shim lives here, in the tests, never in the product."""

from __future__ import annotations

import os
from typing import Any

from elastic_transport import Urllib3HttpNode


class PlainJsonNode(Urllib3HttpNode):
    def perform_request(self, method: str, target: str, body: Any = None, headers: Any = None,
                        **options: Any) -> Any:
        plain = dict(headers or {})
        for name in list(plain):
            value = str(plain[name])
            if name.lower() in ("accept", "content-type") and "compatible-with" in value:
                plain[name] = "application/x-ndjson" if "x-ndjson" in value else "application/json"
        return super().perform_request(method, target, body=body, headers=plain, **options)


def real_es_url() -> str | None:
    return os.environ.get("PRESSWATCH_TEST_ES_URL") or None
