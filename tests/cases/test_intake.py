"""The hotline mailbox against a real IMAP server: Debian's dovecot started by the tests on loopback
(implicit TLS, a self-signed certificate), mail appended over IMAP. New messages become cases with
their attachments, a reply joins its case, a message seen twice makes one case; malformed MIME, a
non-UTF-8 charset, an attachment over the limit, a message with only an image; the server down then
back (a clear entry in health, nothing lost, no duplicate); SIGKILL during intake (no half case, no
message lost). Skipped when dovecot is missing, unless CI=true."""

from __future__ import annotations

import imaplib
import os
import signal
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from datetime import date
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

import pytest

from cases import reads
from cases.intake import HEALTH_ID, Intake, Mailbox, mailbox_of, poll, read_hotline
from cases.model import Case, Filters
from cases.settings import load_cases_config
from presswatch.cli import main
from presswatch.config import Settings
from presswatch.errors import MailIntakeError
from presswatch.store import Store
from tests.support.imapserver import DOVECOT, PASSWORD, USER, Dovecot

ROOT = Path(__file__).resolve().parents[2]
CASES = load_cases_config(ROOT / "config" / "cases.yaml")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

if not os.path.exists(DOVECOT) and os.environ.get("CI") != "true":
    pytest.skip("dovecot (Debian package dovecot-imapd) is not installed", allow_module_level=True)


@pytest.fixture
def server() -> Iterator[Dovecot]:
    with Dovecot() as running:
        yield running


def mailbox(server: Dovecot) -> Mailbox:
    return Mailbox("127.0.0.1", server.port, USER, PASSWORD, cafile=str(server.cert), timeout=10)


def intake(tmp_path: Path, max_bytes: int = 5_000) -> Intake:
    return Intake(CASES.kind_labels(), CASES.deadline_days, tmp_path / "files", max_bytes)


def windows_1258(text: str) -> str:
    """Vietnamese as Windows-1258 writes it: letters with circumflex, breve or horn precomposed, tone
    marks as combining characters (the code page has no room for every precomposed letter)."""
    out: list[list[str]] = []  # [letter with its shape marks, its tone marks]
    for char in unicodedata.normalize("NFD", text):
        if out and unicodedata.combining(char):
            out[-1][0 if char in "\u0302\u0306\u031b" else 1] += char
        else:
            out.append([char, ""])
    return "".join(unicodedata.normalize("NFC", letter) + tones for letter, tones in out)


SENDER = formataddr(("Nguyễn Văn C", "nguyenvanc@dan.example.vn"), charset="utf-8")


def mail(subject: str, text: str | None, *, sender: str = SENDER,
         reply_to: str | None = None, files: tuple[tuple[str, bytes, str], ...] = (), charset: str = "utf-8",
         message_id: str | None = None) -> tuple[bytes, str]:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "duongdaynong@stttt.example.vn"
    if subject:
        message["Subject"] = subject
    message_id = message_id or make_msgid(domain="dan.example.vn")
    message["Message-ID"] = message_id
    if reply_to:
        message["In-Reply-To"] = reply_to
        message["References"] = reply_to
    if text is not None:
        message.set_content(text, charset=charset, cte="quoted-printable" if charset != "utf-8" else None)
    for name, data, kind in files:
        main, sub = kind.split("/")
        message.add_attachment(data, maintype=main, subtype=sub, filename=name)
    return message.as_bytes(), message_id


def mail_cases(store: Store) -> list[Case]:
    return [c for c in reads.list_cases(store.db, Filters(limit=1000), date.today()).cases if c.origin == "email"]


def test_messages_become_cases_replies_join_and_nothing_is_taken_twice(server: Dovecot, tmp_path: Path) -> None:
    first, first_id = mail("Phản ánh bài báo đưa tin sai về Mường Tè", "Bài báo đăng sai sự thật.\nXin xem xét.",
                           files=(("cong-van.pdf", PDF, "application/pdf"),))
    reply, _ = mail("Re: Phản ánh bài báo", "Tôi gửi thêm ảnh chụp màn hình.", reply_to=first_id,
                    files=(("anh.png", PNG, "image/png"),))
    server.append(first, first, reply)  # the same message twice (a resend), then a reply
    with Store(tmp_path / "mail.db") as store:
        taken = poll(store, mailbox(server), intake(tmp_path))
        assert (len(taken.new_cases), len(taken.joined), taken.seen) == (1, 1, 1)
        [case] = mail_cases(store)
        assert case.title == "Phản ánh bài báo đưa tin sai về Mường Tè" and case.origin == "email"
        assert (case.reporter_name, case.reporter_email) == ("Nguyễn Văn C", "nguyenvanc@dan.example.vn")
        assert "Bài báo đăng sai sự thật." in case.summary
        file = reads.case_file(store.db, case.id)
        assert file is not None
        assert sorted(a.name for a in file.attachments) == ["anh.png", "cong-van.pdf"]
        assert any(e.field == "reporter_message" and "ảnh chụp màn hình" in (e.after or "") for e in file.audit)
        again = poll(store, mailbox(server), intake(tmp_path))
        assert again.messages == 0  # nothing above the last UID
        # A new UIDVALIDITY (the mailbox rebuilt) reads everything again: the keys keep it at one case.
        store.db.execute("UPDATE case_mail_state SET uidvalidity = uidvalidity + 1")
        assert poll(store, mailbox(server), intake(tmp_path)).seen == 3
        assert len(mail_cases(store)) == 1
    with server.mailbox() as box:  # only read: nothing deleted or marked seen
        assert len(box.uids()) == 3 and len(box.uids("UNSEEN")) == 3


