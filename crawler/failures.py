"""Turn a failed request into a short message an operator can act on (Vietnamese)."""

from __future__ import annotations

from typing import Any


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
    elif "DNSLookup" in name or "CannotResolveHost" in name:
        text = "không phân giải được tên miền (DNS)"
    elif "Timeout" in name or "TimedOut" in name:
        text = "quá thời gian chờ"
    elif "ConnectionRefused" in name:
        text = "máy chủ từ chối kết nối"
    elif "maxsize" in str(exc).lower() or "max size" in str(exc).lower():
        text = "trang vượt quá kích thước tối đa"
    elif name in ("ConnectionLost", "ResponseNeverReceived", "ConnectionDone", "ConnectError",
                  "ResponseDataLossError", "DownloadFailedError"):
        text = f"mất kết nối ({name})"
    elif name == "IgnoreRequest" and "robots" in str(exc).lower():
        text = "robots.txt không cho phép"
    else:
        detail = str(exc).strip() or name
        text = f"{name}: {detail}" if detail != name else name
    return f"{text}: {url}" if url else text
