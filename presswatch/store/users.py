"""Users, roles, password hashing (argon2id), sessions and the login rate limit.

Framework-free: the CLI (``presswatch users``) and the web layer call these functions with a
``Store``. Session tokens are random (256 bits); only their SHA-256 is stored, so a copy of the
database holds no usable token. Every session has its own CSRF token. This module owns ``users``,
``sessions`` and ``login_failures`` (``SCHEMA``).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from presswatch.errors import UserError
from presswatch.store.database import Store
from presswatch.store.schema import Migration, Schema
from presswatch.times import iso, parse_iso

Role = Literal["viewer", "analyst", "inspector", "admin"]
# In order of rights: each role may do what the roles before it may. ``inspector`` (Thanh tra Sở)
# works cases: conclusions, actions, the reporter's contact (issue 18, docs/cases.md).
ROLES: tuple[Role, ...] = ("viewer", "analyst", "inspector", "admin")
ROLE_LABELS = {"viewer": "xem", "analyst": "phân tích viên", "inspector": "thanh tra", "admin": "quản trị"}
MAX_FAILURES = 5  # failed logins per user name and address …
FAILURE_WINDOW = timedelta(minutes=15)  # … within this window, then 429 until the oldest ages out
MIN_PASSWORD = 10
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
_EMAIL = re.compile(r"^[^@\s<>\"',;]{1,64}@[a-z0-9.-]{1,253}\.[a-z]{2,63}$", re.IGNORECASE)
_HASHER = PasswordHasher()

SCHEMA = Schema("users", (
    Migration(
        "users, sessions, login failures",
        """
    -- web UI: users, sessions, login failures.
    CREATE TABLE users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,             -- viewer | analyst | admin
        password_hash TEXT NOT NULL,    -- argon2id
        created_at TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
    ) WITHOUT ROWID;
    CREATE TABLE sessions (
        token_hash TEXT PRIMARY KEY,    -- sha256 of the cookie's token: a stolen database holds no live token
        user_name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        csrf TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX sessions_expiry ON sessions(expires_at);
    CREATE TABLE login_failures (
        user_name TEXT NOT NULL,
        address TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX login_failures_key ON login_failures(user_name, address, at);
    """,
        legacy=9,
    ),
    Migration(
        "users: an optional e-mail address (cases' reminders)",
        """
    ALTER TABLE users ADD COLUMN email TEXT;  -- personal data: the admin and the user's reminders only
    """,
    ),
))


@dataclass(frozen=True)
class User:
    name: str
    role: Role
    created_at: datetime
    disabled: bool = False
    email: str | None = None  # where the cases' reminders go; personal data, never logged

    def can(self, role: Role) -> bool:
        """Has this user at least ``role``? (viewer < analyst < inspector < admin)"""
        return ROLES.index(self.role) >= ROLES.index(role)


@dataclass(frozen=True)
class Session:
    user: User
    csrf: str
    expires_at: datetime


@cache
def _dummy_hash() -> str:
    """Verified when the user does not exist, so both paths take the same time. Made on the first
    login, not at import: every process that opens a ``Store`` imports this module (its ``SCHEMA``)."""
    return _HASHER.hash("presswatch-dummy-password")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def add_user(store: Store, name: str, role: str, password: str) -> User:
    if not _NAME.match(name):
        raise UserError("tên người dùng chỉ gồm chữ thường không dấu, số, '.', '_' hoặc '-' (2–32 ký tự)")
    if role not in ROLES:
        raise UserError(f"vai trò phải là một trong: {', '.join(ROLES)}")
    _check_password(password)
    now = datetime.now(UTC).replace(microsecond=0)
    with store.transaction() as db:
        if db.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
            raise UserError(f"người dùng '{name}' đã tồn tại")
        db.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                   (name, role, hash_password(password), iso(now)))
    return User(name, role, now)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự")


def set_disabled(store: Store, name: str, disabled: bool) -> None:
    """Lock (or unlock) a user. Locking also ends every session of the user at once."""
    with store.transaction() as db:
        if db.execute("UPDATE users SET disabled = ? WHERE name = ?", (int(disabled), name)).rowcount == 0:
            raise UserError(f"không có người dùng '{name}'")
        if disabled:
            db.execute("DELETE FROM sessions WHERE user_name = ?", (name,))


def set_password(store: Store, name: str, password: str) -> None:
    """A new password; the user's open sessions end (whoever knew the old one is logged out)."""
    _check_password(password)
    with store.transaction() as db:
        if db.execute("UPDATE users SET password_hash = ? WHERE name = ?",
                      (hash_password(password), name)).rowcount == 0:
            raise UserError(f"không có người dùng '{name}'")
        db.execute("DELETE FROM sessions WHERE user_name = ?", (name,))


def list_users(store: Store) -> list[User]:
    rows = store.db.execute("SELECT name, role, created_at, disabled, email FROM users ORDER BY name").fetchall()
    return [_user(row) for row in rows]


def _user(row: object) -> User:
    created = parse_iso(row["created_at"])  # type: ignore[index]
    assert created is not None
    keys = row.keys()  # type: ignore[attr-defined]
    email = row["email"] if "email" in keys else None  # type: ignore[index]
    return User(row["name"], row["role"], created, bool(row["disabled"]), email)  # type: ignore[index]


def check_email(email: str | None) -> str | None:
    """``email`` stripped (None when empty), or ``UserError`` when it is no e-mail address."""
    address = (email or "").strip() or None
    if address is not None and (len(address) > 254 or not _EMAIL.match(address)):
        raise UserError(f"'{address[:80]}' không phải địa chỉ email hợp lệ (ví dụ: thanhtra@laichau.gov.vn)")
    return address


def set_email(store: Store, name: str, email: str | None) -> None:
    """Set (or, with None or "", remove) a user's e-mail address."""
    address = check_email(email)
    with store.transaction() as db:
        if db.execute("UPDATE users SET email = ? WHERE name = ?", (address, name)).rowcount == 0:
            raise UserError(f"không có người dùng '{name[:40]}'")


def rate_limited(store: Store, name: str, address: str, now: datetime | None = None) -> bool:
    """Have there been MAX_FAILURES failed logins for this name from this address in the window?"""
    now = now or datetime.now(UTC)
    since = iso(now - FAILURE_WINDOW)
    count = store.db.execute("SELECT count(*) FROM login_failures WHERE user_name = ? AND address = ? AND at >= ?",
                             (name, address, since)).fetchone()[0]
    return int(count) >= MAX_FAILURES


def authenticate(store: Store, name: str, password: str, address: str) -> User | None:
    """The user if ``password`` is right; None otherwise (the failure is recorded)."""
    row = store.db.execute("SELECT name, role, created_at, disabled, password_hash FROM users WHERE name = ?",
                           (name,)).fetchone()
    dummy = _dummy_hash()  # whichever the path, so that the first login of either pays for it
    stored = row["password_hash"] if row is not None else dummy
    try:
        ok = _HASHER.verify(stored, password) and row is not None and not row["disabled"]
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    now = datetime.now(UTC)
    with store.transaction() as db:
        if not ok:
            db.execute("INSERT INTO login_failures (user_name, address, at) VALUES (?, ?, ?)",
                       (name[:64], address, iso(now)))
            db.execute("DELETE FROM login_failures WHERE at < ?", (iso(now - FAILURE_WINDOW * 4),))
            return None
        db.execute("DELETE FROM login_failures WHERE user_name = ? AND address = ?", (name, address))
        if _HASHER.check_needs_rehash(stored):
            db.execute("UPDATE users SET password_hash = ? WHERE name = ?", (hash_password(password), name))
    return _user(row)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_session(store: Store, user: User, hours: float) -> tuple[str, Session]:
    """A new session: (the cookie's token, the session)."""
    token = secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    expires = now + timedelta(hours=hours)
    if expires.microsecond:  # stored to the second: round up, so a session never ends early
        expires = expires.replace(microsecond=0) + timedelta(seconds=1)
    csrf = secrets.token_urlsafe(32)
    with store.transaction() as db:
        db.execute("DELETE FROM sessions WHERE expires_at < ?", (iso(now),))
        db.execute("INSERT INTO sessions (token_hash, user_name, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                   (_digest(token), user.name, csrf, iso(now), iso(expires)))
    return token, Session(user, csrf, expires)


def session(store: Store, token: str | None) -> Session | None:
    """The live session of a cookie's token, or None (unknown, expired, or user disabled)."""
    if not token or len(token) > 200:
        return None
    row = store.db.execute(
        "SELECT u.name, u.role, u.created_at, u.disabled, s.csrf, s.expires_at FROM sessions s "
        "JOIN users u ON u.name = s.user_name WHERE s.token_hash = ? AND s.expires_at > ?",
        (_digest(token), iso(datetime.now(UTC)))).fetchone()
    if row is None or row["disabled"]:
        return None
    expires = parse_iso(row["expires_at"])
    assert expires is not None
    return Session(_user(row), row["csrf"], expires)


def end_session(store: Store, token: str | None) -> None:
    if token:
        with store.transaction() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (_digest(token),))
