"""How risky a unit name of a province is, found by one method for every province (not hand-listed).

A name is *ambiguous* (it counts only with supporting context: the province named in the same
sentence, or the name typed "xã …"/"huyện …" in an article naming the province) when:

(a) the national unit data says so (``analysis.national``):
    - another province has a unit of the same name: a district-level name elsewhere for a district
      of the province ("Tân Uyên", Bình Dương), any unit elsewhere for a commune ("Tân Phong");
    - it is one letter away (added or dropped inside a syllable), without diacritics, from a place
      name that is far more frequent in real text ("Than Uyên" / "Tân Uyên", "Mường Than" / "Mường
      Thanh"): easily confused;
(b) the word statistics of real Vietnamese text say so (``data/name_stats.json``, computed once
    from the baomoi corpora by ``scripts/build_name_stats.py``): among the documents where the
    name occurs with its diacritics, it is often
    - an ordinary lower-case word ("đoàn kết", "thân thuộc", "quyết thắng");
    - a person's name (after "ông/bà/anh/chị …" or a surname: "Hồng Thu", "Phúc Khoa");
    - a street (after "đường/phố": "Lê Lợi", "Điện Biên Phủ");
    - glued into a longer frequent phrase ("nam thanh niên");
    - a firm's or a brand's name (after "khách sạn/tập đoàn/công ty …": "Mường Thanh", "Him Lam");
    - a historical event's (after "chiến thắng/chiến dịch/khởi nghĩa …": "Điện Biên Phủ", "Yên Bái").
    A name that is often a street's, a firm's or an event's is, moreover, not the place right after
    such a word ("đường Điện Biên Phủ", "khách sạn Mường Thanh"): ``Risk.false_after``.

It is *ambiguous without diacritics* when it is ambiguous, or another place folds to the same
letters ("Tam Duong": Tam Đường of Lai Châu, Tam Dương of Vĩnh Phúc).

The thresholds were chosen on Lai Châu, whose hand-checked lists (``scripts/review_ambiguity.py``
``EVERYDAY`` and ``CONFUSABLE``) are the reference, and are applied unchanged to every province
(docs/provinces.md reviews the difference).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from analysis.national import DISTRICT_TYPES, folded_index, index, name_stats
from analysis.normalize import fold

# Shares of the documents where the name occurs (with its diacritics), and the least number of such
# documents for the share to say anything.
# Chosen on Lai Châu (``scripts/review_ambiguity.py`` prints the evidence): no name its hand-checked
# gazetteer kept distinctive reaches any of them with MIN_DOCS documents or more (Mù Cả, 3 documents
# all "mù cả", is the one exception, and rightly so); the hand-listed everyday words lie at 0.42-0.97
# lower case, the hand-listed person names at 0.15-1.0 after a title. One share, the person names'
# 0.1, serves for every "used in another role" context: a person, a street, a firm, an event.
LOWER_SHARE = 0.2
PERSON_SHARE = 0.1
STREET_SHARE = 0.1
PHRASE_SHARE = 0.3
ORG_SHARE = 0.1
EVENT_SHARE = 0.1
MIN_DOCS = 3
# Confusable: a one-letter neighbour (folded) found in at least this many documents, and this many
# times as many as the name itself.
NEIGHBOUR_DOCS = 20
NEIGHBOUR_RATIO = 2.0
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Risk:
    ambiguous: bool
    ambiguous_unaccented: bool
    false_after: frozenset[str]  # "street" | "org" | "event": after such a word it is not the place
    why: tuple[str, ...]
    collisions: tuple[str, ...]  # other places with the same letters without diacritics
    namesake: bool = False  # a unit of another province has the name, or a far more frequent place is one letter away


def counts(name: str) -> dict[str, int]:
    stats = name_stats()
    values = stats["names"].get(name)
    return dict(zip(stats["fields"], values or [0] * len(stats["fields"]), strict=True))


def _edits(word: str) -> set[str]:
    """One letter added or dropped inside a syllable (not at its start): "than uyen" → "tan uyen",
    "muong than" → "muong thanh". Letters replaced, or a syllable's first letter, make different
    names too often ("ban bo" / "ban co", "ban giang" / "an giang")."""
    inside = [i for i in range(1, len(word) + 1) if word[i - 1] != " "]
    deletes = {word[:i] + word[i + 1:] for i in inside if i < len(word) and word[i] != " "}
    inserts = {word[:i] + c + word[i:] for i in inside for c in _LETTERS}
    return (deletes | inserts) - {word}


def neighbours(name: str) -> list[str]:
    """Place names one letter away without diacritics, far more frequent in real text."""
    own = counts(name)["docs"]
    folded = folded_index()
    found = []
    for edit in _edits(fold(name)):
        for other in folded.get(edit.strip(), ()):
            if len(other.split()) != len(name.split()):
                continue
            docs = counts(other)["docs"]
            if docs >= NEIGHBOUR_DOCS and docs >= NEIGHBOUR_RATIO * own:
                found.append(other)
    return sorted(set(found))


def text_reasons(name: str) -> list[str]:
    c = counts(name)
    docs, cap = c["docs"], c["cap"]
    why = []
    if c["lower"] >= MIN_DOCS and c["lower"] >= LOWER_SHARE * docs:
        why.append(f"từ thông dụng ({c['lower']}/{docs} bài viết thường)")
    if c["person"] >= MIN_DOCS and c["person"] >= PERSON_SHARE * cap:
        why.append(f"tên người ({c['person']}/{cap} bài sau ông/bà/họ)")
    if c["street"] >= MIN_DOCS and c["street"] >= STREET_SHARE * cap:
        why.append(f"tên đường phố ({c['street']}/{cap} bài sau đường/phố)")
    if c["phrase"] >= MIN_DOCS and c["phrase"] >= PHRASE_SHARE * docs:
        why.append(f"nằm trong cụm từ thông dụng ({c['phrase']}/{docs} bài)")
    kinds = false_after(name)
    if "org" in kinds:
        why.append(f"tên doanh nghiệp, thương hiệu ({c['org']}/{cap} bài sau khách sạn/tập đoàn/công ty…)")
    if "event" in kinds:
        why.append(f"tên sự kiện lịch sử ({c['event']}/{cap} bài sau chiến thắng/chiến dịch/khởi nghĩa…)")
    return why


def false_after(name: str) -> frozenset[str]:
    """The words after which ``name`` is usually not the place: a street's, a firm's, an event's."""
    c = counts(name)
    shares = {"street": STREET_SHARE, "org": ORG_SHARE, "event": EVENT_SHARE}
    return frozenset(kind for kind, share in shares.items()
                     if c.get(kind, 0) >= MIN_DOCS and c.get(kind, 0) >= share * c["cap"])


