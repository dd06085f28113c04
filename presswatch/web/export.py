"""A result set as CSV (UTF-8 with BOM, for Excel) or XLSX, and the file's name.

Crawled titles may begin with ``=``, ``+``, ``-`` or ``@``: spreadsheet programs would run them as
formulas (CSV injection), so such CSV cells are prefixed with an apostrophe. XLSX cells carry their
type: every text is written as a string cell, never a formula, so the exact title shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from presswatch.search import Hit
from presswatch.times import VIETNAM, local

COLUMNS = ("Mã", "Ngày", "Nguồn", "Loại nguồn", "Tiêu đề", "Địa chỉ", "Mức liên quan", "Sắc thái", "Chủ đề",
           "Trích đoạn")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def rows(hits: Sequence[Hit], labels: dict[str, dict[str, str]]) -> list[list[object]]:
    out: list[list[object]] = []
    for hit in hits:
        out.append([hit.id, local(hit.dated_at), hit.source_id, labels["kind"].get(hit.source_kind, hit.source_kind),
                    hit.title, hit.url, labels["relevance"].get(hit.relevance or "", hit.relevance or ""),
                    labels["sentiment"].get(hit.sentiment or "", hit.sentiment or ""),
                    ", ".join(labels["topic"].get(t, t) for t in hit.topics), hit.snippet])
    return out


def to_csv(table: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows([cell(value) for value in row] for row in table)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: list[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kết quả")
    sheet.append(list(COLUMNS))
    for row in table:
        sheet.append([_typed(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _typed(sheet: object, value: object) -> object:
    """A text as a string cell (openpyxl would otherwise store "=…" as a formula); other values as they are."""
    if not isinstance(value, str):
        return value
    typed = WriteOnlyCell(sheet, value=value)
    typed.data_type = "s"
    return typed


def file_name(kind: str, now: datetime) -> str:
    """``presswatch-YYYY-MM-DD.kind`` with the day in Vietnam (an export at 06:30 in Hà Nội is dated that
    day, although it is still the day before in UTC)."""
    return f"presswatch-{now.astimezone(VIETNAM).date().isoformat()}.{kind}"
