"""Relevance of an article to a province (Lai Châu by default; any province's gazetteer from
``analysis.gazetteer.build``): ``about`` / ``mention`` / ``none``, with a score and the evidence
(matched spans and the rule that decided each). The rules are the same for every province; only
rule 2 is Lai Châu's own (its name was a larger province's until 2004).

Rules, in order:
1. Names are found by ``analysis.gazetteer`` (capitalisation, diacritics, word boundaries checked).
2. The pre-2004 province ("Lai Châu cũ", "tỉnh Lai Châu trước đây", "nay là Điện Biên") is not today's;
   typed without diacritics ("lai chau cu, nay la dien bien") it is recognised on the folded text.
   Nor is the name of the Mường Thanh group's firm ("Doanh nghiệp tư nhân xây dựng số 1 Lai Châu").
3. A distinctive unit name ("Mường Tè", "Nậm Nhùn") counts alone, unless it is in the article's
   closing byline ("Bảo Thắng - Dung Hà": the authors). An ambiguous one ("Tân Uyên", "Đoàn Kết",
   "Than Uyên") counts only with support: today's province named in the same sentence, or named in
   the article while the unit is typed ("huyện Tân Uyên") or the sentence names no other province.
   A distinctive name after a city's or province's unit word it never had ("thành phố Trùng Khánh"
   for a district: Chongqing) needs that support too.
   An ambiguous name that no other unit bears (a street's or a battle's: "Điện Biên Phủ") also
   counts with its own unit word ("thành phố Điện Biên Phủ") or, for a city or district, among
   provinces ("Lào Cai, Điện Biên Phủ, Sơn La 29-32 độ C").
4. Routes: a mention that is one end of "X – Y" or "từ X lên/đến/về … Y", the other end another
   place ("cao tốc Nội Bài – Lào Cai", "xe khách từ Hà Nội lên Điện Biên"), names where a road goes;
   if every counted mention is such an end and the text places the story on a section in another
   province ("thuộc địa phận huyện Hạ Hòa, tỉnh Phú Thọ", "qua địa bàn Sơn La"), the grade is none.
   So too if every counted mention is the far end of a dashed route, outside the title and any list,
   and the title names the other end or a district of its province ("tuyến đường sắt Hà Nội - Lạng
   Sơn" in a story on a bridge in Hà Nội).
4b. Communes alone: if the only names found are communes, none typed and none after a word that puts
   a place ("ở/tại/về …"), the grade is none: such a name is as often a person's ("tên Kim Loan").
5. Each counted mention adds weight by where it stands: title, lead, body; a mention inside a list
   of provinces ("Lào Cai, Lai Châu, Sơn La…") or at a route's end weighs less.
6. The province's other names (``Gazetteer.other_names``, session 33): a club's ("SLNA"), a city's
   ("Sài thành") and a short form of the province's own ("TP.HCM") count and weigh as the province's
   name (a club stands for the province in sports news); a region's ("xứ Nghệ", of Nghệ An and Hà
   Tĩnh) counts, but alone it makes at most a mention (its people, its land: the annotators' N2) and
   supports no ambiguous unit. None of them is a
   route's end ("SLNA - HAGL" is a match, not a road).
Score ≥ ``ABOUT`` → about; any counted mention → mention; else none.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from analysis import national
from analysis.gazetteer import COMMUNE_LIST_BEFORE, Gazetteer, Match, load, writes_capitals
from analysis.normalize import fold
from analysis.segment import Token
from analysis.sentences import SpanLookup, sentence_spans

ABOUT = 3.0
TITLE_WEIGHT = 3.0
LEAD_WEIGHT = 1.0
BODY_WEIGHT = 0.5
LIST_FACTOR = 0.35
UNIT_FACTOR = 0.8
LEAD_CHARS = 400
BODY_CAP = 3.0

_LEGACY_AFTER = re.compile(r"^\s*(?:\(\s*cũ\s*\)|cũ\b|trước đây|\(\s*nay (?:là|thuộc)|,?\s*nay là)", re.IGNORECASE)
_LEGACY_SENTENCE = re.compile(r"trước năm 2004|tỉnh Lai Châu cũ|Lai Châu \(cũ\)|Mường Lay|thị xã Lai Châu cũ",
                              re.IGNORECASE)
# The firm of the Mường Thanh hotel group, "Doanh nghiệp / Xí nghiệp (tư nhân) xây dựng số 1 Lai Châu",
# bears the name of the pre-2004 province and is based in Điện Biên (on the folded text, before the name).
_MUONG_THANH_FIRM = re.compile(r"xay dung (?:tu nhan )?so 1 $")
# The same, for a name typed without diacritics, on the folded text ("lai chau cu, nay la dien bien").
_LEGACY_AFTER_FOLDED = re.compile(r"^\s*(?:\(\s*cu\s*\)|cu\b|truoc day|\(\s*nay (?:la|thuoc)|,?\s*nay la)")
_LEGACY_SENTENCE_FOLDED = re.compile(r"truoc nam 2004|tinh lai chau cu|lai chau \(cu\)|muong lay|thi xa lai chau cu")
# Routes (on the folded text): a name that is one end of "X – Y" ("cao tốc Nội Bài – Lào Cai", "tuyến
# Hải Phòng - Lào Cai") or of "từ X lên/đến/về … Y" ("xe khách từ Hà Nội lên Điện Biên"), the other
# end another place. Such a mention names where a road or a trip goes, not where the news happens.
_DASH_AFTER = re.compile(r"^\s*[-–]\s*(\w+(?:[ \t]+\w+){0,3})")
_DASH_BEFORE = re.compile(r"((?:\w+[ \t]+){0,3}\w+)\s*[-–]\s*$")
_MOTION = r"(?:len|den|toi|ve|di|ra|vao|xuong|sang)"
_FROM_BEFORE = re.compile(r"(?<!\w)tu\s+((?:\w+[ \t]+){0,3}?\w+)\s+" + _MOTION + r"\s+$")
_FROM_AFTER = re.compile(r"^\s+" + _MOTION + r"\s+(\w+(?:[ \t]+\w+){0,3})")
_FROM_RIGHT_BEFORE = re.compile(r"(?<!\w)tu\s+$")
# Where a story on a road happens: "thuộc địa phận huyện Hạ Hòa, tỉnh Phú Thọ", "đoạn qua …", "địa bàn".
_LOCATED = re.compile(r"(?<!\w)(?:dia phan|doan (?:di )?qua|dia ban|doan thuoc)(?!\w)")
LOCATED_CHARS = 50
BYLINE_WORDS = 8
# A province's name written as ordinary words (``_lone_everyday_province``): it stays the province when
# named this often, or with another province within this many characters (clubs, lists).
EVERYDAY_MENTIONS = 3
OTHER_CHARS = 80
_CITY_WORD_BEFORE = re.compile(r"(?<!\w)(?:thành phố|tp\.?|tỉnh|thanh pho|tinh)\s+$", re.IGNORECASE)
_COMMUNE_WORD_BEFORE = re.compile(r"(?<!\w)(?:xã|phường|thị trấn|xa|phuong|thi tran)\s+$", re.IGNORECASE)
_SENTENCE_END_BEFORE = re.compile(r"(?:[.!?…]|\./\.|\n)\s*$")
_CREDIT_AFTER = re.compile(r"\s*(?:\([^()\n]{1,40}\))?\s*[.…]?\s*", re.DOTALL)
_TRAILING = " \t\n.…!)\"'”»"
# Words that introduce a place: a name after them closes the text as a place, not as a byline.
_PLACE_WORD_BEFORE = re.compile(r"(?<!\w)(?:ở|tại|thuộc|về|đến|tới|lên|xuống|sang|từ|của|và|với|cho|qua|xã|huyện|tỉnh"
                                r"|phường|thị trấn|thị xã|thành phố|TP\.?|o|tai|thuoc|ve|den|toi|len|tu|cua|va|voi"
                                r"|xa|huyen|tinh|phuong|thi tran|thi xa|thanh pho)\s+$", re.IGNORECASE)

# The evidence's rule for each kind of the province's other names (``national.other_names``).
OTHER_NAME_RULES = {"club": "tên khác của tỉnh (câu lạc bộ)", "city": "tên khác của tỉnh (tên gọi thành phố)",
                    "short": "tên tỉnh viết tắt", "region": "tên vùng"}

TITLE_PUNCTUATION = ".,:;!?\"'“”‘’()[]-–"
# Words that put a place: a lone commune's name after them is the place ("có mặt tại Lũng Cú").
_AT_PLACE_BEFORE = re.compile(r"(?<!\w)(?:ở|tại|thuộc|về|đến|tới|lên|xuống|sang|từ|qua|o|tai|thuoc|ve|den|toi|len|xuong"
                              r"|tu)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    text: str
    start: int  # offsets in the analysed text: title + "\n" + text
    end: int
    unit: str
    rule: str
    weight: float


@dataclass
class Relevance:
    grade: str
    score: float
    evidence: list[Evidence] = field(default_factory=list)
    matches: list[Match] = field(default_factory=list)  # counted matches (for places)


def _sentence_of(spans: SpanLookup, offset: int) -> tuple[int, int]:
    position = spans.index(offset)
    return spans.spans[position] if position >= 0 else (offset, offset)


def relevance(document: str, title_end: int, folded: str, tokens: list[Token],
              gazetteer: Gazetteer | None = None) -> Relevance:
    """``document`` is the normalised title + "\\n" + text; ``title_end`` the title's length."""
    gazetteer = gazetteer or load()
    found = gazetteer.find(document, folded, tokens)
    if not found:
        return Relevance("none", 0.0)
    spans = SpanLookup(sentence_spans(document))
    province_sentences: set[tuple[int, int]] = set()
    counted: list[tuple[Match, str]] = []
    # Each sentence is searched once: a page that is one endless sentence naming the province
    # thousands of times would otherwise be searched whole for every mention (quadratic).
    legacy_sentences: dict[tuple[int, int], bool] = {}
    for match in found:
        if match.unit.kind:
            counted.append((match, OTHER_NAME_RULES[match.unit.kind]))
            if match.unit.kind != "region":
                province_sentences.add(_sentence_of(spans, match.start))
            continue
        if match.unit.level == "province":
            if _signature(document, match):
                continue  # "… ./. Hà Giang (Theo Vnmedia)": the author, named like the province
            sentence = _sentence_of(spans, match.start)
            if not gazetteer.older_namesake:
                province_sentences.add(sentence)
                counted.append((match, "tên tỉnh"))
                continue
            after = document[match.end:match.end + 20]
            if sentence not in legacy_sentences:
                legacy_sentences[sentence] = bool(_LEGACY_SENTENCE.search(document[sentence[0]:sentence[1]]))
            if _LEGACY_AFTER.match(after) or legacy_sentences[sentence]:
                continue
            if _MUONG_THANH_FIRM.search(folded[max(0, match.start - 30):match.start]):
                continue
            if match.form == "unaccented" and (_LEGACY_AFTER_FOLDED.match(folded[match.end:match.end + 20]) or
                                               _LEGACY_SENTENCE_FOLDED.search(folded[sentence[0]:sentence[1]])):
                continue
            province_sentences.add(sentence)
            counted.append((match, "tên tỉnh"))
    province_named = bool(province_sentences)
    others_in_sentence: dict[tuple[int, int], int] = {}

    def others(sentence: tuple[int, int]) -> int:
        if sentence not in others_in_sentence:
            others_in_sentence[sentence] = gazetteer.count_other_provinces(folded[sentence[0]:sentence[1]])
        return others_in_sentence[sentence]

    last_sentence = spans.spans[-1] if spans.spans else (0, 0)
    byline = _byline(document[last_sentence[0]:last_sentence[1]])
    text_end = len(document.rstrip(_TRAILING))
    capitals = writes_capitals(document)
    for match in found:
        if match.unit.level == "province":
            continue
        if byline and match.start >= last_sentence[0]:
            continue  # "Bảo Thắng - Dung Hà": the authors' names at the end
        if match.end >= text_end and not match.typed and (match.text[:1].isupper() or not capitals) \
                and not _PLACE_WORD_BEFORE.search(document[max(0, match.start - 16):match.start]):
            continue  # "… Tin bài xem thêm Thảo Nguyên": a name that closes the text is its author's
        sentence = _sentence_of(spans, match.start)
        # Without diacritics a name shared by letters with another place ("tam duong": Tam Đường of
        # Lai Châu, Tam Dương of Vĩnh Phúc) is as ambiguous as "Tân Uyên", even after a unit word.
        collides = match.form == "unaccented" and match.unit.collides
        # A city's or province's unit word it never had ("thành phố Trùng Khánh" for a district:
        # Chongqing) names another place of that name: even a distinctive name then needs the ambiguous
        # names' support. (A lower unit word it lacks is often right: "thị trấn Mộc Châu", the seat.)
        foreign_type = match.typed and not match.typed_own \
            and bool(_CITY_WORD_BEFORE.search(document[max(0, match.start - 12):match.start]))
        if not (match.unit.ambiguous or (match.form == "unaccented" and match.unit.ambiguous_unaccented)
                or foreign_type):
            counted.append((match, f"đơn vị hành chính riêng của {gazetteer.province.name}"))
        elif sentence in province_sentences:
            counted.append((match, "tên dễ nhầm, có tên tỉnh trong cùng câu"))
        elif province_named and (match.typed and others(sentence) == 0):
            counted.append((match, "tên dễ nhầm, có loại đơn vị và tên tỉnh trong bài"))
        elif not (match.unit.namesake or collides) and match.typed_own:
            # no other unit bears the name: with its own unit word it is the place ("thành phố Điện Biên Phủ")
            counted.append((match, "tên dễ nhầm, có đúng loại đơn vị, không trùng đơn vị nơi khác"))
        elif not (match.unit.namesake or collides) and match.unit.level == "district" and match.text[:1].isupper() \
                and others(sentence) >= 2:
            # a city or district among provinces ("Lào Cai, Điện Biên Phủ, Sơn La 29-32 độ C") is a place
            counted.append((match, "tên dễ nhầm, trong danh sách tỉnh, không trùng đơn vị nơi khác"))
    if not counted:
        return Relevance("none", 0.0)
    if _lone_communes(found, counted, document, title_end + 1 + LEAD_CHARS, gazetteer):
        return Relevance("none", 0.0)  # "đồng bằng Yên Hưng" in a story about Quảng Ninh
    far_ends = {id(match): _route_end(document, folded, match, gazetteer) for match, _ in counted
                if not match.unit.kind}  # "SLNA - HAGL" is a match, not a road
    routes = {key for key, names in far_ends.items() if names}
    if routes and len(routes) == len(counted) and _located_elsewhere(folded, counted, gazetteer):
        return Relevance("none", 0.0)  # a crash on "cao tốc Nội Bài – Lào Cai", in Phú Thọ
    if routes and len(routes) == len(counted) and _story_at_far_end(document, title_end, folded, counted, spans,
                                                                     others, gazetteer):
        return Relevance("none", 0.0)  # "tuyến đường sắt Hà Nội - Lạng Sơn" in a story on a bridge in Hà Nội
    if _lone_unplaced_communes(found, counted, document):
        return Relevance("none", 0.0)  # "cô gái tên Kim Loan", "NSND Phùng Há, Kim Cúc": persons
    if not capitals and _lone_everyday_province(counted, document, title_end, folded, gazetteer):
        return Relevance("none", 0.0)  # "… không cao bằng hải cẩu" typed in lower case: ordinary words

    score = 0.0
    body = 0.0
    evidence = []
    for match, rule in sorted(counted, key=lambda item: item[0].start):
        if match.start < title_end:
            weight, where = TITLE_WEIGHT, "tiêu đề"
        elif match.start < title_end + 1 + LEAD_CHARS:
            weight, where = LEAD_WEIGHT, "đoạn mở đầu"
        else:
            weight, where = BODY_WEIGHT, "thân bài"
        if match.unit.level != "province":
            weight *= UNIT_FACTOR
        if others(_sentence_of(spans, match.start)) >= 2:
            weight *= LIST_FACTOR
            where += ", trong danh sách nhiều tỉnh"
        elif id(match) in routes:
            weight *= LIST_FACTOR
            where += ", đầu mút một tuyến đường"
        if where.startswith("thân bài"):
            weight = min(weight, max(0.0, BODY_CAP - body))
            body += weight
        score += weight
        evidence.append(Evidence(match.text, match.start, match.end, match.unit.name, f"{rule}; {where}",
                                 round(weight, 3)))
    grade = "about" if score >= ABOUT else "mention"
    if all(match.unit.kind == "region" for match, _ in counted):
        grade = "mention"  # "người xứ Nghệ" alone: the region's people or land (N2)
    return Relevance(grade, round(score, 3), evidence, [m for m, _ in counted])


