"""The questions the press put to the authorities, found in an article's text (title, lead, body).

``press_questions(title, text)`` splits the normalised text into sentences (``analysis.sentences``)
and keeps those that ``question_kind`` accepts, each as a ``Question``: the sentence (trimmed, at
most ``MAX_CHARS``), where it is in the text and its kind:

- ``interview``: a reporter's turn in a Q&A interview ("PV:", "Phóng viên:", "Hỏi:", a dash turn
  "- Ông giải thích thế nào …?", a "…, thưa ông?") or a question the press is said to have put
  ("Trước câu hỏi của PV …", "trả lời thắc mắc của báo chí");
- ``direct``: a question in the outlet's voice about a public matter (it names an authority, an
  official, a public project or a rule): "Ai chịu trách nhiệm?", "Vì sao UBND tỉnh … ?";
- ``reported``: a question or demand of the public carried by the press to the authorities:
  "dư luận đặt câu hỏi …", "người dân đề nghị cơ quan chức năng làm rõ …", "cử tri muốn biết …",
  "… chưa được giải đáp".

Left out: rhetorical openers addressed to the reader ("Bạn đã bao giờ …?"), quizzes, private
questions (readers' letters: "Tôi muốn hỏi …"), questions inside a quotation (someone else's
words), requests of one authority to another ("UBND tỉnh đề nghị các sở …"), questions of
deputies in a session. Measured against 240 hand-labelled sentences in
``tests/data/briefing_questions`` (its README gives precision and recall). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis.normalize import normalize
from analysis.sentences import sentence_spans

MAX_CHARS = 300  # a longer sentence is cut at a word boundary and ends with "…"
MIN_CHARS = 8
MAX_SCAN = 1000  # a "sentence" longer than this (a page without punctuation) is read only this far
KINDS = ("interview", "direct", "reported")

_INTERVIEW_TURN = re.compile(r"^\W{0,3}(PV|P\.V|Phóng viên|Hỏi|Câu hỏi)\s*[:：]", re.IGNORECASE)
_DASH_TURN = re.compile(r"^\s*[-–—]\s*\S")
_ADDRESSED = re.compile(r"thưa (ông|bà|anh|chị|đồng chí|bộ trưởng|thứ trưởng|giám đốc|chủ tịch)\b|"
                        r"^\W*(ông|bà) (giải thích|lý giải|nghĩ|đánh giá|cho biết|nói gì)\b", re.IGNORECASE)
_PRESS_ASKED = re.compile(
    r"(câu hỏi|thắc mắc) của (PV|phóng viên|báo chí|nhà báo|chúng tôi)|"
    r"(PV|phóng viên|báo chí) (đặt câu hỏi|hỏi|chất vấn)\b|"
    r"trao đổi với (PV|phóng viên|chúng tôi)[^.]{0,40}\b(vì sao|tại sao|về việc|liệu|có hay không|hay không)|"
    r"^\W*(về|trước) (những )?câu hỏi\b|\?\s*\+\s",
    re.IGNORECASE)
# The public (and the press) as those who ask or demand.
_PUBLIC = (r"người dân|bà con|dư luận|cử tri|phụ huynh|nhân dân|tiểu thương|ngư dân|hộ dân|nông dân|"
           r"người lao động|công nhân|dòng họ|dòng tộc|hội đồng trị sự|hiệp hội|người nuôi|cư dân|"
           r"bạn đọc|độc giả|báo chí|công luận")
_ASKS = (r"đặt (ra )?câu hỏi|đặt dấu hỏi|thắc mắc|muốn biết|băn khoăn|chất vấn|đề nghị|kiến nghị|yêu cầu|"
         r"đòi|có đơn|gửi đơn|làm đơn|khiếu nại")
_REPORTED = re.compile(rf"\b({_PUBLIC})\b(?P<gap>[^.;]{{0,160}}?)\b({_ASKS})\b|"
                       rf"\b({_ASKS.replace('đề nghị|', '')})\b (của )?({_PUBLIC})\b|"
                       r"(câu hỏi|dấu hỏi) (được|đang được|vẫn được) đặt ra|đặt ra (nhiều )?câu hỏi|"
                       r"chưa (được|có) (ai )?(giải đáp|trả lời|lời giải|câu trả lời)|"
                       r"không hiểu vì (sao|lý do gì)[^.]{0,80}cơ quan",
                       re.IGNORECASE)
# Another asker between the public and the verb ("người dân …, tỉnh Đồng Tháp cũng kiến nghị …").
_OTHER_ASKER = re.compile(r"\b(UBND|Sở|Bộ|ông|bà|công ty|doanh nghiệp)\b|\b(tỉnh|thành phố|TP|huyện|quận) "
                          r"[A-ZĐ]\w*( [A-ZĐ]\w*)* (cũng|đã|vừa|thì)\b")
# What is said already answered or acknowledged is no longer a question.
_ANSWERED = re.compile(r"(?<!chưa )(?<!không )(?<!chưa hề )\b(đã được|được) [^.]{0,40}(trả lời|giải đáp)|"
                       r"là (hoàn toàn )?(đúng|chính đáng)",
                       re.IGNORECASE)
# A public matter: an authority, an official, a public project, a rule, public money.
_PUBLIC_MATTER = re.compile(
    r"\b(UBND|HĐND|chính quyền|cơ quan|nhà nước|chính phủ|thủ tướng|bộ trưởng|bộ|sở|ngành|tỉnh|thành phố|TP|"
    r"huyện|xã|phường|quận|thị xã|địa phương|lãnh đạo|cán bộ|công chức|chủ tịch|giám đốc|thanh tra|công an|trách nhiệm|"
    r"quản lý|quy hoạch|dự án|công trình|đề án|chủ trương|chính sách|quy định|luật|thẩm quyền|giấy phép|"
    r"ngân sách|vốn|đầu tư|cấm|xử lý|sai phạm|vi phạm|tham nhũng|tiêu cực|bổ nhiệm|"
    r"giao đất|đường băng|cao tốc|sân bay|BRT|trường|bệnh viện|cây xanh|vỉa hè|mã vùng|thu phí|phí)\b",
    re.IGNORECASE)
_READER = re.compile(r"\b(bạn|các bạn|quý vị|quý khách|độc giả)\b", re.IGNORECASE)
_PRIVATE = re.compile(r"\b(tôi muốn hỏi|xin hỏi|cho (tôi|em|cháu) hỏi|xin được hỏi|chồng tôi|vợ tôi|con tôi|"
                      r"bố tôi|mẹ tôi|gia đình tôi)\b", re.IGNORECASE)
_QUIZ = re.compile(r"\b(câu đố|đố vui|đáp án|trắc nghiệm|giải đố|bao nhiêu tuổi|ai là người)\b", re.IGNORECASE)
_DEPUTY = re.compile(r"\b(đại biểu|ĐBQH|ĐB [A-ZĐ])", re.IGNORECASE)
_WH = re.compile(r"^\W*(vì sao|tại sao|ai chịu trách nhiệm|đến bao giờ|tới bao giờ|bao giờ|có nên|nên chăng|"
                 r"liệu|phải chăng|ai)\b", re.IGNORECASE)
_QUESTION_WORD = re.compile(r"\b(vì sao|tại sao|ai chịu trách nhiệm|đến bao giờ|tới bao giờ)\b", re.IGNORECASE)
# Every accepted sentence holds one of these: a cheap test before the rules (most sentences hold none).
_CUE = re.compile(r"\?|hỏi|thắc mắc|muốn biết|băn khoăn|chất vấn|đề nghị|kiến nghị|yêu cầu|đòi|(có|gửi|làm) đơn|"
                  r"khiếu nại|giải đáp|trả lời|lời giải|không hiểu vì|vì sao|tại sao|ai chịu trách nhiệm|bao giờ|PV|"
                  r"phóng viên",
                  re.IGNORECASE)
_QUOTED = re.compile(r"^\W{0,2}[\"“‘«]")
# Bodies whose name holds "nhân dân" (the people's committee, court, police …) are authorities.
_STATE_BODY = re.compile(r"\b(ủy|uỷ) ban nhân dân|hội đồng nhân dân|(công an|quân đội|tòa án|toà án|viện kiểm sát) "
                         r"nhân dân|(ủy|uỷ) ban (mặt trận|MTTQ)", re.IGNORECASE)


@dataclass(frozen=True)
class Question:
    sentence: str  # trimmed, at most MAX_CHARS
    start: int  # offsets in the normalised text
    end: int
    kind: str  # interview | direct | reported


def _asks(sentence: str) -> bool:
    """A real question mark (not "(!?)" or "(?)" as an aside)."""
    return "?" in re.sub(r"\((!?\?!?)+\)", "", sentence)


def _reported(text: str) -> list[re.Match[str]]:
    """Every reported question or demand of the public, from each place one could start."""
    found = []
    position = 0
    while (match := _REPORTED.search(text, position)) is not None:
        found.append(match)
        position = match.start() + 1
    return found


def question_kind(sentence: str) -> str | None:
    """The kind of press question ``sentence`` is (``KINDS``), None when it is none."""
    text = sentence.strip()[:MAX_SCAN]
    if len(text) < MIN_CHARS or not _CUE.search(text) or _PRIVATE.search(text) or _QUIZ.search(text):
        return None
    asks = _asks(text)
    text = _STATE_BODY.sub("UBND", text)
    if _INTERVIEW_TURN.match(text) or _PRESS_ASKED.search(text):
        return "interview"
    if asks and (_DASH_TURN.match(text) or _ADDRESSED.search(text)):
        return "interview"
    reported = any(not (match["gap"] and _OTHER_ASKER.search(match["gap"])) for match in _reported(text))
    if reported and not _ANSWERED.search(text) and not _DEPUTY.search(text):
        return "reported"
    direct = asks or bool(_WH.match(text) and _QUESTION_WORD.search(text))
    if not direct or _QUOTED.match(text) or _READER.search(text) or _DEPUTY.search(text):
        return None
    return "direct" if _PUBLIC_MATTER.search(text) else None


def trimmed(sentence: str, limit: int = MAX_CHARS) -> str:
    """``sentence`` without surrounding spaces and quotes, cut at a word boundary past ``limit``."""
    text = re.sub(r"\s+", " ", sentence).strip().strip("\"“”‘’«» ")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"


def press_questions(title: str, text: str, normalised: bool = False) -> list[Question]:
    """The press's questions to the authorities in an article, in text order, each sentence once.
    ``text`` is the article's text (it usually repeats the title as its first line); a title not
    at its start is read as well, as a sentence before it (offsets then count from the title).
    ``normalised``: title and text are ``normalize``'s output already (the store's)."""
    document = text if normalised else normalize(text)
    head = (title if normalised else normalize(title)).strip()
    if head and not document.lstrip().startswith(head):
        document = f"{head}\n{document}"
    found: list[Question] = []
    if not _CUE.search(document):
        return found
    seen: set[str] = set()
    for start, end in sentence_spans(document):
        sentence = document[start:end]
        kind = question_kind(sentence)
        if kind is None:
            continue
        short = trimmed(sentence)
        if short.casefold() not in seen:
            seen.add(short.casefold())
            found.append(Question(short, start, end, kind))
    return found
