"""ASGI middleware that caps every request body, for every route, while it streams in.

A declared ``Content-Length`` over the cap is refused (413) before a byte of the body is read; a
chunked body (no length) is counted as it arrives and refused once past the cap; a request that
declares both a length and chunked encoding (a request-smuggling shape) is refused (400). When the
answer goes out before the body was read to its end (refused, or answered by ``guard`` before
reading, e.g. 401), the response says ``Connection: close`` so the server stops taking the upload
instead of reading it to discard it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

Refusal = Callable[[Scope, int], Response]  # (scope, status) → the answer (413, 400)


class BodyTooLarge(Exception):
    """Raised from ``receive`` once the body is past the cap; turned into a 413 by ``BodyLimit``."""


@dataclass
class _Progress:
    received: int = 0
    done: bool = False  # the whole body has been read (or there is none)
    started: bool = False  # the response has started


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int, refuse: Refusal,
                 larger: Callable[[Scope], int | None] | None = None) -> None:
        """``larger(scope)``: a larger cap for the few requests that carry a file (a case's
        attachment), or None for the common cap."""
        self.app = app
        self.max_bytes = max_bytes
        self.refuse = refuse
        self.larger = larger

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = (self.larger(scope) if self.larger is not None else None) or self.max_bytes
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        declared = headers.get(b"content-length")
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        if declared is not None and chunked:
            await self._answer(scope, receive, send, 400)
            return
        if declared is not None and (not declared.strip().isdigit() or int(declared) > cap):
            await self._answer(scope, receive, send, 413)
            return
        state = _Progress(done=(declared is None and not chunked) or declared == b"0")

        async def limited() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state.received += len(message.get("body", b""))
                if state.received > cap:
                    raise BodyTooLarge
                if not message.get("more_body", False):
                    state.done = True
            return message

        async def closing(message: Message) -> None:
            if message["type"] == "http.response.start":
                state.started = True
                if not state.done:  # the rest of the body will not be read: end the connection
                    message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        try:
            await self.app(scope, limited, closing)
        except BodyTooLarge:
            if not state.started:
                await self._answer(scope, receive, send, 413)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, status: int) -> None:
        response = self.refuse(scope, status)
        response.headers["connection"] = "close"
        await response(scope, receive, send)


def either(*caps: Callable[[Scope], int | None]) -> Callable[[Scope], int | None]:
    """For ``BodyLimit(larger=…)``: the first larger cap one of ``caps`` gives a request (a case's
    attachment, a register workbook), or None."""
    def larger(scope: Scope) -> int | None:
        return next((cap for cap in (c(scope) for c in caps) if cap is not None), None)

    return larger