def _signature(document: str, match: Match) -> bool:
    """Is the name the text's last words on their own, after the end of a sentence, with at most a
    credit in brackets ("… lĩnh thưởng./. Hà Giang", "… châu Âu./. Hà Giang (T/h)")? Then it signs the
    article: a writer named like the place."""
    before = document[max(0, match.start - 4):match.start]
    if not _SENTENCE_END_BEFORE.search(before) and match.start > 0:
        return False
    return bool(_CREDIT_AFTER.fullmatch(document[match.end:match.end + 60]))


def _byline(sentence: str) -> bool:
    """Is the last sentence only a few capitalised words: the authors' names ("Bảo Thắng - Dung Hà")?"""
    words = re.findall(r"\w+", sentence)
    return 0 < len(words) <= BYLINE_WORDS and all(word[:1].isupper() for word in words) \
        and not sentence.isupper()


def _other_place(document: str, original: str, folded_words: str, gazetteer: Gazetteer,
                 last: bool) -> frozenset[str]:
    """The names (folded) the words at the other end of a route may be, if they are another place:
    capitalised (or, in text typed in lower case, a place of the national data) and none of this
    province's names; empty otherwise."""
    words, folded_list = original.split(), folded_words.split()
    if not words:
        return frozenset()
    if last:  # the words just before the dash: the capitalised run that ends there
        words, folded_list = words[::-1], folded_list[::-1]
    run = []
    for word, folded_word in zip(words, folded_list, strict=False):
        if not word[:1].isupper():
            break
        run.append(folded_word)
    if last:
        run.reverse()
    if not run:
        if writes_capitals(document):
            return frozenset()
        # typed in lower case: the words must begin (or, before the dash, end) with a place of Vietnam
        folded_list = folded_list[::-1] if last else folded_list
        places = national.folded_index()
        # (two syllables or more, as the gazetteer's names: "cho biết" is not the hamlet of Chờ)
        ends = [" ".join(folded_list[-n:] if last else folded_list[:n]) for n in range(2, len(folded_list) + 1)]
        if any(gazetteer.is_own(end) for end in ends):
            return frozenset()
        return frozenset(end for end in ends if end in places)
    candidates = {" ".join(run[:n]) for n in range(1, len(run) + 1)} | \
        {" ".join(run[-n:]) for n in range(1, len(run) + 1)}
    return frozenset() if any(gazetteer.is_own(name) for name in candidates) else frozenset(candidates)


