"""The address policy (presswatch.netpolicy) on the hostile-URL corpus, with no network: every
internal address in every spelling is refused, public ones are not, allowed entries allow exactly
what they name, and a mistyped entry is a configuration error naming file, line and key."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import pytest

from crawler.resolver import PolicyResolver
from presswatch.config import load_settings
from presswatch.errors import ConfigError
from presswatch.netpolicy import AddressPolicy, internal_reason, literal_address, parse_rule
from tests.support.paths import DATA

HOSTILE = DATA / "hostile" / "urls"
PORT = 8181


def corpus(name: str, port: int | str = PORT) -> list[str]:
    """The URLs of a corpus file, ``{port}`` replaced."""
    lines = (HOSTILE / name).read_text(encoding="utf-8").splitlines()
    return [line.strip().replace("{port}", str(port)) for line in lines if line.strip() and not line.startswith("#")]


INTERNAL = corpus("loopback_literals.txt") + corpus("ipv6_literals.txt") + corpus("other_internal.txt")


@pytest.mark.parametrize("url", INTERNAL)
def test_internal_literals_are_refused_without_dns(url: str) -> None:
    refusal = AddressPolicy().check_url(url)
    assert refusal is not None, f"{url} was not refused"
    message = refusal.message(url)
    assert message.startswith(f"từ chối địa chỉ nội bộ {refusal.address} ({url}): ")
    assert "crawl_allow_internal" in message


@pytest.mark.parametrize("url", corpus("public.txt"))
def test_public_addresses_are_allowed(url: str) -> None:
    assert AddressPolicy().check_url(url) is None


@pytest.mark.parametrize("url", corpus("internal_names.txt") + ["https://baolaichau.vn/", "http://laichau.gov.vn:8080/"])
def test_names_are_left_to_the_resolver(url: str) -> None:
    # A name is checked on the address it resolves to, when the connection is made (crawler.resolver).
    assert AddressPolicy().check_url(url) is None


@pytest.mark.parametrize(
    ("spelling", "address"),
    [("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("127.1", "127.0.0.1"), ("0177.0.0.1", "127.0.0.1"),
     ("0", "0.0.0.0"), ("[::ffff:127.0.0.1]", "::ffff:7f00:1"), ("%31%32%37.0.0.1", "127.0.0.1"),
     ("①②⑦.0.0.1", "127.0.0.1"), ("127.0.0.1.", "127.0.0.1"), ("localhost", None), ("1.2.3.4.5", None),
     ("0x7g.1", None), ("baolaichau.vn", None)],
)
def test_literal_spellings(spelling: str, address: str | None) -> None:
    found = literal_address(spelling)
    assert (str(found) if found else None) == address


@pytest.mark.parametrize(
    ("address", "words"),
    [("127.0.0.1", "loopback"), ("::1", "loopback"), ("0.0.0.0", "không xác định"), ("::", "không xác định"),
     ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("224.0.0.1", "multicast"),
     ("ff02::1", "multicast"), ("10.1.2.3", "mạng riêng"), ("fd00::1", "mạng riêng"), ("100.64.0.1", "CGNAT"),
     ("fec0::1", "site-local"), ("::ffff:192.168.1.1", "IPv4 192.168.1.1 viết dạng IPv6"),
     ("240.0.0.1", "")],
)
def test_each_kind_of_internal_address_is_named(address: str, words: str) -> None:
    reason = internal_reason(ipaddress.ip_address(address))
    assert reason is not None and words in reason


def test_allow_entries_allow_exactly_what_they_name() -> None:
    policy = AddressPolicy.from_entries(["127.0.0.1:1200", "intranet.laichau.gov.vn", "10.20.0.0/16", "[::1]:8080",
                                         "Bridge.Local.:9000"])
    allowed = [("127.0.0.1", 1200, "127.0.0.1"), ("localhost", 1200, "127.0.0.1"),
               ("::ffff:127.0.0.1", 1200, "::ffff:127.0.0.1"), ("intranet.laichau.gov.vn", 80, "10.9.9.9"),
               ("INTRANET.laichau.gov.vn.", 443, "192.168.1.5"), ("x.vn", 80, "10.20.3.4"), ("::1", 8080, "::1"),
               ("bridge.local", 9000, "127.0.0.1"), ("baolaichau.vn", 443, "14.225.5.10")]
    refused = [("127.0.0.1", 1201, "127.0.0.1"), ("localhost", 80, "127.0.0.1"), ("x.vn", 80, "10.21.0.1"),
               ("::1", 8081, "::1"), ("intranet.laichau.gov.vn.evil.vn", 80, "10.9.9.9"),
               ("bridge.local", 9001, "127.0.0.1"), ("rebind.evil.vn", 80, "127.0.0.1")]
    for host, port, address in allowed:
        assert policy.check(host, port, address) is None, (host, port, address)
    for host, port, address in refused:
        assert policy.check(host, port, address) is not None, (host, port, address)


def test_the_refusal_suggests_the_entry_that_would_allow_it() -> None:
    refusal = AddressPolicy().check("0x7f.1", 1200, "127.0.0.1")
    assert refusal is not None and refusal.entry() == "127.0.0.1:1200"
    assert parse_rule(refusal.entry()).port == 1200
    refusal = AddressPolicy().check("::1", 8080, "::1")
    assert refusal is not None and refusal.entry() == "[::1]:8080"
    assert AddressPolicy.from_entries([refusal.entry()]).check("::1", 8080, "::1") is None


def test_nothing_internal_is_allowed_by_default() -> None:
    assert load_settings(None, {}).crawl_allow_internal == []


def test_allow_list_from_the_environment_is_comma_separated() -> None:
    settings = load_settings(None, {"PRESSWATCH_CRAWL_ALLOW_INTERNAL": "127.0.0.1:1200, intranet.laichau.gov.vn"})
    assert settings.crawl_allow_internal == ["127.0.0.1:1200", "intranet.laichau.gov.vn"]


@pytest.mark.parametrize("entry", corpus("bad_allow_entries.txt"))
def test_bad_allow_entries_are_config_errors(entry: str, tmp_path: Path) -> None:
    path = tmp_path / "presswatch.yaml"
    path.write_text(f'crawl_allow_internal:\n  - localhost\n  - "{entry}"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as raised:
        load_settings(path, {})
    (problem,) = raised.value.problems
    assert problem.startswith(f"{path}:3: crawl_allow_internal.1: '{entry}' không phải tên máy")


# --- the resolver the crawl connects through (crawler.resolver) ----------------------------------


class Receiver:
    """What Twisted's HostnameEndpoint gives the resolver: it connects only to what it receives."""

    def __init__(self) -> None:
        self.addresses: list[tuple[str, int]] = []
        self.began = self.complete = False

    def resolutionBegan(self, resolution: object) -> None:  # noqa: N802 - Twisted's interface
        self.began = True

    def addressResolved(self, address: Any) -> None:  # noqa: N802
        self.addresses.append((address.host, address.port))

    def resolutionComplete(self) -> None:  # noqa: N802
        self.complete = True