@lru_cache(maxsize=4096)
def everyday(name: str) -> bool:
    """Does real text write ``name`` as ordinary words in lower case (≥ ``LOWER_SHARE`` of its documents,
    at least ``MIN_DOCS``: "cao bằng", "as tall as"), more often than glued into a longer word (the glue
    rules already read "tương lai châu Á": Lai Châu is not such a name)?"""
    counts = name_stats()["names"].get(name)
    if counts is None:
        return False
    docs, lower, glued = counts[0], counts[2], counts[6]
    return bool(lower >= MIN_DOCS and lower >= LOWER_SHARE * docs and lower > glued)


def assess(name: str, own_provinces: frozenset[str], district: bool) -> Risk:
    """The risk of ``name``, a unit of the province formed from ``own_provinces`` (its 2025 name and
    its pre-2025 provinces); ``district``: it is (or was) a district-level unit there."""
    uses = [use for use in index().get(name, ()) if use.province not in own_provinces]
    elsewhere = sorted({use.province for use in uses if use.level == "district" or not district})
    why = []
    if elsewhere:
        why.append("cũng là tên đơn vị ở: " + ", ".join(elsewhere[:6]) + ("…" if len(elsewhere) > 6 else ""))
    why.extend(text_reasons(name))
    confused = neighbours(name)
    if confused:
        why.append("dễ nhầm với " + ", ".join(confused[:4]))
    collisions = sorted({f"{other} {use.province}" for other in folded_index().get(fold(name), ()) if other != name
                         for use in index()[other] if use.province not in own_provinces and use.level != "province"})
    return Risk(bool(why), bool(why or collisions), false_after(name), tuple(why), tuple(collisions[:8]),
                bool(elsewhere or confused))


def is_district(kind: str) -> bool:
    return kind.lower() in DISTRICT_TYPES
