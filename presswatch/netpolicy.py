"""Which network addresses the crawler may connect to (server-side request forgery guard).

Pages, feeds and redirects are untrusted: a feed can link to ``http://127.0.0.1:8080/admin`` and a
site can redirect to ``http://169.254.169.254/``. The crawler therefore refuses, after DNS
resolution, every address that is not on the public internet: loopback, private, link-local,
multicast, reserved, unspecified, carrier-grade NAT (100.64.0.0/10), IPv4 hidden in IPv6
(``::ffff:127.0.0.1``, 6to4, NAT64)… An operator may allow named internal hosts (a bridge on
127.0.0.1:1200, an intranet portal) with the ``crawl_allow_internal`` setting.

Pure logic, no network and no framework: the Twisted resolver, the Scrapy middleware and the
browser's proxy (``crawler/``) all ask ``AddressPolicy.check`` about the address they are about to
connect to, so the address checked is the address connected to.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

SETTING = "crawl_allow_internal"

# Not "private" for the ipaddress module, yet never a public web server.
_EXTRA_INTERNAL: tuple[tuple[IPNetwork, str], ...] = (
    (ipaddress.ip_network("100.64.0.0/10"), "mạng CGNAT dùng chung (100.64.0.0/10)"),
    (ipaddress.ip_network("192.0.0.0/24"), "khối dành cho giao thức IETF (192.0.0.0/24)"),
    (ipaddress.ip_network("198.18.0.0/15"), "mạng thử nghiệm (198.18.0.0/15)"),
    (ipaddress.ip_network("64:ff9b:1::/48"), "tiền tố NAT64 nội bộ (64:ff9b:1::/48)"),
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NUMERIC_HOST = re.compile(r"^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}$", re.IGNORECASE)
_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_HINT_PORTS = {"http": 80, "https": 443}


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for, if any: IPv4-mapped (``::ffff:a.b.c.d``),
    6to4 (``2002:AABB:CCDD::``) and the well-known NAT64 prefix (``64:ff9b::a.b.c.d``)."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def internal_reason(address: IPAddress) -> str | None:
    """Why ``address`` is not a public internet address (Vietnamese), or None if it is public."""
    inner = embedded_ipv4(address)
    if inner is not None:
        reason = internal_reason(inner)
        return f"{reason} (IPv4 {inner} viết dạng IPv6)" if reason else None
    if address.is_unspecified:
        return "địa chỉ không xác định (kết nối tới chính máy này)"
    if address.is_loopback:
        return "địa chỉ loopback (chính máy này)"
    if address.is_link_local:
        return "địa chỉ link-local (gồm máy chủ siêu dữ liệu đám mây 169.254.169.254)"
    if address.is_multicast:
        return "địa chỉ multicast"
    for network, reason in _EXTRA_INTERNAL:
        if address.version == network.version and address in network:
            return reason
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "địa chỉ site-local (fec0::/10)"
    if address.is_private:
        return "địa chỉ mạng riêng"
    if address.is_reserved:
        return "địa chỉ dành riêng (không dùng trên Internet)"
    if not address.is_global:
        return "địa chỉ không định tuyến trên Internet"
    return None


def literal_address(host: str) -> IPAddress | None:
    """The address a URL's host names literally, in every spelling a resolver accepts, or None for a
    host name. ``[::1]``, ``127.0.0.1``, ``2130706433``, ``0x7f.1``, ``127.1``, ``0177.0.0.1`` and
    ``①②⑦.0.0.1`` (IDNA maps it to 127.0.0.1, as Scrapy does before the request) and
    ``%31%32%37.0.0.1`` all count."""
    host = unquote(host.strip())  # browsers decode "%31%32%37.0.0.1" to 127.0.0.1
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return None
    if host.endswith(".") and not host.endswith(".."):
        host = host[:-1]  # "127.0.0.1." as a fully qualified name
    try:
        return ipaddress.ip_address(host.split("%", 1)[0] if ":" in host else host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):
        try:  # inet_aton reads the old forms: 127.1, 0x7f.1, 2130706433, 0177.0.0.1
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def normalize_host(host: str) -> str:
    """A host name as compared with allowed entries: lower case, IDNA (punycode), no final dot."""
    host = host.strip().lower()
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            return host
    return host.rstrip(".")


@dataclass(frozen=True)
class AllowRule:
    """One ``crawl_allow_internal`` entry: a host name or a network (a single address is a /32 or
    /128 network), with an optional port."""

    name: str | None = None
    network: IPNetwork | None = None
    port: int | None = None

    def matches(self, host: str, port: int, address: IPAddress) -> bool:
        if self.port is not None and self.port != port:
            return False
        if self.name is not None:
            return normalize_host(host) == self.name
        assert self.network is not None
        candidates = [address, *([inner] if (inner := embedded_ipv4(address)) else [])]
        return any(c.version == self.network.version and c in self.network for c in candidates)


def _bad_entry(entry: str, detail: str) -> ValueError:
    return ValueError(f"'{entry}' không phải tên máy, địa chỉ IP hoặc mạng hợp lệ ({detail}); ví dụ: "
                      "intranet.laichau.gov.vn, 127.0.0.1:1200, [::1]:8080, 10.20.0.0/16")


def _port(entry: str, text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise _bad_entry(entry, f"cổng '{text}' phải là số từ 1 đến 65535")
    return int(text)


def parse_rule(entry: str) -> AllowRule:
    """Read one entry: ``name``, ``name:port``, ``address``, ``address:port``, ``[v6]``,
    ``[v6]:port`` or ``network/prefix``. Raises ValueError (Vietnamese) naming what is wrong."""
    text = entry.strip().lower()
    if not text:
        raise _bad_entry(entry, "mục rỗng")
    if "/" in text:
        try:
            return AllowRule(network=ipaddress.ip_network(text.strip("[]"), strict=False))
        except ValueError:
            raise _bad_entry(entry, "mạng không hợp lệ (dạng địa chỉ/độ dài tiền tố, ví dụ 10.20.0.0/16)") from None
    host, port = text, None
    if text.startswith("["):
        host, bracket, rest = text[1:].partition("]")
        if not bracket or (rest and not rest.startswith(":")):
            raise _bad_entry(entry, "thiếu ']' hoặc sai vị trí cổng")
        port = _port(entry, rest[1:]) if rest else None
    elif text.count(":") == 1:
        host, _, port_text = text.partition(":")
        port = _port(entry, port_text)
    try:
        return AllowRule(network=ipaddress.ip_network(host), port=port)
    except ValueError:
        pass
    if literal_address(host) is not None or (":" in host):
        raise _bad_entry(entry, "viết địa chỉ IP ở dạng chuẩn, ví dụ 127.0.0.1 hoặc [::1]")
    name = normalize_host(host)
    if not name or len(name) > 253 or not all(_LABEL.match(label) for label in name.split(".")):
        raise _bad_entry(entry, "tên máy chỉ gồm chữ, số, '-' và '.'")
    return AllowRule(name=name, port=port)


@dataclass(frozen=True)
class Refusal:
    """A connection the policy refused: the host asked for, the address it resolved to, why."""

    host: str
    port: int
    address: str
    reason: str

    def entry(self) -> str:
        """The ``crawl_allow_internal`` entry that would allow exactly this host and port."""
        literal = literal_address(self.host)
        host = str(literal) if literal is not None else normalize_host(self.host)
        return f"[{host}]:{self.port}" if ":" in host else f"{host}:{self.port}"

    def message(self, url: str | None = None, setting: str = SETTING) -> str:
        """What was refused and why; ``setting``: the allow list that would let it through."""
        where = url or self.entry()
        return (f"từ chối địa chỉ nội bộ {self.address} ({where}): {self.reason}; nếu đây là máy chủ tin cậy "
                f"của cơ quan, thêm '{self.entry()}' vào {setting}")


class AddressPolicy:
    """Public addresses are allowed; internal ones only when an allow rule names them."""

    def __init__(self, rules: Iterable[AllowRule] = ()) -> None:
        self.rules = tuple(rules)

    @classmethod
    def from_entries(cls, entries: Iterable[str]) -> AddressPolicy:
        return cls(parse_rule(entry) for entry in entries)

    def check(self, host: str, port: int, address: IPAddress | str) -> Refusal | None:
        """None if connecting to ``address`` (what ``host`` resolved to) on ``port`` is allowed."""
        ip = address if not isinstance(address, str) else ipaddress.ip_address(address.split("%", 1)[0])
        reason = internal_reason(ip)
        if reason is None or any(rule.matches(host, port, ip) for rule in self.rules):
            return None
        return Refusal(host=host, port=port, address=str(ip), reason=reason)

    def check_url(self, url: str) -> Refusal | None:
        """The refusal for a URL whose host is an address literal (no DNS needed), else None.
        Host names are checked when they are resolved (``check``), on every connection."""
        parts = urlsplit(url)
        host = parts.hostname or ""
        address = literal_address(host)
        if address is None:
            return None
        try:
            port = parts.port or _HINT_PORTS.get(parts.scheme.lower(), 80)
        except ValueError:
            port = _HINT_PORTS.get(parts.scheme.lower(), 80)
        return self.check(host, port, address)