def _route_end(document: str, folded: str, match: Match, gazetteer: Gazetteer,
               dash_only: bool = False) -> frozenset[str]:
    """If ``match`` is one end of a route whose other end is another place, the names (folded) that
    other end may be; empty otherwise."""
    start, end = match.start, match.end
    offset = max(0, start - 40)
    ends: list[tuple[re.Match[str] | None, int, bool]] = [
        (_DASH_AFTER.match(folded[end:end + 40]), end, False),
        (_DASH_BEFORE.search(folded[offset:start]), offset, True),
        (_FROM_BEFORE.search(folded[offset:start]), offset, True)]
    if dash_only:
        ends = ends[:2]
    elif _FROM_RIGHT_BEFORE.search(folded[max(0, start - 6):start]):
        ends.append((_FROM_AFTER.match(folded[end:end + 40]), end, False))
    found: frozenset[str] = frozenset()
    for other, at, last in ends:
        if other is not None:
            found |= _other_place(document, document[at + other.start(1):at + other.end(1)], other.group(1),
                                  gazetteer, last)
    return found


def _located_elsewhere(folded: str, counted: list[tuple[Match, str]], gazetteer: Gazetteer) -> bool:
    """Does the text say the story happens on a part of the route in another province ("thuộc địa phận
    huyện Hạ Hòa, tỉnh Phú Thọ", "qua địa bàn Sơn La")?"""
    for located in _LOCATED.finditer(folded):
        window = (located.end(), located.end() + LOCATED_CHARS)
        if any(window[0] <= match.start < window[1] for match, _ in counted):
            continue
        if gazetteer.count_other_provinces(folded[window[0]:window[1]]):
            return True
    return False


