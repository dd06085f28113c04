"""HTTP fetches for evidence, through the address policy, within limits.

Every connection resolves its host here and asks ``presswatch.netpolicy.AddressPolicy.check`` about
each address before connecting to it: the address checked is the address connected to (a name that
resolves to 127.0.0.1, a ``2130706433`` literal, a redirect to ``169.254.169.254``: refused). TLS is
still verified against the host name. Redirects are followed here, hop by hop, each hop through the
same gate, so a caller (the capture's browser, a re-check) never follows one on its own.

Bodies are read up to a byte limit (the rest is dropped and the response marked ``truncated``) and
within a deadline. ``Accept-Encoding: identity`` is asked for; a gzip/deflate body a server sends
anyway is decoded for ``text``/``body`` and kept as received in ``raw`` (what the WARC records).
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpcore

from presswatch.netpolicy import AddressPolicy, Refusal, literal_address

REDIRECTS = 10
MAX_DECODED = 100_000_000  # bytes a gzip/deflate body may expand to (a compression bomb stops there)
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_HOP_HEADERS = frozenset({"transfer-encoding", "connection", "keep-alive", "content-encoding", "content-length"})


class PolicyRefusedError(OSError):
    """A connection the address policy refused; ``refusal`` says which address and why."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message())
        self.refusal = refusal


class PolicyBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network backend with the address policy between resolution and connection."""

    def __init__(self, policy: AddressPolicy) -> None:
        self.policy = policy
        self.inner = httpcore.AnyIOBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                          socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        literal = literal_address(host)
        if literal is not None:
            addresses = [str(literal)]
        else:
            loop = asyncio.get_running_loop()
            infos = await asyncio.wait_for(loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout)
            addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        refused: Refusal | None = None
        for address in addresses:
            refusal = self.policy.check(host, port, address)
            if refusal is not None:
                refused = refused or refusal
                continue
            return await self.inner.connect_tcp(address, port, timeout=timeout, local_address=local_address,
                                                socket_options=socket_options)
        if refused is not None:
            raise PolicyRefusedError(refused)
        raise OSError(f"không phân giải được tên máy {host}")

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        raise OSError("evidence never connects to a unix socket")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


@dataclass
class Exchange:
    """One HTTP request and its response, as the WARC records them."""

    method: str
    url: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    headers: list[tuple[str, str]]
    raw: bytes  # the body as received (after transfer decoding), possibly truncated
    truncated: bool = False
    started: float = field(default_factory=time.time)

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((value for key, value in self.headers if key.lower() == name), None)

    @property
    def body(self) -> bytes:
        """The body with its content encoding (gzip, deflate) undone."""
        encoding = (self.header("content-encoding") or "").lower().strip()
        if encoding in ("gzip", "x-gzip", "deflate"):
            try:
                return zlib.decompressobj(47 if encoding != "deflate" else 15).decompress(self.raw, MAX_DECODED)
            except zlib.error:
                return self.raw
        return self.raw

    def browser_headers(self) -> dict[str, str]:
        """The response headers for the browser: those of the body as decoded here."""
        merged: dict[str, str] = {}
        for key, value in self.headers:
            if key.lower() in _HOP_HEADERS:
                continue
            merged[key] = f"{merged[key]}, {value}" if key in merged and key.lower() != "set-cookie" else value
        return merged

    @property
    def media_type(self) -> str:
        return (self.header("content-type") or "").split(";", 1)[0].strip().lower()

    def text(self) -> str:
        charset = "utf-8"
        for part in (self.header("content-type") or "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                charset = value.strip().strip('"')
        try:
            return self.body.decode(charset, "replace")
        except LookupError:
            return self.body.decode("utf-8", "replace")


@dataclass
class Fetched:
    """The exchanges of one fetch (every redirect hop, then the final response)."""

    exchanges: list[Exchange]

    @property
    def final(self) -> Exchange:
        return self.exchanges[-1]


class Fetcher:
    """An HTTP/1.1 client whose every connection goes through the address policy."""

    def __init__(self, policy: AddressPolicy, *, user_agent: str, timeout: float = 30.0,
                 max_connections: int = 16) -> None:
        context = ssl.create_default_context()
        self.pool = httpcore.AsyncConnectionPool(network_backend=PolicyBackend(policy), ssl_context=context,
                                                 max_connections=max_connections, retries=0)
        self.user_agent = user_agent
        self.timeout = timeout

    async def close(self) -> None:
        await self.pool.aclose()

    async def exchange(self, method: str, url: str, headers: Iterable[tuple[str, str]] = (), body: bytes | None = None,
                       *, max_bytes: int, deadline: float | None = None) -> Exchange:
        """One request, no redirect followed. ``deadline``: a ``time.monotonic()`` limit."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise ValueError(f"chỉ lưu được địa chỉ http(s), không phải '{scheme or url}'")
        sent = [(k, v) for k, v in headers if k.lower() not in ("accept-encoding", "user-agent", "host", "cookie")]
        sent += [("User-Agent", self.user_agent), ("Accept-Encoding", "identity")]
        remaining = self.timeout if deadline is None else max(0.1, min(self.timeout, deadline - time.monotonic()))
        started = time.time()

        async def run() -> Exchange:
            async with self.pool.stream(method, url, headers=sent, content=body,
                                        extensions={"timeout": {"connect": remaining, "read": remaining,
                                                                "write": remaining, "pool": remaining}}) as response:
                chunks: list[bytes] = []
                size = 0
                truncated = False
                async for chunk in response.aiter_stream():
                    if size + len(chunk) > max_bytes:
                        chunks.append(chunk[:max_bytes - size])
                        truncated = True
                        break
                    chunks.append(chunk)
                    size += len(chunk)
                reason = response.extensions.get("reason_phrase", b"")
                return Exchange(method=method, url=url, request_headers=sent, status=response.status,
                                reason=reason.decode("latin-1") if isinstance(reason, bytes) else "",
                                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers],
                                raw=b"".join(chunks), truncated=truncated, started=started)

        return await asyncio.wait_for(run(), remaining)

    async def fetch(self, url: str, headers: Iterable[tuple[str, str]] = (), *, max_bytes: int,
                    deadline: float | None = None) -> Fetched:
        """GET ``url`` following redirects (each hop through the policy), at most ``REDIRECTS``."""
        exchanges: list[Exchange] = []
        headers = list(headers)
        for _ in range(REDIRECTS + 1):
            exchange = await self.exchange("GET", url, headers, max_bytes=max_bytes, deadline=deadline)
            exchanges.append(exchange)
            location = exchange.header("location")
            if exchange.status not in REDIRECT_STATUSES or not location:
                return Fetched(exchanges)
            url = urljoin(url, location)
        raise OSError(f"quá {REDIRECTS} lần chuyển hướng")
