"""Relevance of an article to a province (Lai Châu by default; any province's gazetteer from
``analysis.gazetteer.build``): ``about`` / ``mention`` / ``none``, with a score and the evidence
(matched spans and the rule that decided each). The rules are the same for every province; only
rule 2 is Lai Châu's own (its name was a larger province's until 2004).

Rules, in order:
1. Names are found by ``analysis.gazetteer`` (capitalisation, diacritics, word boundaries checked).
2. The pre-2004 province ("Lai Châu cũ", "tỉnh Lai Châu trước đây", "nay là Điện Biên") is not today's;
   typed without diacritics ("lai chau cu, nay la dien bien") it is recognised on the folded text.
   Nor is the name of the Mường Thanh group's firm ("Doanh nghiệp tư nhân xây dựng số 1 Lai Châu").
3. A distinctive unit name ("Mường Tè", "Nậm Nhùn") counts alone. An ambiguous one ("Tân Uyên",
   "Đoàn Kết", "Than Uyên") counts only with support: today's province named in the same sentence,
   or named in the article while the unit is typed ("huyện Tân Uyên") or the sentence names no other
   province.
4. Each counted mention adds weight by where it stands: title, lead, body; a mention inside a list
   of provinces ("Lào Cai, Lai Châu, Sơn La…") weighs less.
Score ≥ ``ABOUT`` → about; any counted mention → mention; else none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.gazetteer import Gazetteer, Match, load
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
        if match.unit.level == "province":
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

    for match in found:
        if match.unit.level == "province":
            continue
        sentence = _sentence_of(spans, match.start)
        # Without diacritics a name shared by letters with another place ("tam duong": Tam Đường of
        # Lai Châu, Tam Dương of Vĩnh Phúc) is as ambiguous as "Tân Uyên", even after a unit word.
        if not (match.unit.ambiguous or (match.form == "unaccented" and match.unit.ambiguous_unaccented)):
            counted.append((match, f"đơn vị hành chính riêng của {gazetteer.province.name}"))
        elif sentence in province_sentences:
            counted.append((match, "tên dễ nhầm, có tên tỉnh trong cùng câu"))
        elif province_named and (match.typed and others(sentence) == 0):
            counted.append((match, "tên dễ nhầm, có loại đơn vị và tên tỉnh trong bài"))
    if not counted:
        return Relevance("none", 0.0)

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
        if where.startswith("thân bài"):
            weight = min(weight, max(0.0, BODY_CAP - body))
            body += weight
        score += weight
        evidence.append(Evidence(match.text, match.start, match.end, match.unit.name, f"{rule}; {where}",
                                 round(weight, 3)))
    grade = "about" if score >= ABOUT else "mention"
    return Relevance(grade, round(score, 3), evidence, [m for m, _ in counted])
