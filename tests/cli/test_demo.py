"""``presswatch demo`` as a newcomer meets it: the README's walk-throughs run as written, a second run
stores nothing twice, progress shows while it crawls, and article links can be served again."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alerts import outbox
from alerts.ingest import AlertEvaluator
from presswatch.config import load_analyzer
from presswatch.config.alerts import load_alerts
from presswatch.demo import DEMO_PORT, CrawlTicker, open_demo_site
from presswatch.demo.site import LocalSite, SiteArticle, load_demo_articles
from presswatch.errors import PresswatchError
from presswatch.models import Article
from presswatch.store import Store
from tests.support.crawling import free_port
from tests.support.paths import CONFIG

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
RECEIVER_PORT = "8787"  # the port the README's alert walk-through uses; the test swaps in a free one


def readme_commands(heading: str) -> list[str]:
    """The shell lines of the bash blocks in the README section whose heading starts with ``heading``."""
    match = re.search(rf"^## {re.escape(heading)}.*?$(.*?)(?=^## )", README, re.M | re.S)
    assert match, heading
    blocks = re.findall(r"```bash\n(.*?)```", match.group(1), re.S)
    return [line for block in blocks for line in block.splitlines() if line.strip()]


def fresh_clone(tmp_path: Path) -> Path:
    """A directory laid out like a fresh clone after the README's setup: config/, docs/ and a
    .venv/bin/presswatch that runs this checkout's code (no data/ yet)."""
    clone = tmp_path / "presswatch"
    clone.mkdir()
    for name in ("config", "docs"):
        (clone / name).symlink_to(ROOT / name)
    launcher = clone / ".venv" / "bin" / "presswatch"
    launcher.parent.mkdir(parents=True)
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m presswatch.cli "$@"\n', encoding="utf-8")
    launcher.chmod(0o755)
    return clone


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PRESSWATCH_")}


# --- the README, literally -----------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_readme_walkthroughs_end_with_the_receiver_printing_alerts(tmp_path: Path) -> None:
    """"Try it offline first", then "Receive an alert", in that order, from a fresh clone, exactly as
    written (only the receiver's port is swapped for a free one). Before: the second demo doubled the
    database (new port, new URLs), queued nothing, and the receiver printed nothing."""
    offline = readme_commands("Try it offline first")
    alert = readme_commands("Receive an alert")
    assert offline[0] == ".venv/bin/presswatch demo" and len(offline) >= 4
    assert ".venv/bin/presswatch demo" in [line.split("#")[0].strip() for line in alert]
    assert sum(RECEIVER_PORT in line for line in alert) == 2
    port = str(free_port())
    script = "\n".join(["set -eu", *offline, *(line.replace(RECEIVER_PORT, port) for line in alert)]) + "\n"
    clone = fresh_clone(tmp_path)
    # Output goes to files: the backgrounded receiver keeps a pipe open after the script ends.
    with open(tmp_path / "out.txt", "w+", encoding="utf-8") as stdout, \
            open(tmp_path / "err.txt", "w+", encoding="utf-8") as stderr:
        shell = subprocess.Popen(["bash", "-c", script], cwd=clone, env=clean_env(), stdout=stdout, stderr=stderr,
                                 start_new_session=True)
        try:
            shell.wait(timeout=840)  # the receiver prints each alert before answering it: all are printed
        finally:
            try:
                os.killpg(shell.pid, signal.SIGTERM)  # the receiver, still running in the background
            except ProcessLookupError:
                pass
            shell.wait()
        stdout.seek(0)
        stderr.seek(0)
        out, err = stdout.read(), stderr.read()
    assert shell.returncode == 0, f"{out}\n{err}"

    # The receiver (backgrounded by the README) printed one JSON line per alert it accepted.
    received = [json.loads(line) for line in out.splitlines() if line.startswith('{"key"')]
    sent = re.findall(r"^Đã gửi (\d+), thất bại 0", out, re.M)
    assert received and sent and len(received) == int(sent[-1]), out
    assert all(item["rule"] and item["text"].startswith("⚠️ Cảnh báo") for item in received)
    assert len({item["key"] for item in received}) == len(received)

    # Both demo runs crawled the same site: the second stored nothing, so nothing appears twice.
    with Store(clone / "data" / "demo.db") as store:
        urls = [a.url for a in store.articles()]
        assert len(urls) == len(load_demo_articles()) == len(set(urls))
        queued = outbox.counts(store.db)
    assert queued["sent"] == len(received)
    assert out.count("Xong: 3/3 nguồn thành công, 200 bài mới.") == 1
    assert "Xong: 3/3 nguồn thành công, 0 bài mới." in out
    # The demo indexes what it stored, as a crawl does: the default engine's index sits beside it.
    assert out.count("Đã cập nhật 200 bài vào chỉ mục tantivy.") == 1, out
    assert (clone / "data" / "demo.db.tantivy" / "meta.json").exists()
    # Progress while crawling (the first run takes tens of seconds).
    assert re.search(r"^  … \d+ giây: \d+ trang đã tải, \d+/200 bài mới đã lưu$", out, re.M), out


