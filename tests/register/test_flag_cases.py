"""A register flag opens a case, and cases name outlets of the register (the shell's join of the
two sibling packages), over HTTP on a real server and through the CLI, on a real SQLite store:
an inspector opens the case of a flagged outlet-month (kind, origin, outlet, articles, values),
a second click and the command find that case instead of making another, an analyst may not open
one, the case page links to the register entry and the entry lists its cases; an outlet is picked
from the register on the case page, an unknown licence is refused."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from cases import reads
from cases.model import Filters
from presswatch.cli import main
from presswatch.store import Store, users
from register import tables
from register.model import Outlet
from tests.support.paths import CONFIG
from tests.support.webserver import Running, csrf_of, fill, login, serve


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped configuration with the fixture's site as a source, its indicators flagged from one item."""
    directory = tmp_path_factory.mktemp("flag-config") / "config"
    shutil.copytree(CONFIG, directory)
    text = (directory / "register.yaml").read_text(encoding="utf-8")
    (directory / "register.yaml").write_text(text.replace("min_items: 20", "min_items: 1"), encoding="utf-8")
    with (directory / "sources.yaml").open("a", encoding="utf-8") as sources:  # the site the fixture stores
        sources.write('\n  - id: tin-tay-bac\n    name: "Trang tin Tây Bắc"\n    kind: info_site\n    type: feed\n'
                      '    urls: [https://tintaybac.example/rss]\n    enabled: false\n')
    return directory


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, config_dir: Path) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("flag-web") / "presswatch.db"
    ids = fill(db, count=12)
    with Store(db) as store:
        users.add_user(store, "inspector1", "inspector", "inspector-password-1")
        with store.transaction() as conn:
            tables.save_outlets(conn, [
                Outlet("01/GP", "Báo Lai Châu", "bao_dien_tu", sources=("baolaichau-thoi-su",)),
                Outlet("03/GP", "Trang tin <b>Tây Bắc</b>", "trang_ttth", sources=("tin-tay-bac",)),
            ], "cli:test")
    with serve(db, ids, config_dir=config_dir) as running:
        yield running


def register_id(web: Running, licence: str) -> int:
    with Store(web.db) as store, store.transaction() as conn:
        found = tables.outlet(conn, licence)
    assert found is not None and found.id is not None
    return found.id


