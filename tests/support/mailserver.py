"""A real SMTP server on 127.0.0.1 for the tests that send mail (digest, reports, case reminders).

``Inbox`` is the aiosmtpd handler: it keeps every message it accepts (parsed, raw and with its
envelope) and answers ``451`` to the first ``refuse`` messages, as a busy server would.
``MailServer`` runs it on a free loopback port and can be stopped and started again on the same port
(the server down, then back).
"""

from __future__ import annotations

import email
import email.policy
from email.message import EmailMessage
from types import TracebackType
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.crawling import free_port


class Inbox:
    def __init__(self, refuse: int = 0) -> None:
        self.refuse = refuse
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.raw: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.messages.append(parsed)
        self.raw.append(envelope.original_content)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


class MailServer:
    """aiosmtpd on a fixed free loopback port; ``options`` go to aiosmtpd's ``Controller``."""

    def __init__(self, inbox: Inbox | None = None, **options: Any) -> None:
        self.inbox = inbox if inbox is not None else Inbox()
        self.port = free_port()
        self.options = options
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port, **self.options)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def __enter__(self) -> MailServer:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()
