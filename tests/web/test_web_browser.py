"""End to end in headless Chromium (the Debian package, driven by Playwright; no browser download):
log in, search with a folded query, filter, open an article, export CSV, correct an article's
analysis, and crawled markup that stays inert. Skipped when /usr/bin/chromium is missing, unless
CI=true (then it must run)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.support.webserver import PASSWORDS, PAYLOAD_TITLE, Running, fill, serve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists() and os.environ.get("CI") != "true":
    pytest.skip("Chromium (Debian package `chromium`) is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("browser") / "presswatch.db"
    with serve(db, fill(db)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, web: Running) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    opened = context.new_page()
    opened.goto(f"{web.url}/")
    assert "/login" in opened.url  # anonymous visitors are sent to the login page
    opened.fill("input[name=username]", "analyst1")
    opened.fill("input[name=password]", PASSWORDS["analyst1"])
    opened.click("button[type=submit]")
    opened.wait_for_url(f"{web.url}/")
    yield opened
    context.close()


def test_search_filter_open_and_export(page: Page, web: Running, tmp_path: Path) -> None:
    page.fill("input[name=q]", "Muong Te")
    page.click("button.primary")
    assert page.locator("mark", has_text="Mường Tè").count() >= 3
    total = page.locator(".summary strong").first.inner_text()
    assert int(total) >= 3
    page.select_option("select[name=sort]", "date")
    page.fill("input[name=since]", "2026-11-01")
    page.click("button.primary")
    assert "since=2026-11-01" in page.url and "sort=date" in page.url
    facet = page.locator(".facets li a").first
    facet_name = facet.inner_text()
    facet.click()
    assert page.locator(".facets li.on a", has_text=facet_name).count() == 1
    first = page.locator(".hit h2 a").first
    title = first.inner_text()
    first.click()
    assert page.locator("article h1").inner_text() == title
    assert page.locator("text=Cùng tin trên các báo khác").count() == 1
    page.go_back()
    with page.expect_download() as download:
        page.click("text=Xuất CSV")
    saved = tmp_path / "export.csv"
    download.value.save_as(saved)
    content = saved.read_text(encoding="utf-8-sig")
    assert content.startswith("Mã,Ngày,Nguồn") and title in content


def test_tag_and_mark_for_verification(page: Page, web: Running) -> None:
    page.goto(f"{web.url}/article/{web.ids['first']}")
    page.fill("input[name=tag]", "theo dõi")
    page.click("text=Gắn nhãn")
    assert page.locator(".badge.tag", has_text="theo dõi").count() == 1
    page.click("text=Đánh dấu cần xác minh")
    assert page.locator(".badge.verify").count() == 1


def test_correct_the_sentiment_then_withdraw(page: Page, web: Running) -> None:
    """The correction form works in a real browser under the CSP (no script): choose, save, see the
    mark, withdraw."""
    page.goto(f"{web.url}/article/{web.ids['copy']}")
    before = page.locator("#correct-sentiment").input_value()
    wanted = {"negative": "positive", "neutral": "negative", "positive": "neutral"}[before]
    page.select_option("#correct-sentiment", wanted)
    page.fill("#correction-form input[name=reason]", "tin tốt cho tỉnh")
    page.click("#correct-submit")
    assert page.locator(".notice", has_text="Đã hiệu chỉnh").count() == 1
    assert page.locator(f".badge.sent-{wanted}").count() == 1
    assert page.locator(".badge.corrected").count() == 1 and page.locator(".correction-by").is_visible()
    assert "bởi analyst1" in page.locator(".correction-by").inner_text()
    page.click("button.withdraw-sentiment")
    assert page.locator(f".badge.sent-{before}").count() == 1 and page.locator(".badge.corrected").count() == 0


def test_crawled_script_and_onerror_payloads_stay_inert(page: Page, web: Running) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{web.url}/?q=thu+nghiem")
    assert page.locator(".hit h2 a").first.inner_text() == " ".join(PAYLOAD_TITLE.split())
    page.goto(f"{web.url}/article/{web.ids['payload']}")
    page.wait_for_load_state("load")
    assert page.locator("article h1").inner_text() == " ".join(PAYLOAD_TITLE.split())
    assert "<script>window.pwned3=1;alert(1)</script>" in page.locator(".text").inner_text()
    assert page.locator("article img, article script, .text b").count() == 0
    assert page.evaluate("[window.pwned, window.pwned2, window.pwned3, window.pwned4]") == [None] * 4
    assert dialogs == []


def test_anonymous_browser_reaches_no_page_or_endpoint(browser: Browser, web: Running) -> None:
    from starlette.routing import Route

    context = browser.new_context()
    anonymous = context.new_page()
    paths = {route.path.replace("{id:int}", str(web.ids["first"])) for route in web.app.routes  # type: ignore[attr-defined]
             if isinstance(route, Route) and "GET" in (route.methods or set()) and route.path != "/login"}
    assert len(paths) >= 12
    for path in sorted(paths):
        response = anonymous.goto(f"{web.url}{path}")
        assert response is not None
        if path.startswith("/api/"):
            assert response.status == 401, path
        else:
            assert anonymous.url.startswith(f"{web.url}/login?next="), path
            assert anonymous.locator("h1").inner_text() == "Đăng nhập"
    context.close()
