"""The dossier "Hồ sơ vụ việc": one case as a Word document, rendered from an editable template.

The template is ``config/cases_dossier.docx`` (docxtpl: Jinja tags inside an ordinary Word file,
which an office edits in Word or LibreOffice like any document; ``scripts/make_dossier_template.py``
made the shipped one). ``context`` builds what the template may use, all of it text already in
Vietnamese (times in Vietnam, labels rather than codes): the number, title, kind, state, summary,
outlets, the timeline (the audit trail), the articles with their URLs, links, attachments with their
SHA-256, the conclusion with its reasoning, the actions and the audit trail's verification.
Values are XML-escaped when rendered (``autoescape``): a reporter's ``<script>`` stays text.

``docx_to_pdf`` turns it into PDF with LibreOffice headless (Debian's ``libreoffice-writer-nogui``),
in a profile of its own per conversion (two at once do not share one) and under a time limit. Times
New Roman, the template's font, is not installable offline on Debian: LibreOffice draws its
metric-compatible replacement, Liberation Serif (``fonts-liberation``), so lines and pages break as
they would in Word.

The reporter's contact (personal data) is in the dossier only when asked (``personal=True``).
Each article lists its evidence captures (``evidence_rows``: time and SHA-256 of each file kept by
the ``evidence`` package).
"""

from __future__ import annotations

import io
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from cases import audit
from cases.model import (
    ACTION_LABELS,
    CONCLUSION_LABELS,
    FIELD_LABELS,
    ORIGIN_LABELS,
    STATE_LABELS,
    CaseFile,
    shown,
)
from evidence.records import captures_of_article, captures_of_case
from presswatch.errors import CaseError
from presswatch.times import local, local_day

TEMPLATE_NAME = "cases_dossier.docx"


EVIDENCE_KINDS = {"warc": "WARC", "png": "ảnh chụp PNG", "pdf": "PDF", "text": "văn bản", "meta": "mô tả (JSON)"}


def evidence_rows(db: sqlite3.Connection, case_id: int, article_ids: list[int]) -> list[dict[str, str]]:
    """The evidence kept for a case (``evidence.records``): captures requested for the case (its
    articles and links) and those of its articles requested otherwise (an alert rule, an analyst),
    one row per file: ``url``, ``at`` (capture time, Vietnam), ``kind``, ``sha256``."""
    seen: dict[int, Any] = {}
    for capture in captures_of_case(db, case_id) + [c for a in article_ids for c in captures_of_article(db, a)]:
        seen.setdefault(capture.id, capture)
    return [{"url": capture.final_url or capture.url, "at": local(capture.captured_at),
             "kind": EVIDENCE_KINDS.get(stored.kind, stored.kind), "sha256": stored.sha256}
            for capture in sorted(seen.values(), key=lambda c: c.captured_at) for stored in capture.files]


def context(db: sqlite3.Connection, file: CaseFile, kinds: dict[str, str], *, personal: bool = False) -> dict[str, Any]:
    case = file.case
    chain = audit.verify(db)
    reporter = "; ".join(part for part in (case.reporter_name, case.reporter_phone, case.reporter_email) if part)
    evidence = evidence_rows(db, case.id, [a.article_id for a in file.articles])
    return {
        "number": case.number,
        "title": case.title,
        "kind": kinds.get(case.kind, case.kind),
        "origin": ORIGIN_LABELS.get(case.origin, case.origin),
        "state": STATE_LABELS.get(case.state, case.state),
        "created": local(case.created_at),
        "created_by": case.created_by,
        "assignee": case.assignee or "—",
        "deadline": local_day(case.deadline),
        "summary": case.summary or "—",
        "outlets": "; ".join([f"{o.name} (giấy phép {o.licence_no})" for o in file.registered]
                             + ([case.outlets] if case.outlets else [])) or "—",
        "reporter": (reporter or "—") if personal else "(không đưa vào: thông tin cá nhân)",
        "conclusion": CONCLUSION_LABELS.get(case.conclusion, "chưa kết luận") if case.conclusion else "chưa kết luận",
        "reasoning": case.reasoning or "—",
        "articles": [{"title": a.title, "url": a.url, "source": a.source_id, "added": local(a.added_at)}
                     for a in file.articles],
        "evidence": evidence,
        "links": [{"url": link.url, "note": link.note, "added": local(link.added_at)} for link in file.links],
        "actions": [{"kind": ACTION_LABELS.get(a.kind, a.kind), "day": local_day(a.on_day),
                     "decision": a.decision_number or "—", "basis": a.legal_basis or "—",
                     "amount": f"{a.amount:,} đồng".replace(",", ".") if a.amount else "—", "note": a.note or "",
                     "by": a.recorded_by} for a in file.actions],
        "attachments": [{"name": a.name, "mime": a.mime, "size": f"{a.size:,}".replace(",", "."), "sha256": a.sha256}
                        for a in file.attachments],
        "timeline": [{"at": local(e.at), "actor": e.actor, "field": FIELD_LABELS.get(e.field, e.field),
                      "before": shown(e.field, e.before, kinds, personal=personal),
                      "after": shown(e.field, e.after, kinds, personal=personal),
                      "hash": e.hash[:16]} for e in file.audit],
        "chain": (f"toàn vẹn ({chain.rows} dòng)" if chain.ok
                  else f"KHÔNG toàn vẹn: {chain.problem}"),
        "evidence_note": (f"{len({row['url'] + row['at'] for row in evidence})} bản lưu, {len(evidence)} tệp"
                          if evidence else "chưa có bản lưu nào (đang chờ lưu hoặc chưa yêu cầu)"),
    }


def render_docx(template: Path, values: dict[str, Any]) -> bytes:
    """The dossier as DOCX bytes."""
    if not template.exists():
        raise CaseError(f"không có mẫu hồ sơ {template}")
    document = DocxTemplate(str(template))
    try:
        document.render(values, autoescape=True)
    except Exception as exc:  # a template edited into broken Jinja: say which file
        raise CaseError(f"mẫu hồ sơ {template} có lỗi: {type(exc).__name__}: {exc}") from exc
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


PDF_TIMEOUT = 120.0  # seconds one conversion may take (LibreOffice's first start is the slow part)


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, timeout: float = PDF_TIMEOUT) -> bytes:
    """The DOCX as PDF, by LibreOffice headless; ``CaseError`` in Vietnamese when it is missing or fails."""
    program = soffice()
    if program is None:
        raise CaseError("chưa cài LibreOffice (gói Debian libreoffice-writer-nogui): không xuất được PDF")
    with tempfile.TemporaryDirectory(prefix="presswatch-dossier-") as work:
        folder = Path(work)
        (folder / "ho-so.docx").write_bytes(docx)
        command = [program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(folder), str(folder / "ho-so.docx")]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise CaseError(f"LibreOffice không xuất xong PDF trong {timeout:.0f} giây") from None
        result = folder / "ho-so.pdf"
        if done.returncode != 0 or not result.exists():
            reason = (done.stderr or done.stdout).decode("utf-8", "replace").strip()[:300]
            raise CaseError(f"LibreOffice không xuất được PDF (mã {done.returncode}): {reason}")
        return result.read_bytes()
