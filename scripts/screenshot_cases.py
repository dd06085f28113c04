"""Screenshots of the case pages for the README: docs/images/cases.png (the list) and case.png (a
case). Invented cases over the web tests' store of analysed demo articles, served on 127.0.0.1 and
photographed by the Debian chromium with Playwright::

    .venv/bin/python scripts/screenshot_cases.py
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from cases import records  # noqa: E402
from cases.model import ActionDraft, Draft  # noqa: E402
from cases.settings import load_cases_config  # noqa: E402
from presswatch.store import Store, users  # noqa: E402
from tests.support.webserver import fill, serve  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
OUT = ROOT / "docs" / "images"
PASSWORD = "thanh-tra-mat-khau"


def main() -> None:
    kinds = load_cases_config(ROOT / "config" / "cases.yaml").kind_labels()
    today = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "presswatch.db"
        ids = fill(db)
        with Store(db) as store:
            inspector = users.add_user(store, "hung", "inspector", PASSWORD)
            analyst = next(u for u in users.list_users(store) if u.role == "analyst")
            samples = [
                ("Tin sai về sạt lở vùi lấp bản ở Mường Tè", "sai-su-that", "phone", "acting"),
                ("Phóng viên tác nghiệp tại trụ sở xã không có giấy giới thiệu", "tac-nghiep-sai", "letter",
                 "verifying"),
                ("Trang tin đăng lại bài của báo in không ghi nguồn", "ton-chi-muc-dich", "email", "new"),
                ("Bình luận xúc phạm lãnh đạo tỉnh trên trang cá nhân của nhà báo", "dao-duc-nghe-nghiep",
                 "analyst", "closed"),
                ("Thông tin giá đất tăng đột biến ở Tân Uyên", "sai-su-that", "alert", "new"),
            ]
            first = None
            for n, (title, kind, origin, state) in enumerate(samples):
                case = records.open_case(store, analyst, Draft(
                    title=title, kind=kind, origin=origin, summary="Người dân phản ánh qua đường dây nóng.",
                    reporter_name="Nguyễn Văn A (ví dụ)", reporter_phone="0912 000 111",
                    deadline=date.today() + timedelta(days=10 - 6 * n),
                    article_ids=(ids["copy"],) if n == 0 else ()), kinds, now=today)
                case = records.update_case(store, inspector, case.id, case.version, {"assignee": "hung"}, kinds)
                if state != "new":
                    case = records.move(store, analyst, case.id, case.version, "verifying")
                if state in ("acting", "closed"):
                    case = records.conclude(store, inspector, case.id, case.version, "false",
                                            "UBND xã xác nhận không có sự việc như bài đăng.")
                    records.add_action(store, inspector, case.id, ActionDraft("takedown", date.today(),
                                                                              note="Công văn đề nghị gỡ bài"))
                if state == "closed":
                    current = records.get_case(store.db, case.id)
                    assert current is not None
                    records.move(store, inspector, case.id, current.version, "closed")
                first = first or case
        assert first is not None
        with serve(db, ids) as web, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=[*ARGS, "--lang=vi-VN"])
            page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="vi-VN")
            page.goto(f"{web.url}/login")
            page.fill("input[name=username]", "hung")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.goto(f"{web.url}/cases")
            page.screenshot(path=str(OUT / "cases.png"), full_page=False)
            page.goto(f"{web.url}/cases/{first.id}")
            page.screenshot(path=str(OUT / "case.png"), full_page=False)
            browser.close()
    print(f"Đã lưu ảnh chụp vào {OUT}")


if __name__ == "__main__":
    main()
