"""The daily digest: content from a real store, the MIME a real SMTP server (aiosmtpd on
127.0.0.1) receives, sending once per day, retries when the server refuses or is down."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import shutil
import sqlite3
import ssl
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from alerts.digest.data import build_digest, deciding_sentence, window
from alerts.digest.send import due_digest_days, latest_day, run_digest, send_record
from analysis.pipeline import Analysis, Analyzer
from presswatch.cli import main
from presswatch.config import Config, Settings, load_analyzer, load_config, load_settings
from presswatch.demo.site import load_demo_articles
from presswatch.errors import ConfigError
from presswatch.models import Article
from presswatch.store import RunResult, Store
from tests.support import mailserver
from tests.support.crawling import free_port, make_source
from tests.support.paths import CONFIG

DAY = date(2026, 11, 27)  # covers 26/11 07:00 → 27/11 07:00 local = 26/11 00:00Z → 27/11 00:00Z
START = datetime(2026, 11, 26, 0, 0, tzinfo=UTC)
END = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
SUBJECT = "Bản tin theo dõi báo chí, mạng xã hội về tỉnh Lai Châu ngày 27/11/2026"
SOURCES = [
    make_source(id="baolaichau", urls=["https://baolaichau.vn/rss"], name="Báo Lai Châu", kind="press"),
    make_source(id="vnexpress", urls=["https://vnexpress.vn/rss"], name="VnExpress – Thời sự", kind="press"),
    make_source(id="laichau-gov", urls=["https://laichau.gov.vn/rss"],
                name="Cổng TTĐT tỉnh Lai Châu", kind="info_site"),
    make_source(id="google-news", urls=["https://news.google.com/rss"],
                name="Google News – Lai Châu", kind="aggregator"),
]
KIND = {source.id: source.kind for source in SOURCES}
SCRIPT_TITLE = 'Lai Châu <script>alert("x")</script> di dời khẩn cấp 5 hộ dân'
ODD_URL = "https://vnexpress.net/lai-chau-di-doi?id=1&ref=a<b>"


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return load_analyzer(CONFIG, with_entities=False)


@pytest.fixture(scope="module")
def demo() -> dict[str, dict[str, str]]:
    return {str(record["id"]): record for record in load_demo_articles()}


@dataclasses.dataclass
class Stored:
    id: int
    title: str
    url: str
    source_id: str
    analysis: Analysis
    dated: datetime


def put(store: Store, analyzer: Analyzer, record: dict[str, str], source_id: str, dated: datetime,
        title: str | None = None, url: str | None = None) -> Stored:
    title = title or record["title"]
    url = url or f"https://{source_id}.example.vn/{record['id']}-{dated:%H%M}"
    analysis = analyzer.analyze(title, record["text"])
    article = Article(url=url, source_id=source_id, source_kind=KIND[source_id], title=title, text=record["text"],
                      published_at=dated, fetched_at=dated + timedelta(minutes=5), analysis=analysis)
    article_id = store.add_article(article)
    assert article_id is not None
    return Stored(article_id, title, url, source_id, analysis, dated)


@pytest.fixture
def day_store(store: Store, analyzer: Analyzer, demo: dict[str, dict[str, str]]) -> dict[str, Any]:
    """Real demo articles, analysed for real, dated in and around the window of DAY."""
    at = START + timedelta(hours=1)
    inside = [
        put(store, analyzer, demo["22669043"], "baolaichau", at),                      # about, negative
        put(store, analyzer, demo["22669043"], "vnexpress", at + timedelta(hours=2)),  # syndicated copy
        put(store, analyzer, demo["22669043"], "google-news", at + timedelta(hours=3)),  # and another
        put(store, analyzer, demo["22643360"], "laichau-gov", at + timedelta(hours=4), title=SCRIPT_TITLE,
            url=ODD_URL),                                                                # about, negative
        put(store, analyzer, demo["22556075"], "vnexpress", at + timedelta(hours=5)),   # mention, neutral
        put(store, analyzer, demo["21480756"], "vnexpress", at + timedelta(hours=6)),   # mention, positive
        put(store, analyzer, demo["22532196"], "vnexpress", END - timedelta(seconds=1)),  # mention, forecast: neutral
    ]
    none = [put(store, analyzer, demo[key], "vnexpress", at + timedelta(hours=7 + n)) for n, key in
            enumerate(("22254389", "21495178"))]  # relevance none: only "crawled"
    outside = [
        put(store, analyzer, demo["22719031"], "baolaichau", END),                      # at the end: next day's
        put(store, analyzer, demo["22718708"], "baolaichau", START - timedelta(seconds=1)),  # previous day's
        put(store, analyzer, demo["22721143"], "baolaichau", START - timedelta(days=3)),
    ]
    store.record_run(RunResult("google-news", END - timedelta(hours=2), END - timedelta(hours=1), False, 0, 0, 1,
                               "HTTP 503 Service Unavailable"))
    store.record_run(RunResult("laichau-gov", END - timedelta(days=9), END - timedelta(days=9), True, 3, 1, 0))
    store.record_run(RunResult("baolaichau", END - timedelta(hours=3), END - timedelta(hours=3), True, 2, 1, 0))
    assert [s.analysis.relevance.grade for s in none] == ["none", "none"]
    return {"inside": inside, "none": none, "outside": outside}


def config_with(settings: Settings) -> Config:
    base = load_config(CONFIG, {})
    return dataclasses.replace(base, settings=settings, sources=SOURCES)


class Inbox(mailserver.Inbox):
    """The shared SMTP inbox that also checks logins (AUTH PLAIN, password "mật-khẩu")."""

    def __init__(self, refuse: int = 0) -> None:
        super().__init__(refuse)
        self.logins: list[tuple[bytes, bytes]] = []

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if isinstance(data, LoginPassword):
            self.logins.append((data.login, data.password))
            return AuthResult(success=data.password == "mật-khẩu".encode(), handled=False)
        return AuthResult(success=False, handled=False)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with mailserver.MailServer(inbox, authenticator=inbox.authenticate, auth_require_tls=False,
                               auth_exclude_mechanism=["LOGIN"]) as server:
        yield inbox, server.port


def mail_settings(port: int, **extra: Any) -> Settings:
    values: dict[str, Any] = {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
                              "smtp_timeout": 5, "digest_sender": "bantin@laichau.gov.vn",
                              "digest_recipients": ["lanhdao@laichau.gov.vn", "vanphong@laichau.gov.vn"]}
    values.update(extra)
    return Settings.model_validate(values)


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"] or "")
        if tag == "img":
            self.images.append(values.get("src") or "")
        if tag == "script":
            self.scripts += 1


def parts(message: EmailMessage) -> tuple[str, str, dict[str, bytes]]:
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    images = {}
    for part in message.walk():
        if part.get_content_maintype() == "image":
            images[str(part["Content-ID"]).strip("<>")] = part.get_payload(decode=True)
    return text.get_content(), html.get_content(), images


def test_digest_content_counts_only_the_window(store: Store, day_store: dict[str, Any]) -> None:
    digest = build_digest(store, DAY, Settings(), sources=SOURCES)
    inside = day_store["inside"]
    assert (digest.start, digest.end) == (START, END) == window(DAY, Settings())
    assert digest.subject == SUBJECT
    grades = [s.analysis.relevance.grade for s in inside]
    assert digest.about == grades.count("about") and digest.mention == grades.count("mention")
    assert digest.crawled == len(inside) + len(day_store["none"])
    feelings = [s.analysis.sentiment.label for s in inside]
    assert digest.sentiments == {label: feelings.count(label) for label in ("negative", "neutral", "positive")}
    # Negative items: only the window's, one per story (the two copies of the first collapse into it),
    # each naming its source and the sentence that decided.
    copies = {inside[1].id, inside[2].id}
    negative_ids = {s.id for s in inside if s.analysis.sentiment.label == "negative"} - copies
    assert len(negative_ids) >= 2 and digest.negative_total == len(negative_ids)
    assert {item.id for item in digest.negative} == negative_ids
    assert next(i for i in digest.negative if i.id == inside[0].id).outlets == 3
    assert all(item.sentence and item.terms for item in digest.negative)
    assert all(item.sentence != item.title for item in digest.negative)
    outside_ids = {s.id for s in day_store["outside"]}
    assert not outside_ids & {item.id for item in digest.negative + digest.others}
    # The story carried by three outlets is the main story.
    assert digest.stories[0].outlets == 3 and digest.stories[0].copies == 3
    assert digest.stories[0].url == inside[0].url  # the earliest copy is the original
    # 7-day volume ends with this day; the previous day has the article dated one second before START.
    assert digest.volume[-1].day == DAY and digest.volume[-1].about + digest.volume[-1].mention == sum(
        g in ("about", "mention") for g in grades)
    previous = day_store["outside"][1].analysis.relevance.grade
    assert digest.volume[-2].about + digest.volume[-2].mention == (previous in ("about", "mention"))
    # Source health: the failing one and the silent one (no new article for 9 days ≥ 3).
    problems = {p.source_id: p.problem for p in digest.source_problems}
    assert problems == {"google-news": "failing", "laichau-gov": "silent"}
    # A plain sqlite3 connection to the same file gives the same digest.
    with closing(sqlite3.connect(store.path)) as plain:
        assert build_digest(plain, DAY, Settings(), sources=SOURCES) == digest


def health_section(text: str) -> str:
    return text.split("TÌNH TRẠNG NGUỒN\n", 1)[1].split("\n\n", 1)[0]


def test_sources_that_never_ran_are_not_reported_fine(store: Store, smtp: tuple[Inbox, int]) -> None:
    """Issue 16 item 17: enabled sources without a single run are unknown, not "working normally"."""
    inbox, port = smtp
    disabled = make_source(id="tat", urls=["https://tat.example.vn/rss"], name="Nguồn đã tắt", enabled=False)
    config = dataclasses.replace(config_with(mail_settings(port)), sources=[*SOURCES, disabled])
    store.record_run(RunResult("baolaichau", END - timedelta(hours=3), END - timedelta(hours=3), True, 2, 1, 0))
    store.record_run(RunResult("laichau-gov", END - timedelta(hours=2), END - timedelta(hours=2), True, 1, 1, 0))
    digest = build_digest(store, DAY, config.settings, sources=config.sources)
    assert digest.source_problems == []
    assert digest.never_ran == ("Google News – Lai Châu", "VnExpress – Thời sự")  # the disabled one is left out
    assert run_digest(config, store, DAY, environ={}).status == "sent"
    text, html, _ = parts(inbox.messages[0])
    health = health_section(text)
    assert "Mọi nguồn đang bật đều hoạt động bình thường" not in text + html
    assert "2 nguồn đang bật chưa chạy lần nào: Google News – Lai Châu, VnExpress – Thời sự" in health
    assert "2 nguồn đang bật chưa chạy lần nào: Google News – Lai Châu, VnExpress – Thời sự" in html
    assert "Nguồn đã tắt" not in text


def test_many_sources_that_never_ran_are_counted(store: Store) -> None:
    from alerts.digest.render import render_text

    fresh = [make_source(id=f"moi-{n}", urls=[f"https://moi{n}.example.vn/rss"], name=f"Nguồn mới {n}")
             for n in range(12)]
    store.record_run(RunResult("moi-0", END - timedelta(hours=3), END - timedelta(hours=3), False, 0, 0, 1,
                               "HTTP 503 Service Unavailable"))
    digest = build_digest(store, DAY, Settings(), sources=fresh)
    health = health_section(render_text(digest))
    assert "Nguồn mới 0: lỗi 1 lần liên tiếp" in health
    assert "11 nguồn đang bật chưa chạy lần nào" in health and "Nguồn mới 5" not in health
    assert "bình thường" not in health


def test_deciding_sentence_is_the_one_with_the_term() -> None:
    text = "Mở đầu bình thường. Mưa lũ gây thiệt hại nặng cho xã Mường Tè. Kết thúc."
    assert deciding_sentence("Tin thời tiết", text, ["không … thiệt hại", "mưa lũ"]) == (
        "Mưa lũ gây thiệt hại nặng cho xã Mường Tè.")
    assert deciding_sentence("Tin", "Không có gì.", ["sạt lở"]) is None


def test_sent_digest_mime_as_received(store: Store, day_store: dict[str, Any], smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    config = config_with(mail_settings(port))
    outcome = run_digest(config, store, DAY, environ={})
    assert outcome.status == "sent", outcome.error
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["Subject"] == SUBJECT
    raw = inbox.raw[0]
    assert raw.isascii() and b"Subject: =?utf-8?" in raw  # RFC 2047, readable by any client
    assert message["From"].addresses[0].display_name == "Hệ thống theo dõi báo chí"
    assert message["From"].addresses[0].addr_spec == "bantin@laichau.gov.vn"
    assert sorted(inbox.envelopes[0][1]) == ["lanhdao@laichau.gov.vn", "vanphong@laichau.gov.vn"]
    assert message.get_content_type() == "multipart/alternative"
    text, html, images = parts(message)
    inside = day_store["inside"]
    listed = [s for s in inside if s not in inside[1:3]]  # two syndicated copies collapse into inside[0]
    negative = [s for s in listed if s.analysis.sentiment.label == "negative"]
    others = [s for s in listed if s.analysis.sentiment.label != "negative"]
    negative_articles = sum(s.analysis.sentiment.label == "negative" for s in inside)
    digest_crawled = len(inside) + len(day_store["none"])
    # Counts in both parts match the store.
    about = sum(s.analysis.relevance.grade == "about" for s in inside)
    mention = sum(s.analysis.relevance.grade == "mention" for s in inside)
    assert f"Về Lai Châu: {about} (" in text and f"Có nhắc Lai Châu: {mention} (" in text
    cards = dict(re.findall(r">([^<>]+)</div><div[^>]*>(\d+)</div>", html))
    assert cards["Về Lai Châu"] == str(about) and cards["Có nhắc Lai Châu"] == str(mention)
    assert cards["Tiêu cực"] == str(negative_articles) and cards["Đã thu thập"] == str(digest_crawled)
    heading = f"({len(negative)} tin, {negative_articles} bài)"
    assert f"Tin tiêu cực {heading}" in html and f"TIN TIÊU CỰC {heading}" in text
    # Negative items come before every other item, in both parts.
    for body in (text, html.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")):
        last_negative = max(body.index(s.url) for s in negative)
        first_other = min(body.index(s.url) for s in others)
        assert last_negative < first_other
    # Each negative item carries the sentence that decided, in both parts.
    for item in build_digest(store, DAY, config.settings, sources=SOURCES).negative:
        assert item.sentence and f"«{item.sentence}»" in text and f"«{escape(item.sentence)}»" in html
    # Links: every article is linked, escaped; the crawled <script> arrives as text.
    links = Links()
    links.feed(html)
    assert links.scripts == 0
    assert "<script>" not in html and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert SCRIPT_TITLE in text
    assert ODD_URL in links.hrefs and 'href="https://vnexpress.net/lai-chau-di-doi?id=1&amp;ref=a&lt;b&gt;"' in html
    assert {s.url for s in listed} <= set(links.hrefs)
    assert not {s.url for s in day_store["outside"]} & set(links.hrefs)
    # Each image the HTML references is attached as a PNG, and each PNG is referenced.
    cids = {src.removeprefix("cid:") for src in links.images}
    assert cids and cids == set(images)
    assert all(data.startswith(b"\x89PNG\r\n\x1a\n") for data in images.values())
    related = [p for p in message.walk() if p.get_content_type() == "multipart/related"]
    assert len(related) == 1


def test_web_links_and_login_from_environment(store: Store, day_store: dict[str, Any],
                                              smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    config = config_with(mail_settings(port, web_base_url="https://giamsat.laichau.gov.vn/"))
    environ = {"PRESSWATCH_SMTP_USERNAME": "bantin", "PRESSWATCH_SMTP_PASSWORD": "mật-khẩu"}
    assert run_digest(config, store, DAY, environ=environ).status == "sent"
    assert inbox.logins == [(b"bantin", "mật-khẩu".encode())]
    _, html, _ = parts(inbox.messages[0])
    first = day_store["inside"][0]
    assert f'href="https://giamsat.laichau.gov.vn/article/{first.id}"' in html
    # A wrong password: nothing sent, the server's reason recorded.
    wrong = {**environ, "PRESSWATCH_SMTP_PASSWORD": "sai"}
    outcome = run_digest(config, store, DAY + timedelta(days=1), environ=wrong, attempts=1)
    assert outcome.status == "failed" and "535" in (outcome.error or "")
    assert len(inbox.messages) == 1


def self_signed(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A certificate for 127.0.0.1: (server context, client context trusting only it)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(hours=1))
            .not_valid_after(now + timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_path, key_path)
    client = ssl.create_default_context(cafile=str(cert_path))
    return server, client


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_tls_and_login(security: str, tmp_path: Path, store: Store) -> None:
    server_context, client_context = self_signed(tmp_path)
    inbox = Inbox()
    port = free_port()
    tls: dict[str, Any] = ({"tls_context": server_context, "require_starttls": True, "auth_required": True}
                           if security == "starttls"
                           # implicit TLS: aiosmtpd only counts STARTTLS as "encrypted" for AUTH
                           else {"ssl_context": server_context, "auth_require_tls": False})
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=inbox.authenticate, **tls)
    controller.start()
    try:
        environ = {"PRESSWATCH_SMTP_USERNAME": "bantin", "PRESSWATCH_SMTP_PASSWORD": "mật-khẩu"}
        outcome = run_digest(config_with(mail_settings(port, smtp_security=security)), store, DAY,
                             environ=environ, context=client_context, attempts=1)
        untrusted = run_digest(config_with(mail_settings(port, smtp_security=security)), store,
                               DAY + timedelta(days=1), environ=environ, attempts=1)
    finally:
        controller.stop()
    assert outcome.status == "sent", outcome.error
    assert inbox.logins == [(b"bantin", "mật-khẩu".encode())] and len(inbox.messages) == 1
    # The system's trust store does not know this certificate: refused, not sent in clear.
    assert untrusted.status == "failed" and "CERTIFICATE_VERIFY_FAILED" in (untrusted.error or "")


def test_quiet_day_still_gets_a_short_digest(store: Store, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    outcome = run_digest(config_with(mail_settings(port)), store, DAY, environ={})
    assert outcome.status == "sent"
    text, html, images = parts(inbox.messages[0])
    assert "KHÔNG CÓ TIN MỚI" in text and "Không có tin mới" in html
    assert "Về Lai Châu: 0" in text and len(images) == 2


def test_sent_once_unless_forced(store: Store, day_store: dict[str, Any], smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    config = config_with(mail_settings(port))
    first = run_digest(config, store, DAY, environ={})
    again = run_digest(config, store, DAY, environ={})
    assert (first.status, again.status) == ("sent", "already_sent")
    assert again.message_id == first.message_id and len(inbox.messages) == 1
    forced = run_digest(config, store, DAY, environ={}, force=True)
    assert forced.status == "sent" and len(inbox.messages) == 2
    record = send_record(store, DAY)
    assert record is not None and record.status == "sent" and record.attempts == 2
    assert record.message_id == forced.message_id and record.recipients == config.settings.digest_recipients


def test_refusing_server_is_retried_and_sends_one(store: Store, day_store: dict[str, Any],
                                                  smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    inbox.refuse = 2
    waits: list[float] = []
    outcome = run_digest(config_with(mail_settings(port)), store, DAY, environ={}, attempts=3, backoff=1.5,
                         sleep=waits.append)
    assert outcome.status == "sent" and outcome.attempts == 3
    assert waits == [1.5, 3.0] and len(inbox.messages) == 1
    record = send_record(store, DAY)
    assert record is not None and record.attempts == 3 and record.status == "sent"


def test_server_down_then_back(store: Store, day_store: dict[str, Any]) -> None:
    port = free_port()  # nothing listens: connection refused
    config = config_with(mail_settings(port))
    failed = run_digest(config, store, DAY, environ={}, attempts=2, sleep=lambda _: None)
    assert failed.status == "failed" and "máy chủ từ chối kết nối" in (failed.error or "")
    record = send_record(store, DAY)
    assert record is not None and record.status == "failed" and record.attempts == 2
    assert record.last_error == failed.error
    now = END + timedelta(hours=1)
    assert DAY in due_digest_days(store, now, config.settings)
    inbox = Inbox(refuse=1)  # back, but refuses once more
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sent = run_digest(config, store, DAY, environ={}, sleep=lambda _: None)
        again = run_digest(config, store, DAY, environ={}, sleep=lambda _: None)
    finally:
        controller.stop()
    assert (sent.status, again.status) == ("sent", "already_sent")
    assert len(inbox.messages) == 1
    record = send_record(store, DAY)
    assert record is not None and record.status == "sent" and record.attempts == 4 and record.last_error is None
    assert DAY not in due_digest_days(store, now, config.settings)


def test_due_days(store: Store) -> None:
    settings = Settings()
    before = datetime(2026, 11, 26, 23, 59, tzinfo=UTC)  # 06:59 on 27/11 local
    after = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 07:00 on 27/11 local
    assert due_digest_days(store, before, settings) == [DAY - timedelta(days=1)]
    assert due_digest_days(store, after, settings) == [DAY]


def test_no_recipients_is_not_sent(store: Store) -> None:
    outcome = run_digest(config_with(Settings()), store, DAY, environ={})
    assert outcome.status == "no_recipients" and send_record(store, DAY) is None


def test_digest_settings_are_validated(tmp_path: Path) -> None:
    path = tmp_path / "presswatch.yaml"
    path.write_text("digest_time: 07:00\ndigest_recipients: [a@laichau.gov.vn]\n", encoding="utf-8")
    assert load_settings(path, {}).digest_time == "07:00"  # YAML 1.1 reads 07:00 as 420
    path.write_text("digest_time: '25:00'\ndigest_recipients: [lanhdao@laichau, 'khong hop le']\n"
                    "smtp_security: tls\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    problems = "\n".join(caught.value.problems)
    assert f"{path}:1: digest_time: '25:00' không phải giờ hợp lệ" in problems
    assert f"{path}:2: digest_recipients" in problems and "'khong hop le' không phải địa chỉ email" in problems
    assert f"{path}:3: smtp_security" in problems
    env = load_settings(None, {"PRESSWATCH_DIGEST_RECIPIENTS": "a@x.vn, b@y.vn"})
    assert env.digest_recipients == ["a@x.vn", "b@y.vn"]


def test_cli_preview_and_send(tmp_path: Path, store: Store, day_store: dict[str, Any], smtp: tuple[Inbox, int],
                              capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp
    monkeypatch.setattr("alerts.digest.send.BACKOFF", 0.0)  # no waiting between the CLI's retries
    config = tmp_path / "config"
    config.mkdir()
    for name in ("topics.yaml", "sentiment.yaml"):
        shutil.copy(CONFIG / name, config / name)
    (config / "sources.yaml").write_text(
        "sources:\n" + "".join(
            f"  - {{id: {s.id}, name: '{s.name}', kind: {s.kind}, type: feed, urls: ['https://{s.id}.vn/rss']}}\n"
            for s in SOURCES), encoding="utf-8")
    (config / "presswatch.yaml").write_text(
        f"smtp_host: 127.0.0.1\nsmtp_port: {port}\nsmtp_security: none\nsmtp_timeout: 5\n"
        "digest_recipients: [lanhdao@laichau.gov.vn]\n", encoding="utf-8")
    base = ["--config", str(config), "--db", str(store.path), "digest", "--date", "2026-11-27"]
    preview = tmp_path / "out" / "digest.html"
    assert main([*base, "--preview", str(preview)]) == 0
    out = capsys.readouterr().out
    assert SUBJECT in out and "chưa gửi" in out and not inbox.messages
    html = preview.read_text(encoding="utf-8")
    links = Links()
    links.feed(html)
    assert len(links.images) == 2 and all(src.startswith("data:image/png;base64,") for src in links.images)
    assert main([*base, "--send"]) == 0 and main([*base, "--send"]) == 0
    assert "đã gửi lúc" in capsys.readouterr().out and len(inbox.messages) == 1
    assert main([*base, "--send", "--force"]) == 0 and len(inbox.messages) == 2
    (config / "presswatch.yaml").write_text(
        f"smtp_host: 127.0.0.1\nsmtp_port: {free_port()}\nsmtp_security: none\n"
        "digest_recipients: [lanhdao@laichau.gov.vn]\n", encoding="utf-8")
    assert main([*base[:-1], "2026-11-28", "--send"]) == 1
    assert "Gửi bản tin thất bại sau 3 lần thử" in capsys.readouterr().err and len(inbox.messages) == 2
    assert main(["--config", str(config), "--db", str(store.path), "digest", "--date", "27/11/2026"]) == 2
    assert re.search(r"không phải ngày dạng YYYY-MM-DD", capsys.readouterr().err)


def test_readme_digest_settings_load(tmp_path: Path) -> None:
    readme = (CONFIG.parent / "README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "digest_recipients" in b)
    path = tmp_path / "presswatch.yaml"
    path.write_text(block, encoding="utf-8")
    settings = load_settings(path, {})
    assert settings.smtp_security == "starttls" and len(settings.digest_recipients) == 2
    assert settings.web_base_url == "https://giamsat.laichau.gov.vn"


def test_scheduled_digest_job_sends_once_and_retries_a_failed_day(tmp_path: Path,
                                                                  smtp: tuple[Inbox, int]) -> None:
    """What `presswatch run` runs at digest_time and every 30 minutes: the due days, once each."""
    from presswatch.service import jobs
    from presswatch.service.runtime import RUNTIME

    inbox, port = smtp
    db = tmp_path / "pw.db"
    config = dataclasses.replace(config_with(mail_settings(port)), directory=tmp_path)
    RUNTIME.use_config(config)
    with Store(db) as store:  # yesterday's send failed: it is due again beside today's
        latest = latest_day(datetime.now(UTC), config.settings)
        store.db.execute("INSERT INTO digest_sends (day, status, attempts, last_error) VALUES (?, 'failed', 3, "
                         "'451')", ((latest - timedelta(days=1)).isoformat(),))
    jobs.digest_job(str(tmp_path), str(db))
    jobs.digest_job(str(tmp_path), str(db))  # the 30-minute retry job: nothing left to send
    subjects = sorted(str(m["Subject"]) for m in inbox.messages)
    assert len(subjects) == 2 and subjects[0].endswith((latest - timedelta(days=1)).strftime("%d/%m/%Y"))
    assert subjects[1].endswith(latest.strftime("%d/%m/%Y"))
    with Store(db) as store:
        assert {row[0] for row in store.db.execute("SELECT status FROM digest_sends")} == {"sent"}
