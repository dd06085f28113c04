"""The hotline mailbox: each new message becomes a case with its attachments; a reply joins its case.

Read over IMAP with implicit TLS or STARTTLS (imap-tools), credentials from the environment, by ``presswatch
run`` on a schedule (``presswatch.service.jobs.hotline_job``). Messages are only read (``BODY.PEEK``):
never deleted, moved or marked, so the mailbox stays the office's record.

Exactly once. A message is taken in one transaction: its case (or its entry in the case it replies
to), its attachments' rows, its ``case_mail`` row (keyed by Message-ID, or by the SHA-256 of the
message when it has none) and the mailbox's last UID. A process killed at any point leaves either
all of it or none of it, and the next read starts after the last UID committed; a message seen
again (appended twice, a new UIDVALIDITY, a second copy) finds its key and makes nothing. Attachment
files are written before the transaction under their hash: a killed read leaves at most an unused
file, never a row without its file.

Threads. A message whose ``In-Reply-To`` or ``References`` names a message taken before joins that
message's case: its text goes to the case's timeline ("tin nhắn của người phản ánh") and its
attachments to the case.

Bad mail. Text in any charset Python knows is decoded (unknown ones replaced, never refused); a
malformed MIME structure yields what the parser can read; an attachment over
``cases_attachment_max_bytes`` or of a type not accepted is left out and named in the case (the
message itself stays in the mailbox); a message with only an image becomes a case with that image.
The reporter's name and address are personal data: stored on the case, never logged.
"""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
import ssl
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import getaddresses
from pathlib import Path

from imap_tools import AND, BaseMailBox, MailBox, MailBoxStartTls, MailMessage
from imap_tools.errors import MailboxLoginError, UnexpectedCommandStatusError

from cases import audit, records
from cases.attachments import check, keep
from cases.attachments import record as record_attachment
from cases.model import HOTLINE_HEALTH_ID, Draft
from cases.settings import CasesFile
from presswatch.config import Settings
from presswatch.errors import CaseError, MailIntakeError
from presswatch.store import RunResult, Store
from presswatch.store.users import User
from presswatch.times import iso

ACTOR = User("hop-thu", "analyst", datetime(2026, 1, 1, tzinfo=UTC))  # who the trail names for mail taken
DEFAULT_KIND = "khac"
MAX_TEXT = 20_000
_ID = re.compile(r"<([^<>\s]{1,500})>")


