"""Posts and comments: short, informal, often without diacritics, with chat abbreviations and
emoji. The analysis must read them as it reads articles."""

from __future__ import annotations

import pytest

from analysis.lexicon import syllables
from analysis.pipeline import Analyzer
from analysis.teencode import expand
from presswatch.config import load_analyzer
from tests.support.paths import CONFIG


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return load_analyzer(CONFIG, with_entities=False)


def test_chat_abbreviations_read_as_the_words(analyzer: Analyzer) -> None:
    typed = analyzer.analyze("", "Dịch vụ ở đây ko hài lòng chút nào, bực mình")
    written = analyzer.analyze("", "Dịch vụ ở đây không hài lòng chút nào, bực mình")
    assert typed.sentiment.label == written.sentiment.label == "negative"
    assert typed.sentiment.score == written.sentiment.score
    assert "không … hài lòng" in typed.sentiment.evidence
    assert [s.text for s in expand(syllables("bn tiền vậy, ko dc à"))] == [
        "bao", "nhiêu", "tiền", "vậy", "không", "được", "à"]
    # Ambiguous forms are left alone in articles ("Ng. Văn A", "15 kg gạo"), read in comments.
    assert [s.text for s in expand(syllables("Ng Văn A, 15 kg"))] == ["ng", "văn", "a", "15", "kg"]
    assert "không" in [s.text for s in expand(syllables("15 kg"), comments=True)]
    assert analyzer.analyze("", "Khách k hài lòng").sentiment.evidence == ["hài lòng"]
    assert analyzer.analyze("", "Khách k hài lòng", comment=True).sentiment.evidence == ["không … hài lòng"]


def test_emoji_and_emoticons_carry_sentiment(analyzer: Analyzer) -> None:
    angry = analyzer.analyze("", "Giá điện lại tăng nữa rồi 😡😡😡😡")
    assert angry.sentiment.label == "negative" and angry.sentiment.evidence == ["😡", "😡"]  # capped at two
    happy = analyzer.analyze("", "Đường lên bản đẹp quá ❤️ 👍")
    assert happy.sentiment.label == "positive" and set(happy.sentiment.evidence) == {"❤", "👍"}
    assert analyzer.analyze("", "Họp lúc 10:30, tỷ lệ 3:2, xem http://a.vn").sentiment.evidence == []
    assert ":((" in analyzer.analyze("", "Mất điện cả ngày :((").sentiment.evidence


def test_unaccented_post_with_hashtag(analyzer: Analyzer) -> None:
    post = analyzer.analyze("", "Lu quet o Muong Te, 2 nguoi mat tich #LaiChau")
    assert post.unaccented
    assert post.relevance.grade != "none"
    assert "thien-tai" in {t.slug for t in post.topics}
    assert post.sentiment.label == "negative"
    assert post.to_json()["toxicity"]["label"] == "clean"
    tagged = analyzer.analyze("", "Bà con bản Nậm Ma cần giúp đỡ #SạtLở #LũQuét")
    assert "thien-tai" in {t.slug for t in tagged.topics}  # CamelCase hashtags read as words
    assert [s.text for s in expand(syllables("#LuQuet #luquet #UBND"), text="#LuQuet #luquet #UBND")] == [
        "lu", "quet", "luquet", "ubnd"]
    hostile = analyzer.analyze("", "thang ad oc cho, dm")
    assert hostile.to_json()["toxicity"]["label"] == "hate"
