"""The register's genre and attribution marks are made when an article is stored (issue 20): a real
crawl of the local site (subprocess, real analysis) marks every article in its transaction; the
indicators read those marks and classify only the articles that lack one (then keep it); and
``presswatch reanalyze`` redoes the marks of an older detector version."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from presswatch.cli import main
from presswatch.demo.site import LocalSite
from presswatch.store import Store
from presswatch.store.articles import texts
from register import tables
from register.detect import VERSION
from register.indicators import compute
from register.marks import mark
from register.model import Outlet
from register.settings import RegisterSettings
from tests.support.crawling import crawl, make_source
from tests.support.paths import CONFIG

START, END = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)


def test_crawl_marks_indicators_read_reanalysis_refreshes(site: LocalSite, db: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    source = make_source(id="tin-tay-bac", urls=[f"{site.url}/rss/tin-moi.rss"])
    run, report = crawl(source, db)
    assert run.ok and report.new_articles == 40
    with Store(db) as store, store.transaction() as conn:
        ids = [a.id for a in store.articles()]
        stored = tables.marks(conn, ids, VERSION)
        assert sorted(stored) == sorted(ids)  # every article marked at ingest, by this detector version
        originals = texts(conn, ids)
        assert all(stored[i] == mark(*originals[i]) for i in ids)
        # The indicators read the stored marks: a planted mark is what they count, not a recomputation.
        news = [i for i in ids if stored[i].genre == "news_report"]
        planted, stale, unmarked = news[0], news[1], news[2]
        tables.save_marks(conn, {planted: tables.Mark("interview", "original", ())}, VERSION)
        tables.save_marks(conn, {stale: tables.Mark("research", "original", ())}, VERSION - 1)  # an older detector
        conn.execute("DELETE FROM register_marks WHERE article_id = ?", (unmarked,))  # stored before marking
    outlet = Outlet("1/GP-TTĐT", "Trang tin Tây Bắc", "trang_ttth", sources=("tin-tay-bac",))
    with Store(db) as store, store.transaction() as conn:
        (report_,) = compute(conn, [outlet], {"tin-tay-bac": list(source.urls)}, START, END, RegisterSettings())
        (share,) = [i for i in report_.indicators if i.name == "news_share"]
        assert report_.items == 40 and planted not in share.articles
        assert stale in share.articles and unmarked in share.articles  # classified again, then kept:
        kept = tables.marks(conn, [planted, stale, unmarked], VERSION)
        assert kept[stale].genre == kept[unmarked].genre == "news_report" and kept[planted].genre == "interview"
        # Re-analysis redoes what an older detector marked (and only that).
        tables.save_marks(conn, {stale: tables.Mark("research", "original", ())}, VERSION - 1)
        conn.execute("DELETE FROM register_marks WHERE article_id = ?", (unmarked,))
    assert main(["--config", str(CONFIG), "--db", str(db), "reanalyze", "--workers", "1"]) == 0
    assert "Sổ đăng ký: nhận diện lại thể loại và ghi nguồn của 1 bài" in capsys.readouterr().out
    with Store(db) as store, store.transaction() as conn:
        assert tables.mark_versions(conn, [planted, stale, unmarked]) == {planted: VERSION, stale: VERSION}
        assert tables.marks(conn, [stale], VERSION)[stale] == mark(*originals[stale])
