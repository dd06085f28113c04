"""The register's web pages over HTTP (a real uvicorn server on 127.0.0.1, a real SQLite store, plain
httpx): who sees and edits what, an admin's edit audited under their name, a refused edit changing
nothing, hostile names escaped, the indicators page and the XLSX download."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import closing
from datetime import date

import httpx
import pytest
from openpyxl import load_workbook

from presswatch.store import Store
from register import tables
from register.model import Outlet, Reporter, Spokesperson
from tests.support.webserver import Running, csrf_of, fill, login, serve

HOSTILE = "<script>window.pwned=1</script>Tạp chí"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("register-web") / "presswatch.db"
    ids = fill(db, count=12)
    with Store(db) as store, store.transaction() as conn:
        tables.save_outlets(conn, [
            Outlet("01/GP", "Báo Lai Châu", "bao_dien_tu", sources=("baolaichau-thoi-su",),
                   reporters=(Reporter("Lò Văn A", "HNB-1"),)),
            Outlet("02/GP", HOSTILE, "tap_chi", topics=("van-hoa-the-thao",), domains=("tapchi.vn",)),
            Outlet("03/GP", "Trang tin Tây Bắc", "trang_ttth", sources=("tin-tay-bac",)),
        ], "cli:test")
        tables.save_spokespeople(conn, [
            Spokesperson("Sở Văn hóa", "department", "Nguyễn Thị D", "Giám đốc", "0912 111 222", "d@laichau.gov.vn"),
            Spokesperson("Mường Tè", "commune", "Pờ Thị E", "Chủ tịch UBND xã", "0913 222 333"),
            Spokesperson("Mường Tè", "commune", "Người Cũ", valid_to=date(2025, 6, 30)),
        ], "cli:test")
    with serve(db, ids) as running:
        yield running


def outlet_id(web: Running, licence: str) -> int:
    with Store(web.db) as store, store.transaction() as conn:
        found = tables.outlet(conn, licence)
    assert found is not None and found.id is not None
    return found.id


def test_pages_by_role_and_escaping(web: Running) -> None:
    with closing(login(web.url, "viewer1")) as viewer:
        viewer_pages(web, viewer)


def viewer_pages(web: Running, viewer: httpx.Client) -> None:
    page = viewer.get("/register")
    assert page.status_code == 200
    assert "Báo Lai Châu" in page.text and "&lt;script&gt;window.pwned=1&lt;/script&gt;Tạp chí" in page.text
    assert "<script>window.pwned" not in page.text
    assert "Nguyễn Thị D" in viewer.get("/register/spokespeople").text
    published = viewer.get("/register/spokespeople.html")
    assert published.status_code == 200 and "attachment" in published.headers["content-disposition"]
    assert "Pờ Thị E" in published.text and "Người Cũ" not in published.text and "<script" not in published.text
    own = viewer.get(f"/register/outlets/{outlet_id(web, '01/GP')}")
    assert "Lò Văn A" in own.text and "HNB-1" in own.text and "register-form" not in own.text  # no edit form
    assert viewer.get("/register/indicators").status_code == 403
    assert viewer.get("/register/audit").status_code == 403
    refused = viewer.post(f"/register/outlets/{outlet_id(web, '01/GP')}",
                          data={"csrf": csrf_of(own.text), "name": "Đổi tên"})
    assert refused.status_code == 403


def test_admin_edit_is_audited_and_a_bad_edit_changes_nothing(web: Running) -> None:
    with closing(login(web.url, "admin1")) as admin:
        admin_edits(web, admin)


def admin_edits(web: Running, admin: httpx.Client) -> None:
    number = outlet_id(web, "02/GP")
    page = admin.get(f"/register/outlets/{number}")
    assert "register-form" in page.text
    fields = {"csrf": csrf_of(page.text), "name": "Tạp chí Văn hóa Tây Bắc", "governing_body": "Hội Văn nghệ",
              "purpose": "Văn hóa, văn nghệ", "topics": "van-hoa-the-thao; xa-hoi", "domains": "tapchi.vn",
              "sources": "", "resident_office": ""}
    bad = admin.post(f"/register/outlets/{number}", data={**fields, "topics": "van-hoa", "domains": "http://x"})
    assert bad.status_code == 400
    assert "Chủ đề: &#39;van-hoa&#39; không có — có phải &#39;van-hoa-the-thao&#39;?" in bad.text
    assert "không phải tên miền" in bad.text
    with Store(web.db) as store, store.transaction() as conn:
        assert tables.outlet(conn, "02/GP").name == HOSTILE  # type: ignore[union-attr]
    saved = admin.post(f"/register/outlets/{number}", data=fields)
    assert saved.status_code == 303
    with Store(web.db) as store, store.transaction() as conn:
        stored = tables.outlet(conn, "02/GP")
        trail = tables.audit(conn, "outlet", "02/GP")
    assert stored is not None and stored.topics == ("van-hoa-the-thao", "xa-hoi")
    assert {(e.actor, e.field) for e in trail if e.actor == "admin1"} == {
        ("admin1", "name"), ("admin1", "governing_body"), ("admin1", "purpose"), ("admin1", "topics")}
    assert "admin1" in admin.get("/register/audit").text
    missing_csrf = admin.post(f"/register/outlets/{number}", data={k: v for k, v in fields.items() if k != "csrf"})
    assert missing_csrf.status_code in (400, 403)


def test_outlet_profile(web: Running) -> None:
    with closing(login(web.url, "viewer1")) as viewer:
        page = viewer.get(f"/register/outlets/{outlet_id(web, '01/GP')}").text
    assert "Hồ sơ hoạt động (12 tháng gần nhất)" in page and "baolaichau-thoi-su" in page
    assert "<td>2026-11</td>" in page
    # Its story that Trang tin Tây Bắc copied two hours later: Báo Lai Châu published it first.
    assert "Đăng đầu tiên:</strong> 1/1 tin được nhiều nơi đăng (100%)" in page
    assert "Vụ việc, đính chính (0)" in page and "Chưa có hồ sơ vụ việc nào nêu cơ quan này." in page


def test_article_page_names_the_spokesperson_of_its_place(web: Running) -> None:
    with closing(login(web.url, "viewer1")) as viewer:
        page = viewer.get(f"/article/{web.ids['first']}")  # an article about Mường Tè
    assert page.status_code == 200
    assert "Người phát ngôn" in page.text and "Pờ Thị E" in page.text and "0913 222 333" in page.text
    assert "Người Cũ" not in page.text  # no longer valid


def test_indicators_page_and_xlsx_download(web: Running) -> None:
    with closing(login(web.url, "analyst1")) as analyst:
        analyst_pages(analyst)


def analyst_pages(analyst: httpx.Client) -> None:
    page = analyst.get("/register/indicators", params={"month": "2026-11"})
    assert page.status_code == 200
    assert "Trang tin Tây Bắc" in page.text and "Tỷ lệ đăng lại không ghi nguồn" in page.text
    assert analyst.get("/register/indicators", params={"month": "2026-13"}).status_code == 400
    download = analyst.get("/register/export.xlsx")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.content))
    assert sorted(str(row[0].value) for row in book["Cơ quan báo chí"].iter_rows(min_row=2)) == [
        "01/GP", "02/GP", "03/GP"]
