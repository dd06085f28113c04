"""Crawl helpers shared by the tests: fast settings for servers on 127.0.0.1, sources, a whole crawl
in a real subprocess, a small RSS document, a free port."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crawler.report import CrawlReport
from crawler.runner import crawl_source
from presswatch.config import Settings, Source
from presswatch.store import RunResult, Store
from tests.support.paths import CONFIG

NEWEST = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)

# Fast, polite-enough settings for a local server: no throttling delay, short timeouts. The test
# servers run on 127.0.0.1, an internal address the crawler refuses unless it is allowed.
TEST_SETTINGS = Settings(
    autothrottle=False, download_timeout=3.0, retry_times=1, concurrent_requests_per_domain=8,
    crawl_timeout=120, max_page_bytes=200_000, crawl_min_interval=1, crawl_allow_internal=["127.0.0.1"],
)


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now (for servers a test starts itself)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_source(**fields: Any) -> Source:
    values: dict[str, Any] = {"id": "test", "name": "Nguồn thử", "kind": "press", "type": "feed"}
    values.update(fields)
    return Source.model_validate(values)


def crawl(source: Source, db: Path, settings: Settings = TEST_SETTINGS) -> tuple[RunResult, CrawlReport]:
    """Crawl ``source`` in a real subprocess and record its health, as ``presswatch crawl`` does."""
    run, report = crawl_source(source, settings, db, CONFIG)
    with Store(db) as opened:
        opened.record_run(run)
    assert report is not None, run.message
    return run, report


def rss(items: list[dict[str, str]], title: str = "Thử") -> bytes:
    body = "".join(
        f"<item><title>{i['title']}</title><link>{i['link']}</link><pubDate>{i.get('date', '')}</pubDate></item>"
        for i in items
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"{body}</channel></rss>").encode()


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))
