"""Write the shipped report template, ``config/report.docx`` (docxtpl: Jinja tags in Word).

Laid out as an administrative report per Nghị định 30/2020/NĐ-CP (Phụ lục I): the issuing body and
the document's number and symbol on the left, Quốc hiệu and Tiêu ngữ and the place and date on the
right, the kind "BÁO CÁO" and the title centred, the body, then "Nơi nhận" on the left and the
signer's title on the right; A4, margins top and bottom 20 mm, left 30 mm, right 15 mm; Times New
Roman 12–14 pt. The office edits the resulting file in Word or LibreOffice like any document
(issuing body, number symbol, recipients, signer, wording), keeping the ``{{ … }}``, ``{%tr … %}`` and
``{%p … %}`` tags; this script only made the first version.

It also writes ``config/briefing.docx``, the press-briefing pack's template (same letterhead).

    .venv/bin/python scripts/make_report_template.py [config/report.docx [config/briefing.docx]]
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[1]
FONT = "Times New Roman"


def fonts(style: Any) -> None:
    """Times New Roman for every script (Vietnamese letters included), not only the Latin slot."""
    style.font.name = FONT
    fonts_element = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts_element.set(qn(slot), FONT)


def line(cell_or_doc: Any, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
         align: Any = WD_ALIGN_PARAGRAPH.CENTER, first: bool = False) -> Any:
    paragraph = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return paragraph


def body(document: Any, text: str, *, bold: bool = False, italic: bool = False) -> Any:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Cm(1)
    paragraph.paragraph_format.space_after = Pt(6)
    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    return paragraph


def table(document: Any, headers: list[str], loop: str, cells: list[str], sizes: list[float]) -> None:
    """A bordered table whose rows repeat over ``loop`` (``{%tr for … %}`` … ``{%tr endfor %}``)."""
    grid = document.add_table(rows=4, cols=len(headers))
    grid.style = "Table Grid"
    for index, header in enumerate(headers):
        cell = grid.rows[0].cells[index]
        cell.text = header
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].runs[0].bold = True
    grid.rows[1].cells[0].text = f"{{%tr for {loop} %}}"
    for index, text in enumerate(cells):
        grid.rows[2].cells[index].text = text
    grid.rows[3].cells[0].text = "{%tr endfor %}"
    widths(grid, sizes)
    for row in grid.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(12)


def widths(grid: Any, sizes: list[float]) -> None:
    """Column widths that Word and LibreOffice both keep (the grid and every cell)."""
    grid.autofit = False
    for index, size in enumerate(sizes):
        grid.columns[index].width = Cm(size)
        for cell in grid.columns[index].cells:
            cell.width = Cm(size)


def main(target: Path) -> None:
    document = Document()
    fonts(document.styles["Normal"])
    document.styles["Normal"].font.size = Pt(14)
    fonts(document.styles["Table Grid"])
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)

    head = document.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    widths(head, [6.0, 10.5])
    line(left, "{{ issuer }}", size=13, first=True)
    line(left, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", bold=True, size=13)
    line(left, "────────", size=13)
    line(left, "Số: {{ number }}/BC-STTTT", size=13)
    line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, first=True)
    line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    line(right, "───────────────────", size=13)
    line(right, "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}", italic=True, size=14)

    document.add_paragraph()
    line(document, "BÁO CÁO", bold=True, size=14)
    line(document, "Tình hình thông tin báo chí, mạng xã hội về {{ province }}", bold=True, size=14)
    line(document, "{{ period }}", bold=True, size=14)
    line(document, "─────────", size=14)
    body(document, "Sở Thông tin và Truyền thông báo cáo tình hình thông tin trên báo chí, trang thông tin điện "
                   "tử và mạng xã hội về {{ province }} {{ period }} ({{ span }}) như sau:")

    body(document, "I. TÌNH HÌNH THÔNG TIN", bold=True)
    body(document, "1. Tổng quan", bold=True)
    body(document, "Trong kỳ, hệ thống theo dõi đã thu thập {{ crawled }} tin, bài; trong đó {{ relevant }} tin, "
                   "bài liên quan đến tỉnh ({{ about }} tin, bài viết về tỉnh, {{ mention }} tin, bài có nhắc "
                   "đến tỉnh), {{ relevant_change }} so với kỳ trước ({{ relevant_previous }} tin, bài, "
                   "{{ previous_span }}) và {{ relevant_year_change }} so với cùng kỳ năm trước "
                   "({{ relevant_year }} tin, bài, {{ year_span }}).")
    body(document, "2. Theo loại hình cơ quan, trang đăng tải", bold=True)
    table(document, ["Loại hình", "Kỳ này", "Kỳ trước", "So với kỳ trước", "Cùng kỳ năm trước"], "k in kinds",
          ["{{ k.label }}", "{{ k.now }}", "{{ k.previous }}", "{{ k.change }}", "{{ k.year }}"],
          [4.5, 2.3, 2.3, 4, 3])
    line(document, "{{ chart_kinds }}")
    body(document, "3. Theo chủ đề", bold=True).paragraph_format.space_before = Pt(6)
    body(document, "{%p if topics %}")
    table(document, ["Chủ đề", "Số tin, bài", "Tỷ lệ"], "t in topics",
          ["{{ t.label }}", "{{ t.count }}", "{{ t.share }}"], [9, 4, 3])
    body(document, "{%p else %}")
    body(document, "Không có tin, bài được xếp vào chủ đề nào trong kỳ.")
    body(document, "{%p endif %}")
    body(document, "4. Sắc thái thông tin", bold=True).paragraph_format.space_before = Pt(6)
    table(document, ["Sắc thái", "Số tin, bài", "Tỷ lệ"], "s in sentiments",
          ["{{ s.label }}", "{{ s.count }}", "{{ s.share }}"], [9, 4, 3])
    line(document, "{{ chart_sentiment }}")
    body(document, "5. Các sự việc, vấn đề nổi bật", bold=True)
    body(document, "{%p if stories %}")
    table(document, ["Sự việc (bài gốc)", "Số cơ quan, trang đăng", "Số tin, bài", "Sắc thái"], "s in stories",
          ["{{ s.title }}\n{{ s.url }}", "{{ s.outlets }}", "{{ s.copies }}", "{{ s.sentiment }}"],
          [9, 3, 2.3, 2.3])
    body(document, "{%p else %}")
    body(document, "Trong kỳ không có sự việc nào được hai tin, bài trở lên cùng đăng tải.")
    body(document, "{%p endif %}")
    body(document, "6. Thông tin tiêu cực", bold=True).paragraph_format.space_before = Pt(6)
    body(document, "Có {{ negative }} tin, bài mang sắc thái tiêu cực ({{ negative_share }} số tin, bài liên quan), "
                   "{{ negative_change }} so với kỳ trước ({{ negative_previous }} tin, bài). Danh sách và đường "
                   "dẫn tại Phụ lục kèm theo.")
    body(document, "7. Trên mạng xã hội", bold=True)
    body(document, "Có {{ social }} tin, bài đăng trên mạng xã hội liên quan đến tỉnh, trong đó {{ social_negative }} "
                   "tin, bài mang sắc thái tiêu cực.")

    body(document, "II. KẾT QUẢ XỬ LÝ", bold=True)
    body(document, "{%p if has_cases %}")
    body(document, "Trong kỳ, Sở tiếp nhận {{ cases_received }} vụ việc; đã xử lý xong {{ cases_finished }} vụ việc, "
                   "đang xử lý {{ cases_open }} vụ việc.")
    table(document, ["Loại vụ việc tiếp nhận", "Số vụ việc"], "c in case_kinds",
          ["{{ c.label }}", "{{ c.count }}"], [12, 4])
    body(document, "Các biện pháp đã thực hiện trong kỳ:")
    table(document, ["Biện pháp", "Số lượt"], "a in case_actions", ["{{ a.label }}", "{{ a.count }}"], [12, 4])
    body(document, "{%p else %}")
    body(document, "Chưa có dữ liệu: trong kỳ không có vụ việc nào được tiếp nhận hoặc xử lý.")
    body(document, "{%p endif %}")

    body(document, "III. ĐÁNH GIÁ, ĐỀ XUẤT", bold=True).paragraph_format.space_before = Pt(6)
    body(document, "1. Đánh giá chung: (nội dung do đơn vị soạn thảo)")
    body(document, "2. Đề xuất, kiến nghị: (nội dung do đơn vị soạn thảo)")
    body(document, "Trên đây là báo cáo tình hình thông tin báo chí, mạng xã hội về {{ province }} {{ period }} "
                   "của Sở Thông tin và Truyền thông./.")

    foot = document.add_table(rows=1, cols=2)
    left, right = foot.rows[0].cells
    widths(foot, [8.5, 8])
    line(left, "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, first=True)
    for recipient in ("- UBND tỉnh (b/c);", "- Ban Tuyên giáo Tỉnh ủy (b/c);", "- Giám đốc Sở;",
                      "- Lưu: VT, TTBCXB."):
        line(left, recipient, size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    line(right, "GIÁM ĐỐC", bold=True, size=14, first=True)
    for _ in range(4):
        line(right, "")
    line(right, "(họ và tên người ký)", italic=True, size=14)

    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    line(document, "PHỤ LỤC", bold=True, size=14)
    line(document, "Danh sách tin, bài mang sắc thái tiêu cực {{ period }}", bold=True, size=14)
    line(document, "(Kèm theo Báo cáo số {{ number }}/BC-STTTT)", italic=True, size=14)
    document.add_paragraph()
    body(document, "{%p if negatives %}")
    table(document, ["STT", "Tin, bài", "Nguồn", "Thời gian"], "n in negatives",
          ["{{ n.index }}", "{{ n.title }}\n{{ n.url }}", "{{ n.source }}", "{{ n.dated }}"], [1.2, 9.3, 3.5, 2.5])
    body(document, "{{ negatives_more }}")
    body(document, "{%p else %}")
    body(document, "Trong kỳ không có tin, bài mang sắc thái tiêu cực.")
    body(document, "{%p endif %}")
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))


def briefing(target: Path) -> None:
    """``config/briefing.docx``: the press-briefing pack (an internal working document, not a report
    to sign: no number, no "Nơi nhận")."""
    document = Document()
    fonts(document.styles["Normal"])
    document.styles["Normal"].font.size = Pt(14)
    fonts(document.styles["Table Grid"])
    for section in document.sections:
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    head = document.add_table(rows=1, cols=2)
    widths(head, [6.0, 10.5])
    left, right = head.rows[0].cells
    line(left, "{{ issuer }}", size=13, first=True)
    line(left, "SỞ THÔNG TIN VÀ TRUYỀN THÔNG", bold=True, size=13)
    line(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, first=True)
    line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, size=14)
    document.add_paragraph()
    line(document, "TÀI LIỆU PHỤC VỤ HỌP BÁO, GIAO BAN BÁO CHÍ", bold=True, size=14)
    line(document, "{{ period }} ({{ span }})", bold=True, size=14)
    line(document, "(Tài liệu nội bộ; đơn vị soạn thảo sửa, bổ sung trước khi sử dụng)", italic=True, size=13)
    body(document, "Trong kỳ có {{ relevant }} tin, bài liên quan đến tỉnh, trong đó {{ negative }} tin, bài "
                   "mang sắc thái tiêu cực.")
    body(document, "1. Các vấn đề chính", bold=True)
    body(document, "{%p if issues %}")
    table(document, ["STT", "Vấn đề (bài gốc)", "Mức độ đăng tải"], "i in issues",
          ["{{ i.index }}", "{{ i.title }}\n{{ i.url }}", "{{ i.detail }}"], [1.2, 10, 5.3])
    body(document, "{%p else %}")
    body(document, "Trong kỳ không có vấn đề nổi bật.")
    body(document, "{%p endif %}")
    body(document, "2. Mức độ đưa tin về tỉnh của từng cơ quan, trang", bold=True)
    body(document, "{%p if outlets %}")
    table(document, ["Cơ quan, trang", "Tin, bài liên quan", "Trong đó tiêu cực"], "o in outlets",
          ["{{ o.name }}", "{{ o.relevant }}", "{{ o.negative }}"], [9, 4, 3.5])
    body(document, "{%p else %}")
    body(document, "Trong kỳ không có tin, bài liên quan đến tỉnh.")
    body(document, "{%p endif %}")
    body(document, "3. Câu hỏi báo chí đặt ra với cơ quan chức năng", bold=True)
    body(document, "(Câu hỏi, đề nghị trong tiêu đề, sa pô, nội dung tin, bài và phỏng vấn; mỗi câu hỏi một lần "
                   "với các cơ quan, trang cùng đăng; nhiều cơ quan đăng và tiêu cực xếp trước. Máy tự tìm: đơn vị "
                   "soạn thảo rà soát trước khi sử dụng.)", italic=True)
    body(document, "{%p if questions %}")
    table(document, ["Câu hỏi", "Cơ quan, trang đăng", "Đăng lần đầu"], "q in questions",
          ["{{ q.sentence }}\n({{ q.note }}) {{ q.url }}",
           "{{ q.outlets }}", "{{ q.dated }}"], [10, 3.5, 3])
    body(document, "{%p else %}")
    body(document, "Trong kỳ không tìm thấy câu hỏi nào báo chí đặt ra với cơ quan chức năng.")
    body(document, "{%p endif %}")
    body(document, "4. Đề xuất nội dung định hướng thông tin", bold=True)
    body(document, "{%p for i in issues %}")
    body(document, "- Về “{{ i.title }}”: (đơn vị soạn thảo đề xuất nội dung cung cấp thông tin, định hướng)")
    body(document, "{%p endfor %}")
    body(document, "- Nội dung khác: (đơn vị soạn thảo bổ sung)")
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "config" / "report.docx")
    briefing(Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "config" / "briefing.docx")
