"""The cases' reminders by e-mail (``cases_reminder_email``): each reminder queued for a case's
assignee (``cases.reminders.queue_mail``) is sent to the address of the assignee's account through
the digest's SMTP settings (``smtp_*``, ``digest_sender``, credentials from the environment).

A missing address, a locked account or a failing server is one failed try of that e-mail: logged
with the case's number and the reminder's kind only (no name, no address: personal data), retried
later (``cases.reminders.mail_failed``), and the other e-mails of the run are still tried. After
two server failures in a row the run stops (the server is down: the rest wait for the next run
rather than each waiting for the timeout). The channel reminders are queued before, in their own
transaction, so e-mail never holds them up.
"""

from __future__ import annotations

import email.policy
import logging
import sqlite3
import ssl
from collections.abc import Mapping
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from alerts.digest.mail import SENDER_NAME, send
from cases import reminders
from cases.reads import get_case
from presswatch.config import Settings
from presswatch.errors import SendError
from presswatch.store import Store, users

log = logging.getLogger("presswatch.jobs")
STOP_AFTER = 2  # server failures in a row that end the run
# Headers folded at RFC 5322's hard limit, not at 78: Python's folder drops the space between two
# encoded words it splits a Vietnamese subject into ("hồ sơ" arrived as "hồsơ").
_POLICY = email.policy.default.clone(max_line_length=998)


def message(mail: reminders.Mail, address: str, settings: Settings, now: datetime) -> EmailMessage:
    """The reminder as a plain-text e-mail to ``address``."""
    email = EmailMessage(policy=_POLICY)
    email["Subject"] = mail.subject
    local_part, _, domain = settings.digest_sender.partition("@")
    email["From"] = Address(SENDER_NAME, local_part, domain)
    email["To"] = address
    email["Date"] = format_datetime(now)
    email["Message-ID"] = make_msgid(idstring=f"case-{mail.case_id}-{mail.kind}", domain=domain or "localhost")
    email["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to a robot
    email.set_content(mail.body + "\n\n— presswatch (thư tự động, không trả lời thư này)\n", charset="utf-8",
                      cte="quoted-printable")
    return email


def send_reminder_mail(store: Store, settings: Settings, environ: Mapping[str, str], now: datetime,
                       context: ssl.SSLContext | None = None) -> tuple[int, int]:
    """Try the e-mails due now; (sent, failed)."""
    with store.transaction() as db:
        pending = reminders.mail_due(db, now)
        numbers = {case_id: number for case_id, number in
                   ((m.case_id, _number(db, m.case_id)) for m in pending)}
    addresses = {user.name: user.email for user in users.list_users(store) if not user.disabled and user.email}
    sent = failed = server_failures = 0
    for mail in pending:
        address = addresses.get(mail.recipient)
        error = None
        if address is None:
            error = "người xử lý chưa có địa chỉ email (hoặc tài khoản đã bị khóa)"
        else:
            try:
                send(message(mail, address, settings, now), settings, environ, context)
                server_failures = 0
            except SendError as exc:
                error = str(exc).replace(address, "<người nhận>")
                server_failures += 1
        with store.transaction() as db:
            if error is None:
                reminders.mail_sent(db, mail.id, now)
                sent += 1
                continue
            retry = reminders.mail_failed(db, mail.id, error, now)
        failed += 1
        log.warning("nhắc việc hồ sơ %s (%s) qua email: lần %d không gửi được: %s; %s",
                    numbers.get(mail.case_id, mail.case_id), mail.kind, mail.attempts + 1, error,
                    f"thử lại lúc {retry:%Y-%m-%d %H:%M} UTC" if retry else "đã thôi thử")
        if server_failures >= STOP_AFTER:
            break
    return sent, failed


def _number(db: sqlite3.Connection, case_id: int) -> str:
    case = get_case(db, case_id)
    return case.number if case else f"#{case_id}"
