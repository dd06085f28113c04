"""The OpenAPI 3.1 document of the JSON API (``SPEC``).

Served at /api/openapi.json and shown on /docs/api; its descriptions are in Vietnamese, like the pages."""

from __future__ import annotations

from typing import Any

from presswatch.query import MAX_LENGTH, YEAR_MAX, YEAR_MIN
from presswatch.web.context import MAX_BODY


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


_CASE_ID = {**_ID, "description": "mã hồ sơ (id, không phải số 45/2026)"}
_CASE_ERRORS = {"400": {"description": "Trường không hợp lệ: error (thông báo tiếng Việt)"},
                "403": {"description": "Vai trò không được làm việc này, hoặc thiếu / sai mã CSRF"},
                "404": {"description": "Không có hồ sơ này"},
                "409": {"description": "Hồ sơ đã bị người khác thay đổi sau phiên bản đã đọc (version): error nói ai, "
                                       "lúc nào; không có gì bị ghi đè"}, **_TOO_LARGE}
_CASE_FIELDS = {"title": {"type": "string", "maxLength": 300}, "kind": {"type": "string"},
                "summary": {"type": "string", "maxLength": 20000}, "outlets": {"type": "string"},
                "deadline": {"type": "string", "format": "date"}, "assignee": {"type": "string"},
                "reporter_name": {"type": "string"}, "reporter_phone": {"type": "string"},
                "reporter_email": {"type": "string"}}
# The cases' endpoints (issue 18, presswatch.web.case_api; docs/cases.md).
CASE_PATHS: dict[str, Any] = {
    "/api/cases": {
        "get": {"summary": "Danh sách hồ sơ vụ việc, mới thay đổi trước; đếm theo trạng thái và quá hạn",
                "security": [{"session": []}],
                "parameters": [{"name": name, "in": "query", "required": False, "schema": {"type": "string"},
                                "description": text} for name, text in (
                    ("state", "trạng thái: new, verifying, concluded, acting, closed, referred"),
                    ("kind", "mã loại vụ việc (config/cases.yaml)"), ("assignee", "người xử lý"),
                    ("overdue", "1: chỉ hồ sơ quá hạn"), ("page", "trang (50 hồ sơ mỗi trang)"))],
                "responses": {"200": {"description": "total, page, per_page, by_state, overdue, cases (thông tin "
                                                     "người phản ánh chỉ có với thanh tra, quản trị)"}, **_ERRORS}},
        "post": {"summary": "Mở hồ sơ mới (analyst): origin mặc định api; articles (mã bài viết), links",
                 "security": [{"session": []}], "parameters": [_CSRF],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["title", "kind"],
                     "properties": {**_CASE_FIELDS, "origin": {"type": "string"},
                                    "articles": {"type": "array", "items": {"type": "integer"}},
                                    "links": {"type": "array", "items": {"type": "string"}}}}}}},
                 "responses": {"201": {"description": "Hồ sơ đã mở (number: số hồ sơ)"}, **_CASE_ERRORS,
                               **_ERRORS}},
    },
    "/api/cases/{id}": {
        "get": {"summary": "Một hồ sơ: thông tin, bài viết, đường dẫn, biện pháp, tệp, diễn biến (timeline)",
                "security": [{"session": []}], "parameters": [_CASE_ID],
                "responses": {"200": {"description": "Hồ sơ"}, "404": {"description": "Không có hồ sơ này"},
                              **_ERRORS}},
        "post": {"summary": "Một thay đổi mỗi yêu cầu: changes, state, conclusion (+ reasoning) kèm version; "
                            "hoặc articles, action",
                 "security": [{"session": []}], "parameters": [_CASE_ID, _CSRF],
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "properties": {
                         "version": {"type": "integer"},
                         "changes": {"type": "object", "properties": _CASE_FIELDS},
                         "state": {"type": "string"},
                         "conclusion": {"enum": ["true", "false", "partly", "unfounded"]},
                         "reasoning": {"type": "string"},
                         "articles": {"type": "array", "items": {"type": "integer"}}, "copies": {"type": "boolean"},
                         "action": {"type": "object", "properties": {
                             "kind": {"enum": ["correction", "takedown", "fine", "police", "reply"]},
                             "on_day": {"type": "string", "format": "date"}, "decision_number": {"type": "string"},
                             "legal_basis": {"type": "string"}, "amount": {"type": "integer"},
                             "note": {"type": "string"}}}}}}}},
                 "responses": {"200": {"description": "Hồ sơ sau thay đổi"}, **_CASE_ERRORS, **_ERRORS}},
    },
    "/api/cases/{id}/attachments": {
        "post": {"summary": "Đính kèm một tệp vào hồ sơ (analyst): PDF, ảnh hoặc ghi âm, xét theo nội dung; "
                            "tối đa cases_attachment_max_bytes",
                 "security": [{"session": []}], "parameters": [_CASE_ID, _CSRF],
                 "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                     "type": "object", "required": ["file"],
                     "properties": {"file": {"type": "string", "format": "binary"}}}}}},
                 "responses": {"201": {"description": "Tệp đã đính kèm: id, name, mime, size, sha256 (tệp giống "
                                                      "hệt đã có thì trả lại tệp đó)"},
                               **_CASE_ERRORS, **_ERRORS}},
    },
}

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
                _filter("relevance", "mức liên quan: about (về tỉnh được theo dõi), mention (có nhắc đến), "
                                     "none (không)"),
                _filter("place", "tên một đơn vị hành chính (tên cũ hoặc mới, có dấu hay không)"),
                _filter("province", "một tỉnh, thành phố được theo dõi (có dấu hay không; tên trước năm 2025 "
                                    "cũng được)"),
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
        "/api/articles/{id}/corrections": {
            "get": {"summary": "Các hiệu chỉnh đánh giá của bài viết: in_force (đang có hiệu lực, theo trường) và "
                               "corrections (mọi lần, kể cả đã hoàn tác), mới trước",
                    "parameters": [_ID], "security": [{"session": []}],
                    "responses": {"200": {"description": "Mã bài (article), hiệu chỉnh đang có hiệu lực (in_force), "
                                                         "mọi hiệu chỉnh (corrections)"},
                                  "404": {"description": "Không có bài viết này"}, **_ERRORS}},
            "post": _post("Hiệu chỉnh một trường đánh giá (analyst): relevance (about/mention/none), topics (danh "
                          "sách mã chủ đề đã cấu hình), sentiment (negative/neutral/positive), toxicity "
                          "(clean/offensive/hate); thay cho giá trị của mô hình ở tìm kiếm, bộ lọc, bản tin, báo cáo", {
                              "type": "object", "required": ["field", "value"],
                              "properties": {"field": {"type": "string",
                                                       "enum": ["relevance", "topics", "sentiment", "toxicity"]},
                                             "value": {"oneOf": [{"type": "string"},
                                                                 {"type": "array", "items": {"type": "string"}}]},
                                             "reason": {"type": "string", "maxLength": 500}}})},
        "/api/articles/{id}/corrections/withdraw": {"post": _post(
            "Hoàn tác hiệu chỉnh một trường (analyst): giá trị của mô hình trở lại", {
                "type": "object", "required": ["field"], "properties": {"field": {"type": "string"}}})},
        **CASE_PATHS,
        "/api/openapi.json": {"get": {"summary": "Tài liệu này", "security": [{"session": []}],
                                      "responses": {"200": {"description": "Tài liệu OpenAPI 3.1"}, **_ERRORS}}},
    },
}
