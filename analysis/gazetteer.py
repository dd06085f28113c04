"""The gazetteer of a province (``build(province)``: from the national unit data of
``analysis.national`` and the ambiguity of each name decided by ``analysis.ambiguity``; ``load()``
is Lai Châu's, the default) and the matcher that finds its names in normalised text.

A province's names are its 2025 name, the pre-2025 provinces merged into it ("Yên Bái" for today's
Lào Cai) and its units, legacy (districts, communes) and 2025 (communes, wards). A unit named like
the province (Thành phố Lai Châu, Thành phố Yên Bái) is covered by the province's own rules.

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
- joined forms ("#LaiChau", "laichau.gov.vn") count as hashtags and in addresses, and as one
  capitalised word ("Sapa", "SaPa");
- a name in a longer place name of another province ("Tân Uyên" in a "Tân Uyên Đông") is not found;
  a name that is often a street's, a firm's or an event's is not the place right after such a word
  ("đường Điện Biên Phủ", "khách sạn Mường Thanh", "chiến thắng Điện Biên Phủ"); the province
  name after "phường/xã" is another place unless the province has such a unit ("phường Điện Biên" is
  in Hà Nội); a lower-case name glued into a frequent longer word ("nam thanh niên", "tương lai châu
  Á") is not the place (the glue syllables come from ``data/name_stats.json``);
- the same context rules for every name (``Gazetteer._elsewhere``): any place name right after a
  street word is a street ("phở Tạo ở đường Điện Biên", Nam Định; "thành phố" is not a street word);
  after a comparison it is an image ("không khác gì Sapa"); a commune's name inside a firm's name is
  the firm's ("Công ty Vận tải Cường Thịnh"); a unit the text puts in another district or abroad
  ("huyện Mường Mươn, tỉnh Viêng Chăn") is not this one, nor a namesake the text puts in another
  province ("Tân Phong (Nghệ An)"); a name of no namesake followed by another Vietnamese province is
  left to the place (the annotators' rule R3: the text may use an old assignment);
- the province's name in lower case in a text that capitalises names is ordinary words, not the
  province: "dien bien" is "diễn biến", "cao bằng" is "as tall as"; a name glued by the segmenter to
  a number ("Lao Cai 31-33") or to the next capitalised name ("tinh Yen Bai Pham Sy Quy") is still a
  name;
- (session 33) a name the next word extends into a longer proper name by the word statistics is not
  the place ("Đông Nam Á", "Dong Trieu Tien": ``extended_by``, ``pair_after``); nor a name after a
  house number with a letter ("25A Hà Trung", not "quốc lộ 4D Lai Châu").

The province's other names (``national.other_names``, ``data/province_other_names.csv``; session 33):
a club's abbreviation ("SLNA", "HAGL"), a region's name ("xứ Nghệ", "xứ Lạng"), a city's ("Sài
thành"), a short form of the province's own ("TP.HCM") are found by a pattern of their own
(``Gazetteer.other_names``: units of level "province" with a ``kind``), whole words, with the
capitals they are written with (or all in lower case, in a text typed so, if the table allows),
without diacritics only if the table allows ("SLNA"; "xu Nghe" is often "xử nghề"); not where they
overlap a name found ("xứ Thanh Hóa"), run on into a place's name ("xứ Nghệ An" for Hà Tĩnh), a
region's before a number ("đất Tổ 9": a residents' group), after a street word or a comparison, or,
capitalised from their first word ("Hà thành"), after a person's title or surname.
``analysis.relevance`` weighs them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from analysis import national
from analysis.ambiguity import assess, everyday, false_after
from analysis.normalize import fold
from analysis.patterns import alternation
from analysis.segment import Token, words_inside

UNIT_WORDS = ("tỉnh", "thành phố", "tp", "tp.", "huyện", "xã", "phường", "thị trấn", "thị xã")
_UNIT_WORD_BEFORE = re.compile(r"(?<!\w)(?:tỉnh|thành phố|tp\.?|huyện|xã|phường|thị trấn|thị xã|tinh|thanh pho|huyen|xa"
                               r"|phuong|thi tran)\s+$", re.IGNORECASE)
# Lower-case "lai chau" that is not the province: "tương lai châu Á" (the future of Asia), "con lai
# châu Âu" (of European descent). Checked on the folded text around the match.
_NOT_PROVINCE_BEFORE = re.compile(r"(?<!\w)tuong\s+$")
_NOT_PROVINCE_AFTER = re.compile(r"^\s+(?:a|au|phi|my|uc|luc|mi|dai duong)(?!\w)")
# "phố" of "thành phố" is not a street word ("thành phố Điện Biên Phủ" is the city).
_STREET_WORD = r"(?<!\w)(?:đường|(?<!thành )(?<!thanh )phố|ngõ|ngách|hẻm|đại lộ|duong|(?<!thanh )pho|ngo)\s+$"
_FALSE_BEFORE = {
    "street": re.compile(_STREET_WORD, re.IGNORECASE),
    "org": re.compile(r"(?<!\w)(?:khách sạn|tập đoàn|công ty|ngân hàng|chi nhánh|thương hiệu|khach san|tap doan"
                      r"|cong ty)\s+$", re.IGNORECASE),
    "event": re.compile(r"(?<!\w)(?:chiến thắng|chiến dịch|khởi nghĩa|tinh thần|chiến sĩ|trận|chiến trường"
                        r"|chien thang|chien dich|khoi nghia)\s+$", re.IGNORECASE),
}
# Any place name right after a street word is a street's ("phở Tạo ở đường Điện Biên", Nam Định), unless
# a route follows ("đường Hà Nội - Lào Cai"); "đường sắt/bộ/thủy" are not street words.
_STREET_BEFORE = re.compile(_STREET_WORD, re.IGNORECASE)
_ROUTE_DASH_AFTER = re.compile(r"^\s*[-–]\s*\w")
# A house number before the name: an address, so a street ("căn nhà số 02 Điện Biên Phủ", "12/3 Yên Bái").
_HOUSE_NUMBER_BEFORE = re.compile(r"(?:(?<!\w)(?:số|so)\s+\d+\w*(?:/\d+\w*)*|(?<!\w)\d+\w*/\d+\w*)\s+$",
                                  re.IGNORECASE)
# A house number with a letter, not a road's number, before the name ("cửa hàng vàng 25A Hà Trung", a
# street of Hà Nội; session 33). Not "quốc lộ 4D Lai Châu", "QL 12A Điện Biên", "km 5A", "14B Thanh Hóa"
# of a number plate: a road, a kilometre or a plate word in the words before.
_HOUSE_LETTER_BEFORE = re.compile(r"(?<![\w./-])\d{1,4}[A-Ea-e]\s+$")
_ROAD_NUMBER_BEFORE = re.compile(r"(?<!\w)(?:quốc lộ|tỉnh lộ|lộ|ql|tl|đt|dt|km|quoc lo|tinh lo|lo|tuyến|tuyen"
                                 r"|đường|duong|biển số|bien so|bks|xe|số hiệu|so hieu|mác|mac)\W*$", re.IGNORECASE)
# A name in a comparison is an image, not the place ("không khác gì Sapa", "đẹp tựa Sa Pa").
_COMPARISON_BEFORE = re.compile(r"(?<!\w)(?:khác gì|giống|giống như|tựa|tựa như|như thể|ví như|chẳng kém|không kém"
                                r"|thua gì|kém gì|khac gi|giong|giong nhu|tua nhu|nhu the|vi nhu|thua gi|kem gi)\s+$",
                                re.IGNORECASE)
# A commune's name inside a firm's name ("Công ty Vận tải Cường Thịnh", "Công ty TNHH Him Lam"): the
# firm word, then up to four words (its legal form, its trade) that do not place it ("công ty ở …").
_FIRM_BEFORE = re.compile(r"(?<!\w)(?:công ty|cong ty|tập đoàn|tap doan|doanh nghiệp|doanh nghiep|hợp tác xã"
                          r"|khách sạn|khach san|nhà hàng|nha hang|cửa hàng|cua hang|thương hiệu|thuong hieu)"
                          r"((?:\s+\w+){0,4}?)\s+$", re.IGNORECASE)
_NOT_IN_FIRM_NAME = frozenset((
    "ở", "tại", "của", "thuộc", "trên", "trong", "xã", "huyện", "tỉnh", "phường", "thị", "trấn", "thành", "phố",
    "quận", "và", "với", "cho", "từ", "về", "đến", "ra", "vào", "lên", "xuống", "đóng", "là", "được"))
_NOT_IN_FIRM_NAME_FOLDED = frozenset(map(fold, _NOT_IN_FIRM_NAME))  # for text typed without diacritics
# The text places the name in another province or district right after it: "huyện Mường Mươn, tỉnh
# Viêng Chăn", "xã Tân Phong, huyện Quỳnh Lưu" (read on the folded text; the words must be capitalised).
_PLACED_AFTER = re.compile(r"^\s*(?:,|\(|-|–)\s*(?:(tinh|thanh pho|tp\.?|huyen|quan|thi xa)\s+)?((?:\w+\s*){1,4})")
# A person's title or role right before a name makes it a person's ("bé Thảo Nguyên", "chị Quỳnh Nhai"):
# kinship and address words, roles in a byline or a show. Read on the text as written, with its
# diacritics (without them "chi", "ba", "co" are "chỉ", "ba", "có"); "em" is left out ("chị em", "anh em").
_PERSON_BEFORE = re.compile(r"(?<!\w)(?:ông|bà|anh|chị|bé|cháu|cụ|cô|chú|bác|bạn|nữ sinh|học sinh|sinh viên|thí sinh"
                            r"|ca sĩ|nghệ sĩ|nhạc sĩ|họa sĩ|nhà báo|phóng viên|biên tập viên|tác giả|cầu thủ"
                            r"|vận động viên|người mẫu|hoa hậu|á hậu|diễn viên|MC|BTV|PV|VĐV|NSƯT|NSND)\s+$")
# A Vietnamese surname right before a name makes it a person's ("Hà Ngọc Chiến", "Trần Thảo Nguyên"). With
# diacritics the segmenter already joins most full names; without them it cannot, so the surname is
# read on the folded text too, leaving out the folded surnames that are everyday words ("Do" is also
# "because", "La" "is", "Mai" "tomorrow", "To" "big", "Ly" "cup").
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý", "Hà", "Đinh", "Trịnh", "Đoàn", "Lương", "Lò", "Cầm", "Quàng", "Giàng", "Sùng", "Thào",
            "Vàng", "Tòng", "Lường", "Nông", "Triệu", "Đào", "Cao", "Lại", "Mai", "Tạ", "Tô", "Lưu", "Chu",
            "Phùng", "Thị")  # (and "Thị", the middle name of most women's names: "Phùng Thị Hà Giang")
_SURNAME_BEFORE = re.compile(r"(?<![\w.])(?:" + "|".join(SURNAMES) + r") $")
_SURNAME_BEFORE_FOLDED = re.compile(r"(?<![\w.])(?:" + "|".join(
    sorted({fold(n).capitalize() for n in SURNAMES} - {"Do", "La", "Mai", "To", "Ly", "Cao", "Vang"})) + r") $")
# In text typed in lower case, the surnames that are no everyday word ("trần" is a ceiling, "phạm" in
# "vi phạm", "đỗ" parking), with a middle name: "ông nguyễn hà giang", "chị phùng thị hà giang"; without
# diacritics too (session 33: "chi phung thi ha giang"; not "dang", "bui": "đang", "bụi").
_LOWER_SURNAME_BEFORE = re.compile(r"(?<!\w)(?:nguyễn|nguyen|huỳnh|huynh|đặng|bùi|trịnh|trinh|phùng|phung)"
                                   r"(?: (?:thị|văn|thi|van))? $")
# The capitalised word right after a name, to see whether the name's last syllable begins another
# place's name ("Bắc Yên Thành": Yên Thành of Nghệ An, not Bắc Yên).
_NEXT_WORD = re.compile(r"^ (\w+)")
_DISTRICT_TYPED = re.compile(r"(?<!\w)(?:huyen|quan|thi xa) (\w+(?: \w+){1,3})", re.IGNORECASE)  # on folded text
# A district's name in a list of communes ("các xã Tân Tiến, Yên Sơn, Nghĩa Đô": Yên Sơn of Lào Cai, not
# the district of Tuyên Quang): the commune word, then capitalised names separated by commas.
COMMUNE_LIST_BEFORE = re.compile(r"(?<!\w)(?:xã|phường|thị trấn)\s+((?:\w+(?: \w+){0,3}\s*,\s*){1,10})$")
# A list whose places each carry their province in brackets ("Cao Bồ (Nam Định) - Mai Sơn (Ninh Bình),
# Cam Lộ (Quảng Trị) - …") places every one of them precisely: "(Ninh Bình)" there is not a slip.
_BRACKETED = re.compile(r"\(\s*([^()]{2,30}?)\s*\)")
BRACKETED_CHARS = 160
BRACKETED_LIST = 3
COMMUNE_TYPES = frozenset({"xã", "phường", "thị trấn"})  # commune-level unit types (lower case)
_COMMUNE_WORD_BEFORE = re.compile(r"(?<!\w)(?:xã|phường|quận|thị trấn|xa|phuong|quan|thi tran)\s+$", re.IGNORECASE)
# "huyện Quảng Ninh", "các huyện Lệ Thủy, Quảng Ninh": a district's word before a province's name (or
# before a list of capitalised names ending at it)
_DISTRICT_WORD_BEFORE = re.compile(r"(?<!\w)(?:huyện|huyen)\s+((?:\w+(?: \w+){0,3}\s*,\s*){0,10})$",
                                   re.IGNORECASE)
_SYLLABLE_BEFORE = re.compile(r"(\w+)\s+$")
_SYLLABLE_AFTER = re.compile(r"^\s+(\w+)")


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
    # "street" | "org" | "event": a name often a street's, a firm's or an event's is not the place
    # right after such a word ("đường Điện Biên Phủ", "khách sạn Mường Thanh").
    false_after: frozenset[str] = frozenset()
    # Another province has a unit of this name, or it is easily confused with a more frequent place:
    # context of kind (a unit word, a list of provinces) cannot tell which place is meant.
    namesake: bool = False
    # Another place has the same letters without diacritics ("Tam Duong").
    collides: bool = False
    # An other name of the province (``national.other_names``): its kind, "club" | "region" | "city" | "short";
    # "" for the province's own names and units.
    kind: str = ""
    # (other names) all in lower case, in a text typed so, it counts ("xứ nghệ"; not "đất cảng").
    lower_case: bool = True

    @property
    def also_commune(self) -> bool:
        """Is the name also one of the province's commune-level units (a district "Yên Sơn" and a "xã
        Yên Sơn")?"""
        return bool(COMMUNE_TYPES & set(self.types))


