"""The register as an XLSX workbook: import (all or nothing) and export; spokespeople as HTML.

A workbook has up to three sheets, each with a header row naming its columns (``OUTLET_COLUMNS``,
``REPORTER_COLUMNS``, ``SPOKESPERSON_COLUMNS``; any order, extra spaces and case ignored):
"Cơ quan báo chí" (one outlet a row), "Phóng viên thường trú" (a reporter a row, naming the licence
number of an outlet of the same file) and "Người phát ngôn"; the instructions sheet of the exported
template ("Hướng dẫn", ``register.template``) is skipped. Lists (topics, domains, sources) are
separated by ``;`` or ``,``. Dates are date cells, or text written ``dd/mm/yyyy``.

``read_workbook`` checks everything before anything is written and raises ``RegisterError`` listing
every problem as "trang '…', dòng N, cột X (header): message": an unknown sheet or column, a missing
required column, merged cells, a date that is neither, a number where a date belongs, a duplicate
licence number, an unknown type, topic, source or commune, a row or file over the bounds.
"""

from __future__ import annotations

import html
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from analysis import fold
from presswatch.config.base import suggestion
from presswatch.errors import RegisterError
from presswatch.times import local_day
from register.model import (
    MAX_NAME,
    MAX_TEXT,
    OUTLET_TYPES,
    UNIT_KINDS,
    Outlet,
    Reporter,
    Spokesperson,
    domain_problem,
    email_problem,
    phone_problem,
)
from register.template import GUIDE_SHEET, add_guidance

OUTLET_SHEET, REPORTER_SHEET, SPOKESPERSON_SHEET = "Cơ quan báo chí", "Phóng viên thường trú", "Người phát ngôn"
# (header, field, required)
OUTLET_COLUMNS = (("Số giấy phép", "licence_no", True), ("Tên cơ quan", "name", True), ("Loại hình", "type", True),
                  ("Ngày cấp phép", "licence_date", False), ("Cơ quan chủ quản", "governing_body", False),
                  ("Tôn chỉ, mục đích", "purpose", False), ("Chủ đề", "topics", False),
                  ("Tên miền", "domains", False), ("Nguồn", "sources", False),
                  ("Văn phòng thường trú", "resident_office", False))
REPORTER_COLUMNS = (("Số giấy phép", "licence_no", True), ("Họ tên", "name", True),
                    ("Số thẻ nhà báo", "press_card", False))
SPOKESPERSON_COLUMNS = (("Đơn vị", "unit", True), ("Cấp", "unit_kind", True), ("Họ tên", "name", True),
                        ("Chức vụ", "title", False), ("Điện thoại", "phone", False), ("Email", "email", False),
                        ("Hiệu lực từ", "valid_from", False), ("Hiệu lực đến", "valid_to", False),
                        ("Chủ đề", "topics", False))
SHEETS = {OUTLET_SHEET: OUTLET_COLUMNS, REPORTER_SHEET: REPORTER_COLUMNS, SPOKESPERSON_SHEET: SPOKESPERSON_COLUMNS}
MAX_FILE_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 300_000_000  # an XLSX is a zip: refuse a bomb before openpyxl unpacks it
MAX_ROWS = 20_000  # per sheet (the 10,000-row file passes)
MAX_PROBLEMS = 200  # listed; the rest counted
_TEXT_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")
_KIND_BY_LABEL = {fold(label): key for key, label in UNIT_KINDS.items()} | {fold("sở"): "department",
                                                                            fold("xã"): "commune"}
_TYPE_BY_LABEL = {fold(label): key for key, label in OUTLET_TYPES.items()}


@dataclass(frozen=True)
class References:
    """What imported values may name: topic slugs, source ids, commune/ward names (current and former)."""

    topics: frozenset[str]
    sources: frozenset[str]
    communes: frozenset[str]


@dataclass
class Register:
    outlets: list[Outlet] = field(default_factory=list)
    spokespeople: list[Spokesperson] = field(default_factory=list)


