"""Evidence on the article page, through the real web server: the analyst's "Lưu bằng chứng" button
queues a capture (CSRF and role checked), the captures are shown with their hashes, checks, events
and diff (escaped), and their files are served with safe content types, checked against their hash."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from evidence import queue, records
from evidence.changes import Change, Version
from evidence.files import path_of
from evidence.rechecks import DueCheck, record
from presswatch.config import Settings
from presswatch.store import Store
from tests.evidence.helpers import record_capture
from tests.support.webserver import Running, csrf_of, fill, login, serve


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("evidence-web")
    db = folder / "presswatch.db"
    with serve(db, fill(db, count=6), evidence_dir=str(folder / "evidence")) as running:
        yield running


def test_the_button_queues_a_capture_for_analysts_only(web: Running) -> None:
    article_id = web.ids["first"]
    analyst = login(web.url, "analyst1")
    viewer = login(web.url, "viewer1")
    try:
        _button(web, analyst, viewer, article_id)
    finally:
        analyst.close()
        viewer.close()


def _button(web: Running, analyst: httpx.Client, viewer: httpx.Client, article_id: int) -> None:
    page = analyst.get(f"/article/{article_id}")
    assert "Lưu bằng chứng" in page.text and "Chưa có bản lưu nào" in page.text
    missing = analyst.post(f"/article/{article_id}/evidence", data={})
    assert missing.status_code == 403  # no CSRF token
    done = analyst.post(f"/article/{article_id}/evidence", data={"csrf": csrf_of(page.text)})
    assert done.status_code == 303
    with Store(web.db) as store:
        [request] = queue.requests_of_article(store.db, article_id)
        article = store.article(article_id)
    assert article is not None and request.url == article.url and request.reason == "Lưu bằng chứng: analyst1"
    assert "đang chờ lưu" in analyst.get(f"/article/{article_id}").text

    seen = viewer.get(f"/article/{article_id}")
    assert seen.status_code == 200 and "Lưu bằng chứng" not in seen.text
    assert viewer.post(f"/article/{article_id}/evidence", data={"csrf": csrf_of(seen.text)}).status_code == 403


def test_captures_are_shown_side_by_side_and_their_files_served_safely(web: Running) -> None:
    article_id = web.ids["copy"]
    root = Path(web.app.state.web.config.settings.evidence_dir)  # type: ignore[attr-defined]
    settings = Settings(evidence_dir=str(root))
    with Store(web.db) as store:
        article = store.article(article_id)
        assert article is not None
        first = record_capture(store, settings, article.url, article.title, article.text, datetime.now(UTC),
                               article_id=article_id)
        second = record_capture(store, settings, article.url + "?lan=2", article.title, article.text,
                                datetime.now(UTC), article_id=article_id)
        with store.transaction() as conn:
            check = DueCheck(first, 1, article.url, Version(article.title, article.text), article_id, None)
            record(conn, check, Change("edited", "bài đã bị sửa: 3% nội dung thay đổi",
                                       "--- trước\n+++ sau\n-câu cũ\n+<script>alert(1)</script> câu mới",
                                       Version(article.title, "x")), 200, datetime.now(UTC))
        capture = records.capture(store.db, first)
    assert capture is not None
    analyst = login(web.url, "analyst1")
    viewer = login(web.url, "viewer1")
    try:
        _files(analyst, viewer, root, capture, article.title, first, second)
    finally:
        analyst.close()
        viewer.close()


def _files(analyst: httpx.Client, viewer: httpx.Client, root: Path, capture: records.CaptureRecord,
           title: str, first: int, second: int) -> None:
    article_id = capture.article_id
    page = analyst.get(f"/article/{article_id}").text
    assert f"Bản lưu #{first}" in page and f"Bản lưu #{second}" in page
    for stored in capture.files:
        assert stored.sha256 in page
    assert "đã bị sửa" in page and "&lt;script&gt;alert(1)&lt;/script&gt; câu mới" in page
    assert "<script>alert" not in page
    assert re.search(rf'<img class="capture-shot" src="/evidence/{first}/png"', page)

    png = analyst.get(f"/evidence/{first}/png")
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content == path_of(root, capture.file("png").sha256).read_bytes()  # type: ignore[union-attr]
    assert png.headers["x-content-type-options"] == "nosniff" and "script-src 'none'" in png.headers[
        "content-security-policy"]
    text = analyst.get(f"/evidence/{first}/text")
    assert text.headers["content-type"] == "text/plain; charset=utf-8" and title in text.text
    meta = analyst.get(f"/evidence/{first}/meta")
    assert meta.headers["content-disposition"].startswith("attachment")
    assert analyst.get(f"/evidence/{first}/html").status_code == 404
    assert analyst.get(f"/evidence/{first}/warc").status_code == 404  # this capture has none

    assert viewer.get(f"/evidence/{first}/png").status_code == 403

    tampered = path_of(root, capture.file("text").sha256)  # type: ignore[union-attr]
    os.chmod(tampered, 0o644)
    tampered.write_text("sửa lén", encoding="utf-8")
    refused = analyst.get(f"/evidence/{first}/text")
    assert refused.status_code == 409 and "SHA-256 không khớp" in refused.text
