"""The Lai Châu gazetteer (``data/gazetteer.json``, built by ``scripts/build_gazetteer.py``) and the
matcher that finds its names in normalised text.

A candidate is found on the folded text (so "Lai Chau", "LAI CHÂU" and "Lai Châu" are all found) and
then checked on the original:
- the diacritics, where present, must be the name's ("Tam Dương" is not "Tam Đường");
- a name is capitalised ("Mường Tè", "MƯỜNG TÈ"), or, in lower case as posts and comments are
  typed ("lũ quét ở mường tè", "tinh lai chau"), it passes the lower-case guards (``_lower_case``):
  the province unless it is the "future" of a continent ("tương lai châu Á", "tuong lai chau a",
  "con lai châu Âu"); a unit after a unit word ("xã đoàn kết", "huyen muong te"); a distinctive unit
  with its diacritics ("mường tè"); a distinctive unit without them ("muong te") only when the text
  also names the province, since bare lower-case letters are often ordinary words ("nam xe" is
  "năm xe", "can co" is "cần có"); an ambiguous unit ("đoàn kết", "tân uyên") never untyped;
- a name without diacritics counts only if no other unit folds to the same letters;
- the match must not cut a word of the segmentation ("Tương lai châu Á" is not "Lai Châu"); text
  that is both lower case and without diacritics is not checked so (its segmentation is not
  reliable): the lower-case guards stand in;
- joined forms ("#LaiChau", "laichau.gov.vn") count as hashtags and in addresses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from analysis.normalize import fold
from analysis.segment import Token, words_inside

UNIT_WORDS = ("tỉnh", "thành phố", "tp", "tp.", "huyện", "xã", "phường", "thị trấn", "thị xã")
_UNIT_WORD_BEFORE = re.compile(r"(?<!\w)(?:tỉnh|thành phố|tp\.?|huyện|xã|phường|thị trấn|thị xã|tinh|thanh pho|huyen|xa"
                               r"|phuong|thi tran)\s+$", re.IGNORECASE)
# Lower-case "lai chau" that is not the province: "tương lai châu Á" (the future of Asia), "con lai
# châu Âu" (of European descent). Checked on the folded text around the match.
_NOT_PROVINCE_BEFORE = re.compile(r"(?<!\w)tuong\s+$")
_NOT_PROVINCE_AFTER = re.compile(r"^\s+(?:a|au|phi|my|uc|luc|mi|dai duong)(?!\w)")


@dataclass(frozen=True)
class Unit:
    name: str
    level: str  # "province" | "district" | "commune"
    types: tuple[str, ...]
    ambiguous: bool
    ambiguous_unaccented: bool
    legacy: tuple[str, ...] = ()
    current: tuple[str, ...] = ()
    maps_to: tuple[str, ...] = ()
    why: tuple[str, ...] = ()


@dataclass(frozen=True)
class Match:
    unit: Unit
    start: int
    end: int
    text: str
    form: str  # "accented" | "unaccented" | "joined"
    typed: bool  # preceded by a unit word ("huyện Tân Uyên")


@dataclass
class Gazetteer:
    province: Unit
    units: dict[str, Unit]
    other_provinces: tuple[str, ...]
    _pattern: re.Pattern[str] = field(init=False, repr=False)
    _joined: re.Pattern[str] = field(init=False, repr=False)
    _by_fold: dict[str, list[Unit]] = field(init=False, repr=False)
    _joined_by_fold: dict[str, Unit] = field(init=False, repr=False)
    _provinces_pattern: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_fold = {}
        for unit in [self.province, *self.units.values()]:
            self._by_fold.setdefault(fold(unit.name), []).append(unit)
        names = sorted(self._by_fold, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, names)) + r")(?![\w])")
        self._joined_by_fold = {fold(self.province.name).replace(" ", ""): self.province}
        for unit in self.units.values():
            if not unit.ambiguous_unaccented:
                self._joined_by_fold.setdefault(fold(unit.name).replace(" ", ""), unit)
        joined = sorted(self._joined_by_fold, key=len, reverse=True)
        # "#LaiChau", "laichau.gov.vn", "baolaichau.vn": hashtags and host names only. What precedes
        # the name in its host label is at most 63 characters (a DNS label's limit): unbounded, a long
        # run like "a-a-a-…" was rescanned from each of its letters (quadratic).
        self._joined = re.compile(r"(?:#(" + "|".join(joined) + r")(?![\w])|(?<![\w])(?:[a-z0-9-]{0,63}?)("
                                  + "|".join(joined) + r")(?=\.(?:gov\.)?vn\b|\.com\b))")
        others = sorted({fold(p) for p in self.other_provinces}, key=len, reverse=True)
        self._provinces_pattern = re.compile(r"(?<![\w])(" + "|".join(map(re.escape, others)) + r")(?![\w])")

    def count_other_provinces(self, folded_text: str) -> int:
        return len(set(self._provinces_pattern.findall(folded_text)))

    def find(self, text: str, folded: str, tokens: list[Token]) -> list[Match]:
        """All checked matches in ``text`` (normalised; ``folded`` is ``fold(text)``)."""
        inside = words_inside(tokens)
        matches: list[Match] = []
        # Lower-case unaccented units: kept if the province is named in lower case too (a writer who
        # capitalises "Lai Chau" but not "can co" means "cần có").
        needs_province: list[Match] = []
        for candidate in self._pattern.finditer(folded):
            start, end = candidate.span()
            original = text[start:end]
            for unit in self._by_fold[candidate.group(1)]:
                form = _form(original, unit.name)
                if form is None:
                    continue
                typed = bool(_UNIT_WORD_BEFORE.search(text[max(0, start - 12):start]))
                capitalised = _capitalised(original)
                verdict = "yes" if capitalised else self._lower_case(unit, original, form, typed, folded, start)
                if verdict is None:
                    continue
                if form == "unaccented" and unit.ambiguous_unaccented and not typed:
                    continue
                if capitalised and _cuts_a_word(text, start, end, inside, original):
                    continue  # "Tương lai châu Á" is [Tương lai] [châu Á], not Lai Châu
                match = Match(unit, start, end, original, form, typed)
                (needs_province if verdict == "if province" else matches).append(match)
                break
        if needs_province and any(m.unit is self.province and not _capitalised(m.text) for m in matches):
            matches.extend(needs_province)
        for candidate in self._joined.finditer(folded):
            group = 1 if candidate.group(1) else 2
            unit = self._joined_by_fold[candidate.group(group)]
            start, end = candidate.span(group)
            matches.append(Match(unit, start, end, text[start:end], "joined", False))
        matches.sort(key=lambda m: m.start)
        return matches

    def _lower_case(self, unit: Unit, original: str, form: str, typed: bool, folded: str, start: int) -> str | None:
        """May a name typed in lower case be ``unit``? "yes", "if province" (kept if the text names the
        province in lower case too) or None."""
        if typed:
            return "yes"
        if unit is self.province:
            if _NOT_PROVINCE_BEFORE.search(folded[max(0, start - 8):start]) or \
                    _NOT_PROVINCE_AFTER.match(folded[start + len(original):start + len(original) + 12]):
                return None
            return "yes"
        if unit.ambiguous or any(syllable[:1].isupper() for syllable in original.split()):
            return None  # "san Thang" in a text that capitalises names is not San Thàng
        # "accented" of a name that has no diacritics ("Pha Mu") says nothing: "pha mù tạt" typed bare.
        return "yes" if form == "accented" and not unit.name.isascii() else "if province"


def _cuts_a_word(text: str, start: int, end: int, inside: dict[int, Token], original: str) -> bool:
    """Does the span cut a segmented word in two? The segmenter sometimes glues a lower-case noun
    to a capitalised name ("thủy [điện Lai Châu]", "Sở [GD-ĐT Lai Châu]"): a Title-Case name next
    to lower-case syllables or to an upper-case abbreviation is still a name."""
    for edge in (start, end):
        word = inside.get(edge)
        if word is None:
            continue
        outside = text[word.start:start] if edge == start else text[end:word.end]
        glued = outside.islower() or (outside.strip() != "" and all(w.isupper() for w in outside.split()))
        if original.isupper() or not _capitalised(original) or not glued:
            return True
    return False


def _form(original: str, name: str) -> str | None:
    lowered = original.lower()
    if lowered == name.lower():
        return "accented"
    if original.isascii():
        return "unaccented"
    return None  # accented differently: another name


def _capitalised(original: str) -> bool:
    syllables = original.split()
    return all(s[:1].isupper() for s in syllables) or original.isupper()


def _unit(data: dict[str, Any]) -> Unit:
    types = tuple(data["types"])
    level = "district" if "huyện" in types else "commune"
    return Unit(
        name=data["name"], level=level, types=types, ambiguous=data["ambiguous"],
        ambiguous_unaccented=data["ambiguous_unaccented"], legacy=tuple(data["legacy"]),
        current=tuple(data["current"]), maps_to=tuple(data["maps_to"]), why=tuple(data["why"]),
    )


@lru_cache(maxsize=1)
def load() -> Gazetteer:
    raw = json.loads(resources.files("analysis").joinpath("data/gazetteer.json").read_text(encoding="utf-8"))
    province = Unit(name=raw["province"]["name"], level="province", types=("tỉnh",), ambiguous=False,
                    ambiguous_unaccented=False, current=("Tỉnh Lai Châu",))
    units = {u["name"]: _unit(u) for u in raw["units"]}
    return Gazetteer(province=province, units=units, other_provinces=tuple(raw["other_provinces"]))