@pytest.mark.parametrize("host", ["127.0.0.1", "2130706433", "0x7f.1", "::ffff:127.0.0.1", "0.0.0.0", "::1",
                                  "169.254.169.254", "0xa9fea9fe"])
def test_the_resolver_gives_no_internal_literal_to_connect_to(host: str) -> None:
    # Twisted hands literals to the resolver too: they are checked here even if nothing checked them before.
    resolver = PolicyResolver(reactor=None, policy=AddressPolicy.from_entries(["127.0.0.1:9"]), timeout=5)
    receiver = Receiver()
    resolver.resolveHostName(receiver, host, 8080)
    assert receiver.began and receiver.complete and receiver.addresses == []
    refusal = resolver.refusal_for(host, 8080)
    assert refusal is not None and refusal.message().startswith("từ chối địa chỉ nội bộ ")


def test_the_resolver_passes_allowed_and_public_addresses_only() -> None:
    resolver = PolicyResolver(reactor=None, policy=AddressPolicy.from_entries(["127.0.0.1:9"]), timeout=5)
    receiver = Receiver()
    resolver.resolveHostName(receiver, "127.0.0.1", 9)
    assert receiver.addresses == [("127.0.0.1", 9)] and resolver.refusal_for("127.0.0.1", 9) is None
    # A name answering both a public and an internal address (a rebinding attempt): only the public one.
    receiver = Receiver()
    resolver.deliver(receiver, "rebind.example.vn", 80, ["93.184.216.34", "127.0.0.1", "::1", "2001:db8::1"])
    assert receiver.addresses == [("93.184.216.34", 80)]
    receiver = Receiver()
    resolver.deliver(receiver, "Rebind.Example.vn.", 80, ["127.0.0.1"])
    assert receiver.addresses == [] and resolver.refusal_for("rebind.example.vn", 80) is not None