class _Sheet:
    """Problems of one sheet, located by row and column."""

    def __init__(self, sheet: str, headers: dict[str, int], problems: list[str]) -> None:
        self.sheet, self.headers, self.problems = sheet, headers, problems

    def where(self, row: int, header: str | None = None) -> str:
        if header is None:
            return f"trang '{self.sheet}', dòng {row}"
        return f"trang '{self.sheet}', dòng {row}, cột {get_column_letter(self.headers[header] + 1)} ({header})"

    def add(self, row: int, header: str | None, message: str) -> None:
        self.problems.append(f"{self.where(row, header)}: {message}")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _list(value: Any) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[;,\n]", _text(value)) if part.strip())


def _date(value: Any) -> date | str | None:
    """A cell as a date, None when empty, or the problem (str)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        match = _TEXT_DATE.match(value)
        if match:
            try:
                return date(int(match[3]), int(match[2]), int(match[1]))
            except ValueError:
                return f"ngày '{value.strip()}' không có thật"
        return (f"'{value.strip()[:40]}' không phải ngày: định dạng ô là Ngày, hoặc viết dd/mm/yyyy "
                "(ví dụ 15/03/2021)")
    return (f"{value!r} là một số, không phải ngày: định dạng ô là Ngày, hoặc viết dd/mm/yyyy "
            "(ví dụ 15/03/2021)")


def _unknown(values: Iterable[str], known: frozenset[str], what: str, where: str) -> list[str]:
    return [f"{what} '{v}' {where}{suggestion(v, sorted(known))}" for v in values if v not in known]


def _rows(ws: Any, columns: tuple[tuple[str, str, bool], ...], problems: list[str],
          ) -> tuple[_Sheet, list[tuple[int, dict[str, Any]]]] | None:
    """The sheet's data rows as (row number, {field: value}) after its header is checked; None when
    the header is unusable (problems say why)."""
    sheet = ws.title
    for merged in ws.merged_cells.ranges:
        problems.append(f"trang '{sheet}', ô {merged.coord}: ô bị gộp (merged) — bỏ gộp ô, mỗi ô một giá trị")
    if ws.max_row - 1 > MAX_ROWS:
        problems.append(f"trang '{sheet}': {ws.max_row - 1} dòng, quá giới hạn {MAX_ROWS} dòng một trang")
        return None
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        return None
    names = {fold(h): h for h, _, _ in columns}
    headers: dict[str, int] = {}
    ok = True
    for index, cell in enumerate(header):
        text = _text(cell)
        if not text:
            continue
        known = names.get(fold(" ".join(text.split())))
        if known is None:
            problems.append(f"trang '{sheet}', dòng 1, cột {get_column_letter(index + 1)}: cột '{text[:60]}' "
                            f"không được hỗ trợ{suggestion(text, [h for h, _, _ in columns])}")
            ok = False
        elif known in headers:
            problems.append(f"trang '{sheet}', dòng 1, cột {get_column_letter(index + 1)}: cột '{known}' lặp lại "
                            f"(đã có ở cột {get_column_letter(headers[known] + 1)})")
            ok = False
        else:
            headers[known] = index
    for name, _, required in columns:
        if required and name not in headers:
            problems.append(f"trang '{sheet}', dòng 1: thiếu cột bắt buộc '{name}'")
            ok = False
    if not ok:
        return None
    fields = {name: attr for name, attr, _ in columns}
    data = []
    for number, values in enumerate(rows, start=2):
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        data.append((number, {fields[h]: (values[i] if i < len(values) else None) for h, i in headers.items()}))
    return _Sheet(sheet, headers, problems), data


def _header(columns: tuple[tuple[str, str, bool], ...], attr: str) -> str:
    return next(h for h, a, _ in columns if a == attr)


def _check_text(sheet: _Sheet, number: int, columns: tuple[tuple[str, str, bool], ...], row: dict[str, Any],
                attr: str, limit: int = MAX_NAME, required: bool = False) -> str:
    value = _text(row.get(attr))
    if required and not value:
        sheet.add(number, _header(columns, attr), "không được để trống")
    elif len(value) > limit:
        sheet.add(number, _header(columns, attr), f"dài {len(value)} ký tự, tối đa {limit}")
    return value[:limit]


def _check_date(sheet: _Sheet, number: int, columns: tuple[tuple[str, str, bool], ...], row: dict[str, Any],
                attr: str) -> date | None:
    if attr not in row:
        return None
    value = _date(row[attr])
    if isinstance(value, str):
        sheet.add(number, _header(columns, attr), value)
        return None
    return value


def _check_list(sheet: _Sheet, number: int, columns: tuple[tuple[str, str, bool], ...], row: dict[str, Any],
                attr: str, check: Callable[[tuple[str, ...]], list[str]]) -> tuple[str, ...]:
    values = _list(row.get(attr))
    for problem in check(values):
        sheet.add(number, _header(columns, attr), problem)
    return values


def _domain_problems(values: tuple[str, ...]) -> list[str]:
    return [problem for value in values if (problem := domain_problem(value.lower())) is not None]


def _outlets(ws: Any, refs: References, problems: list[str]) -> list[Outlet]:
    found = _rows(ws, OUTLET_COLUMNS, problems)
    if found is None:
        return []
    sheet, rows = found
    cols = OUTLET_COLUMNS
    seen: dict[str, int] = {}
    result = []
    for number, row in rows:
        licence = _check_text(sheet, number, cols, row, "licence_no", 100, required=True)
        if licence and fold(licence) in seen:
            sheet.add(number, "Số giấy phép", f"số giấy phép '{licence}' trùng với dòng {seen[fold(licence)]}")
        elif licence:
            seen[fold(licence)] = number
        name = _check_text(sheet, number, cols, row, "name", required=True)
        type_text = _text(row.get("type"))
        kind = type_text if type_text in OUTLET_TYPES else _TYPE_BY_LABEL.get(fold(type_text))
        if kind is None:
            sheet.add(number, "Loại hình", f"loại hình '{type_text[:60]}' không có; chọn một trong: "
                      + ", ".join(OUTLET_TYPES.values()))
        result.append(Outlet(
            licence_no=licence, name=name, type=kind or "",
            licence_date=_check_date(sheet, number, cols, row, "licence_date"),
            governing_body=_check_text(sheet, number, cols, row, "governing_body"),
            purpose=_check_text(sheet, number, cols, row, "purpose", MAX_TEXT),
            topics=_check_list(sheet, number, cols, row, "topics",
                               lambda v: _unknown(v, refs.topics, "chủ đề", "không có trong topics.yaml")),
            domains=tuple(d.lower() for d in _check_list(
                sheet, number, cols, row, "domains",
                _domain_problems)),
            sources=_check_list(sheet, number, cols, row, "sources",
                                lambda v: _unknown(v, refs.sources, "nguồn", "không có trong sources.yaml")),
            resident_office=_check_text(sheet, number, cols, row, "resident_office", MAX_TEXT),
        ))
    return result


def _reporters(ws: Any, problems: list[str]) -> list[tuple[int, str, Reporter]]:
    """(row number, outlet licence number, reporter) of every row."""
    found = _rows(ws, REPORTER_COLUMNS, problems)
    if found is None:
        return []
    sheet, rows = found
    result = []
    for number, row in rows:
        licence = _check_text(sheet, number, REPORTER_COLUMNS, row, "licence_no", 100, required=True)
        name = _check_text(sheet, number, REPORTER_COLUMNS, row, "name", required=True)
        card = _check_text(sheet, number, REPORTER_COLUMNS, row, "press_card", 50)
        result.append((number, licence, Reporter(name, card)))
    return result


def _spokespeople(ws: Any, refs: References, problems: list[str]) -> list[Spokesperson]:
    found = _rows(ws, SPOKESPERSON_COLUMNS, problems)
    if found is None:
        return []
    sheet, rows = found
    cols = SPOKESPERSON_COLUMNS
    result = []
    seen: dict[tuple[str, str, date | None], int] = {}
    for number, row in rows:
        unit = _check_text(sheet, number, cols, row, "unit", required=True)
        kind_text = _text(row.get("unit_kind"))
        kind = kind_text if kind_text in UNIT_KINDS else _KIND_BY_LABEL.get(fold(kind_text))
        if kind is None:
            sheet.add(number, "Cấp",
                      f"'{kind_text[:40]}' không phải cấp đơn vị; ghi 'Sở, ban, ngành' hoặc 'Xã, phường'")
        elif kind == "commune" and unit and unit not in refs.communes:
            sheet.add(number, "Đơn vị", f"xã/phường '{unit}' không có trong danh mục địa danh của tỉnh"
                      f"{suggestion(unit, sorted(refs.communes))}")
        name = _check_text(sheet, number, cols, row, "name", required=True)
        phone, email = _text(row.get("phone")), _text(row.get("email"))
        for header, problem in (("Điện thoại", phone_problem(phone)), ("Email", email_problem(email))):
            if problem and header in sheet.headers:
                sheet.add(number, header, problem)
        valid_from = _check_date(sheet, number, cols, row, "valid_from")
        valid_to = _check_date(sheet, number, cols, row, "valid_to")
        if valid_from and valid_to and valid_to < valid_from:
            sheet.add(number, "Hiệu lực đến", "ngày hết hiệu lực trước ngày bắt đầu hiệu lực")
        key = (unit, name, valid_from)
        if key in seen:
            sheet.add(number, None, f"trùng với dòng {seen[key]} (cùng đơn vị, họ tên, ngày hiệu lực)")
        seen[key] = number
        result.append(Spokesperson(
            unit=unit, unit_kind=kind or "", name=name, title=_check_text(sheet, number, cols, row, "title"),
            phone=phone, email=email, valid_from=valid_from, valid_to=valid_to,
            topics=_check_list(sheet, number, cols, row, "topics",
                               lambda v: _unknown(v, refs.topics, "chủ đề", "không có trong topics.yaml"))))
    return result


def _claimed_twice(outlets: list[Outlet]) -> list[str]:
    """A source id or a domain listed by two outlets (a source belongs to one outlet)."""
    problems = []
    for attr, header in (("sources", "Nguồn"), ("domains", "Tên miền")):
        owner: dict[str, str] = {}
        for o in outlets:
            for value in getattr(o, attr):
                if value in owner and owner[value] != o.licence_no:
                    problems.append(f"trang '{OUTLET_SHEET}', cột {header}: '{value}' thuộc cả giấy phép "
                                    f"'{owner[value]}' và '{o.licence_no}' — mỗi nguồn/tên miền thuộc một cơ quan")
                owner.setdefault(value, o.licence_no)
    return problems


def read_workbook(path: Path, refs: References) -> Register:
    """The register in the workbook at ``path``, fully checked; ``RegisterError`` lists every problem
    (and nothing is returned to write) when there is one."""
    label = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise RegisterError([f"{label}: tệp {size // 1_000_000} MB, quá giới hạn {MAX_FILE_BYTES // 1_000_000} MB"])
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise RegisterError([f"{label}: nội dung giải nén quá lớn ({unpacked // 1_000_000} MB)"])
        book = load_workbook(path, data_only=True)
    except RegisterError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise RegisterError([f"{label}: không đọc được tệp XLSX ({type(exc).__name__}) — "
                             "lưu lại bằng Excel/LibreOffice dưới dạng .xlsx"]) from None
    problems: list[str] = []
    register = Register()
    reporters: list[tuple[int, str, Reporter]] = []
    for ws in book.worksheets:
        if ws.title == OUTLET_SHEET:
            register.outlets = _outlets(ws, refs, problems)
        elif ws.title == REPORTER_SHEET:
            reporters = _reporters(ws, problems)
        elif ws.title == SPOKESPERSON_SHEET:
            register.spokespeople = _spokespeople(ws, refs, problems)
        elif ws.title == GUIDE_SHEET:  # the template's instructions
            continue
        else:
            problems.append(f"trang '{ws.title}' không được hỗ trợ{suggestion(ws.title, list(SHEETS))}; "
                            f"các trang: {', '.join(SHEETS)}")
    licences = {o.licence_no for o in register.outlets}
    problems.extend(_claimed_twice(register.outlets))
    by_outlet: dict[str, list[Reporter]] = {}
    for number, licence, reporter in reporters:
        if licence and licence not in licences:
            problems.append(f"trang '{REPORTER_SHEET}', dòng {number}, cột Số giấy phép: "
                            f"số giấy phép '{licence}' không có trong trang '{OUTLET_SHEET}' của tệp này")
        by_outlet.setdefault(licence, []).append(reporter)
    if problems:
        shown = [f"{label}, {p}" for p in problems[:MAX_PROBLEMS]]
        if len(problems) > MAX_PROBLEMS:
            shown.append(f"{label}: … và {len(problems) - MAX_PROBLEMS} lỗi khác")
        raise RegisterError(shown)
    register.outlets = [Outlet(**{**o.__dict__, "reporters": tuple(by_outlet.get(o.licence_no, ()))})
                        for o in register.outlets]
    return register


def write_workbook(path: Path, outlets: list[Outlet], spokespeople: list[Spokesperson]) -> None:
    """The register as a workbook ``read_workbook`` reads back unchanged, with the template's
    guidance (``register.template``: an instructions sheet, drop-down lists); empty, the import template."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = OUTLET_SHEET
    ws.append([h for h, _, _ in OUTLET_COLUMNS])
    for o in outlets:
        ws.append([o.licence_no, o.name, o.type_label, o.licence_date, o.governing_body, o.purpose,
                   "; ".join(o.topics), "; ".join(o.domains), "; ".join(o.sources), o.resident_office])
    reporters = book.create_sheet(REPORTER_SHEET)
    reporters.append([h for h, _, _ in REPORTER_COLUMNS])
    for o in outlets:
        for r in o.reporters:
            reporters.append([o.licence_no, r.name, r.press_card])
    people = book.create_sheet(SPOKESPERSON_SHEET)
    people.append([h for h, _, _ in SPOKESPERSON_COLUMNS])
    for s in spokespeople:
        people.append([s.unit, UNIT_KINDS.get(s.unit_kind, s.unit_kind), s.name, s.title, s.phone, s.email,
                       s.valid_from, s.valid_to, "; ".join(s.topics)])
    for sheet in book.worksheets:
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "DD/MM/YYYY"
    add_guidance(book, SHEETS, MAX_ROWS, type_sheet=OUTLET_SHEET, kind_sheet=SPOKESPERSON_SHEET)
    book.save(path)


def spokespeople_html(people: list[Spokesperson], day: date, title: str = "Danh sách người phát ngôn") -> str:
    """A self-contained HTML page of the spokespeople valid on ``day``, ready to publish (no script,
    every value escaped)."""
    current = [s for s in people if s.valid_on(day)]
    rows = []
    for kind, label in UNIT_KINDS.items():
        group = [s for s in current if s.unit_kind == kind]
        if not group:
            continue
        rows.append(f'<tr><th colspan="5">{html.escape(label.capitalize())}</th></tr>')
        for s in group:
            cells = (s.unit, s.name, s.title, s.phone, s.email)
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    body = "\n".join(rows) or '<tr><td colspan="5">Chưa có người phát ngôn.</td></tr>'
    return f"""<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:4px 8px;text-align:left}}</style>
</head><body>
<h1>{html.escape(title)}</h1>
<p>Cập nhật ngày {html.escape(local_day(day))}.</p>
<table>
<thead><tr><th>Đơn vị</th><th>Họ tên</th><th>Chức vụ</th><th>Điện thoại</th><th>Email</th></tr></thead>
<tbody>
{body}
</tbody></table></body></html>
"""
