"""The register's XLSX import and export on real workbooks (openpyxl) and a real SQLite store: a good
file round-trips; each kind of bad input is refused with sheet, row and column, and nothing is written;
every change is audited."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from presswatch.errors import RegisterError
from presswatch.store import Store
from register import tables
from register.model import Outlet, Reporter, Spokesperson, outlet_of_source
from register.xlsx import (
    OUTLET_COLUMNS,
    OUTLET_SHEET,
    REPORTER_SHEET,
    SPOKESPERSON_COLUMNS,
    SPOKESPERSON_SHEET,
    References,
    read_workbook,
    spokespeople_html,
    write_workbook,
)

REFS = References(topics=frozenset({"thien-tai", "giao-duc", "y-te"}), sources=frozenset({"baolaichau", "tapchi-x"}),
                  communes=frozenset({"Bum Nưa", "Tân Phong", "Bản Giang"}))
HEADERS = [h for h, _, _ in OUTLET_COLUMNS]


def outlet_row(licence: str = "123/GP-BTTTT", **changes: object) -> list[object]:
    row: dict[str, object] = {
        "Số giấy phép": licence, "Tên cơ quan": "Tạp chí Thử nghiệm", "Loại hình": "Tạp chí",
        "Ngày cấp phép": datetime(2021, 3, 15), "Cơ quan chủ quản": "Hội Nhà báo", "Tôn chỉ, mục đích":
        "Thông tin về giáo dục và y tế", "Chủ đề": "giao-duc; y-te", "Tên miền": "tapchix.vn",
        "Nguồn": "tapchi-x", "Văn phòng thường trú": "Phường Tân Phong, Lai Châu"}
    row.update(changes)
    return [row[h] for h in HEADERS]


def workbook(path: Path, outlets: list[list[object]], reporters: list[list[object]] | None = None,
             people: list[list[object]] | None = None, headers: list[str] | None = None) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = OUTLET_SHEET
    ws.append(headers or HEADERS)
    for row in outlets:
        ws.append(row)
    if reporters is not None:
        sheet = book.create_sheet(REPORTER_SHEET)
        sheet.append(["Số giấy phép", "Họ tên", "Số thẻ nhà báo"])
        for row in reporters:
            sheet.append(row)
    if people is not None:
        sheet = book.create_sheet(SPOKESPERSON_SHEET)
        sheet.append([h for h, _, _ in SPOKESPERSON_COLUMNS])
        for row in people:
            sheet.append(row)
    book.save(path)
    return path


def problems_of(path: Path) -> list[str]:
    with pytest.raises(RegisterError) as caught:
        read_workbook(path, REFS)
    return caught.value.problems


def test_good_workbook_imports_and_round_trips(tmp_path: Path, store: Store) -> None:
    path = workbook(tmp_path / "in.xlsx", [outlet_row(), outlet_row("45/GP-TTĐT", **{
        "Tên cơ quan": "Trang tin Y", "Loại hình": "trang thông tin điện tử tổng hợp", "Ngày cấp phép": "02/01/2020",
        "Chủ đề": "", "Tên miền": "trangtiny.com.vn, www2.trangtiny.vn", "Nguồn": ""})],
        reporters=[["123/GP-BTTTT", "Lò Văn A", "HNB-0001"], ["123/GP-BTTTT", "Tòng Thị B", ""]],
        people=[["Bum Nưa", "Xã, phường", "Giàng A Páo", "Chủ tịch UBND xã", "0912 345 678", "pao@laichau.gov.vn",
                 datetime(2025, 7, 1), None, ""],
                ["Sở Y tế", "Sở, ban, ngành", "Nguyễn Văn C", "Giám đốc", "", "", "01/07/2025", None, "y-te"]])
    register = read_workbook(path, REFS)
    magazine = next(o for o in register.outlets if o.licence_no == "123/GP-BTTTT")
    assert magazine.type == "tap_chi" and magazine.licence_date == date(2021, 3, 15)
    assert magazine.topics == ("giao-duc", "y-te") and magazine.domains == ("tapchix.vn",)
    assert magazine.reporters == (Reporter("Lò Văn A", "HNB-0001"), Reporter("Tòng Thị B", ""))
    site = next(o for o in register.outlets if o.licence_no == "45/GP-TTĐT")
    assert site.type == "trang_ttth" and site.licence_date == date(2020, 1, 2)  # text date dd/mm/yyyy
    assert [s.unit_kind for s in register.spokespeople] == ["commune", "department"]
    with store.transaction() as db:
        summary = tables.save_outlets(db, register.outlets, "cli:test")
        tables.save_spokespeople(db, register.spokespeople, "cli:test")
    assert (summary.created, summary.updated) == (2, 0)
    with store.transaction() as db:
        stored, people = tables.outlets(db), tables.spokespeople(db)
    write_workbook(tmp_path / "out.xlsx", stored, people)
    again = read_workbook(tmp_path / "out.xlsx", REFS)
    assert [o.__dict__ | {"id": None} for o in again.outlets] == [o.__dict__ | {"id": None} for o in stored]
    assert [s.__dict__ | {"id": None} for s in again.spokespeople] == [s.__dict__ | {"id": None} for s in people]
    # A source belongs to its outlet by id, else by domain.
    by_id = outlet_of_source(stored, "tapchi-x", [])
    assert by_id is not None and by_id.licence_no == "123/GP-BTTTT"
    found = outlet_of_source(stored, "other", ["https://www.trangtiny.com.vn/a.html"])
    assert found is not None and found.licence_no == "45/GP-TTĐT"
    assert outlet_of_source(stored, "other", ["https://example.org/"]) is None


def test_every_change_is_audited(tmp_path: Path, store: Store) -> None:
    first = Outlet("1/GP", "Tạp chí A", "tap_chi", topics=("y-te",), reporters=(Reporter("A", "1"),))
    with store.transaction() as db:
        tables.save_outlets(db, [first], "admin")
    changed = Outlet("1/GP", "Tạp chí A", "tap_chi", topics=("y-te", "giao-duc"), reporters=(Reporter("B", "2"),))
    with store.transaction() as db:
        summary = tables.save_outlets(db, [changed], "thanhtra")
        unchanged = tables.save_outlets(db, [changed], "thanhtra")
    assert (summary.updated, unchanged.unchanged) == (1, 1)
    with store.transaction() as db:
        trail = tables.audit(db, "outlet", "1/GP")
        assert tables.outlets(db)[0].reporters == (Reporter("B", "2"),)
    latest = {e.field: e for e in trail if e.actor == "thanhtra"}
    assert set(latest) == {"topics", "reporters"}
    assert latest["topics"].before == '["y-te"]' and latest["topics"].after == '["y-te", "giao-duc"]'
    assert all(e.actor == "admin" and e.before is None for e in trail if e.actor != "thanhtra")
    with store.transaction() as db:
        assert tables.delete_outlet(db, "1/GP", "admin")
        assert tables.outlets(db) == []
        assert any(e.field == "name" and e.after is None for e in tables.audit(db, "outlet", "1/GP"))


def test_missing_and_unknown_columns(tmp_path: Path) -> None:
    headers = [h for h in HEADERS if h != "Loại hình"] + ["Ngay cap phep"]
    problems = problems_of(workbook(tmp_path / "x.xlsx", [], headers=[h if h != "Ngày cấp phép" else "Ngày cấp"
                                                                        for h in headers]))
    assert any("thiếu cột bắt buộc 'Loại hình'" in p for p in problems)
    assert any("cột 'Ngày cấp' không được hỗ trợ — có phải 'Ngày cấp phép'?" in p for p in problems)
    assert all(p.startswith("x.xlsx, trang 'Cơ quan báo chí', dòng 1") for p in problems)


def test_merged_cells_dates_as_text_duplicates_and_references(tmp_path: Path, store: Store) -> None:
    path = workbook(tmp_path / "bad.xlsx", [
        outlet_row("1/GP"),
        outlet_row("2/GP", **{"Ngày cấp phép": "2021-03-15", "Tên miền": "tapchiz.vn"}),
        outlet_row("1/GP", **{"Tên miền": "http://x.vn/a", "Nguồn": "khong-co"}),
        outlet_row("3/GP", **{"Ngày cấp phép": 44270, "Chủ đề": "thien-ta", "Loại hình": "báo giấy",
                              "Tên miền": "tapchi3.vn", "Nguồn": ""}),
    ], reporters=[["9/GP", "Lò Văn A", "1"]],
        people=[["Xã Không Có", "Xã, phường", "A", "", "abc", "a@", "31/02/2025", None, ""]])
    book = load_workbook(path)
    book[OUTLET_SHEET].merge_cells("J2:J3")
    book.save(path)
    problems = problems_of(path)
    expected = [
        "ô J2:J3: ô bị gộp",
        "dòng 3, cột D (Ngày cấp phép): '2021-03-15' không phải ngày",
        "dòng 4, cột A (Số giấy phép): số giấy phép '1/GP' trùng với dòng 2",
        "dòng 4, cột H (Tên miền): 'http://x.vn/a' không phải tên miền",
        "dòng 4, cột I (Nguồn): nguồn 'khong-co' không có trong sources.yaml",
        "dòng 5, cột D (Ngày cấp phép): 44270 là một số, không phải ngày",
        "dòng 5, cột G (Chủ đề): chủ đề 'thien-ta' không có trong topics.yaml — có phải 'thien-tai'?",
        "dòng 5, cột C (Loại hình): loại hình 'báo giấy' không có",
        "trang 'Phóng viên thường trú', dòng 2, cột Số giấy phép: số giấy phép '9/GP' không có",
        "trang 'Người phát ngôn', dòng 2, cột A (Đơn vị): xã/phường 'Xã Không Có' không có",
        "cột E (Điện thoại): 'abc' không phải số điện thoại",
        "cột F (Email): 'a@' không phải địa chỉ email",
        "cột G (Hiệu lực từ): ngày '31/02/2025' không có thật",
        "'tapchi-x' thuộc cả giấy phép '1/GP' và '2/GP'",
    ]
    for text in expected:
        assert any(text in p for p in problems), (text, problems)
    with store.transaction() as db:
        assert tables.outlets(db) == []  # nothing half imported


def test_ten_thousand_rows_import_and_bounds(tmp_path: Path, store: Store) -> None:
    rows = [outlet_row(f"{n}/GP", **{"Tên miền": f"site{n}.vn", "Nguồn": ""}) for n in range(10_000)]
    register = read_workbook(workbook(tmp_path / "big.xlsx", rows), REFS)
    assert len(register.outlets) == 10_000
    with store.transaction() as db:
        assert tables.save_outlets(db, register.outlets, "cli:test").created == 10_000
    rows[9_999] = outlet_row("0/GP", **{"Tên miền": "dup.vn", "Nguồn": ""})
    problems = problems_of(workbook(tmp_path / "big2.xlsx", rows))
    assert problems == ["big2.xlsx, trang 'Cơ quan báo chí', dòng 10001, cột A (Số giấy phép): "
                        "số giấy phép '0/GP' trùng với dòng 2"]
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    assert "không đọc được tệp XLSX" in problems_of(tmp_path / "junk.xlsx")[0]


def test_spokespeople_html_is_escaped_and_current_only() -> None:
    people = [Spokesperson("Sở <b>Y tế</b>", "department", "Nguyễn Văn C", "Giám đốc", valid_from=date(2025, 7, 1)),
              Spokesperson("Tân Phong", "commune", "Người Cũ", valid_to=date(2025, 6, 30))]
    page = spokespeople_html(people, date(2026, 1, 1))
    assert "Sở &lt;b&gt;Y tế&lt;/b&gt;" in page and "Nguyễn Văn C" in page
    assert "Người Cũ" not in page and "<script" not in page
