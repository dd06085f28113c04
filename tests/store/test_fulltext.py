"""The store's FTS5 index written only while SQLite is the search engine (``presswatch.store.fulltext``):
emptied when another engine serves searches, filled back batch by batch after a switch to SQLite,
while articles keep arriving and retention deletes some. Whatever happened meanwhile, once filled it
holds exactly what a store that always wrote it holds (terms, rows, offsets, searches)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.models import Article
from presswatch.store import Store, fulltext
from presswatch.store.articles import delete_articles
from tests.support.store_compare import differences

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
TEXTS = [
    ("Sạt lở ở Mường Tè", "Mưa lớn gây sạt lở tại huyện Mường Tè, tỉnh Lai Châu; đường bị chia cắt."),
    ("Thuỷ điện hoà lưới", "Nhà máy thuỷ điện Lai Châu hoà lưới điện quốc gia. Đồng bào Thái vui mừng."),
    ("Du lịch Sìn Hồ", "Khách đến Sìn Hồ tăng; người dân làm homestay, đón khách Hà Nội."),
    ("Giá lúa tăng", "Nông dân Tam Đường bán lúa được giá, thương lái từ Điện Biên đến mua."),
]

# an operation on both stores: add n articles, delete the newest or oldest (the newest's id is given
# again to the next article: SQLite's max + 1), and on the store under test only: stop the index
# (another engine) or fill one batch of it (a switch back to SQLite, in progress)
OPERATIONS = st.one_of(
    st.tuples(st.just("add"), st.integers(1, 4)),
    st.tuples(st.sampled_from(["delete newest", "delete oldest", "drop", "fill"]), st.just(0)),
)


def _articles(numbers: range) -> list[Article]:
    return [Article(url=f"https://bao.example.vn/{n}", source_id="bao", title=f"{TEXTS[n % 4][0]} {n}",
                    text=f"{TEXTS[n % 4][1]} Bài số {n}.", published_at=NOW - timedelta(hours=n), fetched_at=NOW)
            for n in numbers]


def _delete(store: Store, newest: bool) -> None:
    row = store.db.execute(f"SELECT {'max' if newest else 'min'}(id) FROM articles").fetchone()
    if row[0] is not None:
        with store.transaction() as db:
            delete_articles(db, [row[0]])


@settings(max_examples=30, deadline=None)
@given(st.lists(OPERATIONS, max_size=14), st.integers(1, 3))
def test_once_filled_the_index_holds_what_an_index_always_written_holds(
        operations: list[tuple[str, int]], batch: int) -> None:
    counter = itertools.count()
    with TemporaryDirectory() as tmp:
        always, switched = Path(tmp) / "always.db", Path(tmp) / "switched.db"
        with Store(always) as reference, Store(switched) as store:
            for operation, count in operations:
                if operation == "add":
                    new = _articles(range(next(counter), next(counter) + count))
                    assert reference.add_articles(new) == store.add_articles(new)  # the same ids
                elif operation.startswith("delete"):
                    _delete(reference, operation == "delete newest")
                    _delete(store, operation == "delete newest")
                elif operation == "drop":
                    store.drop_fulltext()
                else:
                    with store.transaction() as db:
                        fulltext.fill_batch(db, batch)
            store.fill_fulltext(batch=batch)
            assert store.fulltext_missing() == 0
        assert differences(always, switched) == []


def test_an_emptied_index_is_not_written_and_fills_back_with_what_arrived_meanwhile(tmp_path: Path) -> None:
    with Store(tmp_path / "pw.db") as store:
        store.add_articles(_articles(range(3)))
        assert store.fulltext_missing() == 0
        assert store.drop_fulltext() and not store.drop_fulltext()  # once
        store.add_articles(_articles(range(3, 8)))
        search = "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH 'muong te'"
        assert store.db.execute(search).fetchone()[0] == 0  # nothing written while another engine serves
        assert store.fulltext_missing() == 8
        seen: list[tuple[int, int]] = []
        assert store.fill_fulltext(lambda done, total: seen.append((done, total)), batch=3) == 8
        assert seen[-1] == (8, 8) and store.fulltext_missing() == 0
        assert store.db.execute(search).fetchone()[0] == 2  # articles 0 and 4
        store.add_articles(_articles(range(8, 9)))  # written again with the article
        assert store.db.execute(search).fetchone()[0] == 3
