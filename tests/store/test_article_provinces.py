"""The provinces each article concerns (``article_provinces``): written from ``Analysis.provinces``
with the article, and filled for the articles of a database made before it (Lai Châu's, by their
relevance), through the schema mechanism."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

from presswatch.config import build_analyzer, load_sentiment, load_topics
from presswatch.models import Article
from presswatch.store import Store
from tests.support.paths import CONFIG, DATA


def rows(path: Path) -> set[tuple[str, int, str]]:
    with closing(sqlite3.connect(path)) as db:
        return set(db.execute("SELECT province, article_id, grade FROM article_provinces").fetchall())


def test_a_database_made_before_gets_lai_chau_for_its_relevant_articles(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(DATA / "legacy" / "before-layout.db", path)
    with closing(sqlite3.connect(path)) as db:
        relevant = set(db.execute("SELECT 'Lai Châu', id, relevance FROM articles "
                                  "WHERE relevance IN ('about', 'mention')").fetchall())
    assert relevant
    Store(path).close()
    assert rows(path) == relevant
    Store(path).close()  # applied once
    assert rows(path) == relevant


def test_each_new_article_records_the_followed_provinces_it_concerns(tmp_path: Path) -> None:
    analyzer = build_analyzer(load_topics(CONFIG / "topics.yaml"), load_sentiment(CONFIG / "sentiment.yaml"), False,
                              provinces=["Lai Châu", "Điện Biên"])
    texts = [("Sạt lở ở Mường Tè", "Mưa lớn gây sạt lở ở huyện Mường Tè, tỉnh Lai Châu."),
             ("Điện Biên: lũ quét", "Lũ quét ở tỉnh Điện Biên cuốn trôi nhà dân."),
             ("Giá vàng tăng", "Giá vàng trong nước tăng mạnh.")]
    with Store(tmp_path / "pw.db") as store:
        ids = store.add_articles([Article(url=f"https://x.vn/{n}", source_id="s", title=title, text=text,
                                          analysis=analyzer.analyze(title, text))
                                  for n, (title, text) in enumerate(texts)])
    assert rows(tmp_path / "pw.db") == {("Lai Châu", ids[0], "about"), ("Điện Biên", ids[1], "about")}