def _typed_as_commune(document: str, match: Match) -> bool:
    """Is a district's name that is also one of the province's communes named as a commune ("xã Yên
    Sơn", "các xã Tân Tiến, Yên Sơn")?"""
    if match.unit.level != "district" or not match.unit.also_commune:
        return False
    before = document[max(0, match.start - 150):match.start]
    return bool(_COMMUNE_WORD_BEFORE.search(before[-12:]) or COMMUNE_LIST_BEFORE.search(before))


def _lone_communes(found: list[Match], counted: list[tuple[Match, str]], document: str, opening_end: int,
                   gazetteer: Gazetteer) -> bool:
    """Are the only names found communes, with neither the province nor any district of it named, in a
    story whose title or lead places it in another province or in a district of another province
    ("đồng bằng Yên Hưng" in an article on Quảng Ninh's clams, "xã Hồng Ngài" after "Công an huyện Lục
    Ngạn (Bắc Giang)", "Đội Bình" among the communes of "huyện Ứng Hòa")? A commune's name
    alone is shared with hamlets, former units and places the unit data does not hold; where the
    story is, the text says in its opening."""
    if any(match.unit.level != "commune" and not _typed_as_commune(document, match) for match in found):
        return False
    if any(rule.startswith("tên dễ nhầm") for _, rule in counted):
        return False  # supported by context already
    return gazetteer.names_elsewhere(document[:opening_end])


