"""A real presswatch web server on 127.0.0.1 over a real SQLite store of analysed demo articles,
shared by the API tests, the browser tests and scripts/screenshots_web.py."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from presswatch.config import load_analyzer, load_config
from presswatch.demo.site import load_demo_articles
from presswatch.models import Article
from presswatch.store import RunResult, Store, users
from presswatch.web import make_server
from tests.support.crawling import free_port

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
NEWEST = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
PASSWORDS = {"admin1": "admin-password-1", "analyst1": "analyst-password-1", "viewer1": "viewer-password-1"}
PAYLOAD_TITLE = "<script>window.pwned=1</script>Lai Châu <img src=x onerror=\"window.pwned2=1\"> thử nghiệm"
PAYLOAD_TEXT = ("Tin thử nghiệm về tỉnh Lai Châu. <script>window.pwned3=1;alert(1)</script>\n"
                "Ảnh: <img src=x onerror=\"window.pwned4=1;alert(2)\"> và <b onmouseover=alert(3)>đậm</b>.")
FORMULA_TITLE = "=HYPERLINK(\"http://evil.example\",\"Lai Châu\") bảng tính"


def fill(db: Path, count: int = 40) -> dict[str, int]:
    """Analysed demo articles (3 about Mường Tè), one story carried by a second outlet, a payload
    article and a spreadsheet-formula title; three users; source health. Returns ids by role."""
    analyzer = load_analyzer(CONFIG, with_entities=False)
    raw = load_demo_articles()
    chosen = [a for a in raw if "Mường Tè" in a["text"]][:3] + [a for a in raw if "Mường Tè" not in a["text"]]
    chosen = chosen[:count]
    records = []
    for index, record in enumerate(chosen):
        records.append(Article(url=f"https://baolaichau.example/bai-{record['id']}.html",
                               source_id="baolaichau-thoi-su", title=record["title"], text=record["text"],
                               published_at=NEWEST - timedelta(hours=7 * index)))
    for article in records:
        article.analysis = analyzer.analyze(article.title, article.text)
    # A story about the province that a second outlet carried too.
    copied = next(n for n, a in enumerate(records)
                  if n >= 3 and a.analysis and a.analysis.relevance.grade in ("about", "mention"))
    extra = [
        Article(url="https://tintaybac.example/ban-sao.html", source_id="tin-tay-bac", source_kind="info_site",
                title=records[copied].title, text=records[copied].text, published_at=NEWEST + timedelta(hours=2)),
        Article(url="https://mangxahoi.example/p/1", source_id="tin-tay-bac", source_kind="social",
                title=PAYLOAD_TITLE, text=PAYLOAD_TEXT, published_at=NEWEST - timedelta(days=1)),
        Article(url="https://mangxahoi.example/p/2", source_id="tin-tay-bac", source_kind="social",
                title=FORMULA_TITLE, text="Bài có tiêu đề giống công thức bảng tính, nói về Lai Châu.",
                published_at=NEWEST - timedelta(days=2)),
    ]
    for article in extra:
        article.analysis = analyzer.analyze(article.title, article.text)
    records += extra
    with Store(db) as store:
        ids = store.add_articles(records)
        for name, password in PASSWORDS.items():
            users.add_user(store, name, name.rstrip("1"), password)
        store.record_run(RunResult("baolaichau-thoi-su", NEWEST, NEWEST, True, count, 3, 0))
        store.record_run(RunResult("tin-tay-bac", NEWEST, NEWEST, False, 0, 1, 1, "HTTP 503 <b>lỗi</b>"))
    return {"first": int(ids[0] or 0), "copy": int(ids[copied] or 0), "copy2": int(ids[count] or 0),
            "payload": int(ids[count + 1] or 0), "formula": int(ids[count + 2] or 0)}


@dataclass
class Running:
    url: str
    app: object
    ids: dict[str, int]
    db: Path


@contextmanager
def serve(db: Path, ids: dict[str, int], config_dir: Path = CONFIG, **settings: object) -> Iterator[Running]:
    config = load_config(config_dir)
    if settings:
        config = replace(config, settings=config.settings.model_copy(update=settings))
    server = make_server(config, db, "127.0.0.1", free_port())
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web server did not start")
        time.sleep(0.02)
    try:
        yield Running(f"http://127.0.0.1:{server.config.port}", server.config.app, ids, db)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def login(url: str, name: str, password: str | None = None) -> httpx.Client:
    client = httpx.Client(base_url=url, follow_redirects=False, timeout=30)
    page = client.get("/login")
    response = client.post("/login", data={"username": name, "password": password or PASSWORDS[name],
                                           "csrf": csrf_of(page.text), "next": "/"})
    assert response.status_code == 303, response.text
    return client
