"""``presswatch register`` as an operator uses it, in-process on the shipped configuration and a
fresh database: import a workbook, list, export, publish the spokespeople, read the audit trail,
compute a month's indicators; a bad workbook exits 2, lists its problems and changes nothing."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from presswatch.cli import main
from presswatch.store.database import Store
from register.xlsx import OUTLET_COLUMNS, OUTLET_SHEET, SPOKESPERSON_COLUMNS, SPOKESPERSON_SHEET
from tests.support.paths import CONFIG


def workbook(path: Path, licence_date: object = datetime(2020, 5, 4)) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = OUTLET_SHEET
    ws.append([h for h, _, _ in OUTLET_COLUMNS])
    ws.append(["01/GP-BTTTT", "Báo Lai Châu", "báo điện tử", licence_date, "Tỉnh ủy Lai Châu", "Cơ quan ngôn luận",
               "chinh-tri; xa-hoi", "baolaichau.vn", "baolaichau-thoi-su; baolaichau-rss", "Phường Tân Phong"])
    ws.append(["99/GP-TTĐT", "Trang tin Tổng hợp X", "trang thông tin điện tử tổng hợp", None, "", "Tin văn hóa",
               "van-hoa-the-thao", "tinx.vn", "", ""])
    people = book.create_sheet(SPOKESPERSON_SHEET)
    people.append([h for h, _, _ in SPOKESPERSON_COLUMNS])
    people.append(["Tân Phong", "Xã, phường", "Lò Văn Minh", "Chủ tịch UBND phường", "0912 000 111",
                   "minh@laichau.gov.vn", datetime(2025, 7, 1), None, ""])
    book.save(path)
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(CONFIG), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_import_list_export_publish_audit_indicators(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(tmp_path / "p.db")]
    code, out, err = run(capsys, *db, "register", "import", str(workbook(tmp_path / "in.xlsx")), "--actor", "admin")
    assert code == 0, err
    assert "cơ quan báo chí 2 mới" in out and "người phát ngôn 1 mới" in out
    code, out, _ = run(capsys, *db, "register", "outlets")
    assert "Báo Lai Châu — báo điện tử; cấp 04/05/2020" in out and "Trang tin Tổng hợp X" in out
    code, out, _ = run(capsys, *db, "register", "export", str(tmp_path / "out.xlsx"))
    assert code == 0
    sheet = load_workbook(tmp_path / "out.xlsx")[OUTLET_SHEET]
    assert [c.value for c in sheet[2]][:3] == ["01/GP-BTTTT", "Báo Lai Châu", "báo điện tử"]
    code, out, _ = run(capsys, *db, "register", "spokespeople", "--date", "2026-01-01")
    assert "Lò Văn Minh" in out and "0912 000 111" in out
    code, out, _ = run(capsys, *db, "register", "spokespeople", "--html", str(tmp_path / "pp.html"))
    assert "Lò Văn Minh" in (tmp_path / "pp.html").read_text(encoding="utf-8")
    code, out, _ = run(capsys, *db, "register", "audit", "--key", "01/GP-BTTTT")
    assert "admin" in out and "licence_date" in out and "2020-05-04" in out
    code, out, _ = run(capsys, *db, "register", "indicators", "--month", "2026-11", "--json")
    assert code == 0
    report = json.loads(out)
    assert [r["licence_no"] for r in report] == ["99/GP-TTĐT"]  # only the general information site is checked
    assert report[0]["items"] == 0 and not any(i["flagged"] for i in report[0]["indicators"])
    # Re-importing the same file changes nothing and audits nothing new.
    before = run(capsys, *db, "register", "audit")[1]
    assert "0 mới, 0 sửa, 2 không đổi" in run(capsys, *db, "register", "import", str(tmp_path / "in.xlsx"))[1]
    assert run(capsys, *db, "register", "audit")[1] == before


def test_audit_of_nothing_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Store(tmp_path / "p.db").close()  # an existing database with an empty register
    db = ["--db", str(tmp_path / "p.db")]
    code, out, _ = run(capsys, *db, "register", "audit")
    assert code == 0 and "chưa có thay đổi nào" in out
    code, out, _ = run(capsys, *db, "register", "audit", "--key", "07/GP-BTTTT")
    assert code == 0 and "Không có thay đổi nào của 07/GP-BTTTT" in out


def test_bad_workbook_exits_2_and_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = ["--db", str(tmp_path / "p.db")]
    assert run(capsys, *db, "register", "import", str(workbook(tmp_path / "good.xlsx")))[0] == 0
    code, _, err = run(capsys, *db, "register", "import", str(workbook(tmp_path / "bad.xlsx", "4 tháng 5 2020")))
    assert code == 2
    assert "Không nhập gì" in err
    assert "bad.xlsx, trang 'Cơ quan báo chí', dòng 2, cột D (Ngày cấp phép): '4 tháng 5 2020' không phải ngày" in err
    assert "cấp 04/05/2020" in run(capsys, *db, "register", "outlets")[1]  # as before the refused import
    code, _, err = run(capsys, *db, "register", "indicators", "--month", "2026-13")
    assert code == 2 and "YYYY-MM" in err
