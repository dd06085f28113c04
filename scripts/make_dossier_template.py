"""Write the shipped dossier template, ``config/cases_dossier.docx`` (docxtpl: Jinja tags in Word).

The office edits the resulting file in Word or LibreOffice like any document (headings, letterhead,
wording), keeping the ``{{ … }}`` and ``{%tr … %}`` tags; this script only made the first version.
Times New Roman, 13 pt (the usual font of administrative documents); where it is not installed
(LibreOffice on Debian) a metric-compatible font (Liberation Serif) takes its place.

    .venv/bin/python scripts/make_dossier_template.py [config/cases_dossier.docx]
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[1]


def table(document: Document, headers: list[str], loop: str, cells: list[str]) -> None:
    """A table whose rows repeat over ``loop`` (``{%tr for … %}`` … ``{%tr endfor %}``)."""
    grid = document.add_table(rows=4, cols=len(headers))
    grid.style = "Table Grid"
    for index, header in enumerate(headers):
        grid.rows[0].cells[index].text = header
        grid.rows[0].cells[index].paragraphs[0].runs[0].bold = True
    grid.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for index, cell in enumerate(cells):
        grid.rows[2].cells[index].text = cell
    grid.rows[3].cells[0].text = "{%tr endfor %}"


def heading(document: Document, text: str) -> None:
    """A section heading in the body font (Word's heading styles bring a theme font of their own)."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10)
    run = paragraph.add_run(text)
    run.bold = True


def main(target: Path) -> None:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    for section in document.sections:
        section.left_margin, section.right_margin = Cm(3), Cm(2)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    header = document.add_paragraph()
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    header.add_run("SỞ THÔNG TIN VÀ TRUYỀN THÔNG TỈNH LAI CHÂU").bold = True
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("HỒ SƠ VỤ VIỆC SỐ {{ number }}")
    run.bold = True
    run.font.size = Pt(15)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run("{{ title }}").italic = True

    heading(document, "I. Thông tin chung")
    for label, tag in (("Loại vụ việc", "kind"), ("Nguồn tiếp nhận", "origin"), ("Ngày mở hồ sơ", "created"),
                       ("Người mở hồ sơ", "created_by"), ("Người xử lý", "assignee"), ("Hạn xử lý", "deadline"),
                       ("Trạng thái", "state"), ("Cơ quan báo chí liên quan", "outlets"),
                       ("Người phản ánh", "reporter")):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        paragraph.add_run(f"{{{{ {tag} }}}}")
    heading(document, "II. Nội dung phản ánh")
    document.add_paragraph("{{ summary }}")

    heading(document, "III. Bài viết, đường dẫn liên quan")
    table(document, ["Bài viết", "Nguồn", "Địa chỉ", "Đưa vào hồ sơ"], "a in articles",
          ["{{ a.title }}", "{{ a.source }}", "{{ a.url }}", "{{ a.added }}"])
    document.add_paragraph("Đường dẫn khác:")
    document.add_paragraph("{%p for l in links %}")
    document.add_paragraph("{{ l.url }} {{ l.note }} ({{ l.added }})", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("Chứng cứ đã lưu: {{ evidence_note }}")
    table(document, ["Địa chỉ", "Thời điểm lưu", "Tệp", "SHA-256"], "c in evidence",
          ["{{ c.url }}", "{{ c.at }}", "{{ c.kind }}", "{{ c.sha256 }}"])

    heading(document, "IV. Tệp đính kèm")
    table(document, ["Tệp", "Loại", "Dung lượng (byte)", "SHA-256"], "f in attachments",
          ["{{ f.name }}", "{{ f.mime }}", "{{ f.size }}", "{{ f.sha256 }}"])

    heading(document, "V. Kết luận")
    paragraph = document.add_paragraph()
    paragraph.add_run("Kết luận: ").bold = True
    paragraph.add_run("{{ conclusion }}")
    document.add_paragraph("{{ reasoning }}")

    heading(document, "VI. Biện pháp xử lý")
    table(document, ["Biện pháp", "Ngày", "Số quyết định", "Căn cứ pháp lý", "Số tiền", "Ghi chú"],
          "x in actions", ["{{ x.kind }}", "{{ x.day }}", "{{ x.decision }}", "{{ x.basis }}", "{{ x.amount }}",
                           "{{ x.note }}"])

    heading(document, "VII. Diễn biến xử lý (nhật ký thay đổi)")
    document.add_paragraph("Nhật ký: {{ chain }}.")
    table(document, ["Thời gian", "Người thực hiện", "Nội dung", "Trước", "Sau", "Mã băm"], "e in timeline",
          ["{{ e.at }}", "{{ e.actor }}", "{{ e.field }}", "{{ e.before }}", "{{ e.after }}", "{{ e.hash }}"])
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "config" / "cases_dossier.docx")
