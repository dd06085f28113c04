"""What a case is made of, as the rest of the program sees it, and the Vietnamese labels of its codes.

Codes are stored (``verifying``, ``takedown``); labels are shown (``đang xác minh``, ``yêu cầu gỡ
bỏ``). The kinds of case are operator data (``config/cases.yaml``, ``cases.settings``); states,
origins, conclusions and action kinds are fixed by the workflow (``cases.workflow``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

STATE_LABELS = {
    "new": "mới",
    "verifying": "đang xác minh",
    "concluded": "đã kết luận",
    "acting": "đang xử lý",
    "closed": "đã đóng",
    "referred": "chuyển cơ quan chức năng",
}
ORIGIN_LABELS = {
    "phone": "đường dây nóng (điện thoại)",
    "email": "đường dây nóng (email)",
    "letter": "văn bản",
    "alert": "cảnh báo tự động",
    "analyst": "chuyên viên phát hiện",
    "api": "JSON API",
    "register": "chỉ số tuân thủ (sổ đăng ký báo chí)",
}
CONCLUSION_LABELS = {
    "true": "đúng sự thật",
    "false": "sai sự thật",
    "partly": "sai một phần",
    "unfounded": "không đủ cơ sở",
}
ACTION_LABELS = {
    "correction": "yêu cầu cải chính",
    "takedown": "yêu cầu gỡ bỏ",
    "fine": "xử phạt vi phạm hành chính",
    "police": "chuyển Công an tỉnh",
    "reply": "trả lời người phản ánh",
}
HOTLINE_HEALTH_ID = "hop-thu-duong-day-nong"  # the hotline mailbox's row in the source health table

# Fields of a case that are personal data: shown to inspectors and admins only, masked in the audit
# trail for other roles, left out of exports unless asked, never logged.
PERSONAL = ("reporter_name", "reporter_phone", "reporter_email")
MASK = "•••"
FIELD_LABELS = {
    "created": "tạo hồ sơ",
    "title": "tiêu đề",
    "kind": "loại vụ việc",
    "origin": "nguồn tiếp nhận",
    "summary": "nội dung",
    "reporter_name": "người phản ánh",
    "reporter_phone": "điện thoại người phản ánh",
    "reporter_email": "email người phản ánh",
    "outlets": "cơ quan báo chí liên quan",
    "outlet": "cơ quan trong sổ đăng ký",
    "assignee": "người xử lý",
    "deadline": "hạn xử lý",
    "state": "trạng thái",
    "conclusion": "kết luận",
    "reasoning": "lý do kết luận",
    "article": "bài viết liên quan",
    "link": "đường dẫn bên ngoài",
    "action": "biện pháp xử lý",
    "attachment": "tệp đính kèm",
    "reporter_message": "tin nhắn của người phản ánh",
}


@dataclass(frozen=True)
class Case:
    id: int
    year: int
    seq: int
    title: str
    kind: str
    origin: str
    summary: str
    reporter_name: str | None
    reporter_phone: str | None
    reporter_email: str | None
    outlets: str
    assignee: str | None
    deadline: date | None
    state: str
    conclusion: str | None
    reasoning: str
    alert_id: int | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    ref: str | None = None  # what opened it, when that opens a case only once (a register flag)

    @property
    def number(self) -> str:
        """``45/2026``: the case's number as the department writes it."""
        return f"{self.seq}/{self.year}"

    def overdue(self, today: date) -> bool:
        """Past its deadline and not finished (closed or handed to another body)."""
        return self.deadline is not None and self.deadline < today and self.state not in ("closed", "referred")


@dataclass(frozen=True)
class CaseArticle:
    article_id: int
    url: str
    title: str
    source_id: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class CaseOutlet:
    """An outlet of the press register the case names: its licence number (the register's key) and
    its name when it was linked."""

    licence_no: str
    name: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class CaseLink:
    id: int
    url: str
    note: str
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class Action:
    id: int
    kind: str
    on_day: date
    decision_number: str
    legal_basis: str
    amount: int | None
    note: str
    recorded_by: str
    recorded_at: datetime

    @property
    def label(self) -> str:
        return ACTION_LABELS.get(self.kind, self.kind)


@dataclass(frozen=True)
class Attachment:
    id: int
    case_id: int
    sha256: str
    name: str
    mime: str
    size: int
    added_by: str
    added_at: datetime


@dataclass(frozen=True)
class AuditEntry:
    id: int
    case_id: int
    at: datetime
    actor: str
    field: str
    before: str | None
    after: str | None
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Draft:
    """A new case as the intake gives it (a form, the API, an alert, the hotline mailbox)."""

    title: str
    kind: str
    origin: str
    summary: str = ""
    reporter_name: str | None = None
    reporter_phone: str | None = None
    reporter_email: str | None = None
    outlets: str = ""
    assignee: str | None = None
    deadline: date | None = None
    alert_id: int | None = None
    article_ids: tuple[int, ...] = ()
    links: tuple[str, ...] = ()
    registered: tuple[tuple[str, str], ...] = ()  # outlets of the register: (licence number, name)
    ref: str | None = None  # opens the case once: a second draft with the same ref finds the first case


@dataclass(frozen=True)
class ActionDraft:
    kind: str
    on_day: date
    decision_number: str = ""
    legal_basis: str = ""
    amount: int | None = None
    note: str = ""


@dataclass(frozen=True)
class CaseFile:
    """A case with everything attached to it: what the case page, the CLI and the dossier show."""

    case: Case
    articles: list[CaseArticle] = field(default_factory=list)
    links: list[CaseLink] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    registered: list[CaseOutlet] = field(default_factory=list)


@dataclass(frozen=True)
class Filters:
    """The case list's filters; None means any."""

    state: str | None = None
    kind: str | None = None
    assignee: str | None = None
    overdue: bool = False
    limit: int = 50
    offset: int = 0


def shown(field_name: str, value: str | None, kinds: dict[str, str], *, personal: bool = False) -> str:
    """One value of the audit trail as people read it (CLI, dossier): Vietnamese labels rather than
    codes, dates as dd/mm/yyyy, the reporter's contact masked unless ``personal``."""
    if value is None:
        return "—"
    if field_name in PERSONAL and not personal:
        return MASK
    labels = {"state": STATE_LABELS, "conclusion": CONCLUSION_LABELS, "origin": ORIGIN_LABELS, "kind": kinds}
    if field_name in labels:
        return labels[field_name].get(value, value)
    if field_name == "deadline":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return value
