from __future__ import annotations

import pytest

from presswatch.urls import canonicalize


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
