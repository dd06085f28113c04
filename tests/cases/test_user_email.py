"""Users' e-mail addresses (where the cases' reminders go), on a real SQLite store: set and removed
by ``presswatch users email`` and by the admin's user page over HTTP on a real server (CSRF, admin
only, a bad address refused with a Vietnamese error and escaped, nothing changed)."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest

from presswatch.cli import main
from presswatch.errors import UserError
from presswatch.store import Store, users
from tests.support.paths import CONFIG
from tests.support.webserver import csrf_of, fill, login, serve


def test_user_email_from_the_cli_and_checked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "u.db"
    with Store(db) as store:
        users.add_user(store, "hung", "inspector", "mat-khau-dai-2")
        with pytest.raises(UserError, match="không phải địa chỉ email"):
            users.set_email(store, "hung", "hung at laichau")
    base = ["--config", str(CONFIG), "--db", str(db), "users"]
    assert main([*base, "email", "hung", "hung@laichau.gov.vn"]) == 0
    assert main([*base, "email", "khong-co", "x@laichau.gov.vn"]) == 2
    assert main([*base, "list"]) == 0
    assert "email: hung@laichau.gov.vn" in capsys.readouterr().out
    assert main([*base, "email", "hung", ""]) == 0
    with Store(db) as store:
        assert [u.email for u in users.list_users(store)] == [None]


def test_user_email_from_the_admin_page(tmp_path: Path) -> None:
    db = tmp_path / "w.db"
    ids = fill(db, count=12)
    with serve(db, ids) as web, closing(login(web.url, "admin1")) as admin, \
            closing(login(web.url, "analyst1")) as analyst:
        page = admin.get("/users")
        token = csrf_of(page.text)
        assert 'action="/users/analyst1/email"' in page.text
        saved = admin.post("/users/analyst1/email", data={"csrf": token, "email": " lan@laichau.gov.vn "})
        assert saved.status_code == 303
        shown = admin.get(saved.headers["location"]).text
        assert "Đã lưu email của analyst1." in shown and 'value="lan@laichau.gov.vn"' in shown
        bad = admin.post("/users/analyst1/email", data={"csrf": token, "email": '"><b>x</b>@x'})
        assert bad.status_code == 400 and "không phải địa chỉ email hợp lệ" in bad.text
        assert "<b>x</b>" not in bad.text  # escaped
        assert admin.post("/users/analyst1/email", data={"email": "x@laichau.gov.vn"}).status_code == 403  # no CSRF
        assert admin.post("/users/khong-co/email", data={"csrf": token, "email": "x@laichau.gov.vn"}).status_code == 400
        refused = analyst.post("/users/analyst1/email",
                               data={"csrf": csrf_of(analyst.get("/").text), "email": "x@laichau.gov.vn"})
        assert refused.status_code == 403
        with Store(db) as store:
            assert {u.name: u.email for u in users.list_users(store)}["analyst1"] == "lan@laichau.gov.vn"
        removed = admin.post("/users/analyst1/email", data={"csrf": token, "email": ""})
        assert removed.status_code == 303
    with Store(db) as store:
        assert {u.name: u.email for u in users.list_users(store)}["analyst1"] is None
