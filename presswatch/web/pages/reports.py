"""The "Báo cáo" page: generate a periodic report or the press-briefing pack (period, DOCX or PDF,
and, when the deployment follows several provinces, one of them or all; the same code as
``presswatch report [--province …]`` and ``presswatch report --briefing``) and the archive of those
generated, each with its provinces and downloadable. Analysts and up (inspectors, admins): the report is the office's
working document. Generating a PDF runs LibreOffice (a few seconds) in the request's worker thread.
Files are served as downloads only, checked against their SHA-256 first (``reports.archive``)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from presswatch.errors import ReportError
from presswatch.times import local, local_date, utcnow
from presswatch.web.auth import guard
from presswatch.web.context import Ctx
from reports import archive
from reports.document import FORMATS
from reports.make import DOCX_TYPE, make_briefing, make_report, narrowed
from reports.period import KIND_NAMES, parse_period

MEDIA = {"docx": DOCX_TYPE, "pdf": "application/pdf"}
KIND_LABELS = KIND_NAMES


def _folder(ctx: Ctx) -> Path:
    return Path(ctx.web.config.settings.reports_dir)


def _page(ctx: Ctx, code: int = 200, error: str | None = None, period: str = "", fmt: str = "docx",
          document: str = "report", province: str = "") -> Response:
    return ctx.render("reports.html", code, files=archive.listing(ctx.store), error=error, period=period, fmt=fmt,
                      formats=FORMATS, kinds=KIND_LABELS, local=local, document=document,
                      documents=archive.DOCUMENT_LABELS, message=ctx.request.query_params.get("msg"),
                      followed=ctx.web.config.settings.province, chosen=province)


@guard("analyst")
def reports_page(ctx: Ctx) -> Response:
    return _page(ctx)


@guard("analyst")
def generate_report(ctx: Ctx) -> Response:
    text = ctx.form.get("period", "").strip()[:40]
    fmt = ctx.form.get("format", "docx")
    document = ctx.form.get("document", "report")
    province = ctx.form.get("province", "").strip()[:60]  # "": every followed province
    followed = ctx.web.config.settings.province
    if document not in archive.DOCUMENTS:
        return _page(ctx, 400, "loại tài liệu phải là báo cáo định kỳ hoặc tài liệu họp báo", text)
    if fmt not in FORMATS:
        return _page(ctx, 400, "định dạng phải là docx hoặc pdf", text, document=document)
    if province and province not in followed:
        return _page(ctx, 400, f"tỉnh “{province}” không được theo dõi (province trong presswatch.yaml: "
                               f"{', '.join(followed)})", text, fmt, document)
    only = narrowed(ctx.web.config, [province] if province else None)
    try:
        period = parse_period(text)
        if document == "briefing":
            report, data = make_briefing(ctx.web.config, ctx.store, period, pdf=fmt == "pdf", provinces=only)
        else:
            report, data = make_report(ctx.web.config, ctx.store, period, issued=local_date(utcnow()),
                                       pdf=fmt == "pdf", provinces=only)
        file_id = archive.keep(ctx.store, _folder(ctx), period, fmt, data, ctx.session.user.name, document, only)
    except ReportError as exc:
        return _page(ctx, 400, str(exc), text, fmt, document, province)
    what = "tài liệu họp báo" if document == "briefing" else "báo cáo"
    about = f" về {', '.join(only)}" if only else ""
    message = (f"Đã tạo {what} {period.label}{about} (#{file_id}): {report.current.relevant} tin, bài liên quan, "
               f"{report.current.negative} tiêu cực.")
    return RedirectResponse(f"/reports?msg={quote(message)}", status_code=303)


@guard("analyst")
def report_file(ctx: Ctx) -> Response:
    kept = archive.find(ctx.store, int(ctx.request.path_params["id"]))
    if kept is None:
        return ctx.render("error.html", 404, status=404, message="Không có báo cáo này.")
    try:
        data = archive.read(_folder(ctx), kept)
    except ReportError as exc:
        return ctx.render("error.html", 410, status=410, message=str(exc))
    return Response(data, media_type=MEDIA[kept.format],
                    headers={"Content-Disposition": f'attachment; filename="{kept.name}"'})