def test_bad_mail_still_makes_a_case(server: Dovecot, tmp_path: Path) -> None:
    latin, _ = mail("Phản ánh báo", windows_1258("Nội dung viết bằng bảng mã Windows-1258: Lai Châu, Điện Biên."),
                    charset="cp1258")
    assert b"charset=\"cp1258\"" in latin or b"charset=cp1258" in latin
    big, _ = mail("Tệp quá lớn", "Kèm bản scan.", files=(("scan.pdf", PDF + b"0" * 10_000, "application/pdf"),
                                                        ("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")))
    image_only, _ = mail("", None, files=(("IMG_0001.png", PNG, "image/png"),))
    broken = (b"From: =?utf-8?q?Ng=C6=B0=E1=BB=9Di_d=C3=A2n?= <dan@dan.example.vn>\r\n"
              b"Subject: =?utf-8?b?VGjGsCBo4buPbmc=?=\r\nMessage-ID: <broken-1@dan.example.vn>\r\n"
              b"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XYZ\"\r\nthis is not a header\r\n\r\n"
              b"--XYZ\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
              b"VGjDtG5nIHRpbiBi4buLIGPhuq90IG5n4bqhbmc=!!\r\n--XYZ\r\nContent-Type: application/pdf\r\n")  # no end
    server.append(latin, big, image_only, broken)
    with Store(tmp_path / "bad.db") as store:
        taken = poll(store, mailbox(server), intake(tmp_path))
        assert len(taken.new_cases) == 4
        by_title = {c.title: reads.case_file(store.db, c.id) for c in mail_cases(store)}
        latin_case = by_title["Phản ánh báo"]
        assert latin_case is not None and "Lai Châu, Điện Biên" in latin_case.case.summary
        big_case = by_title["Tệp quá lớn"]
        assert big_case is not None and not big_case.attachments
        assert "quá lớn" in big_case.case.summary and "không phải PDF" in big_case.case.summary
        assert any("2 tệp đính kèm không lưu được" in problem for problem in taken.problems)
        assert not any("scan.pdf" in problem for problem in taken.problems)  # health shows no file names
        image_case = by_title["(thư không có tiêu đề)"]
        assert image_case is not None and [a.mime for a in image_case.attachments] == ["image/png"]
        broken_case = next(f for title, f in by_title.items() if title.startswith("Thư hỏng"))
        assert broken_case is not None and broken_case.case.reporter_email == "dan@dan.example.vn"


def test_the_server_down_then_back_loses_nothing_and_says_so_in_health(server: Dovecot, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(hotline_imap_host="127.0.0.1", hotline_imap_port=server.port,
                        hotline_imap_cafile=str(server.cert), cases_dir=str(tmp_path / "files"))
    environ = {"PRESSWATCH_HOTLINE_IMAP_USERNAME": USER, "PRESSWATCH_HOTLINE_IMAP_PASSWORD": PASSWORD}
    first, _ = mail("Thư trước khi máy chủ ngừng", "Một.")
    server.append(first)
    with Store(tmp_path / "down.db") as store:
        assert read_hotline(store, settings, CASES, environ) is not None
        server.stop()
        with pytest.raises(MailIntakeError, match="không đọc được hộp thư"):
            read_hotline(store, settings, CASES, environ)
        health = store.health()[HEALTH_ID]
        assert health.consecutive_failures == 1 and "không đọc được hộp thư 127.0.0.1" in (health.last_error or "")
        assert main(["--config", str(ROOT / "config"), "--db", str(store.path), "sources"]) == 0
        line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith(HEALTH_ID))
        assert "(hộp thư đường dây nóng)" in line and "không đọc được hộp thư" in line
        with pytest.raises(MailIntakeError, match="PRESSWATCH_HOTLINE_IMAP_PASSWORD"):
            read_hotline(store, settings, CASES, {})
        server.start()
        second, _ = mail("Thư sau khi máy chủ chạy lại", "Hai.")
        server.append(second)
        taken = read_hotline(store, settings, CASES, environ)
        assert taken is not None and len(taken.new_cases) == 1
        assert sorted(c.title for c in mail_cases(store)) == ["Thư sau khi máy chủ chạy lại",
                                                               "Thư trước khi máy chủ ngừng"]
        assert store.health()[HEALTH_ID].consecutive_failures == 0
        wrong = {**environ, "PRESSWATCH_HOTLINE_IMAP_PASSWORD": "sai"}
        with pytest.raises(MailIntakeError, match="đăng nhập bị từ chối"):
            read_hotline(store, settings, CASES, wrong)


