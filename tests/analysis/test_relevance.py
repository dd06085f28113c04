"""Relevance to Lai Châu: the traps of the design are requirements."""

from __future__ import annotations

import pytest

from analysis import fold, normalize
from analysis.gazetteer import load
from analysis.places import places
from analysis.relevance import Relevance, relevance
from analysis.segment import segment


def grade(title: str, text: str = "") -> Relevance:
    title, text = normalize(title), normalize(text)
    document = f"{title}\n{text}"
    return relevance(document, len(title), fold(document), segment(document))


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Tương lai châu Á", "Hội nghị bàn về tương lai châu Á trong kỷ nguyên số."),
        ("Khách sạn Mường Thanh khai trương", "Khách sạn Mường Thanh mở thêm cơ sở tại Đà Nẵng."),
        ("Tinh thần đoàn kết", "Cả lớp đoàn kết, thân thuộc như anh em một nhà."),
        ("Bình Dương: Tân Uyên lên thành phố", "Thị xã Tân Uyên, tỉnh Bình Dương chính thức trở thành thành phố."),
        ("Sửa đường Lê Lợi", "Đường Lê Lợi ở TP Vinh được nâng cấp."),
        ("Hồi ức Điện Biên", "Năm 1954, tỉnh Lai Châu cũ, nay là Điện Biên, là chiến trường ác liệt."),
        ("Tam Dương đón Tết", "Người dân huyện Tam Dương, Vĩnh Phúc vui xuân."),
    ],
)
def test_traps_are_not_lai_chau(title: str, text: str) -> None:
    result = grade(title, text)
    assert result.grade == "none", result.evidence


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Họp báo thường kỳ", "Ủy ban nhân dân tỉnh Lai châu tổ chức họp báo thường kỳ quý III."),
        ("LAI CHÂU: SẠT LỞ NGHIÊM TRỌNG", "Mưa lớn gây sạt lở nhiều nơi."),
        ("Lai Chau: mua lon gay sat lo", "Nhieu tuyen duong bi chia cat."),
        ("Du lịch mùa lúa chín", "Về #LaiChau ngắm ruộng bậc thang, xem thêm trên laichau.gov.vn."),
        ("Lũ quét ở Mường Tè", "Lũ quét cuốn trôi cầu tạm ở huyện Mường Tè."),
        ("Thủy điện xả lũ", "Thủy điện Lai Châu mở cửa xả đáy."),
    ],
)
def test_real_mentions_are_found(title: str, text: str) -> None:
    assert grade(title, text).grade != "none"


def test_ambiguous_unit_needs_support() -> None:
    assert grade("Tai nạn ở Tân Uyên", "Một vụ tai nạn xảy ra tại thị xã Tân Uyên.").grade == "none"
    supported = grade("Tai nạn ở Tân Uyên", "Một vụ tai nạn xảy ra tại huyện Tân Uyên, tỉnh Lai Châu.")
    assert supported.grade != "none"
    assert any(e.unit == "Tân Uyên" for e in supported.evidence)


def test_about_versus_mention() -> None:
    about = grade("Lai Châu di dời khẩn cấp 5 hộ dân", "Tại thành phố Lai Châu xuất hiện hố sụt lún lớn.")
    assert about.grade == "about"
    mention = grade(
        "Bắc Bộ mưa lớn diện rộng",
        "Mưa lớn ở Hà Nội. Cảnh báo lũ quét tại Lào Cai, Yên Bái, Lai Châu, Sơn La, Hà Giang.",
    )
    assert mention.grade == "mention"
    assert mention.score < about.score
    assert "danh sách nhiều tỉnh" in mention.evidence[0].rule


def test_evidence_points_at_the_text() -> None:
    title, text = "Sạt lở ở Mường Tè", "Mưa lớn tại huyện Mường Tè, tỉnh Lai Châu."
    result = grade(title, text)
    document = f"{title}\n{text}"
    for evidence in result.evidence:
        assert document[evidence.start:evidence.end] == evidence.text
    assert {e.unit for e in result.evidence} == {"Mường Tè", "Lai Châu"}


def test_places_map_legacy_units_to_2025() -> None:
    result = grade("Tai nạn ở xã Thân Thuộc", "Vụ tai nạn xảy ra ở xã Thân Thuộc, huyện Tân Uyên, tỉnh Lai Châu.")
    found = {p.name: p for p in places(result.matches, load())}
    assert "Thân Thuộc" in found
    assert found["Thân Thuộc"].current == ["Xã/phường Tân Uyên"]
    assert any("Huyện Tân Uyên" in legacy for legacy in found["Thân Thuộc"].legacy)


def test_gazetteer_covers_both_eras() -> None:
    gazetteer = load()
    legacy = [u for u in gazetteer.units.values() if u.legacy]
    current = [u for u in gazetteer.units.values() if u.current]
    assert len(current) == 38
    assert sum(1 for u in legacy for entry in u.legacy if not entry.startswith("Huyện")) == 106
    assert {"Mường Tè", "Nậm Nhùn", "Sìn Hồ", "Phong Thổ", "Than Uyên", "Tân Uyên", "Tam Đường"} <= {
        u.name for u in gazetteer.units.values() if u.level == "district"}
