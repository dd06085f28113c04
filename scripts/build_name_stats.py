"""Build ``analysis/data/name_stats.json``: how every unit name of Vietnam is used in real text.

Reads the articles of ``shared/data/baomoi_more`` and ``shared/data/baomoi_dev`` (baomoi.com, 2017;
development use only: nothing of their text is shipped) and ``analysis/data/units.json``, and
writes only derived counts:

- ``names``: for every unit or province name of two syllables or more, the number of documents
  where it occurs with its diacritics ``[docs, cap, lower, person, street, typed, phrase]``:
  any case; capitalised ("Đoàn Kết"); in lower case as ordinary words ("đoàn kết"); capitalised
  after a person's title or a surname / middle name ("ông Hồng Thu", "Nguyễn Thị Hồng Thu");
  capitalised after a street word ("đường Lê Lợi", "phố Điện Biên Phủ"); after a unit word ("xã
  Đoàn Kết");
  glued to a neighbouring syllable that forms a frequent word with it ("tương lai châu Á", "nam
  thanh niên"); capitalised after a firm's word ("khách sạn Mường Thanh", "tập đoàn Him Lam",
  "công ty …"); capitalised after an event's word ("chiến thắng Điện Biên Phủ", "khởi nghĩa Yên Bái"). Names found in no
  document are left out (all counts 0).
- ``extended_by``: for a name, the capitalised words (lower-cased) that follow it in a good share
  of its capitalised documents, making a longer proper name: "á" after "Đông Nam" (Southeast Asia);
  ``pair_after``: the capitalised words that make with the name's last syllable a pair far more
  frequent than the name: "tiên" after "Đông Triều" ("Triều Tiên", Korea), "thành" after "Bắc Yên"
  ("Yên Thành"), "hải" after "Hà Trung" (a person, "Trung Hải"). See ``EXTEND_SHARE``, ``PAIR_RATIO``.
- ``glue_before`` / ``glue_after``: for each first / last syllable of a name, the syllables that
  make a frequent word with it in lower-case text ("tương" before "lai", "á" after "châu",
  "niên" after "thanh"): a bigram seen ≥ ``GLUE_MIN`` times whose count is ≥ ``GLUE_SHARE`` of
  the rarer of its two syllables' counts.

Run once (about two minutes): ``.venv/bin/python scripts/build_name_stats.py``. ``analysis/places``
decides each name's risk from these counts and the national data (``analysis.ambiguity``).
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.normalize import normalize  # noqa: E402

# shared/ lies beside the repository (``/work/main`` → ``/work/shared``); a worktree one level deeper.
DATA = next((p / "shared" / "data" for p in ROOT.parents if (p / "shared" / "data" / "baomoi_more").is_dir()),
            ROOT.parent / "shared" / "data")
CORPORA = [DATA / "baomoi_more" / "articles.jsonl.gz", DATA / "baomoi_dev" / "articles.jsonl"]
OUT = ROOT / "analysis" / "data" / "name_stats.json"
GLUE_MIN = 50
GLUE_SHARE = 0.05
GLUE_KEEP = 40  # partners kept per syllable, most frequent first
# A capitalised word that extends a name into a longer proper name ("Đông Nam Á", "Đông Nam Bộ"):
# it follows the capitalised name in ≥ EXTEND_SHARE of the name's capitalised documents (≥ EXTEND_MIN
# documents); or it forms with the name's last syllable a capitalised pair ("Triều Tiên" after "Đông
# Triều") found in ≥ PAIR_MIN documents and ≥ PAIR_RATIO times the name's documents.
EXTEND_MIN = 3
EXTEND_SHARE = 0.2
PAIR_MIN = 20
PAIR_RATIO = 2.0

PERSON_TITLES = {"ông", "bà", "anh", "chị", "em", "cháu", "chú", "cô", "bác", "cụ", "thầy", "cậu", "mợ", "dì",
                 "thím", "bé", "nghệ", "sĩ", "nhạc", "nữ", "nam", "vợ", "chồng", "con", "mẹ", "bố", "cha"}
# Surnames and middle names that start a capitalised person's name ("Nguyễn Thị Hồng Thu").
NAME_PARTS = {"nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ",
              "ngô", "dương", "lý", "đinh", "trương", "lương", "mai", "trịnh", "đào", "lò", "lường", "thị",
              "văn", "hữu", "đức"}
STREET_WORDS = {"đường", "phố", "ngõ", "ngách", "hẻm", "lộ", "kiệt"}
UNIT_WORDS = {"xã", "huyện", "phường", "tỉnh", "trấn", "tp", "quận"}
# The word before a name that makes it a firm's or a brand's ("khách sạn Mường Thanh", "tập đoàn Him
# Lam", "công ty Sông Đà") or an event's ("chiến thắng Điện Biên Phủ", "khởi nghĩa Yên Bái").
ORG_BEFORE = {("khách", "sạn"), ("tập", "đoàn"), ("công", "ty"), ("ngân", "hàng"), ("chi", "nhánh"),
              ("thương", "hiệu"), ("tổng", "công"), ("trung", "tâm")}
EVENT_BEFORE = {("chiến", "thắng"), ("chiến", "dịch"), ("khởi", "nghĩa"), ("tinh", "thần"), ("chiến", "sĩ"),
                ("trận",), ("chiến", "trường")}
WORD = re.compile(r"\w+")
FIELDS = ("docs", "cap", "lower", "person", "street", "typed", "phrase", "org", "event")


def names_of(units: dict[str, object]) -> set[str]:
    found = set()
    for name, entry in units["provinces"].items():  # type: ignore[attr-defined]
        found.add(name)
        found.update(unit for unit, _ in entry["units"])
    for name, entry in units["legacy_provinces"].items():  # type: ignore[attr-defined]
        found.add(name)
        for district, _, wards in entry["districts"]:
            found.add(district)
            found.update(ward for ward, *_ in wards)
    return {n for n in found if len(n.split()) >= 2 and not any(c.isdigit() for c in n)}


def documents() -> list[str]:
    texts = []
    for path in CORPORA:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
            for line in handle:
                if line.strip():
                    row = json.loads(line)
                    texts.append(normalize(row["title"] + "\n" + row["text"]))
    return texts


def main() -> None:
    units = json.loads((ROOT / "analysis" / "data" / "units.json").read_text(encoding="utf-8"))
    names = {n.lower(): n for n in names_of(units)}
    lengths = sorted({len(n.split()) for n in names}, reverse=True)
    firsts = {n.split()[0] for n in names}
    texts = documents()
    unigrams: Counter[str] = Counter()
    bigrams: Counter[str] = Counter()
    # per name: the documents of each kind; and the neighbours of its occurrences
    seen: dict[str, list[set[int]]] = {}
    neighbours: list[tuple[int, str, str | None, str | None]] = []  # (doc, name, prev, next) of each occurrence
    extended: dict[str, dict[str, set[int]]] = {}  # name → capitalised next word → documents
    lasts = {n.split()[-1] for n in names}
    pairs: dict[str, set[int]] = {}  # "last next" capitalised pairs → documents
    for number, text in enumerate(texts):
        spans = [(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]
        lower = [s[0].lower() for s in spans]
        unigrams.update(w for w, (s, *_) in zip(lower, spans, strict=True) if s.islower())
        bigrams.update(f"{a} {b}" for a, b, (sa, _, ea), (sb, bb, _) in
                       zip(lower, lower[1:], spans, spans[1:], strict=False)
                       if sa.islower() and sb.islower() and text[ea:bb] == " ")
        for i, word in enumerate(lower):
            if word in lasts and i > 0 and i + 1 < len(lower) and spans[i][0][:1].isupper() \
                    and spans[i + 1][0][:1].isupper() and text[spans[i][2]:spans[i + 1][1]] == " " \
                    and text[spans[i - 1][2]:spans[i][1]] == " ":  # not a sentence's first word ("Ông Trump")
                pairs.setdefault(f"{word} {lower[i + 1]}", set()).add(number)
            if word not in firsts:
                continue
            for n in lengths:
                key = " ".join(lower[i:i + n])
                if i + n > len(lower) or key not in names:
                    continue
                original = [s[0] for s in spans[i:i + n]]
                if any(text[spans[j][2]:spans[j + 1][1]] != " " for j in range(i, i + n - 1)):
                    continue
                counts = seen.setdefault(key, [set() for _ in FIELDS])
                counts[0].add(number)
                capitalised = all(s[:1].isupper() for s in original)
                if capitalised:
                    counts[1].add(number)
                elif all(s.islower() for s in original):
                    counts[2].add(number)
                attached_before = i > 0 and text[spans[i - 1][2]:spans[i][1]] == " "
                prev = lower[i - 1] if attached_before else None
                before2 = lower[i - 2] if i > 1 and attached_before else None
                if prev is not None:
                    surname = prev in NAME_PARTS and spans[i - 1][0][:1].isupper()
                    if capitalised and (prev in PERSON_TITLES or surname):
                        counts[3].add(number)
                    if capitalised and prev in STREET_WORDS and before2 != "thành":
                        counts[4].add(number)
                    if prev in UNIT_WORDS or (prev == "phố" and before2 == "thành"):
                        counts[5].add(number)
                    if capitalised and (before2, prev) in ORG_BEFORE:
                        counts[7].add(number)
                    if capitalised and ((before2, prev) in EVENT_BEFORE or (prev,) in EVENT_BEFORE):
                        counts[8].add(number)
                end = i + n
                after = lower[end] if end < len(lower) and text[spans[end - 1][2]:spans[end][1]] == " " else None
                neighbours.append((number, key, prev, after))
                if capitalised and after is not None and spans[end][0][:1].isupper():
                    extended.setdefault(key, {}).setdefault(after, set()).add(number)
                break

    def glue(a: str, b: str) -> bool:
        count = bigrams.get(f"{a} {b}", 0)
        return count >= GLUE_MIN and count >= GLUE_SHARE * min(unigrams[a] or 1, unigrams[b] or 1)

    glue_before: dict[str, list[str]] = {}
    glue_after: dict[str, list[str]] = {}
    for name in names:
        first, last = name.split()[0], name.split()[-1]
        glue_before.setdefault(first, [])
        glue_after.setdefault(last, [])
    wanted_first = set(glue_before)
    wanted_last = set(glue_after)
    for pair, _count in bigrams.most_common():
        a, b = pair.split(" ")
        if b in wanted_first and len(glue_before[b]) < GLUE_KEEP and glue(a, b) and a not in UNIT_WORDS:
            glue_before[b].append(a)
        if a in wanted_last and len(glue_after[a]) < GLUE_KEEP and glue(a, b):
            glue_after[a].append(b)
    for doc, key, prev, after in neighbours:
        first, last = key.split()[0], key.split()[-1]
        if (prev is not None and prev in glue_before[first]) or (after is not None and after in glue_after[last]):
            seen[key][6].add(doc)
    stats = {names[k]: [len(s) for s in v] for k, v in sorted(seen.items())}
    frequent_pairs: dict[str, list[tuple[str, int]]] = {}
    for pair, docs in pairs.items():
        if len(docs) >= PAIR_MIN:
            first_word, next_word = pair.split(" ")
            frequent_pairs.setdefault(first_word, []).append((next_word, len(docs)))
    extended_by: dict[str, list[str]] = {}
    pair_after: dict[str, list[str]] = {}
    for key, counts in sorted(seen.items()):
        capitalised_docs = len(counts[1])
        words = {w for w, docs in extended.get(key, {}).items()
                 if len(docs) >= EXTEND_MIN and len(docs) >= EXTEND_SHARE * capitalised_docs}
        last = key.split()[-1]
        # the name's documents as itself: without those of its extensions ("Đông Nam Á")
        own_docs = len(counts[0] - set().union(*(extended[key][w] for w in words))) if words else len(counts[0])
        paired = {w for w, docs in frequent_pairs.get(last, ()) if docs >= PAIR_RATIO * own_docs}
        if words:
            extended_by[names[key]] = sorted(words)
        if paired - words:
            pair_after[names[key]] = sorted(paired - words)
    data = {
        "generated_by": "scripts/build_name_stats.py",
        "corpus": f"baomoi_more + baomoi_dev: {len(texts)} documents (counts of documents)",
        "fields": list(FIELDS),
        "names": stats,
        "extended_by": extended_by,
        "pair_after": pair_after,
        "glue_before": {k: v for k, v in sorted(glue_before.items()) if v},
        "glue_after": {k: v for k, v in sorted(glue_after.items()) if v},
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace('],"', '],\n"') + "\n"
    assert unicodedata.is_normalized("NFC", text)
    OUT.write_text(text, encoding="utf-8")
    print(f"{OUT}: {len(stats)} of {len(names)} names found in {len(texts)} documents; {len(text) // 1024} KiB")


if __name__ == "__main__":
    main()
