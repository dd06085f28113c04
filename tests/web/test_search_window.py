"""The search page's default date window (``web_search_window_days``): a search without dates covers
the last 30 days, one click widens it to the whole archive, and the JSON API keeps its explicit
semantics. A real server on 127.0.0.1, articles dated relative to today."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from presswatch.models import Article
from presswatch.store import Store, users
from presswatch.times import local_date
from tests.support.webserver import PASSWORDS, login, serve

NOW = datetime.now(UTC)


@pytest.fixture(scope="module")
def viewer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    db: Path = tmp_path_factory.mktemp("window") / "presswatch.db"
    with Store(db) as store:
        store.add_articles([
            Article(url="https://baolaichau.example/moi.html", source_id="baolaichau", title="Sạt lở mới ở Mường Tè",
                    text="Mưa lớn gây sạt lở tại huyện Mường Tè tuần này.", published_at=NOW - timedelta(days=2)),
            Article(url="https://baolaichau.example/cu.html", source_id="baolaichau", title="Sạt lở cũ ở Mường Tè",
                    text="Bài từ ba tháng trước về sạt lở ở Mường Tè.", published_at=NOW - timedelta(days=90)),
        ])
        users.add_user(store, "viewer1", "viewer", PASSWORDS["viewer1"])
    with serve(db, {}, web_search_window_days=30) as running:
        client = login(running.url, "viewer1")
        yield client
        client.close()


def test_a_search_without_dates_covers_the_last_30_days_and_widens_in_one_click(viewer: httpx.Client) -> None:
    page = viewer.get("/", params={"q": "Mường Tè"})
    assert page.status_code == 200
    assert "Sạt lở mới ở Mường Tè" in page.text and "Sạt lở cũ ở Mường Tè" not in page.text
    since = (local_date(NOW) - timedelta(days=30)).isoformat()
    assert f'name="since" value="{since}"' in page.text  # the window is shown in the form
    assert "trong 30 ngày gần nhất" in page.text
    widen = page.text.split('class="widen" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "all=1" in widen
    whole = viewer.get(widen)
    assert "Sạt lở mới ở Mường Tè" in whole.text and "Sạt lở cũ ở Mường Tè" in whole.text
    assert 'name="all" value="1"' in whole.text  # the form keeps searching the whole archive
    assert "ngày gần nhất" not in whole.text


def test_explicit_dates_and_the_api_are_not_windowed(viewer: httpx.Client) -> None:
    old = (local_date(NOW) - timedelta(days=120)).isoformat()
    page = viewer.get("/", params={"q": "Mường Tè", "since": old})
    assert "Sạt lở cũ ở Mường Tè" in page.text and "ngày gần nhất" not in page.text
    api = viewer.get("/api/search", params={"q": "Mường Tè"}).json()
    assert api["total"] == 2
