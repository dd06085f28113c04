"""The "Báo cáo" page over HTTP: a real uvicorn server on 127.0.0.1 over a real store of analysed demo
articles; an analyst generates a report (the DOCX downloaded opens and carries the store's counts),
a viewer may not, CSRF is required, a bad period is a clear error, the archive lists what was made,
and a file changed on disk is refused."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document

from presswatch.store import Store
from presswatch.times import local_date
from reports import archive
from tests.support.webserver import Running, csrf_of, fill, login, serve


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("reports-web") / "presswatch.db"
    ids = fill(db)
    with serve(db, ids, reports_dir=str(db.parent / "reports")) as running:
        yield running


def test_analyst_generates_and_downloads_a_report(web: Running) -> None:
    with closing(sqlite3.connect(web.db)) as connection:
        first, last = connection.execute("SELECT min(dated_at), max(dated_at) FROM articles").fetchone()
    start = local_date(datetime.fromisoformat(first.replace("Z", "+00:00")))
    end = local_date(datetime.fromisoformat(last.replace("Z", "+00:00")))
    period = f"{start.isoformat()}..{end.isoformat()}"
    bounds = (f"{(datetime(start.year, start.month, start.day) - timedelta(hours=7)).isoformat()}Z",
              f"{(datetime(end.year, end.month, end.day) + timedelta(hours=17)).isoformat()}Z")
    with closing(sqlite3.connect(web.db)) as connection:
        relevant = connection.execute("SELECT count(*) FROM articles WHERE dated_at >= ? AND dated_at < ? AND "
                                      "relevance IN ('about', 'mention')", bounds).fetchone()[0]
    analyst = login(web.url, "analyst1")
    page = analyst.get("/reports")
    assert page.status_code == 200 and "Chưa có báo cáo nào." in page.text
    assert analyst.post("/reports", data={"period": period, "format": "docx"}).status_code == 403  # no CSRF
    made = analyst.post("/reports", data={"csrf": csrf_of(page.text), "period": period, "format": "docx"})
    assert made.status_code == 303 and made.headers["location"].startswith("/reports?msg=")
    listing = analyst.get(made.headers["location"])
    assert f"{relevant} tin, bài liên quan" in listing.text and "/reports/1/file" in listing.text
    download = analyst.get("/reports/1/file")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == (
        f'attachment; filename="bao-cao-{start.isoformat()}_{end.isoformat()}.docx"')
    body = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert f"trong đó {relevant} tin, bài liên quan đến tỉnh" in body

    bad = analyst.post("/reports", data={"csrf": csrf_of(page.text), "period": "2026-13<b>", "format": "docx"})
    assert bad.status_code == 400 and "kỳ báo cáo" in bad.text
    assert "2026-13&lt;b&gt;" in bad.text and "2026-13<b>" not in bad.text  # escaped, in the message and the field

    viewer = login(web.url, "viewer1")
    assert viewer.get("/reports").status_code == 403
    assert viewer.get("/reports/1/file").status_code == 403
    assert 'href="/reports"' not in viewer.get("/").text

    with Store(web.db) as store:
        [kept] = archive.listing(store)
    folder = web.db.parent / "reports"
    (folder / f"{kept.sha256}.docx").write_bytes(b"changed")
    refused = analyst.get("/reports/1/file")
    assert refused.status_code == 410 and "đã bị thay đổi" in refused.text
    assert analyst.get("/reports/99/file").status_code == 404
    analyst.close()
    viewer.close()


def test_archive_keeps_files_by_hash(tmp_path: Path) -> None:
    from reports.period import parse_period

    with Store(tmp_path / "a.db") as store:
        first = archive.keep(store, tmp_path / "files", parse_period("2026-11"), "docx", b"one", "lan")
        second = archive.keep(store, tmp_path / "files", parse_period("2026-Q4"), "pdf", b"two", "lan")
        files = archive.listing(store)
        assert [f.id for f in files] == [second, first] and files[1].name == "bao-cao-2026-11-01_2026-11-30.docx"
        assert archive.read(tmp_path / "files", files[1]) == b"one"
        assert files[0].created_at <= datetime.now(UTC)
