"""The crawl's name resolver: resolves host names and drops every address the policy refuses.

Scrapy connects through Twisted's ``HostnameEndpoint``, which asks the reactor's name resolver for
the addresses of *every* host, address literals included, and connects only to the addresses it
is given. Filtering here (``TWISTED_DNS_RESOLVER``) means the address checked is the address
connected to: a name that resolves to a public address for a first check and to 127.0.0.1 for
the connection (DNS rebinding) cannot get through, and neither can ``2130706433`` or
``[::ffff:127.0.0.1]``. The browser's proxy (``crawler.browser_proxy``) connects through the same
resolver.

A refused resolution ends with no address, which Twisted reports as a ``DNSLookupError``; the
refusal is kept here (``refusal_for``) so the middleware can tell the spider what happened.
"""

from __future__ import annotations

import socket
import threading
from typing import TYPE_CHECKING, Any

from twisted.internet.address import IPv4Address, IPv6Address
from twisted.internet.interfaces import IHostnameResolver, IHostResolution
from twisted.internet.threads import deferToThreadPool
from zope.interface import implementer  # type: ignore[import-untyped]

from presswatch.netpolicy import AddressPolicy, Refusal, literal_address, normalize_host

if TYPE_CHECKING:
    from collections.abc import Sequence

_AddrInfo = list[tuple[Any, Any, Any, Any, tuple[Any, ...]]]
# Twisted's zope interfaces (IResolutionReceiver, IHostResolution) are not types mypy understands
# without a plugin: receivers and resolutions are typed Any here.


@implementer(IHostResolution)
class _Resolution:
    def __init__(self, name: str) -> None:
        self.name = name

    def cancel(self) -> None:  # pragma: no cover - HostnameEndpoint never cancels a resolution
        raise NotImplementedError


@implementer(IHostnameResolver)
class PolicyResolver:
    """IPv4 and IPv6 resolution with ``getaddrinfo`` in the reactor's thread pool, a timeout
    (``DNS_TIMEOUT``), and the address policy of ``PRESSWATCH_ALLOW_INTERNAL`` applied to every
    address before the endpoint sees it. No cache: each new connection is checked."""

    def __init__(self, reactor: Any, policy: AddressPolicy, timeout: float) -> None:
        self.reactor = reactor
        self.policy = policy
        self.timeout = timeout
        self._refused: dict[tuple[str, int], Refusal] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_crawler(cls, crawler: Any, reactor: Any) -> PolicyResolver:
        settings = crawler.settings
        policy = AddressPolicy.from_entries(settings.getlist("PRESSWATCH_ALLOW_INTERNAL"))
        return cls(reactor, policy, settings.getfloat("DNS_TIMEOUT"))

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def refusal_for(self, host: str, port: int) -> Refusal | None:
        """The refusal that made the last resolution of ``host`` for ``port`` come back empty."""
        with self._lock:
            return self._refused.get((normalize_host(host), port))

    def resolveHostName(  # noqa: N802 - Twisted's interface
        self,
        resolutionReceiver: Any,  # noqa: N803 - an IResolutionReceiver
        hostName: str,  # noqa: N803
        portNumber: int = 0,  # noqa: N803
        addressTypes: Sequence[type[Any]] | None = None,  # noqa: N803
        transportSemantics: str = "TCP",  # noqa: N803
    ) -> Any:
        resolution = _Resolution(hostName)
        resolutionReceiver.resolutionBegan(resolution)
        literal = literal_address(hostName)
        if literal is not None:  # no lookup: the policy sees what the literal means
            self.deliver(resolutionReceiver, hostName, portNumber, [str(literal)])
            resolutionReceiver.resolutionComplete()
            return resolution
        lookup: Any = deferToThreadPool(self.reactor, self.reactor.getThreadPool(), socket.getaddrinfo,
                                   hostName, portNumber, 0, socket.SOCK_STREAM)
        lookup.addTimeout(self.timeout, self.reactor)

        def found(infos: _AddrInfo) -> None:
            self.deliver(resolutionReceiver, hostName, portNumber, [info[4][0] for info in infos])

        lookup.addCallbacks(found, lambda _failure: None)
        lookup.addBoth(lambda _: resolutionReceiver.resolutionComplete())
        return resolution

    def deliver(self, receiver: Any, host: str, port: int, addresses: list[str]) -> None:
        """Hand ``receiver`` the addresses ``host`` resolved to that the policy allows; record a
        refusal for the host when it allows none."""
        refused: Refusal | None = None
        delivered: set[str] = set()
        for address in addresses:
            if address in delivered:
                continue
            refusal = self.policy.check(host, port, address)
            if refusal is not None:
                refused = refused or refusal
                continue
            delivered.add(address)
            if ":" in address:
                receiver.addressResolved(IPv6Address("TCP", address, port))
            else:
                receiver.addressResolved(IPv4Address("TCP", address, port))
        with self._lock:
            key = (normalize_host(host), port)
            if refused is not None and not delivered:
                self._refused[key] = refused
            else:
                self._refused.pop(key, None)
