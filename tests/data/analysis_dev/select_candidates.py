"""How the analysis development set was drawn from shared/data/baomoi_dev (run from the repo root).

Every article mentioning "Lai Châu" (whole-word, case-insensitive), 60 of the 80 articles that
mention only a Lai Châu unit name (many are traps: "Đoàn Kết", "Tân Uyên" in Bình Dương ...), and
110 random others; seed 20261127. Prints the counts; writes /tmp/label/part{1,2,3}.jsonl for labelling.
"""

from __future__ import annotations

import csv
import json
import random
import re
import unicodedata
from pathlib import Path

UNITS = Path("../shared/data/admin_units")
ARTICLES = Path("../shared/data/baomoi_dev/articles.jsonl")


def unit_names() -> set[str]:
    names = {"Lai Châu"}
    for row in csv.DictReader(open(UNITS / "laichau_units_legacy_pre2025.csv", encoding="utf-8")):
        names.update((row["districtShort"], row["wardShort"]))
    for row in csv.DictReader(open(UNITS / "laichau_units_2025.csv", encoding="utf-8")):
        names.add(row["wardShort"])
    return names


def main() -> None:
    names = unit_names()
    articles = [json.loads(line) for line in open(ARTICLES, encoding="utf-8")]

    def hits(article: dict[str, str]) -> set[str]:
        text = unicodedata.normalize("NFC", article["title"] + "\n" + article["text"]).lower()
        return {n for n in names if re.search(r"(?<!\w)" + re.escape(n.lower()) + r"(?!\w)", text)}

    province, units_only, others = [], [], []
    for article in articles:
        found = hits(article)
        if "Lai Châu" in found:
            province.append(article)
        elif found:
            units_only.append(article)
        else:
            others.append(article)
    print(len(province), len(units_only), len(others))
    rnd = random.Random(20261127)
    rnd.shuffle(units_only)
    chosen = province + units_only[:60] + rnd.sample(others, 110)
    rnd.shuffle(chosen)
    size = (len(chosen) + 2) // 3
    out = Path("/tmp/label")
    out.mkdir(exist_ok=True)
    for part in range(3):
        with open(out / f"part{part + 1}.jsonl", "w", encoding="utf-8") as handle:
            for article in chosen[part * size:(part + 1) * size]:
                record = {"id": article["id"], "title": article["title"], "text": article["text"]}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
