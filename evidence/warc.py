"""The WARC file of a capture (ISO 28500, written by ``warcio``, gzip per record).

One ``warcinfo`` record (the software, the capture's URL and time), then for each HTTP exchange a
``request`` and a ``response`` record joined by ``WARC-Concurrent-To``. The response payload is the
body as received after transfer decoding: ``Transfer-Encoding`` is dropped and ``Content-Length``
set to what is stored, so a standard replayer (pywb, ReplayWeb.page) reads it. A body cut at the
size limit carries ``WARC-Truncated: length``. Extra files of the capture (the screenshot, the
social post's metadata) are not put in the WARC: they are files of their own, each with its hash.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import UTC, datetime
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from evidence.fetch import Exchange

_DROPPED = frozenset({"transfer-encoding", "content-length"})


def _warc_date(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_warc(exchanges: Iterable[Exchange], *, url: str, software: str, captured_at: datetime) -> bytes:
    """The WARC (gzip) of ``exchanges``, in order."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    info = {"software": software, "format": "WARC File Format 1.1", "isPartOf": url,
            "description": f"presswatch evidence capture of {url} at {captured_at.isoformat()}"}
    writer.write_record(writer.create_warcinfo_record("capture.warc.gz", info))
    for exchange in exchanges:
        parts = urlsplit(exchange.url)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        date = _warc_date(exchange.started)
        request_headers = StatusAndHeaders(f"{exchange.method} {path} HTTP/1.1",
                                           [("Host", parts.netloc), *exchange.request_headers],
                                           is_http_request=True)
        request = writer.create_warc_record(exchange.url, "request", payload=io.BytesIO(b""), length=0,
                                            http_headers=request_headers, warc_headers_dict={"WARC-Date": date})
        headers = [(k, v) for k, v in exchange.headers if k.lower() not in _DROPPED]
        headers.append(("Content-Length", str(len(exchange.raw))))
        status_line = f"{exchange.status} {exchange.reason or 'OK'}"
        warc_headers = {"WARC-Date": date}
        if exchange.truncated:
            warc_headers["WARC-Truncated"] = "length"
        response = writer.create_warc_record(exchange.url, "response", payload=io.BytesIO(exchange.raw),
                                             length=len(exchange.raw),
                                             http_headers=StatusAndHeaders(status_line, headers, protocol="HTTP/1.1"),
                                             warc_headers_dict=warc_headers)
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        writer.write_record(response)
        writer.write_record(request)
    return buffer.getvalue()
