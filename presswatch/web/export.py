"""A result set as CSV (UTF-8 with BOM, for Excel) or XLSX.

Crawled titles may begin with ``=``, ``+``, ``-`` or ``@``: spreadsheet programs would run them as
formulas (CSV injection), so such cells are prefixed with an apostrophe."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook

from presswatch.search import Hit
from presswatch.timefmt import local

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
    return [[cell(value) for value in row] for row in out]


def to_csv(table: list[list[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(table)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: list[list[object]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Kết quả")
    sheet.append(list(COLUMNS))
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
