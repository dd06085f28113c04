"""The case pages and API over HTTP: a real uvicorn server on 127.0.0.1 over a real store of
analysed demo articles; viewer, analyst, inspector and admin log in with real sessions. Roles on
every step, the reporter's phone seen by inspectors only, escaping, "Mở hồ sơ" from an article with
its story's copies, the version check between two editors, the workflow and the dossier."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import httpx
import pytest
from docx import Document

from presswatch.store import Store, users
from tests.support.webserver import Running, csrf_of, fill, login, serve

SCRIPT = "<script>window.pwned=1</script>"


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("cases-web") / "presswatch.db"
    ids = fill(db)
    with Store(db) as store:
        users.add_user(store, "inspector1", "inspector", "inspector-password-1")
    with serve(db, ids, cases_dir=str(db.parent / "files"), cases_attachment_max_bytes=200_000) as running:
        yield running


@pytest.fixture(scope="module")
def clients(web: Running) -> Iterator[dict[str, httpx.Client]]:
    opened = {name: login(web.url, name) for name in ("viewer1", "analyst1", "admin1")}
    opened["inspector1"] = login(web.url, "inspector1", "inspector-password-1")
    yield opened
    for client in opened.values():
        client.close()


def post(client: httpx.Client, path: str, data: dict[str, str], page: str | None = None) -> httpx.Response:
    html = client.get(page or "/cases").text
    return client.post(path, data={"csrf": csrf_of(html), **data})


def case_id_of(response: httpx.Response) -> int:
    assert response.status_code == 303, response.text[:500]
    match = re.match(r"/cases/(\d+)\?msg=", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def version_of(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match
    return match.group(1)


def test_a_phone_call_recorded_by_an_analyst_hides_the_phone_from_all_but_inspectors(
        web: Running, clients: dict[str, httpx.Client]) -> None:
    analyst, viewer, inspector = clients["analyst1"], clients["viewer1"], clients["inspector1"]
    assert post(viewer, "/cases/new", {"title": "x", "kind": "khac"}).status_code == 403
    response = post(analyst, "/cases/new", {
        "title": f"Phản ánh qua điện thoại {SCRIPT}", "kind": "sai-su-that", "origin": "phone",
        "summary": f"Người dân báo tin sai {SCRIPT}", "reporter_name": "Trần Thị B", "reporter_phone": "0987 654 321",
        "articles": str(web.ids["first"])}, page="/cases/new")
    case_id = case_id_of(response)
    for name, client in clients.items():
        page = client.get(f"/cases/{case_id}")
        assert page.status_code == 200
        assert SCRIPT not in page.text and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page.text
        assert ("0987 654 321" in page.text) == (name in ("inspector1", "admin1")), name
        assert ("Trần Thị B" in page.text) == (name in ("inspector1", "admin1")), name
        api = client.get(f"/api/cases/{case_id}").json()
        assert ("reporter" in api) == (name in ("inspector1", "admin1"))
        assert "0987 654 321" not in str(api["timeline"]) or name in ("inspector1", "admin1")
    listing = viewer.get("/cases", params={"state": "new"})
    assert listing.status_code == 200 and "Phản ánh qua điện thoại" in listing.text
    assert "0987" not in listing.text
    bad = post(analyst, "/cases/new", {"title": "Điện thoại sai", "kind": "khac", "origin": "phone",
                                       "reporter_phone": "gọi tôi"},
               page="/cases/new")
    assert bad.status_code == 400 and "số điện thoại" in bad.text and 'value="Điện thoại sai"' in bad.text
    assert inspector.get("/cases").status_code == 200


def test_open_from_an_article_attaches_the_storys_copies(web: Running, clients: dict[str, httpx.Client]) -> None:
    analyst, viewer = clients["analyst1"], clients["viewer1"]
    article_page = f"/article/{web.ids['copy']}"
    assert "Mở hồ sơ" in analyst.get(article_page).text
    assert 'id="open-case"' not in viewer.get(article_page).text
    assert post(viewer, f"/article/{web.ids['copy']}/case", {"kind": "khac"}, page=article_page).status_code == 403
    case_id = case_id_of(post(analyst, f"/article/{web.ids['copy']}/case", {"kind": "sai-su-that"},
                              page=article_page))
    data = analyst.get(f"/api/cases/{case_id}").json()
    assert {a["id"] for a in data["articles"]} == {web.ids["copy"], web.ids["copy2"]}
    assert data["origin"] == "analyst" and data["state"] == "new" and data["alert"] is None
    assert post(analyst, f"/article/{web.ids['copy']}/case", {"alert": "999999"}, page=article_page).status_code == 404
    assert f"/cases/{case_id}" in analyst.get(f"/article/{web.ids['copy2']}").text


def test_two_editors_never_lose_a_change(web: Running, clients: dict[str, httpx.Client]) -> None:
    analyst, inspector = clients["analyst1"], clients["inspector1"]
    case_id = case_id_of(post(analyst, "/cases/new",
                              {"title": "Hai người cùng sửa", "kind": "khac", "origin": "letter"}, page="/cases/new"))
    page_a = analyst.get(f"/cases/{case_id}").text
    page_i = inspector.get(f"/cases/{case_id}").text
    first = analyst.post(f"/cases/{case_id}/edit", data={"csrf": csrf_of(page_a), "version": version_of(page_a),
                                                          "title": "Tiêu đề của chuyên viên", "kind": "khac"})
    assert first.status_code == 303
    second = inspector.post(f"/cases/{case_id}/edit", data={
        "csrf": csrf_of(page_i), "version": version_of(page_i), "title": "Hai người cùng sửa", "kind": "khac",
        "summary": "Ghi chú của thanh tra"})
    assert second.status_code == 409
    assert "đã được thay đổi bởi analyst1" in second.text and "Ghi chú của thanh tra" in second.text
    data = inspector.get(f"/api/cases/{case_id}").json()
    assert data["title"] == "Tiêu đề của chuyên viên" and data["summary"] == ""
    # The API says the same with 409.
    stale = inspector.post(f"/api/cases/{case_id}", json={"version": 1, "changes": {"summary": "x"}},
                           headers={"X-CSRF-Token": csrf_of(page_i)})
    assert stale.status_code == 409 and "analyst1" in stale.json()["error"]


def test_the_workflow_by_role_and_the_dossier(web: Running, clients: dict[str, httpx.Client]) -> None:
    analyst, inspector, viewer = clients["analyst1"], clients["inspector1"], clients["viewer1"]
    case_id = case_id_of(post(analyst, "/cases/new", {
        "title": "Quy trình đầy đủ", "kind": "sai-su-that", "origin": "phone", "reporter_phone": "0912000111",
        "articles": str(web.ids["first"])}, page="/cases/new"))
    page = analyst.get(f"/cases/{case_id}").text
    assert "→ đang xác minh" in page and "→ đã đóng" not in page  # analysts see only their moves
    moved = analyst.post(f"/cases/{case_id}/state", data={"csrf": csrf_of(page), "version": version_of(page),
                                                           "to": "verifying"})
    assert moved.status_code == 303
    page = analyst.get(f"/cases/{case_id}").text
    assert analyst.post(f"/cases/{case_id}/conclusion", data={
        "csrf": csrf_of(page), "version": version_of(page), "conclusion": "false", "reasoning": "x"}).status_code == 403
    page = inspector.get(f"/cases/{case_id}").text
    concluded = inspector.post(f"/cases/{case_id}/conclusion", data={
        "csrf": csrf_of(page), "version": version_of(page), "conclusion": "false",
        "reasoning": "UBND xã xác nhận không có sự việc."})
    assert concluded.status_code == 303
    fine = post(inspector, f"/cases/{case_id}/actions", {"kind": "fine", "on_day": "2026-12-05",
                                                         "legal_basis": "Nghị định 119/2020/NĐ-CP"})
    assert fine.status_code == 400 and "số quyết định" in fine.text
    assert post(inspector, f"/cases/{case_id}/actions", {"kind": "takedown", "on_day": "2026-12-05",
                                                         "note": "Công văn số 12"}).status_code == 303
    data = viewer.get(f"/api/cases/{case_id}").json()
    assert (data["state"], data["conclusion"]) == ("acting", "false")
    assert [a["kind"] for a in data["actions"]] == ["takedown"]
    fields = [entry["field"] for entry in data["timeline"]]
    assert fields.count("state") == 4 and "conclusion" in fields and "action" in fields
    assert viewer.get(f"/cases/{case_id}/dossier.docx").status_code == 403
    for client, personal in ((analyst, False), (inspector, True)):
        docx = client.get(f"/cases/{case_id}/dossier.docx", params={"personal": "1"})
        assert docx.status_code == 200 and docx.headers["content-type"].startswith("application/vnd.openxml")
        document = Document(io.BytesIO(docx.content))
        text = "\n".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for r in t.rows for c in r.cells])
        assert "Quy trình đầy đủ" in text and "sai sự thật" in text and "yêu cầu gỡ bỏ" in text
        assert ("0912000111" in text) == personal


def test_the_json_api_needs_csrf_and_answers_counts(web: Running, clients: dict[str, httpx.Client]) -> None:
    analyst = clients["analyst1"]
    token = csrf_of(analyst.get("/cases").text)
    body = {"title": "Qua API", "kind": "khac", "articles": [web.ids["first"]], "links": ["https://example.vn/p/1"]}
    assert analyst.post("/api/cases", json=body).status_code == 403
    created = analyst.post("/api/cases", json=body, headers={"X-CSRF-Token": token})
    assert created.status_code == 201 and created.json()["origin"] == "api"
    assert re.fullmatch(r"\d+/\d{4}", created.json()["number"])
    wrong = analyst.post("/api/cases", json={"title": "x", "kind": "khong-co"}, headers={"X-CSRF-Token": token})
    assert wrong.status_code == 400 and "config/cases.yaml" in wrong.json()["error"]
    listing = analyst.get("/api/cases", params={"kind": "khac"}).json()
    assert listing["total"] >= 1 and all(case["kind"] == "khac" for case in listing["cases"])
    assert sum(listing["by_state"].values()) >= listing["total"]
    assert analyst.get("/api/cases/999999").status_code == 404


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_attachments_are_uploaded_checked_and_downloaded(web: Running, clients: dict[str, httpx.Client]) -> None:
    analyst, viewer = clients["analyst1"], clients["viewer1"]
    case_id = case_id_of(post(analyst, "/cases/new", {"title": "Có tệp đính kèm", "kind": "khac", "origin": "letter"},
                              page="/cases/new"))
    token = csrf_of(analyst.get(f"/cases/{case_id}").text)

    def upload(client: httpx.Client, name: str, data: bytes, kind: str = "application/pdf") -> httpx.Response:
        return client.post(f"/cases/{case_id}/attachments", data={"csrf": token},
                           files={"file": (name, data, kind)})

    assert upload(viewer, "cong-van.pdf", PDF).status_code == 403
    done = upload(analyst, "công văn số 12.pdf", PDF)
    assert done.status_code == 303
    page = analyst.get(f"/cases/{case_id}").text
    assert "công văn số 12.pdf" in page
    sha = re.search(rf"/cases/{case_id}/attachments/([0-9a-f]{{64}})", page)
    assert sha
    download = analyst.get(f"/cases/{case_id}/attachments/{sha.group(1)}")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf" and "attachment" in download.headers[
        "content-disposition"]
    assert viewer.get(f"/cases/{case_id}/attachments/{sha.group(1)}").status_code == 403
    fake = upload(analyst, "thu.pdf", b"<html><script>alert(1)</script></html>", "application/pdf")
    assert fake.status_code == 400 and "theo nội dung" in fake.text
    big = upload(analyst, "lon.pdf", PDF + b"0" * 300_000)
    assert big.status_code == 413
    over = upload(analyst, "hon-gioi-han.pdf", PDF + b"0" * 220_000)  # under the body cap, over the file limit
    assert over.status_code == 400 and "quá lớn" in over.text
    # Other forms still refuse files.
    assert analyst.post("/cases/new", data={"csrf": token, "title": "x"},
                        files={"file": ("a.pdf", PDF, "application/pdf")}).status_code == 400


def test_the_json_api_takes_attachments_with_the_forms_checks(web: Running,
                                                             clients: dict[str, httpx.Client]) -> None:
    """``POST /api/cases/ID/attachments``: multipart, the CSRF header, analysts, the same content and
    size checks as the page's form (and the same body cap), an identical file the same attachment."""
    analyst, viewer = clients["analyst1"], clients["viewer1"]
    token = csrf_of(analyst.get("/cases").text)
    headers = {"X-CSRF-Token": token}
    case_id = analyst.post("/api/cases", json={"title": "Tệp qua API", "kind": "khac"}, headers=headers).json()["id"]
    path = f"/api/cases/{case_id}/attachments"

    def upload(client: httpx.Client, data: bytes, name: str = "bien-ban.pdf",
               csrf: dict[str, str] | None = None) -> httpx.Response:
        return client.post(path, files={"file": (name, data, "application/pdf")},
                           headers=headers if csrf is None else csrf)

    done = upload(analyst, PDF, "biên bản <b>1</b>.pdf")
    assert done.status_code == 201, done.text
    kept = done.json()
    assert kept["mime"] == "application/pdf" and kept["size"] == len(PDF) and len(kept["sha256"]) == 64
    assert upload(analyst, PDF).json()["id"] == kept["id"]  # the same file: the same attachment
    shown = analyst.get(f"/api/cases/{case_id}").json()["attachments"]
    assert [a["sha256"] for a in shown] == [kept["sha256"]]
    assert analyst.get(f"/cases/{case_id}/attachments/{kept['sha256']}").content == PDF
    assert upload(analyst, PDF, csrf={}).status_code == 403  # no CSRF header
    viewer_token = csrf_of(viewer.get("/cases").text)
    assert upload(viewer, PDF, csrf={"X-CSRF-Token": viewer_token}).status_code == 403
    fake = upload(analyst, b"<html><script>alert(1)</script></html>")
    assert fake.status_code == 400 and "theo nội dung" in fake.json()["error"]
    assert upload(analyst, PDF + b"0" * 220_000).json()["error"].startswith("tệp 'bien-ban.pdf' quá lớn")
    assert upload(analyst, PDF + b"0" * 300_000).status_code == 413  # over the body cap: not read
    assert analyst.post(path, json={"file": "x"}, headers=headers).status_code == 400  # JSON is no file
    missing = analyst.post("/api/cases/999999/attachments", files={"file": ("a.pdf", PDF, "application/pdf")},
                           headers=headers)
    assert missing.status_code == 404
    two = analyst.post(path, files=[("file", ("a.pdf", PDF, "application/pdf")),
                                    ("file", ("b.pdf", PDF, "application/pdf"))], headers=headers)
    assert two.status_code == 400