KILLED = """
import sys
from pathlib import Path
from cases.intake import Intake, Mailbox, poll
from cases.model import Case, Filters
from cases.settings import load_cases_config
from presswatch.store import Store
cases = load_cases_config(Path("config/cases.yaml"))
port, cert, db, files = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
with Store(db) as store:
    poll(store, Mailbox("127.0.0.1", port, "hotline", "mat-khau-hop-thu-1", cafile=cert),
         Intake(cases.kind_labels(), 15, Path(files), 5000))
"""


def test_sigkill_during_intake_leaves_no_half_case_and_loses_no_message(server: Dovecot, tmp_path: Path) -> None:
    count = 120
    keys = []
    messages = []
    for n in range(count):
        raw, key = mail(f"Phản ánh số {n}", f"Nội dung {n}.",
                        files=(("a.pdf", PDF + str(n).encode(), "application/pdf"),))
        messages.append(raw)
        keys.append(key.strip("<>").lower())
    server.append(*messages)
    db = tmp_path / "kill.db"
    Store(db).close()
    child = subprocess.Popen([sys.executable, "-c", KILLED, str(server.port), str(server.cert), str(db),
                              str(tmp_path / "files")], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    with Store(db) as store:
        while time.monotonic() < deadline and child.poll() is None:
            taken = int(store.db.execute("SELECT count(*) FROM case_mail").fetchone()[0])
            if taken >= 10:
                break
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(20)
        before = int(store.db.execute("SELECT count(*) FROM case_mail").fetchone()[0])
        assert 0 < before < count, before  # killed in the middle
        poll(store, mailbox(server), intake(tmp_path))
        rows = store.db.execute("SELECT message_key, case_id FROM case_mail").fetchall()
        assert sorted(r[0] for r in rows) == sorted(keys)  # every message, once
        cases = mail_cases(store)
        assert len(cases) == count and sorted(c.seq for c in cases) == list(range(1, count + 1))
        for case in cases:  # each case whole: its attachment and its mail row
            file = reads.case_file(store.db, case.id)
            assert file is not None and len(file.attachments) == 1


def test_starttls_on_port_143_and_never_a_login_in_clear(server: Dovecot, tmp_path: Path) -> None:
    """``hotline_imap_security: starttls``: the plain port, upgraded before the login (the server's log
    says the login was over TLS, where a login in clear on the same port says ``secured``); a
    certificate that does not verify and STARTTLS on the implicit-TLS port are failed reads, said in
    Vietnamese."""
    raw, _ = mail("Phản ánh qua cổng 143", "Trang tin đăng sai sự thật về xã Mường Tè.")
    server.append(raw)
    settings = Settings(hotline_imap_host="127.0.0.1", hotline_imap_port=server.plain_port,
                        hotline_imap_security="starttls", hotline_imap_cafile=str(server.cert))
    box = mailbox_of(settings, {"PRESSWATCH_HOTLINE_IMAP_USERNAME": USER, "PRESSWATCH_HOTLINE_IMAP_PASSWORD": PASSWORD})
    assert box is not None and box.security == "starttls"
    with Store(tmp_path / "starttls.db") as store:
        before = len(server.logins())
        taken = poll(store, box, intake(tmp_path))
        assert len(taken.new_cases) == 1
        assert [c.title for c in mail_cases(store)] == ["Phản ánh qua cổng 143"]
        (login,) = server.logins(before + 1)[before:]  # the poll's, on the port without implicit TLS
        assert ", TLS, " in login
        clear = imaplib.IMAP4("127.0.0.1", server.plain_port, timeout=10)  # what no STARTTLS would look like
        clear.login(USER, PASSWORD)
        clear.logout()
        (line,) = server.logins(before + 2)[before + 1:]
        assert ", TLS, " not in line and ", secured, " in line
        with pytest.raises(MailIntakeError, match="không đọc được hộp thư 127.0.0.1"):
            poll(store, Mailbox("127.0.0.1", server.plain_port, USER, PASSWORD, timeout=10, security="starttls"),
                 intake(tmp_path))
        with pytest.raises(MailIntakeError, match="cổng 143"):
            poll(store, Mailbox("127.0.0.1", 993, USER, PASSWORD, timeout=10, security="starttls"), intake(tmp_path))
        assert len(mail_cases(store)) == 1  # nothing taken twice
