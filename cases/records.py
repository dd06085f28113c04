"""Opening and changing cases: every change checked (fields, rights, state moves), written with its
audit rows in one transaction.

- ``open_case``: a new case from the intake (form, article page, alert, API, mailbox). Its number
  (``45/2026``: the year in Vietnam) is taken from ``case_numbers`` in the transaction that inserts the
  case: ``BEGIN IMMEDIATE`` serialises writers, and a failure rolls the number back with the case, so
  numbers have neither gaps nor duplicates, whatever runs at once.
- ``update_case``, ``move``, ``conclude``: changes to the case's own fields, each with the version the
  user read. A case changed since (another inspector's edit) refuses the change with ``CaseConflict``,
  naming who changed it and when: nobody's change is silently overwritten.
- ``add_articles``, ``add_link``, ``add_action``: additions, which do not conflict with each other and
  need no version.

Personal data (the reporter's contact) is validated and stored, never logged.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cases import audit, outlets, workflow
from cases.model import ACTION_LABELS, CONCLUSION_LABELS, ORIGIN_LABELS, STATE_LABELS, ActionDraft, Case, Draft
from cases.reads import find_ref, get_case
from evidence.queue import request_capture
from presswatch.config.base import check_address, check_url
from presswatch.errors import CaseConflict, CaseError
from presswatch.store import Store
from presswatch.store import articles as stored
from presswatch.store import users as accounts
from presswatch.store.users import User
from presswatch.times import iso, local, local_date

MAX_TITLE = 300
MAX_TEXT = 20_000  # summary, reasoning
MAX_SHORT = 2_000  # outlets, notes, names
MAX_ARTICLES = 200  # attached in one go (an article and its story's copies: 50 at most)
MAX_REF = 200
_PHONE = re.compile(r"^\+?[0-9 ().-]{6,25}$")
EDITABLE = {"title": "edit", "kind": "edit", "summary": "edit", "outlets": "edit", "deadline": "edit",
            "reporter_name": "personal", "reporter_phone": "personal", "reporter_email": "personal",
            "assignee": "assign"}


def _now(now: datetime | None) -> datetime:
    return (now or datetime.now(UTC)).replace(microsecond=0)


def _text(value: object, field: str, limit: int, required: bool = False) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise CaseError(f"{field} không được để trống")
    if len(text) > limit:
        raise CaseError(f"{field} dài quá {limit:,} ký tự".replace(",", "."))
    return text


def _optional(value: object) -> str | None:
    text = str(value or "").strip()
    return text or None


def clean_field(field: str, value: Any, kinds: Mapping[str, str], people: set[str]) -> Any:
    """A field's value as stored, or ``CaseError`` saying in Vietnamese what is wrong with it.
    ``people``: the user names a case may be assigned to."""
    if field == "title":
        return _text(value, "Tiêu đề", MAX_TITLE, required=True)
    if field == "summary":
        return _text(value, "Nội dung", MAX_TEXT)
    if field == "outlets":
        return _text(value, "Cơ quan báo chí liên quan", MAX_SHORT)
    if field == "kind":
        if not isinstance(value, str) or value not in kinds:
            raise CaseError(f"loại vụ việc '{str(value)[:40]}' không có trong config/cases.yaml "
                            f"(có: {', '.join(kinds)})")
        return value
    if field == "reporter_name":
        return _optional(_text(value, "Tên người phản ánh", 200))
    if field == "reporter_phone":
        phone = _optional(_text(value, "Số điện thoại", 40))
        if phone is not None and (not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 6):
            raise CaseError("số điện thoại chỉ gồm chữ số, dấu cách, '+', '-', '.', '(' và ')' (ít nhất 6 chữ số)")
        return phone
    if field == "reporter_email":
        email = _optional(_text(value, "Email", 254))
        if email is not None:
            try:
                check_address(email)
            except ValueError as exc:
                raise CaseError(str(exc)) from None
        return email
    if field == "assignee":
        name = _optional(value)
        if name is not None and name not in people:
            raise CaseError(f"không có người dùng '{name[:40]}' (hoặc tài khoản đã bị khóa)")
        return name
    if field == "deadline":
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            raise CaseError(f"hạn xử lý '{str(value)[:20]}' không phải ngày dạng YYYY-MM-DD") from None
    raise CaseError(f"không sửa được trường '{field[:40]}'")


def active_users(store: Store) -> set[str]:
    """The names a case may be assigned to: users not locked."""
    return {user.name for user in accounts.list_users(store) if not user.disabled}


def _stored_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def open_case(store: Store, actor: User, draft: Draft, kinds: Mapping[str, str], *,
              deadline_days: int | None = None, with_copies: bool = True, now: datetime | None = None) -> Case:
    """A new case, numbered, with its articles (and, ``with_copies``, their stories' other copies) and
    links; the trail records each field given."""
    workflow.require(actor, "open")
    if draft.origin not in ORIGIN_LABELS:
        raise CaseError(f"nguồn tiếp nhận '{draft.origin[:40]}' không hợp lệ (có: {', '.join(ORIGIN_LABELS)})")
    if draft.assignee:
        workflow.require(actor, "assign")
    moment = _now(now)
    people = active_users(store)
    with store.transaction() as db:
        return open_in(db, actor, draft, kinds, people, deadline_days=deadline_days, with_copies=with_copies,
                       moment=moment)


def open_once(store: Store, actor: User, draft: Draft, kinds: Mapping[str, str], *,
              deadline_days: int | None = None, with_copies: bool = True,
              now: datetime | None = None) -> tuple[Case, bool]:
    """``open_case`` for a draft with a ``ref`` (what opens it: a register flag): the case opened
    for that ref before, if any, else a new one; True when it is new. The look-up and the opening are
    one transaction, so two clicks at once still make one case."""
    if not draft.ref:
        raise CaseError("thiếu mã tham chiếu của hồ sơ")
    workflow.require(actor, "open")
    moment = _now(now)
    people = active_users(store)
    with store.transaction() as db:
        existing = find_ref(db, draft.ref)
        if existing is not None:
            return existing, False
        if draft.assignee:
            workflow.require(actor, "assign")
        return open_in(db, actor, draft, kinds, people, deadline_days=deadline_days, with_copies=with_copies,
                       moment=moment), True


def open_in(db: sqlite3.Connection, actor: User, draft: Draft, kinds: Mapping[str, str], people: set[str], *,
            deadline_days: int | None, with_copies: bool, moment: datetime) -> Case:
    """``open_case`` inside the caller's transaction (the mailbox intake records the message with it)."""
    values = {field: clean_field(field, getattr(draft, field), kinds, people)
              for field in ("title", "kind", "summary", "outlets", "reporter_name", "reporter_phone",
                            "reporter_email", "assignee", "deadline")}
    if values["deadline"] is None and deadline_days:
        values["deadline"] = local_date(moment) + timedelta(days=deadline_days)
    ref = _text(draft.ref, "Mã tham chiếu", MAX_REF) or None
    registered = [outlets.checked(licence, name) for licence, name in draft.registered]
    year = local_date(moment).year
    seq = int(db.execute(
        "INSERT INTO case_numbers (year, last) VALUES (?, 1) "
        "ON CONFLICT(year) DO UPDATE SET last = last + 1 RETURNING last", (year,)).fetchone()[0])
    stamp = iso(moment)
    case_id = int(db.execute(
        "INSERT INTO cases (year, seq, title, kind, origin, summary, reporter_name, reporter_phone, reporter_email,"
        " outlets, assignee, deadline, state, alert_id, created_by, created_at, updated_at, ref)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'new', ?, ?, ?, ?, ?) RETURNING id",
        (year, seq, values["title"], values["kind"], draft.origin, values["summary"], values["reporter_name"],
         values["reporter_phone"], values["reporter_email"], values["outlets"], values["assignee"],
         _stored_value(values["deadline"]), draft.alert_id, actor.name, stamp, stamp, ref)).fetchone()[0])
    audit.append(db, case_id, actor.name, "created", None, f"{seq}/{year}", moment)
    audit.append(db, case_id, actor.name, "origin", None, draft.origin, moment)
    for field, value in values.items():
        if value not in (None, ""):
            audit.append(db, case_id, actor.name, field, None, _stored_value(value), moment)
    audit.append(db, case_id, actor.name, "state", None, "new", moment)
    for licence, name in registered[:outlets.MAX_OUTLETS]:
        outlets.link_in(db, actor, case_id, licence, name, moment)
    _attach_articles(db, actor, case_id, draft.article_ids, with_copies, moment)
    for url in draft.links:
        _attach_link(db, actor, case_id, url, "", moment)
    case = get_case(db, case_id)
    assert case is not None
    return case


def _locked(db: sqlite3.Connection, case_id: int, version: int | None) -> Case:
    """The case, inside the writing transaction, after the version check."""
    case = get_case(db, case_id)
    if case is None:
        raise CaseError(f"không có hồ sơ #{case_id}")
    if version is not None and case.version != version:
        last = db.execute("SELECT actor, at FROM case_audit WHERE case_id = ? ORDER BY id DESC LIMIT 1",
                          (case_id,)).fetchone()
        who = f" bởi {last['actor']} lúc {local(audit_moment(last['at']))}" if last else ""
        raise CaseConflict(f"hồ sơ {case.number} đã được thay đổi{who}, sau khi bạn mở nó; thay đổi của bạn "
                           "chưa được lưu. Tải lại hồ sơ để xem bản mới rồi nhập lại thay đổi.")
    return case


def audit_moment(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _write(db: sqlite3.Connection, actor: User, case: Case, changes: dict[str, Any], moment: datetime) -> None:
    """Set the changed fields, bump the version, record each change."""
    changed = {field: value for field, value in changes.items()
               if _stored_value(value) != _stored_value(getattr(case, field))}
    if not changed:
        return
    assignments = ", ".join(f"{field} = ?" for field in changed)
    db.execute(f"UPDATE cases SET {assignments}, version = version + 1, updated_at = ? WHERE id = ?",
               (*(_stored_value(v) for v in changed.values()), iso(moment), case.id))
    for field, value in changed.items():
        audit.append(db, case.id, actor.name, field, _stored_value(getattr(case, field)), _stored_value(value), moment)


def update_case(store: Store, actor: User, case_id: int, version: int, changes: Mapping[str, Any],
                kinds: Mapping[str, str], now: datetime | None = None) -> Case:
    """Change fields of the case (``EDITABLE``: each needs its right) if nobody changed it since
    ``version``. Fields given unchanged are left alone (and need no right)."""
    moment = _now(now)
    people = active_users(store) if "assignee" in changes else set()
    with store.transaction() as db:
        case = _locked(db, case_id, version)
        cleaned: dict[str, Any] = {}
        for field, value in changes.items():
            if field not in EDITABLE:
                raise CaseError(f"không sửa được trường '{str(field)[:40]}'")
            new = clean_field(field, value, kinds, people)
            if _stored_value(new) != _stored_value(getattr(case, field)):
                workflow.require(actor, EDITABLE[field])
                cleaned[field] = new
        _write(db, actor, case, cleaned, moment)
        result = get_case(db, case_id)
    assert result is not None
    return result


def move(store: Store, actor: User, case_id: int, version: int, to: str, now: datetime | None = None) -> Case:
    """Move the case to state ``to``, as the workflow allows ``actor`` (``cases.workflow.MOVES``)."""
    if to not in STATE_LABELS:
        raise CaseError(f"trạng thái '{to[:40]}' không hợp lệ")
    moment = _now(now)
    with store.transaction() as db:
        case = _locked(db, case_id, version)
        workflow.check_move(actor, case.state, to)
        if to == "concluded" and not case.conclusion:
            raise CaseError("cần ghi kết luận trước khi chuyển hồ sơ sang 'đã kết luận'")
        if to == "acting" and not case.conclusion:
            raise CaseError("hồ sơ chưa có kết luận")
        _write(db, actor, case, {"state": to}, moment)
        result = get_case(db, case_id)
    assert result is not None
    return result


def conclude(store: Store, actor: User, case_id: int, version: int, conclusion: str, reasoning: str,
             now: datetime | None = None) -> Case:
    """Record the conclusion and its reasoning; a case being verified moves to 'đã kết luận'."""
    workflow.require(actor, "conclude")
    if conclusion not in CONCLUSION_LABELS:
        raise CaseError(f"kết luận phải là một trong: {', '.join(CONCLUSION_LABELS.values())}")
    reasoning = _text(reasoning, "Lý do kết luận", MAX_TEXT, required=True)
    moment = _now(now)
    with store.transaction() as db:
        case = _locked(db, case_id, version)
        if case.state not in ("verifying", "concluded"):
            raise CaseError(f"chỉ kết luận được hồ sơ đang xác minh (hồ sơ này: {STATE_LABELS[case.state]}); "
                            "chuyển hồ sơ sang 'đang xác minh' trước")
        changes: dict[str, Any] = {"conclusion": conclusion, "reasoning": reasoning}
        if case.state == "verifying":
            workflow.check_move(actor, "verifying", "concluded")
            changes["state"] = "concluded"
        _write(db, actor, case, changes, moment)
        result = get_case(db, case_id)
    assert result is not None
    return result


def _attach_articles(db: sqlite3.Connection, actor: User, case_id: int, article_ids: Iterable[int],
                     with_copies: bool, moment: datetime) -> list[int]:
    wanted: list[int] = []
    for article_id in article_ids:
        article = stored.article(db, int(article_id))
        if article is None:
            raise CaseError(f"không có bài viết #{article_id}")
        wanted.append(article.id)
        if with_copies and article.cluster_id is not None:
            wanted += [int(row["id"]) for row in stored.story_copies(db, article.cluster_id, article.id)]
    added = []
    for article_id in dict.fromkeys(wanted[:MAX_ARTICLES]):
        if db.execute("SELECT 1 FROM case_articles WHERE case_id = ? AND article_id = ?",
                      (case_id, article_id)).fetchone():
            continue
        article = stored.article(db, article_id)
        assert article is not None
        db.execute("INSERT INTO case_articles (case_id, article_id, url, title, source_id, added_by, added_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (case_id, article_id, article.url, article.title, article.source_id, actor.name, iso(moment)))
        audit.append(db, case_id, actor.name, "article", None, f"#{article_id} {article.url}", moment)
        request_evidence_capture(db, case_id, article_id, article.url)
        added.append(article_id)
    return added


def request_evidence_capture(db: sqlite3.Connection, case_id: int, article_id: int | None, url: str) -> None:
    """Queue a capture of what was attached (``evidence.request_capture``), in the same transaction:
    the service's evidence job keeps the page as it is now, with its hashes, and re-checks it. An
    address evidence cannot capture (not http(s)) is attached all the same, without a capture."""
    try:
        request_capture(db, url, reason=f"hồ sơ vụ việc {case_id}", article_id=article_id, case_id=case_id)
    except ValueError:
        return


def add_articles(store: Store, actor: User, case_id: int, article_ids: Iterable[int], *, with_copies: bool = False,
                 now: datetime | None = None) -> list[int]:
    """Attach stored articles (and, ``with_copies``, their stories' other copies); the ids added (an
    article attached already is left as it is)."""
    workflow.require(actor, "edit")
    moment = _now(now)
    with store.transaction() as db:
        _locked(db, case_id, None)
        added = _attach_articles(db, actor, case_id, article_ids, with_copies, moment)
        if added:
            db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (iso(moment), case_id))
    return added


def _attach_link(db: sqlite3.Connection, actor: User, case_id: int, url: str, note: str, moment: datetime) -> bool:
    url = _text(url, "Đường dẫn", MAX_SHORT, required=True)
    try:
        check_url(url)
    except ValueError as exc:
        raise CaseError(str(exc)) from None
    note = _text(note, "Ghi chú", MAX_SHORT)
    inserted = db.execute("INSERT OR IGNORE INTO case_links (case_id, url, note, added_by, added_at) "
                          "VALUES (?, ?, ?, ?, ?)", (case_id, url, note, actor.name, iso(moment))).rowcount
    if inserted:
        audit.append(db, case_id, actor.name, "link", None, url, moment)
        request_evidence_capture(db, case_id, None, url)
    return bool(inserted)


def add_link(store: Store, actor: User, case_id: int, url: str, note: str = "", now: datetime | None = None) -> bool:
    """Attach an external URL (a post, a page not stored); False when it was attached already."""
    workflow.require(actor, "edit")
    moment = _now(now)
    with store.transaction() as db:
        _locked(db, case_id, None)
        added = _attach_link(db, actor, case_id, url, note, moment)
        if added:
            db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (iso(moment), case_id))
    return added


def add_action(store: Store, actor: User, case_id: int, action: ActionDraft, now: datetime | None = None) -> int:
    """Record an action taken on a concluded case (it moves to 'đang xử lý'); a sanction needs its
    decision number, legal basis and amount."""
    workflow.require(actor, "act")
    if action.kind not in ACTION_LABELS:
        raise CaseError(f"biện pháp phải là một trong: {', '.join(ACTION_LABELS.values())}")
    number = _text(action.decision_number, "Số quyết định", 100)
    basis = _text(action.legal_basis, "Căn cứ pháp lý", 500)
    note = _text(action.note, "Ghi chú", MAX_SHORT)
    if action.amount is not None and not 0 <= action.amount <= 10**12:
        raise CaseError("số tiền phải từ 0 đến 1.000.000.000.000 đồng")
    if action.kind == "fine" and (not number or not basis or not action.amount):
        raise CaseError("xử phạt vi phạm hành chính cần số quyết định, căn cứ pháp lý và số tiền")
    moment = _now(now)
    with store.transaction() as db:
        case = _locked(db, case_id, None)
        if case.state not in ("concluded", "acting", "referred"):
            raise CaseError(f"chỉ ghi biện pháp xử lý cho hồ sơ đã kết luận (hồ sơ này: {STATE_LABELS[case.state]})")
        action_id = int(db.execute(
            "INSERT INTO case_actions (case_id, kind, on_day, decision_number, legal_basis, amount, note, recorded_by,"
            " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (case_id, action.kind, action.on_day.isoformat(), number, basis, action.amount, note, actor.name,
             iso(moment))).fetchone()[0])
        described = " · ".join(part for part in (ACTION_LABELS[action.kind], action.on_day.isoformat(), number, basis,
                                                 f"{action.amount:,} đồng".replace(",", ".") if action.amount else "",
                                                 note) if part)
        audit.append(db, case_id, actor.name, "action", None, described, moment)
        if case.state == "concluded":
            _write(db, actor, case, {"state": "acting"}, moment)
        else:
            db.execute("UPDATE cases SET updated_at = ? WHERE id = ?", (iso(moment), case_id))
    return action_id