# --- the demo site's address stays the same --------------------------------------------------------


@pytest.fixture
def few() -> list[SiteArticle]:
    from presswatch.demo.site import site_articles

    return site_articles(load_demo_articles()[:3])


def store_demo_url(db: Path, url: str) -> None:
    with Store(db) as store:
        store.add_article(Article(url=url, source_id="demo-rss", title="Bài thử", text="Nội dung thử.",
                                  published_at=datetime.now(UTC), fetched_at=datetime.now(UTC)))


def test_demo_site_uses_the_fixed_port_or_any_free_one_the_first_time(tmp_path: Path,
                                                                      few: list[SiteArticle]) -> None:
    db = tmp_path / "demo.db"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        with open_demo_site(few, db, default_port=busy) as site:  # busy: any free port instead
            assert site.url.startswith("http://127.0.0.1:") and site.url != f"http://127.0.0.1:{busy}"
    port = free_port()
    with open_demo_site(few, db, default_port=port) as site:
        assert site.url == f"http://127.0.0.1:{port}"
        with urllib.request.urlopen(f"{site.url}{few[0].path}", timeout=5) as page:
            assert few[0].title in html.unescape(page.read().decode())  # titles carry quotes, escaped in the page
    assert DEMO_PORT == 8765


def test_demo_site_serves_again_where_the_stored_links_point(tmp_path: Path, few: list[SiteArticle]) -> None:
    """A database that holds demo articles decides the port: the same URLs, nothing stored twice, and
    links in search results work again under ``presswatch demo --serve``."""
    db = tmp_path / "demo.db"
    remembered = free_port()
    store_demo_url(db, f"http://127.0.0.1:{remembered}{few[0].path}")
    with open_demo_site(few, db, default_port=free_port()) as site:
        assert site.url == f"http://127.0.0.1:{remembered}"


def test_demo_says_what_to_do_when_its_remembered_port_is_taken(tmp_path: Path, few: list[SiteArticle]) -> None:
    db = tmp_path / "demo.db"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        store_demo_url(db, f"http://127.0.0.1:{busy}{few[0].path}")
        with pytest.raises(PresswatchError) as caught:
            open_demo_site(few, db)
    message = str(caught.value)
    assert f"Cổng {busy}" in message and str(db) in message and "demo --serve" in message


# --- progress --------------------------------------------------------------------------------------


def test_crawl_ticker_announces_pages_and_articles_while_they_grow(tmp_path: Path, few: list[SiteArticle]) -> None:
    db = tmp_path / "demo.db"
    Store(db).close()
    lines: list[str] = []
    with LocalSite(few) as site, CrawlTicker(site, db, expected=3, announce=lines.append, every=0.05):
        for number, article in enumerate(few):
            urllib.request.urlopen(f"{site.url}{article.path}", timeout=5).close()
            store_demo_url(db, f"{site.url}{article.path}")
            deadline = time.monotonic() + 5
            while not any(line.endswith(f"{number + 1}/3 bài mới đã lưu") for line in lines):
                assert time.monotonic() < deadline, lines
                time.sleep(0.02)
        count = len(lines)
        time.sleep(0.3)
        assert len(lines) == count  # nothing changed: nothing more to say
    assert all(re.fullmatch(r"  … \d+ giây: \d+ trang đã tải, \d/3 bài mới đã lưu", line) for line in lines)


