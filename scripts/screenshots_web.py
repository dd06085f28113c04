"""Screenshots of the web UI for the README: docs/images/search.png, article.png, dashboard.png.

Serves the UI on 127.0.0.1 over a fresh store of analysed demo articles (the test fixture data) and
drives the Debian chromium with Playwright (no browser download)::

    .venv/bin/python scripts/screenshots_web.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.support.webserver import PASSWORDS, fill, serve  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
OUT = ROOT / "docs" / "images"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "presswatch.db"
        ids = fill(db, count=120)
        with serve(db, ids) as web, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[*ARGS, "--lang=vi-VN"])
            page = browser.new_page(viewport={"width": 1360, "height": 1000}, locale="vi-VN")
            page.goto(f"{web.url}/login")
            page.fill("input[name=username]", "analyst1")
            page.fill("input[name=password]", PASSWORDS["analyst1"])
            page.click("button[type=submit]")
            page.goto(f"{web.url}/?q=s%E1%BA%A1t+l%E1%BB%9F+OR+l%C5%A9+qu%C3%A9t&since=2026-10-01")
            page.screenshot(path=str(OUT / "search.png"), full_page=False)
            page.goto(f"{web.url}/article/{ids['copy']}")
            page.fill("input[name=tag]", "theo dõi")
            page.click("text=Gắn nhãn")
            page.screenshot(path=str(OUT / "article.png"), full_page=False)
            page.goto(f"{web.url}/dashboard?from=2026-10-01&to=2026-11-22")
            page.screenshot(path=str(OUT / "dashboard.png"), full_page=True)
            browser.close()
    print(f"Đã lưu ảnh chụp vào {OUT}")


if __name__ == "__main__":
    main()
