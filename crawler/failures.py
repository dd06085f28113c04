"""Turn a failed request into a short message an operator can act on (Vietnamese).

Scrapy, Twisted and the OS name failures in English (``DownloadCancelledError``, ``IgnoreRequest:
max redirections reached``, ``No such file or directory``); what reaches ``presswatch sources``, the
web page and health alerts is said in Vietnamese here. An unknown failure keeps its own name and
words, so nothing is hidden; presswatch's own exceptions (``PresswatchError``) are Vietnamese already
and are shown as they are.
"""

from __future__ import annotations

import re
from typing import Any

from presswatch.errors import PresswatchError
from presswatch.reasons import os_error_text

# Exception class names (Scrapy, Twisted) → what they mean for the operator.
BY_NAME: dict[str, str] = {
    "DNSLookupError": "không phân giải được tên miền (DNS)",
    "CannotResolveHostError": "không phân giải được tên miền (DNS)",
    "ConnectionRefusedError": "máy chủ từ chối kết nối",
    "DownloadConnectionRefusedError": "máy chủ từ chối kết nối",
    "ConnectionLost": "mất kết nối: máy chủ ngắt giữa chừng",
    "ConnectionDone": "mất kết nối: máy chủ đóng kết nối trước khi trả lời xong",
    "ResponseNeverReceived": "mất kết nối: máy chủ không trả lời",
    "ResponseFailed": "mất kết nối: trang trả về không trọn vẹn",
    "ResponseDataLossError": "mất kết nối: trang trả về không trọn vẹn (thiếu dữ liệu)",
    "DownloadFailedError": "mất kết nối: tải trang thất bại",
    "ConnectError": "mất kết nối: không kết nối được tới máy chủ",
    "NoRouteError": "không tới được máy chủ (không có đường mạng)",
    "DownloadCancelledError": "tải trang bị hủy giữa chừng (thường do trang vượt quá kích thước tối đa)",
    "UnsupportedURLSchemeError": "giao thức của địa chỉ không được hỗ trợ (chỉ http và https)",
    "NotSupported": "giao thức của địa chỉ không được hỗ trợ (chỉ http và https)",
}
# IgnoreRequest carries its reason as English text from Scrapy's middlewares.
IGNORED: tuple[tuple[str, str], ...] = (
    ("robots", "robots.txt không cho phép"),
    ("max redirections", "chuyển hướng quá nhiều lần (có thể là vòng lặp chuyển hướng)"),
    ("offsite", "địa chỉ nằm ngoài tên miền của nguồn"),
)


# yt-dlp runs as a subprocess and reports a failure as one English line on stderr ("ERROR: …").
YTDLP: tuple[tuple[str, str], ...] = (
    ("failed to resolve", "không phân giải được tên miền (DNS)"),
    ("name or service not known", "không phân giải được tên miền (DNS)"),
    ("temporary failure in name resolution", "không phân giải được tên miền (DNS)"),
    ("getaddrinfo failed", "không phân giải được tên miền (DNS)"),
    ("timed out", "quá thời gian chờ"),
    ("connection refused", "máy chủ từ chối kết nối"),
    ("network is unreachable", "không tới được máy chủ (không có đường mạng)"),
    ("http error 429", "HTTP 429: máy chủ từ chối vì gửi quá nhiều yêu cầu"),
    ("sign in to confirm", "YouTube đòi đăng nhập để xác nhận không phải máy (bị chặn tạm thời)"),
    ("certificate verify failed", "lỗi TLS/chứng chỉ"),
)


def describe_ytdlp(stderr: str) -> str:
    """What yt-dlp's last error line means for the operator (Vietnamese); an unknown error keeps its
    own words (shortened), so nothing is hidden."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    tail = next((line for line in reversed(lines) if line.startswith("ERROR")), lines[-1] if lines else "")
    lowered = tail.lower()
    for needle, reason in YTDLP:
        if needle in lowered:
            return reason
    if match := re.search(r"http error (\d{3})", lowered):
        return f"HTTP {match.group(1)}"
    return tail.removeprefix("ERROR:").strip()[:300] or "lỗi không rõ"


def describe(failure: Any) -> str:
    """``failure`` is a Twisted Failure or an exception; returns e.g. "HTTP 404: https://…"."""
    exc = getattr(failure, "value", failure)
    request = getattr(failure, "request", None)
    url = getattr(request, "url", "") or ""
    name = type(exc).__name__
    if name == "RefusedAddress":  # crawler.middlewares: the message names the address and the URL
        return str(exc)
    response = getattr(exc, "response", None)
    if response is not None and getattr(response, "status", None):
        text = f"HTTP {response.status}"
        url = url or response.url
    else:
        text = _reason(exc)
    return f"{text}: {url}" if url else text


def _reason(exc: BaseException) -> str:
    name = type(exc).__name__
    detail = str(exc).strip()
    if isinstance(exc, PresswatchError):
        return detail or name  # ours already speak Vietnamese
    if "maxsize" in detail.lower() or "max size" in detail.lower():
        return "trang vượt quá kích thước tối đa"
    if "Timeout" in name or "TimedOut" in name:
        return "quá thời gian chờ"
    if name == "IgnoreRequest":
        for needle, reason in IGNORED:
            if needle in detail.lower():
                return reason
        return f"yêu cầu bị bỏ qua ({detail})" if detail else "yêu cầu bị bỏ qua"
    if name in BY_NAME:
        return BY_NAME[name]
    if "TLS" in name or "SSL" in name or name == "Error" and "SSL" in type(exc).__module__:
        return f"lỗi TLS/chứng chỉ ({detail or name})"
    if isinstance(exc, OSError):
        return os_error_text(exc)
    return f"{name}: {detail}" if detail and detail != name else name
