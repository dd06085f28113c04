"""URL canonicalisation: one article, one URL, whatever tracking parameters were added."""

from __future__ import annotations

import posixpath
from urllib.parse import SplitResult, parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

from presswatch.errors import InvalidURL

# Parameters that identify a campaign or a click, never the article.
_TRACKING_EXACT = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "zarsrc",
        "gidzl", "vn_source", "vn_medium", "vn_campaign", "vnsource", "ref_src", "cmpid",
        "ref", "__twitter_impression",
    }
)
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "matomo_", "hmb_", "vn_")


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_EXACT or lowered.startswith(_TRACKING_PREFIXES)


_REASONS = (  # urllib's messages, as an operator reads them
    ("Port out of range", "cổng ngoài khoảng 0–65535"),
    ("Port could not be cast", "cổng không phải số"),
    ("Invalid IPv6 URL", "địa chỉ IPv6 thiếu dấu ngoặc vuông"),
    ("does not appear to be an IPv4 or IPv6 address", "địa chỉ IP trong ngoặc vuông không hợp lệ"),
)


def _parts(url: str, base: str | None = None) -> tuple[str, SplitResult, int | None]:
    """``url`` resolved against ``base``, split, and its port; or InvalidURL saying why not."""
    try:
        if base:
            url = urljoin(base, url)
        parts = urlsplit(url)
        return url, parts, parts.port
    except ValueError as exc:
        detail = str(exc)
        reason = next((text for known, text in _REASONS if known in detail), detail)
        shown = url if len(url) <= 200 else url[:200] + "…"
        raise InvalidURL(f"liên kết không hợp lệ ({reason}): {shown}") from None


def check_url(url: str) -> str:
    """``url`` itself if it can be parsed as an address (port in range, IPv6 literal closed), else
    InvalidURL. For URLs stored as given (posts of social sources)."""
    _parts(url)
    return url


def canonicalize(url: str, base: str | None = None) -> str:
    """Return the canonical form of ``url`` (resolved against ``base`` if relative).

    Lower-case scheme and host, no default port, no fragment, no tracking parameters, remaining
    query parameters sorted, path percent-encoding normalised, ``/./`` and ``/../`` resolved. An
    IPv6 host keeps its brackets. Raises InvalidURL for what cannot be an address."""
    url, parts, port = _parts(url.strip(), base)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".").lower()
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass
    if ":" in host:  # an IPv6 literal: without its brackets the port could not be told apart
        host = f"[{host}]"
    netloc = host
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        netloc = f"{host}:{port}"
    path = parts.path or "/"
    if "/." in path:
        trailing = path.endswith("/")
        path = posixpath.normpath(path)
        path = path + "/" if trailing and path != "/" else path
        if path.startswith("//"):
            path = "/" + path.lstrip("/")
    path = quote(unquote(path), safe="/:@!$&'()*+,;=~-._%")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query.sort()
    return urlunsplit((scheme, netloc, path, urlencode(query, quote_via=quote), ""))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()
