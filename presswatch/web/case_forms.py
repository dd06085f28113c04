"""What the case pages and the case API share: the cases configuration of the running app, form
and JSON fields turned into ``cases`` objects, and what each role may see of a case.

The reporter's contact is personal data: ``case_json`` and ``visible_audit`` mask it for roles
without the ``personal`` right (``cases.workflow``), in the pages, the API and the timeline alike.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from cases import workflow
from cases.model import MASK, PERSONAL, ActionDraft, AuditEntry, Case, CaseFile, Draft
from cases.settings import CasesFile, load_cases_config
from presswatch.errors import CaseError
from presswatch.store.users import User
from presswatch.times import local_date
from presswatch.web.context import Web

_LOADED: dict[Path, tuple[int, CasesFile]] = {}


def cases_settings(web: Web) -> CasesFile:
    """``config/cases.yaml`` of the app's configuration directory, read again when the file changes."""
    path = web.config.directory / "cases.yaml"
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        stamp = -1
    cached = _LOADED.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, load_cases_config(path))
        _LOADED[path] = cached
    return cached[1]


def cases_dir(web: Web) -> Path:
    """Where attachments are kept (``cases_dir``; a relative path from the working directory)."""
    path = Path(web.config.settings.cases_dir)
    return path if path.is_absolute() else Path.cwd() / path


def today() -> date:
    return local_date(datetime.now(UTC))


def integer(value: Any, name: str, low: int = 1, high: int = 2**63 - 1) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise CaseError(f"{name} phải là một số nguyên") from None
    if not low <= number <= high:
        raise CaseError(f"{name} phải từ {low} đến {high}")
    return number


def day(value: Any, name: str) -> date:
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise CaseError(f"{name} phải là ngày dạng YYYY-MM-DD")


def article_ids(value: Any) -> tuple[int, ...]:
    """``"12, 15"`` or ``[12, 15]`` or ``"https://…/article/12"`` → (12, 15)."""
    if value in (None, ""):
        return ()
    items = value if isinstance(value, list) else str(value).replace(";", ",").split(",")
    if len(items) > 50:
        raise CaseError("tối đa 50 bài viết mỗi lần")
    ids = []
    for item in items:
        text = str(item).strip().rstrip("/")
        if not text:
            continue
        ids.append(integer(text.rsplit("/", 1)[-1], "mã bài viết"))
    return tuple(ids)


def draft_of(values: dict[str, Any], origin: str | None = None) -> Draft:
    """A new case from a form or a JSON body; unknown or mistyped values become ``CaseError``."""
    text_fields = ("title", "kind", "summary", "reporter_name", "reporter_phone", "reporter_email", "outlets",
                   "assignee")
    for field in (*text_fields, "origin", "deadline"):
        if values.get(field) is not None and not isinstance(values[field], str):
            raise CaseError(f"{field} phải là một chuỗi")
    links = values.get("links") or ()
    if isinstance(links, str):
        links = [line for line in links.splitlines() if line.strip()]
    if not isinstance(links, list | tuple) or len(links) > 20 or not all(isinstance(u, str) for u in links):
        raise CaseError("links phải là danh sách tối đa 20 đường dẫn")
    return Draft(
        title=values.get("title") or "", kind=values.get("kind") or "", origin=origin or values.get("origin") or "",
        summary=values.get("summary") or "", reporter_name=values.get("reporter_name") or None,
        reporter_phone=values.get("reporter_phone") or None, reporter_email=values.get("reporter_email") or None,
        outlets=values.get("outlets") or "", assignee=values.get("assignee") or None,
        deadline=day(values["deadline"], "hạn xử lý") if values.get("deadline") else None,
        article_ids=article_ids(values.get("articles")), links=tuple(u.strip() for u in links))


def action_of(values: dict[str, Any]) -> ActionDraft:
    amount = values.get("amount")
    return ActionDraft(
        kind=str(values.get("kind") or ""), on_day=day(values.get("on_day") or today().isoformat(), "ngày"),
        decision_number=str(values.get("decision_number") or ""), legal_basis=str(values.get("legal_basis") or ""),
        amount=None if amount in (None, "") else integer(str(amount).replace(".", "").replace(" ", ""), "số tiền", 0,
                                                         10**12),
        note=str(values.get("note") or ""))


def visible_audit(entries: list[AuditEntry], user: User) -> list[AuditEntry]:
    if workflow.may(user, "personal"):
        return entries
    return [AuditEntry(e.id, e.case_id, e.at, e.actor, e.field, MASK if e.before is not None else None,
                       MASK if e.after is not None else None, e.prev_hash, e.hash)
            if e.field in PERSONAL else e for e in entries]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def case_json(case: Case, user: User, kinds: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": case.id, "number": case.number, "title": case.title, "kind": case.kind,
        "kind_label": kinds.get(case.kind, case.kind), "origin": case.origin, "summary": case.summary,
        "outlets": case.outlets, "assignee": case.assignee,
        "deadline": case.deadline.isoformat() if case.deadline else None, "overdue": case.overdue(today()),
        "state": case.state, "conclusion": case.conclusion, "reasoning": case.reasoning, "alert": case.alert_id,
        "created_by": case.created_by, "created": _iso(case.created_at), "updated": _iso(case.updated_at),
        "version": case.version}
    if workflow.may(user, "personal"):
        data["reporter"] = {"name": case.reporter_name, "phone": case.reporter_phone, "email": case.reporter_email}
    return data


def file_json(file: CaseFile, user: User, kinds: dict[str, str]) -> dict[str, Any]:
    data = case_json(file.case, user, kinds)
    data["articles"] = [{"id": a.article_id, "url": a.url, "title": a.title, "source": a.source_id,
                         "added_by": a.added_by, "added": _iso(a.added_at)} for a in file.articles]
    data["registered_outlets"] = [{"licence_no": o.licence_no, "name": o.name, "added_by": o.added_by,
                                   "added": _iso(o.added_at)} for o in file.registered]
    data["links"] = [{"url": link.url, "note": link.note, "added_by": link.added_by, "added": _iso(link.added_at)}
                     for link in file.links]
    data["actions"] = [{"kind": a.kind, "day": a.on_day.isoformat(), "decision_number": a.decision_number,
                        "legal_basis": a.legal_basis, "amount": a.amount, "note": a.note, "by": a.recorded_by}
                       for a in file.actions]
    data["attachments"] = [{"name": a.name, "mime": a.mime, "size": a.size, "sha256": a.sha256}
                           for a in file.attachments]
    data["timeline"] = [{"at": _iso(e.at), "actor": e.actor, "field": e.field, "before": e.before, "after": e.after}
                        for e in visible_audit(file.audit, user)]
    return data
