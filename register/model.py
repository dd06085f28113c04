"""The register's records and the checks each passes, however it arrives (XLSX import, an edit).

An ``Outlet`` is a licensed press agency or organisation: its type (``OUTLET_TYPES``), licence number
(the key an import matches on) and date, governing body, licensed purpose ("tôn chỉ, mục đích") as text
and as topic slugs of ``config/topics.yaml``, its domains, the ids of ``sources.yaml`` that are its
channels, its resident office in the province and its registered resident reporters. A source
belongs to the outlet that lists it, else to the outlet owning the domain of one of its URLs
(``outlet_of_source``).

A ``Spokesperson`` answers for a provincial department (``department``) or a commune or ward
(``commune``: a unit of the gazetteer; the 2025 units are current, the older ones kept for history).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

OUTLET_TYPES: dict[str, str] = {
    "bao_in": "báo in",
    "bao_dien_tu": "báo điện tử",
    "tap_chi": "tạp chí",
    "phat_thanh_truyen_hinh": "đài phát thanh – truyền hình",
    "trang_ttth": "trang thông tin điện tử tổng hợp",
    "mang_xa_hoi": "mạng xã hội",
    "tai_khoan_mxh": "tài khoản mạng xã hội",
}
# The types whose genre and licensed-topic shares are checked ("báo hóa"), and those checked for
# republishing without attribution.
GENRE_CHECKED = ("tap_chi", "trang_ttth")
ATTRIBUTION_CHECKED = ("trang_ttth",)
UNIT_KINDS: dict[str, str] = {"department": "sở, ban, ngành", "commune": "xã, phường"}

MAX_TEXT = 2000  # characters of a free-text field (purpose, office)
MAX_NAME = 300
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}\.[^@\s]{2,63}$")
_PHONE = re.compile(r"^\+?[0-9 .()-]{6,20}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Reporter:
    """A resident reporter registered in the province."""

    name: str
    press_card: str  # press card number ("thẻ nhà báo"); may be empty while one is pending


@dataclass(frozen=True)
class Outlet:
    licence_no: str
    name: str
    type: str  # a key of OUTLET_TYPES
    licence_date: date | None = None
    governing_body: str = ""
    purpose: str = ""
    topics: tuple[str, ...] = ()  # slugs of topics.yaml
    domains: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # ids of sources.yaml
    resident_office: str = ""
    reporters: tuple[Reporter, ...] = field(default=())
    id: int | None = None  # set once stored

    @property
    def type_label(self) -> str:
        return OUTLET_TYPES.get(self.type, self.type)


@dataclass(frozen=True)
class Spokesperson:
    unit: str
    unit_kind: str  # a key of UNIT_KINDS
    name: str
    title: str = ""
    phone: str = ""
    email: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    topics: tuple[str, ...] = ()  # topic slugs a department answers for
    id: int | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)


def domain_problem(value: str) -> str | None:
    """Why ``value`` is not a bare domain name (``baolaichau.vn``), or None."""
    if not _DOMAIN.match(value):
        return f"'{value[:80]}' không phải tên miền (ví dụ: baolaichau.vn, không có http:// hay đường dẫn)"
    return None


def email_problem(value: str) -> str | None:
    return None if not value or _EMAIL.match(value) else f"'{value[:80]}' không phải địa chỉ email"


def phone_problem(value: str) -> str | None:
    return None if not value or _PHONE.match(value) else f"'{value[:40]}' không phải số điện thoại"


def slug_problem(value: str) -> str | None:
    return None if _SLUG.match(value) else f"'{value[:80]}' không phải mã hợp lệ (chữ thường, số, - và _)"


def host_of(url: str) -> str:
    """The host of ``url`` without ``www.`` (lower case); "" when it has none."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def outlet_of_source(outlets: list[Outlet], source_id: str, urls: list[str]) -> Outlet | None:
    """The outlet a source belongs to: the one listing its id, else the one owning the domain (or a
    parent domain) of one of its URLs."""
    for outlet in outlets:
        if source_id in outlet.sources:
            return outlet
    for url in urls:
        host = host_of(url)
        for outlet in outlets:
            if any(host == d or host.endswith("." + d) for d in outlet.domains):
                return outlet
    return None


def responsible(people: list[Spokesperson], places: list[str], topics: list[str], day: date,
                successors: dict[str, tuple[str, ...]] | None = None) -> list[Spokesperson]:
    """The spokespeople valid on ``day`` who answer for an article about ``places`` (communes and
    wards; a former unit counts for the 2025 units it became: ``successors``) or ``topics`` (a
    department answering for one of them): communes first."""
    names = set(places)
    for place in places:
        names.update((successors or {}).get(place, ()))
    valid = [p for p in people if p.valid_on(day)]
    return ([p for p in valid if p.unit_kind == "commune" and p.unit in names]
            + [p for p in valid if p.unit_kind == "department" and set(p.topics) & set(topics)])
