"""Build the digest email and send it over SMTP.

The message is ``multipart/alternative``: a ``text/plain`` part, then a ``multipart/related`` holding
the ``text/html`` part and the PNG charts it references by ``cid:``. Headers are encoded by the
``email`` package (RFC 2047 UTF-8 for the Vietnamese subject and sender name).

Security: ``smtp_security`` is ``starttls`` (port 587), ``ssl`` (implicit TLS, port 465) or
``none`` (a relay on the same host or network only). Credentials come only from the environment:
``PRESSWATCH_SMTP_USERNAME`` and ``PRESSWATCH_SMTP_PASSWORD``; without them no login is attempted.
"""

from __future__ import annotations

import base64
import secrets
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from presswatch.config import Settings
from presswatch.errors import SendError
from presswatch.reasons import error_text

SENDER_NAME = "Hệ thống theo dõi báo chí"
USERNAME_ENV = "PRESSWATCH_SMTP_USERNAME"
PASSWORD_ENV = "PRESSWATCH_SMTP_PASSWORD"


def content_id(name: str, domain: str) -> str:
    """A ``Content-ID`` (with angle brackets) for the image ``name``; short enough not to be folded."""
    return f"<{name}.{secrets.token_hex(8)}@{domain}>"


def _domain(address: str) -> str:
    return address.rsplit("@", 1)[-1] or "localhost"


def build_message(subject: str, text: str, html: str, images: Mapping[str, bytes], sender: str,
                  recipients: Sequence[str], cids: Mapping[str, str]) -> EmailMessage:
    """``html`` must reference each image as ``cid:<cids[name] without brackets>``."""
    message = EmailMessage()
    message["Subject"] = subject
    local_part, _, domain = sender.partition("@")
    message["From"] = Address(SENDER_NAME, local_part, domain)
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(idstring="digest", domain=_domain(sender))
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a robot
    message.set_content(text, subtype="plain", charset="utf-8")
    message.add_alternative(html, subtype="html", charset="utf-8")
    html_part = message.get_payload()[1]  # type: ignore[index]
    assert isinstance(html_part, EmailMessage)
    for name, data in images.items():
        html_part.add_related(data, maintype="image", subtype="png", cid=cids[name],
                              filename=f"{name}.png", disposition="inline")
    return message


def send(message: EmailMessage, settings: Settings, environ: Mapping[str, str],
         context: ssl.SSLContext | None = None) -> list[str]:
    """Send ``message`` to its ``To`` addresses; raise ``SendError`` with the server's reason when
    nobody got it. Returns the recipients refused while others accepted (not worth a resend)."""
    username = environ.get(USERNAME_ENV)
    password = environ.get(PASSWORD_ENV, "")
    context = context or ssl.create_default_context()
    host, port, timeout = settings.smtp_host, settings.smtp_port, settings.smtp_timeout
    try:
        client: smtplib.SMTP
        if settings.smtp_security == "ssl":
            client = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if settings.smtp_security == "starttls":
                client.starttls(context=context)
            if username:
                _login(client, username, password)
            refused = client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"máy chủ SMTP từ chối mọi người nhận: {_reasons(exc.recipients)}") from exc
    except smtplib.SMTPResponseException as exc:
        reason = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        raise SendError(f"máy chủ SMTP trả lời {exc.smtp_code}: {reason}") from exc
    except (smtplib.SMTPException, OSError, UnicodeError) as exc:
        raise SendError(f"không gửi được qua {host}:{port}: {_failure(exc)}") from exc
    return [_reasons({address: reason}) for address, reason in refused.items()]


def _login(client: smtplib.SMTP, username: str, password: str) -> None:
    """``SMTP.login`` only takes ASCII; non-ASCII credentials go as AUTH PLAIN in UTF-8 (RFC 4616)."""
    if f"{username}{password}".isascii():
        client.login(username, password)
        return
    client.ehlo_or_helo_if_needed()
    token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
    code, reply = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _failure(exc: Exception) -> str:
    """Why the connection or the conversation failed, in Vietnamese."""
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "máy chủ SMTP ngắt kết nối giữa chừng"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"máy chủ SMTP không hỗ trợ chức năng cần dùng ({exc})"
    if isinstance(exc, smtplib.SMTPException):
        return f"lỗi SMTP: {exc}"
    return error_text(exc)


def _reasons(refused: Mapping[str, tuple[int, bytes]]) -> str:
    return "; ".join(f"{address} ({code} {text.decode('utf-8', 'replace')})"
                     for address, (code, text) in refused.items())
