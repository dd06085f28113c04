"""One outlet edited from a form (the web UI): the fields an editor may change, checked like an
import, with one Vietnamese problem per field."""

from __future__ import annotations

import re
from dataclasses import replace

from presswatch.config.base import suggestion
from register.model import MAX_NAME, MAX_TEXT, Outlet, domain_problem
from register.xlsx import References

EDITABLE = {"name": "Tên cơ quan", "governing_body": "Cơ quan chủ quản", "purpose": "Tôn chỉ, mục đích",
            "topics": "Chủ đề", "domains": "Tên miền", "sources": "Nguồn", "resident_office": "Văn phòng thường trú"}
_LISTS = ("topics", "domains", "sources")


def _items(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[;,\n]", value) if part.strip())


def edited(outlet: Outlet, form: dict[str, str], refs: References) -> tuple[Outlet, list[str]]:
    """``outlet`` with the form's editable fields; the problems (field label: message) if any."""
    problems: list[str] = []
    changes: dict[str, object] = {}
    for name, label in EDITABLE.items():
        raw = form.get(name, "").strip()
        if name in _LISTS:
            values = _items(raw)
            if name == "domains":
                values = tuple(v.lower() for v in values)
                problems += [f"{label}: {p}" for v in values if (p := domain_problem(v)) is not None]
            known = {"topics": refs.topics, "sources": refs.sources}.get(name)
            if known is not None:
                problems += [f"{label}: '{v}' không có{suggestion(v, sorted(known))}" for v in values if v not in known]
            changes[name] = values
        else:
            limit = MAX_TEXT if name in ("purpose", "resident_office") else MAX_NAME
            if name == "name" and not raw:
                problems.append(f"{label}: không được để trống")
            if len(raw) > limit:
                problems.append(f"{label}: dài {len(raw)} ký tự, tối đa {limit}")
            changes[name] = raw
    return replace(outlet, **changes), problems  # type: ignore[arg-type]
