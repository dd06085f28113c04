"""Social text (issue 23): posts and comments are typed in lower case, often without diacritics
("lu quet o muong te lai chau"). Relevance and places must read them, and the false friends must
stay out in every form ("tuong lai chau a", "khach san muong thanh", "tan uyen, binh duong")."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from analysis import fold, normalize
from analysis.evaluate import macro_f1, per_label, relevant_vs_none
from analysis.gazetteer import load
from analysis.places import places
from analysis.relevance import Relevance, relevance
from analysis.segment import segment
from tests.support.paths import DATA

FORMS: dict[str, Callable[[str], str]] = {"as written": lambda s: s, "lower case": str.lower,
                                          "lower case, unaccented": fold}
# Measured (docs/analysis.md, "Social text"): relevant-vs-none P/R and about/mention/none macro-F1.
FLOORS = {
    "lower case": {"precision": 0.98, "recall": 0.98, "grades_macro_f1": 0.97},
    "lower case, unaccented": {"precision": 0.98, "recall": 0.98, "grades_macro_f1": 0.96},
}


def grade(title: str, text: str = "") -> Relevance:
    title, text = normalize(title), normalize(text)
    document = f"{title}\n{text}"
    return relevance(document, len(title), fold(document), segment(document))


def _devset() -> list[dict[str, object]]:
    path = DATA / "analysis_dev" / "devset.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.slow
@pytest.mark.parametrize("form", list(FLOORS))
def test_development_set_in_lower_case_and_unaccented(form: str) -> None:
    """The 239 labelled articles, lower-cased (and stripped of diacritics), against the same gold."""
    change = FORMS[form]
    rows = _devset()
    gold = [str(r["relevance"]) for r in rows]
    predicted = [grade(change(str(r["title"])), change(str(r["text"]))).grade for r in rows]
    relevant = relevant_vs_none(gold, predicted)
    floors = FLOORS[form]
    assert relevant.precision >= floors["precision"], relevant
    assert relevant.recall >= floors["recall"], relevant
    assert macro_f1(per_label(gold, predicted, ("about", "mention", "none"))) >= floors["grades_macro_f1"]


@pytest.mark.parametrize("form", list(FORMS))
def test_titles_alone(form: str) -> None:
    """Titles are what a share or a headline feed carries: the relevant titles that name the province
    are found, and no title of an article that is not about it is graded relevant, in every form."""
    change = FORMS[form]
    found = missed = 0
    for row in _devset():
        title = str(row["title"])
        result = grade(change(title), "").grade
        if row["relevance"] == "none":
            assert result == "none", title
        elif "lai chau" in fold(title):
            found += result != "none"
            missed += result == "none"
    assert found >= 4 and missed == 0


@pytest.mark.parametrize("form", list(FORMS))
def test_real_comments_that_spell_a_place_name_are_not_lai_chau(form: str) -> None:
    """166 real comments whose folded letters hold a Lai Châu name ("cần có" → "can co", "năm mà" →
    "nam ma", "tương lai cháu" → "lai chau", "tu tâm dưỡng tính" → "tam duong")."""
    change = FORMS[form]
    rows = [json.loads(line) for line in
            (DATA / "comments" / "place_names.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 166
    wrong = [row["text"] for row in rows if grade("", change(row["text"])).grade != "none"]
    assert wrong == []


SOCIAL = [
    ("", "lu quet o muong te lai chau, nhieu nha bi cuon troi"),
    ("", "tinh lai chau mua lon gay sat lo"),
    ("", "lũ quét ở mường tè, lai châu làm 3 người mất tích"),
    ("", "nam nay lai chau duoc mua, ba con phan khoi"),
    ("", "đường lên sìn hồ sạt lở, xe không qua được"),
    ("", "ubnd huyen tam duong tinh lai chau to chuc hop bao"),
    ("", "#laichau dep qua"),
]


@pytest.mark.parametrize(("title", "text"), SOCIAL)
def test_social_posts_naming_the_province_are_found(title: str, text: str) -> None:
    assert grade(title, text).grade != "none"


def test_lower_case_title_is_about() -> None:
    """Lower case with diacritics was graded "mention" at best: the title did not count."""
    assert grade("lũ quét ở mường tè, lai châu", "nhiều nhà bị cuốn trôi, 3 người mất tích.").grade == "about"
    assert grade("lu quet o muong te, lai chau", "nhieu nha bi cuon troi, 3 nguoi mat tich.").grade == "about"


TRAPS = [
    ("Tương lai châu Á", "Hội nghị bàn về tương lai châu Á trong kỷ nguyên số."),
    ("Khách sạn Mường Thanh khai trương", "Khách sạn Mường Thanh mở thêm cơ sở tại Đà Nẵng."),
    ("Tinh thần đoàn kết", "Cả lớp đoàn kết, thân thuộc như anh em một nhà."),
    ("Bình Dương: Tân Uyên lên thành phố", "Thị xã Tân Uyên, tỉnh Bình Dương chính thức trở thành thành phố."),
    ("Sửa đường Lê Lợi", "Đường Lê Lợi ở TP Vinh được nâng cấp."),
    ("Hồi ức Điện Biên", "Năm 1954, tỉnh Lai Châu cũ, nay là Điện Biên, là chiến trường ác liệt."),
    ("Tam Dương đón Tết", "Người dân huyện Tam Dương, Vĩnh Phúc vui xuân."),
    ("Con lai châu Âu", "Cô bé con lai châu Âu nổi tiếng trên mạng."),
    ("Chủ khách sạn Mường Thanh", "Doanh nghiệp tư nhân xây dựng số 1 Lai Châu là chủ đầu tư chuỗi khách sạn."),
    ("Năm xe bị tịch thu", "Công an thu giữ năm xe máy, cần có thêm chứng cứ."),
    ("", "chú tin rằng tương lai cháu sẽ là người mạnh mẽ"),
]


@pytest.mark.parametrize("form", list(FORMS))
@pytest.mark.parametrize(("title", "text"), TRAPS)
def test_false_friends_in_every_form(title: str, text: str, form: str) -> None:
    change = FORMS[form]
    result = grade(change(title), change(text))
    assert result.grade == "none", result.evidence


@pytest.mark.parametrize("form", list(FORMS))
def test_places_of_a_lower_case_post(form: str) -> None:
    text = FORMS[form]("Sạt lở ở xã Pa Tần, huyện Sìn Hồ và ở Mường Tè, tỉnh Lai Châu")
    result = grade("", text)
    found = {p.name for p in places(result.matches, load())}
    assert {"Pa Tần", "Sìn Hồ", "Mường Tè", "Lai Châu"} <= found


def test_unaccented_unit_alone_needs_the_province() -> None:
    """Bare lower-case letters are often ordinary words; a distinctive unit without diacritics counts
    when the text names the province too."""
    assert grade("", "sin ho mua to qua").grade == "none"
    assert grade("", "sin ho, lai chau mua to qua").grade != "none"
    assert grade("", "sìn hồ mưa to quá").grade != "none"  # with its diacritics the name is the place's


def test_a_writer_who_capitalises_names_does_not_mean_the_lower_case_ones() -> None:
    """Unaccented text with capitals: "can co" beside "Lai Chau" is "cần có", "san Thang" is not San
    Thàng."""
    result = grade("Lai Chau: can co them thoi gian", "Cong an tinh Lai Chau xay san Thang Long moi.")
    assert {m.unit.name for m in result.matches} == {"Lai Châu"}
    lower = grade("", "sin ho, lai chau can co them mua")
    assert {m.unit.name for m in lower.matches} == {"Lai Châu", "Sìn Hồ", "Căn Co"}  # the cost, in lower case
