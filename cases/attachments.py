"""Attachments of a case (a letter as PDF, photos, a call recording): checked by their content, kept
outside the database under their SHA-256.

The type is decided by the file's first bytes (its "magic"), never by its name or the type a browser
or mail client claims: a ``.pdf`` holding HTML is refused. Accepted: PDF, PNG, JPEG, GIF, WebP, MP3,
WAV, OGG, M4A/MP4 audio. The file is written to ``cases_dir/<first two hex digits>/<sha256>`` (written
to a temporary name, flushed, then renamed, so a crash leaves no half file under a real name) before
its row is inserted; the same content attached twice is stored once.
"""

from __future__ import annotations

import hashlib
import os
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from cases import audit, workflow
from cases.model import Attachment
from cases.reads import attachment, get_case
from presswatch.errors import CaseError
from presswatch.store import Store
from presswatch.store.users import User
from presswatch.times import iso

MAX_NAME = 200
# (prefix at offset 0, MIME type); RIFF and ftyp containers are told apart in sniff()
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"ID3", "audio/mpeg"),
    (b"OggS", "audio/ogg"),
)
EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif",
              "image/webp": ".webp", "audio/mpeg": ".mp3", "audio/ogg": ".ogg", "audio/wav": ".wav",
              "audio/mp4": ".m4a"}


def sniff(data: bytes) -> str | None:
    """The MIME type the content shows, or None when it is not an accepted kind."""
    for prefix, mime in _SIGNATURES:
        if data.startswith(prefix):
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[4:8] == b"ftyp" and data[8:11] in (b"M4A", b"mp4", b"iso"):
        return "audio/mp4"
    if len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:  # an MPEG audio frame without ID3
        return "audio/mpeg"
    return None


def safe_name(name: str, mime: str) -> str:
    """A file name fit to show and to offer for download: no path, no control characters, bounded."""
    name = re.sub(r"[\x00-\x1f\x7f/\\]", "_", os.path.basename(name.replace("\\", "/"))).strip(" .")
    name = name[:MAX_NAME] or "tep"
    return name if "." in name else name + EXTENSIONS.get(mime, "")


def path_of(cases_dir: Path, sha256: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise CaseError("mã băm tệp không hợp lệ")
    return cases_dir / sha256[:2] / sha256


def keep(cases_dir: Path, data: bytes) -> str:
    """Write ``data`` under its SHA-256 (once), durably; return the hash."""
    digest = hashlib.sha256(data).hexdigest()
    target = path_of(cases_dir, digest)
    if target.exists() and target.stat().st_size == len(data):
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{digest}.{os.getpid()}.tmp")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, target)
    return digest


def add_attachment(store: Store, actor: User, case_id: int, name: str, data: bytes, *, cases_dir: Path,
                   max_bytes: int, now: datetime | None = None) -> Attachment:
    """Check and keep a file, and record it on the case (an identical file attached again is the
    same attachment)."""
    workflow.require(actor, "edit")
    shown, mime = check(name, data, max_bytes)
    if get_case(store.db, case_id) is None:
        raise CaseError(f"không có hồ sơ #{case_id}")
    digest = keep(cases_dir, data)
    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    with store.transaction() as db:
        return record(db, actor, case_id, shown, mime, digest, len(data), moment)


def check(name: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """(the name to show, the MIME type) of an acceptable file; ``CaseError`` saying why not."""
    if len(data) > max_bytes:
        raise CaseError(f"tệp '{safe_name(name, '')}' quá lớn ({len(data):,} byte; tối đa {max_bytes:,} byte)"
                        .replace(",", "."))
    if not data:
        raise CaseError("tệp rỗng")
    mime = sniff(data)
    if mime is None:
        raise CaseError(f"tệp '{safe_name(name, '')}' không phải PDF, ảnh (PNG, JPEG, GIF, WebP) hay ghi âm "
                        "(MP3, WAV, OGG, M4A) — loại tệp được xét theo nội dung, không theo tên")
    return safe_name(name, mime), mime


def record(db: sqlite3.Connection, actor: User, case_id: int, name: str, mime: str, digest: str, size: int,
           moment: datetime) -> Attachment:
    """Record a file already kept (``keep``) on a case, inside the caller's transaction."""
    row = db.execute("SELECT id FROM case_attachments WHERE case_id = ? AND sha256 = ?", (case_id, digest)).fetchone()
    if row is None:
        attachment_id = int(db.execute(
            "INSERT INTO case_attachments (case_id, sha256, name, mime, size, added_by, added_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (case_id, digest, name, mime, size, actor.name, iso(moment))).fetchone()[0])
        audit.append(db, case_id, actor.name, "attachment", None, f"{name} ({mime}, {size} B, sha256 {digest})", moment)
        db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (iso(moment), case_id))
    else:
        attachment_id = int(row[0])
    found = attachment(db, case_id, attachment_id)
    assert found is not None
    return found


def read_attachment(cases_dir: Path, found: Attachment) -> bytes:
    """The file's bytes, checked against its hash (a file changed on disk is refused)."""
    data = path_of(cases_dir, found.sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != found.sha256:
        raise CaseError(f"tệp '{found.name}' trên đĩa không còn khớp mã băm đã ghi")
    return data
