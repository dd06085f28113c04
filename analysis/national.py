"""Vietnam's administrative units, both eras, as shipped in ``data/units.json`` (built by
``scripts/build_units.py`` from ``vietnamadminunits`` 1.0.4; no network at run time), and the word
statistics of their names in real text (``data/name_stats.json``, ``scripts/build_name_stats.py``).

- ``provinces()``: the 34 provinces and cities from 1 July 2025, canonical short names ("Lào Cai").
- ``canonical(name)``: the 2025 province a name means: "lao cai", "Tỉnh Lào Cai", and the pre-2025
  "Yên Bái" (merged into Lào Cai) all give "Lào Cai".
- ``territory(province)``: the province's units, legacy (its pre-2025 provinces, their districts and
  communes, each with the 2025 commune it went into) and 2025.
- ``index()``: where each unit name is used in the whole country (for the ambiguity of a name).
- ``other_names(province)``: the other names by which text names the province (a club's abbreviation
  "SLNA", a region's "xứ Nghệ", a city's "Sài thành"; ``data/province_other_names.csv``, session 33).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from analysis.normalize import fold, normalize

DISTRICT_TYPES = ("huyện", "quận", "thị xã", "thành phố")


@dataclass(frozen=True)
class LegacyUnit:
    name: str
    type: str  # "Xã", "Huyện" … as the data spells it
    district: str  # "" for a district-level unit itself
    district_type: str
    province: str  # the pre-2025 province
    goes_to: tuple[str, ...]  # 2025 communes (the default first); districts: ()


@dataclass(frozen=True)
class Territory:
    province: str  # canonical 2025 name
    type: str  # "Tỉnh" | "Thành phố"
    legacy_provinces: tuple[str, ...]  # the pre-2025 provinces it was formed from (itself included)
    legacy: tuple[LegacyUnit, ...]
    current: tuple[tuple[str, str], ...]  # 2025 communes and wards: (name, type)


@lru_cache(maxsize=1)
def _units() -> dict[str, Any]:
    text = resources.files("analysis").joinpath("data/units.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def name_stats() -> dict[str, Any]:
    text = resources.files("analysis").joinpath("data/name_stats.json").read_text(encoding="utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def provinces() -> list[str]:
    return list(_units()["provinces"])


def legacy_provinces() -> list[str]:
    return list(_units()["legacy_provinces"])


@lru_cache(maxsize=256)
def canonical(name: str) -> str:
    """The 2025 province that ``name`` (a 2025 or pre-2025 province, any case, with or without
    diacritics or "Tỉnh"/"Thành phố") means. ValueError, in Vietnamese, for an unknown name."""
    key = fold(normalize(name)).strip()
    for prefix in ("tinh ", "thanh pho ", "tp.", "tp "):
        key = key.removeprefix(prefix).strip()
    data = _units()
    for province in data["provinces"]:
        if fold(province) == key:
            return str(province)
    for province, entry in data["legacy_provinces"].items():
        if fold(province) == key:
            return entry["now"]  # type: ignore[no-any-return]
    if key in ("hcm", "tphcm", "sai gon", "ho chi minh city"):
        return "Hồ Chí Minh"
    raise ValueError(f"Không biết tỉnh/thành phố “{name}”. Các tỉnh, thành phố từ 1/7/2025: "
                     + ", ".join(data["provinces"]))


@dataclass(frozen=True)
class OtherName:
    """Another name by which Vietnamese text names a province (``data/province_other_names.csv``)."""
    name: str  # as written ("SLNA", "xứ Nghệ", "Sài thành"): its capitals are required
    kind: str  # "club" | "region" | "city" | "short"
    unaccented: bool  # its letters without diacritics also count ("SLNA"; not "xu Nghe": "xử nghề")
    lower_case: bool  # all in lower case, in text typed so, it also counts ("xứ nghệ"; not "đất cảng")


OTHER_NAME_KINDS = ("club", "region", "city", "short")


@lru_cache(maxsize=1)
def _other_names() -> dict[str, tuple[OtherName, ...]]:
    text = resources.files("analysis").joinpath("data/province_other_names.csv").read_text(encoding="utf-8")
    found: dict[str, list[OtherName]] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] not in OTHER_NAME_KINDS:
            raise ValueError(f"province_other_names.csv: unknown kind {row['kind']!r}")
        found.setdefault(canonical(row["province"]), []).append(OtherName(
            normalize(row["name"]), row["kind"], row["unaccented"] == "yes", row["lower_case"] == "yes"))
    return {province: tuple(names) for province, names in found.items()}


def other_names(province: str) -> tuple[OtherName, ...]:
    """The other names of ``province`` (a 2025 province or a legacy one: its 2025 province's)."""
    return _other_names().get(canonical(province), ())


@lru_cache(maxsize=64)
def territory(province: str) -> Territory:
    name = canonical(province)
    data = _units()
    entry = data["provinces"][name]
    legacy: list[LegacyUnit] = []
    for old in entry["legacy"]:
        for district, district_type, wards in data["legacy_provinces"][old]["districts"]:
            legacy.append(LegacyUnit(district, district_type, "", "", old, ()))
            for ward, ward_type, goes_to in wards:
                legacy.append(LegacyUnit(ward, ward_type, district, district_type, old, tuple(goes_to)))
    return Territory(name, entry["type"], tuple(entry["legacy"]), tuple(legacy),
                     tuple((unit, kind) for unit, kind in entry["units"]))


@dataclass(frozen=True)
class Use:
    """One use of a name somewhere: the province (2025 or legacy), the level and the type."""
    province: str
    level: str  # "province" | "district" | "commune"
    type: str


@lru_cache(maxsize=1)
def index() -> dict[str, tuple[Use, ...]]:
    """Every unit and province name of the country → where it is used (both eras)."""
    found: dict[str, list[Use]] = {}
    data = _units()
    for name, entry in data["provinces"].items():
        found.setdefault(name, []).append(Use(name, "province", entry["type"]))
        for unit, kind in entry["units"]:
            found.setdefault(unit, []).append(Use(name, "commune", kind))
    for name, entry in data["legacy_provinces"].items():
        found.setdefault(name, []).append(Use(name, "province", entry["type"]))
        for district, district_type, wards in entry["districts"]:
            found.setdefault(district, []).append(Use(name, "district", district_type))
            for ward, ward_type, _ in wards:
                found.setdefault(ward, []).append(Use(name, "commune", ward_type))
    return {name: tuple(uses) for name, uses in found.items()}


@lru_cache(maxsize=1)
def folded_index() -> dict[str, tuple[str, ...]]:
    """Folded name → the names that fold to it ("tam duong" → Tam Dương, Tam Đường)."""
    found: dict[str, set[str]] = {}
    for name in index():
        found.setdefault(fold(name), set()).add(name)
    return {key: tuple(sorted(names)) for key, names in found.items()}
