"""The report as a document: DOCX from the editable template ``config/report.docx`` (docxtpl) with the
charts of ``reports.charts``, and PDF.

Values are XML-escaped when rendered (``autoescape``): a headline holding ``<script>`` stays text.
PDF goes through the case dossier's LibreOffice headless conversion (``cases.dossier.docx_to_pdf``):
one converter in the project. The template names Times New Roman; LibreOffice on Debian draws its
metric-compatible replacement Liberation Serif (``fonts-liberation``), so lines and pages break as
they would in Word.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from cases.dossier import docx_to_pdf
from presswatch.errors import CaseError, ReportError

TEMPLATE_NAME = "report.docx"
FORMATS = ("docx", "pdf")


IMAGE_WIDTH = Mm(150)


def render_docx(template: Path, values: dict[str, Any], images: dict[str, bytes] | None = None) -> bytes:
    """The report as DOCX bytes, with ``images`` (PNG, by template variable) placed 150 mm wide;
    ``ReportError`` naming the template when it is missing or broken."""
    if not template.exists():
        raise ReportError(f"không có mẫu báo cáo {template}")
    document = DocxTemplate(str(template))
    pictures = {name: InlineImage(document, io.BytesIO(png), width=IMAGE_WIDTH) for name, png in (images or {}).items()}
    try:
        document.render({**values, **pictures}, autoescape=True)
    except Exception as exc:  # a template edited into broken Jinja: say which file
        raise ReportError(f"mẫu báo cáo {template} có lỗi: {type(exc).__name__}: {exc}") from exc
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def to_pdf(docx: bytes) -> bytes:
    """The DOCX as PDF (LibreOffice headless)."""
    try:
        return docx_to_pdf(docx)
    except CaseError as exc:
        raise ReportError(str(exc)) from None
