"""The "Báo cáo" page: generate a periodic report (period, DOCX or PDF) and the archive of those
generated, each downloadable. Analysts and up (inspectors, admins): the report is the office's
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
from reports.make import DOCX_TYPE, make_report
from reports.period import parse_period

MEDIA = {"docx": DOCX_TYPE, "pdf": "application/pdf"}
KIND_LABELS = {"week": "tuần", "month": "tháng", "quarter": "quý", "half": "6 tháng", "year": "năm",
               "range": "khoảng ngày"}


def _folder(ctx: Ctx) -> Path:
    return Path(ctx.web.config.settings.reports_dir)


def _page(ctx: Ctx, code: int = 200, error: str | None = None, period: str = "", fmt: str = "docx") -> Response:
    return ctx.render("reports.html", code, files=archive.listing(ctx.store), error=error, period=period, fmt=fmt,
                      formats=FORMATS, kinds=KIND_LABELS, local=local,
                      message=ctx.request.query_params.get("msg"))


@guard("analyst")
def reports_page(ctx: Ctx) -> Response:
    return _page(ctx)


@guard("analyst")
def generate_report(ctx: Ctx) -> Response:
    text = ctx.form.get("period", "").strip()[:40]
    fmt = ctx.form.get("format", "docx")
    if fmt not in FORMATS:
        return _page(ctx, 400, "định dạng phải là docx hoặc pdf", text)
    try:
        period = parse_period(text)
        report, data = make_report(ctx.web.config, ctx.store, period, issued=local_date(utcnow()), pdf=fmt == "pdf")
        file_id = archive.keep(ctx.store, _folder(ctx), period, fmt, data, ctx.session.user.name)
    except ReportError as exc:
        return _page(ctx, 400, str(exc), text, fmt)
    message = (f"Đã tạo báo cáo {period.label} (#{file_id}): {report.current.relevant} tin, bài liên quan, "
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
