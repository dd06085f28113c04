"""The "Đang được quan tâm" page (``/trends``) in headless Chromium (the Debian package, driven by
Playwright, as ``tests/web/test_web_browser.py``): a viewer logs in through the form, the rising story
is listed with its hourly chart drawn as inline SVG, and the script and ``onerror`` payloads of the
crawled title stay text: no dialog, no global set, no element made from them. Skipped when
/usr/bin/chromium is missing, unless CI=true (then it must run)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Dialog, sync_playwright

from tests.support.webserver import PASSWORDS, PAYLOAD_TITLE, Running

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

if not CHROMIUM.exists() and os.environ.get("CI") != "true":
    pytest.skip("Chromium (Debian package `chromium`) is not installed", allow_module_level=True)


def test_viewer_sees_charts_as_inline_svg_and_crawled_scripts_inert(web: Running) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            page = browser.new_context(locale="vi-VN").new_page()
            dialogs: list[str] = []

            def dismiss(dialog: Dialog) -> None:
                dialogs.append(dialog.message)
                dialog.dismiss()
            page.on("dialog", dismiss)
            page.goto(f"{web.url}/trends")
            assert "/login" in page.url  # anonymous: the login page first
            page.fill("input[name=username]", "viewer1")
            page.fill("input[name=password]", PASSWORDS["viewer1"])
            page.click("button[type=submit]")
            page.wait_for_url(f"{web.url}/trends")
            page.wait_for_load_state("load")
            card = page.locator("section.card.trend", has_text="được 5 nguồn đăng trong 6 giờ")
            assert card.count() == 1
            assert card.locator("h2").inner_text() == " ".join(PAYLOAD_TITLE.split())  # shown as text
            chart = card.locator("svg.chart")
            assert chart.count() == 1 and chart.locator("rect").count() >= 1
            box = chart.bounding_box()
            assert box is not None and box["width"] > 50 and box["height"] > 10  # drawn, not just present
            assert page.locator("main img, main script, section.card img").count() == 0
            items = card.locator("li a[href^='/article/']")
            assert items.count() == 5 and items.first.inner_text() == " ".join(PAYLOAD_TITLE.split())
            assert page.evaluate("[window.pwned, window.pwned2]") == [None, None] and dialogs == []
        finally:
            browser.close()
