"""The JSON API: the same search and article data as the pages, documented by ``SPEC`` (OpenAPI 3.1)."""

from __future__ import annotations

from typing import Any

from starlette.responses import JSONResponse, Response

from presswatch.errors import PresswatchError, QueryError
from presswatch.query import MAX_LENGTH, YEAR_MAX, YEAR_MIN
from presswatch.search import Hit
from presswatch.store import annotation as marks
from presswatch.web.auth import MAX_BODY, Ctx, guard
from presswatch.web.pages.search import article_data, rule_names, run_search
from presswatch.web.params import PAGE_SIZE, SearchForm
from presswatch.web.reads import alert_json


def _iso(moment: Any) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def hit_json(hit: Hit) -> dict[str, Any]:
    return {"id": hit.id, "url": hit.url, "source": hit.source_id, "kind": hit.source_kind, "title": hit.title,
            "published": _iso(hit.published_at), "dated": _iso(hit.dated_at), "snippet": hit.snippet,
            "highlights": hit.highlights, "exact": hit.exact, "relevance": hit.relevance,
            "sentiment": hit.sentiment, "topics": hit.topics}


@guard("viewer", api=True)
def search(ctx: Ctx) -> Response:
    form = SearchForm.parse(ctx.request.query_params)
    if form.empty:
        return JSONResponse({"error": "Thiếu truy vấn (q) hoặc bộ lọc."}, status_code=400)
    facets = ctx.request.query_params.get("facets", "1") != "0"
    try:
        result, omitted = run_search(ctx, form, facets)
    except QueryError as exc:
        return JSONResponse({"error": str(exc), "position": exc.user_position}, status_code=400)
    body: dict[str, Any] = {"query": form.q, "total": result.total, "page": form.page, "per_page": PAGE_SIZE,
                            "hits": [hit_json(h) for h in result.hits]}
    if omitted:
        body["facets_omitted"] = f"more than web_facet_max_hits ({ctx.web.config.settings.web_facet_max_hits}) matches"
    elif facets:
        body["facets"] = {name: [[v, n] for v, n in counts] for name, counts in result.facets.items()}
        body["per_day"] = [[d, n] for d, n in result.per_day]
    return JSONResponse(body)


@guard("viewer", api=True)
def article(ctx: Ctx) -> Response:
    data = article_data(ctx.store, int(ctx.request.path_params["id"]))
    if data is None:
        return JSONResponse({"error": "Không có bài viết này."}, status_code=404)
    a, notes, names = data["article"], data["notes"], rule_names(ctx.web)
    return JSONResponse({
        "id": a.id, "url": a.url, "source": a.source_id, "kind": a.source_kind, "title": a.title, "text": a.text,
        "title_original": a.title_original, "published": _iso(a.published_at), "fetched": _iso(a.fetched_at),
        "author": a.author, "relevance": a.relevance, "sentiment": a.sentiment, "analysis": a.analysis,
        "same_story": [{**o, "dated_at": _iso(o["dated_at"])} for o in data["others"]],
        "tags": notes.tags, "needs_verification": notes.needs_verification,
        "notes": [{"id": n.id, "user": n.user_name, "body": n.body, "created": _iso(n.created_at)}
                  for n in notes.notes],
        "alerts": [alert_json(alert, names) for alert in data["alerts"]],
    })


def _annotate(ctx: Ctx, action: str) -> Response:
    article_id = int(ctx.request.path_params["id"])
    body: dict[str, Any] = ctx.body
    user = ctx.session.user.name
    field = {"tag": "tag", "note": "body"}.get(action)
    if field is not None and not isinstance(body.get(field, ""), str):
        return JSONResponse({"error": f"{field} phải là một chuỗi."}, status_code=400)
    try:
        if action == "tag":
            tag = marks.add_tag(ctx.store, article_id, body.get("tag", ""), user)
            return JSONResponse({"tag": tag}, status_code=201)
        if action == "note":
            note = marks.add_note(ctx.store, article_id, body.get("body", ""), user)
            return JSONResponse({"id": note.id, "body": note.body}, status_code=201)
        needed = body.get("needs_verification")
        if not isinstance(needed, bool):
            return JSONResponse({"error": "needs_verification phải là true hoặc false."}, status_code=400)
        marks.set_verification(ctx.store, article_id, needed, user)
        return JSONResponse({"needs_verification": needed})
    except PresswatchError as exc:
        status = 404 if "không có bài viết" in str(exc) else 400
        return JSONResponse({"error": str(exc)}, status_code=status)


@guard("analyst", api=True)
def add_tag(ctx: Ctx) -> Response:
    return _annotate(ctx, "tag")


@guard("analyst", api=True)
def add_note(ctx: Ctx) -> Response:
    return _annotate(ctx, "note")


@guard("analyst", api=True)
def verification(ctx: Ctx) -> Response:
    return _annotate(ctx, "verify")


@guard("viewer", api=True)
def openapi(ctx: Ctx) -> Response:
    return JSONResponse(SPEC)


def _filter(name: str, text: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": text,
            "schema": {"type": "array", "items": {"type": "string"}}, "explode": True}


# The descriptions are for the office's analysts and integrators: in Vietnamese, like the pages.
_ERRORS = {"401": {"$ref": "#/components/responses/Unauthorized"}, "403": {"$ref": "#/components/responses/Forbidden"}}
_TOO_LARGE = {"413": {"description": f"Thân yêu cầu quá lớn (tối đa {MAX_BODY // 1000} KB)"}}
_ID = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}, "description": "mã bài viết"}
_CSRF = {"name": "X-CSRF-Token", "in": "header", "required": True, "schema": {"type": "string"},
         "description": "Mã CSRF của phiên đăng nhập (có trên mọi trang, trong thẻ meta csrf-token)."}


