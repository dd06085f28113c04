"""Elasticsearch for tests: a real one at ``PRESSWATCH_TEST_ES_URL``, else osmem-server
(``running_es``).

osmem-server refuses the official client's ``compatible-with`` media types (HTTP 406), so the
client gets a node class that sends plain ``application/json`` / ``application/x-ndjson``. This
shim lives here, in the tests, never in the product."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from elastic_transport import Urllib3HttpNode
from elasticsearch import Elasticsearch


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


@dataclass(frozen=True)
class EsServer:
    """An Elasticsearch the tests can reach: its address and the client options it needs."""

    url: str
    options: dict[str, Any] = field(default_factory=dict)  # osmem-server: the plain-JSON node class

    def client(self, **options: Any) -> Elasticsearch:
        return Elasticsearch(self.url, **{**self.options, **options})


@contextmanager
def running_es() -> Iterator[EsServer]:
    """The real Elasticsearch at ``PRESSWATCH_TEST_ES_URL``, else an osmem-server started for the
    block (a fresh clone, stopped after)."""
    url = real_es_url()
    if url:
        yield EsServer(url)
        return
    from osmem_server import OsmemServer

    with OsmemServer.start() as server, server.clone() as clone:
        yield EsServer(clone.url, {"node_class": PlainJsonNode})
    for pipe in (server.process.stdin, server.process.stdout, server.process.stderr):
        if pipe is not None:
            pipe.close()  # osmem_server leaves its pipes to the garbage collector
