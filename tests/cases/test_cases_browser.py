"""One case end to end in headless Chromium (the Debian package, driven by Playwright): an inspector
opens a case from an alert on an article page, attaches a second article, adds the reporter's phone,
starts verification, concludes "sai sự thật", records "yêu cầu gỡ bỏ" and downloads the dossier; a
viewer cannot see the phone; a crawled <script> in an attached article's title stays inert. Skipped
when /usr/bin/chromium is missing, unless CI=true."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import Browser, Page, sync_playwright

from alerts import outbox
from presswatch.config.alerts import load_alerts
from presswatch.store import Store, users
from tests.support.webserver import CONFIG, PASSWORDS, Running, fill, serve

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
PHONE = "0912 888 777"

if not CHROMIUM.exists() and os.environ.get("CI") != "true":
    pytest.skip("Chromium (Debian package `chromium`) is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("cases-browser") / "presswatch.db"
    ids = fill(db)
    rule = load_alerts(CONFIG / "alerts.yaml").rules[0]
    with Store(db) as store:
        users.add_user(store, "inspector1", "inspector", "inspector-password-1")
        with store.transaction() as conn:  # the alert the crawl would have raised for this article
            outbox.record(conn, ids["first"], [rule], {}, datetime(2026, 11, 20, 8, 5, tzinfo=UTC))
    with serve(db, ids) as running:
        yield running


def logged_in(browser: Browser, web: Running, name: str, password: str) -> Page:
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.goto(f"{web.url}/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{web.url}/")
    return page


def test_an_inspector_works_a_case_from_an_alert_to_the_dossier(web: Running, tmp_path: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = logged_in(browser, web, "inspector1", "inspector-password-1")
            page.goto(f"{web.url}/article/{web.ids['first']}")
            page.click("button.open-case-alert")
            page.wait_for_load_state()
            assert re.search(r"/cases/\d+\?msg=", page.url), page.locator("main").inner_text()
            case_url = page.url.split("?")[0]
            assert "Đã mở hồ sơ" in page.locator(".notice").inner_text()
            assert page.locator("#case-state").inner_text() == "mới"
            assert page.locator("#case-origin").inner_text().startswith("cảnh báo tự động (cảnh báo #")
            # A second article: the social post whose title carries a <script>.
            page.fill("input[name=articles]", str(web.ids["payload"]))
            page.click("text=Thêm bài viết")
            assert page.locator("#case-articles li").count() == 2
            assert page.evaluate("() => window.pwned === undefined && window.pwned2 === undefined")
            page.click("summary:has-text('Sửa thông tin')")
            page.fill("input[name=reporter_phone]", PHONE)
            page.click("text=Lưu thay đổi")
            assert PHONE in page.locator("#reporter").inner_text()
            page.click("button:has-text('→ đang xác minh')")
            assert page.locator("#case-state").inner_text() == "đang xác minh"
            page.select_option("select[name=conclusion]", "false")
            page.fill("textarea[name=reasoning]", "Đã xác minh với UBND xã: không có sự việc như bài đăng.")
            page.click("text=Ghi kết luận")
            assert page.locator("#conclusion").inner_text() == "sai sự thật"
            page.select_option("form[action$='/actions'] select[name=kind]", "takedown")
            page.fill("form[action$='/actions'] input[name=note]", "Công văn đề nghị gỡ bài")
            page.click("text=Ghi biện pháp")
            assert page.locator("#case-state").inner_text() == "đang xử lý"
            assert "yêu cầu gỡ bỏ" in page.locator("#case-actions").inner_text()
            timeline = page.locator("#timeline").inner_text()
            assert "sai sự thật" in timeline and "yêu cầu gỡ bỏ" in timeline
            with page.expect_download() as download:
                page.click("#dossier")
            saved = tmp_path / download.value.suggested_filename
            download.value.save_as(saved)
            document = Document(str(saved))
            text = "\n".join([p.text for p in document.paragraphs]
                             + [c.text for t in document.tables for r in t.rows for c in r.cells])
            assert "HỒ SƠ VỤ VIỆC SỐ" in text and "sai sự thật" in text and "yêu cầu gỡ bỏ" in text
            assert "https://mangxahoi.example/p/1" in text and PHONE not in text

            viewer = logged_in(browser, web, "viewer1", PASSWORDS["viewer1"])
            viewer.goto(case_url)
            body = viewer.locator("body").inner_text()
            assert "Hồ sơ" in body and "sai sự thật" in body
            assert PHONE not in body and PHONE not in viewer.content()
            assert viewer.locator("#dossier").count() == 0 and viewer.locator("text=Ghi kết luận").count() == 0
            assert viewer.evaluate("() => window.pwned === undefined && window.pwned2 === undefined")
        finally:
            browser.close()
