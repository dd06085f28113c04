"""The request API and queue, the integrity check (``presswatch evidence verify``), the quota, and the
notices of re-check events through the alert outbox. No browser: captures are recorded directly."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from alerts import outbox
from evidence import protected_paths, queue, records, request_capture
from evidence.files import path_of
from evidence.rechecks import events_since
from presswatch.cli import main
from presswatch.config import load_config
from presswatch.service.evidence import capture_request, notify, recheck
from presswatch.store import Store
from tests.evidence.helpers import config_dir, record_capture, settings_for
from tests.support.evidence_site import Page, Site


def test_request_capture_is_part_of_the_callers_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as conn:
        request_capture(conn, "https://baolaichau.vn/tin/1.html", reason="kiểm thử")
        raise RuntimeError("the caller's work failed")
    assert queue.counts(store.db) == {}
    with store.transaction() as conn:
        first = request_capture(conn, "https://baolaichau.vn/tin/1.html", reason="analyst1")
        again = request_capture(conn, "https://baolaichau.vn/tin/1.html", reason="quy tắc tin-sai")
        other = request_capture(conn, "https://baolaichau.vn/tin/1.html", reason="hồ sơ", case_id=7)
    assert first == again != other
    pending = queue.request(store.db, other)
    assert pending is not None and pending.case_id == 7 and pending.status == "pending"
    for bad in ("file:///etc/passwd", "javascript:alert(1)", "ftp://x.vn/a", "baolaichau.vn/tin"):
        with pytest.raises(ValueError, match="http"), store.transaction() as conn:
            request_capture(conn, bad, reason="x")


def test_an_internal_address_is_refused_with_the_setting_to_change(tmp_path: Path, store: Store) -> None:
    with store.transaction() as conn:
        request_id = request_capture(conn, "http://127.0.0.1:9/admin", reason="kiểm thử")
    outcome = capture_request(store, request_id, settings_for(tmp_path))
    assert outcome.status == "refused" and "evidence_allow_internal" in outcome.message
    item = queue.request(store.db, request_id)
    assert item is not None and item.status == "refused" and item.attempts == 1
    assert records.capture_count(store.db) == 0


def test_quota_reached_refuses_new_captures_with_a_message(tmp_path: Path, store: Store) -> None:
    settings = settings_for(tmp_path, evidence_quota_bytes=10)
    record_capture(store, settings, "https://baolaichau.vn/a", "A", "văn bản " * 10, datetime.now(UTC))
    with store.transaction() as conn:
        request_id = request_capture(conn, "https://baolaichau.vn/b", reason="kiểm thử")
    outcome = capture_request(store, request_id, settings)
    assert outcome.status == "refused" and "hạn mức" in outcome.message and "evidence_quota_bytes" in outcome.message
    assert records.capture_count(store.db) == 1  # what was captured stays; only new captures are refused


def test_verify_names_a_tampered_and_a_missing_file(tmp_path: Path, db: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    config = config_dir(tmp_path, f"evidence_dir: {tmp_path / 'evidence'}\n")
    settings = load_config(config).settings
    with Store(db) as store:
        first = record_capture(store, settings, "https://baolaichau.vn/a", "Bài A", "Nội dung A", datetime.now(UTC))
        second = record_capture(store, settings, "https://baolaichau.vn/b", "Bài B", "Nội dung B", datetime.now(UTC))
        kept = protected_paths(store.db, Path(settings.evidence_dir))
        a = records.capture(store.db, first)
        b = records.capture(store.db, second)
    assert a is not None and b is not None
    assert {path_of(Path(settings.evidence_dir), f.sha256) for f in (*a.files, *b.files)} == kept
    assert main(["--config", str(config), "--db", str(db), "evidence", "verify"]) == 0
    assert "tệp bằng chứng nguyên vẹn" in capsys.readouterr().out
    assert main(["--config", str(config), "--db", str(db), "status"]) == 0
    assert "Bằng chứng: 2 bản lưu, 0.0 MB / hạn mức 20.00 GB; yêu cầu đang chờ 0" in capsys.readouterr().out

    text = a.file("text")
    assert text is not None
    tampered = path_of(Path(settings.evidence_dir), text.sha256)
    os.chmod(tampered, 0o644)
    tampered.write_bytes(tampered.read_bytes().replace("Nội dung A".encode(), "Nội dung khác".encode()))
    png = b.file("png")
    assert png is not None
    path_of(Path(settings.evidence_dir), png.sha256).unlink()
    assert main(["--config", str(config), "--db", str(db), "evidence", "verify"]) == 1
    problems = capsys.readouterr().err
    assert f"bằng chứng #{first} (text): {tampered}: tệp đã bị thay đổi" in problems
    assert f"bằng chứng #{second} (png)" in problems and "thiếu tệp" in problems
    assert "2/6 tệp" in problems  # the manifest "{}" of both is one file: content-addressed, kept once


def test_edit_and_removal_events_go_out_through_the_alert_channels(tmp_path: Path, db: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped alerts.yaml: the source-health channel (thanh-tra) gets the notice."""
    monkeypatch.setenv("PRESSWATCH_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setenv("PRESSWATCH_WEBHOOK_SECRET", "s" * 32)
    config = load_config(config_dir(tmp_path, f"evidence_dir: {tmp_path / 'evidence'}\n"))
    with Site() as site:
        settings = settings_for(tmp_path, site.port)
        start = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
        with Store(db) as store:
            record_capture(store, settings, site.url("/gone.html"), "Bài", "Nội dung " * 20, start)
        recheck(db, settings)
    with Store(db) as store:
        [event] = events_since(store.db, 0)
        assert event.kind == "removed"
        before = outbox.counts(store.db)["pending"]
        assert notify(store, config) == 1
        assert outbox.counts(store.db)["pending"] == before + 1
        [row] = [row for row in outbox.listing(store.db, "pending") if row.kind == "health"]
        assert row.channel == "thanh-tra" and "Bài đã bị gỡ" in (row.payload or "")
        assert notify(store, config) == 0  # once


def test_a_redirect_to_an_address_not_allowed_is_refused_hop_by_hop(tmp_path: Path, store: Store) -> None:
    """The allowed test site redirects to another port of 127.0.0.1 (an internal admin): the hop is
    refused at connection time, the capture refused with the entry that would allow it, and the
    admin server never sees a request."""
    with Site() as site, Site() as admin:
        site.pages["/tin.html"] = Page(status=302, location=f"http://127.0.0.1:{admin.port}/admin")
        with store.transaction() as conn:
            request_id = request_capture(conn, site.url("/tin.html"), reason="kiểm thử")
        outcome = capture_request(store, request_id, settings_for(tmp_path, site.port))
        assert site.hits["/tin.html"] == 1 and admin.hits == {}
    assert outcome.status == "refused"
    assert f"thêm '127.0.0.1:{admin.port}' vào evidence_allow_internal" in outcome.message


def test_a_change_to_a_page_of_a_case_tells_the_case_s_assignee(tmp_path: Path, db: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A link attached to a case is queued for capture; when a re-check finds it removed, the notice
    goes to the cases' reminder channel, naming the case and its assignee, with a link to the case."""
    from cases import records as case_records
    from cases.model import Draft
    from cases.settings import load_cases_config
    from presswatch.store import users
    from presswatch.store.users import User

    monkeypatch.setenv("PRESSWATCH_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setenv("PRESSWATCH_WEBHOOK_SECRET", "s" * 32)
    config = load_config(config_dir(tmp_path, f"evidence_dir: {tmp_path / 'evidence'}\n"
                                               "cases_reminder_channels: [thanh-tra]\n"
                                               "web_base_url: https://giamsat.example\n"))
    kinds = load_cases_config(config.directory / "cases.yaml").kind_labels()
    with Site() as site:
        settings = settings_for(tmp_path, site.port)
        start = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
        with Store(db) as store:
            users.add_user(store, "hung", "inspector", "mat-khau-dai-1")
            inspector = User("hung", "inspector", start)
            case = case_records.open_case(store, inspector, Draft(
                title="Bài sai về sạt lở", kind="sai-su-that", origin="phone", assignee="hung",
                links=(site.url("/gone.html"),)), kinds, now=start)
            with store.transaction() as conn:
                [request] = queue.due(conn, datetime.now(UTC))
            assert request.case_id == case.id
            made = records.Capture(url=request.url, final_url=request.url, http_status=200, title="Bài",
                                   text="Nội dung " * 20, captured_at=start, tools={"test": "1"},
                                   files={"text": "Bài\n\nNội dung".encode()})
            stored = records.store_files(Path(settings.evidence_dir), made)
            with store.transaction() as conn:
                records.save(conn, request.id, made, stored, settings.recheck_seconds())
        recheck(db, settings)
    with Store(db) as store:
        [event] = events_since(store.db, 0)
        assert (event.kind, event.case_id) == ("removed", case.id)
        assert notify(store, config) == 1
        [row] = [row for row in outbox.listing(store.db, "pending") if row.kind == "health"]
        assert row.channel == "thanh-tra"
        payload = row.payload or ""
        assert f"Hồ sơ {case.number}" in payload and "người xử lý: hung" in payload
        assert f"https://giamsat.example/cases/{case.id}" in payload and "Bài đã bị gỡ" in payload
