"""A SOCKS5 proxy on loopback through which headless Chromium reaches the network (``render: browser``).

Chromium resolves names itself, follows redirects itself and loads whatever a page asks for
(images, scripts, ``fetch()``, iframes): a request hook cannot see every redirect hop, and a check
there would be followed by a second resolution in the browser. So Chromium is launched with this
proxy and may not resolve names itself (Playwright adds ``--host-resolver-rules="MAP * ~NOTFOUND"``
for a SOCKS proxy, and proxies loopback too): it sends host names to the proxy, which connects
through Twisted's ``HostnameEndpoint``, that is through ``crawler.resolver.PolicyResolver``, the
same gate as Scrapy's own downloads. A refused connection is answered "not allowed by ruleset" and
reported through ``on_refusal``.

Only what the browser needs of RFC 1928: no authentication, CONNECT, IPv4 / domain / IPv6 targets.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Callable
from typing import Any

from twisted.internet.endpoints import HostnameEndpoint
from twisted.internet.protocol import Factory, Protocol, connectionDone
from twisted.python.failure import Failure

from presswatch.netpolicy import Refusal

_VERSION = 5
_NO_AUTH, _NO_ACCEPTABLE = 0, 0xFF
_CONNECT = 1
_IPV4, _DOMAIN, _IPV6 = 1, 3, 4
_SUCCEEDED, _FAILURE, _NOT_ALLOWED, _UNREACHABLE, _COMMAND_NOT_SUPPORTED, _ATYP_NOT_SUPPORTED = 0, 1, 2, 4, 7, 8


def _reply(code: int) -> bytes:
    return bytes([_VERSION, code, 0, _IPV4]) + b"\0\0\0\0\0\0"


def parse_greeting(buffer: bytes) -> tuple[list[int], int] | None:
    """The client's authentication methods and the bytes they took, or None if incomplete."""
    if len(buffer) < 2 or len(buffer) < 2 + buffer[1]:
        return None
    return list(buffer[2:2 + buffer[1]]), 2 + buffer[1]


def parse_request(buffer: bytes) -> tuple[int, int, str, int, int] | None:
    """``(command, address type, host, port, bytes taken)`` or None if incomplete."""
    if len(buffer) < 5:
        return None
    command, kind = buffer[1], buffer[3]
    if kind == _IPV4:
        start, end = 4, 8
    elif kind == _IPV6:
        start, end = 4, 20
    elif kind == _DOMAIN:
        start, end = 5, 5 + buffer[4]
    else:
        return command, kind, "", 0, len(buffer)
    if len(buffer) < end + 2:
        return None
    raw = buffer[start:end]
    if kind == _DOMAIN:
        host = raw.decode("ascii", "replace")
    else:
        host = str(ipaddress.ip_address(raw))
    (port,) = struct.unpack("!H", buffer[end:end + 2])
    return command, kind, host, port, end + 2


class _Relay(Protocol):
    """A connection whose transport is typed Any: Twisted's zope interfaces are not types mypy reads."""

    @property
    def link(self) -> Any:
        return self.transport


class _Upstream(_Relay):
    """The connection to the site, relaying to the browser's connection."""

    def __init__(self, client: _SocksConnection) -> None:
        self.client = client

    def dataReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's interface
        self.client.link.write(data)

    def connectionLost(self, reason: Failure = connectionDone) -> None:  # noqa: N802 - Twisted's interface
        self.client.link.loseConnection()


class _Connector(Factory):
    """Hands the one protocol it was built for to the endpoint."""

    noisy = False

    def __init__(self, protocol: Protocol) -> None:
        self.protocol_instance = protocol

    def buildProtocol(self, addr: Any) -> Protocol:  # noqa: N802 - Twisted's interface
        return self.protocol_instance


