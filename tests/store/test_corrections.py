"""Analysts' corrections (``presswatch.store.corrections``) on a real SQLite store: a correction wins
in search, facets and the stored analysis at once; a later one supersedes; withdrawing brings the
model back; a re-analysis loses nothing (``overlay_corrections``); bad input is refused in Vietnamese."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analysis.pipeline import Analyzer
from presswatch.config import load_analyzer
from presswatch.errors import CorrectionError
from presswatch.models import Article
from presswatch.query import Field
from presswatch.search import SearchRequest
from presswatch.search.sqlite import SqliteIndex
from presswatch.store import Store
from presswatch.store import corrections as fixes
from presswatch.store.articles import analysis_of, set_analysis
from tests.support.paths import CONFIG

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
TOPICS = ["thien-tai", "tai-nan", "an-ninh-trat-tu", "kinh-te", "xa-hoi"]
FLOOD = ("Lũ quét ở Mường Tè, Lai Châu làm 3 người mất tích",
         "Mưa lớn gây lũ quét tại xã Mường Tè, tỉnh Lai Châu; 3 người mất tích, nhiều nhà bị cuốn trôi.")
ROAD = ("Lai Châu khánh thành đường nối Tam Đường – Phong Thổ",
        "Tỉnh Lai Châu khánh thành tuyến đường mới, người dân đi lại thuận lợi, hàng hóa lưu thông dễ dàng.")


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return load_analyzer(CONFIG, with_entities=False)


def stored(tmp_path: Path, analyzer: Analyzer) -> tuple[Path, list[int]]:
    path = tmp_path / "pw.db"
    ids = []
    with Store(path) as store:
        for number, (title, text) in enumerate((FLOOD, ROAD)):
            found = store.add_article(Article(url=f"https://bao.vn/{number}", source_id="bao-a", title=title,
                                              text=text, published_at=NOW - timedelta(hours=number),
                                              analysis=analyzer.analyze(title, text)))
            assert found is not None
            ids.append(found)
    return path, ids


def hits(store: Store, field: str, value: str) -> list[int]:
    result = SqliteIndex(store).search(SearchRequest("lai chau", filters=(Field(field, value),), now=NOW))
    return [hit.id for hit in result.hits]


def sentiment_hits(store: Store, label: str) -> list[int]:
    return hits(store, "sentiment", label)


def facets(store: Store) -> dict[str, dict[str, int]]:
    result = SqliteIndex(store).search(SearchRequest("lai chau", facets=True, now=NOW))
    return {name: dict(counts) for name, counts in result.facets.items()}


def test_a_correction_wins_in_search_facets_and_analysis_and_withdrawing_brings_the_model_back(
        tmp_path: Path, analyzer: Analyzer) -> None:
    path, (flood, road) = stored(tmp_path, analyzer)
    with Store(path) as store:
        model = analysis_of(store.db, [flood])[flood]
        assert model["sentiment"] == "negative" and "thien-tai" in model["topics"]
        assert flood in sentiment_hits(store, "negative")

        fix = fixes.correct(store, flood, "sentiment", "neutral", "chuyen-vien", "tin cảnh báo, chưa có thiệt hại",
                            topics=TOPICS)
        assert (fix.model_value, fix.value, fix.user_name) == ("negative", "neutral", "chuyen-vien")
        assert flood not in sentiment_hits(store, "negative") and flood in sentiment_hits(store, "neutral")
        assert store.article(flood).sentiment == "neutral"  # type: ignore[union-attr]

        later = fixes.correct(store, flood, "sentiment", "positive", "truong-phong", topics=TOPICS)
        assert later.model_value == "negative"  # the model's value, not the superseded correction's
        assert flood in sentiment_hits(store, "positive")
        assert [c.value for c in fixes.corrections_of(store, flood)] == ["positive", "neutral"]

        fixes.correct(store, flood, "topics", ["tai-nan", "xa-hoi"], "chuyen-vien", topics=TOPICS)
        assert flood in hits(store, "topic", "tai-nan") and flood not in hits(store, "topic", "thien-tai")
        assert facets(store)["topic"]["tai-nan"] >= 1
        fixes.correct(store, road, "relevance", "mention", "chuyen-vien")
        fixes.correct(store, road, "toxicity", "offensive", "chuyen-vien")
        data = analysis_of(store.db, [road])[road]
        assert data["relevance"] == "mention" and data["toxicity"]["label"] == "offensive"
        assert facets(store)["relevance"].get("mention") == 1
        assert set(data["corrected"]) == {"relevance", "toxicity"}
        assert data["corrected"]["relevance"]["by"] == "chuyen-vien"

        assert fixes.withdraw(store, flood, "sentiment", "truong-phong")
        assert not fixes.withdraw(store, flood, "sentiment", "truong-phong")  # nothing left to withdraw
        assert store.article(flood).sentiment == "negative"  # type: ignore[union-attr]
        assert flood in sentiment_hits(store, "negative")
        assert all(c.withdrawn_by == "truong-phong" for c in fixes.corrections_of(store, flood)
                   if c.field == "sentiment")
        in_force = fixes.in_force(store)
        assert [(c.article_id, c.field) for c in in_force] == [(flood, "topics"), (road, "relevance"),
                                                               (road, "toxicity")]


def test_a_reanalysis_loses_no_correction(tmp_path: Path, analyzer: Analyzer) -> None:
    path, (flood, road) = stored(tmp_path, analyzer)
    with Store(path) as store:
        fixes.correct(store, flood, "sentiment", "neutral", "chuyen-vien")
        fixes.correct(store, flood, "topics", ["tai-nan"], "chuyen-vien")
        assert fixes.overlay_corrections(store, [flood, road]) == 0  # already in force: nothing to change
        with store.transaction() as db:  # what `presswatch reanalyze` does: a fresh analysis replaces the old
            for article_id, (title, text) in ((flood, FLOOD), (road, ROAD)):
                set_analysis(db, article_id, analyzer.analyze(title, text).to_json())
        assert store.article(flood).sentiment == "negative"  # type: ignore[union-attr]
        assert fixes.overlay_corrections(store, [flood, road]) == 1
        data = analysis_of(store.db, [flood])[flood]
        assert data["sentiment"] == "neutral" and data["topics"] == ["tai-nan"]
        assert data["corrected"]["sentiment"]["model"] == "negative"
        assert flood in sentiment_hits(store, "neutral")
        fixes.withdraw(store, flood, "topics", "chuyen-vien")
        assert "thien-tai" in analysis_of(store.db, [flood])[flood]["topics"]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("sentiment", "rat-xau", "sắc thái phải là một trong: negative, neutral, positive"),
    ("relevance", 3, "mức liên quan phải là một trong"),
    ("topics", ["thien-tai", "khong-co"], "chủ đề không có trong cấu hình: khong-co"),
    ("topics", {"a": 1}, "chủ đề phải là danh sách"),
    ("places", "Mường Tè", "không hiệu chỉnh được trường «places»"),
])
def test_bad_corrections_are_refused_in_vietnamese_and_change_nothing(
        tmp_path: Path, analyzer: Analyzer, field: str, value: object, message: str) -> None:
    path, (flood, _) = stored(tmp_path, analyzer)
    with Store(path) as store:
        before = analysis_of(store.db, [flood])[flood]
        with pytest.raises(CorrectionError, match=message):
            fixes.correct(store, flood, field, value, "chuyen-vien", topics=TOPICS)
        with pytest.raises(CorrectionError, match="không có bài viết số 999"):
            fixes.correct(store, 999, "sentiment", "neutral", "chuyen-vien")
        with pytest.raises(CorrectionError, match="lý do tối đa 500"):
            fixes.correct(store, flood, "sentiment", "neutral", "chuyen-vien", "x" * 501)
        assert analysis_of(store.db, [flood])[flood] == before
        assert fixes.corrections_of(store, flood) == []
