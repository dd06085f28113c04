"""Where the press register meets cases (the shell's join: ``cases`` and ``register`` are
independent siblings and never import each other).

- A flagged outlet-month of the compliance indicators opens a case ("vi phạm tôn chỉ, mục đích",
  origin ``register``): the outlet linked by its licence number, the flagged indicators' articles
  attached, their values in the summary. The case carries the reference
  ``register-flag|<licence>|<YYYY-MM>``, so opening it again (a second click, the command run twice)
  finds the case opened the first time instead of making another. Used by the indicators page
  (``presswatch.web.pages.register``) and ``presswatch register indicators --open-case``.
- ``flag_cases``: the cases already opened for a month's flags (the page links to them).
"""

from __future__ import annotations

import sqlite3
from datetime import date

from cases import reads, records
from cases.model import Case, Draft
from presswatch.errors import CaseError, CaseForbidden
from presswatch.store import Store
from presswatch.store.users import User
from register.indicators import INDICATORS, OutletReport

MAX_FLAG_ARTICLES = 150  # articles attached from one outlet-month's flags (each is queued for capture)
WANTED_KIND = "ton-chi-muc-dich"


def flag_ref(licence_no: str, month: date) -> str:
    return f"register-flag|{licence_no}|{month:%Y-%m}"


def flag_kind(kinds: dict[str, str]) -> str:
    """The kind "vi phạm tôn chỉ, mục đích" of ``config/cases.yaml`` (by id, else by label), else
    the last kind (the shipped list ends with "Khác")."""
    if WANTED_KIND in kinds:
        return WANTED_KIND
    found = [k for k, label in kinds.items() if "tôn chỉ" in label.lower()]
    return found[0] if found else list(kinds)[-1]


def flag_draft(report: OutletReport, month: date, kinds: dict[str, str]) -> Draft:
    """The case a flagged outlet-month opens."""
    outlet = report.outlet
    lines = [f"Mở từ chỉ số tuân thủ tháng {month:%m/%Y} của sổ đăng ký báo chí: {outlet.name} "
             f"({outlet.type_label}, giấy phép {outlet.licence_no}), {report.items} bài trong tháng."]
    article_ids: list[int] = []
    for indicator in report.indicators:
        share = "—" if indicator.share is None else f"{indicator.share:.0%}"
        mark = " — VƯỢT NGƯỠNG" if indicator.flagged else ""
        lines.append(f"- {INDICATORS[indicator.name]}: {share} ({len(indicator.articles)}/{indicator.counted} bài; "
                     f"ngưỡng {indicator.threshold:.0%}){mark}")
        if indicator.flagged:
            article_ids += indicator.articles
    unique = list(dict.fromkeys(article_ids))
    if len(unique) > MAX_FLAG_ARTICLES:
        lines.append(f"Đính kèm {MAX_FLAG_ARTICLES} bài đầu tiên trong {len(unique)} bài của các chỉ số vượt ngưỡng "
                     "(xem đủ danh sách ở trang chỉ số tuân thủ).")
    lines.append("Thể loại do bộ nhận dạng tự động xác định: xem các bài trước khi kết luận.")
    return Draft(title=f"{outlet.name}: chỉ số tuân thủ tháng {month:%m/%Y} vượt ngưỡng"[:records.MAX_TITLE],
                 kind=flag_kind(kinds), origin="register", summary="\n".join(lines),
                 article_ids=tuple(unique[:MAX_FLAG_ARTICLES]), registered=((outlet.licence_no, outlet.name),),
                 ref=flag_ref(outlet.licence_no, month))


def open_flag_case(store: Store, actor: User, report: OutletReport, month: date, kinds: dict[str, str],
                   deadline_days: int | None) -> tuple[Case, bool]:
    """The case of a flagged outlet-month: the one opened before, or a new one (True)."""
    if not actor.can("inspector"):
        raise CaseForbidden("chỉ thanh tra hoặc quản trị mở hồ sơ từ chỉ số tuân thủ")
    if not report.flagged:
        raise CaseError(f"{report.outlet.name}: không có chỉ số nào vượt ngưỡng trong tháng {month:%m/%Y}")
    return records.open_once(store, actor, flag_draft(report, month, kinds), kinds, deadline_days=deadline_days,
                             with_copies=False)


def flag_cases(db: sqlite3.Connection, reports: list[OutletReport], month: date) -> dict[str, Case]:
    """The cases opened for this month's flags, by licence number."""
    found = {}
    for report in reports:
        case = reads.find_ref(db, flag_ref(report.outlet.licence_no, month))
        if case is not None:
            found[report.outlet.licence_no] = case
    return found