@dataclass(frozen=True)
class Mailbox:
    """Where and how to read: from the settings and the environment."""

    host: str
    port: int
    username: str
    password: str
    folder: str = "INBOX"
    cafile: str = ""
    timeout: float = 30.0
    security: str = "ssl"  # or "starttls" (hotline_imap_security)

    @property
    def name(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"


@dataclass(frozen=True)
class Intake:
    """What the taken messages become: the kinds of case, the default deadline, the attachments' limits."""

    kinds: dict[str, str]
    deadline_days: int
    cases_dir: Path
    max_bytes: int


@dataclass
class Taken:
    """The outcome of one read of the mailbox."""

    new_cases: list[str] = field(default_factory=list)  # numbers
    joined: list[str] = field(default_factory=list)  # numbers of cases a reply joined
    seen: int = 0  # messages taken before (no second case)
    problems: list[str] = field(default_factory=list)  # messages with attachments left out (no file names)

    @property
    def messages(self) -> int:
        return len(self.new_cases) + len(self.joined) + self.seen


def header(message: MailMessage, name: str) -> tuple[str, ...]:
    """The raw values of one header (Message-ID, References, From)."""
    return tuple(str(value) for value in (message.obj.get_all(name) or []))


def message_key(message: MailMessage, raw: bytes) -> str:
    found = _ID.search(" ".join(header(message, "message-id")))
    return found.group(1).lower() if found else "sha256:" + hashlib.sha256(raw).hexdigest()


def thread_keys(message: MailMessage) -> list[str]:
    text = " ".join(header(message, "in-reply-to") + header(message, "references"))
    return [key.lower() for key in _ID.findall(text)][-50:]


def body_text(message: MailMessage) -> str:
    text = message.text or ""
    if not text.strip() and message.html:
        text = html.unescape(re.sub(r"<[^>]{0,2000}>", " ", re.sub(r"(?is)<(script|style).*?</\1>", " ",
                                                                     message.html)))
    text = re.sub(r"[ \t]+", " ", unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\x00", ""))
    return re.sub(r"\n{3,}", "\n\n", text).strip()[:MAX_TEXT]


def _reporter(message: MailMessage) -> tuple[str | None, str | None]:
    pairs = getaddresses(list(header(message, "from")))
    name, address = pairs[0] if pairs else ("", "")
    try:
        from_values = message.from_values
        if from_values is not None:
            name, address = str(from_values.name or name), str(from_values.email or address)
    except (ValueError, IndexError):
        pass
    return (name.strip()[:200] or None), (address.strip()[:254] or None)


def take(store: Store, raw: bytes, uid: int, uidvalidity: int, mailbox: str, intake: Intake,
         now: datetime | None = None) -> tuple[str, str, list[str]]:
    """Take one message (its bytes as fetched): ("new" | "joined" | "seen", the case's number, the
    attachments left out and why)."""
    message = MailMessage.from_bytes(raw)
    key = message_key(message, raw)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    kept: list[tuple[str, str, str, int]] = []
    problems: list[str] = []
    for index, part in enumerate(message.attachments[:50]):
        try:
            data = part.payload or b""
            name, mime = check(part.filename or f"tep-{index + 1}", data, intake.max_bytes)
        except (CaseError, ValueError, LookupError) as exc:
            problems.append(f"không lưu tệp đính kèm: {exc}")
            continue
        kept.append((name, mime, keep(intake.cases_dir, data), len(data)))
    subject = re.sub(r"\s+", " ", unicodedata.normalize("NFC", message.subject or "")).strip()
    text = body_text(message)
    with store.transaction() as db:
        taken = db.execute("SELECT case_id FROM case_mail WHERE message_key = ?", (key,)).fetchone()
        if taken is not None:
            _advance(db, mailbox, uidvalidity, uid, moment)
            return "seen", _number(db, int(taken[0])), []
        case_id = _thread_case(db, thread_keys(message))
        if case_id is None:
            reporter, address = _reporter(message)
            notes = "\n".join(problems)
            summary = "\n\n".join(part for part in (text, notes) if part)[:MAX_TEXT]
            title = (subject or (text.splitlines()[0] if text else "") or "(thư không có tiêu đề)")[:300]
            case = records.open_in(db, ACTOR, Draft(title=title, kind=_kind(intake), origin="email", summary=summary,
                                                    reporter_name=reporter, reporter_email=_address(address)),
                                   intake.kinds, set(), deadline_days=intake.deadline_days, with_copies=False,
                                   moment=moment)
            case_id, outcome = case.id, "new"
        else:
            said = "\n".join(part for part in (subject, text, *problems) if part)
            audit.append(db, case_id, ACTOR.name, "reporter_message", None, said or "(thư trống)", moment)
            db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (iso(moment), case_id))
            outcome = "joined"
        for name, mime, digest, size in kept:
            record_attachment(db, ACTOR, case_id, name, mime, digest, size, moment)
        db.execute("INSERT INTO case_mail (message_key, case_id, mailbox, uidvalidity, uid, taken_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (key, case_id, mailbox, uidvalidity, uid, iso(moment)))
        _advance(db, mailbox, uidvalidity, uid, moment)
        return outcome, _number(db, case_id), problems


def _kind(intake: Intake) -> str:
    return DEFAULT_KIND if DEFAULT_KIND in intake.kinds else next(iter(intake.kinds))


def _address(address: str | None) -> str | None:
    """The sender's address if it is one the case accepts (a malformed From keeps the case, not the address)."""
    try:
        records.clean_field("reporter_email", address, {}, set())
    except CaseError:
        return None
    return address


def _number(db: sqlite3.Connection, case_id: int) -> str:
    row = db.execute("SELECT seq, year FROM cases WHERE id = ?", (case_id,)).fetchone()
    return f"{row[0]}/{row[1]}"


def _thread_case(db: sqlite3.Connection, keys: list[str]) -> int | None:
    for key in reversed(keys):  # the nearest message of the thread first
        row = db.execute("SELECT case_id FROM case_mail WHERE message_key = ?", (key,)).fetchone()
        if row is not None:
            return int(row[0])
    return None


def _advance(db: sqlite3.Connection, mailbox: str, uidvalidity: int, uid: int, moment: datetime) -> None:
    db.execute("INSERT INTO case_mail_state (mailbox, uidvalidity, last_uid, checked_at) VALUES (?, ?, ?, ?) "
               "ON CONFLICT(mailbox) DO UPDATE SET uidvalidity = excluded.uidvalidity, "
               "last_uid = max(CASE WHEN case_mail_state.uidvalidity = excluded.uidvalidity "
               "THEN case_mail_state.last_uid ELSE 0 END, excluded.last_uid), checked_at = excluded.checked_at",
               (mailbox, uidvalidity, uid, iso(moment)))


def last_uid(store: Store, mailbox: str, uidvalidity: int) -> int:
    row = store.db.execute("SELECT uidvalidity, last_uid FROM case_mail_state WHERE mailbox = ?", (mailbox,)).fetchone()
    return int(row[1]) if row is not None and int(row[0]) == uidvalidity else 0


def _fetch(box: BaseMailBox, after: int) -> Iterator[tuple[int, bytes]]:
    """(UID, the message's bytes) of every message above ``after``, oldest first, read with PEEK."""
    uids = sorted(int(uid) for uid in box.uids(AND(uid=f"{after + 1}:*")) if int(uid) > after)
    for uid in uids:
        status, data = box.client.uid("FETCH", str(uid), "(BODY.PEEK[])")
        if status != "OK":
            raise MailIntakeError(f"máy chủ thư không trả thư UID {uid}: {status}")
        raw = next((item[1] for item in data if isinstance(item, tuple) and len(item) > 1), None)
        if isinstance(raw, bytes):
            yield uid, raw


def _connect(mailbox: Mailbox, context: ssl.SSLContext) -> BaseMailBox:
    """A TLS connection to the mailbox: implicit, or upgraded by STARTTLS before anything else is
    said (imaplib refuses when the server does not offer it: no login in clear)."""
    if mailbox.security == "starttls":
        if mailbox.port == 993:
            raise MailIntakeError("hotline_imap_security: starttls dùng cổng 143 (cổng 993 là TLS ngay từ đầu: "
                                  "đặt hotline_imap_security: ssl)")
        return MailBoxStartTls(mailbox.host, mailbox.port, ssl_context=context, timeout=mailbox.timeout)
    return MailBox(mailbox.host, mailbox.port, ssl_context=context, timeout=mailbox.timeout)


def _logged_in(box: BaseMailBox, mailbox: Mailbox) -> BaseMailBox:
    """``box`` logged in; its connection closed when the login fails (no socket left open)."""
    try:
        return box.login(mailbox.username, mailbox.password, initial_folder=mailbox.folder)
    except BaseException:
        box.client.shutdown()
        raise


def poll(store: Store, mailbox: Mailbox, intake: Intake) -> Taken:
    """Take every message the mailbox has above the last UID taken. ``MailIntakeError`` when the
    server cannot be reached or read: what was taken before the failure stays, nothing half."""
    taken = Taken()
    try:
        context = ssl.create_default_context(cafile=mailbox.cafile or None)
        with _logged_in(_connect(mailbox, context), mailbox) as box:
            status = box.folder.status(mailbox.folder, ["UIDVALIDITY"])
            validity = int(status["UIDVALIDITY"])
            for uid, raw in _fetch(box, last_uid(store, mailbox.name, validity)):
                outcome, number, problems = take(store, raw, uid, validity, mailbox.name, intake)
                if problems:  # counted only: a file's name may carry personal data; the case has the detail
                    taken.problems.append(f"thư UID {uid} (hồ sơ {number}): {len(problems)} tệp đính kèm "
                                          "không lưu được (xem nội dung hồ sơ)")
                if outcome == "new":
                    taken.new_cases.append(number)
                elif outcome == "joined":
                    taken.joined.append(number)
                else:
                    taken.seen += 1
    except MailboxLoginError:
        raise MailIntakeError(f"hộp thư {mailbox.host}: đăng nhập bị từ chối (kiểm tra "
                              "PRESSWATCH_HOTLINE_IMAP_USERNAME, PRESSWATCH_HOTLINE_IMAP_PASSWORD)") from None
    except (TimeoutError, OSError, ssl.SSLError, UnexpectedCommandStatusError, EOFError) as exc:
        raise MailIntakeError(f"không đọc được hộp thư {mailbox.host}:{mailbox.port}: "
                              f"{type(exc).__name__}: {str(exc)[:200]}") from None
    except Exception as exc:  # imaplib's IMAP4.error and abort are not OSError
        if type(exc).__module__ == "imaplib":
            raise MailIntakeError(f"máy chủ thư {mailbox.host} trả lời không đúng: {str(exc)[:200]}") from None
        raise
    return taken


HEALTH_ID = HOTLINE_HEALTH_ID  # the mailbox's row in the source health table (`presswatch sources`)


def mailbox_of(settings: Settings, environ: Mapping[str, str]) -> Mailbox | None:
    """The configured mailbox, or None when ``hotline_imap_host`` is empty; ``MailIntakeError`` when
    the account's variables are missing."""
    if not settings.hotline_imap_host:
        return None
    username = environ.get("PRESSWATCH_HOTLINE_IMAP_USERNAME", "")
    password = environ.get("PRESSWATCH_HOTLINE_IMAP_PASSWORD", "")
    if not username or not password:
        raise MailIntakeError("thiếu biến môi trường PRESSWATCH_HOTLINE_IMAP_USERNAME hoặc "
                              "PRESSWATCH_HOTLINE_IMAP_PASSWORD: chưa đọc hộp thư đường dây nóng")
    return Mailbox(settings.hotline_imap_host, settings.hotline_imap_port, username, password,
                   settings.hotline_imap_folder, settings.hotline_imap_cafile,
                   security=settings.hotline_imap_security)


def read_hotline(store: Store, settings: Settings, cases: CasesFile, environ: Mapping[str, str]) -> Taken | None:
    """One scheduled read: poll, then record the outcome in the health table under ``HEALTH_ID`` (a
    failure there is what `presswatch sources` and /sources show). None when no mailbox is set."""
    started = datetime.now(UTC)
    try:
        mailbox = mailbox_of(settings, environ)
        if mailbox is None:
            return None
        folder = Path(settings.cases_dir)
        folder = folder if folder.is_absolute() else Path.cwd() / folder
        intake = Intake(cases.kind_labels(), cases.deadline_days, folder, settings.cases_attachment_max_bytes)
        taken = poll(store, mailbox, intake)
    except MailIntakeError as exc:
        store.record_run(RunResult(HEALTH_ID, started, datetime.now(UTC), False, 0, 0, 1, str(exc)))
        raise
    store.record_run(RunResult(HEALTH_ID, started, datetime.now(UTC), True, len(taken.new_cases), taken.messages,
                               0, warnings=tuple(taken.problems[:20])))
    return taken