def _post(summary: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"summary": summary, "parameters": [_ID, _CSRF], "security": [{"session": []}],
            "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
            "responses": {"200": {"description": "Đã lưu"}, "201": {"description": "Đã tạo"},
                          "400": {"description": "Thân yêu cầu không hợp lệ (không phải đối tượng JSON, sai kiểu)"},
                          "404": {"description": "Không có bài viết này"}, **_TOO_LARGE, **_ERRORS}}


SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "presswatch API", "version": "1", "description":
             "Tìm kiếm và đọc các bài viết đang theo dõi. Xác thực bằng cách đăng nhập tại /login (cookie phiên); "
             "các yêu cầu POST cần tiêu đề X-CSRF-Token. Vai trò: viewer chỉ đọc; analyst đọc và ghi chú, gắn nhãn. "
             f"Thân yêu cầu tối đa {MAX_BODY // 1000} KB."},
    "components": {
        "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "presswatch_session",
                                        "description": "Cookie phiên, nhận được khi đăng nhập tại /login"}},
        "responses": {"Unauthorized": {"description": "Chưa đăng nhập"},
                      "Forbidden": {"description": "Sai vai trò, hoặc thiếu / sai mã CSRF"}},
    },
    "paths": {
        "/api/search": {"get": {
            "summary": "Tìm bài viết (ngôn ngữ truy vấn: docs/query-language.md)",
            "security": [{"session": []}],
            "parameters": [
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": MAX_LENGTH},
                 "description": f"truy vấn, ví dụ `\"Mường Tè\" sạt lở` (dấu không bắt buộc); tối đa {MAX_LENGTH:,} "
                                "ký tự, 100 từ và toán tử, lồng 10 tầng".replace(",", ".")},
                {"name": "since", "in": "query", "schema": {"type": "string", "format": "date"},
                 "description": f"từ ngày (YYYY-MM-DD, giờ Việt Nam; năm {YEAR_MIN}–{YEAR_MAX})"},
                {"name": "until", "in": "query", "schema": {"type": "string", "format": "date"},
                 "description": f"đến hết ngày này (YYYY-MM-DD, giờ Việt Nam; năm {YEAR_MIN}–{YEAR_MAX})"},
                _filter("source", "mã nguồn (config/sources.yaml)"),
                _filter("kind", "loại nguồn: press, magazine, info_site, aggregator, social"),
                _filter("topic", "mã chủ đề (config/topics.yaml)"),
                _filter("sentiment", "sắc thái: negative (tiêu cực), neutral (trung tính), positive (tích cực)"),
                _filter("relevance", "mức liên quan: about (về Lai Châu), mention (có nhắc đến), none (không)"),
                _filter("place", "tên một đơn vị hành chính của Lai Châu (tên cũ hoặc mới, có dấu hay không)"),
                {"name": "sort", "in": "query", "schema": {"enum": ["relevance", "date"]},
                 "description": "sắp xếp: relevance (phù hợp nhất, mặc định) hoặc date (mới nhất)"},
                {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                 "description": "trang kết quả (20 bài mỗi trang)"},
                {"name": "facets", "in": "query", "schema": {"enum": ["0", "1"]},
                 "description": "0: bỏ đếm theo nhóm và theo ngày (nhanh hơn)"},
            ],
            "responses": {"200": {"description": "total (tổng số), hits (id, url, source, kind, title, published, "
                                                 "dated, snippet, highlights, exact, relevance, sentiment, topics), "
                                                 "facets, per_day (hoặc facets_omitted khi tìm thấy nhiều hơn "
                                                 "web_facet_max_hits bài)"},
                          "400": {"description": "Truy vấn không hợp lệ: error (thông báo) và position (vị trí, "
                                                 "đếm từ 1, như dòng lệnh; null khi lỗi ở since/until)"},
                          **_ERRORS},
        }},
        "/api/articles/{id}": {"get": {
            "summary": "Một bài viết: nội dung, thông tin, phân tích kèm bằng chứng, các bản đăng lại, nhãn và "
                       "ghi chú, các cảnh báo đã phát (alerts)",
            "security": [{"session": []}], "parameters": [_ID],
            "responses": {"200": {"description": "Bài viết; alerts: quy tắc (rule), mức độ (severity), thời điểm "
                                                 "(created), số bản (copies), trạng thái gửi theo từng kênh "
                                                 "(deliveries: channel, status pending/sent/dead, attempts, "
                                                 "sent, last_error); với bản đăng lại: cảnh báo của cả tin"},
                          "404": {"description": "Không có bài viết này"}, **_ERRORS},
        }},
        "/api/articles/{id}/tags": {"post": _post("Gắn nhãn cho bài viết (analyst)", {
            "type": "object", "required": ["tag"], "properties": {"tag": {"type": "string", "maxLength": 40}}})},
        "/api/articles/{id}/notes": {"post": _post("Thêm ghi chú (analyst)", {
            "type": "object", "required": ["body"], "properties": {"body": {"type": "string", "maxLength": 5000}}})},
        "/api/articles/{id}/verification": {"post": _post("Đánh dấu hoặc bỏ đánh dấu \"cần xác minh\" (analyst)", {
            "type": "object", "required": ["needs_verification"],
            "properties": {"needs_verification": {"type": "boolean"}}})},
        "/api/openapi.json": {"get": {"summary": "Tài liệu này", "security": [{"session": []}],
                                      "responses": {"200": {"description": "Tài liệu OpenAPI 3.1"}, **_ERRORS}}},
    },
}
