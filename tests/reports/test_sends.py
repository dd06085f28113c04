"""Scheduled periodic reports through a real SMTP server (aiosmtpd on 127.0.0.1): each period sent
once with its DOCX attached, a failed send (server down) recorded and retried, the schedule setting
validated."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from docx import Document

from presswatch.config import Config, Settings, load_config, load_settings
from presswatch.errors import ConfigError
from presswatch.models import Article
from presswatch.store import Store
from reports import archive
from reports.period import Period
from reports.sends import due_periods, records, schedule, send_due, send_moment
from tests.support.crawling import free_port
from tests.support.mailserver import Inbox, MailServer
from tests.support.paths import CONFIG

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with MailServer() as server:
        yield server.inbox, server.port


def config_for(port: int, schedule: str = "month 1 08:00; week 1 07:30", folder: str = "reports") -> Config:
    settings = Settings(reports_dir=folder, smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", smtp_timeout=5,
                        report_recipients=["lanhdao@laichau.gov.vn", "vanphong@laichau.gov.vn"],
                        report_schedule=schedule, digest_sender="presswatch@laichau.gov.vn")
    return dataclasses.replace(load_config(CONFIG, {}), settings=settings)


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    store = Store(tmp_path / "sends.db")
    store.add_articles([Article(url=f"https://baolaichau.example/{n}.html", source_id="bao-lai-chau",
                                title=f"Bài {n} về Lai Châu", text="Nội dung bài viết về tỉnh Lai Châu.",
                                published_at=datetime(2026, 11, 10 + n, 3, tzinfo=UTC)) for n in range(3)])
    return store


def attachment(message: EmailMessage) -> tuple[str, bytes]:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == DOCX]
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return str(part.get_filename()), payload


def test_each_period_is_sent_once_with_its_report(filled: Store, smtp: tuple[Inbox, int], tmp_path: Path) -> None:
    inbox, port = smtp
    config = config_for(port, folder=str(tmp_path / "reports"))
    # Monday 30/11 07:29 in Vietnam: the week of 23/11 is not due yet; the latest due of each kind is
    # October and the week of 16/11 (a new installation sends those, not every earlier period)
    before = datetime(2026, 11, 30, 0, 29, tzinfo=UTC)
    assert [(p.kind, p.first) for p in due_periods(filled.db, before, config.settings)] == [
        ("month", date(2026, 10, 1)), ("week", date(2026, 11, 16))]
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 1/12 09:00 in Vietnam
    sent = send_due(config, filled, now, environ={})
    assert [(s.period.kind, s.period.first, s.status) for s in sent] == [
        ("week", date(2026, 11, 23), "sent"), ("month", date(2026, 11, 1), "sent")]
    assert len(inbox.messages) == 2
    month = inbox.messages[1]
    assert month["Subject"] == "Báo cáo tình hình thông tin báo chí, mạng xã hội về tỉnh Lai Châu tháng 11 năm 2026"
    assert month["To"] == "lanhdao@laichau.gov.vn, vanphong@laichau.gov.vn"
    name, data = attachment(month)
    assert name == "bao-cao-2026-11-01_2026-11-30.docx"
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "tháng 11 năm 2026" in text and "đã thu thập 3 tin, bài" in text
    week_text = "\n".join(p.text for p in Document(io.BytesIO(attachment(inbox.messages[0])[1])).paragraphs)
    assert "tuần 48 năm 2026" in week_text

    assert send_due(config, filled, now, environ={}) == []  # once per period
    assert send_due(config, filled, datetime(2026, 12, 6, 2, 0, tzinfo=UTC), environ={}) == []
    assert len(inbox.messages) == 2
    assert {(r.period.kind, r.status, r.attempts) for r in records(filled.db)} == {("week", "sent", 1),
                                                                                  ("month", "sent", 1)}
    kept = archive.listing(filled)  # in the web UI's archive too, the mailed bytes
    assert sorted((f.period.kind, f.created_by) for f in kept) == [("month", "dịch vụ"), ("week", "dịch vụ")]
    month_file = next(f for f in kept if f.period.kind == "month")
    assert archive.read(tmp_path / "reports", month_file) == data


def test_a_failed_send_is_retried_until_it_goes(filled: Store, smtp: tuple[Inbox, int], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # reports_dir "reports" is relative to the working directory
    inbox, port = smtp
    closed = free_port()  # nobody listens: the server is down
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    [failed] = send_due(config_for(closed, "month 1 08:00"), filled, now, environ={})
    assert failed.status == "failed" and failed.last_error and f"127.0.0.1:{closed}" in failed.last_error
    later = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)
    assert [p.first for p in due_periods(filled.db, later, config_for(port, "month 1 08:00").settings)] == [
        date(2026, 11, 1)]
    [sent] = send_due(config_for(port, "month 1 08:00"), filled, later, environ={})
    assert sent.status == "sent" and sent.attempts == 2 and len(inbox.messages) == 1
    # a month later November's report is done; December's is due, once
    january = datetime(2027, 1, 1, 1, 0, tzinfo=UTC)
    assert [s.period.first for s in send_due(config_for(port, "month 1 08:00"), filled, january, environ={})] == [
        date(2026, 12, 1)]
    assert send_due(config_for(port, "month 1 08:00"), filled, january, environ={}) == []
    assert len(inbox.messages) == 2


def test_no_recipients_no_schedule_nothing_sent(filled: Store) -> None:
    config = dataclasses.replace(config_for(free_port()), settings=Settings(report_schedule="month 1 08:00"))
    assert send_due(config, filled, datetime(2026, 12, 1, 2, 0, tzinfo=UTC)) == []
    assert due_periods(filled.db, datetime(2026, 12, 1, 2, tzinfo=UTC), Settings()) == []


def test_send_moments() -> None:
    november = Period("month", date(2026, 11, 1), date(2026, 11, 30))
    assert send_moment(november, 1, 8, 0) == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert send_moment(november, 5, 7, 30) == datetime(2026, 12, 5, 0, 30, tzinfo=UTC)
    week = Period("week", date(2026, 11, 23), date(2026, 11, 29))
    assert send_moment(week, 1, 7, 30) == datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # Monday after


@pytest.mark.parametrize(("value", "message"), [
    ("monthly 1 08:00", "phải có dạng LOẠI NGÀY HH:MM"),
    ("month 29 08:00", "ngày phải từ 1 đến 28"),
    ("week 8 08:00", "ngày phải từ 1 đến 7"),
    ("month 1 25:00", "giờ HH:MM hợp lệ"),
    ("month 1 08:00; month 2 08:00", "có hai lần"),
])
def test_bad_schedule_named_with_file_and_line(tmp_path: Path, value: str, message: str) -> None:
    path = tmp_path / "presswatch.yaml"
    path.write_text(f"database: x.db\nreport_schedule: \"{value}\"\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    assert caught.value.problems[0].startswith(f"{path}:2: report_schedule:") and message in caught.value.problems[0]


def test_schedule_is_normalised() -> None:
    settings = Settings(report_schedule=" quarter 3 8:00 ;month 1 08:00 ")
    assert settings.report_schedule == "quarter 3 08:00; month 1 08:00"
    assert settings.report_times() == [("quarter", 3, 8, 0), ("month", 1, 8, 0)]


def test_missed_periods_are_caught_up_once_oldest_first_at_most_n(filled: Store, smtp: tuple[Inbox, int],
                                                                   tmp_path: Path) -> None:
    """The service sent week 48, then was down four weeks: at its return the missed weeks go out through
    the SMTP server, oldest first, at most ``report_catch_up`` (the newest three here), each once."""
    inbox, port = smtp
    base = config_for(port, "week 1 07:30", folder=str(tmp_path / "reports"))
    config = dataclasses.replace(base, settings=base.settings.model_copy(update={"report_catch_up": 3}))
    [first] = send_due(config, filled, datetime(2026, 12, 1, 2, 0, tzinfo=UTC), environ={})
    assert (first.period.first, first.status) == (date(2026, 11, 23), "sent")
    back = datetime(2026, 12, 29, 2, 0, tzinfo=UTC)  # Tuesday 29/12 09:00: weeks 49 to 52 were missed
    unbounded = base.settings.model_copy(update={"report_catch_up": 6})
    assert [p.first for p in due_periods(filled.db, back, unbounded)] == [
        date(2026, 11, 30), date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21)]
    sent = send_due(config, filled, back, environ={})
    assert [(s.period.first, s.status, s.attempts) for s in sent] == [
        (date(2026, 12, 7), "sent", 1), (date(2026, 12, 14), "sent", 1), (date(2026, 12, 21), "sent", 1)]
    assert [m["Subject"].rsplit(" về tỉnh Lai Châu ", 1)[1] for m in inbox.messages] == [
        "tuần 48 năm 2026", "tuần 50 năm 2026", "tuần 51 năm 2026", "tuần 52 năm 2026"]
    assert [attachment(m)[0] for m in inbox.messages[1:]] == [
        "bao-cao-2026-12-07_2026-12-13.docx", "bao-cao-2026-12-14_2026-12-20.docx",
        "bao-cao-2026-12-21_2026-12-27.docx"]
    # Never twice: the next runs of the job (every 30 minutes, a restart) find nothing to send,
    # and week 49, beyond the bound, stays unsent rather than going out late.
    for later in (back, datetime(2026, 12, 29, 2, 30, tzinfo=UTC), datetime(2027, 1, 3, 2, 0, tzinfo=UTC)):
        assert send_due(config, filled, later, environ={}) == []
    assert len(inbox.messages) == 4
    assert sorted(r.period.first for r in records(filled.db)) == [
        date(2026, 11, 23), date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21)]


def test_the_schedule_says_what_is_next_and_what_was_sent(filled: Store, smtp: tuple[Inbox, int],
                                                          tmp_path: Path) -> None:
    inbox, port = smtp
    closed = free_port()
    now = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # Tuesday 1/12 09:00 in Vietnam
    settings = config_for(port, "month 1 08:00; week 1 07:30").settings
    [month, week] = schedule(filled.db, now, settings)
    assert (month.kind, month.next_period.first, month.last, [p.first for p in month.waiting]) == (
        "month", date(2026, 12, 1), None, [date(2026, 11, 1)])
    assert month.next_at == datetime(2027, 1, 1, 1, 0, tzinfo=UTC)
    assert (week.next_period.first, week.next_at) == (date(2026, 11, 30), datetime(2026, 12, 7, 0, 30, tzinfo=UTC))
    send_due(config_for(port, "week 1 07:30", folder=str(tmp_path / "r")), filled, now, environ={})
    send_due(config_for(closed, "month 1 08:00", folder=str(tmp_path / "r")), filled, now, environ={})
    [month, week] = schedule(filled.db, now, settings)
    assert week.last_sent is not None and week.last_sent.period.first == date(2026, 11, 23) and not week.waiting
    assert month.last_sent is None and month.last is not None and month.last.status == "failed"
    assert f"127.0.0.1:{closed}" in (month.last.last_error or "") and len(inbox.messages) == 1
