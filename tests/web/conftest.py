"""Logged-in sessions on the module's ``web`` server (each test module starts its own), one per role."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.webserver import Running, login


def session(web: Running, name: str) -> Iterator[httpx.Client]:
    client = login(web.url, name)
    yield client
    client.close()


@pytest.fixture(scope="module")
def viewer(web: Running) -> Iterator[httpx.Client]:
    yield from session(web, "viewer1")


@pytest.fixture(scope="module")
def analyst(web: Running) -> Iterator[httpx.Client]:
    yield from session(web, "analyst1")


@pytest.fixture(scope="module")
def admin(web: Running) -> Iterator[httpx.Client]:
    yield from session(web, "admin1")
