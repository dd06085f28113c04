"""The web UI and JSON API over HTTP: a real uvicorn server on 127.0.0.1, a real SQLite store of
analysed articles, plain httpx requests. Authentication, roles, CSRF, rate limit, escaping,
search, article, annotations, exports, saved searches, dashboard and health pages."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import yaml
from openpyxl import load_workbook
from starlette.routing import Mount, Route

from presswatch.cli import main
from presswatch.config import load_config
from presswatch.store import Store
from presswatch.web.openapi import SPEC
from tests.support.webserver import CONFIG, FORMULA_TITLE, Running, csrf_of, fill, login, serve


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("web") / "presswatch.db"
    ids = fill(db)
    with serve(db, ids) as running:
        yield running


def _routes(web: Running) -> list[tuple[str, str]]:
    out = []
    for route in web.app.routes:  # type: ignore[attr-defined]
        if isinstance(route, Mount):
            assert route.path == "/static", route.path  # the only mount: stylesheet, no data
            continue
        assert isinstance(route, Route)
        for method in sorted((route.methods or set()) - {"HEAD"}):
            out.append((method, re.sub(r"\{id:int\}", "1", route.path)))
    return out


def test_anonymous_requests_are_refused_on_every_route(web: Running) -> None:
    routes = _routes(web)
    assert len(routes) >= 25
    with httpx.Client(base_url=web.url, follow_redirects=False) as anonymous:
        for method, path in routes:
            if path == "/login":
                continue
            response = anonymous.request(method, path, data={"csrf": "x"} if method == "POST" else None)
            if path.startswith("/api/"):
                assert response.status_code == 401, (method, path)
                assert response.json() == {"error": "Cần đăng nhập."}
            else:
                assert response.status_code == 302, (method, path)
                assert response.headers["location"].startswith("/login?next="), (method, path)
        assert anonymous.get("/static/style.css").status_code == 200


def test_login_sets_a_strict_httponly_cookie_and_logout_ends_the_session(web: Running) -> None:
    client = login(web.url, "viewer1")
    cookie = next(v for k, v in client.get("/login").headers.multi_items() if k == "set-cookie")
    assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    token = client.cookies["presswatch_session"]
    home = client.get("/")
    assert home.status_code == 200 and "viewer1" in home.text
    assert client.post("/logout", data={"csrf": csrf_of(home.text)}).status_code == 303
    with httpx.Client(base_url=web.url, cookies={"presswatch_session": token}) as replay:
        assert replay.get("/").status_code == 302  # the session row is gone, not only the cookie
    client.close()


def test_secure_cookie_setting_session_expiry_and_local_redirects_only(tmp_path: Path) -> None:
    db = tmp_path / "short.db"
    with Store(db) as store:
        from presswatch.store import users

        users.add_user(store, "viewer1", "viewer", "viewer-password-1")
    # 3 s sessions (expiry stored to the second, rounded up: they last 3 to 4 s), long enough for the
    # first requests on a busy machine.
    with serve(db, {}, web_secure_cookies=True, session_hours=3 / 3600) as short:
        with httpx.Client(base_url=short.url) as client:
            page = client.get("/login", params={"next": "//evil.example/x"})
            login_cookie = page.headers["set-cookie"]
            assert "; secure" in login_cookie.lower()  # so httpx will not send it over http: send it by hand
            response = client.post("/login", data={"username": "viewer1", "password": "viewer-password-1",
                                                   "csrf": csrf_of(page.text), "next": "//evil.example/x"},
                                   headers={"cookie": login_cookie.split(";")[0]})
            assert response.status_code == 303 and response.headers["location"] == "/"
            cookie = next(v for k, v in response.headers.multi_items()
                          if k == "set-cookie" and v.startswith("presswatch_session="))
            assert "; secure" in cookie.lower()
            token = cookie.split(";")[0].split("=", 1)[1]
        with httpx.Client(base_url=short.url, cookies={"presswatch_session": token}) as replay:
            assert replay.get("/help").status_code == 200
            time.sleep(4.2)
            assert replay.get("/help").status_code == 302  # expired on the server, whatever the cookie says


def test_wrong_password_and_missing_login_csrf_are_refused(web: Running) -> None:
    with httpx.Client(base_url=web.url) as client:
        page = client.get("/login")
        wrong = client.post("/login", data={"username": "viewer1", "password": "nope-nope-nope",
                                            "csrf": csrf_of(page.text)})
        assert wrong.status_code == 401 and "không đúng" in wrong.text
        client.cookies.clear()
        forged = client.post("/login", data={"username": "viewer1", "password": "viewer-password-1", "csrf": "x"})
        assert forged.status_code == 403 and "presswatch_session" not in client.cookies


def test_login_is_rate_limited_per_user_and_address(web: Running) -> None:
    with Store(web.db) as store:
        from presswatch.store import users

        users.add_user(store, "limited1", "viewer", "limited-password-1")
    with httpx.Client(base_url=web.url) as client:
        for _ in range(5):
            page = client.get("/login")
            response = client.post("/login", data={"username": "limited1", "password": "wrong-password",
                                                   "csrf": csrf_of(page.text)})
            assert response.status_code == 401
        page = client.get("/login")
        blocked = client.post("/login", data={"username": "limited1", "password": "limited-password-1",
                                              "csrf": csrf_of(page.text)})
        assert blocked.status_code == 429
        assert "quá nhiều lần" in blocked.text and "presswatch_session" not in client.cookies
    login(web.url, "viewer1").close()  # another user from the same address is not locked out


def test_security_headers(viewer: httpx.Client) -> None:
    response = viewer.get("/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'none'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"


def test_folded_search_highlights_accented_matches(viewer: httpx.Client) -> None:
    page = viewer.get("/", params={"q": "Muong Te"})
    assert page.status_code == 200
    assert re.search(r"<strong>\d+</strong> kết quả", page.text)
    assert "<mark>Mường Tè</mark>" in page.text
    assert '<svg class="chart"' in page.text  # results per day
    api = viewer.get("/api/search", params={"q": "Muong Te"}).json()
    assert api["total"] >= 3 and all(isinstance(h["id"], int) for h in api["hits"])
    assert "Mường Tè" in api["hits"][0]["snippet"]
    assert {"source", "topic", "sentiment", "place"} <= set(api["facets"])


def test_filters_narrow_and_facets_count(viewer: httpx.Client) -> None:
    everything = viewer.get("/api/search", params={"q": "Lai Chau"}).json()
    facet = dict(everything["facets"]["kind"])
    assert facet["social"] == 2  # the payload and formula articles
    social = viewer.get("/api/search", params={"q": "Lai Chau", "kind": "social"}).json()
    assert social["total"] == 2 and {h["kind"] for h in social["hits"]} == {"social"}
    dated = viewer.get("/api/search", params={"q": "Lai Chau", "since": "2026-11-19", "until": "2026-11-19",
                                              "sort": "date"}).json()
    days = {h["dated"][:10] for h in dated["hits"]}
    assert dated["total"] and days <= {"2026-11-18", "2026-11-19"}  # 19/11 in Vietnam time, stored in UTC
    page = viewer.get("/", params={"q": "Lai Chau", "kind": "social"})
    assert f"<strong>{social['total']}</strong> kết quả" in page.text


def test_facets_are_left_out_above_the_configured_number_of_matches(web: Running) -> None:
    with serve(web.db, web.ids, web_facet_max_hits=5) as capped:
        client = login(capped.url, "viewer1")
        broad = client.get("/api/search", params={"q": "Lai Chau"}).json()
        assert broad["total"] > 5 and "facets" not in broad and "facets_omitted" in broad
        assert len(broad["hits"]) == min(20, broad["total"])
        page = client.get("/", params={"q": "Lai Chau"}).text
        assert "thu hẹp" in page and '<svg class="chart"' not in page
        narrow = client.get("/api/search", params={"q": "Muong Te"}).json()
        assert narrow["total"] <= 5 and narrow["facets"]["source"] and narrow["per_day"]
        client.close()


def test_pagination_and_sort_by_date(viewer: httpx.Client) -> None:
    wanted = {"source": "baolaichau-thoi-su", "sort": "date"}
    first = viewer.get("/api/search", params=wanted).json()
    second = viewer.get("/api/search", params={**wanted, "page": "2"}).json()
    assert first["total"] > 20 and len(first["hits"]) == 20
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    dates = [h["dated"] for h in first["hits"] + second["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert "page=2" in viewer.get("/", params=wanted).text


def test_malformed_query_shows_its_position(viewer: httpx.Client) -> None:
    page = viewer.get("/", params={"q": 'sạt lở "Lai Châu'})
    assert page.status_code == 200 and "Truy vấn không hợp lệ" in page.text
    assert 'sạt lở <span class="caret">▶</span>&#34;Lai Châu' in page.text
    api = viewer.get("/api/search", params={"q": 'sạt lở "Lai Châu'})
    assert api.status_code == 400 and api.json()["position"] == 8  # counted from 1, as the CLI shows it
    assert api.json()["error"].endswith("(vị trí 8)")
    assert viewer.get("/api/search").status_code == 400


def test_article_page_shows_text_evidence_and_same_story(web: Running, viewer: httpx.Client) -> None:
    article_id = web.ids["copy"]
    page = viewer.get(f"/article/{article_id}")
    assert page.status_code == 200
    assert 'href="https://baolaichau.example/bai-' in page.text and 'rel="noopener noreferrer nofollow"' in page.text
    assert f'href="/article/{web.ids["copy2"]}"' in page.text  # the other outlet's copy
    data = viewer.get(f"/api/articles/{article_id}").json()
    assert data["text"][:40] in page.text.replace("\n", " ") or data["text"][:20] in page.text
    assert [o["id"] for o in data["same_story"]] == [web.ids["copy2"]]
    evidence = data["analysis"]["evidence"]
    assert data["relevance"] in ("about", "mention")
    for item in evidence["relevance"][:3]:
        assert item["text"] in page.text
    for topic in evidence["topics"].values():
        assert topic["label"] in page.text
    assert viewer.get("/article/999999").status_code == 404
    assert viewer.get("/api/articles/999999").status_code == 404


def test_viewer_cannot_annotate_and_csrf_is_checked(web: Running, viewer: httpx.Client,
                                                    analyst: httpx.Client) -> None:
    article_id = web.ids["first"]
    viewer_csrf = csrf_of(viewer.get(f"/article/{article_id}").text)
    denied = viewer.post(f"/article/{article_id}/tags", data={"csrf": viewer_csrf, "tag": "x"})
    assert denied.status_code == 403
    assert viewer.post(f"/api/articles/{article_id}/tags", json={"tag": "x"},
                       headers={"x-csrf-token": viewer_csrf}).status_code == 403
    for route in ("/export.csv?q=lai", "/export.xlsx?q=lai"):
        assert viewer.get(route).status_code == 403
    assert analyst.post(f"/article/{article_id}/tags", data={"tag": "no-csrf"}).status_code == 403
    assert analyst.post(f"/article/{article_id}/tags", data={"tag": "bad", "csrf": viewer_csrf}).status_code == 403
    assert analyst.post(f"/api/articles/{article_id}/tags", json={"tag": "no-header"}).status_code == 403
    tags = analyst.get(f"/api/articles/{article_id}").json()["tags"]
    assert not {"no-csrf", "bad", "no-header", "x"} & set(tags)


def test_analyst_tags_notes_and_marks_for_verification(web: Running, analyst: httpx.Client,
                                                       viewer: httpx.Client) -> None:
    article_id = web.ids["first"]
    csrf = csrf_of(analyst.get(f"/article/{article_id}").text)
    assert analyst.post(f"/article/{article_id}/tags", data={"csrf": csrf, "tag": "Sạt lở"}).status_code == 303
    assert analyst.post(f"/article/{article_id}/notes", data={"csrf": csrf, "note": "Gọi <b>xã</b> xác minh"}
                        ).status_code == 303
    assert analyst.post(f"/article/{article_id}/verification", data={"csrf": csrf, "needed": "1"}).status_code == 303
    response = analyst.post(f"/api/articles/{article_id}/tags", json={"tag": "ưu tiên"}, headers={"x-csrf-token": csrf})
    assert response.status_code == 201
    assert analyst.post(f"/api/articles/{article_id}/notes", json={"body": "  "},
                        headers={"x-csrf-token": csrf}).status_code == 400
    assert analyst.post("/api/articles/999999/tags", json={"tag": "x"}, headers={"x-csrf-token": csrf}
                        ).status_code == 404
    data = viewer.get(f"/api/articles/{article_id}").json()
    assert {"sạt lở", "ưu tiên"} <= set(data["tags"]) and data["needs_verification"] is True
    assert data["notes"][-1]["body"] == "Gọi <b>xã</b> xác minh" and data["notes"][-1]["user"] == "analyst1"
    page = viewer.get(f"/article/{article_id}").text
    assert "Gọi &lt;b&gt;xã&lt;/b&gt; xác minh" in page and "Cần xác minh" in page
    assert "cần xác minh" in viewer.get("/", params={"q": "Lai Chau", "sort": "date", "page": "2"}).text + \
        viewer.get("/", params={"q": "Lai Chau", "sort": "date"}).text
    assert analyst.post(f"/api/articles/{article_id}/verification", json={"needs_verification": False},
                        headers={"x-csrf-token": csrf}).json() == {"needs_verification": False}


def test_export_csv_and_xlsx_hold_the_result_set(web: Running, analyst: httpx.Client) -> None:
    total = analyst.get("/api/search", params={"q": "Lai Chau"}).json()["total"]
    days = {_vietnam_day()}
    response = analyst.get("/export.csv", params={"q": "Lai Chau"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:5] == ["Mã", "Ngày", "Nguồn", "Loại nguồn", "Tiêu đề"] and len(table) == total + 1
    formula = next(row for row in table if row[0] == str(web.ids["formula"]))
    assert formula[4] == "'" + FORMULA_TITLE  # inert in a spreadsheet
    xlsx = analyst.get("/export.xlsx", params={"q": "Lai Chau"})
    sheet = load_workbook(io.BytesIO(xlsx.content), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert len(rows) == total + 1 and rows[0][4] == "Tiêu đề"
    assert {row[0] for row in rows[1:]} == {int(row[0]) for row in table[1:]}
    # XLSX cells carry their type: the exact title, as a string cell, not a formula (nor an apostrophe).
    assert next(row for row in rows if row[0] == web.ids["formula"])[4] == FORMULA_TITLE
    cells = next(row for row in load_workbook(io.BytesIO(xlsx.content)).active.iter_rows()
                 if row[0].value == web.ids["formula"])
    assert cells[4].data_type == "s" and cells[4].value == FORMULA_TITLE
    assert analyst.get("/export.csv").status_code == 400
    days.add(_vietnam_day())  # the day may turn meanwhile
    name = response.headers["content-disposition"]
    assert any(name == f'attachment; filename="presswatch-{day}.csv"' for day in days), name


def _vietnam_day() -> str:
    return (datetime.now(UTC) + timedelta(hours=7)).date().isoformat()


@pytest.mark.parametrize(("moment", "name"), [
    (datetime(2026, 11, 20, 16, 59, 59, tzinfo=UTC), "presswatch-2026-11-20.xlsx"),  # 23:59:59 in Vietnam
    (datetime(2026, 11, 20, 17, 0, tzinfo=UTC), "presswatch-2026-11-21.xlsx"),  # 00:00, still the 20th in UTC
    (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "presswatch-2027-01-01.xlsx"),
])
def test_export_file_is_named_by_the_day_in_vietnam(moment: datetime, name: str) -> None:
    from presswatch.web.export import file_name

    assert file_name("xlsx", moment) == name


def test_crawled_markup_is_escaped_everywhere(web: Running, viewer: httpx.Client) -> None:
    pages = [viewer.get("/", params={"q": "thu nghiem"}).text, viewer.get(f"/article/{web.ids['payload']}").text,
             viewer.get("/sources").text]
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in pages[0] + pages[1]
    for html in pages:
        assert "<script" not in html.lower()
        assert not re.search(r"<[^>]*onerror=", html, re.I) and not re.search(r"<b onmouseover", html, re.I)
    assert "HTTP 503 &lt;b&gt;lỗi&lt;/b&gt;" in pages[2]
    api = viewer.get(f"/api/articles/{web.ids['payload']}")
    assert api.headers["content-type"] == "application/json" and "<script>" in api.json()["title"]


def test_saved_search_offers_an_alert_rule(analyst: httpx.Client, viewer: httpx.Client) -> None:
    csrf = csrf_of(analyst.get("/", params={"q": "sạt lở"}).text)
    response = analyst.post("/saved", params={"q": "sạt lở", "sentiment": "negative", "place": "Mường Tè"},
                            data={"csrf": csrf, "name": "Sạt lở tiêu cực ở Mường Tè"})
    assert response.status_code == 303
    page = viewer.get("/saved").text
    snippet = re.search(r"<pre>(.*?)</pre>", page, re.S)
    assert snippet
    rule = yaml.safe_load(snippet.group(1).replace("&#34;", '"').replace("&#39;", "'"))[0]
    assert rule["id"] == "sat-lo-tieu-cuc-o-muong-te" and rule["severity"] == "medium"
    assert rule["query"] == 'sạt lở sentiment:negative place:"Mường Tè"'
    check = viewer.get("/api/search", params={"q": rule["query"]})
    assert check.status_code == 200  # the saved query runs as typed
    bad = analyst.post("/saved", data={"csrf": csrf, "name": "hỏng", "query": '"Lai'})
    assert bad.status_code == 400
    assert viewer.post("/saved", data={"csrf": csrf_of(page), "name": "x", "query": "x"}).status_code == 403


def test_dashboard_and_source_health(viewer: httpx.Client) -> None:
    dashboard = viewer.get("/dashboard", params={"from": "2026-11-01", "to": "2026-11-30"})
    assert dashboard.status_code == 200 and dashboard.text.count('<svg class="chart"') >= 5
    assert "tin-tay-bac" in dashboard.text and "Báo Lai Châu" in dashboard.text
    assert re.search(r"<strong>4\d</strong> bài viết", dashboard.text)
    assert "Không có dữ liệu" in viewer.get("/dashboard", params={"from": "2020-01-01", "to": "2020-01-02"}).text
    health = viewer.get("/sources").text
    assert "1 nguồn đang lỗi" in health and "HTTP 503" in health


def test_admin_pages_and_openapi(web: Running, analyst: httpx.Client, admin: httpx.Client) -> None:
    assert analyst.get("/users").status_code == 403
    page = admin.get("/users")
    assert page.status_code == 200 and "analyst1" in page.text
    spec = analyst.get("/api/openapi.json").json()
    assert spec == SPEC and spec["openapi"].startswith("3.")
    api_routes = {path.replace("/1", "/{id}", 1) for _, path in _routes(web) if path.startswith("/api/")}
    assert api_routes == set(spec["paths"])
    texts = _descriptions(spec)
    assert len(texts) >= 30
    for text in texts:  # what /docs/api shows is in Vietnamese (field names and values stay as they are)
        assert re.search(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", text.lower()), text
    docs = analyst.get("/docs/api").text
    assert "Tìm bài viết" in docs and "Chưa đăng nhập" in docs and "Search articles" not in docs


def _descriptions(node: object) -> list[str]:
    if isinstance(node, dict):
        own = [value for key, value in node.items() if key in ("description", "summary") and isinstance(value, str)]
        return own + [text for value in node.values() for text in _descriptions(value)]
    if isinstance(node, list):
        return [text for value in node for text in _descriptions(value)]
    return []


def test_users_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "users.db"
    monkeypatch.setattr("sys.stdin", io.StringIO("mot-mat-khau-dai\n"))
    assert main(["--db", str(db), "users", "add", "lan", "--role", "viewer", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("ngan\n"))
    assert main(["--db", str(db), "users", "add", "minh", "--password-stdin"]) == 2
    assert main(["--db", str(db), "users", "list"]) == 0
    out = capsys.readouterr()
    assert "Đã tạo người dùng lan" in out.out and "ít nhất 10 ký tự" in out.err
    assert re.search(r"^lan\s+viewer", out.out, re.M) and "minh" not in out.out
    with Store(db) as store:
        stored = store.db.execute("SELECT password_hash FROM users WHERE name = 'lan'").fetchone()[0]
    assert stored.startswith("$argon2id$") and "mot-mat-khau-dai" not in stored


def test_an_unopenable_database_answers_500_in_vietnamese_instead_of_hanging(tmp_path: Path) -> None:
    with serve(tmp_path, {}) as broken, httpx.Client(base_url=broken.url, timeout=10) as client:
        page = client.get("/login")
        response = client.post("/login", data={"username": "x", "password": "y", "csrf": csrf_of(page.text)})
        assert response.status_code == 500 and "Lỗi máy chủ" in response.text
        assert client.get("/api/search", params={"q": "x"}).status_code == 500


def test_article_page_of_a_reader_comment_shows_engagement_and_its_article(web: Running,
                                                                            viewer: httpx.Client) -> None:
    from presswatch.config import load_analyzer
    from presswatch.models import Article
    from presswatch.store.articles import delete_articles

    analyzer = load_analyzer(Path(__file__).resolve().parents[2] / "config", with_entities=False)
    text = "Bọn quan chức <script>x()</script> ngu như bò, đường sạt lở mãi không sửa!"
    with Store(web.db) as store:
        parent = store.article(web.ids["first"])
        assert parent is not None
        comment_id = store.add_article(Article(
            url=parent.url + "#binh-luan-1", source_id="binh-luan", source_kind="social",
            title="Bình luận của <b>Lan</b> về: " + parent.title, text=text,
            author="<b>Lan</b>", content_type="comment", engagement={"likes": 1234, "comments": 2},
            parent_url=parent.url, analysis=analyzer.analyze("", text, comment=True)))
    try:
        page = viewer.get(f"/article/{comment_id}")
        parent_page = viewer.get(f"/article/{parent.id}")
    finally:  # the module's other tests count the fixture's articles
        with Store(web.db) as store, store.transaction() as db:
            delete_articles(db, [comment_id])
    assert page.status_code == 200
    assert "bình luận của bạn đọc" in page.text and f'href="/article/{parent.id}">bài báo gốc' in page.text
    assert "lượt thích: 1.234 · bình luận: 2" in page.text
    assert "<b>Lan</b>" not in page.text and "&lt;b&gt;Lan&lt;/b&gt;" in page.text
    assert "<script>x()" not in page.text
    assert '<span class="badge tox-hate">thù ghét</span>' in page.text and "ngu như bò" in page.text
    # Where a discussion turns hostile: the article lists its comments with their flags.
    assert "Bình luận của bạn đọc (1, 1 gay gắt)" in parent_page.text
    assert f'href="/article/{comment_id}"' in parent_page.text and "tox-hate" in parent_page.text


def test_locking_a_user_or_changing_the_password_ends_their_sessions(
        web: Running, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def cli(*args: str, password: str | None = None) -> int:
        if password is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        return main(["--db", str(web.db), "users", *args])

    def can_log_in(password: str) -> bool:
        with httpx.Client(base_url=web.url, follow_redirects=False, timeout=30) as client:
            page = client.get("/login")
            response = client.post("/login", data={"username": "thu", "password": password,
                                                   "csrf": csrf_of(page.text), "next": "/"})
            return response.status_code == 303

    def searches(client: httpx.Client) -> bool:
        return client.get("/api/search", params={"q": "Lai Châu"}).status_code == 200

    assert cli("add", "thu", "--role", "viewer", "--password-stdin", password="mat-khau-cu-123") == 0
    with closing(login(web.url, "thu", "mat-khau-cu-123")) as first:
        assert searches(first)
        assert cli("disable", "thu") == 0
        assert not searches(first)  # the live session ends at once
    assert not can_log_in("mat-khau-cu-123")  # and a new login is refused
    assert cli("list") == 0 and re.search(r"^thu\s+viewer.*đã khóa", capsys.readouterr().out, re.M)
    assert cli("enable", "thu") == 0
    with closing(login(web.url, "thu", "mat-khau-cu-123")) as second:
        assert searches(second)
        assert cli("passwd", "thu", "--password-stdin", password="mat-khau-moi-456") == 0
        assert not searches(second)  # whoever knew the old password is logged out
    assert not can_log_in("mat-khau-cu-123") and can_log_in("mat-khau-moi-456")
    assert cli("passwd", "thu", "--password-stdin", password="ngan") == 2
    assert cli("disable", "khong-co") == 2
    assert "không có người dùng 'khong-co'" in capsys.readouterr().err


def test_article_page_and_api_show_the_alerts_of_the_story(web: Running, viewer: httpx.Client) -> None:
    """The alerts table as inspectors see it: rule, severity, when, delivery state per channel; a
    syndicated copy shows the story's alert (raised by the first copy); an alert over the rule's
    hourly limit shows the hour's summary message."""
    from datetime import UTC, datetime

    from alerts import outbox
    from presswatch.config.alerts import ChannelTarget, Rule

    rules = load_config(CONFIG).alerts
    assert rules is not None and rules.rules
    named = rules.rules[0]  # a rule of the shipped config/alerts.yaml: the page shows its name
    hourly = Rule(id="mot-gio-mot-lan", name="Một lần mỗi giờ", severity="low", channels=["hook"], max_per_hour=1)
    hook = {"hook": ChannelTarget("hook", "webhook", "http://127.0.0.1:9/")}
    now = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    with Store(web.db) as store, store.transaction() as db:
        first = outbox.record(db, web.ids["copy"], [named.model_copy(update={"channels": ["hook"]})], hook, now)
        outbox.record(db, web.ids["copy2"], [named], hook, now)  # the other outlet's copy: counted, not resent
        row = db.execute("SELECT id FROM outbox WHERE alert_id = ?", (first[0].alert_id,)).fetchone()[0]
        outbox.started(db, row, now)
        outbox.delivered(db, row, now)
        outbox.record(db, web.ids["formula"], [hourly], hook, now)
        outbox.record(db, web.ids["payload"], [hourly], hook, now)  # over max_per_hour: the hour's summary
    copy = viewer.get(f"/api/articles/{web.ids['copy2']}").json()["alerts"]
    assert copy == [{"rule": named.id, "rule_name": named.name, "severity": named.severity,
                     "created": "2026-11-20T09:30:00Z", "copies": 2, "summary": False, "article": web.ids["copy"],
                     "deliveries": [{"channel": "hook", "status": "sent", "attempts": 1,
                                     "sent": "2026-11-20T09:30:00Z", "last_error": None}]}]
    page = viewer.get(f"/article/{web.ids['copy2']}").text
    assert "Cảnh báo đã phát" in page and named.name in page and "20/11/2026 16:30" in page
    assert f'phát từ <a href="/article/{web.ids["copy"]}">' in page and "2 bản" in page and "đã gửi" in page
    summary = viewer.get(f"/api/articles/{web.ids['payload']}").json()["alerts"]
    assert [(a["rule"], a["summary"], [d["status"] for d in a["deliveries"]]) for a in summary] == [
        ("mot-gio-mot-lan", True, ["pending"])]
    payload_page = viewer.get(f"/article/{web.ids['payload']}").text
    assert "Một lần mỗi giờ" not in payload_page  # not in config/alerts.yaml: its id is shown
    assert "mot-gio-mot-lan" in payload_page and "gộp vào bản tổng hợp theo giờ" in payload_page
    assert "đang chờ gửi" in payload_page and "mức thấp" in payload_page
    none = viewer.get(f"/api/articles/{web.ids['first']}").json()
    assert none["alerts"] == [] and "Chưa có quy tắc cảnh báo nào" in viewer.get(f"/article/{web.ids['first']}").text
