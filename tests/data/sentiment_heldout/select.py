"""How the held-out sentiment test set was drawn (run from the repository root, AFTER the register
and province samples exist, since it excludes them).

    python3 tests/data/sentiment_heldout/select.py [--strata /some/private/path.json]

400 articles of shared/data/baomoi_more, none of them in any other labelled or to-be-labelled set of
tests/data (sentiment_train, analysis_dev, syndication.jsonl, register_dev, province_dev — checked
by id; those come from baomoi_dev except the last two):

- 200 "place news": the title or the lead (first 600 characters) names a Vietnamese province or
  centrally-run city (the 63 before 2025, which include the names of the 34 after), so that the
  tone of the news for that province is what matters. Drawn by news type, so that the classic confusions are well
  represented: officials tried or disciplined, disasters and relief, police successes, accidents,
  development, other; within each type at most a quarter name only Hà Nội or TP.HCM.
- 200 drawn at random from the rest.

Cue words only find candidates; they are not labels. Shuffled. Writes heldout.jsonl (id, title,
text) beside this script; --strata writes id -> stratum (keep it away from annotators and from
anyone working on sentiment). Seed 20261207.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS_DATA = HERE.parent
MORE = HERE.parents[3] / "shared" / "data" / "baomoi_more" / "articles.jsonl.gz"
SEED = 20261207
RANDOM_SIZE = 200

PROVINCES = [
    # the 63 before 1 July 2025
    "An Giang", "Bà Rịa - Vũng Tàu", "Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Cạn",
    "Bắc Ninh", "Bến Tre", "Bình Dương", "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau",
    "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp",
    "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu", "Lâm Đồng",
    "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng",
    "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên - Huế",
    "Thừa Thiên Huế", "Huế", "Tiền Giang", "TP.HCM", "TP HCM", "TPHCM", "TP. Hồ Chí Minh",
    "Thành phố Hồ Chí Minh", "Sài Gòn", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc",
    "Yên Bái",
    # (the 34 after 1 July 2025 all bear one of these names)
]
METRO = {"Hà Nội", "TP.HCM", "TP HCM", "TPHCM", "TP. Hồ Chí Minh", "Thành phố Hồ Chí Minh", "Sài Gòn"}

# news types, filled in this order (rarest first): (stratum, how many, cue pattern on the folded
# title + lead)
TYPES = [
    ("officials_court_discipline", 30,
     r"xét xử|tuyên án|lĩnh án|tuyên phạt|hầu tòa|kỷ luật|cách chức|cựu chủ tịch|nguyên chủ tịch"
     r"|nguyên giám đốc|nguyên phó|sai phạm|tham ô|nhận hối lộ|lợi dụng chức vụ"),
    ("disaster_relief", 30,
     r"(?<!\w)(?:lũ|lụt|bão|lốc|sạt lở|mưa đá|hạn hán|xâm nhập mặn|cháy rừng|thiên tai|cứu trợ)(?!\w)"),
    ("police_success", 40,
     r"bắt giữ|bắt quả tang|triệt phá|thu giữ|bắt khẩn cấp|phá đường dây|phá chuyên án|truy bắt"
     r"|bắt đối tượng|bắt nhóm|bắt (?:\d+|hai|ba) đối tượng|vận chuyển trái phép|ma túy"),
    ("accident", 30,
     r"tai nạn|va chạm|lật xe|đuối nước|tử vong|hỏa hoạn|(?<!\w)cháy(?!\w)|(?<!\w)nổ(?!\w)"),
    ("development", 35,
     r"khánh thành|khởi công|đầu tư|nông thôn mới|xuất khẩu|tăng trưởng|thu hút|trao tặng|hỗ trợ"
     r"|đón nhận|kỷ lục|giảm nghèo|phát triển|hiệu quả"),
    ("other_place_news", 35, r""),
]


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def used_ids() -> set[str]:
    ids: set[str] = set()
    sources = [TESTS_DATA / "analysis_dev" / "devset.jsonl", TESTS_DATA / "syndication.jsonl",
               TESTS_DATA / "register_dev" / "sample.jsonl",
               TESTS_DATA / "province_dev" / "sample_dien_bien.jsonl",
               TESTS_DATA / "province_dev" / "sample_lao_cai.jsonl"]
    for path in sources:
        with open(path, encoding="utf-8") as handle:
            ids.update(json.loads(line)["id"] for line in handle if line.strip())
    with gzip.open(TESTS_DATA / "sentiment_train" / "train.jsonl.gz", "rt", encoding="utf-8") as handle:
        ids.update(json.loads(line)["id"] for line in handle if line.strip())
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strata", type=Path, help="also write id -> stratum here (not for annotators)")
    args = parser.parse_args()
    used = used_ids()
    with gzip.open(MORE, "rt", encoding="utf-8") as handle:
        articles = [a for a in map(json.loads, handle) if a["id"] not in used]
    print("excluded (already in another set):", len(used), "ids; eligible:", len(articles))
    province_re = {p: re.compile(r"(?<!\w)" + re.escape(p) + r"(?!\w)") for p in PROVINCES}

    def provinces_in(article: dict[str, str]) -> set[str]:
        head = article["title"] + "\n" + article["text"][len(article["title"]):][:600]
        return {p for p, regex in province_re.items() if regex.search(head)}

    place = {a["id"]: provinces_in(a) for a in articles}
    rnd = random.Random(SEED)
    chosen: list[tuple[dict[str, str], str]] = []
    taken: set[str] = set()
    for name, size, cue in TYPES:
        regex = re.compile(cue)
        pool = [a for a in articles if a["id"] not in taken and place[a["id"]]
                and regex.search(fold(a["title"] + "\n" + a["text"][:600]))]
        metro = [a for a in pool if place[a["id"]] <= METRO]
        provincial = [a for a in pool if not place[a["id"]] <= METRO]
        n_metro = min(size // 4, len(metro))
        picked = rnd.sample(provincial, min(size - n_metro, len(provincial))) + rnd.sample(metro, n_metro)
        chosen += [(a, name) for a in picked]
        taken.update(a["id"] for a in picked)
        print(f"{name:28} pool {len(pool):5} ({len(metro)} Hà Nội/TP.HCM only)  drawn {len(picked)}")
    rest = [a for a in articles if a["id"] not in taken]
    picked = rnd.sample(rest, RANDOM_SIZE)
    chosen += [(a, "random") for a in picked]
    print(f"{'random':28} pool {len(rest):5}  drawn {len(picked)} "
          f"({sum(1 for a in picked if place[a['id']])} of them name a province in title or lead)")
    rnd.shuffle(chosen)
    with open(HERE / "heldout.jsonl", "w", encoding="utf-8") as handle:
        for article, _ in chosen:
            record = {"id": article["id"], "title": article["title"], "text": article["text"]}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print("total", len(chosen))
    if args.strata:
        args.strata.write_text(json.dumps({a["id"]: s for a, s in chosen}, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
