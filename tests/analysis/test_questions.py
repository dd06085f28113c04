"""The press's questions to the authorities (``analysis.questions``): the kinds on real sentence
forms, what is left out, the trimming, and the precision and recall floors on the 240 hand-labelled
sentences of ``tests/data/briefing_questions`` (tuned on the odd half; the even half held out)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.questions import MAX_CHARS, press_questions, question_kind, trimmed

DATA = Path(__file__).resolve().parents[1] / "data" / "briefing_questions"
LABELS = [json.loads(line) for line in (DATA / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
FLOORS = json.loads((DATA / "floors.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(("sentence", "kind"), [
    ("PV: Vì sao dự án thủy điện chậm đền bù cho dân suốt 3 năm?", "interview"),
    ("Phóng viên: Xin ông cho biết công tác chuẩn bị cho hội nghị?", "interview"),
    ("- Ông giải thích thế nào khi có ý kiến cho rằng thửa đất được chuyển đổi trong một ngày?", "interview"),
    ("Trước câu hỏi của PV về việc lấn chiếm vỉa hè, ông Hùng cho biết sẽ kiểm tra.", "interview"),
    ("Vì sao UBND huyện Tam Đường chưa thu hồi dự án treo suốt 10 năm?", "direct"),
    ("Ai chịu trách nhiệm cho việc cầu treo bị sập?", "direct"),
    ("Dư luận đặt câu hỏi về trách nhiệm quản lý của chính quyền xã.", "reported"),
    ("Người dân thắc mắc về khoản phí lạ nhưng đến nay chưa được giải đáp.", "reported"),
    ("Bà con đã làm đơn kiến nghị lên UBND xã và cơ quan chức năng liên quan.", "reported"),
    ("Cử tri muốn biết Trịnh Xuân Thanh đã bị bắt chưa?", "reported"),
])
def test_the_kinds_of_press_question(sentence: str, kind: str) -> None:
    assert question_kind(sentence) == kind


@pytest.mark.parametrize("sentence", [
    "Các bạn có bao giờ thắc mắc tại sao có đá phong thủy mà không có sắt phong thủy?",  # to the reader
    "Tôi muốn hỏi chồng tôi có được chia tài sản khi ly hôn không?",  # a private question
    "Đáp án câu đố hôm qua là gì?",  # a quiz
    "UBND tỉnh đề nghị các sở, ngành khẩn trương rà soát quy hoạch.",  # one authority to another
    "Đại biểu đề nghị Chính phủ giải trình vì sao dự án chậm?",  # a deputy in a session
    "“Tại sao ở nước ngoài người ta không dám xả rác?” ông nói.",  # someone's quoted words
    "Mưa to ở miền Bắc còn tiếp diễn đến khi nào?",  # not a public matter
    "Những phản ảnh, kiến nghị của nhân dân địa phương là hoàn toàn đúng.",  # acknowledged
    "Công an tỉnh đang điều tra làm rõ nguyên nhân vụ việc.",  # "làm rõ" by the authority itself
    "Sở Y tế cho rằng việc cơ quan Bảo hiểm xã hội yêu cầu thương lượng lại giá thuốc là không đúng.",  # a body
])
def test_what_is_not_a_question_to_the_authorities(sentence: str) -> None:
    assert question_kind(sentence) is None


def test_questions_of_an_article_in_its_title_lead_and_body_once_each() -> None:
    title = "Vì sao dự án nước sạch ở Sìn Hồ bỏ hoang?"
    text = (f"{title}\nCông trình nước sạch 5 tỷ đồng bỏ hoang sau 2 năm. Bạn đã bao giờ uống nước suối?\n"
            "PV: Ai chịu trách nhiệm cho công trình này, thưa ông?\n"
            "Người dân đề nghị cơ quan chức năng làm rõ trách nhiệm của chủ đầu tư.\n"
            "Vì sao dự án nước sạch ở Sìn Hồ bỏ hoang?")
    found = press_questions(title, text)
    assert [(q.kind, q.sentence) for q in found] == [
        ("direct", title),
        ("interview", "PV: Ai chịu trách nhiệm cho công trình này, thưa ông?"),
        ("reported", "Người dân đề nghị cơ quan chức năng làm rõ trách nhiệm của chủ đầu tư."),
    ]
    normalised = found[1]
    assert text[normalised.start:normalised.end] == normalised.sentence  # offsets into the text


def test_a_long_sentence_is_cut_at_a_word() -> None:
    long = "Người dân đề nghị cơ quan chức năng làm rõ " + "trách nhiệm của chủ đầu tư dự án " * 30
    [question] = press_questions("", long)
    assert len(question.sentence) <= MAX_CHARS and question.sentence.endswith("…")
    assert not question.sentence[:-1].endswith(" ")
    assert trimmed("  “Vì sao?”  ") == "Vì sao?"


@given(st.text(max_size=400))
def test_any_text_gives_a_list(text: str) -> None:
    for question in press_questions(text[:40], text):
        assert 0 < len(question.sentence) <= MAX_CHARS


def _scores(rows: list[dict[str, object]]) -> tuple[float, float]:
    said = [question_kind(str(row["sentence"])) is not None for row in rows]
    gold = [row["label"] == "yes" for row in rows]
    tp = sum(s and g for s, g in zip(said, gold, strict=True))
    return tp / sum(said), tp / sum(gold)


@pytest.mark.parametrize("part", ["held_out", "all"])
def test_precision_and_recall_floors(part: str) -> None:
    rows = [row for row in LABELS if part == "all" or int(row["n"]) % 2 == 0]
    assert len(rows) >= (200 if part == "all" else 100)
    precision, recall = _scores(rows)
    assert precision >= FLOORS[part]["precision"] and recall >= FLOORS[part]["recall"], (precision, recall)
