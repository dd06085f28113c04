"""Guidance in the register's workbook (the import template): an instructions sheet in Vietnamese
("Hướng dẫn": each sheet's columns, required or not, what to write) and drop-down lists
(openpyxl ``DataValidation``) on the columns that take a fixed list: an outlet's type ("Loại hình")
and a spokesperson's unit kind ("Cấp").

The lists are the labels the import reads (``OUTLET_TYPES``, ``UNIT_KINDS``), written in columns of
the instructions sheet that the validations refer to (a label such as "sở, ban, ngành" has commas,
which an inline list cannot hold). The import skips the instructions sheet.
"""

from __future__ import annotations

from collections.abc import Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from register.model import OUTLET_TYPES, UNIT_KINDS

GUIDE_SHEET = "Hướng dẫn"
Columns = tuple[tuple[str, str, bool], ...]  # (header, field, required), as register.xlsx

# What to write in each column, by header (the same header in two sheets means the same thing).
HELP: dict[str, str] = {
    "Số giấy phép": "số giấy phép hoạt động, ví dụ 123/GP-BTTTT — khóa để nhận ra cơ quan khi nhập lại "
                    "(ở trang Phóng viên thường trú: số giấy phép của cơ quan ở trang Cơ quan báo chí)",
    "Tên cơ quan": "tên đầy đủ của cơ quan báo chí, trang tin",
    "Loại hình": "chọn trong danh sách",
    "Ngày cấp phép": "ô ngày, hoặc chữ dạng dd/mm/yyyy (ví dụ 05/03/2024)",
    "Cơ quan chủ quản": "cơ quan chủ quản theo giấy phép",
    "Tôn chỉ, mục đích": "tôn chỉ, mục đích ghi trong giấy phép",
    "Chủ đề": "mã chủ đề của config/topics.yaml, cách nhau bởi dấu ; (ví dụ: van-hoa-the-thao; giao-duc)",
    "Tên miền": "tên miền của cơ quan, cách nhau bởi dấu ; (ví dụ: baolaichau.vn)",
    "Nguồn": "mã nguồn của config/sources.yaml là kênh của cơ quan, cách nhau bởi dấu ;",
    "Văn phòng thường trú": "địa chỉ văn phòng thường trú tại tỉnh (nếu có)",
    "Họ tên": "họ và tên đầy đủ",
    "Số thẻ nhà báo": "số thẻ nhà báo (nếu có)",
    "Đơn vị": "tên sở, ban, ngành; hoặc tên xã, phường theo danh mục đơn vị hành chính",
    "Cấp": "chọn trong danh sách",
    "Chức vụ": "chức vụ của người phát ngôn",
    "Điện thoại": "số điện thoại liên hệ",
    "Email": "địa chỉ email liên hệ",
    "Hiệu lực từ": "ngày bắt đầu làm người phát ngôn (ô ngày hoặc dd/mm/yyyy; để trống: từ trước)",
    "Hiệu lực đến": "ngày thôi làm người phát ngôn (để trống: còn hiệu lực)",
}
INTRO = (
    "Mẫu nhập sổ đăng ký báo chí của presswatch.",
    "Mỗi trang một bảng; dòng 1 là tên cột (giữ nguyên tên cột, thứ tự cột tùy ý); mỗi dòng sau là một mục.",
    "Không gộp ô (merge). Cột có dấu * là bắt buộc. Danh sách nhiều giá trị cách nhau bởi dấu ; hoặc ,.",
    "Nhập: lệnh `presswatch register import TỆP.xlsx` hoặc trang Sổ đăng ký (quản trị viên). Có lỗi ở bất kỳ "
    "dòng nào thì không nhập gì và danh sách lỗi chỉ rõ trang, dòng, cột.",
    "Trang này chỉ để hướng dẫn, không được nhập.",
)
LIST_COLUMN = 5  # the drop-down lists start in column E of the instructions sheet


def add_guidance(book: Workbook, sheets: Mapping[str, Columns], rows: int, *,
                 type_sheet: str, kind_sheet: str) -> None:
    """Add the instructions sheet to ``book`` (last) and the drop-downs on its sheets' "Loại hình"
    (``type_sheet``) and "Cấp" (``kind_sheet``) columns, over ``rows`` data rows."""
    guide = book.create_sheet(GUIDE_SHEET)
    bold = Font(bold=True)
    for line in INTRO:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=13)
    for sheet, columns in sheets.items():
        guide.append([])
        guide.append([f"Trang «{sheet}»"])
        guide.cell(guide.max_row, 1).font = bold
        guide.append(["Cột", "Bắt buộc", "Cách ghi"])
        for cell in guide[guide.max_row]:
            cell.font = bold
        for header, _, required in columns:
            guide.append([f"{header} *" if required else header, "có" if required else "không",
                          HELP.get(header, "")])
    guide.column_dimensions["A"].width = 26
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 90
    for row in guide.iter_rows(min_col=3, max_col=3):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    lists = {"Loại hình": (type_sheet, list(OUTLET_TYPES.values())), "Cấp": (kind_sheet, list(UNIT_KINDS.values()))}
    for offset, (header, (sheet, labels)) in enumerate(lists.items()):
        letter = get_column_letter(LIST_COLUMN + offset)
        guide.cell(1, LIST_COLUMN + offset, f"Danh sách «{header}»").font = bold
        for number, label in enumerate(labels, start=2):
            guide.cell(number, LIST_COLUMN + offset, label)
        guide.column_dimensions[letter].width = 34
        target = book[sheet]
        index = next(i for i, (h, _, _) in enumerate(sheets[sheet]) if h == header)
        column = get_column_letter(index + 1)
        validation = DataValidation(
            type="list", formula1=f"'{GUIDE_SHEET}'!${letter}$2:${letter}${len(labels) + 1}", allow_blank=True,
            showErrorMessage=True, errorTitle=f"{header} không hợp lệ",
            error=f"Chọn một giá trị trong danh sách «{header}» (trang {GUIDE_SHEET}).",
            showInputMessage=True, promptTitle=header, prompt="Chọn trong danh sách")
        validation.add(f"{column}2:{column}{rows + 1}")
        target.add_data_validation(validation)
