"""Who may do what to a case, and which state moves exist (docs/cases.md writes the same table).

Roles are ordered, each with the rights of those before it: viewer < analyst < inspector < admin
(``presswatch.store.users``). In short: viewers read; analysts open cases, attach articles and links,
edit the description and start verification; inspectors (Thanh tra Sở) also see the reporter's
contact, assign, conclude, record actions, close and refer; admins may also reopen a closed case.

    mới ──> đang xác minh ──> đã kết luận ──> đang xử lý ──> đã đóng
     │            │               │  └────────────────────────> đã đóng
     └────────────┴───────────────┴──> chuyển cơ quan chức năng ──> đã đóng
    mới ──> đã đóng (not a matter for the department)       đã đóng ──> đang xác minh (admin: reopen)

A case enters ``concluded`` only with a conclusion, and ``acting`` only once concluded.
"""

from __future__ import annotations

from cases.model import STATE_LABELS
from presswatch.errors import CaseForbidden
from presswatch.store.users import Role, User

# What each right needs, at least.
RIGHTS: dict[str, Role] = {
    "read": "viewer",
    "open": "analyst",          # a new case (form, article page, alert, API)
    "edit": "analyst",          # title, summary, kind, outlets, deadline, articles, links, attachments
    "personal": "inspector",    # see and change the reporter's contact
    "assign": "inspector",
    "conclude": "inspector",
    "act": "inspector",         # record an action (correction, takedown, fine…)
}
RIGHT_LABELS = {
    "read": "xem hồ sơ",
    "open": "mở hồ sơ",
    "edit": "sửa hồ sơ",
    "personal": "xem, sửa thông tin người phản ánh",
    "assign": "phân công người xử lý",
    "conclude": "kết luận",
    "act": "ghi biện pháp xử lý",
}
# (from, to) → the least role that may make the move.
MOVES: dict[tuple[str, str], Role] = {
    ("new", "verifying"): "analyst",
    ("new", "closed"): "inspector",
    ("new", "referred"): "inspector",
    ("verifying", "concluded"): "inspector",
    ("verifying", "referred"): "inspector",
    ("concluded", "acting"): "inspector",
    ("concluded", "closed"): "inspector",
    ("concluded", "referred"): "inspector",
    ("acting", "closed"): "inspector",
    ("acting", "referred"): "inspector",
    ("referred", "closed"): "inspector",
    ("closed", "verifying"): "admin",
}


def may(user: User, right: str) -> bool:
    return user.can(RIGHTS[right])


def require(user: User, right: str) -> None:
    if not may(user, right):
        raise CaseForbidden(f"vai trò '{user.role}' không được {RIGHT_LABELS[right]}")


def moves_from(state: str, user: User) -> list[str]:
    """The states ``user`` may move a case in ``state`` to, in the order of the workflow."""
    return [to for (start, to), role in MOVES.items() if start == state and user.can(role)]


def check_move(user: User, state: str, to: str) -> None:
    """Raise ``CaseForbidden`` unless ``user`` may move a case from ``state`` to ``to``."""
    role = MOVES.get((state, to))
    if role is None:
        raise CaseForbidden(f"không thể chuyển hồ sơ từ '{STATE_LABELS.get(state, state)}' sang "
                            f"'{STATE_LABELS.get(to, to)}'")
    if not user.can(role):
        raise CaseForbidden(f"vai trò '{user.role}' không được chuyển hồ sơ từ '{STATE_LABELS[state]}' sang "
                            f"'{STATE_LABELS[to]}'")