@dataclass(frozen=True)
class Match:
    unit: Unit
    start: int
    end: int
    text: str
    form: str  # "accented" | "unaccented" | "joined"
    typed: bool  # preceded by a unit word ("huyện Tân Uyên")
    # the unit word is one of the unit's own types ("thành phố Điện Biên Phủ", not "xã Điện Biên Phủ")
    typed_own: bool = False


@dataclass
class Gazetteer:
    province: Unit
    units: dict[str, Unit]
    other_provinces: tuple[str, ...]
    # The pre-2025 provinces merged into this one, matched as the province ("Yên Bái" for Lào Cai).
    aliases: tuple[Unit, ...] = ()
    # Longer place names of other provinces holding one of these names: found, then ignored.
    blockers: tuple[str, ...] = ()
    # Syllables that glue to a name's first / last syllable into a frequent word (lower case, accented).
    glue_before: dict[str, frozenset[str]] = field(default_factory=dict)
    glue_after: dict[str, frozenset[str]] = field(default_factory=dict)
    # Words that extend a name into a longer proper name (lower case, accented; session 33): after the
    # name in any case ("Đông Nam Á", "Đông Nam bộ"), or capitalised, making a far more frequent pair
    # with its last syllable ("Đông Triều Tiên", "Hà Trung Hải"). From ``data/name_stats.json``.
    extended_by: dict[str, frozenset[str]] = field(default_factory=dict)
    pair_after: dict[str, frozenset[str]] = field(default_factory=dict)
    # The province's names (its own, merged provinces') that real text writes as ordinary words in lower
    # case (≥ LOWER_SHARE of their documents: "cao bằng", "as tall as"; session 33).
    everyday_names: frozenset[str] = frozenset()
    # Unit types the province's own name has as a unit ("thành phố" Lai Châu, "huyện" Điện Biên).
    own_name_types: frozenset[str] = frozenset()
    # The pre-2004 Lai Châu rules of ``analysis.relevance`` apply (the old province of that name).
    older_namesake: bool = False
    # The province's other names ("SLNA", "xứ Nghệ"; ``national.other_names``): level "province", a kind.
    other_names: tuple[Unit, ...] = ()
    _pattern: re.Pattern[str] = field(init=False, repr=False)
    _joined: re.Pattern[str] = field(init=False, repr=False)
    _joined_word: re.Pattern[str] = field(init=False, repr=False)
    _by_fold: dict[str, list[Unit]] = field(init=False, repr=False)
    _joined_by_fold: dict[str, Unit] = field(init=False, repr=False)
    _provinces_pattern: re.Pattern[str] = field(init=False, repr=False)
    _blocked: set[str] = field(init=False, repr=False)
    # This province's 2025 name and the pre-2025 provinces merged into it.
    _own_provinces: frozenset[str] = field(init=False, repr=False)
    _glue_before_folded: dict[str, frozenset[str]] = field(init=False, repr=False)
    _glue_after_folded: dict[str, frozenset[str]] = field(init=False, repr=False)
    _extended_folded: dict[str, frozenset[str]] = field(init=False, repr=False)
    _pair_after_folded: dict[str, frozenset[str]] = field(init=False, repr=False)
    _other_by_fold: dict[str, Unit] = field(init=False, repr=False)
    _other_pattern: re.Pattern[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_fold = {}
        for unit in [self.province, *self.aliases, *self.units.values()]:
            self._by_fold.setdefault(fold(unit.name), []).append(unit)
        self._blocked = {fold(name) for name in self.blockers} - set(self._by_fold)
        self._own_provinces = frozenset({self.province.name, *(alias.name for alias in self.aliases)})
        names = sorted(set(self._by_fold) | self._blocked, key=len, reverse=True)
        self._pattern = re.compile(r"(?<![\w])(" + alternation(names) + r")(?![\w])")
        self._joined_by_fold = {fold(p.name).replace(" ", ""): p for p in (*self.aliases, self.province)}
        self._glue_before_folded = {k: frozenset(map(fold, v)) for k, v in self.glue_before.items()}
        self._glue_after_folded = {k: frozenset(map(fold, v)) for k, v in self.glue_after.items()}
        self._extended_folded = {k: frozenset(map(fold, v)) for k, v in self.extended_by.items()}
        self._pair_after_folded = {k: frozenset(map(fold, v)) for k, v in self.pair_after.items()}
        for unit in self.units.values():
            if not unit.ambiguous_unaccented:
                self._joined_by_fold.setdefault(fold(unit.name).replace(" ", ""), unit)
        joined = sorted(self._joined_by_fold, key=len, reverse=True)
        # "#LaiChau", "laichau.gov.vn", "baolaichau.vn": hashtags and host names only. What precedes
        # the name in its host label is at most 63 characters (a DNS label's limit): unbounded, a long
        # run like "a-a-a-…" was rescanned from each of its letters (quadratic).
        either = alternation(joined)
        self._joined = re.compile(r"(?:#(" + either + r")(?![\w])|(?<![\w])(?:[a-z0-9-]{0,63}?)("
                                  + either + r")(?=\.(?:gov\.)?vn\b|\.com\b))")
        # "Sapa", "SaPa": a name written as one capitalised word (not a host name: those are above).
        self._joined_word = re.compile(r"(?<![\w#.@/-])(" + either + r")(?![\w]|\.\w)")
        others = sorted({fold(p) for p in self.other_provinces} or {"\x00"}, key=len, reverse=True)
        self._provinces_pattern = re.compile(r"(?<![\w])(" + alternation(others) + r")(?![\w])")
        self._other_by_fold = {fold(unit.name): unit for unit in self.other_names}
        self._other_pattern = re.compile(r"(?<![\w])(" + alternation(sorted(self._other_by_fold, key=len, reverse=True))
                                         + r")(?![\w])") if self.other_names else None

    def is_own(self, folded_name: str) -> bool:
        """Is ``folded_name`` (folded) the province's name, a former province's or one of its units'?"""
        return folded_name in self._by_fold

    def count_other_provinces(self, folded_text: str) -> int:
        return len(set(self._provinces_pattern.findall(folded_text)))

    def names_elsewhere(self, text: str) -> bool:
        """Does ``text`` (normalised, as written) name another province, or a district of another
        province with its unit word ("huyện Ứng Hòa", Hà Nội), none of this province's names?"""
        folded = fold(text)
        if self.count_other_provinces(folded):
            return True
        for typed in _DISTRICT_TYPED.finditer(folded):
            words = text[typed.start(1):typed.end(1)].split()
            for n in range(len(words), 1, -1):
                name = fold(" ".join(words[:n]))
                if all(w[:1].isupper() for w in words[:n]) and not self.is_own(name) and self._namesake_district(name):
                    return True
        return False

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
            if candidate.group(1) in self._blocked:
                continue  # a longer place name of another province
            before = text[max(0, start - 16):start]
            for unit in self._by_fold[candidate.group(1)]:
                form = _form(original, unit.name)
                if form is None:
                    continue
                if any(_FALSE_BEFORE[kind].search(before) for kind in unit.false_after):
                    continue  # "đường Điện Biên Phủ", "khách sạn Mường Thanh"
                if self._elsewhere(unit, text, folded, start, end, before):
                    continue
                if unit.level == "province" and _COMMUNE_WORD_BEFORE.search(before) \
                        and not self.own_name_types & {"xã", "phường", "quận", "thị trấn"}:
                    continue  # "phường Điện Biên" (Hà Nội)
                if unit.level == "province" and "huyện" not in self.own_name_types \
                        and _listed_after(_DISTRICT_WORD_BEFORE, text, start) and self._namesake_district(unit.name):
                    continue  # "huyện Quảng Ninh", "2 huyện Quảng Ninh và Lệ Thủy" (Quảng Bình)
                unit_word = _UNIT_WORD_BEFORE.search(text[max(0, start - 12):start])
                typed = bool(unit_word)
                capitalised = _capitalised(original)
                verdict = "yes" if capitalised else self._lower_case(unit, form, typed, text, folded, start, end)
                if verdict is None:
                    continue
                if form == "unaccented" and unit.ambiguous_unaccented and not typed and (
                        unit.namesake or unit.collides or not capitalised):
                    continue  # a name without namesake nor collision goes on to relevance's checks
                if unit.level == "province" and not capitalised and not typed and writes_capitals(text):
                    continue  # "dien bien" in a text that capitalises names is "diễn biến", "cao bằng" "as tall as"
                if capitalised and _cuts_a_word(text, start, end, inside, original):
                    continue  # "Tương lai châu Á" is [Tương lai] [châu Á], not Lai Châu
                typed_own = unit_word is not None and _TYPE_WORDS.get(fold(unit_word.group(0)).strip(), "") in {
                    fold(kind) for kind in unit.types}
                match = Match(unit, start, end, original, form, typed, typed_own)
                (needs_province if verdict == "if province" else matches).append(match)
                break
        if needs_province and any(m.unit.level == "province" and not _capitalised(m.text) for m in matches):
            matches.extend(needs_province)
        if self._other_pattern is not None:
            matches.extend(self._find_other_names(self._other_pattern, text, folded, matches))
        # A hashtag needs "#" and a host name ".vn"/".com": most texts have neither, and the scan
        # for host names is the costliest of the patterns.
        hosts = self._joined.finditer(folded) if "#" in folded or ".vn" in folded or ".com" in folded else ()
        for candidate in hosts:
            group = 1 if candidate.group(1) else 2
            unit = self._joined_by_fold[candidate.group(group)]
            start, end = candidate.span(group)
            matches.append(Match(unit, start, end, text[start:end], "joined", False))
        for candidate in self._joined_word.finditer(folded):
            start, end = candidate.span(1)
            if text[start].isupper() and not _COMPARISON_BEFORE.search(text[max(0, start - 16):start]):
                unit = self._joined_by_fold[candidate.group(1)]
                matches.append(Match(unit, start, end, text[start:end], "joined", False))
        matches.sort(key=lambda m: m.start)
        return matches

    def _find_other_names(self, pattern: re.Pattern[str], text: str, folded: str,
                          found: list[Match]) -> list[Match]:
        """The province's other names in ``text`` ("SLNA", "xứ Nghệ"), checked (see the module's notes)."""
        taken = [(match.start, match.end) for match in found]
        capitals: bool | None = None
        matches = []
        for candidate in pattern.finditer(folded):
            start, end = candidate.span()
            if any(s < end and start < e for s, e in taken):
                continue  # "xứ Thanh Hóa": the province's own name is found
            unit = self._other_by_fold[candidate.group(1)]
            original = text[start:end]
            form = _form(original, unit.name)
            if form is None or (form == "unaccented" and unit.ambiguous_unaccented):
                continue  # "xử nghề", "xu nghe"
            if not _cased_as(original, unit.name):
                if not unit.lower_case or original != original.lower():
                    continue
                capitals = writes_capitals(text) if capitals is None else capitals
                if capitals:
                    continue  # "đất cảng", "slna" in a text that capitalises names
            before = text[max(0, start - 16):start]
            if _STREET_BEFORE.search(before) or _COMPARISON_BEFORE.search(before):
                continue
            if unit.kind != "club" and unit.name[:1].isupper() and (
                    _PERSON_BEFORE.search(before) or _SURNAME_BEFORE.search(before)):
                continue  # "Lê Hà Thành": a person
            after = _NEXT_WORD.match(text[end:end + 16])
            if after is not None:
                word = after.group(1)
                if unit.kind == "region" and word[:1].isdigit():
                    continue  # "khu đất Tổ 9": a residents' group
                if word[:1].isupper() and fold(f"{unit.name.split()[-1]} {word}") in national.folded_index():
                    continue  # "xứ Nghệ An" (for Hà Tĩnh), "xứ Lạng Sơn"
            matches.append(Match(unit, start, end, original, form, False))
        return matches

    def _elsewhere(self, unit: Unit, text: str, folded: str, start: int, end: int, before: str) -> bool:
        """Does the context say the name is not this place: a street, an image, a firm, or a place the
        text puts in another province or district?"""
        if (_STREET_BEFORE.search(before) or _HOUSE_NUMBER_BEFORE.search(before)) \
                and not _ROUTE_DASH_AFTER.match(text[end:end + 4]):
            return True  # "đường Điện Biên" (Nam Định), "phố Yên Bái" (Hà Nội), "số 02 Điện Biên Phủ"
        house = _HOUSE_LETTER_BEFORE.search(before)
        if house and not _ROAD_NUMBER_BEFORE.search(text[max(0, start - 30):start - len(house.group(0))]) \
                and not _ROUTE_DASH_AFTER.match(text[end:end + 4]):
            return True  # "25A Hà Trung": an address in another city
        if _COMPARISON_BEFORE.search(before):
            return True  # "không khác gì Sapa"
        if _PERSON_BEFORE.search(before) or _SURNAME_BEFORE.search(before) or (
                text[start:end].isascii() and _SURNAME_BEFORE_FOLDED.search(before)):
            return True  # "bé Thảo Nguyên", "Hà Ngọc Chiến", "Nguyen Ha Giang", "Phung Thi Ha Giang": a person
        if not text[start:end][:1].isupper() and _LOWER_SURNAME_BEFORE.search(before) and not writes_capitals(text):
            return True  # "ông nguyễn hà giang" in a post typed in lower case
        if self._extended(unit, text, start, end):
            return True  # "Đông Nam Á", "Đông Nam bộ", "Đông Triều Tiên": a longer proper name
        if unit.level == "province":
            return self._in_namesakes_province(unit, text, folded, end)
        if unit.level == "district" and not unit.also_commune:
            if _listed_after(COMMUNE_LIST_BEFORE, text, start) \
                    and any(use.level == "commune" and use.province not in self._own_provinces
                            for use in national.index().get(unit.name, ())):
                return True  # "các xã Tân Tiến, Yên Sơn": a commune elsewhere, not the district
        after = _NEXT_WORD.match(text[end:end + 12])
        if after and after.group(1)[:1].isupper() and len(unit.name.split()) >= 2:
            joined = fold(f"{unit.name.split()[-1]} {after.group(1)}")
            if joined in national.folded_index() and not self.is_own(joined):
                return True  # "Bắc Yên Thành": Yên Thành (Nghệ An)
        if unit.level == "commune":
            firm = _FIRM_BEFORE.search(text[max(0, start - 60):start])
            if firm and not any(w.lower() in (_NOT_IN_FIRM_NAME_FOLDED if w.isascii() else _NOT_IN_FIRM_NAME)
                                for w in firm.group(1).split()):
                return True  # "Công ty Vận tải Cường Thịnh"
        placed = _PLACED_AFTER.match(folded[end:end + 48])
        if placed:
            names = _names_placed(text, end, placed, any_case=not writes_capitals(text))
            if not names or any(" ".join(names[:n]) in self._by_fold for n in range(1, len(names) + 1)):
                return False
            # A province of Vietnam named after a name of no namesake may be the text's slip or an old
            # assignment ("… (Lai Châu)" for a place of today's Điện Biên): the place wins (guideline
            # R3). Other places after a unit word (a district elsewhere, a province of Laos) say it.
            vietnamese_province = bool(self.count_other_provinces(" ".join(names)))
            if placed.group(1) is None:
                bracket = placed.group(0).lstrip()[:1] == "("
                return bracket and vietnamese_province and (unit.namesake or self._bracketed_list(folded, start, end))
            return unit.namesake or not vietnamese_province
        return False

    def _extended(self, unit: Unit, text: str, start: int, end: int) -> bool:
        """Does the next word extend the name into a longer proper name, by the word statistics:
        a word that follows the capitalised name in a good share of its documents ("Đông Nam Á",
        any case), or a capitalised word that makes with its last syllable a far more frequent pair
        ("Đông Triều Tiên")?"""
        if unit.name not in self.extended_by and unit.name not in self.pair_after:
            return False
        after = _NEXT_WORD.match(text[end:end + 16])
        if after is None:
            return False
        word = after.group(1)
        bare = text[start:end].isascii() and not unit.name.isascii()
        extended, paired = (self._extended_folded, self._pair_after_folded) if bare else \
            (self.extended_by, self.pair_after)
        key = fold(word.lower()) if bare else word.lower()
        return key in extended.get(unit.name, ()) or (word[:1].isupper() and key in paired.get(unit.name, ()))

    def _uses_elsewhere(self, name: str) -> list[national.Use]:
        """The units of another province, now or before 2025, named ``name`` (any spelling)."""
        return [use for other in national.folded_index().get(fold(name), ()) for use in national.index()[other]
                if use.province not in self._own_provinces]

    def _namesake_district(self, name: str) -> bool:
        """Is ``name`` a district's of another province, now or before 2025?"""
        return any(use.level == "district" for use in self._uses_elsewhere(name))

    def _in_namesakes_province(self, unit: Unit, text: str, folded: str, end: int) -> bool:
        """Does the text put the province's name in another province that has a district or commune
        of that name ("xã Hải Ninh (Quảng Ninh, Quảng Bình)", "Quảng Ninh, tỉnh Quảng Bình")? Then it
        is that unit, not this province (a list of provinces names none of another's units)."""
        placed = _PLACED_AFTER.match(folded[end:end + 48])
        if placed is None or placed.group(1) not in (None, "tinh"):
            return False
        names = _names_placed(text, end, placed, any_case=False)
        candidates = {" ".join(names[:n]) for n in range(2, len(names) + 1)}
        return any(use.level in ("district", "commune") and fold(use.province) in candidates
                   for use in self._uses_elsewhere(unit.name))

    def _bracketed_list(self, folded: str, start: int, end: int) -> bool:
        """Do several places around the name carry a province in brackets ("Cao Bồ (Nam Định) - Mai Sơn
        (Ninh Bình), Cam Lộ (Quảng Trị)")? Then the text places each precisely."""
        window = folded[max(0, start - BRACKETED_CHARS):end + BRACKETED_CHARS]
        return sum(1 for b in _BRACKETED.finditer(window) if self._provinces_pattern.fullmatch(b.group(1))) \
            >= BRACKETED_LIST

    def _lower_case(self, unit: Unit, form: str, typed: bool, text: str, folded: str, start: int,
                    end: int) -> str | None:
        """May a name typed in lower case be ``unit``? "yes", "if province" (kept if the text names the
        province in lower case too) or None."""
        if typed:
            return "yes"
        if self._glued(unit, form, text, start, end):
            return None  # "tương lai châu Á", "nam thanh niên"
        if unit.level == "province":
            if self.older_namesake and (_NOT_PROVINCE_BEFORE.search(folded[max(0, start - 8):start]) or
                                        _NOT_PROVINCE_AFTER.match(folded[end:end + 12])):
                return None  # Lai Châu's hand-checked guards, kept beside the glue found in text
            return "yes"
        if unit.ambiguous or any(syllable[:1].isupper() for syllable in text[start:end].split()):
            return None  # "san Thang" in a text that capitalises names is not San Thàng
        # "accented" of a name that has no diacritics ("Pha Mu") says nothing: "pha mù tạt" typed bare.
        return "yes" if form == "accented" and not unit.name.isascii() else "if province"

    def _glued(self, unit: Unit, form: str, text: str, start: int, end: int) -> bool:
        """Is the lower-case name glued to the syllable before or after it into a frequent word?"""
        syllables = unit.name.lower().split()
        before = _SYLLABLE_BEFORE.search(text[max(0, start - 10):start])
        after = _SYLLABLE_AFTER.match(text[end:end + 10])
        word_before = before.group(1).lower() if before else ""
        word_after = after.group(1).lower() if after else ""
        if form == "accented":
            return word_before in self.glue_before.get(syllables[0], ()) or \
                word_after in self.glue_after.get(syllables[-1], ())
        return fold(word_before) in self._glue_before_folded.get(syllables[0], ()) or \
            fold(word_after) in self._glue_after_folded.get(syllables[-1], ())


# A unit word as typed (folded) → the unit type it names.
_TYPE_WORDS = {"thanh pho": "thanh pho", "tp": "thanh pho", "tp.": "thanh pho", "huyen": "huyen", "xa": "xa",
               "phuong": "phuong", "thi tran": "thi tran", "thi xa": "thi xa", "tinh": "tinh"}


def _listed_after(pattern: re.Pattern[str], text: str, start: int) -> bool:
    """Does ``pattern`` (a unit word, then in group 1 a list of names, maybe empty) end at ``start``,
    every listed name capitalised ("các xã Tân Tiến, Yên Sơn, …", "các huyện Lệ Thủy, …")?"""
    found = pattern.search(text[max(0, start - 150):start])
    return found is not None and all(item.strip()[:1].isupper() for item in found.group(1).split(",") if item.strip())


def _names_placed(text: str, end: int, placed: re.Match[str], any_case: bool) -> list[str]:
    """The folded words that follow a name's separator (``_PLACED_AFTER``'s group 2, matched on the
    folded text from ``end``): the capitalised run, or every word when ``any_case`` (text typed in
    lower case)."""
    words = text[end + placed.start(2):end + placed.end(2)].split()
    names = []
    for word, folded_word in zip(words, placed.group(2).split(), strict=False):
        if not (word[:1].isupper() or any_case):
            break
        names.append(folded_word)
    return names


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
        # "Lào Cai-Hà Nội": two names the segmenter joined across a hyphen
        glued = glued or outside.startswith(("-", "–")) or outside.endswith(("-", "–"))
        # "Lào Cai 31-33 độ C": a name glued to a number
        glued = glued or not any(c.isalpha() for c in outside)
        # without diacritics the segmenter joins adjacent names ("tinh Yen Bai Pham Sy Quy")
        glued = glued or (original.isascii() and all(w[:1].isupper() for w in outside.split()))
        if original.isupper() or not _capitalised(original) or not glued:
            return True
    return False


_SENTENCE_START = re.compile(r"(?:^|[.!?…]\s+|\n\s*)(\w)")
SENTENCE_STARTS = 3
CAPITAL_STARTS = 0.8


def writes_capitals(text: str) -> bool:
    """Does the writer capitalise (names, sentences), unlike a post typed all in lower case? Either
    capitals are 2 % of the letters, or (a text with few names: "… nhảy từ tầng lầu cao bằng dù") at
    least four in five of its sentences begin with one."""
    letters = sum(1 for c in text[:2000] if c.isalpha())
    if letters > 0 and sum(1 for c in text[:2000] if c.isupper()) >= 0.02 * letters:
        return True
    starts = [m.group(1) for m in _SENTENCE_START.finditer(text[:2000])]
    return len(starts) >= SENTENCE_STARTS and sum(1 for c in starts if c.isupper()) >= CAPITAL_STARTS * len(starts)


def _form(original: str, name: str) -> str | None:
    lowered = original.lower()
    if lowered == name.lower():
        return "accented"
    if original.isascii():
        return "unaccented"
    return None  # accented differently: another name


def _cased_as(original: str, name: str) -> bool:
    """Is ``original`` capitalised where ``name`` is ("xứ Nghệ", "Xứ Nghệ", "XỨ NGHỆ"; not "xứ nghệ")?"""
    return original.isupper() or all(
        word[:1].isupper() for word, own in zip(original.split(), name.split(), strict=False) if own[:1].isupper())


def _capitalised(original: str) -> bool:
    syllables = original.split()
    return all(s[:1].isupper() for s in syllables) or original.isupper()


# The province whose name was, until 2004, that of a larger province (Lai Châu: today's Lai Châu and
# Điện Biên): ``analysis.relevance`` sets "Lai Châu cũ" and its kin apart. A fact of history the unit
# data (the 2025 reform) does not hold.
OLDER_NAMESAKES = frozenset({"Lai Châu"})
HOME = "Lai Châu"


def build(province: str) -> Gazetteer:
    """The gazetteer of ``province`` (a 2025 province, or a pre-2025 one: its 2025 province; any case,
    with or without diacritics), from the national unit data; the risk of each name from
    ``analysis.ambiguity``. Pure and cached: every spelling of a province gives the same object."""
    return _build(national.canonical(province))


@cache
def _build(province: str) -> Gazetteer:
    land = national.territory(province)
    own = frozenset({land.province, *land.legacy_provinces})
    entries: dict[str, dict[str, list[str]]] = {}
    districts: set[str] = set()
    own_name_types: set[str] = set()

    def entry(name: str) -> dict[str, list[str]]:
        return entries.setdefault(name, {"types": [], "legacy": [], "current": [], "maps_to": []})

    targets: dict[str, set[str]] = {}
    for unit in land.legacy:
        suffix = "" if unit.province == land.province else f", Tỉnh {unit.province}"
        if unit.name in own:
            own_name_types.add(unit.type.lower())
        if not unit.district:
            if unit.name in own or not _matchable(unit.name):
                continue
            districts.add(unit.name)
            item = entry(unit.name)
            label = f"{unit.type} {unit.name}{suffix}"
            if label not in item["legacy"]:
                item["legacy"].append(label)
                item["types"].append(unit.type.lower())
            continue
        targets.setdefault(unit.district, set()).update(unit.goes_to[:1])
        if unit.name in own or not _matchable(unit.name):
            continue
        item = entry(unit.name)
        item["legacy"].append(f"{unit.type} {unit.name}, {unit.district_type} {unit.district}{suffix}")
        item["types"].append(unit.type.lower())
        item["maps_to"].extend(new for new in unit.goes_to if new not in item["maps_to"])
    for name, kind in land.current:
        if name in own:
            own_name_types.add(kind.lower())
        if name in own or not _matchable(name):
            continue
        item = entry(name)
        item["current"].append(f"{kind} {name}")
        item["types"].append(kind.lower())
    for district in districts:
        entries[district]["maps_to"] = sorted(set(entries[district]["maps_to"]) | targets.get(district, set()))
    units = {}
    for name, item in sorted(entries.items()):
        risk = assess(name, own, name in districts)
        units[name] = Unit(
            name=name, level="district" if name in districts else "commune", types=tuple(sorted(set(item["types"]))),
            ambiguous=risk.ambiguous, ambiguous_unaccented=risk.ambiguous_unaccented, legacy=tuple(item["legacy"]),
            current=tuple(item["current"]), maps_to=tuple(item["maps_to"]), why=risk.why,
            false_after=risk.false_after, namesake=risk.namesake, collides=bool(risk.collisions))
    home = Unit(name=land.province, level="province", types=(land.type.lower(),), ambiguous=False,
                ambiguous_unaccented=False, current=(f"{land.type} {land.province}",),
                false_after=false_after(land.province))
    aliases = tuple(Unit(name=old, level="province", types=("tỉnh",), ambiguous=False, ambiguous_unaccented=False,
                         legacy=(f"Tỉnh {old}",), current=(f"{land.type} {land.province}",),
                         false_after=false_after(old))
                    for old in land.legacy_provinces if old != land.province)
    others = sorted({*national.provinces(), *national.legacy_provinces()} - own)
    names = [home.name, *(a.name for a in aliases), *units]
    other_names = tuple(Unit(name=other.name, level="province", types=(land.type.lower(),), ambiguous=False,
                             ambiguous_unaccented=not other.unaccented, current=(f"{land.type} {land.province}",),
                             kind=other.kind, lower_case=other.lower_case)
                        for other in national.other_names(land.province))
    stats = national.name_stats()
    return Gazetteer(
        province=home, units=units, other_provinces=tuple(others), aliases=aliases,
        blockers=_blockers(names, own),
        glue_before={s: frozenset(stats["glue_before"].get(s, ())) for s in {n.lower().split()[0] for n in names}},
        glue_after={s: frozenset(stats["glue_after"].get(s, ())) for s in {n.lower().split()[-1] for n in names}},
        extended_by={n: frozenset(stats["extended_by"][n]) for n in names if n in stats["extended_by"]},
        pair_after={n: frozenset(stats["pair_after"][n]) for n in names if n in stats["pair_after"]},
        everyday_names=frozenset(n for n in (home.name, *(a.name for a in aliases)) if everyday(n)),
        own_name_types=frozenset(own_name_types), older_namesake=land.province in OLDER_NAMESAKES,
        other_names=other_names)


def _matchable(name: str) -> bool:
    """Names of one syllable or with digits ("Phường 1") are not looked for in text."""
    return len(name.split()) >= 2 and not any(c.isdigit() for c in name)


def _blockers(names: list[str], own: frozenset[str]) -> tuple[str, ...]:
    """Place names of other provinces that begin or end with one of ``names`` ("Tân Uyên Đông")."""
    mine = {fold(n) for n in names}
    found = set()
    for other, uses in national.index().items():
        if all(use.province in own for use in uses) or fold(other) in mine:
            continue
        syllables = fold(other).split()
        for cut in range(2, len(syllables)):
            if " ".join(syllables[:cut]) in mine or " ".join(syllables[-cut:]) in mine:
                found.add(other)
    return tuple(sorted(found))


def load() -> Gazetteer:
    """The home province's gazetteer (Lai Châu)."""
    return build(HOME)