def _places_of(folded_name: str) -> set[str]:
    """The provinces where ``folded_name`` is a province or a district (communes are too many)."""
    return {use.province for name in national.folded_index().get(folded_name, ())
            for use in national.index()[name] if use.level != "commune"}


def _title_names(title: str, capitals: bool) -> set[str]:
    """Every run of one to four capitalised words of the title, folded (any words, if the text is typed
    in lower case)."""
    names: set[str] = set()
    run: list[str] = []
    for word in [*(word.strip(TITLE_PUNCTUATION) for word in title.split()), ""]:
        if word and (word[:1].isupper() or not capitals):
            run.append(fold(word).lower())
            continue
        for i in range(len(run)):
            names.update(" ".join(run[i:j]) for j in range(i + 1, min(len(run), i + 4) + 1))
        run = []
    return names


def _story_at_far_end(document: str, title_end: int, folded: str, counted: list[tuple[Match, str]],
                      spans: SpanLookup, others: Callable[[tuple[int, int]], int], gazetteer: Gazetteer) -> bool:
    """Is every mention (all routes' ends) the far end of a dashed route ("tuyến đường sắt Hà Nội - Lạng
    Sơn", "hành trình Lạng Sơn - Đà Nẵng") outside the title and outside a list of provinces or routes,
    while the title names the other end (or a district of its province: "cầu Long Biên", Hà Nội) and
    none of this province's names? Then the story is at the other end. A trip "từ X về Y" is left
    alone (where goods or people came from: a drug run from the province), as is a list of routes (a
    railway network's lines: the routes as such)."""
    if any(match.start < title_end or others(_sentence_of(spans, match.start)) >= 2 for match, _ in counted):
        return False
    dashed = [_route_end(document, folded, match, gazetteer, dash_only=True) for match, _ in counted]
    if not all(dashed):
        return False
    names = _title_names(document[:title_end], writes_capitals(document))
    if any(gazetteer.is_own(name) for name in names):
        return False
    title_places = set().union(*(_places_of(name) for name in names if " " in name))
    # (names of two syllables or more: "Bài" opening a title is not the "Bài" of "Nội Bài")
    return any(" " in end and (end in names or _places_of(end) & title_places) for ends in dashed for end in ends)


