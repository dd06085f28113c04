"""Lai Châu's hand-checked ambiguity lists against the method that replaced them (``analysis.ambiguity``).

    .venv/bin/python scripts/review_ambiguity.py [--province "Điện Biên"]

Prints, for Lai Châu, what the method adds or drops against the hand lists ``EVERYDAY`` and
``CONFUSABLE`` below (as they were in ``scripts/build_gazetteer.py``, the builder of the former
``analysis/data/gazetteer.json``), and the counts behind each decision. With ``--province``, prints
the ambiguous names of that province and why (for review; nothing is written).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.ambiguity import counts  # noqa: E402
from analysis.gazetteer import build  # noqa: E402

# The hand lists of scripts/build_gazetteer.py (removed), kept here as the method's reference.
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
}
CONFUSABLE = {
    "Than Uyên": "dễ nhầm với Tân Uyên",
    "Tân Uyên": "thị xã/thành phố Tân Uyên, Bình Dương",
    "Mường Than": "dễ nhầm với Mường Thanh (khách sạn, cánh đồng ở Điện Biên)",
}


def row(name: str) -> str:
    c = counts(name)
    return " ".join(f"{k}={v}" for k, v in c.items())


def lai_chau() -> None:
    gazetteer = build("Lai Châu")
    hand = set(EVERYDAY) | set(CONFUSABLE)
    print("Lai Châu: the hand-listed names and the method's verdict")
    for name in sorted(hand):
        unit = gazetteer.units[name]
        verdict = "ambiguous" if unit.ambiguous else "NOT ambiguous (dropped)"
        print(f"  {name:<12} {verdict:<24} {'; '.join(unit.why)}   [{row(name)}]")
    added = [u for u in gazetteer.units.values()
             if u.ambiguous and u.name not in hand and not u.why[0].startswith("cũng là tên đơn vị ở")]
    print("Lai Châu: ambiguous by the method, not in the hand lists nor shared with another province (added)")
    for unit in added:
        print(f"  {unit.name:<12} {'; '.join(unit.why)}   [{row(unit.name)}]")
    print(f"  ({len(added)} added)")


def shares() -> None:
    """How each threshold was chosen: for every share, the highest value among the names Lai Châu's
    hand-checked gazetteer kept distinctive (the threshold must lie above it) and the values of the
    hand-listed names (the threshold should lie below those it is meant to catch)."""
    from analysis.ambiguity import assess

    gazetteer = build("Lai Châu")
    own = frozenset({"Lai Châu"})
    hand = set(EVERYDAY) | set(CONFUSABLE)
    distinctive = [n for n, u in gazetteer.units.items() if n not in hand
                   and not any(w.startswith("cũng là tên đơn vị ở") for w in assess(n, own, u.level == "district").why)]
    print(f"Lai Châu: {len(distinctive)} names the hand-checked gazetteer kept distinctive; shares of the documents")
    for field, base in (("lower", "docs"), ("person", "cap"), ("street", "cap"), ("phrase", "docs"), ("org", "cap"),
                        ("event", "cap")):
        def share(name: str, field: str = field, base: str = base) -> tuple[float, int]:
            c = counts(name)
            return (c.get(field, 0) / c[base] if c[base] else 0.0, c.get(field, 0))
        top = sorted(((share(n), n) for n in distinctive), reverse=True)[:3]
        listed = sorted(((share(n), n) for n in hand if share(n)[0] > 0), reverse=True)
        print(f"  {field:<7} distinctive max: " + ", ".join(f"{n} {s:.2f} ({k} docs)" for (s, k), n in top)
              + " | hand-listed: " + ", ".join(f"{n} {s:.2f} ({k})" for (s, k), n in listed))


def province(name: str) -> None:
    gazetteer = build(name)
    ambiguous = [u for u in gazetteer.units.values() if u.ambiguous]
    print(f"{gazetteer.province.name}: {len(gazetteer.units)} names, {len(ambiguous)} ambiguous; "
          f"aliases {[a.name for a in gazetteer.aliases]}; names not the place after a street/firm/event word "
          f"{[(u.name, sorted(u.false_after)) for u in gazetteer.units.values() if u.false_after]}")
    for unit in ambiguous:
        reasons = [w for w in unit.why if not w.startswith("cũng là tên đơn vị ở")]
        if reasons:
            print(f"  {unit.name:<16} {'; '.join(reasons)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--province", default="")
    args = parser.parse_args()
    if args.province:
        province(args.province)
    else:
        lai_chau()
        shares()


if __name__ == "__main__":
    main()
