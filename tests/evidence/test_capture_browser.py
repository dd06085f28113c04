"""Captures by real headless Chromium (Debian's, through Playwright) of pages on a local site: the
files and their hashes, the WARC, the address policy on every request of the page (pop-ups,
navigation away, ``file://`` and an internal admin server: refused), the limits (a page that never
finishes loading, 50 MB, infinite scroll), a Chromium crash (recorded, retried) and a capture
process killed with SIGKILL (no half record). Skipped when /usr/bin/chromium is missing, unless
CI=true. Few captures, each a few seconds."""

from __future__ import annotations

import json
import os
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from evidence import queue, records, request_capture
from evidence.files import file_hash, path_of
from presswatch.cli import main
from presswatch.demo.site import SiteArticle
from presswatch.service.capture import NO_RESOLVING
from presswatch.service.evidence import Outcome, capture_request
from presswatch.store import Store
from tests.evidence.helpers import config_dir, settings_for
from tests.support.evidence_site import BIG_BYTES, Page, Site, article_html

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists() and os.environ.get("CI") != "true":
    pytest.skip("Chromium (Debian package `chromium`) is not installed", allow_module_level=True)

pytestmark = pytest.mark.timeout(150)


def _ancestors(pid: int) -> set[int]:
    found = set()
    while pid > 1:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            break
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        found.add(pid)
    return found


