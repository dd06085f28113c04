"""A real webhook receiver on 127.0.0.1 for alert tests: it can fail, hang, then recover.

``script`` is consumed one entry per request: an HTTP status to answer with, or ``"hang"`` to sleep
past the sender's timeout. When the script is exhausted every request gets ``200``. Like a careful
inspector's system it deduplicates by ``Idempotency-Key``: ``accepted`` holds each key's first
successful delivery, ``requests`` every request seen.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int
    at: float = 0.0  # time.monotonic() when answered

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    script: list[int | str] = field(default_factory=list)
    delay: float = 0.0  # seconds before answering each request (slow endpoint)
    hang: float = 3.0  # seconds a "hang" entry sleeps
    requests: list[Received] = field(default_factory=list)
    accepted: dict[str, Received] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    action = receiver.script.pop(0) if receiver.script else 200
                if action == "hang":
                    time.sleep(receiver.hang)
                    action = 200  # too late: the sender gave up already
                elif receiver.delay:
                    time.sleep(receiver.delay)
                status = int(action)
                item = Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body, status,
                                time.monotonic())
                with receiver.lock:
                    receiver.requests.append(item)
                    key = item.headers.get("idempotency-key") or f"#{len(receiver.requests)}"
                    if 200 <= status < 300:
                        receiver.accepted.setdefault(key, item)
                payload = b'{"ok": true}' if status < 300 else b'{"error": "try later"}'
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                try:
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def wait_for(self, count: int, timeout: float = 20.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.accepted) >= count:
                    return True
            time.sleep(0.05)
        return False
