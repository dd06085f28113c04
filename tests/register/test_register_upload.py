"""The register's XLSX upload on the web and the template's guidance, over HTTP on a real server
(uvicorn on 127.0.0.1, a real SQLite store, plain httpx) with workbooks made by openpyxl: the
downloaded template carries an instructions sheet and drop-down lists and comes back in unchanged;
an admin's upload is saved and audited under their name; a workbook with problems is refused as a
whole with every problem located by sheet, row and column (nothing written); analysts, a missing
CSRF token, a file over the size bound and a file that is no workbook are refused; the file's name
is escaped."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import closing

import pytest
from openpyxl import Workbook, load_workbook

from presswatch.store import Store
from register import tables
from register.model import OUTLET_TYPES, UNIT_KINDS
from register.template import GUIDE_SHEET
from register.xlsx import OUTLET_COLUMNS, OUTLET_SHEET, SPOKESPERSON_COLUMNS, SPOKESPERSON_SHEET
from tests.support.webserver import Running, csrf_of, fill, login, serve

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("register-upload") / "presswatch.db"
    ids = fill(db, count=12)
    with serve(db, ids) as running:
        yield running


def workbook(*outlets: dict[str, object], people: tuple[dict[str, object], ...] = ()) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = OUTLET_SHEET
    headers = [h for h, _, _ in OUTLET_COLUMNS]
    ws.append(headers)
    for row in outlets:
        ws.append([row.get(h) for h in headers])
    if people:
        sheet = book.create_sheet(SPOKESPERSON_SHEET)
        heads = [h for h, _, _ in SPOKESPERSON_COLUMNS]
        sheet.append(heads)
        for row in people:
            sheet.append([row.get(h) for h in heads])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def licences(web: Running) -> list[str]:
    with Store(web.db) as store, store.transaction() as conn:
        return sorted(o.licence_no for o in tables.outlets(conn))


def test_template_guidance_and_upload(web: Running) -> None:
    with closing(login(web.url, "admin1")) as admin, closing(login(web.url, "analyst1")) as analyst:
        page = admin.get("/register").text
        assert 'action="/register/import"' in page and 'enctype="multipart/form-data"' in page
        token = csrf_of(page)
        # The template: an instructions sheet and drop-downs on "Loại hình" and "Cấp".
        template = admin.get("/register/export.xlsx")
        book = load_workbook(io.BytesIO(template.content))
        assert book.sheetnames == [OUTLET_SHEET, "Phóng viên thường trú", SPOKESPERSON_SHEET, GUIDE_SHEET]
        guide = book[GUIDE_SHEET]
        texts = [str(c.value) for row in guide.iter_rows() for c in row if c.value]
        assert "Số giấy phép *" in texts and any("dd/mm/yyyy" in t for t in texts)
        assert any("không nhập gì" in t for t in texts)
        assert [guide.cell(n, 5).value for n in range(2, 2 + len(OUTLET_TYPES))] == list(OUTLET_TYPES.values())
        assert [guide.cell(n, 6).value for n in range(2, 2 + len(UNIT_KINDS))] == list(UNIT_KINDS.values())
        (types,) = book[OUTLET_SHEET].data_validations.dataValidation
        assert types.type == "list" and str(types.sqref) == "C2:C20001"
        assert types.formula1 == f"'{GUIDE_SHEET}'!$E$2:$E${1 + len(OUTLET_TYPES)}" and types.showErrorMessage
        (kinds,) = book[SPOKESPERSON_SHEET].data_validations.dataValidation
        assert str(kinds.sqref) == "B2:B20001" and kinds.formula1 == f"'{GUIDE_SHEET}'!$F$2:$F$3"
        # The template filled in (as an operator would, with a drop-down value) comes back in.
        book[OUTLET_SHEET].append(["05/GP", "Báo Điện Biên Phủ", "báo điện tử", "05/03/2024"])
        book[SPOKESPERSON_SHEET].append(["Sở Y tế", "sở, ban, ngành", "Lê Văn G", "Phó Giám đốc"])
        filled = io.BytesIO()
        book.save(filled)
        saved = admin.post("/register/import", data={"csrf": token},
                           files={"file": ("so-dang-ky.xlsx", filled.getvalue(), XLSX)})
        assert saved.status_code == 303, saved.text
        shown = admin.get(saved.headers["location"]).text
        assert "Đã nhập so-dang-ky.xlsx: cơ quan báo chí 1 mới" in shown and "người phát ngôn 1 mới" in shown
        assert licences(web) == ["05/GP"]
        with Store(web.db) as store, store.transaction() as conn:
            assert {e.actor for e in tables.audit(conn, "outlet", "05/GP")} == {"admin1"}
            assert [p.name for p in tables.spokespeople(conn)] == ["Lê Văn G"]
        # Problems anywhere: nothing is written, each is listed by sheet, row and column.
        bad = workbook({"Số giấy phép": "06/GP", "Tên cơ quan": "Tạp chí Mới", "Loại hình": "tạp chí"},
                       {"Số giấy phép": "07/GP", "Tên cơ quan": "Trang X", "Loại hình": "báo giấy",
                        "Ngày cấp phép": "2021-03-15"},
                       people=({"Đơn vị": "Sở Y tế", "Cấp": "tỉnh", "Họ tên": "Người B"},))
        refused = admin.post("/register/import", data={"csrf": token},
                             files={"file": ("..\\<img src=x onerror=alert(1)>.xlsx", bad, XLSX)})
        assert refused.status_code == 400
        assert "Không nhập gì" in refused.text
        assert "trang &#39;Cơ quan báo chí&#39;, dòng 3, cột C (Loại hình)" in refused.text
        assert "dòng 3, cột D (Ngày cấp phép): &#39;2021-03-15&#39; không phải ngày" in refused.text
        assert "trang &#39;Người phát ngôn&#39;, dòng 2, cột B (Cấp)" in refused.text
        assert "<img src=x" not in refused.text and "<li>_img src_x onerror_alert(1)_.xlsx, trang" in refused.text
        assert licences(web) == ["05/GP"]  # the good row of the refused file was not written either
        # Not a workbook, no file, no CSRF, an analyst, over the bound.
        garbage = admin.post("/register/import", data={"csrf": token},
                             files={"file": ("x.xlsx", b"PK\x03\x04 not a zip", XLSX)})
        assert garbage.status_code == 400 and "không đọc được tệp XLSX" in garbage.text
        good = workbook({"Số giấy phép": "08/GP", "Tên cơ quan": "Tạp chí Y", "Loại hình": "tạp chí"})
        assert admin.post("/register/import", files={"file": ("y.xlsx", good, XLSX)}).status_code == 403
        assert 'action="/register/import"' not in analyst.get("/register").text
        as_analyst = analyst.post("/register/import", data={"csrf": csrf_of(analyst.get("/register").text)},
                                  files={"file": ("y.xlsx", good, XLSX)})
        assert as_analyst.status_code == 403
        huge = admin.post("/register/import", data={"csrf": token},
                          files={"file": ("big.xlsx", b"0" * 10_100_000, XLSX)})
        assert huge.status_code == 413
        assert licences(web) == ["05/GP"]
