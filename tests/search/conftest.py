"""Fixtures of the search tests: an Elasticsearch to talk to (``tests.support.es.running_es``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from elasticsearch import Elasticsearch

from tests.support.es import EsServer, running_es


@pytest.fixture(scope="module")
def es_server() -> Iterator[EsServer]:
    with running_es() as server:
        yield server


@pytest.fixture(scope="module")
def es_client(es_server: EsServer) -> Iterator[Elasticsearch]:
    client = es_server.client(request_timeout=30)
    yield client
    client.close()
