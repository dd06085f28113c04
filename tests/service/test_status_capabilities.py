"""What ``presswatch status`` and the web page ``/status`` say of the scheduled reports (per kind: the
next send, periods waiting, the last period sent, the last outcome and its error) and of the trend
signals (the last update, articles read, rising items now): the command run in-process on a real
store, the page over HTTP on a real server (analysts and up, the error escaped)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from presswatch.cli import main
from presswatch.models import Article
from presswatch.store import Store
from presswatch.times import iso, local, utcnow
from reports.sends import schedule
from tests.service.test_sync_jobs import write_config
from tests.support.webserver import fill, login, serve
from trends.update import Context, update

DATED = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)
ERROR = "không gửi được qua 127.0.0.1:2525: <b>máy chủ</b> từ chối kết nối"


def prepare(store: Store) -> None:
    store.add_articles([Article(url=f"https://baolaichau.example/{n}.html", source_id="tin-a", title=f"Bài {n}",
                                text="Nội dung về tỉnh Lai Châu.", published_at=DATED) for n in range(4)])
    store.db.execute("INSERT INTO report_sends (kind, first_day, last_day, status, attempts, sent_at) "
                     "VALUES ('month', '2026-10-01', '2026-10-31', 'sent', 1, ?)", (iso(DATED),))
    store.db.execute("INSERT INTO report_sends (kind, first_day, last_day, status, attempts, last_error) "
                     "VALUES ('week', '2026-11-23', '2026-11-29', 'failed', 3, ?)", (ERROR,))
    update(store, Context(None), now=DATED)
    store.db.execute("INSERT INTO trend_events (rule_id, signal, subject, label, raised_at, value, baseline, items, "
                     "document) VALUES ('tin-lan-rong', 'story', 'story:1', 'Bài 1', ?, 5, 0, '[]', '{}')",
                     (iso(utcnow()),))


def test_status_command_shows_scheduled_reports_and_trends(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "config", reports=True, trends=True)
    db = tmp_path / "pw.db"
    with Store(db) as store:
        prepare(store)
        from presswatch.config import load_config

        [week, month] = sorted(schedule(store.db, utcnow(), load_config(config).settings), key=lambda s: s.kind,
                               reverse=True)
    assert main(["--config", str(config), "--db", str(db), "status"]) == 0
    printed = capsys.readouterr().out
    assert "Báo cáo định kỳ theo lịch:" in printed
    [month_line] = [line for line in printed.splitlines() if line.startswith("  tháng: ")]
    assert f"lần gửi tới {local(month.next_at)} ({month.next_period.label})" in month_line
    assert "đã gửi gần nhất tháng 10 năm 2026 lúc 27/11/2026 12:00" in month_line
    [week_line] = [line for line in printed.splitlines() if line.startswith("  tuần: ")]
    assert "chưa gửi kỳ nào" in week_line and f"LỖI lần thử gần nhất (tuần 48 năm 2026, 3 lần): {ERROR}" in week_line
    assert f"đang chờ gửi {len(week.waiting)} kỳ" in week_line
    assert ("Xu hướng: cập nhật lúc 27/11/2026 12:00, đã đọc 4 bài; đang được quan tâm (24 giờ qua): "
            "tin lan rộng 1, tương tác tăng nhanh 0, tăng đột biến 0") in printed


def test_status_without_schedule_or_updates_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path / "config", reports=False, trends=False)
    Store(tmp_path / "pw.db").close()
    assert main(["--config", str(config), "--db", str(tmp_path / "pw.db"), "status"]) == 0
    printed = capsys.readouterr().out
    assert "Báo cáo định kỳ: chưa đặt lịch (report_schedule)" in printed
    assert "Xu hướng: tín hiệu chưa cập nhật lần nào" in printed


def test_status_page_for_analysts(tmp_path: Path) -> None:
    db = tmp_path / "web.db"
    ids = fill(db, count=12)
    with Store(db) as store:
        prepare(store)
    with serve(db, ids, report_schedule="month 1 08:00; week 1 07:30",
               report_recipients=["lanhdao@laichau.gov.vn"]) as web:
        analyst = login(web.url, "analyst1")
        page = analyst.get("/status")
        assert page.status_code == 200
        assert "tháng 10 năm 2026, lúc 27/11/2026 12:00" in page.text
        assert "tuần 48 năm 2026: LỖI (3 lần)" in page.text
        assert "&lt;b&gt;máy chủ&lt;/b&gt;" in page.text and "<b>máy chủ</b>" not in page.text  # escaped
        assert "Cập nhật gần nhất lúc 27/11/2026 12:00; đã đọc" in page.text
        assert '<tr><td>Tin lan rộng</td><td class="num">1</td></tr>' in page.text
        assert 'href="/status"' in analyst.get("/").text
        viewer = login(web.url, "viewer1")
        assert viewer.get("/status").status_code == 403 and 'href="/status"' not in viewer.get("/").text
        analyst.close()
        viewer.close()
