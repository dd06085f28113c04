"""The archive of generated reports: each file kept under ``reports_dir`` by its SHA-256 and listed
in ``report_files`` (owned here: ``SCHEMA``) with its document (the periodic report or the
press-briefing pack), period, format, the provinces it was narrowed to (none: every followed
province), who made it and when. A file is checked against its SHA-256 when read back: one changed
on disk is refused, not served."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from analysis import fold
from presswatch.errors import ReportError
from presswatch.store import Store
from presswatch.store.schema import Migration, Schema
from presswatch.times import iso, parse_iso
from reports.period import Period

SCHEMA = Schema("report_files", (
    Migration(
        "report files",
        """
    -- periodic reports generated from the web UI: the archive's list (files under reports_dir).
    CREATE TABLE report_files (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,             -- week | month | quarter | half | year | range
        first_day TEXT NOT NULL,        -- YYYY-MM-DD (Vietnam)
        last_day TEXT NOT NULL,
        format TEXT NOT NULL,           -- docx | pdf
        sha256 TEXT NOT NULL,           -- the file is reports_dir/<sha256>.<format>
        size INTEGER NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL        -- UTC
    );
    CREATE INDEX report_files_created ON report_files(created_at);
""",
    ),
    Migration(
        "report files: the briefing pack",
        """
    -- which document a file is: the periodic report or the press-briefing pack.
    ALTER TABLE report_files ADD COLUMN document TEXT NOT NULL DEFAULT 'report';  -- report | briefing
""",
    ),
    Migration(
        "report files: the provinces",
        """
    -- the followed provinces a report was narrowed to, a JSON list of names; NULL: all of them
    -- (every file made before a report could be narrowed covers all the followed provinces).
    ALTER TABLE report_files ADD COLUMN provinces TEXT;
""",
    ),
))

DOCUMENTS = ("report", "briefing")
DOCUMENT_LABELS = {"report": "Báo cáo định kỳ", "briefing": "Tài liệu họp báo"}
STEMS = {"report": "bao-cao", "briefing": "hop-bao"}


@dataclass(frozen=True)
class ReportFile:
    id: int
    period: Period
    format: str
    sha256: str
    size: int
    created_by: str
    created_at: datetime
    document: str = "report"  # report | briefing
    provinces: tuple[str, ...] = ()  # narrowed to these; (): every followed province

    @property
    def name(self) -> str:
        """``bao-cao-2026-11-01_2026-11-30.docx``, ``hop-bao-…`` for a briefing pack; a narrowed
        report ends with its provinces: ``bao-cao-2026-11-01_2026-11-30-dien-bien.docx``."""
        return (f"{STEMS[self.document]}-{self.period.first.isoformat()}_{self.period.last.isoformat()}"
                f"{province_suffix(self.provinces)}.{self.format}")


def province_suffix(provinces: Sequence[str] | None) -> str:
    """``-dien-bien`` (``-lai-chau-dien-bien`` for two) for a file name; "" for all provinces."""
    return "".join("-" + "-".join(re.findall(r"[a-z0-9]+", fold(name))) for name in provinces or ())


def keep(store: Store, folder: Path, period: Period, fmt: str, data: bytes, user: str,
         document: str = "report", provinces: Sequence[str] | None = None) -> int:
    """Write ``data`` under ``folder`` and list it as ``document`` (report | briefing) narrowed to
    ``provinces`` (None or empty: every followed province); its id."""
    if document not in DOCUMENTS:
        raise ReportError(f"loại tài liệu '{document}' không hợp lệ")
    digest = hashlib.sha256(data).hexdigest()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{digest}.{fmt}"
    if not target.exists():
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
    with store.transaction() as db:
        return int(db.execute(
            "INSERT INTO report_files (kind, first_day, last_day, format, sha256, size, created_by, created_at, "
            "document, provinces) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (period.kind, period.first.isoformat(), period.last.isoformat(), fmt, digest, len(data), user,
             iso(datetime.now(UTC)), document,
             json.dumps(list(provinces), ensure_ascii=False) if provinces else None)).fetchone()[0])


def _file(row: object) -> ReportFile:
    values = dict(row)  # type: ignore[call-overload]
    moment = parse_iso(values["created_at"])
    assert moment is not None
    return ReportFile(values["id"], Period(values["kind"], date.fromisoformat(values["first_day"]),
                                           date.fromisoformat(values["last_day"])),
                      values["format"], values["sha256"], values["size"], values["created_by"], moment,
                      values["document"], tuple(json.loads(values["provinces"])) if values["provinces"] else ())


def listing(store: Store, limit: int = 200) -> list[ReportFile]:
    """The archive, newest first."""
    return [_file(row) for row in store.db.execute(
        "SELECT * FROM report_files ORDER BY created_at DESC, id DESC LIMIT ?", (limit,))]


def find(store: Store, file_id: int) -> ReportFile | None:
    row = store.db.execute("SELECT * FROM report_files WHERE id = ?", (file_id,)).fetchone()
    return None if row is None else _file(row)


def read(folder: Path, kept: ReportFile) -> bytes:
    """The file's bytes; ``ReportError`` when it is missing or no longer matches its SHA-256."""
    path = folder / f"{kept.sha256}.{kept.format}"
    try:
        data = path.read_bytes()
    except OSError:
        raise ReportError(f"không còn tệp báo cáo {path.name} trong thư mục lưu") from None
    if hashlib.sha256(data).hexdigest() != kept.sha256:
        raise ReportError(f"tệp báo cáo {path.name} đã bị thay đổi trên đĩa (mã SHA-256 không khớp)")
    return data