class _SocksConnection(_Relay):
    def __init__(self, proxy: BrowserProxy) -> None:
        self.proxy = proxy
        self.buffer = b""
        self.state = "greeting"
        self.upstream: _Upstream | None = None

    def dataReceived(self, data: bytes) -> None:  # noqa: N802 - Twisted's interface
        if self.state == "relay" and self.upstream is not None:
            self.upstream.link.write(data)
            return
        self.buffer += data
        if self.state == "greeting":
            self._greeting()
        if self.state == "request":
            self._request()

    def _greeting(self) -> None:
        if self.buffer[:1] not in (b"", bytes([_VERSION])):
            self.link.loseConnection()
            return
        parsed = parse_greeting(self.buffer)
        if parsed is None:
            return
        methods, taken = parsed
        self.buffer = self.buffer[taken:]
        if _NO_AUTH not in methods:
            self.link.write(bytes([_VERSION, _NO_ACCEPTABLE]))
            self.link.loseConnection()
            return
        self.link.write(bytes([_VERSION, _NO_AUTH]))
        self.state = "request"

    def _request(self) -> None:
        parsed = parse_request(self.buffer)
        if parsed is None:
            return
        command, kind, host, port, taken = parsed
        self.buffer = self.buffer[taken:]
        if command != _CONNECT or not host:
            self._fail(_COMMAND_NOT_SUPPORTED if command != _CONNECT else _ATYP_NOT_SUPPORTED)
            return
        self.state = "connecting"
        self.link.pauseProducing()
        endpoint: Any = HostnameEndpoint(self.proxy.reactor, host, port, timeout=self.proxy.timeout)
        upstream = _Upstream(self)
        connecting = endpoint.connect(_Connector(upstream))
        connecting.addCallbacks(lambda _: self._connected(upstream), lambda failure: self._refused(host, port))

    def _connected(self, upstream: _Upstream) -> None:
        if self.state == "closed":  # the browser gave up while we were connecting
            upstream.link.loseConnection()
            return
        self.upstream = upstream
        self.state = "relay"
        self.link.write(_reply(_SUCCEEDED))
        # Flow control both ways, as twisted.protocols.portforward does.
        upstream.link.registerProducer(self.transport, True)
        self.link.registerProducer(upstream.transport, True)
        if self.buffer:
            upstream.link.write(self.buffer)
            self.buffer = b""
        self.link.resumeProducing()

    def _refused(self, host: str, port: int) -> None:
        refusal = self.proxy.refusal_for(host, port)
        if refusal is not None:
            self.proxy.report(refusal)
        self._fail(_NOT_ALLOWED if refusal is not None else _UNREACHABLE)

    def _fail(self, code: int) -> None:
        self.state = "closed"
        self.link.write(_reply(code))
        self.link.loseConnection()

    def connectionLost(self, reason: Failure = connectionDone) -> None:  # noqa: N802 - Twisted's interface
        self.state = "closed"
        if self.upstream is not None:
            self.upstream.link.loseConnection()


class BrowserProxy(Factory):
    """Listen on 127.0.0.1 (a free port) for the browser; ``url`` goes into Playwright's launch
    options. ``on_refusal`` receives the message of each refused connection (the spider sets it)."""

    noisy = False

    def __init__(self, reactor: Any, timeout: float = 30.0) -> None:
        self.reactor = reactor
        self.timeout = timeout
        self.on_refusal: Callable[[str], None] | None = None
        self._port = reactor.listenTCP(0, self, interface="127.0.0.1")

    @property
    def url(self) -> str:
        return f"socks5://127.0.0.1:{self._port.getHost().port}"

    def buildProtocol(self, addr: Any) -> _SocksConnection:  # noqa: N802 - Twisted's interface
        return _SocksConnection(self)

    def refusal_for(self, host: str, port: int) -> Refusal | None:
        from crawler.resolver import PolicyResolver

        resolver = self.reactor.nameResolver
        return resolver.refusal_for(host, port) if isinstance(resolver, PolicyResolver) else None

    def report(self, refusal: Refusal) -> None:
        message = refusal.message(f"{refusal.entry()}, yêu cầu của trình duyệt")
        if self.on_refusal is not None:
            self.on_refusal(message)