def test_crawl_ticker_can_be_fed_by_a_progress_callback(tmp_path: Path, few: list[SiteArticle]) -> None:
    """``update`` is what a crawl progress callback calls; the poll only fills in between."""
    db = tmp_path / "demo.db"
    Store(db).close()
    lines: list[str] = []
    with LocalSite(few) as site, CrawlTicker(site, db, expected=10, announce=lines.append, every=3600) as ticker:
        ticker.update(pages=7, stored=4)
        ticker.update(pages=7, stored=4)
    assert len(lines) == 1 and lines[0].endswith("7 trang đã tải, 4/10 bài mới đã lưu")
    with LocalSite(few) as site, CrawlTicker(site, db, expected=0, announce=lines.append, every=3600) as ticker:
        ticker.update(pages=2, stored=0)  # a second run: everything is stored already
    assert lines[-1].endswith("2 trang đã tải, 0 bài mới (các bài đã lưu từ lần chạy trước)")


# --- alerts recorded before a channel was set ------------------------------------------------------


def test_alerts_recorded_without_a_channel_are_queued_once_one_is_active(tmp_path: Path) -> None:
    """The README's order: the first demo runs with no webhook (alerts recorded, nothing to deliver);
    the demo run after the webhook is set queues those alerts once, not on every run."""
    from alerts.outbox import queue_undelivered

    alerts = load_alerts(CONFIG / "alerts.yaml")
    analyzer = load_analyzer(CONFIG, with_entities=False)
    now = datetime.now(UTC).replace(hour=3)  # 10:00 in Vietnam: outside every rule's quiet hours
    records = [r for r in load_demo_articles() if "Lai Châu" in r["text"]][:40]
    env = {"PRESSWATCH_WEBHOOK_URL": "http://127.0.0.1:9/hook", "PRESSWATCH_WEBHOOK_SECRET": "x"}
    with Store(tmp_path / "demo.db") as store:
        evaluator = AlertEvaluator(alerts, {}, clock=lambda: now)
        for i, record in enumerate(records):
            published = now - timedelta(minutes=i)
            store.add_article(Article(url=f"http://127.0.0.1:8765/bai-{i}.html", source_id="demo-rss",
                                      title=record["title"], text=record["text"], published_at=published,
                                      fetched_at=published, analysis=analyzer.analyze(record["title"],
                                                                                     record["text"])),
                              on_stored=evaluator)
        recorded = store.db.execute("SELECT count(*), sum(throttled) FROM alerts").fetchone()
        assert recorded[0] >= 2 and outbox.counts(store.db)["pending"] == 0
        active, _ = alerts.targets(env)
        with store.transaction() as db:
            assert queue_undelivered(db, alerts.rules, {}, now) == 0  # still no channel: nothing
            queued = queue_undelivered(db, alerts.rules, active, now)
        rows = outbox.listing(store.db, "pending", 1000)
        assert queued == len(rows) >= 1
        alert_rows = [r for r in rows if r.kind == "alert"]
        assert len(alert_rows) == recorded[0] - recorded[1]
        assert all(r.channel == "thanh-tra" and r.next_attempt_at <= now for r in alert_rows)
        with store.transaction() as db:
            assert queue_undelivered(db, alerts.rules, active, now) == 0  # already queued: not again


# --- links after the demo: --serve -----------------------------------------------------------------


def read_until(stream: Iterator[str], pattern: str, seen: list[str], timeout: float) -> str:
    found: list[str] = []

    def reader() -> None:
        for line in stream:
            seen.append(line)
            if re.search(pattern, line):
                found.append(line)
                return

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(timeout)
    assert found, "".join(seen)
    return found[0]


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_demo_serve_keeps_the_article_links_working_until_ctrl_c(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    command = [sys.executable, "-m", "presswatch.cli", "--config", str(CONFIG), "demo", "--serve", "--db", str(db)]
    seen: list[str] = []
    with subprocess.Popen(command, cwd=tmp_path, env=clean_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True) as process:
        assert process.stdout is not None
        try:
            read_until(process.stdout, r"Ctrl\+C", seen, timeout=540)
            with closing(sqlite3.connect(db)) as conn:
                url, title = conn.execute("SELECT url, title FROM articles ORDER BY id LIMIT 1").fetchone()
            assert f"{url.split('/bai-viet/')[0]}/" in "".join(seen)  # the address printed is where links point
            with urllib.request.urlopen(url, timeout=10) as page:
                assert title in html.unescape(page.read().decode())  # titles carry quotes, escaped in the page
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=30) == 0, "".join(seen)
        finally:
            if process.poll() is None:
                process.kill()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=5)
