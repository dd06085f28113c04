"""Evidence on the article page: the analyst's "Lưu bằng chứng" button, and the files of captures.

The captured page is never served as HTML: its screenshot is served as ``image/png``, the text as
``text/plain``, and the WARC, PDF and manifest as downloads (``Content-Disposition: attachment``), each
checked against its SHA-256 first (a file changed on disk is refused, not shown). The page's own CSP
(no script) is unchanged. Analysts and admins only, until the cases capability adds an inspector role.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from evidence import queue, rechecks, records, request_capture
from evidence.files import folder, path_of
from presswatch.store.users import Role
from presswatch.web.auth import guard
from presswatch.web.context import Ctx

STATUS_LABELS = {"pending": "đang chờ lưu", "done": "đã lưu", "failed": "lưu thất bại", "refused": "bị từ chối"}
EVENT_LABELS = {"unchanged": "không đổi", "edited": "đã bị sửa", "corrected": "đã đính chính", "removed": "đã bị gỡ",
                "error": "không kiểm tra được"}
# kind → (media type, served inline)
SERVED = {"png": ("image/png", True), "text": ("text/plain; charset=utf-8", True), "pdf": ("application/pdf", False),
          "warc": ("application/warc", False), "meta": ("application/json", False)}
SUFFIX = {"png": "png", "text": "txt", "pdf": "pdf", "warc": "warc.gz", "meta": "json"}
ROLE: Role = "analyst"  # the nearest existing role to the inspector's (issue 18 adds "inspector")


def evidence_view(ctx: Ctx, article_id: int) -> dict[str, Any]:
    """What the article page shows of its evidence (empty for roles that may not see it)."""
    if not ctx.session.user.can(ROLE):
        return {"captures": [], "capture_requests": [], "evidence_labels": {}}
    conn = ctx.store.db
    captures = []
    for capture in records.captures_of_article(conn, article_id):
        captures.append({"capture": capture, "events": rechecks.events_of_capture(conn, capture.id),
                         "checks": rechecks.checks_of_capture(conn, capture.id)})
    waiting = [r for r in queue.requests_of_article(conn, article_id) if r.status != "done"]
    return {"captures": captures, "capture_requests": waiting,
            "evidence_labels": {"status": STATUS_LABELS, "event": EVENT_LABELS}}


@guard(ROLE)
def capture_article(ctx: Ctx) -> Response:
    """Queue a capture of the article's page ("Lưu bằng chứng"); the service makes it."""
    article_id = int(ctx.request.path_params["id"])
    article = ctx.store.article(article_id)
    if article is None:
        return ctx.render("error.html", 404, status=404, message="Không có bài viết này.")
    try:
        with ctx.store.transaction() as conn:
            request_capture(conn, article.url, reason=f"Lưu bằng chứng: {ctx.session.user.name}", article_id=article_id)
    except ValueError as exc:
        return ctx.render("error.html", 400, status=400, message=str(exc))
    message = "Đã yêu cầu lưu bằng chứng; dịch vụ sẽ lưu trang trong ít phút (xem mục Bằng chứng)."
    return RedirectResponse(f"/article/{article_id}?msg={quote(message)}", status_code=303)


def _read_checked(path: Path, digest: str) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == digest else None


@guard(ROLE)
def evidence_file(ctx: Ctx) -> Response:
    capture_id = int(ctx.request.path_params["id"])
    kind = str(ctx.request.path_params["kind"])
    stored = records.file_of(ctx.store.db, capture_id, kind) if kind in SERVED else None
    if stored is None:
        return ctx.render("error.html", 404, status=404, message="Không có tệp bằng chứng này.")
    data = _read_checked(path_of(folder(ctx.web.config.settings.evidence_dir), stored.sha256), stored.sha256)
    if data is None:
        return ctx.render("error.html", 409, status=409,
                          message="Tệp bằng chứng bị thiếu hoặc đã bị thay đổi (SHA-256 không khớp): chạy "
                                  "`presswatch evidence verify` để xem chi tiết.")
    media_type, inline = SERVED[kind]
    name = f"bang-chung-{capture_id}.{SUFFIX[kind]}"
    headers = {"Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{name}"',
               "Cache-Control": "private, max-age=3600", "X-Evidence-SHA256": stored.sha256}
    return Response(data, media_type=media_type, headers=headers)
