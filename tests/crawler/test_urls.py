from __future__ import annotations

import pytest

from crawler.urls import canonicalize


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://VnExpress.net:443/mua-lu-4812.html?utm_source=rss&utm_medium=feed#box-comment",
         "https://vnexpress.net/mua-lu-4812.html"),
        ("https://baolaichau.vn/xa-hoi/bai-1?fbclid=IwAR0x&gclid=1&zarsrc=30&gidzl=abc",
         "https://baolaichau.vn/xa-hoi/bai-1"),
        ("http://x.vn/a/../b.html?b=2&a=1", "http://x.vn/b.html?a=1&b=2"),
        ("https://x.vn", "https://x.vn/"),
        ("http://127.0.0.1:8080/p?id=5&utm_campaign=x", "http://127.0.0.1:8080/p?id=5"),
        ("https://x.vn/tin%20m%E1%BB%9Bi", "https://x.vn/tin%20m%E1%BB%9Bi"),
    ],
)
def test_canonicalize(url: str, canonical: str) -> None:
    assert canonicalize(url) == canonical


def test_relative_links_resolve_against_the_page() -> None:
    assert canonicalize("../tin/2.html?utm_source=home", "https://x.vn/muc/trang-2.html") == "https://x.vn/tin/2.html"


def test_meaningful_query_parameters_are_kept() -> None:
    assert canonicalize("https://laichau.gov.vn/tin?ItemID=1234&cat=5") == "https://laichau.gov.vn/tin?ItemID=1234&cat=5"


def test_ipv6_hosts_keep_their_brackets() -> None:
    assert canonicalize("http://[::1]:9999/x?utm_source=a") == "http://[::1]:9999/x"
    assert canonicalize("http://[::1]:80/x") == "http://[::1]/x"
    assert canonicalize("/tin/1.html", "http://[::1]:8080/muc/") == "http://[::1]:8080/tin/1.html"
    assert canonicalize(canonicalize("http://[FE80::1]:9999/x")) == "http://[fe80::1]:9999/x"  # stable


@pytest.mark.parametrize(
    ("link", "reason"),
    [
        ("http://127.0.0.1:99999/y", "cổng ngoài khoảng 0–65535"),
        ("http://x.vn:abc/w", "cổng không phải số"),
        ("http://[::1/z", "IPv6"),
        ("http://[zz]/a", "IP"),
    ],
)
def test_invalid_links_raise_a_clear_error(link: str, reason: str) -> None:
    from presswatch.errors import InvalidURL

    with pytest.raises(InvalidURL) as raised:
        canonicalize(link, "https://x.vn/muc/")
    assert isinstance(raised.value, ValueError)
    assert reason in str(raised.value) and link in str(raised.value)


def test_any_link_gives_a_url_or_a_clear_error() -> None:
    """Whatever a hostile page links to: a canonical URL or InvalidURL, never another exception."""
    import random

    from presswatch.errors import InvalidURL

    pieces = ["http://", "https://", "[", "]", "::1", ":", "99999", "80", "@", "/", "?", "#", "%", "%zz", "..",
              "x.vn", "Lai Châu", "\x00", " ", "\t", "&", "=", "utm_source", "[::1]", "xn--", "\u200b", "\\"]
    chooser = random.Random(16)
    for _ in range(3000):
        link = "".join(chooser.choice(pieces) for _ in range(chooser.randint(1, 8)))
        try:
            assert isinstance(canonicalize(link, "https://x.vn/muc/"), str)
        except InvalidURL:
            pass