def test_a_flag_opens_one_case_linked_to_the_register(web: Running, config_dir: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    with closing(login(web.url, "analyst1")) as analyst:
        page = analyst.get("/register/indicators", params={"month": "2026-11"})
        assert "vượt ngưỡng" in page.text and 'action="/register/indicators/case"' not in page.text
        refused = analyst.post("/register/indicators/case",
                               data={"csrf": csrf_of(page.text), "month": "2026-11", "licence": "03/GP"})
        assert refused.status_code == 403
    with closing(login(web.url, "inspector1", "inspector-password-1")) as inspector:
        page = inspector.get("/register/indicators", params={"month": "2026-11"})
        assert page.text.count('action="/register/indicators/case"') == 1  # the flagged site only
        form = {"csrf": csrf_of(page.text), "month": "2026-11", "licence": "03/GP"}
        opened = inspector.post("/register/indicators/case", data=form)
        assert opened.status_code == 303
        case_path = opened.headers["location"].split("?")[0]
        case_id = int(case_path.rsplit("/", 1)[1])
        again = inspector.post("/register/indicators/case", data=form)
        assert again.status_code == 303 and again.headers["location"].split("?")[0] == case_path
        shown = inspector.get(again.headers["location"]).text
        assert "đã được mở cho chỉ số này từ trước" in shown
        # The case page links to the register entry (the name escaped).
        entry = register_id(web, "03/GP")
        assert f'<a href="/register/outlets/{entry}">Trang tin &lt;b&gt;Tây Bắc&lt;/b&gt;</a>' in shown
        assert "chỉ số tuân thủ (sổ đăng ký báo chí)" in shown  # the origin
        api = inspector.get(f"/api/cases/{case_id}").json()
        assert [o["licence_no"] for o in api["registered_outlets"]] == ["03/GP"]
        # The indicators page now links to the case instead of offering to open another.
        page = inspector.get("/register/indicators", params={"month": "2026-11"}).text
        assert f'href="/cases/{case_id}">Hồ sơ 1/' in page and 'action="/register/indicators/case"' not in page
        # The register entry lists its case.
        outlet_page = inspector.get(f"/register/outlets/{entry}").text
        assert re.search(rf'<a href="/cases/{case_id}">1/\d{{4}}</a>', outlet_page)
        # A month without a flag, or an outlet not checked, opens nothing.
        calm = inspector.post("/register/indicators/case", data={**form, "month": "2026-05"})
        assert calm.status_code == 400 and "không có chỉ số nào vượt ngưỡng" in calm.text
        assert inspector.post("/register/indicators/case", data={**form, "licence": "01/GP"}).status_code == 404
    with Store(web.db) as store:
        file = reads.case_file(store.db, case_id)
        total = reads.list_cases(store.db, Filters(), date.today()).total
    assert file is not None and total == 1
    case = file.case
    assert (case.kind, case.origin, case.created_by) == ("ton-chi-muc-dich", "register", "inspector1")
    assert [(o.licence_no, o.name) for o in file.registered] == [("03/GP", "Trang tin <b>Tây Bắc</b>")]
    # The flagged indicators' articles: the copy the site published without naming Báo Lai Châu, and
    # its three items the genre detector calls news reports.
    assert sorted(a.article_id for a in file.articles) == sorted(web.ids[k] for k in ("copy2", "payload", "formula"))
    assert "Tỷ lệ đăng lại không ghi nguồn" in case.summary and "VƯỢT NGƯỠNG" in case.summary
    assert "Tỷ lệ tin tức (báo hóa)" in case.summary  # every indicator's value, flagged or not
    # The command finds the same case; it needs an inspector's account.
    base = ["--config", str(config_dir), "--db", str(web.db), "register", "indicators", "--month", "2026-11"]
    assert main([*base, "--open-case", "03/GP", "--as", "inspector1"]) == 0
    assert f"Hồ sơ {case.number} đã được mở cho chỉ số này từ trước" in capsys.readouterr().out
    assert main([*base, "--open-case", "03/GP"]) == 2
    assert main([*base, "--open-case", "03/GP", "--as", "analyst1"]) == 2
    assert "chỉ thanh tra hoặc quản trị" in capsys.readouterr().err
    assert main(base) == 0
    assert f"— hồ sơ vụ việc {case.number}" in capsys.readouterr().out


def test_a_case_picks_its_outlet_from_the_register(web: Running) -> None:
    with closing(login(web.url, "analyst1")) as analyst:
        form = analyst.get("/cases/new").text
        made = analyst.post("/cases/new", data={"csrf": csrf_of(form), "title": "Phản ánh qua điện thoại",
                                                "kind": "khac", "origin": "phone",
                                                "outlets": "fanpage Tin nóng Lai Châu"})
        assert made.status_code == 303
        path = made.headers["location"].split("?")[0]
        page = analyst.get(path).text
        assert 'id="outlet-link"' in page and '<option value="01/GP">Báo Lai Châu (GP 01/GP)</option>' in page
        assert "fanpage Tin nóng Lai Châu" in page  # free text still there for pages not in the register
        linked = analyst.post(f"{path}/outlets", data={"csrf": csrf_of(page), "op": "add", "licence": "01/GP"})
        assert linked.status_code == 303
        page = analyst.get(path).text
        entry = register_id(web, "01/GP")
        assert f'<a href="/register/outlets/{entry}">Báo Lai Châu</a>' in page
        assert '<option value="01/GP">' not in page  # offered once
        unknown = analyst.post(f"{path}/outlets", data={"csrf": csrf_of(page), "op": "add", "licence": "99/GP"})
        assert unknown.status_code == 400
        assert "không có cơ quan giấy phép &#39;99/GP&#39; trong sổ đăng ký" in unknown.text
        assert path.rsplit("/", 1)[1] in analyst.get(f"/register/outlets/{entry}").text
        removed = analyst.post(f"{path}/outlets", data={"csrf": csrf_of(page), "op": "remove", "licence": "01/GP"})
        assert removed.status_code == 303
        assert f'<a href="/register/outlets/{entry}">' not in analyst.get(path).text
    case_id = int(path.rsplit("/", 1)[1])
    with Store(web.db) as store:
        file = reads.case_file(store.db, case_id)
    assert file is not None and file.registered == []
    assert [(e.field, e.before, e.after) for e in file.audit if e.field == "outlet"] == [
        ("outlet", None, "01/GP Báo Lai Châu"), ("outlet", "01/GP Báo Lai Châu", None)]
