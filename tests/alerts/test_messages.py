"""What operators read when something fails is Vietnamese: crawl failures (Scrapy, Twisted, the OS),
SMTP and webhook failures, the digest's log lines, dates in one format."""

from __future__ import annotations

import dataclasses
import logging
import re
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from twisted.internet.error import ConnectionLost, DNSLookupError
from twisted.python.failure import Failure

from alerts.channels import send
from alerts.digest.send import run_digest
from crawler.failures import describe
from presswatch.config import load_config
from presswatch.config.alerts import ChannelTarget
from presswatch.errors import DeliveryError, StoreError
from presswatch.reasons import error_text
from presswatch.store import Store
from presswatch.times import local, local_day, local_short
from tests.support.crawling import crawl, free_port, make_source
from tests.support.paths import CONFIG

# English left by Scrapy, Twisted or the C library.
ENGLISH = re.compile(r"Error\b|Request\b|\b(reached|max|failed|such|file|directory|refused|connection|lost|"
                     r"cancelled|attempt|sent|digest)\b", re.I)


def failure(exc: BaseException, url: str = "https://baolaichau.vn/rss") -> Failure:
    """As an errback receives it: a Failure with the request attached (Scrapy sets ``.request``)."""
    wrapped = Failure(exc)
    wrapped.request = Request(url)  # type: ignore[attr-defined]
    return wrapped


@pytest.mark.parametrize(("exc", "expected"), [
    (DownloadCancelledError(""), "tải trang bị hủy giữa chừng"),
    (IgnoreRequest("max redirections reached"), "chuyển hướng quá nhiều lần"),
    (FileNotFoundError(2, "No such file or directory", "/srv/tin/rss.xml"),
     "không có tệp hoặc thư mục này: /srv/tin/rss.xml"),
    (IgnoreRequest("Forbidden by robots.txt"), "robots.txt không cho phép"),
    (DNSLookupError("baolaichau.vn"), "không phân giải được tên miền (DNS)"),
    (ConnectionLost(), "mất kết nối"),
    (ConnectionRefusedError(111, "Connection refused"), "máy chủ từ chối kết nối"),
    (TimeoutError(), "quá thời gian chờ"),
    (StoreError("không mở được cơ sở dữ liệu"), "không mở được cơ sở dữ liệu"),
])
def test_crawl_failures_are_explained_in_vietnamese(exc: BaseException, expected: str) -> None:
    message = describe(failure(exc))
    assert message == f"{expected}: https://baolaichau.vn/rss" or message.startswith(expected), message
    assert message.endswith("https://baolaichau.vn/rss")
    assert not ENGLISH.search(message.replace("robots.txt", "")), message


def test_unknown_failures_keep_their_words() -> None:
    """Nothing is hidden: an exception we do not know keeps its name and text."""
    assert describe(ValueError("lạ")) == "ValueError: lạ"


class Hostile(BaseHTTPRequestHandler):
    """/loop/N redirects to /loop/N+1 for ever; /big streams a page without Content-Length, past any
    size limit."""

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        if self.path.startswith("/loop/"):
            self.send_response(302)
            self.send_header("Location", f"/loop/{int(self.path.rsplit('/', 1)[1]) + 1}")
            self.end_headers()
        elif self.path == "/big":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.end_headers()
            self.wfile.write(b"<?xml version='1.0'?><rss><channel>")
            try:
                for _ in range(400):
                    self.wfile.write(b"<item><title>" + b"x" * 4000 + b"</title></item>")
            except OSError:
                pass  # the crawler hung up: that is the point
            self.close_connection = True
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hostile() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Hostile)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_a_real_crawl_reports_redirect_loops_and_oversized_pages_in_vietnamese(hostile: str, db: Path) -> None:
    loop, _ = crawl(make_source(id="vong-lap", urls=[f"{hostile}/loop/0"]), db)
    big, _ = crawl(make_source(id="qua-lon", urls=[f"{hostile}/big"]), db)
    assert not loop.ok and "chuyển hướng quá nhiều lần" in (loop.message or ""), loop.message
    assert not big.ok and re.search("kích thước tối đa", big.message or ""), big.message
    for run in (loop, big):
        assert not ENGLISH.search((run.message or "").split(": http")[0]), run.message
    with Store(db) as store:
        health = store.health()
    assert "chuyển hướng quá nhiều lần" in (health["vong-lap"].last_error or "")


def test_digest_send_failure_is_logged_and_recorded_in_vietnamese(tmp_path: Path,
                                                                  caplog: pytest.LogCaptureFixture) -> None:
    config = load_config(CONFIG, {})
    port = free_port()  # nothing listens: connection refused
    settings = config.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": port,
                                                  "smtp_security": "none", "smtp_timeout": 5,
                                                  "digest_recipients": ["lanhdao@laichau.gov.vn"]})
    config = dataclasses.replace(config, settings=settings)
    with Store(tmp_path / "pw.db") as store, caplog.at_level(logging.INFO, logger="alerts.digest.send"):
        outcome = run_digest(config, store, date(2026, 11, 27), environ={}, attempts=2, sleep=lambda _: None)
    assert outcome.status == "failed"
    assert outcome.error == f"không gửi được qua 127.0.0.1:{port}: máy chủ từ chối kết nối"
    lines = [record.getMessage() for record in caplog.records]
    assert f"bản tin ngày 27/11/2026: lần gửi 1/2 thất bại: {outcome.error}" in lines, lines
    assert not any(ENGLISH.search(line.split(": không gửi được")[0]) for line in lines), lines


def test_webhook_failure_is_vietnamese() -> None:
    target = ChannelTarget("thanh-tra", "webhook", f"http://127.0.0.1:{free_port()}/hook", secret=b"k" * 32)
    with pytest.raises(DeliveryError) as caught:
        send(target, {"idempotency_key": "k1", "text": "thử"}, timeout=5, delivery_id=1)
    assert str(caught.value) == "không kết nối được: máy chủ từ chối kết nối"


def test_os_errors_name_the_file_in_vietnamese(tmp_path: Path) -> None:
    try:
        (tmp_path / "khong-co" / "x.html").read_bytes()
    except OSError as exc:
        assert error_text(exc) == f"không có tệp hoặc thư mục này: {tmp_path / 'khong-co' / 'x.html'}"
    try:
        tmp_path.read_bytes()
    except OSError as exc:
        assert error_text(exc) == f"đây là một thư mục, không phải tệp: {tmp_path}"


def test_one_date_format_in_vietnam_time() -> None:
    moment = datetime(2026, 11, 27, 23, 30, 59, tzinfo=UTC)
    assert local(moment) == "28/11/2026 06:30"
    assert local_short(moment) == "28/11 06:30"
    assert local_day(moment) == "28/11/2026" and local_day(date(1, 1, 1)) == "01/01/0001"
    assert local(None) == local_day(None) == "—"
