"""The faster build stores exactly what the insert before it stored.

The same real articles (analysis_dev, the syndicated copies, with their real analysis), and the
cases around them (an analysis copied onto another text, none, a comment under a stored article, a
URL stored again with new aliases, a text longer than the analysis reads, new-style tone marks,
invisible characters, CRLF and tabs), are stored once by the frozen baseline
(``tests.support.store_baseline``) and once by ``Store.add_articles`` / ``Store.add_article``; both
stores must hold the same rows in every table and the same search index, every occurrence of every
term included (``tests.support.store_compare``). The comparison itself is checked to see a
difference in a row and in the index.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from analysis.normalize import normalize
from analysis.pipeline import MAX_ANALYSED_CHARS, Analyzer
from presswatch.config import load_analyzer
from presswatch.models import Article
from presswatch.store import Store
from presswatch.store.articles import text_of
from tests.support import store_baseline
from tests.support.paths import CONFIG
from tests.support.store_compare import differences

DATA = Path(__file__).resolve().parents[1] / "data"
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def _read(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    analyzer: Analyzer = load_analyzer(CONFIG, with_entities=False)
    rows = _read(DATA / "analysis_dev" / "devset.jsonl") + _read(DATA / "syndication.jsonl")
    made: list[Article] = []

    def add(title: str, text: str, analysed: bool = True, **more: object) -> Article:
        number = len(made)
        article = Article(url=f"https://bao-{number % 7}.example.vn/bai-{number}.html", source_id=f"bao-{number % 7}",
                          title=title, text=text, published_at=NOW - timedelta(hours=number % 50),
                          fetched_at=NOW, **more)  # type: ignore[arg-type]
        if analysed:
            article.analysis = analyzer.analyze(title, text)
        made.append(article)
        return article

    for row in rows:
        add(row["title"], row["text"])
    for row in _read(DATA / "syndication.jsonl"):  # copies of each story under other URLs: clusters grow
        add(row["title"], row["text"] + "\nTheo báo địa phương.")
    first, second = made[0], made[1]
    # An analysis copied onto another text: its carried texts are not this article's.
    copied = add("Bản tin tổng hợp", second.text, analysed=False)
    copied.analysis = replace(first.analysis)  # type: ignore[type-var]
    add("Chưa phân tích", "Bài chưa có phân tích: " + first.text, analysed=False)
    add("Thuỷ điện  hoà\tlưới,\r\n khoẻ",
        "Nhà máy thuỷ điện hoà lưới\u200b điện.\r\n\r\n\r\n\r\nNgười dân  khoẻ \u00a0mạnh; "
        "quý khách hoạ sĩ ΌΣΟΣ ΣΊΣΥΦΟΣ İstanbul x\u0301y e\u0301", content_type="article")
    add("Bình luận", "Bài viết hay quá, cảm ơn tòa soạn đã đưa tin về lũ ở Mường Tè.", content_type="comment",
        parent_url=first.url)
    long_text = ("Mưa lũ ở Lai Châu gây thiệt hại lớn cho người dân. " * 2500)[:MAX_ANALYSED_CHARS + 5000]
    add("Bài rất dài về Lai Châu", long_text)  # longer than the analysis reads: no texts carried
    again = replace(made[5], aliases=["https://bao-5.example.vn/amp/bai-5.html"], analysis=made[5].analysis)
    made.append(again)  # its URL is stored: only the new alias is added
    return made


def _build(path: Path, articles: list[Article], new: bool) -> list[int | None]:
    with Store(path) as store:
        if new:
            ids = store.add_articles(articles[:150])
            ids += [store.add_article(article) for article in articles[150:]]
        else:
            with store.transaction() as db:
                ids = [store_baseline.insert(db, article) for article in articles[:150]]
            for article in articles[150:]:
                with store.transaction() as db:
                    ids.append(store_baseline.insert(db, article))
        return ids


def test_the_new_build_stores_what_the_baseline_stored(tmp_path: Path, articles: list[Article]) -> None:
    assert sum(a.analysis is not None and a.analysis.texts is not None for a in articles) >= 240  # texts carried
    baseline, new = tmp_path / "baseline.db", tmp_path / "new.db"
    assert _build(baseline, articles, new=False) == _build(new, articles, new=True)
    with sqlite3.connect(new) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] == len(articles) - 1
        assert db.execute("SELECT max(size) FROM clusters").fetchone()[0] >= 3  # syndicated copies joined
        assert db.execute("SELECT count(*) FROM articles WHERE parent_id IS NOT NULL").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'thuy dien'").fetchone()[0] > 3
    assert differences(baseline, new) == []


def test_the_comparison_sees_a_changed_row_and_a_changed_index_entry(tmp_path: Path, articles: list[Article]) -> None:
    baseline = tmp_path / "baseline.db"
    _build(baseline, articles[:20], new=False)
    for name, change in [
        ("row", "UPDATE articles SET title_norm = 'x' WHERE id = 3"),
        ("index", "INSERT INTO articles_fts (rowid, title, text) VALUES (3, 'lu quet', 'muong te')"),
        ("sketch band", "DELETE FROM sketch_bands WHERE article_id = 3"),
    ]:
        changed = tmp_path / f"{name.replace(' ', '-')}.db"
        shutil.copy(baseline, changed)
        with sqlite3.connect(changed) as db:
            db.execute(change)
        assert differences(baseline, changed) != [], name


def test_the_store_takes_the_texts_the_analysis_computed_for_this_article(tmp_path: Path,
                                                                         articles: list[Article]) -> None:
    # The contract (analysis.pipeline.StoredTexts): computed from this very title and text, they are
    # not computed again. Marked texts show which ones were written.
    article = articles[3]
    assert article.analysis is not None and article.analysis.texts is not None
    texts = replace(article.analysis.texts, text="đã chuẩn hoá", folded_text="da chuan hoa")
    own = replace(article, analysis=replace(article.analysis, texts=texts))
    other = replace(article, url=article.url + "?khac", text=article.text + " Hết.",
                    analysis=replace(article.analysis, texts=texts))  # another text: ignored
    with Store(tmp_path / "pw.db") as store:
        first, second = store.add_articles([own, other])
        assert first is not None and second is not None
        assert store.db.execute("SELECT text_norm FROM article_texts WHERE article_id = ?",
                                (first,)).fetchone()[0] == "đã chuẩn hoá"
        assert [row[0] for row in store.db.execute("SELECT rowid FROM articles_fts WHERE articles_fts MATCH "
                                                   "'chuan hoa'")] == [first]
        assert text_of(store.db, second) == normalize(other.text)  # its own text, normalised by the store
