"""The hand-written genre rules (the decision order G1–G6 of ``tests/data/register_dev/GUIDELINES.md``)
and the marks they read.

``rule_genre`` was ``register.detect.genre`` up to detector version 1: it finds the forms that are
not news (interview, research, analysis, feature, other) by their visible marks and calls the rest
``news_report``. Since version 2 the trained model (``register.genre_model``) answers, and these
marks (``signals``) and the rules' answer are among the features it reads.
"""

from __future__ import annotations

import re

GENRES = ("news_report", "feature", "interview", "analysis", "research", "other")

# Genre marks.
_QA_LINE = re.compile(r"(?:^|\s)(?:PV|Phóng viên|P\.V|Hỏi|Câu hỏi)\s*:", re.MULTILINE)
_ASK = re.compile(r"\b(?:[Xx]in (?:ông|bà|anh|chị|cô|chú)\s+(?:cho biết|chia sẻ)|[Tt]hưa (?:ông|bà|anh|chị|cô|chú)|"
                  r"[Ôô]ng (?:có thể )?(?:cho biết|đánh giá|nhìn nhận)[^.?]{0,80}\?|"
                  r"[Bb]à (?:có thể )?(?:cho biết|đánh giá|nhìn nhận)[^.?]{0,80}\?)")
_INTERVIEW_TITLE = re.compile(r"phỏng vấn|trò chuyện|giao lưu trực tuyến|trao đổi với|\bQ&A\b", re.IGNORECASE)
_RESEARCH = re.compile(r"Tài liệu tham khảo|Tóm tắt\s*:|Từ khóa\s*:|Từ khoá\s*:")
_FOOTNOTE = re.compile(r"\[\d{1,2}\]")
_ANALYSIS_TITLE = re.compile(r"^(?:bình luận|xã luận|góc nhìn|nhận định|quan điểm|phân tích|thấy gì|góc blv|"
                             r"dự đoán|soi kèo)|nhận định[, ]|\bthấy gì qua\b", re.IGNORECASE)
_OPINION = re.compile(r"\b(?:[Tt]heo tôi|[Tt]ôi cho rằng|[Cc]húng ta cần|[Cc]húng ta phải|[Cc]húng ta hãy|"
                      r"[Bb]ài viết thể hiện quan điểm|[Tt]heo thiển ý|[Pp]hải chăng|[Vv]ấn đề đặt ra|"
                      r"[Tt]heo quan điểm của|[Cc]ần phải|[Nn]ên chăng)")
_OTHER_TITLE = re.compile(r"^(?:\d+|[Nn]hững|[Cc]ác)\s+(?:món|loại|lý do|điều|cách|mẹo|bí quyết|thực phẩm|loài|kiểu|"
                          r"thói quen|dấu hiệu|sai lầm|bài học|câu nói|địa điểm|nơi)\b|qua ảnh\b|[Cc]ận cảnh cuộc sống|"
                          r"\bbộ ảnh\b|[Vv]ận may|[Tt]ử vi|[Nn]ên ăn|[Cc]ó nên\b|[Tt]ruyện\b")
_FEATURE = re.compile(r"\b(?:[Pp]hóng sự|[Kk]ý sự|[Gg]hi chép|[Bb]út ký|[Cc]húng tôi có mặt|[Cc]húng tôi tìm đến|"
                      r"[Cc]húng tôi đến|PV tìm đến|PV có mặt|[Tt]heo chân|[Tt]rong vai|[Đđ]óng vai|"
                      r"[Hh]ôm chúng tôi|[Kk]ỳ \d+\s*:|[Bb]ài \d+\s*:|[Bb]ài cuối\s*:|[Pp]hóng viên có mặt)")
_OTHER = re.compile(r"\b(?:[Nn]guyên liệu\s*:|[Cc]ách làm\s*:|[Tt]ử vi|[Cc]on giáp|[Pp]hong thủy|[Bb]ói bài|"
                    r"[Tt]ruyện dài kỳ|[Tt]ruyện ngắn\s*:|[Mm]ời các bạn đón đọc|[Mm]ẹo\b|[Bb]í quyết|"
                    r"[Cc]ông thức\s*:|[Cc]ung hoàng đạo|[Tt]âm sự)")
_FIRST_PERSON = re.compile(r"\b(?:[Tt]ôi|[Mm]ình|[Ee]m)\b")
_NEWS_LEAD = re.compile(r"^(?:[^.]{0,80}?)\b(?:[Ss]áng|[Tt]rưa|[Cc]hiều|[Tt]ối|[Đđ]êm|[Nn]gày|[Rr]ạng sáng|[Hh]ôm)"
                        r"\s*(?:qua|nay|\d{1,2}[/.-]\d{1,2})")
_QUOTE = re.compile(r"[\"“”]")
_LINK = re.compile(r"https?://")


def _body(title: str, text: str) -> str:
    return text[len(title):] if text.startswith(title) else text


def signals(title: str, text: str) -> dict[str, float]:
    """The counts and flags the rules decide by (and a few more), named; the model's ``sig:`` features."""
    body = _body(title, text)
    return {
        "length": float(len(body)),
        "questions": float(body.count("?")),
        "quotes": float(len(_QUOTE.findall(body))),
        "qa_lines": float(len(_QA_LINE.findall(body))),
        "asks": float(len(_ASK.findall(body))),
        "interview_title": float(bool(_INTERVIEW_TITLE.search(title))),
        "research": float(bool(_RESEARCH.search(body))),
        "footnotes": float(len(_FOOTNOTE.findall(body))),
        "links_at_end": float(bool(_LINK.search(body[-2000:]))),
        "opinions": float(len(_OPINION.findall(body))),
        "analysis_title": float(bool(_ANALYSIS_TITLE.search(title))),
        "other_title": float(bool(_OTHER.search(title) or _OTHER_TITLE.search(title))),
        "other_marks": float(len(_OTHER.findall(body))),
        "first_person": float(len(_FIRST_PERSON.findall(body))),
        "news_lead": float(bool(_NEWS_LEAD.search(body))),
        "feature_title": float(bool(_FEATURE.search(title))),
        "feature_marks": float(len(_FEATURE.findall(body))),
        "title_question": float("?" in title),
    }


def rule_genre(title: str, text: str) -> str:
    """The rules' answer (``GENRES``), by the decision order G1–G6 of the guidelines."""
    return decide(signals(title, text))


def decide(s: dict[str, float]) -> str:
    """``rule_genre`` from the item's ``signals``."""
    length = max(s["length"], 1.0)
    if s["qa_lines"] >= 3 or s["asks"] >= 2 or (s["interview_title"] and s["questions"] >= 3
                                               and s["qa_lines"] + s["asks"] >= 1):
        return "interview"
    if s["research"] and s["footnotes"] >= 3 and not s["links_at_end"]:
        return "research"
    if s["analysis_title"] or s["opinions"] * 2000 >= length and s["opinions"] >= 2 or s["footnotes"] >= 3:
        return "analysis"
    if s["other_title"] or s["other_marks"] >= 2:
        return "other"
    if s["first_person"] * 120 >= length and s["first_person"] >= 8 and not s["news_lead"]:
        return "other"
    if s["feature_title"] or s["feature_marks"] >= 2:
        return "feature"
    return "news_report"
