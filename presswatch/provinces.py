"""The provinces a deployment can follow: the 34 provinces and cities since the reform of 1 July
2025, the pre-2025 names that map onto them, and the Vietnamese wording of a province in texts.

``resolve`` turns what an operator typed ("Điện Biên", "dien bien", "TỈNH LAI CHÂU", "Yên Bái") into
a 2025 name, with a note when an old name was mapped; an unknown name raises ``ValueError`` with the
closest names. The names and the 63 → 34 mapping are generated (``presswatch.province_names``, from
``vietnamadminunits`` 1.0.4, MIT); only the few common spellings in ``_ALIASES`` are written here.
"""

from __future__ import annotations

import difflib
import re

from analysis import fold
from presswatch.province_names import LEGACY, PROVINCES

DEFAULT_PROVINCE = "Lai Châu"
NAMES: tuple[str, ...] = tuple(short for _, short, _ in PROVINCES)
_FULL = {short: full for _, short, full in PROVINCES}
# Common ways of writing a name that the unit data does not list.
_ALIASES = {"thuathienhue": "Huế", "tphcm": "Hồ Chí Minh", "hcm": "Hồ Chí Minh", "saigon": "Hồ Chí Minh",
            "hcmc": "Hồ Chí Minh"}
_PREFIX = re.compile(r"^(tinh|thanhpho|tp)")


def _key(value: str) -> str:
    return "".join(re.findall(r"[a-z0-9]+", fold(value)))


_CURRENT = {_key(name): name for name in NAMES}
_OLD = {_key(old): (old, new) for old, new in LEGACY.items() if _key(old) not in _CURRENT}


def resolve(value: str) -> tuple[str, str | None]:
    """(2025 name, note) for ``value``: the note (Vietnamese) says which pre-2025 province was mapped
    to which, None when ``value`` already names a 2025 province. ValueError when no province has
    that name, with the closest names."""
    key = _key(value)
    for candidate in (key, _PREFIX.sub("", key)):
        if candidate in _CURRENT:
            return _CURRENT[candidate], None
        if candidate in _ALIASES:
            return _ALIASES[candidate], None
        if candidate in _OLD:
            old, new = _OLD[candidate]
            return new, f"'{old}' là tỉnh trước khi sắp xếp năm 2025, nay thuộc {full_name(new)}: dùng '{new}'"
    near = closest(value)
    hint = f" Có phải: {', '.join(near)}?" if near else ""
    raise ValueError(f"'{value[:60]}' không phải tên một trong 34 tỉnh, thành phố sau sắp xếp năm 2025.{hint}")


def closest(value: str, count: int = 3) -> list[str]:
    """Up to ``count`` names (2025, or pre-2025 with what they became) nearest ``value``."""
    key = _PREFIX.sub("", _key(value))
    keys = list(_CURRENT) + list(_OLD)
    found = []
    for match in difflib.get_close_matches(key, keys, n=count, cutoff=0.6):
        if match in _CURRENT:
            found.append(_CURRENT[match])
        else:
            old, new = _OLD[match]
            found.append(f"{old} (nay là {new})")
    return found


def full_name(name: str) -> str:
    """"tỉnh Lai Châu", "thành phố Huế": the province as a sentence names it (lower-case kind)."""
    full = _FULL.get(name, f"Tỉnh {name}")
    return full[:1].lower() + full[1:]


def provinces_of(analysis: dict[str, object] | None) -> dict[str, str]:
    """``{province: grade}`` of an article's ``Analysis.to_json()``. An analysis made before several
    provinces could be followed has no ``provinces``: it concerns Lai Châu as its relevance says."""
    if not analysis:
        return {}
    found = analysis.get("provinces")
    if isinstance(found, dict):
        return {str(name): str(grade) for name, grade in found.items()}
    grade = analysis.get("relevance")
    return {DEFAULT_PROVINCE: str(grade)} if grade in ("about", "mention") else {}


def legacy_names(name: str) -> list[str]:
    """The pre-2025 provinces now part of ``name`` (other than itself): "Lào Cai" → ["Yên Bái"]."""
    return [old for old, new in LEGACY.items() if new == name and old != name]
