"""Re-checks against a real local site whose pages are edited, corrected, redirected and removed:
each change is found at the next re-check, with its diff, as an event the shell can read
(``events_since``); notices go out through the alert outbox. Plain HTTP + the crawler's extraction
(no browser), as the service does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from evidence import events_since
from evidence.rechecks import checks_of_capture, unnotified
from presswatch.demo.site import SiteArticle
from presswatch.service.evidence import recheck
from presswatch.store import Store
from tests.evidence.helpers import record_capture, settings_for
from tests.support.evidence_site import Page, Site, article_html

HOUR = timedelta(hours=1)


def _serve(site: Site, path: str, title: str, paragraphs: list[str]) -> None:
    site.pages[path] = Page(article_html(title, paragraphs))


def test_edits_corrections_and_removal_are_found_at_the_next_recheck(tmp_path: Path, store: Store, db: Path,
                                                                     articles: list[SiteArticle]) -> None:
    article = articles[0]
    paragraphs = [article.lead, *article.paragraphs]
    with Site() as site:
        settings = settings_for(tmp_path, site.port)
        _serve(site, "/tin/1.html", article.title, paragraphs)
        start = (datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0)
        capture_id = record_capture(store, settings, site.url("/tin/1.html"), article.title, "\n".join(paragraphs),
                                    start)
        assert [c.due_at - start for c in checks_of_capture(store.db, capture_id)] == [
            HOUR, 6 * HOUR, 24 * HOUR, 72 * HOUR, 168 * HOUR]

        # Before the first re-check is due, nothing is fetched.
        assert recheck(db, settings, now=start + 30 * timedelta(minutes=1)).checked == 0
        assert site.hits["/tin/1.html"] == 0

        # 1 h: a sentence rewritten and the title changed.
        edited = [paragraphs[0].replace(paragraphs[0].split()[0], "Theo báo cáo chưa xác minh,"), *paragraphs[1:]]
        _serve(site, "/tin/1.html", article.title + " (cập nhật)", edited)
        tally = recheck(db, settings, now=start + HOUR + timedelta(minutes=1))
        assert tally.changes == {"edited": 1}
        [event] = events_since(store.db, 0)
        assert event.kind == "edited" and event.capture_id == capture_id and event.notify
        assert "tiêu đề đổi" in event.detail and "(cập nhật)" in event.detail
        assert "+Theo báo cáo chưa xác minh," in event.diff and f"-{paragraphs[0]}" in event.diff

        # 6 h: a correction note appears; compared with the edited version, not the captured one.
        corrected = [*edited, "Đính chính: bài viết trước đây nêu sai số liệu, Tòa soạn xin cải chính như sau."]
        _serve(site, "/tin/1.html", article.title + " (cập nhật)", corrected)
        recheck(db, settings, now=start + 6 * HOUR + timedelta(minutes=1))
        [event] = events_since(store.db, event.id)
        assert event.kind == "corrected"
        added = [line for line in event.diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
        assert added == ["+Đính chính: bài viết trước đây nêu sai số liệu, Tòa soạn xin cải chính như sau."]

        # 24 h: nothing changed since.
        recheck(db, settings, now=start + 24 * HOUR + timedelta(minutes=1))
        [event] = events_since(store.db, event.id)
        assert event.kind == "unchanged" and not event.notify

        # 3 d: the article now redirects to the home page.
        site.pages["/tin/1.html"] = Page(status=301, location="/")
        recheck(db, settings, now=start + 72 * HOUR + timedelta(minutes=1))
        [event] = events_since(store.db, event.id)
        assert event.kind == "removed" and "trang chủ" in event.detail

        # 7 d: still gone: recorded, not notified again.
        recheck(db, settings, now=start + 168 * HOUR + timedelta(minutes=1))
        [event] = events_since(store.db, event.id)
        assert event.kind == "removed" and event.detail.startswith("vẫn bị gỡ")
        assert [e.kind for e in unnotified(store.db)] == ["edited", "corrected", "removed"]

        assert [c.outcome for c in checks_of_capture(store.db, capture_id)] == [
            "edited", "corrected", "unchanged", "removed", "removed"]


def test_404_410_and_an_emptied_page_are_removals(tmp_path: Path, store: Store, db: Path,
                                                   articles: list[SiteArticle]) -> None:
    with Site() as site:
        settings = settings_for(tmp_path, site.port)
        start = (datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0)
        for number, article in enumerate(articles[:3]):
            paragraphs = [article.lead, *article.paragraphs]
            _serve(site, f"/tin/{number}.html", article.title, paragraphs)
            record_capture(store, settings, site.url(f"/tin/{number}.html"), article.title, "\n".join(paragraphs),
                           start)
        site.pages["/tin/0.html"] = Page(b"gone", status=404)
        site.pages["/tin/1.html"] = Page(b"gone", status=410)
        site.pages["/tin/2.html"] = Page(b"<html><head><title>x</title></head><body><nav>Trang chu</nav></body></html>")
        # The service was stopped for two days: one re-check per page, the overdue ones skipped.
        tally = recheck(db, settings, now=start + 48 * HOUR)
        assert tally.checked == 3 and tally.changes == {"removed": 3}
        details = sorted(event.detail for event in events_since(store.db, 0))
        assert any("HTTP 404" in d for d in details) and any("HTTP 410" in d for d in details)
        assert any("không còn nội dung" in d for d in details)
        assert sum(site.hits[f"/tin/{n}.html"] for n in range(3)) == 3


def test_a_small_edit_below_the_threshold_is_unchanged_and_an_unreachable_page_is_an_error(
        tmp_path: Path, store: Store, db: Path, articles: list[SiteArticle]) -> None:
    article = articles[1]
    paragraphs = [article.lead, *article.paragraphs]
    with Site() as site:
        settings = settings_for(tmp_path, site.port)
        start = (datetime.now(UTC) - timedelta(minutes=1)).replace(microsecond=0)
        _serve(site, "/a.html", article.title, paragraphs)
        record_capture(store, settings, site.url("/a.html"), article.title, "\n".join(paragraphs), start)
        words = " ".join(paragraphs).split()
        assert len(words) > 100  # one word in more than a hundred is under the 2 % threshold
        _serve(site, "/a.html", article.title, [paragraphs[0].replace(paragraphs[0].split()[-1], "nhé"),
                                                *paragraphs[1:]])
        recheck(db, settings, now=start + HOUR + timedelta(minutes=1))
        unreachable = settings_for(tmp_path)  # the site is not allowed any more: refused, an error
        recheck(db, unreachable, now=start + 6 * HOUR + timedelta(minutes=1))
    first, second = events_since(store.db, 0)
    assert first.kind == "unchanged" and "không thay đổi" in first.detail
    assert second.kind == "error" and "evidence_allow_internal" in second.detail
