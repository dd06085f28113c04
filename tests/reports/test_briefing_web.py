"""The press-briefing pack on the "Báo cáo" page, over HTTP on a real uvicorn server over a real store
of analysed demo articles: an analyst makes the pack of a period (the same code as ``presswatch report
--briefing``), it is listed with the reports and downloads as DOCX whose outlet table carries the
store's counts, and as PDF (LibreOffice); CSRF is required, a viewer may not, a bad document kind is
a Vietnamese error."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime, timedelta

import pytest
from docx import Document

from presswatch.config import load_config
from presswatch.store import Store
from presswatch.times import local_date
from reports import archive
from tests.support.webserver import CONFIG, Running, csrf_of, fill, login, serve

HAS_PDF = shutil.which("soffice") is not None


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("briefing-web") / "presswatch.db"
    ids = fill(db)
    with serve(db, ids, reports_dir=str(db.parent / "reports")) as running:
        yield running


def _period(web: Running) -> tuple[str, tuple[str, str], str, str]:
    with closing(sqlite3.connect(web.db)) as connection:
        first, last = connection.execute("SELECT min(dated_at), max(dated_at) FROM articles").fetchone()
    start = local_date(datetime.fromisoformat(first.replace("Z", "+00:00")))
    end = local_date(datetime.fromisoformat(last.replace("Z", "+00:00")))
    bounds = (f"{(datetime(start.year, start.month, start.day) - timedelta(hours=7)).isoformat()}Z",
              f"{(datetime(end.year, end.month, end.day) + timedelta(hours=17)).isoformat()}Z")
    return f"{start.isoformat()}..{end.isoformat()}", bounds, start.isoformat(), end.isoformat()


def test_analyst_makes_the_briefing_pack_and_downloads_it(web: Running) -> None:
    period, bounds, start, end = _period(web)
    names = {source.id: source.name for source in load_config(CONFIG).sources}
    with closing(sqlite3.connect(web.db)) as connection:
        expected = {names.get(row[0], row[0]): (str(row[1]), str(row[2])) for row in connection.execute(
            "SELECT source_id, count(*), sum(sentiment = 'negative') FROM articles WHERE dated_at >= ? "
            "AND dated_at < ? AND relevance IN ('about', 'mention') GROUP BY source_id", bounds)}
    assert expected  # the fixture has relevant items from two outlets
    analyst = login(web.url, "analyst1")
    page = analyst.get("/reports")
    assert page.status_code == 200 and '<option value="briefing"' in page.text and "Tài liệu họp báo" in page.text
    form = {"period": period, "format": "docx", "document": "briefing"}
    assert analyst.post("/reports", data=form).status_code == 403  # no CSRF
    made = analyst.post("/reports", data={**form, "csrf": csrf_of(page.text)})
    assert made.status_code == 303
    listing = analyst.get(made.headers["location"])
    assert "Đã tạo tài liệu họp báo" in listing.text and "/reports/1/file" in listing.text
    assert "<td>Tài liệu họp báo</td>" in listing.text
    download = analyst.get("/reports/1/file")
    assert download.status_code == 200
    assert download.headers["content-disposition"] == f'attachment; filename="hop-bao-{start}_{end}.docx"'
    document = Document(io.BytesIO(download.content))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "TÀI LIỆU PHỤC VỤ HỌP BÁO, GIAO BAN BÁO CHÍ" in body
    tables = [[[cell.text for cell in row.cells] for row in table.rows] for table in document.tables]
    [outlets] = [table[1:] for table in tables if table[0][0] == "Cơ quan, trang"]
    assert {row[0]: (row[1], row[2]) for row in outlets} == expected  # each outlet's count, from the store

    # A report of the same period is listed beside it, by its kind of document.
    analyst.post("/reports", data={"period": period, "format": "docx", "document": "report",
                                   "csrf": csrf_of(page.text)})
    with Store(web.db) as store:
        kept = archive.listing(store)
    assert [(f.document, f.name) for f in kept][:2] == [("report", f"bao-cao-{start}_{end}.docx"),
                                                       ("briefing", f"hop-bao-{start}_{end}.docx")]

    bad = analyst.post("/reports", data={**form, "document": "<b>x</b>", "csrf": csrf_of(page.text)})
    assert bad.status_code == 400 and "loại tài liệu phải là" in bad.text and "<b>x</b>" not in bad.text

    viewer = login(web.url, "viewer1")
    refused = viewer.post("/reports", data={**form, "csrf": csrf_of(viewer.get("/").text)})
    assert refused.status_code == 403
    assert viewer.get("/reports/1/file").status_code == 403
    analyst.close()
    viewer.close()


@pytest.mark.skipif(not HAS_PDF and os.environ.get("CI") != "true",
                    reason="LibreOffice (libreoffice-writer-nogui) is not installed")
def test_the_briefing_pack_as_pdf(web: Running) -> None:
    period, _, start, end = _period(web)
    analyst = login(web.url, "analyst1")
    page = analyst.get("/reports")
    made = analyst.post("/reports", data={"period": period, "format": "pdf", "document": "briefing",
                                          "csrf": csrf_of(page.text)})
    assert made.status_code == 303
    with Store(web.db) as store:
        newest = archive.listing(store)[0]
    assert (newest.document, newest.format) == ("briefing", "pdf")
    download = analyst.get(f"/reports/{newest.id}/file")
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    assert download.content.startswith(b"%PDF-")
    assert download.headers["content-disposition"] == f'attachment; filename="hop-bao-{start}_{end}.pdf"'
    analyst.close()
