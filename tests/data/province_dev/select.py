"""How the two provinces' relevance development samples were drawn (run from the repository root).

    python3 -P tests/data/province_dev/select.py
        [--province son_la|tuyen_quang|lang_son|cao_bang|quang_ninh|thanh_hoa|nghe_an|dak_lak|an_giang]
        [--data DIR] [--strata PATH]

(-P: the script directory must not shadow the standard library's `select` module.)

For each province (Điện Biên, Lào Cai) candidates are found by a folded name search (NFC, case
folded, old/new tone-mark placement made equal; whole words) of the province's names and of all its
unit names, legacy and 2025, from units_<province>.csv (written by make_units.py from the national
unit data). Candidates are split into pools that deliberately over-sample the traps (the battle,
streets and other meanings of "Điện Biên Phủ"; "Lào Cai" and "Yên Bái" on rail and road routes, in
lists and in history; unit names that are common words, person or company names), plus random
negatives (articles with no name at all). For Điện Biên a few articles come from baomoi_dev: the
pre-2004 "Lai Châu" (whose capital was Điện Biên Phủ) and the Lai Châu/Điện Biên confusions exist
only there, since baomoi_more holds no article with "Lai Châu".

A pool is a way to find candidates, not a label. Each sample is shuffled. Writes
sample_dien_bien.jsonl and sample_lao_cai.jsonl (id, title, text as in the source files, plus
`source`: baomoi_more or baomoi_dev) beside this script and prints the counts; --strata writes id ->
stratum (for per-stratum results later; keep it away from the annotators). Seed 20261207.

`--province son_la` (added later, same method and seed, its own random.Random(20261207) so the two
first samples stay as they were drawn) draws sample_son_la.jsonl, a judgement set for a third
province nobody tunes on: pools for "Sơn La" on routes (quốc lộ 6, "Hòa Bình - Sơn La", "Hà Nội -
Sơn La") and as the hydropower plant (thủy điện Sơn La), "Sơn La", "Mộc Châu" (the district and the
brand: sữa Mộc Châu, Mộc Châu Milk), rare and common unit names, random negatives; from
baomoi_more only (baomoi_dev has no eligible trap article), excluding every article of another
labelled or to-be-labelled set of tests/data.

`--province tuyen_quang` (added later still, same method and seed, its own random.Random(20261207),
so the three first samples stay as they were drawn) draws sample_tuyen_quang.jsonl, a second
judgement set nobody tunes on, for today's Tuyên Quang (legacy Tuyên Quang + legacy Hà Giang, merged
1 July 2025): pools for the two names on routes (quốc lộ 2, "Hà Nội - Hà Giang / Tuyên Quang",
"Hà Giang - …", the Hà Giang loop over the karst plateau), "Hà Giang" as a person's name, "Tuyên
Quang", "Hà Giang" (the old province, now part of Tuyên Quang), famous places (Đồng Văn, Mèo Vạc,
Lũng Cú, Tân Trào, Mã Pí Lèng), rare and common unit names, random negatives; from baomoi_more only
(after the exclusions baomoi_dev holds no eligible article of any of its name pools), excluding
every set of OTHER_SETS, the Sơn La judgement set, genre_train and briefing_questions.

`--province lang_son` (added later, same method and seed, its own random.Random(20261207), so the four
first samples stay as they were drawn) draws sample_lang_son.jsonl, a third judgement set nobody
tunes on (Tuyên Quang, looked at once, became a development set), for Lạng Sơn (unchanged by the
2025 reform): pools for "Lạng Sơn" on routes (quốc lộ 1 / 1A / 1B / 4A / 4B, "Hà Nội - Lạng Sơn",
the Bắc Giang - Lạng Sơn expressway, "Lạng Sơn - …"), the border gates and the trade through them
(Hữu Nghị, Tân Thanh, Chi Ma, Cốc Nam, Đồng Đăng), history and streets (the Chi Lăng battle, the Bắc
Sơn uprising, streets named Lạng Sơn / Chi Lăng / Bắc Sơn / Tràng Định), "Lạng Sơn", rare and
common unit names, random negatives; from baomoi_more only (after the exclusions baomoi_dev holds no
eligible article of its trap pools; see the README), excluding what the Tuyên Quang draw excluded and
the Tuyên Quang sample.

`--province cao_bang` (added later, same method and seed, its own random.Random(20261207), so the five
first samples stay as they were drawn) draws sample_cao_bang.jsonl, a fourth judgement set nobody
tunes on (Lạng Sơn, looked at once, became a development set), for Cao Bằng (unchanged by the 2025
reform): pools for "Cao Bằng" on routes (quốc lộ 3 / 4A / 34, "Hà Nội - Cao Bằng", "Cao Bằng - …",
the Đồng Đăng - Trà Lĩnh expressway), the border gates (Tà Lùng, Trà Lĩnh, Sóc Giang, Lý Vạn),
tourism (thác Bản Giốc, Pác Bó, động Ngườm Ngao, the Non nước Cao Bằng geopark), history and streets
(rừng Trần Hưng Đạo, chiến dịch Biên giới, Đông Khê, streets named Cao Bằng), the common phrase
"cao bằng" (a height, found in the unfolded text: "cao bằng", "Cao bằng"), "Cao Bằng", rare and
common unit names, random negatives; from baomoi_more only (after the exclusions baomoi_dev holds no
eligible article of any of these pools), excluding what the Lạng Sơn draw excluded and the Lạng Sơn
sample.

`--province quang_ninh` (added later, same method and seed, its own random.Random(20261207), so the six
first samples stay as they were drawn) draws sample_quang_ninh.jsonl, a fifth judgement set nobody
tunes on (Cao Bằng, looked at once, became a development set), for Quảng Ninh (unchanged by the 2025
reform; coastal, industrial and touristic, unlike the six mountain provinces): pools for routes
(quốc lộ 18 / 10 / 4B with a place of the province, "Hà Nội / Hải Phòng / … - Quảng Ninh / Hạ Long /
Móng Cái", "Quảng Ninh - …", the Hạ Long - Hải Phòng, Hạ Long - Vân Đồn and Vân Đồn - Móng Cái
expressways), the border gates and trade (Móng Cái, Bắc Luân, Hoành Mô, Bắc Phong Sinh, Ka Long),
tourism and landmarks (vịnh Hạ Long, Bái Tử Long, Yên Tử, Bãi Cháy, Tuần Châu, Cô Tô, Quan Lạn, sân
bay Vân Đồn), coal and industry (Vinacomin / TKV, "than Quảng Ninh", the mines and plants of Cẩm Phả,
Uông Bí, Mạo Khê, Mông Dương, Vàng Danh, Hòn Gai), history and streets (the Bạch Đằng battles, streets
named Hạ Long / Quảng Ninh), "Quảng Ninh" elsewhere (huyện Quảng Ninh of Quảng Bình, lists naming
both), "Quảng Ninh", rare and common unit names, random negatives; from baomoi_more only (all of
baomoi_dev is among the excluded ids), excluding what the Cao Bằng draw excluded and the Cao Bằng
sample.

`--province thanh_hoa` (added later, same method and seed, its own random.Random(20261207), so the seven
first samples stay as they were drawn) draws sample_thanh_hoa.jsonl, a sixth judgement set nobody
tunes on (Quảng Ninh, looked at once, became a development set), for Thanh Hóa (unchanged by the 2025
reform; a large north-central coastal province): pools for the football club (FLC / Đông Á Thanh Hóa,
playing everywhere), routes (quốc lộ 1A / 45 / 47 / 217 / 10 with a place of the province, "Hà Nội /
Ninh Bình / Nghệ An / Sài Gòn … - Thanh Hóa / Sầm Sơn / Nghi Sơn", "Thanh Hóa - …", the North-South
expressway and railway), industry (the Nghi Sơn refinery and economic zone, xi măng Bỉm Sơn / Nghi
Sơn), tourism and landmarks (Sầm Sơn, Hải Tiến, Pù Luông, Thành nhà Hồ, Lam Kinh, suối cá Cẩm
Lương, Bến En), the Đông Sơn culture and its bronze drums, history and streets (the Lam Sơn and Bà
Triệu uprisings, the Lê dynasty, Hàm Rồng, streets named Thanh Hóa / Bà Triệu / Lê Lợi / Lam Sơn),
namesakes (communes called Thanh Hóa elsewhere, Hàm Rồng of Sa Pa and Cà Mau), the old spelling
"Thanh Hoá" (found in no article), "Thanh Hóa", rare and common unit names, random negatives; from
baomoi_more only (all of baomoi_dev is among the excluded ids), excluding what the Quảng Ninh draw
excluded and the Quảng Ninh sample.

`--province nghe_an` (added later, same method and seed, its own random.Random(20261207), so the eight
first samples stay as they were drawn) draws sample_nghe_an.jsonl, a seventh judgement set nobody
tunes on (Thanh Hóa, looked at once, became a development set), for Nghệ An (unchanged by the 2025
reform; north-central, bordering Laos): pools for the football club (Sông Lam Nghệ An, SLNA), routes
(quốc lộ 1A / 7 / 46 / 48 / 15 with a place of the province, "Hà Nội / Thanh Hóa / Sài Gòn … - Nghệ
An / Vinh / Cửa Lò", "Nghệ An / Vinh - …", the expressway, đường Hồ Chí Minh, railway, airport and
border gates), the lower-case spelling "Nghệ an" / "nghệ an" as written (also "công nghệ an ninh"),
Hồ Chí Minh's home (Nam Đàn, Kim Liên, làng Sen), Nghệ Tĩnh / xứ Nghệ / ví giặm, tourism (Cửa Lò,
Pù Mát, đền Cuông …), brands and industry (TH true MILK, xi măng Hoàng Mai, VSIP, cam Vinh), labour
migrants, Hoàng Mai (Hà Nội's district and Nghệ An's town), other namesakes (Kỳ Sơn of Hòa Bình, Kim
Liên of Hà Nội, Nghi Xuân of Hà Tĩnh, streets), the city of Vinh, Vinh as a person's name, "Nghệ
An", rare and common unit names, random negatives; from baomoi_more only (all of baomoi_dev is among
the excluded ids), excluding what the Thanh Hóa draw excluded and the Thanh Hóa sample.

`--province dak_lak` (added last, same method and seed, its own random.Random(20261207), so the nine
first samples stay as they were drawn) draws sample_dak_lak.jsonl, an eighth judgement set nobody
tunes on, drawn right after Nghệ An, for today's Đắk Lắk (legacy Đắk Lắk + legacy Phú Yên, merged 1
July 2025): pools for the football clubs (Đắk Lắk, Phú Yên), coffee (cà phê Buôn Ma Thuột, Trung
Nguyên, the coffee festival), routes (quốc lộ 1A / 14 / 19C / 25 / 26 / 27 / 29 with a place of the
province, "Sài Gòn / Nha Trang / Gia Lai … - Đắk Lắk / Buôn Ma Thuột / Phú Yên / Tuy Hòa", the
expressway, railway, airports and the passes Cù Mông and Cả), other spellings (Đắc Lắc, Daklak, Dak
Lak, Đăk Lăk, Ban Mê Thuột …), Đắk Nông (another province), the Krông names, "Tây Nguyên", tourism
of the old Phú Yên (Gành Đá Đĩa, Mũi Điện, đầm Ô Loan …) and of the highlands (Buôn Đôn, hồ Lắk, Yok
Đôn …), history and streets (the 1975 Buôn Ma Thuột victory), security (FULRO, Đê Ga, Cư Kuin),
namesakes (Phú Hòa, Sông Cầu), "Buôn Ma Thuột", "Tuy Hòa", "Đắk Lắk", "Phú Yên", rare and common
unit names, random negatives; from baomoi_more only (all of baomoi_dev is among the excluded ids),
excluding what the Nghệ An draw excluded and the Nghệ An sample.

`--province an_giang` (added later, same method and seed, its own random.Random(20261207), so the ten
first samples stay as they were drawn) draws sample_an_giang.jsonl, a ninth judgement set nobody
tunes on, drawn after Nghệ An and Đắk Lắk became development sets, for today's An Giang (legacy An
Giang + legacy Kiên Giang, merged 1 July 2025): pools for the football clubs, nước mắm Phú Quốc, cá
tra / cá basa, routes (quốc lộ 80 / 91 / 63 / 61 / N1 with a place of the province, "Sài Gòn / Cần
Thơ … - Rạch Giá / Long Xuyên / Phú Quốc …", the expressway, ships, ferries and flights), other
spellings, Côn Đảo (another province's island), Bảy Núi and Bà Chúa Xứ, the islands and Phú Quốc's
and Hà Tiên's sights, U Minh (Cà Mau's and the province's), the border gates, floods (mùa nước nổi,
Vàm Nao), the Mekong Delta as a region, religion and history (Hòa Hảo, Ba Chúc, Nguyễn Trung Trực,
streets), the Khmer, Châu Thành (a district in ten provinces), namesakes (Phú Hòa, Tân Hiệp, Hội
An, Cô Tô, Chi Lăng …), "Phú Quốc", the four cities, "An Giang", "Kiên Giang", rare and common unit
names, random negatives; from baomoi_more only (all of baomoi_dev is among the excluded ids),
excluding what the Đắk Lắk draw excluded and the Đắk Lắk sample.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import random
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[3] / "shared" / "data"
MORE = DATA / "baomoi_more" / "articles.jsonl.gz"
DEV = DATA / "baomoi_dev" / "articles.jsonl"
SEED = 20261207
COMMON_DF = 10  # a unit name found in this many baomoi_more articles or more is a common phrase

Article = dict[str, str]

# old-style tone placement at the end of a syllable ("hoà", "thuỷ") -> new style ("hòa", "thủy")
_TONE = {"oá": "óa", "oà": "òa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oé": "óe", "oè": "òe",
         "oẻ": "ỏe", "oẽ": "õe", "oẹ": "ọe", "uý": "úy", "uỳ": "ùy", "uỷ": "ủy", "uỹ": "ũy",
         "uỵ": "ụy"}
_TONE_RE = re.compile("(" + "|".join(_TONE) + r")(?!\w)")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold()
    return _TONE_RE.sub(lambda m: _TONE[m.group(1)], text)


def word(name: str) -> str:
    return r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)"


def matchers(names: set[str]) -> dict[str, tuple[str, re.Pattern[str]]]:
    """name -> (folded literal for a fast substring test, whole-word regex)."""
    return {n: (fold(n), re.compile(word(n))) for n in names}


def unit_names(csv_name: str) -> set[str]:
    names: set[str] = set()
    with open(HERE / csv_name, encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            names.update(n for n in (row["district_name"], row["ward_name"]) if n)
    return names


class Corpus:
    def __init__(self, path: Path, source: str) -> None:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            self.articles = [json.loads(line) for line in handle]
        for article in self.articles:
            article["source"] = source
        self.folded = {a["id"]: fold(a["title"] + "\n" + a["text"]) for a in self.articles}

    def matching(self, pattern: str) -> list[Article]:
        regex = re.compile(pattern)
        return [a for a in self.articles if regex.search(self.folded[a["id"]])]

    def names_in(self, article: Article, names: dict[str, tuple[str, re.Pattern[str]]]) -> set[str]:
        text = self.folded[article["id"]]
        return {name for name, (literal, regex) in names.items()
                if literal in text and regex.search(text)}


def round_robin(rnd: random.Random, by_name: dict[str, list[Article]], size: int,
                taken: set[str]) -> list[Article]:
    """Up to `size` articles, one name at a time, so that many different names are represented."""
    queues = {n: rnd.sample(arts, len(arts)) for n, arts in sorted(by_name.items())}
    order = sorted(queues)
    rnd.shuffle(order)
    picked: list[Article] = []
    while len(picked) < size and any(queues.values()):
        for name in order:
            queue = queues[name]
            while queue and queue[0]["id"] in taken:
                queue.pop(0)
            if queue and len(picked) < size:
                article = queue.pop(0)
                picked.append(article)
                taken.add(article["id"])
    return picked


OWN_NAMES = {"Điện Biên", "Điện Biên Phủ", "Lào Cai", "Yên Bái", "Sa Pa"}


def draw_province(rnd: random.Random, more: Corpus, province: str, units_csv: str,
                  pools: list[tuple[str, int, Callable[[Corpus], list[Article]]]],
                  extra: Callable[[set[str]], list[tuple[Article, str]]] | None,
                  random_negatives: int, own: set[str] = OWN_NAMES,
                  exclude: frozenset[str] = frozenset()) -> list[tuple[Article, str]]:
    """`own`: names with pools of their own, left out of the unit-name pools and the negatives;
    `exclude`: ids never drawn (articles of other sets)."""
    print(f"== {province}")
    chosen: list[tuple[Article, str]] = []
    taken: set[str] = set(exclude)
    for name, size, find in pools:
        pool = [a for a in find(more) if a["id"] not in taken]
        picked = rnd.sample(pool, min(size, len(pool)))
        chosen += [(a, name) for a in picked]
        taken.update(a["id"] for a in picked)
        print(f"{name:22} pool {len(pool):5}  drawn {len(picked)}")
    # unit names other than the province names themselves, split by how common they are
    names = matchers(unit_names(units_csv) - own)
    df: dict[str, int] = {n: 0 for n in names}
    hits: dict[str, set[str]] = {}
    for article in more.articles:
        found = more.names_in(article, names)
        hits[article["id"]] = found
        for n in found:
            df[n] += 1
    rare: list[Article] = []
    common: dict[str, list[Article]] = {}
    for article in more.articles:
        found = hits[article["id"]]
        if not found or article["id"] in taken:
            continue
        if any(df[n] < COMMON_DF for n in found):
            rare.append(article)
        else:
            for n in found:
                common.setdefault(n, []).append(article)
    picked = rnd.sample(rare, min(25, len(rare)))
    chosen += [(a, "unit_name_rare") for a in picked]
    taken.update(a["id"] for a in picked)
    print(f"{'unit_name_rare':22} pool {len(rare):5}  drawn {len(picked)}")
    picked = round_robin(rnd, common, 35, taken)
    chosen += [(a, "unit_name_common") for a in picked]
    print(f"{'unit_name_common':22} pool {len({a['id'] for v in common.values() for a in v}):5}"
          f"  drawn {len(picked)} ({len(common)} names, e.g. "
          f"{', '.join(sorted(common, key=lambda n: -df[n])[:6])})")
    if extra:
        added = extra(taken)
        chosen += added
        taken.update(a["id"] for a, _ in added)
    none = [a for a in more.articles if not hits[a["id"]] and a["id"] not in taken
            and not re.search(word(province), more.folded[a["id"]])
            and not any(re.search(word(p), more.folded[a["id"]]) for p in own)]
    picked = rnd.sample(none, random_negatives)
    chosen += [(a, "random_negative") for a in picked]
    print(f"{'random_negative':22} pool {len(none):5}  drawn {len(picked)}")
    rnd.shuffle(chosen)
    print("total", len(chosen), f"({len(exclude)} ids of other sets excluded)" if exclude else "")
    return chosen


def ids_in(path: Path, key: str = "id") -> set[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        return {json.loads(line)[key] for line in handle if line.strip()}


# every other labelled (or to-be-labelled) set of tests/data holding baomoi articles, so that the
# Sơn La judgement set holds no article anyone has looked at while tuning
OTHER_SETS = ["analysis_dev/devset.jsonl", "syndication.jsonl", "register_dev/sample.jsonl",
              "province_dev/sample_dien_bien.jsonl", "province_dev/sample_lao_cai.jsonl",
              "topics_train/sample.jsonl.gz", "sentiment_train/train.jsonl.gz",
              "sentiment_train/addendum.jsonl.gz", "sentiment_heldout/heldout.jsonl"]


SON_LA_ROUTE_PLANT = (
    r"(?:thủy điện|nhà máy thủy điện|hồ thủy điện|lòng hồ)[^.]{0,20}" + word("Sơn La")
    + r"|(?:hà nội|hòa bình|điện biên|lai châu)\s*[-–]\s*sơn la|sơn la\s*[-–]\s*(?:hà nội|hòa bình"
    r"|điện biên|lai châu)|(?:quốc lộ|ql)\.?\s*6(?!\d)[^.]{0,80}" + word("Sơn La"))


def son_la(more: Corpus) -> list[tuple[Article, str]]:
    rnd = random.Random(SEED)
    exclude = frozenset().union(*(ids_in(HERE.parent / p) for p in OTHER_SETS))
    pools: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
        # "Sơn La" on routes (Hòa Bình - Sơn La, quốc lộ 6, Hà Nội - Sơn La coaches) and as the
        # hydropower plant / reservoir, whose name is used wherever the power and the lake go
        ("son_la_route_plant", 25, lambda c: c.matching(SON_LA_ROUTE_PLANT)),
        ("son_la", 50, lambda c: c.matching(word("Sơn La"))),
        # Mộc Châu, the district and the brand (sữa Mộc Châu, Mộc Châu Milk, chè Mộc Châu)
        ("moc_chau", 20, lambda c: c.matching(word("Mộc Châu"))),
    ]

    # baomoi_dev (3,070 articles) was checked for a top-up of the two small trap pools: after the
    # exclusions it holds no route/plant and no Mộc Châu article, so the sample is baomoi_more only
    return draw_province(rnd, more, "Sơn La", "units_son_la.csv", pools, None, 25,
                         own={"Sơn La", "Mộc Châu"}, exclude=exclude)


# "Tuyên Quang" / "Hà Giang" on routes: quốc lộ 2 (Hà Nội - Vĩnh Phúc - Phú Thọ - Tuyên Quang - Hà
# Giang - Thanh Thủy border gate), "Hà Nội - Hà Giang / Tuyên Quang" coaches, "Hà Giang - …" and
# "Tuyên Quang - …" either way (the Tuyên Quang - Phú Thọ expressway), the Hà Giang loop over the
# karst plateau (cao nguyên đá)
_TQ_HG = r"(?:tuyên quang|hà giang)"
TUYEN_QUANG_ROUTE = (
    r"(?:quốc lộ|ql)\.?\s*(?:số\s*)?2(?![\d\w])[^.]{0,80}" + _TQ_HG
    + r"(?!\w)|(?<!\w)" + _TQ_HG + r"[^.]{0,80}(?:quốc lộ|ql)\.?\s*(?:số\s*)?2(?![\d\w])"
    r"|(?<!\w)(?:hà nội|phú thọ|vĩnh phúc|thái nguyên|yên bái|lào cai|cao bằng|bắc kạn|"
    r"tuyên quang|hà giang)\s*[-–]\s*" + _TQ_HG + r"(?!\w)"
    r"|(?<!\w)" + _TQ_HG + r"\s*[-–]\s*\w"
    r"|cao nguyên đá|hà giang loop|(?:cung|con) đường[^.]{0,20}hà giang")
# "Hà Giang" as a person's name: after a family name, a middle name or a title, or before an age
TUYEN_QUANG_PERSON = (
    r"(?<!\w)(?:nguyễn|trần|lê|phạm|hoàng|huỳnh|phan|vũ|võ|đặng|bùi|đỗ|ngô|dương|lý|đinh|trịnh|"
    r"thị|chị|cô|bà|bé|ca sĩ|diễn viên|nhà văn|nhà thơ|nhà báo|phóng viên|mc|btv|nữ sinh|"
    r"sinh viên|học sinh|hoa hậu|á hậu|người mẫu) hà giang(?!\w)"
    r"|(?<!\w)hà giang\s*(?:\(|,)\s*\d{1,2}\s*tuổi")
# famous places of the province (the karst plateau's districts and sights, the revolutionary base):
# Đồng Văn (also a town and an industrial park in Hà Nam), Mèo Vạc, Lũng Cú (the flag tower at the
# northern tip), Tân Trào (the 1945 base; also a commune of Hải Phòng and streets), Mã Pí Lèng pass
TUYEN_QUANG_FAMOUS = r"(?<!\w)(?:đồng văn|mèo vạc|lũng cú|tân trào|mã pí lèng)(?!\w)"


def tuyen_quang(more: Corpus) -> list[tuple[Article, str]]:
    """The Tuyên Quang judgement set (legacy Tuyên Quang + legacy Hà Giang, merged 1 July 2025),
    excluding every set of OTHER_SETS, the Sơn La judgement set, and two sets whose articles were
    read by annotators but which OTHER_SETS does not list: the genre training sample (genre_train)
    and the articles of the briefing-question labels (briefing_questions, ids under "article").
    OTHER_SETS itself is left as it was, so that the Sơn La sample is drawn as it was."""
    rnd = random.Random(SEED)
    exclude = frozenset().union(
        *(ids_in(HERE.parent / p) for p in [*OTHER_SETS, "province_dev/sample_son_la.jsonl",
                                            "genre_train/sample.jsonl"]),
        ids_in(HERE.parent / "briefing_questions" / "labels.jsonl", key="article"))
    pools: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
        ("tq_route", 20, lambda c: c.matching(TUYEN_QUANG_ROUTE)),
        ("ha_giang_person", 12, lambda c: c.matching(TUYEN_QUANG_PERSON)),
        ("tuyen_quang", 25, lambda c: c.matching(word("Tuyên Quang"))),
        ("ha_giang", 25, lambda c: c.matching(word("Hà Giang"))),
        ("famous_place", 12, lambda c: c.matching(TUYEN_QUANG_FAMOUS)),
    ]
    own = {"Tuyên Quang", "Hà Giang", "Đồng Văn", "Mèo Vạc", "Lũng Cú", "Tân Trào", "Mã Pí Lèng"}
    return draw_province(rnd, more, "Tuyên Quang", "units_tuyen_quang.csv", pools, None, 25,
                         own=own, exclude=exclude)


# "Lạng Sơn" on routes: quốc lộ 1 / 1A (Hà Nội - Bắc Giang - Lạng Sơn - Hữu Nghị), 1B, 4A, 4B,
# "Hà Nội / Bắc Giang / … - Lạng Sơn" coaches and the Bắc Giang - Lạng Sơn expressway (cao tốc),
# "Lạng Sơn - …" either way, the Hà Nội - Đồng Đăng railway
_LS = word("Lạng Sơn")
LANG_SON_ROUTE = (
    r"(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:1a|1b|1|4a|4b)(?![\d\w])[^.]{0,80}" + _LS
    + "|" + _LS + r"[^.]{0,80}(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:1a|1b|1|4a|4b)(?![\d\w])"
    r"|(?<!\w)(?:hà nội|bắc giang|bắc ninh|hải phòng|quảng ninh|cao bằng|thái nguyên|bắc kạn|"
    r"nam ninh|hữu nghị|đồng đăng)\s*[-–]\s*lạng sơn(?!\w)"
    r"|" + _LS + r"\s*[-–]\s*\w"
    r"|cao tốc[^.]{0,40}" + _LS + r"|đường sắt[^.]{0,40}(?:lạng sơn|đồng đăng)(?!\w)")
# the border gates and the goods through them, named in national trade stories: Hữu Nghị (also a
# common word, "friendship", hence only after "cửa khẩu"), Tân Thanh, Chi Ma, Cốc Nam, Đồng Đăng
LANG_SON_BORDER = (
    r"cửa khẩu[^.]{0,40}(?<!\w)(?:hữu nghị|tân thanh|chi ma|cốc nam|đồng đăng|na hình|bình nghi|"
    r"lạng sơn)(?!\w)|(?<!\w)(?:ga|ga liên vận quốc tế) đồng đăng(?!\w)")
# history and streets: the Chi Lăng battle (1427, Lê Lợi, Liễu Thăng), the Bắc Sơn uprising (1940),
# streets named Lạng Sơn / Chi Lăng / Bắc Sơn / Tràng Định in other cities
LANG_SON_HISTORY_STREET = (
    r"(?<!\w)(?:trận|chiến thắng|ải|cửa ải|phòng tuyến) chi lăng(?!\w)"
    r"|(?:liễu thăng|lê lợi)[^.]{0,60}chi lăng|chi lăng[^.]{0,60}(?:liễu thăng|lê lợi)"
    r"|khởi nghĩa bắc sơn|bắc sơn khởi nghĩa|du kích bắc sơn"
    r"|(?<!thành )(?<!\w)(?:phố|đường) (?:lạng sơn|chi lăng|bắc sơn|tràng định)(?!\w)")


def lang_son(more: Corpus) -> list[tuple[Article, str]]:
    """The Lạng Sơn judgement set (unchanged by the 2025 reform), excluding what the Tuyên Quang
    draw excluded (OTHER_SETS, the Sơn La sample, genre_train, briefing_questions) and the Tuyên
    Quang sample (now a development set)."""
    rnd = random.Random(SEED)
    exclude = frozenset().union(
        *(ids_in(HERE.parent / p) for p in [*OTHER_SETS, "province_dev/sample_son_la.jsonl",
                                            "province_dev/sample_tuyen_quang.jsonl",
                                            "genre_train/sample.jsonl"]),
        ids_in(HERE.parent / "briefing_questions" / "labels.jsonl", key="article"))
    pools: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
        ("ls_route", 20, lambda c: c.matching(LANG_SON_ROUTE)),
        ("ls_border_trade", 20, lambda c: c.matching(LANG_SON_BORDER)),
        ("ls_history_street", 12, lambda c: c.matching(LANG_SON_HISTORY_STREET)),
        ("lang_son", 40, lambda c: c.matching(word("Lạng Sơn"))),
    ]
    return draw_province(rnd, more, "Lạng Sơn", "units_lang_son.csv", pools, None, 25,
                         own={"Lạng Sơn"}, exclude=exclude)


# "Cao Bằng" on routes: quốc lộ 3 (Hà Nội - Thái Nguyên - Bắc Kạn - Cao Bằng), 4A (Lạng Sơn - Cao
# Bằng), 34 (Hà Giang - Cao Bằng), "Hà Nội / Thái Nguyên / … - Cao Bằng" coaches, "Cao Bằng - …" either
# way, the Đồng Đăng - Trà Lĩnh expressway (cao tốc)
_CB = word("Cao Bằng")
CAO_BANG_ROUTE = (
    r"(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:3|4a|34)(?![\d\w])[^.]{0,80}" + _CB
    + "|" + _CB + r"[^.]{0,80}(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:3|4a|34)(?![\d\w])"
    r"|(?<!\w)(?:hà nội|thái nguyên|bắc kạn|lạng sơn|hà giang|tuyên quang|quảng ninh|hải phòng|"
    r"bắc ninh)\s*[-–]\s*cao bằng(?!\w)"
    r"|" + _CB + r"\s*[-–]\s*\w"
    r"|cao tốc[^.]{0,40}" + _CB + r"|đồng đăng\s*[-–]\s*trà lĩnh|cao tốc[^.]{0,20}trà lĩnh")
# the border gates and the trade through them: Tà Lùng, Trà Lĩnh, Sóc Giang, Lý Vạn (and the
# province's name after "cửa khẩu")
CAO_BANG_BORDER = (
    r"cửa khẩu[^.]{0,40}(?<!\w)(?:tà lùng|trà lĩnh|sóc giang|lý vạn|thủy khẩu|pò peo|cao bằng)(?!\w)")
# tourism: thác Bản Giốc (Detian on the Chinese side), Pác Bó, động Ngườm Ngao, the UNESCO geopark
# "Non nước Cao Bằng"
CAO_BANG_TOURISM = (
    r"(?<!\w)(?:bản giốc|pác bó|ngườm ngao|non nước cao bằng)(?!\w)"
    r"|công viên địa chất[^.]{0,40}" + _CB)
# history and streets: Hồ Chí Minh's return at Pác Bó (1941; in the tourism pool), the Trần Hưng
# Đạo forest (the 1944 founding of the army), the Border campaign of 1950 (chiến dịch Biên giới, Đông
# Khê), streets named Cao Bằng in other cities
CAO_BANG_HISTORY_STREET = (
    r"rừng trần hưng đạo|chiến dịch biên giới|(?:trận|chiến thắng|cứ điểm) đông khê"
    r"|(?<!thành )(?<!\w)(?:phố|đường) cao bằng(?!\w)")
# the common phrase "cao bằng" (a height: "cao bằng …", "chiều cao bằng"), found in the text as
# written, not folded: lower-case "cao bằng", or "Cao bằng" opening a sentence
_CB_PHRASE = re.compile(r"(?<!\w)(?:cao bằng|Cao bằng)(?!\w)")


def _cb_phrase(c: Corpus) -> list[Article]:
    return [a for a in c.articles
            if _CB_PHRASE.search(unicodedata.normalize("NFC", a["title"] + "\n" + a["text"]))]


def cao_bang(more: Corpus) -> list[tuple[Article, str]]:
    """The Cao Bằng judgement set (unchanged by the 2025 reform), excluding what the Lạng Sơn draw
    excluded (OTHER_SETS, the Sơn La and Tuyên Quang samples, genre_train, briefing_questions) and
    the Lạng Sơn sample (now a development set)."""
    rnd = random.Random(SEED)
    exclude = frozenset().union(
        *(ids_in(HERE.parent / p) for p in [*OTHER_SETS, "province_dev/sample_son_la.jsonl",
                                            "province_dev/sample_tuyen_quang.jsonl",
                                            "province_dev/sample_lang_son.jsonl",
                                            "genre_train/sample.jsonl"]),
        ids_in(HERE.parent / "briefing_questions" / "labels.jsonl", key="article"))
    pools: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
        ("cb_route", 15, lambda c: c.matching(CAO_BANG_ROUTE)),
        ("cb_border_trade", 12, lambda c: c.matching(CAO_BANG_BORDER)),
        ("cb_tourism", 12, lambda c: c.matching(CAO_BANG_TOURISM)),
        ("cb_history_street", 8, lambda c: c.matching(CAO_BANG_HISTORY_STREET)),
        ("cb_phrase_trap", 15, _cb_phrase),
        ("cao_bang", 44, lambda c: c.matching(_CB)),
    ]
    # baomoi_dev was checked for a top-up of the trap pools: after the exclusions it holds no eligible
    # article of any of them (nor of "Cao Bằng"), so the sample is baomoi_more only
    return draw_province(rnd, more, "Cao Bằng", "units_cao_bang.csv", pools, None, 25,
                         own={"Cao Bằng"}, exclude=exclude)


# Quảng Ninh, the fifth judgement set (unchanged by the 2025 reform; coastal, industrial, touristic).
# "Quảng Ninh" on routes: quốc lộ 18 (Bắc Ninh - Chí Linh - Đông Triều - Uông Bí - Hạ Long - Cẩm Phả
# - Móng Cái), 10 (Hải Phòng - Quảng Yên - Uông Bí), 4B (Lạng Sơn - Tiên Yên), the expressways Hạ
# Long - Hải Phòng, Hạ Long - Vân Đồn, Vân Đồn - Móng Cái, "Hà Nội - Quảng Ninh" coaches, "Quảng Ninh
# - …" either way
_QN = word("Quảng Ninh")
_QN_PLACE = r"(?<!\w)(?:quảng ninh|hạ long|móng cái|cẩm phả|uông bí|vân đồn|quảng yên|đông triều|tiên yên)(?!\w)"
QUANG_NINH_ROUTE = (
    r"(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:18|18a|18b|10|4b)(?![\d\w])[^.]{0,80}" + _QN_PLACE
    + "|" + _QN_PLACE + r"[^.]{0,80}(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:18|18a|18b|10|4b)(?![\d\w])"
    r"|(?<!\w)(?:hà nội|hải phòng|hải dương|bắc ninh|bắc giang|lạng sơn|thái bình|nội bài)\s*[-–]\s*"
    r"(?:quảng ninh|hạ long|móng cái)(?!\w)"
    r"|" + _QN + r"\s*[-–]\s*\w"
    r"|(?<!\w)(?:hạ long|vân đồn)\s*[-–]\s*(?:hải phòng|vân đồn|móng cái|hà nội)(?!\w)"
    r"|cao tốc[^.]{0,40}" + _QN_PLACE)
# the border gates and the trade through them: Móng Cái (Bắc Luân bridge, opposite Dongxing),
# Hoành Mô (Bình Liêu, opposite Đồng Trung), Bắc Phong Sinh (Hải Hà), Ka Long
QUANG_NINH_BORDER = (
    r"cửa khẩu[^.]{0,40}(?<!\w)(?:móng cái|bắc luân|hoành mô|bắc phong sinh|ka long|quảng ninh)(?!\w)"
    r"|(?<!\w)(?:cầu bắc luân|bắc luân)(?!\w)|đông hưng[^.]{0,40}móng cái|móng cái[^.]{0,40}đông hưng")
# tourism and landmarks: vịnh Hạ Long (World Heritage; named in national and foreign stories), vịnh
# Bái Tử Long, Yên Tử (also Tây Yên Tử in Bắc Giang), Bãi Cháy, Tuần Châu, Cô Tô, Quan Lạn, Vân Đồn
# airport
QUANG_NINH_TOURISM = (
    r"vịnh hạ long|vịnh bái tử long|(?<!\w)(?:yên tử|bãi cháy|tuần châu|cô tô|quan lạn|"
    r"sân bay vân đồn|cảng hàng không[^.]{0,20}vân đồn|hòn gà chọi|hang sửng sốt|thiên cung)(?!\w)")
# coal and industry: Vinacomin / TKV, "than Quảng Ninh", the mines and power plants of Cẩm Phả, Uông
# Bí, Mạo Khê, Mông Dương, Vàng Danh, Hòn Gai
QUANG_NINH_COAL = (
    r"(?<!\w)(?:vinacomin|tkv|than quảng ninh|vùng mỏ|thợ mỏ)(?!\w)"
    r"|tập đoàn[^.]{0,30}than[^.]{0,5}(?:-|–)?\s*khoáng sản"
    r"|(?:mỏ|than|nhiệt điện|xi măng|công ty)[^.]{0,30}(?<!\w)(?:cẩm phả|uông bí|mạo khê|mông dương|"
    r"vàng danh|hòn gai|hồng gai|hà tu|hà lầm|cao sơn|quảng ninh)(?!\w)")
# history and streets: the Bạch Đằng battles (938, 1288; the stakes at Quảng Yên), streets and
# businesses named Hạ Long / Quảng Ninh in other cities (not "thành phố")
QUANG_NINH_HISTORY_STREET = (
    r"(?<!\w)(?:trận|chiến thắng|sông|bãi cọc|cọc|trận địa cọc) bạch đằng(?!\w)"
    r"|(?<!thành )(?<!\w)(?:phố|đường) (?:hạ long|quảng ninh)(?!\w)")
# "Quảng Ninh" elsewhere: huyện Quảng Ninh of Quảng Bình (a classic trap), and lists naming both
QUANG_NINH_QUANG_BINH = (
    r"huyện quảng ninh|quảng ninh\s*[,(]\s*(?:tỉnh\s*)?quảng bình"
    r"|quảng bình[^.]{0,60}" + _QN + "|" + _QN + r"[^.]{0,60}quảng bình")

# the pools, in drawing order; sizes chosen from the pool sizes (never from the articles) for about 160
QUANG_NINH_POOLS: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
    ("qn_route", 12, lambda c: c.matching(QUANG_NINH_ROUTE)),
    ("qn_border_trade", 10, lambda c: c.matching(QUANG_NINH_BORDER)),
    ("qn_tourism", 12, lambda c: c.matching(QUANG_NINH_TOURISM)),
    ("qn_coal_industry", 10, lambda c: c.matching(QUANG_NINH_COAL)),
    ("qn_history_street", 5, lambda c: c.matching(QUANG_NINH_HISTORY_STREET)),
    ("qn_quang_binh_trap", 8, lambda c: c.matching(QUANG_NINH_QUANG_BINH)),
    ("quang_ninh", 20, lambda c: c.matching(_QN)),
]


def quang_ninh(more: Corpus) -> list[tuple[Article, str]]:
    """The Quảng Ninh judgement set (unchanged by the 2025 reform), excluding what the Cao Bằng draw
    excluded (OTHER_SETS, the Sơn La, Tuyên Quang and Lạng Sơn samples, genre_train,
    briefing_questions) and the Cao Bằng sample (now a development set)."""
    rnd = random.Random(SEED)
    exclude = frozenset().union(
        *(ids_in(HERE.parent / p) for p in [*OTHER_SETS, "province_dev/sample_son_la.jsonl",
                                            "province_dev/sample_tuyen_quang.jsonl",
                                            "province_dev/sample_lang_son.jsonl",
                                            "province_dev/sample_cao_bang.jsonl",
                                            "genre_train/sample.jsonl"]),
        ids_in(HERE.parent / "briefing_questions" / "labels.jsonl", key="article"))
    # baomoi_dev was checked for a top-up of the trap pools: all its 3,070 articles are among the
    # excluded ids (its matches of the pools and of "Quảng Ninh" are all in other sets), so the
    # sample is baomoi_more only
    return draw_province(rnd, more, "Quảng Ninh", "units_quang_ninh.csv", QUANG_NINH_POOLS, None, 25,
                         own={"Quảng Ninh"}, exclude=exclude)


# Thanh Hóa, the sixth judgement set (unchanged by the 2025 reform; a large north-central coastal
# province). "Thanh Hóa" on routes: quốc lộ 1 / 1A (Ninh Bình - Bỉm Sơn - Thanh Hóa - Nghi Sơn -
# Nghệ An), 45, 47, 217, 10, the North-South expressway (cao tốc Bắc - Nam: Mai Sơn - quốc lộ 45,
# quốc lộ 45 - Nghi Sơn), the North-South railway (ga Thanh Hóa), "Hà Nội - Thanh Hóa" coaches and
# trains, "Thanh Hóa - …" either way
_TH = word("Thanh Hóa")
_TH_PLACE = r"(?<!\w)(?:thanh hóa|sầm sơn|bỉm sơn|nghi sơn|tĩnh gia|hải tiến)(?!\w)"
THANH_HOA_ROUTE = (
    r"(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:1|1a|45|47|217|10)(?![\d\w])[^.]{0,80}" + _TH_PLACE
    + "|" + _TH_PLACE + r"[^.]{0,80}(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:1|1a|45|47|217|10)(?![\d\w])"
    r"|(?<!\w)(?:hà nội|ninh bình|nam định|hòa bình|sơn la|nghệ an|vinh|hải phòng|quảng ninh|"
    r"sài gòn|tp\.? ?hcm|hồ chí minh|mai sơn)\s*[-–]\s*(?:thanh hóa|sầm sơn|nghi sơn)(?!\w)"
    r"|" + _TH + r"\s*[-–]\s*\w"
    r"|cao tốc[^.]{0,40}" + _TH_PLACE
    + r"|(?:đường sắt|tàu|ga|đoàn tàu|chuyến tàu)[^.]{0,40}" + _TH)
# industry: khu kinh tế Nghi Sơn, the Nghi Sơn refinery (Lọc hóa dầu Nghi Sơn, NSRP; national energy
# news), Nghi Sơn power plants and port, xi măng Bỉm Sơn / Nghi Sơn
THANH_HOA_INDUSTRY = (
    r"(?<!\w)(?:nsrp|lọc hóa dầu nghi sơn|lọc dầu nghi sơn)(?!\w)"
    r"|(?:lọc hóa dầu|lọc dầu|khu kinh tế|kkt|nhiệt điện|xi măng|cảng|nhà máy)[^.]{0,30}"
    r"(?<!\w)(?:nghi sơn|bỉm sơn)(?!\w)")
# tourism and landmarks: Sầm Sơn, Hải Tiến, Pù Luông, Thành nhà Hồ (World Heritage), Lam Kinh, suối
# cá Cẩm Lương, Hàm Rồng
THANH_HOA_TOURISM = (
    r"(?<!\w)(?:sầm sơn|hải tiến|pù luông|thành nhà hồ|thành tây đô|lam kinh|suối cá|cẩm lương|"
    r"bến en|hải hòa)(?!\w)")
# the Đông Sơn culture and its bronze drums (named after a village of the province, found and shown
# all over Vietnam and abroad)
THANH_HOA_DONG_SON = (
    r"văn hóa đông sơn|trống đồng đông sơn|trống đông sơn|thời đông sơn|di chỉ đông sơn"
    r"|cư dân đông sơn|người đông sơn|đồ đồng đông sơn|(?:hoa văn|thạp|thạp đồng)[^.]{0,20}đông sơn")
# history and streets: Bà Triệu, Lê Lợi and the Lam Sơn uprising, the Lê dynasty (Lam Kinh is in the
# tourism pool), the Hàm Rồng bridge battles, streets named Thanh Hóa / Bà Triệu / Lê Lợi / Lam Sơn
THANH_HOA_HISTORY_STREET = (
    r"khởi nghĩa (?:lam sơn|bà triệu)|nghĩa quân lam sơn|(?<!\w)(?:lê thái tổ|nhà hậu lê|triều hậu lê)(?!\w)"
    r"|(?:cầu|trận|chiến thắng) hàm rồng"
    r"|(?<!thành )(?<!\w)(?:phố|đường) (?:thanh hóa|bà triệu|lê lợi|lam sơn)(?!\w)")
# football: the V-League club (FLC Thanh Hóa in 2017, later Đông Á Thanh Hóa) playing everywhere
THANH_HOA_FOOTBALL = (
    r"(?<!\w)(?:flc|đông á|clb|câu lạc bộ|đội bóng|fc|đội khách|đội chủ nhà|u\d\d|u\.\d\d)\s*thanh hóa(?!\w)"
    r"|" + _TH + r"\s*fc|" + _TH + r"[^.]{0,60}v\.?\s*league|v\.?\s*league[^.]{0,60}" + _TH)
# namesakes: "Thanh Hóa" communes elsewhere, the Hàm Rồng mountain of Sa Pa (and Hàm Rồng of Cà Mau),
# xã Quảng Ninh of Quảng Xương (and Quảng Ninh the province)
THANH_HOA_NAMESAKE = (
    r"(?<!\w)(?:xã|phường|thị trấn) thanh hóa(?!\w)|núi hàm rồng"
    r"|hàm rồng[^.]{0,40}(?:sa pa|sapa|lào cai|cà mau|năm căn)"
    r"|(?<!\w)(?:sa pa|sapa|lào cai|cà mau|năm căn)[^.]{0,40}hàm rồng")
# the old-style spelling "Thanh Hoá", found in the text as written (not folded)
_TH_OLD = re.compile(r"(?<!\w)thanh hoá(?!\w)", re.IGNORECASE)


def _th_old_spelling(c: Corpus) -> list[Article]:
    return [a for a in c.articles
            if _TH_OLD.search(unicodedata.normalize("NFC", a["title"] + "\n" + a["text"]))]


# the pools, in drawing order; sizes chosen from the pool sizes (never from the articles) for about 160
THANH_HOA_POOLS: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
    ("th_football", 10, lambda c: c.matching(THANH_HOA_FOOTBALL)),
    ("th_route", 12, lambda c: c.matching(THANH_HOA_ROUTE)),
    ("th_industry", 5, lambda c: c.matching(THANH_HOA_INDUSTRY)),
    ("th_tourism", 10, lambda c: c.matching(THANH_HOA_TOURISM)),
    ("th_dong_son_trap", 3, lambda c: c.matching(THANH_HOA_DONG_SON)),
    ("th_history_street", 8, lambda c: c.matching(THANH_HOA_HISTORY_STREET)),
    ("th_namesake", 1, lambda c: c.matching(THANH_HOA_NAMESAKE)),
    ("th_old_spelling", 5, _th_old_spelling),  # matches no article of baomoi_more or baomoi_dev
    ("thanh_hoa", 26, lambda c: c.matching(_TH)),
]


def thanh_hoa_exclude() -> frozenset[str]:
    """What the Quảng Ninh draw excluded plus the Quảng Ninh sample (now a development set)."""
    return frozenset().union(
        *(ids_in(HERE.parent / p) for p in [*OTHER_SETS, "province_dev/sample_son_la.jsonl",
                                            "province_dev/sample_tuyen_quang.jsonl",
                                            "province_dev/sample_lang_son.jsonl",
                                            "province_dev/sample_cao_bang.jsonl",
                                            "province_dev/sample_quang_ninh.jsonl",
                                            "genre_train/sample.jsonl"]),
        ids_in(HERE.parent / "briefing_questions" / "labels.jsonl", key="article"))


def thanh_hoa(more: Corpus) -> list[tuple[Article, str]]:
    """The Thanh Hóa judgement set (unchanged by the 2025 reform), excluding what the Quảng Ninh draw
    excluded (OTHER_SETS, the Sơn La, Tuyên Quang, Lạng Sơn and Cao Bằng samples, genre_train,
    briefing_questions) and the Quảng Ninh sample (now a development set)."""
    rnd = random.Random(SEED)
    # baomoi_dev was checked for a top-up of the trap pools: all its 3,070 articles are among the
    # excluded ids (its matches of the pools and of "Thanh Hóa" are all in other sets), so the sample
    # is baomoi_more only
    return draw_province(rnd, more, "Thanh Hóa", "units_thanh_hoa.csv", THANH_HOA_POOLS, None, 25,
                         own={"Thanh Hóa"}, exclude=thanh_hoa_exclude())


# Nghệ An, the seventh judgement set (unchanged by the 2025 reform; a large north-central province
# bordering Laos). The football club (Sông Lam Nghệ An, SLNA) plays everywhere: its pool comes first,
# so that match reports "SLNA - …" fill it rather than the route pool
_NA = word("Nghệ An")
NGHE_AN_FOOTBALL = (
    r"(?<!\w)slna(?!\w)|sông lam nghệ an"
    r"|(?<!\w)(?:clb|câu lạc bộ|đội bóng|fc|đội khách|đội chủ nhà|u\d\d|u\.\d\d)\s*(?:sông lam\s*)?nghệ an(?!\w)"
    r"|" + _NA + r"[^.]{0,60}v\.?\s*league|v\.?\s*league[^.]{0,60}(?:" + _NA + r"|sông lam)"
    r"|sông lam[^.]{0,60}v\.?\s*league")
# routes: quốc lộ 1 / 1A (Thanh Hóa - Hoàng Mai - Diễn Châu - Vinh - Hà Tĩnh), 7 (Diễn Châu - Nậm Cắn,
# to Laos), 46, 48, 15, đường Hồ Chí Minh, the North-South expressway and railway (ga Vinh), Vinh
# airport, "Hà Nội - Vinh" coaches and trains, "Nghệ An - …" either way, the border gates to Laos
_NA_PLACE = (r"(?<!\w)(?:nghệ an|vinh|cửa lò|diễn châu|quỳnh lưu|hoàng mai|yên thành|đô lương|nam đàn|"
             r"nghi lộc|thái hòa|nghĩa đàn|quỳ hợp|con cuông|tương dương|kỳ sơn)(?!\w)")
_NA_END = r"(?:nghệ an|vinh|cửa lò)(?!\w)"
NGHE_AN_ROUTE = (
    r"(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:1|1a|7|7a|46|48|15|15a)(?![\d\w])[^.]{0,80}" + _NA_PLACE
    + "|" + _NA_PLACE + r"[^.]{0,80}(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:1|1a|7|7a|46|48|15|15a)(?![\d\w])"
    r"|(?<!\w)(?:hà nội|thanh hóa|hà tĩnh|quảng bình|huế|đà nẵng|hải phòng|sài gòn|tp\.? ?hcm|"
    r"hồ chí minh|buôn ma thuột|đắk lắk|lâm đồng|đà lạt|nha trang|bình dương|đồng nai)\s*[-–]\s*"
    + _NA_END + r"|(?<!\w)" + _NA_END + r"\s*[-–]\s*\w"
    r"|cao tốc[^.]{0,40}" + _NA_PLACE + r"|đường hồ chí minh[^.]{0,60}" + _NA_PLACE
    + r"|(?:đường sắt|tàu|ga|đoàn tàu|chuyến tàu|sân bay|cảng hàng không)[^.]{0,40}(?:" + _NA + r"|vinh(?!\w))"
    r"|cửa khẩu[^.]{0,30}(?:nậm cắn|thanh thủy|nghệ an)")
# Hồ Chí Minh's home district and village: Nam Đàn, Kim Liên (also a ward of Hà Nội), làng Sen,
# Hoàng Trù, national commemorations
NGHE_AN_HOMETOWN = (
    r"(?<!\w)(?:kim liên|làng sen|hoàng trù|nam đàn)(?!\w)"
    r"|quê (?:hương|nội|ngoại)[^.]{0,20}(?:của )?(?:bác hồ|bác|chủ tịch hồ chí minh)(?!\w)")
# the old joint province and the cultural region: Nghệ Tĩnh (Xô viết Nghệ Tĩnh 1930-31, history
# stories nationwide), ví giặm Nghệ Tĩnh (UNESCO), xứ Nghệ
NGHE_AN_NGHE_TINH = r"(?<!\w)(?:nghệ tĩnh|xứ nghệ|ví giặm|ví dặm|ví,\s*giặm|ví,\s*dặm|dân ca ví)(?!\w)"
# tourism and landmarks: Cửa Lò beach (a ward of Vinh since 2024), Cửa Hội, Bãi Lữ, Pù Mát, the
# Quỳnh and Diễn Thành beaches, đền Cuông, đền Ông Hoàng Mười, Đảo chè Thanh Chương
NGHE_AN_TOURISM = (
    r"(?<!\w)(?:cửa lò|cửa hội|bãi lữ|pù mát|pù hoạt|biển quỳnh|quỳnh bảng|diễn thành|đền cuông|"
    r"ông hoàng mười|đảo chè|khe kèm)(?!\w)")
# brands, industry and produce: TH true MILK (Nghĩa Đàn), xi măng Hoàng Mai, the Đông Nam economic
# zone, VSIP Nghệ An, Cửa Lò port, cam Vinh
NGHE_AN_BRAND = (
    r"(?<!\w)(?:th true ?milk|tập đoàn th|sữa th|vsip nghệ an|cam vinh|cam xã đoài)(?!\w)"
    r"|(?:xi măng|khu kinh tế|kkt|cảng|nhà máy|bia)[^.]{0,20}(?<!\w)(?:hoàng mai|đông nam nghệ an|"
    r"cửa lò|nghệ an|đô lương|anh sơn)(?!\w)")
# migrants working abroad (Nghệ An is a large source of labour migration, legal and not)
NGHE_AN_MIGRANT = (
    r"(?:xuất khẩu lao động|lao động[^.]{0,30}(?:nước ngoài|trái phép|bất hợp pháp)|đi lao động)[^.]{0,80}"
    + _NA + r"|" + _NA + r"[^.]{0,80}(?:xuất khẩu lao động|lao động[^.]{0,30}(?:nước ngoài|trái phép|"
    r"bất hợp pháp)|đi lao động)|(?<!\w)essex(?!\w)")
# Hoàng Mai: a district of Hà Nội and a town (since 2025 a ward) of Nghệ An
NGHE_AN_HOANG_MAI = r"(?<!\w)hoàng mai(?!\w)"
# other namesakes: Kỳ Sơn of Hòa Bình (a former district), Kim Liên of Hà Nội, Nghi Xuân of Hà Tĩnh,
# communes called Nghệ An, streets named Nghệ An / Vinh / Xô viết Nghệ Tĩnh
NGHE_AN_NAMESAKE = (
    r"kỳ sơn[^.]{0,40}hòa bình|hòa bình[^.]{0,40}kỳ sơn|phường kim liên|kim liên[^.]{0,30}(?:đống đa|hà nội)"
    r"|nghi xuân[^.]{0,40}hà tĩnh|hà tĩnh[^.]{0,40}nghi xuân|(?<!\w)(?:xã|phường|thị trấn) nghệ an(?!\w)"
    r"|(?<!thành )(?<!\w)(?:phố|đường) (?:nghệ an|xô viết nghệ tĩnh)(?!\w)")
# "Vinh", the city, named without the province
NGHE_AN_VINH = (
    r"(?<!\w)(?:thành phố vinh|tp\.?\s*vinh|tp vinh|đại học vinh|trường đại học vinh|bến thủy|"
    r"vinh\s*\(nghệ an\)|vinh,\s*nghệ an)(?!\w)")
# "Vinh" as a person's name (after a family or middle name, or a title)
NGHE_AN_VINH_PERSON = (
    r"(?<!\w)(?:ông|anh|chị|bà|em|cháu|bé|cụ|thầy|cô|quang|thành|xuân|công|văn|thế|hữu|đức|ngọc|"
    r"trọng|trung|hoàng|nguyễn|trần|lê|phạm) vinh(?!\w)")
# the spelling "Nghệ an" / "nghệ an" in the text as written (not folded): the province typed in lower
# case, and phrases such as "công nghệ an ninh" / "công nghệ an toàn" that fold to the province's name
_NA_SPELLING = re.compile(r"(?<!\w)(?:Nghệ an|nghệ an|nghệ An)(?!\w)")


def _na_spelling(c: Corpus) -> list[Article]:
    return [a for a in c.articles
            if _NA_SPELLING.search(unicodedata.normalize("NFC", a["title"] + "\n" + a["text"]))]


# the pools, in drawing order; sizes chosen from the pool sizes (never from the articles) for about 160
NGHE_AN_POOLS: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
    ("na_football", 8, lambda c: c.matching(NGHE_AN_FOOTBALL)),
    ("na_route", 9, lambda c: c.matching(NGHE_AN_ROUTE)),
    ("na_spelling_phrase", 5, _na_spelling),
    ("na_hometown", 5, lambda c: c.matching(NGHE_AN_HOMETOWN)),
    ("na_nghe_tinh", 5, lambda c: c.matching(NGHE_AN_NGHE_TINH)),
    ("na_tourism", 5, lambda c: c.matching(NGHE_AN_TOURISM)),
    ("na_brand", 3, lambda c: c.matching(NGHE_AN_BRAND)),
    ("na_migrant", 3, lambda c: c.matching(NGHE_AN_MIGRANT)),
    ("na_hoang_mai", 5, lambda c: c.matching(NGHE_AN_HOANG_MAI)),
    ("na_namesake", 3, lambda c: c.matching(NGHE_AN_NAMESAKE)),
    ("na_vinh", 4, lambda c: c.matching(NGHE_AN_VINH)),
    ("na_vinh_person", 2, lambda c: c.matching(NGHE_AN_VINH_PERSON)),
    ("nghe_an", 18, lambda c: c.matching(_NA)),
]


def nghe_an_exclude() -> frozenset[str]:
    """What the Thanh Hóa draw excluded plus the Thanh Hóa sample (now a development set)."""
    return thanh_hoa_exclude() | ids_in(HERE / "sample_thanh_hoa.jsonl")


def nghe_an(more: Corpus) -> list[tuple[Article, str]]:
    """The Nghệ An judgement set (unchanged by the 2025 reform), excluding what the Thanh Hóa draw
    excluded and the Thanh Hóa sample (now a development set)."""
    rnd = random.Random(SEED)
    # baomoi_dev was checked for a top-up of the trap pools (see the README)
    return draw_province(rnd, more, "Nghệ An", "units_nghe_an.csv", NGHE_AN_POOLS, None, 25,
                         own={"Nghệ An"}, exclude=nghe_an_exclude())


# Đắk Lắk, the eighth judgement set: since 1 July 2025 legacy Đắk Lắk (Central Highlands) + legacy Phú
# Yên (coast). The football clubs first (Đắk Lắk, Phú Yên), then coffee (cà phê Buôn Ma Thuột, Trung
# Nguyên, sold everywhere), so that "… - Đắk Lắk" match reports and "cà phê Buôn Ma Thuột" fill those
# pools rather than the route pool
_DL_NAMES = r"(?:đắk lắk|buôn ma thuột|phú yên|tuy hòa)"
_DL = word("Đắk Lắk")
DAK_LAK_FOOTBALL = (
    r"(?<!\w)(?:clb|câu lạc bộ|đội bóng|fc|đội khách|đội chủ nhà|u\d\d|u\.\d\d)\s*(?:cà phê\s*)?"
    + _DL_NAMES + r"(?!\w)|" + _DL_NAMES + r"(?!\w)[^.]{0,60}(?:v\.?\s*league|hạng nhất|hạng nhì)"
    r"|(?:v\.?\s*league|hạng nhất|hạng nhì)[^.]{0,60}(?<!\w)" + _DL_NAMES + r"(?!\w)")
DAK_LAK_COFFEE = (
    r"cà phê (?:buôn ma thuột|ban mê|đắk lắk|daklak|dak lak)|(?<!\w)trung nguyên(?!\w)"
    r"|(?:lễ hội|festival|hội chợ) cà phê|thủ phủ cà phê|bảo tàng thế giới cà phê|thế giới cà phê")
# routes: quốc lộ 14 (Gia Lai - Buôn Ma Thuột - Đắk Nông), 26 (Khánh Hòa - Buôn Ma Thuột), 27 (to Lâm
# Đồng), 29 (Phú Yên - Đắk Lắk), 25 (Tuy Hòa - Gia Lai), 19C, 1A through Phú Yên, the passes (Cù Mông,
# Đèo Cả, Phượng Hoàng), the Khánh Hòa - Buôn Ma Thuột expressway, coaches, trains and flights
_DL_PLACE = (r"(?<!\w)(?:đắk lắk|buôn ma thuột|phú yên|tuy hòa|sông cầu|tuy an|đông hòa|ea h'leo|"
             r"krông búk|krông pắc|m'đrắk|ea kar|buôn hồ|krông bông|lắk|sơn hòa|sông hinh)(?!\w)")
DAK_LAK_ROUTE = (
    r"(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:1|1a|14|19c|25|26|27|29)(?![\d\w])[^.]{0,80}" + _DL_PLACE
    + "|" + _DL_PLACE + r"[^.]{0,80}(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:1|1a|14|19c|25|26|27|29)(?![\d\w])"
    r"|(?<!\w)(?:hà nội|sài gòn|tp\.? ?hcm|hồ chí minh|nha trang|khánh hòa|gia lai|pleiku|kon tum|"
    r"đắk nông|gia nghĩa|đà lạt|lâm đồng|bình dương|bình phước|đồng nai|đà nẵng|quy nhơn|bình định|"
    r"nghệ an|vinh|thanh hóa|quảng ngãi|huế)\s*[-–]\s*" + _DL_NAMES + r"(?!\w)"
    r"|(?<!\w)" + _DL_NAMES + r"\s*[-–]\s*\w"
    r"|cao tốc[^.]{0,40}" + _DL_PLACE
    + r"|(?:đường sắt|tàu|ga|đoàn tàu|chuyến tàu|sân bay|cảng hàng không)[^.]{0,40}"
    r"(?<!\w)(?:buôn ma thuột|tuy hòa|phú yên|đắk lắk)(?!\w)"
    r"|(?<!\w)(?:đèo cả|hầm đèo cả|đèo cù mông|đèo phượng hoàng|đèo hà lan)(?!\w)")
# other spellings of the names: Đắc Lắc, Daklak, Dak Lak, Đăk Lăk … (folded, so any case), and Ban Mê
# Thuột / Buôn Mê Thuột / Ban Mê for Buôn Ma Thuột
DAK_LAK_SPELLING = (
    r"(?<!\w)(?:đắc lắc|đắc lắk|đắk lắc|đăk lăk|đắk lăk|đăk lắk|dak lak|daklak|dắk lắk|đaklak|"
    r"đắklắk|darlac|đắc lăk|ban mê thuột|buôn mê thuột|ban mê)(?!\w)")
# Đắk Nông: a different province (since 2025 part of Lâm Đồng), the neighbour with the same first word
DAK_LAK_DAK_NONG = (
    r"(?<!\w)(?:đắk nông|đăk nông|dak nong|đắc nông|gia nghĩa|đắk mil|đắk song|cư jút|krông nô|"
    r"tuy đức|đắk r'lấp|đắk glong)(?!\w)")
# "Krông" names: the province's districts (Krông Pắc, Krông Búk, Krông Năng, Krông A Na, Krông Bông)
# and the same word in Gia Lai (Krông Pa, Kông Chro), Đắk Nông (Krông Nô), Khánh Hòa, Quảng Trị and rivers
DAK_LAK_KRONG = r"(?<!\w)kr[ôo]ng(?!\w)"
# "Tây Nguyên": regional news (the Central Highlands, five provinces before 2025)
DAK_LAK_TAY_NGUYEN = r"(?<!\w)tây nguyên(?!\w)"
# tourism and landmarks of the old Phú Yên: Gành Đá Đĩa, Mũi Điện (Mũi Đại Lãnh), đầm Ô Loan, vịnh Xuân
# Đài, Vũng Rô, tháp Nhạn, Bãi Xép, and the film "Tôi thấy hoa vàng trên cỏ xanh" shot there
DAK_LAK_PHU_YEN_TOURISM = (
    r"(?<!\w)(?:gành đá đĩa|mũi điện|mũi đại lãnh|đầm ô loan|ô loan|vịnh xuân đài|vũng rô|tháp nhạn|"
    r"núi nhạn|bãi xép|gành đèn|hòn yến|đập đồng cam|hoa vàng trên cỏ xanh)(?!\w)")
# tourism and landmarks of the old Đắk Lắk: Buôn Đôn (elephants), hồ Lắk, Yok Đôn, the Dray Nur / Dray
# Sáp / Gia Long falls (on the Krông Nô, shared with Đắk Nông), Chư Yang Sin, the elephant race, gongs
DAK_LAK_HIGHLAND_TOURISM = (
    r"(?<!\w)(?:buôn đôn|hồ lắk|yok đôn|dray nur|dray sáp|thác gia long|chư yang sin|đua voi|"
    r"buôn ako dhông|biệt điện bảo đại|cồng chiêng)(?!\w)")
# history and streets: the Buôn Ma Thuột victory of 10 March 1975 (chiến dịch Tây Nguyên), the Buôn Ma
# Thuột prison, streets named Buôn Ma Thuột / Ban Mê / Đắk Lắk / Phú Yên / Tuy Hòa (not "thành phố")
DAK_LAK_HISTORY_STREET = (
    r"chiến thắng (?:buôn ma thuột|ban mê thuột)|giải phóng (?:buôn ma thuột|ban mê thuột)"
    r"|chiến dịch tây nguyên|nhà đày (?:buôn ma thuột|ban mê thuột)"
    r"|(?<!thành )(?<!\w)(?:phố|đường) (?:buôn ma thuột|ban mê thuột|đắk lắk|phú yên|tuy hòa)(?!\w)")
# security: FULRO, "Tin lành Đê Ga", Cư Kuin (the 2023 attack is later than the crawl)
DAK_LAK_SECURITY = r"(?<!\w)(?:fulro|đê ga|đề ga|cư kuin)(?!\w)"
# namesakes of the old Phú Yên's units: Phú Hòa (communes and wards in many provinces, a given name),
# Sông Cầu (the river of Thái Nguyên and Bắc Ninh)
DAK_LAK_NAMESAKE = r"(?<!\w)(?:phú hòa|sông cầu)(?!\w)"


# the pools, in drawing order; sizes chosen from the pool sizes (never from the articles) for about 160
DAK_LAK_POOLS: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
    ("dl_football", 3, lambda c: c.matching(DAK_LAK_FOOTBALL)),
    ("dl_coffee", 5, lambda c: c.matching(DAK_LAK_COFFEE)),
    ("dl_route", 7, lambda c: c.matching(DAK_LAK_ROUTE)),
    ("dl_spelling", 5, lambda c: c.matching(DAK_LAK_SPELLING)),
    ("dl_dak_nong", 4, lambda c: c.matching(DAK_LAK_DAK_NONG)),
    ("dl_krong", 4, lambda c: c.matching(DAK_LAK_KRONG)),
    ("dl_tay_nguyen", 4, lambda c: c.matching(DAK_LAK_TAY_NGUYEN)),
    ("dl_phu_yen_tourism", 5, lambda c: c.matching(DAK_LAK_PHU_YEN_TOURISM)),
    ("dl_highland_tourism", 4, lambda c: c.matching(DAK_LAK_HIGHLAND_TOURISM)),
    ("dl_history_street", 3, lambda c: c.matching(DAK_LAK_HISTORY_STREET)),
    ("dl_security", 2, lambda c: c.matching(DAK_LAK_SECURITY)),
    ("dl_namesake", 4, lambda c: c.matching(DAK_LAK_NAMESAKE)),
    ("dl_buon_ma_thuot", 5, lambda c: c.matching(word("Buôn Ma Thuột"))),
    ("dl_tuy_hoa", 3, lambda c: c.matching(word("Tuy Hòa"))),
    ("dak_lak", 12, lambda c: c.matching(_DL)),
    ("phu_yen", 8, lambda c: c.matching(word("Phú Yên"))),
]


def dak_lak_exclude() -> frozenset[str]:
    """What the Nghệ An draw excluded plus the Nghệ An sample (the other judgement set)."""
    return nghe_an_exclude() | ids_in(HERE / "sample_nghe_an.jsonl")


def dak_lak(more: Corpus) -> list[tuple[Article, str]]:
    """The Đắk Lắk judgement set (legacy Đắk Lắk + legacy Phú Yên, merged 1 July 2025), excluding what
    the Nghệ An draw excluded and the Nghệ An sample."""
    rnd = random.Random(SEED)
    # baomoi_dev was checked for a top-up of the trap pools (see the README)
    return draw_province(rnd, more, "Đắk Lắk", "units_dak_lak.csv", DAK_LAK_POOLS, None, 25,
                         own={"Đắk Lắk", "Phú Yên"}, exclude=dak_lak_exclude())


# An Giang, the ninth judgement set: since 1 July 2025 legacy An Giang (Long Xuyên, Châu Đốc, the
# Cambodian border) + legacy Kiên Giang (Rạch Giá, Hà Tiên, Phú Quốc, the Gulf of Thailand). The
# football clubs first, then the products sold everywhere (nước mắm Phú Quốc; cá tra / basa, national
# export news), so that "… - An Giang" match reports and product names fill those pools rather than
# the route pool
_AG_NAMES = r"(?:an giang|kiên giang|long xuyên|rạch giá|phú quốc|châu đốc|hà tiên)"
_AG = word("An Giang")
AN_GIANG_FOOTBALL = (
    r"(?<!\w)(?:clb|câu lạc bộ|đội bóng|fc|đội khách|đội chủ nhà|u\d\d|u\.\d\d)\s*"
    + _AG_NAMES + r"(?!\w)|" + _AG_NAMES + r"(?!\w)[^.]{0,60}(?:v\.?\s*league|hạng nhất|hạng nhì)"
    r"|(?:v\.?\s*league|hạng nhất|hạng nhì)[^.]{0,60}(?<!\w)" + _AG_NAMES + r"(?!\w)"
    r"|phú quốc united")
AN_GIANG_FISH_SAUCE = r"nước mắm[^.]{0,20}phú quốc|phú quốc[^.]{0,20}nước mắm"
AN_GIANG_CA_TRA = r"(?<!\w)(?:cá tra|cá basa|cá ba sa)(?!\w)"
# routes: quốc lộ 80 (Cần Thơ / Đồng Tháp - Rạch Giá - Hà Tiên), 91 (Cần Thơ - Long Xuyên - Châu Đốc),
# 63 (Rạch Giá - Cà Mau), N1 (the border road), the Châu Đốc - Cần Thơ - Sóc Trăng expressway, coaches,
# the Rạch Giá / Hà Tiên - Phú Quốc ships and the airports of Phú Quốc and Rạch Giá
_AG_PLACE = (r"(?<!\w)(?:an giang|kiên giang|long xuyên|rạch giá|phú quốc|châu đốc|hà tiên|tịnh biên|"
             r"tri tôn|tân châu|kiên lương|hòn đất|tân hiệp|giồng riềng|gò quao|an biên|an minh|"
             r"chợ mới|châu phú|thoại sơn|lộ tẻ)(?!\w)")
AN_GIANG_ROUTE = (
    r"(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:80|91|91c|63|61|n1|30)(?![\d\w])[^.]{0,80}" + _AG_PLACE
    + "|" + _AG_PLACE + r"[^.]{0,80}(?:quốc lộ|ql)\.?\s*(?:số\s*)?(?:80|91|91c|63|61|n1|30)(?![\d\w])"
    r"|(?<!\w)(?:hà nội|sài gòn|tp\.? ?hcm|hồ chí minh|cần thơ|cà mau|bạc liêu|sóc trăng|hậu giang|"
    r"đồng tháp|cao lãnh|sa đéc|vĩnh long|long an|tiền giang|mỹ tho|bến tre|trà vinh)\s*[-–]\s*"
    + _AG_NAMES + r"(?!\w)"
    r"|(?<!\w)" + _AG_NAMES + r"\s*[-–]\s*\w"
    r"|cao tốc[^.]{0,40}" + _AG_PLACE
    + r"|(?:tàu cao tốc|phà|tàu|chuyến bay|đường bay|sân bay|cảng hàng không)[^.]{0,40}"
    r"(?<!\w)(?:phú quốc|rạch giá|hà tiên|nam du|kiên hải)(?!\w)")
# other spellings of the names, folded (any case): written together, without diacritics, misspelt
# ("An Giang" has no diacritics to lose)
AN_GIANG_SPELLING = (
    r"(?<!\w)(?:angiang|an-giang|kiengiang|kiên-giang|kien giang|long xuyen|rach gia|phu quoc|"
    r"phuquoc|chau doc|ha tien|châu đôc|rạch gía|kiên gian)(?!\w)")
# Côn Đảo: another island district (Bà Rịa - Vũng Tàu, TP HCM since 2025), named with Phú Quốc
AN_GIANG_CON_DAO = r"(?<!\w)côn đảo(?!\w)"
# Bảy Núi / Thất Sơn, núi Sam, the Bà Chúa Xứ temple, núi Cấm, the Trà Sư forest, Óc Eo
AN_GIANG_BAY_NUI = (
    r"(?<!\w)(?:bảy núi|thất sơn|núi sam|bà chúa xứ|núi cấm|trà sư|óc eo|búng bình thiên|núi sập|"
    r"lăng thoại ngọc hầu|tây an cổ tự)(?!\w)")
# islands and sea tourism of the old Kiên Giang: Nam Du, Hòn Sơn, Hòn Thơm, Bãi Sao, Dinh Cậu, Hòn
# Chồng, Thạch Động, Mũi Nai, Đông Hồ, Thổ Chu / Thổ Châu, Hòn Tre
AN_GIANG_ISLANDS = (
    r"(?<!\w)(?:nam du|hòn sơn|hòn thơm|bãi sao|bãi dài|dinh cậu|hòn chồng|thạch động|mũi nai|đông hồ|"
    r"thổ chu|thổ châu|hòn tre|hòn nghệ|vinpearl phú quốc|grand world|an thới|dương đông|gành dầu)(?!\w)")
# U Minh: U Minh Thượng (Kiên Giang) and U Minh / U Minh Hạ (Cà Mau)
AN_GIANG_U_MINH = r"(?<!\w)u minh(?!\w)"
# the border with Cambodia: the gates (Tịnh Biên, Vĩnh Xương, Xà Xía, Giang Thành, Khánh Bình, Vĩnh
# Hội Đông, Long Bình), smuggling
AN_GIANG_BORDER = (
    r"cửa khẩu[^.]{0,20}(?:tịnh biên|vĩnh xương|xà xía|hà tiên|giang thành|khánh bình|vĩnh hội đông|"
    r"long bình|an giang|kiên giang)|(?<!\w)xà xía(?!\w)|(?<!\w)vĩnh xương(?!\w)")
# floods and the delta: mùa nước nổi, lũ đầu nguồn, landslides on the Hậu and Tiền rivers, Vàm Nao
AN_GIANG_FLOOD = (
    r"mùa nước nổi|lũ đầu nguồn|(?<!\w)vàm nao(?!\w)|sạt lở[^.]{0,40}(?:sông hậu|sông tiền|chợ mới|"
    r"an giang|kiên giang)")
# the Mekong Delta as a region (thirteen provinces before 2025)
AN_GIANG_DELTA = r"đồng bằng sông cửu long|(?<!\w)đbscl(?!\w)"
# religion and history: Hòa Hảo Buddhism (Phú Tân), the 1978 Ba Chúc massacre, Nguyễn Trung Trực
# (his temple in Rạch Giá; streets everywhere), the Khmer (also Sóc Trăng, Trà Vinh), Thoại Ngọc Hầu
AN_GIANG_HISTORY = (
    r"hòa hảo|huỳnh phú sổ|thảm sát ba chúc|(?<!\w)ba chúc(?!\w)|nguyễn trung trực|thoại ngọc hầu"
    r"|(?<!thành )(?<!\w)(?:phố|đường) (?:an giang|kiên giang|long xuyên|rạch giá|châu đốc|hà tiên|"
    r"phú quốc)(?!\w)")
AN_GIANG_KHMER = r"(?<!\w)khmer(?!\w)"
# Châu Thành: a district in ten provinces of the delta and the South (and one of An Giang's and of
# Kiên Giang's); the other namesakes: Phú Hòa, Tân Hiệp, Vĩnh Thạnh, Phú Tân, Hội An, Cô Tô, Chi Lăng,
# Tân An, Long Điền, Long Phú, Bình Giang
AN_GIANG_CHAU_THANH = r"(?<!\w)châu thành(?!\w)"
AN_GIANG_NAMESAKE = (
    r"(?<!\w)(?:phú hòa|tân hiệp|vĩnh thạnh|phú tân|hội an|cô tô|chi lăng|tân an|long điền|long phú|"
    r"bình giang)(?!\w)")


# the pools, in drawing order; sizes chosen from the pool sizes (never from the articles) for about
# 160; the football and fish-sauce pools turned out empty
AN_GIANG_POOLS: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
    ("ag_football", 3, lambda c: c.matching(AN_GIANG_FOOTBALL)),
    ("ag_fish_sauce", 3, lambda c: c.matching(AN_GIANG_FISH_SAUCE)),
    ("ag_ca_tra", 4, lambda c: c.matching(AN_GIANG_CA_TRA)),
    ("ag_route", 6, lambda c: c.matching(AN_GIANG_ROUTE)),
    ("ag_spelling", 3, lambda c: c.matching(AN_GIANG_SPELLING)),
    ("ag_con_dao", 3, lambda c: c.matching(AN_GIANG_CON_DAO)),
    ("ag_bay_nui", 3, lambda c: c.matching(AN_GIANG_BAY_NUI)),
    ("ag_islands", 4, lambda c: c.matching(AN_GIANG_ISLANDS)),
    ("ag_u_minh", 2, lambda c: c.matching(AN_GIANG_U_MINH)),
    ("ag_border", 3, lambda c: c.matching(AN_GIANG_BORDER)),
    ("ag_flood", 3, lambda c: c.matching(AN_GIANG_FLOOD)),
    ("ag_delta", 4, lambda c: c.matching(AN_GIANG_DELTA)),
    ("ag_history", 3, lambda c: c.matching(AN_GIANG_HISTORY)),
    ("ag_khmer", 2, lambda c: c.matching(AN_GIANG_KHMER)),
    ("ag_chau_thanh", 4, lambda c: c.matching(AN_GIANG_CHAU_THANH)),
    ("ag_namesake", 5, lambda c: c.matching(AN_GIANG_NAMESAKE)),
    ("ag_phu_quoc", 7, lambda c: c.matching(word("Phú Quốc"))),
    ("ag_cities", 4, lambda c: c.matching(
        r"(?<!\w)(?:long xuyên|châu đốc|rạch giá|hà tiên)(?!\w)")),
    ("an_giang", 10, lambda c: c.matching(_AG)),
    ("kien_giang", 8, lambda c: c.matching(word("Kiên Giang"))),
]


def an_giang_exclude() -> frozenset[str]:
    """What the Đắk Lắk draw excluded plus the Đắk Lắk sample (now a development set)."""
    return dak_lak_exclude() | ids_in(HERE / "sample_dak_lak.jsonl")


def an_giang(more: Corpus) -> list[tuple[Article, str]]:
    """The An Giang judgement set (legacy An Giang + legacy Kiên Giang, merged 1 July 2025), excluding
    what the Đắk Lắk draw excluded and the Đắk Lắk sample."""
    rnd = random.Random(SEED)
    # baomoi_dev was checked for a top-up of the trap pools (see the README)
    return draw_province(rnd, more, "An Giang", "units_an_giang.csv", AN_GIANG_POOLS, None, 25,
                         own={"An Giang", "Kiên Giang"}, exclude=an_giang_exclude())


def main() -> None:
    global MORE, DEV
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strata", type=Path, help="also write id -> stratum here (not for annotators)")
    parser.add_argument("--province", choices=["dien_bien+lao_cai", "son_la", "tuyen_quang", "lang_son",
                                 "cao_bang", "quang_ninh", "thanh_hoa", "nghe_an", "dak_lak",
                                 "an_giang"],
                        default="dien_bien+lao_cai",
                        help="which sample(s) to draw (default: the first two)")
    parser.add_argument("--data", type=Path, default=DATA,
                        help="the shared data folder (holding baomoi_more/, baomoi_dev/)")
    args = parser.parse_args()
    MORE = args.data / "baomoi_more" / "articles.jsonl.gz"
    DEV = args.data / "baomoi_dev" / "articles.jsonl"
    more = Corpus(MORE, "baomoi_more")
    if args.province == "son_la":
        write({"son_la": son_la(more)}, args.strata)
        return
    if args.province == "tuyen_quang":
        write({"tuyen_quang": tuyen_quang(more)}, args.strata)
        return
    if args.province == "lang_son":
        write({"lang_son": lang_son(more)}, args.strata)
        return
    if args.province == "cao_bang":
        write({"cao_bang": cao_bang(more)}, args.strata)
        return
    if args.province == "quang_ninh":
        write({"quang_ninh": quang_ninh(more)}, args.strata)
        return
    if args.province == "thanh_hoa":
        write({"thanh_hoa": thanh_hoa(more)}, args.strata)
        return
    if args.province == "nghe_an":
        write({"nghe_an": nghe_an(more)}, args.strata)
        return
    if args.province == "dak_lak":
        write({"dak_lak": dak_lak(more)}, args.strata)
        return
    if args.province == "an_giang":
        write({"an_giang": an_giang(more)}, args.strata)
        return
    dev = Corpus(DEV, "baomoi_dev")
    rnd = random.Random(SEED)
    db = word("Điện Biên")
    dbp = word("Điện Biên Phủ")
    dien_bien_pools: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
        # "Điện Biên" other than inside "Điện Biên Phủ": the province, its district, Điện Biên Đông,
        # and the traps "phường/phố Điện Biên" (Hà Nội)
        ("dien_bien", 55, lambda c: c.matching(db + r"(?! phủ)")),
        # only "Điện Biên Phủ": the city, the 1954 battle, "Điện Biên Phủ trên không", streets
        ("dien_bien_phu_only", 35, lambda c: c.matching(dbp)),
    ]
    db_names = unit_names("units_dien_bien.csv") | {"Mường Thanh"}

    def dien_bien_dev(taken: set[str]) -> list[tuple[Article, str]]:
        names = matchers(db_names)
        pool = [a for a in dev.matching(word("Lai Châu")) if dev.names_in(a, names)]
        # first every one that points at the pre-2004 province or its capital, then others
        old = re.compile(r"mường thanh|mường lay|điện biên phủ|lai châu \(cũ\)|lai châu cũ")
        first = [a for a in pool if old.search(dev.folded[a["id"]])]
        rest = [a for a in pool if a not in first]
        picked = first[:15] + rnd.sample(rest, max(0, min(15 - len(first), len(rest))))
        print(f"{'dev_lai_chau_neighbour':22} pool {len(pool):5}  drawn {len(picked)} (baomoi_dev; "
              f"{len(first)} naming Mường Thanh, Mường Lay or Điện Biên Phủ)")
        return [(a, "dev_lai_chau_neighbour") for a in picked]

    lc = word("Lào Cai")
    yb = word("Yên Bái")
    lao_cai_pools: list[tuple[str, int, Callable[[Corpus], list[Article]]]] = [
        # routes, border gate, railway: "Hà Nội - Lào Cai", "Nội Bài - Lào Cai", "ga Lào Cai" …
        ("lao_cai_route", 15, lambda c: c.matching(
            r"(?:hà nội|nội bài|hải phòng|côn minh)\s*[-–]\s*lào cai|lào cai\s*[-–]\s*(?:hà nội|côn minh"
            r"|hải phòng)|đường sắt[^.]{0,40}lào cai|ga lào cai|cao tốc[^.]{0,40}lào cai")),
        ("lao_cai", 35, lambda c: c.matching(lc)),
        # the 1930 uprising, Nguyễn Thái Học, "phố Yên Bái" streets
        ("yen_bai_history_street", 10, lambda c: c.matching(
            r"khởi nghĩa yên bái|nguyễn thái học[^.]{0,60}yên bái|(?<!thành )(?:phố|đường) yên bái")),
        ("yen_bai", 30, lambda c: c.matching(yb)),
        ("sa_pa", 15, lambda c: c.matching(r"(?<!\w)(?:sa pa|sapa)(?!\w)")),
    ]
    results = {
        "dien_bien": draw_province(rnd, more, "Điện Biên", "units_dien_bien.csv", dien_bien_pools,
                                   dien_bien_dev, 25),
        "lao_cai": draw_province(rnd, more, "Lào Cai", "units_lao_cai.csv", lao_cai_pools, None, 25),
    }
    write(results, args.strata)


def write(results: dict[str, list[tuple[Article, str]]], strata_path: Path | None) -> None:
    strata: dict[str, dict[str, str]] = {}
    for key, chosen in results.items():
        with open(HERE / f"sample_{key}.jsonl", "w", encoding="utf-8") as handle:
            for article, _ in chosen:
                record = {"id": article["id"], "title": article["title"], "text": article["text"],
                          "source": article["source"]}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        strata[key] = {a["id"]: s for a, s in chosen}
    if strata_path:
        strata_path.write_text(json.dumps(strata, ensure_ascii=False, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
