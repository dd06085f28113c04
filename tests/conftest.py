"""Shared fixtures: a real local news site on 127.0.0.1 and a fresh SQLite store. Helpers the tests
import live in ``tests/support`` (paths, crawl helpers, the web server, the webhook receiver)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from presswatch.demo.site import LocalSite, SiteArticle, load_demo_articles, site_articles
from presswatch.store import Store
from tests.support.crawling import NEWEST


@pytest.fixture(scope="session")
def articles() -> list[SiteArticle]:
    """40 real articles (from the demo data), the newest dated 2026-11-20 08:00 UTC, 3 hours apart."""
    raw = load_demo_articles()
    chosen = [a for a in raw if "Mường Tè" in a["text"]][:3] + [a for a in raw if "Mường Tè" not in a["text"]][:37]
    return site_articles(chosen, newest=NEWEST)


@pytest.fixture
def site(articles: list[SiteArticle]) -> Iterator[LocalSite]:
    with LocalSite(articles) as server:
        yield server


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "presswatch.db"


@pytest.fixture
def store(db: Path) -> Iterator[Store]:
    with Store(db) as opened:
        yield opened
