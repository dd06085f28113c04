"""Delivery channels: a signed JSON webhook, a Telegram bot, Slack- and Teams-style incoming webhooks.

Each ``send`` makes one HTTP POST and returns normally on a 2xx answer; anything else raises
``DeliveryError`` with a Vietnamese message, and the worker schedules a retry. Redirects are not
followed (a POST must not silently turn into a GET elsewhere).

Apprise was considered for the chat channels; it reports a bare True/False per notification, which
hides the HTTP status and error text the outbox records, so each channel here is a few lines over
``urllib`` instead.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

from alerts.signature import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from presswatch.config.alerts import ChannelTarget
from presswatch.errors import DeliveryError
from presswatch.reasons import error_text

USER_AGENT = "presswatch-alerts/0.1"
MAX_ERROR_BODY = 200


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> int:
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT, **headers})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            status = int(response.status)
            response.read(MAX_ERROR_BODY)
    except urllib.error.HTTPError as exc:
        detail = exc.read(MAX_ERROR_BODY).decode("utf-8", "replace").strip()
        raise DeliveryError(f"máy nhận trả lời HTTP {exc.code}" + (f": {detail}" if detail else "")) from None
    except TimeoutError:
        raise DeliveryError(f"quá thời gian chờ ({timeout:g} giây)") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        text = error_text(reason) if isinstance(reason, BaseException) else str(reason)
        raise DeliveryError(f"không kết nối được: {text}") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"máy nhận trả lời HTTP {status}")
    return status


def _mrkdwn(text: str) -> str:
    """Slack's three control characters; crawled text must not become links or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def send(target: ChannelTarget, payload: dict[str, Any], *, timeout: float, delivery_id: int) -> None:
    """Deliver ``payload`` (see ``alerts.payload``) to ``target`` once."""
    key = payload["idempotency_key"]
    if target.type == "webhook":
        assert target.secret is not None
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        stamp = int(time.time())
        _post(target.url, body, {
            IDEMPOTENCY_HEADER: key,
            TIMESTAMP_HEADER: str(stamp),
            SIGNATURE_HEADER: sign(target.secret, stamp, body),
            "X-Presswatch-Delivery": str(delivery_id),
        }, timeout)
    elif target.type == "telegram":
        # Plain text (no parse_mode): crawled titles cannot inject markup into the message.
        message = {"chat_id": target.chat_id, "text": payload["text"][:4096], "disable_web_page_preview": True}
        _post(target.url, json.dumps(message, ensure_ascii=False).encode("utf-8"), {}, timeout)
    elif target.type == "slack":
        message = {"text": _mrkdwn(payload["text"])}
        _post(target.url, json.dumps(message, ensure_ascii=False).encode("utf-8"), {IDEMPOTENCY_HEADER: key}, timeout)
    elif target.type == "teams":
        lines = payload["text"].split("\n")
        message = {"text": "\n\n".join(_mrkdwn(line) for line in lines)}
        _post(target.url, json.dumps(message, ensure_ascii=False).encode("utf-8"), {IDEMPOTENCY_HEADER: key}, timeout)
    else:  # pragma: no cover - the config model allows no other type
        raise DeliveryError(f"kiểu kênh không hỗ trợ: {target.type}")
