"""Inspectors edit the register (issue 20: "editable in the web UI by admins and inspectors; every
change audited"), over HTTP on a real server (uvicorn on 127.0.0.1, a real SQLite store, real login
sessions with httpx): an inspector's and an admin's outlet edit and workbook upload are saved and
audited under their own names; an analyst and a viewer are refused (403) and see no form; a request
without the session's CSRF token is refused; nothing refused is written."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import closing

import httpx
import pytest
from openpyxl import Workbook

from presswatch.store import Store, users
from register import tables
from register.model import Outlet
from register.xlsx import OUTLET_COLUMNS, OUTLET_SHEET
from tests.support.webserver import Running, csrf_of, fill, login, serve

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INSPECTOR = ("inspector1", "inspector-password-1")


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("register-inspector") / "presswatch.db"
    ids = fill(db, count=6)
    with Store(db) as store:
        users.add_user(store, INSPECTOR[0], "inspector", INSPECTOR[1])
        with store.transaction() as conn:
            tables.save_outlets(conn, [Outlet("11/GP", "Tạp chí Miền Núi", "tap_chi", domains=("mien-nui.vn",))],
                                "cli:test")
    with serve(db, ids) as running:
        yield running


def stored(web: Running, licence: str) -> Outlet | None:
    with Store(web.db) as store, store.transaction() as conn:
        return tables.outlet(conn, licence)


def actors(web: Running, licence: str) -> set[str]:
    with Store(web.db) as store, store.transaction() as conn:
        return {entry.actor for entry in tables.audit(conn, "outlet", licence)}


def page_of(web: Running, client: httpx.Client) -> tuple[str, str]:
    found = stored(web, "11/GP")
    assert found is not None and found.id is not None
    path = f"/register/outlets/{found.id}"
    return path, client.get(path).text


def form(token: str, name: str) -> dict[str, str]:
    return {"csrf": token, "name": name, "governing_body": "Hội Nhà báo", "purpose": "", "topics": "",
            "domains": "mien-nui.vn", "sources": "", "resident_office": ""}


def workbook(licence: str, name: str) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = OUTLET_SHEET
    headers = [h for h, _, _ in OUTLET_COLUMNS]
    sheet.append(headers)
    row = {"Số giấy phép": licence, "Tên cơ quan": name, "Loại hình": "trang thông tin điện tử tổng hợp"}
    sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_inspectors_and_admins_edit_outlets_audited_under_their_names(web: Running) -> None:
    with closing(login(web.url, *INSPECTOR)) as inspector, closing(login(web.url, "admin1")) as admin:
        path, page = page_of(web, inspector)
        assert "register-form" in page  # the edit form, shown to an inspector
        saved = inspector.post(path, data=form(csrf_of(page), "Tạp chí Miền Núi (thanh tra sửa)"))
        assert saved.status_code == 303, saved.text
        assert stored(web, "11/GP").name == "Tạp chí Miền Núi (thanh tra sửa)"  # type: ignore[union-attr]
        assert "inspector1" in actors(web, "11/GP")
        with Store(web.db) as store, store.transaction() as conn:
            edits = {(e.actor, e.field) for e in tables.audit(conn, "outlet", "11/GP") if e.actor == "inspector1"}
        assert edits == {("inspector1", "name"), ("inspector1", "governing_body")}
        audit_page = inspector.get("/register/audit")  # the whole trail, for those who edit
        assert audit_page.status_code == 200 and "inspector1" in audit_page.text
        path, page = page_of(web, admin)
        assert admin.post(path, data=form(csrf_of(page), "Tạp chí Miền Núi")).status_code == 303
        assert {"inspector1", "admin1"} <= actors(web, "11/GP")


def test_analysts_viewers_and_forged_requests_change_nothing(web: Running) -> None:
    with closing(login(web.url, "analyst1")) as analyst, closing(login(web.url, "viewer1")) as viewer, \
            closing(login(web.url, *INSPECTOR)) as inspector:
        before = stored(web, "11/GP")
        for client in (analyst, viewer):
            path, page = page_of(web, client)
            assert "register-form" not in page and 'action="/register/import"' not in client.get("/register").text
            refused = client.post(path, data=form(csrf_of(page), "Đổi tên trái phép"))
            assert refused.status_code == 403
            upload = client.post("/register/import", data={"csrf": csrf_of(page)},
                                 files={"file": ("a.xlsx", workbook("12/GP", "Trang trái phép"), XLSX)})
            assert upload.status_code == 403
        assert analyst.get("/register/audit").status_code == 403
        path, page = page_of(web, inspector)
        no_token = form("", "Giả mạo")
        del no_token["csrf"]
        assert inspector.post(path, data=no_token).status_code == 403
        assert inspector.post(path, data=form("sai-token", "Giả mạo")).status_code == 403
        forged = inspector.post("/register/import", data={"csrf": "sai-token"},
                                files={"file": ("b.xlsx", workbook("13/GP", "Trang giả mạo"), XLSX)})
        assert forged.status_code == 403
    assert stored(web, "11/GP") == before
    assert stored(web, "12/GP") is None and stored(web, "13/GP") is None


def test_inspectors_upload_a_workbook_audited_under_their_name(web: Running) -> None:
    with closing(login(web.url, *INSPECTOR)) as inspector:
        page = inspector.get("/register").text
        assert 'action="/register/import"' in page
        saved = inspector.post("/register/import", data={"csrf": csrf_of(page)},
                               files={"file": ("so.xlsx", workbook("14/GP", "Trang tin Sìn Hồ"), XLSX)})
        assert saved.status_code == 303, saved.text
    added = stored(web, "14/GP")
    assert added is not None and added.name == "Trang tin Sìn Hồ"
    assert actors(web, "14/GP") == {"inspector1"}