def browser_pids(ancestor: int) -> list[int]:
    """The main processes of the capture browsers started under ``ancestor`` (our launch flag marks them)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if NO_RESOLVING.encode() in command and b"--type=" not in command and ancestor in _ancestors(int(entry.name)):
            pids.append(int(entry.name))
    return pids


def _paragraphs(article: SiteArticle) -> list[str]:
    return [article.lead, *article.paragraphs]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _config(tmp_path: Path, *ports: int) -> Path:
    allowed = "".join(f"  - 127.0.0.1:{port}\n" for port in ports)
    return config_dir(tmp_path, f"evidence_dir: {tmp_path / 'evidence'}\nevidence_timeout: 20\n"
                                f"evidence_allow_internal:\n{allowed}")


def test_capture_of_a_hostile_page_keeps_the_page_and_refuses_the_rest(
        tmp_path: Path, db: Path, articles: list[SiteArticle], capsys: pytest.CaptureFixture[str]) -> None:
    article = articles[0]
    with Site() as site, Site() as admin:
        hostile = (f'<a href="file:///etc/passwd">tệp</a><img src="http://127.0.0.1:{admin.port}/admin/logo.png">'
                   '<iframe src="file:///etc/passwd"></iframe><div style="height:2000px">chân trang</div>'
                   f"<script>window.open('/popup.html'); fetch('http://127.0.0.1:{admin.port}/admin/api');"
                   f"setTimeout(function () {{ location.href = 'http://127.0.0.1:{admin.port}/admin'; }}, 10);"
                   "</script>")
        site.pages["/tin/1.html"] = Page(article_html(article.title, _paragraphs(article), hostile))
        site.pages["/cu.html"] = Page(status=301, location="/tin/1.html")
        config = _config(tmp_path, site.port)
        code = main(["--config", str(config), "--db", str(db), "evidence", "capture", site.url("/cu.html"),
                     "--reason", "Lưu bằng chứng: analyst1"])
        output = capsys.readouterr()
        assert code == 0, output.err
        assert admin.hits == {}  # nothing of the page reached the internal server, not even a connection's request
        assert site.hits["/popup.html"] == 0
    assert "Đã lưu bằng chứng #1" in output.out
    with Store(db) as store:
        capture = records.capture(store.db, 1)
        item = queue.request(store.db, 1)
    assert capture is not None and item is not None and item.status == "done" and item.capture_id == 1
    assert capture.url == site.url("/cu.html") and capture.final_url == site.url("/tin/1.html")
    assert capture.http_status == 200 and capture.title == article.title
    assert article.paragraphs[0][:60] in capture.text
    assert {"chromium", "playwright", "warcio", "presswatch"} <= set(capture.tools)
    notes = "\n".join(capture.notes)
    assert f"127.0.0.1:{admin.port}" in notes and "evidence_allow_internal" in notes
    assert "pop-up" in notes and "chuyển sang địa chỉ khác" in notes

    root = tmp_path / "evidence"
    paths = {f.kind: path_of(root, f.sha256) for f in capture.files}
    assert sorted(paths) == ["meta", "pdf", "png", "text", "warc"]
    for stored in capture.files:
        assert file_hash(paths[stored.kind]) == stored.sha256 and paths[stored.kind].stat().st_size == stored.size
        assert str(paths[stored.kind].relative_to(root)) == f"{stored.sha256[:2]}/{stored.sha256[2:4]}/{stored.sha256}"
    width, height = _png_size(paths["png"].read_bytes())
    assert width == 1280 and height > 2000  # the full page, not the viewport
    assert paths["pdf"].read_bytes()[:5] == b"%PDF-"
    assert paths["text"].read_text(encoding="utf-8").startswith(article.title)
    manifest = json.loads(paths["meta"].read_text(encoding="utf-8"))
    assert manifest["sha256"]["png"] == capture.file("png").sha256  # type: ignore[union-attr]

    with paths["warc"].open("rb") as file:
        responses = {record.rec_headers.get_header("WARC-Target-URI"): record for record in ArchiveIterator(file)
                     if record.rec_type == "response"}
    assert {site.url("/cu.html"), site.url("/tin/1.html"), site.url("/static/site.css")} <= set(responses)
    assert not [url for url in responses if str(admin.port) in url or url.startswith("file:")]
    assert responses[site.url("/cu.html")].http_headers.get_statuscode() == "301"


def test_limits_a_page_that_never_loads_a_50_mb_page_and_an_infinite_scroll(
        tmp_path: Path, store: Store, articles: list[SiteArticle]) -> None:
    article = articles[1]
    scroll = ("<script>function more() { for (let i = 0; i < 100; i++) { const d = document.createElement('div');"
              " d.style.height = '100px'; d.textContent = 'mục ' + i; document.body.appendChild(d); } }"
              " more(); more(); window.addEventListener('scroll', more);</script>")
    with Site() as site:
        site.pages["/treo.html"] = Page(article_html(article.title, _paragraphs(article),
                                                     '<img src="/anh-khong-bao-gio-toi.png">'))
        site.pages["/anh-khong-bao-gio-toi.png"] = Page(b"", content_type="image/png", hang=60)
        site.pages["/lon.html"] = Page(article_html(article.title, _paragraphs(article)), big=BIG_BYTES)
        site.pages["/cuon.html"] = Page(article_html(article.title, _paragraphs(article), scroll))
        settings = settings_for(tmp_path, site.port, evidence_timeout=6, evidence_max_bytes=5_000_000,
                                evidence_max_height=3000)
        outcomes: dict[str, Outcome] = {}
        for path in ("/treo.html", "/lon.html", "/cuon.html"):
            with store.transaction() as conn:
                request_id = request_capture(conn, site.url(path), reason="kiểm thử")
            started = time.monotonic()
            outcomes[path] = capture_request(store, request_id, settings)
            assert time.monotonic() - started < 6 + 10 + 25  # the limit, the document's grace, the files'

    assert {path: o.status for path, o in outcomes.items()} == dict.fromkeys(outcomes, "done"), outcomes
    captures = {path: records.capture(store.db, o.capture_id) for path, o in outcomes.items()
                if o.capture_id is not None}
    root = tmp_path / "evidence"

    slow = captures["/treo.html"]
    assert slow is not None and any("chưa tải xong" in note for note in slow.notes), slow.notes
    assert article.paragraphs[0][:60] in slow.text  # what loaded is kept

    big = captures["/lon.html"]
    assert big is not None and any("quá giới hạn" in note for note in big.notes)
    warc = big.file("warc")
    assert warc is not None and warc.size < 6_000_000
    with path_of(root, warc.sha256).open("rb") as file:
        [page] = [r for r in ArchiveIterator(file) if r.rec_type == "response"
                  and r.rec_headers.get_header("WARC-Target-URI") == site.url("/lon.html")]
        assert page.rec_headers.get_header("WARC-Truncated") == "length"

    endless = captures["/cuon.html"]
    assert endless is not None
    png = endless.file("png")
    assert png is not None
    assert _png_size(path_of(root, png.sha256).read_bytes()) == (1280, 3000)
    assert any("ảnh chụp chỉ lấy 3000" in note for note in endless.notes)


def test_a_chromium_crash_is_recorded_and_retried(tmp_path: Path, db: Path, store: Store,
                                                  articles: list[SiteArticle]) -> None:
    article = articles[2]
    with Site() as site:
        site.pages["/tin.html"] = Page(article_html(article.title, _paragraphs(article), '<img src="/treo.png">'))
        site.pages["/treo.png"] = Page(b"", content_type="image/png", hang=60)
        settings = settings_for(tmp_path, site.port, evidence_timeout=30)
        with store.transaction() as conn:
            request_id = request_capture(conn, site.url("/tin.html"), reason="kiểm thử")
        result: list[Outcome] = []
        before = set(browser_pids(os.getpid()))  # a browser of an earlier test still exiting is not this one

        def work() -> None:  # as the service's job thread does: its own connection
            with Store(db) as own:
                result.append(capture_request(own, request_id, settings))

        worker = threading.Thread(target=work)
        worker.start()
        deadline = time.monotonic() + 30
        while not site.hits["/treo.png"] and time.monotonic() < deadline:  # the page is loading in Chromium
            time.sleep(0.1)
        browsers = set(browser_pids(os.getpid())) - before
        assert browsers, "the capture's browser was not found"
        for pid in browsers:
            os.kill(pid, signal.SIGKILL)
        worker.join(60)
        [crashed] = result
        assert crashed.status == "pending" and "Chromium" in crashed.message
        item = queue.request(store.db, request_id)
        assert item is not None and item.status == "pending" and item.attempts == 1 and item.last_error
        assert records.capture_count(store.db) == 0

        site.pages["/treo.png"] = Page(b"", content_type="image/png")  # the next attempt goes through
        retried = capture_request(store, request_id, settings)
    assert retried.status == "done" and retried.capture_id is not None
    item = queue.request(store.db, request_id)
    assert item is not None and item.status == "done" and item.attempts == 2


def test_sigkill_during_a_capture_leaves_no_half_record(tmp_path: Path, db: Path,
                                                        articles: list[SiteArticle]) -> None:
    article = articles[3]
    with Site() as site:
        site.pages["/tin.html"] = Page(article_html(article.title, _paragraphs(article), '<img src="/treo.png">'))
        site.pages["/treo.png"] = Page(b"", content_type="image/png", hang=60)
        config = _config(tmp_path, site.port)
        process = subprocess.Popen([sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db),
                                    "evidence", "capture", site.url("/tin.html")], cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 30
            while not browser_pids(process.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            browsers = browser_pids(process.pid)
            assert browsers, "the capture's browser never started"
            while not site.hits["/treo.png"] and time.monotonic() < deadline:  # mid-capture: the page loads
                time.sleep(0.1)
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        finally:
            if process.poll() is None:
                process.kill()
        for pid in browsers:  # the orphaned browser, if Playwright's driver left it
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    with Store(db) as store:
        assert records.capture_count(store.db) == 0
        [item] = [queue.request(store.db, 1)]
        assert item is not None and item.status == "pending" and item.attempts == 1  # due again: retried
        assert not list(records.verify_all(store.db, tmp_path / "evidence"))
    evidence = tmp_path / "evidence"
    leftovers = [p for p in evidence.rglob("*") if p.is_file()] if evidence.exists() else []
    assert all(p.parent.name == "tmp" for p in leftovers)  # at most a stray temporary file, never a record


def test_the_service_job_captures_a_social_post_with_its_metadata(tmp_path: Path, db: Path) -> None:
    """The ``evidence`` job of ``presswatch run`` takes the queue: a social post is kept as its
    rendered page plus its metadata (author, times, engagement) in the manifest."""
    from presswatch.models import Article
    from presswatch.service.jobs import evidence_job

    post = ("Người dùng Nguyễn Văn A đăng: tin đồn về sạt lở ở Mường Tè, tỉnh Lai Châu lan truyền trên mạng "
            "xã hội từ sáng nay, chưa được cơ quan chức năng xác nhận.")
    with Site() as site:
        site.pages["/p/123"] = Page(article_html("Bài đăng của Nguyễn Văn A", [post]))
        config = _config(tmp_path, site.port)
        with Store(db) as store:
            article_id = store.add_article(Article(
                url=site.url("/p/123"), source_id="mxh", source_kind="social", content_type="post",
                title="Bài đăng của Nguyễn Văn A", text=post, author="Nguyễn Văn A",
                engagement={"likes": 120, "shares": 45}))
            assert article_id is not None
            with store.transaction() as conn:
                request_capture(conn, site.url("/p/123"), reason="hồ sơ vụ việc 1", article_id=article_id, case_id=1)
        tally = evidence_job(str(config), str(db))
    assert tally.captures == ("done",) and tally.rechecks == 0  # nothing due yet
    with Store(db) as store:
        [capture] = records.captures_of_article(store.db, article_id)
        assert records.captures_of_case(store.db, 1) == [capture]
    meta = capture.file("meta")
    assert meta is not None
    manifest = json.loads(path_of(tmp_path / "evidence", meta.sha256).read_text(encoding="utf-8"))
    assert manifest["metadata"]["source_kind"] == "social" and manifest["metadata"]["author"] == "Nguyễn Văn A"
    assert manifest["metadata"]["engagement"] == {"likes": 120, "shares": 45}
    assert post[:50] in capture.text