def _lone_unplaced_communes(found: list[Match], counted: list[tuple[Match, str]], document: str) -> bool:
    """Are the only names found communes, none with a unit word and none after a word that puts a place
    ("ở/tại/về/đến/từ … Lũng Cú")? A commune's name alone, used as nothing but a name, is as often a
    person's ("tên Kim Loan", "NSND Phùng Há, Kim Cúc", "bé Thao Nguyen"), part of a title ("phim Cô Ba
    Sài Gòn") or of another district's list of communes as the place."""
    if any(match.unit.level != "commune" for match in found):
        return False
    if any(match.typed for match, _ in counted):
        return False
    return not any(_AT_PLACE_BEFORE.search(document[max(0, match.start - 16):match.start]) for match, _ in counted)


def _lone_everyday_province(counted: list[tuple[Match, str]], document: str, title_end: int, folded: str,
                            gazetteer: Gazetteer) -> bool:
    """In a text typed in lower case, are the only names counted the province's name where real text
    writes it as ordinary words ("cao bằng", "as tall as"), in the body, none after a word that puts a
    place ("ở/tại/về/từ … cao bằng"), and no other province named in the text (a club "cao bằng"
    among other provinces' clubs stays)?"""
    if not gazetteer.everyday_names or len(counted) >= EVERYDAY_MENTIONS:
        return False  # named again and again ("tỉnh ủy cao bằng" seven times): the province
    for match, _ in counted:
        if match.unit.level != "province" or fold(match.unit.name) not in {fold(n) for n in gazetteer.everyday_names}:
            return False
        if match.start < title_end or match.typed:
            return False
        if _AT_PLACE_BEFORE.search(document[max(0, match.start - 16):match.start]):
            return False
    return not any(gazetteer.count_other_provinces(folded[max(0, match.start - OTHER_CHARS):match.end + OTHER_CHARS])
                   for match, _ in counted)
