"""The cases' reminders by e-mail to the assignee, through a real SMTP server (aiosmtpd on 127.0.0.1)
with the digest's SMTP settings: each sent once to the address of the assignee's account; a user
without an address, and the server down, are logged without personal data and retried, and never
hold up the other reminders (the webhook channel's, the other e-mails); an address added later is
used at the next try; the subject keeps its Vietnamese spaces."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from alerts import outbox
from cases import reads, records
from cases.model import Draft
from cases.settings import load_cases_config
from presswatch.config import Config, Settings
from presswatch.config.alerts import load_alerts
from presswatch.service.case_mail import send_reminder_mail
from presswatch.service.jobs import queue_case_reminders
from presswatch.store import Store, users
from tests.support.mailserver import Inbox, MailServer
from tests.support.paths import CONFIG

KINDS = load_cases_config(CONFIG / "cases.yaml").kind_labels()
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
TODAY = date(2026, 12, 7)
ENV = {"TEST_WEBHOOK_SECRET": "bi-mat-webhook-thu-nghiem-32-ky-tu"}


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, MailServer]]:
    with MailServer() as server:
        yield server.inbox, server


def config(tmp_path: Path, port: int) -> Config:
    (tmp_path / "alerts.yaml").write_text("""
channels:
  - id: thanh-tra
    type: webhook
    url: http://127.0.0.1:9/hook
    secret_env: TEST_WEBHOOK_SECRET
rules: []
""", encoding="utf-8")
    settings = Settings(cases_reminder_email=True, cases_reminder_channels=["thanh-tra"], smtp_host="127.0.0.1",
                        smtp_port=port, smtp_security="none", smtp_timeout=5,
                        digest_sender="giamsat@laichau.gov.vn", web_base_url="https://giamsat.example.vn")
    return Config(directory=CONFIG, settings=settings, sources=[], alerts=load_alerts(tmp_path / "alerts.yaml"))


def test_reminders_are_mailed_to_the_assignee_and_retried(tmp_path: Path, smtp: tuple[Inbox, MailServer],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    inbox, server = smtp
    settings = config(tmp_path, server.port)
    with Store(tmp_path / "m.db") as store:
        users.add_user(store, "lan", "analyst", "mat-khau-dai-1")
        users.add_user(store, "hung", "inspector", "mat-khau-dai-2")
        users.add_user(store, "mai", "inspector", "mat-khau-dai-3")
        users.set_email(store, "hung", "hung.thanhtra@laichau.gov.vn")
        inspector = next(u for u in users.list_users(store) if u.name == "hung")
        near = records.open_case(store, inspector, Draft(title="Sắp đến hạn", kind="khac", origin="phone",
                                                         assignee="hung", deadline=TODAY + timedelta(days=1),
                                                         reporter_phone="0912 345 678"), KINDS, now=NOW)
        late = records.open_case(store, inspector, Draft(title="Quá hạn", kind="khac", origin="letter",
                                                         assignee="mai", deadline=TODAY - timedelta(days=2)),
                                 KINDS, now=NOW)
        records.open_case(store, inspector, Draft(title="Chưa giao ai", kind="khac", origin="letter",
                                                  deadline=TODAY), KINDS, now=NOW)
        with caplog.at_level(logging.WARNING, logger="presswatch.jobs"):
            queued = queue_case_reminders(store, settings, ENV, NOW)
            assert queue_case_reminders(store, settings, ENV, NOW + timedelta(minutes=15)) == 0  # each once
            sent, failed = send_reminder_mail(store, settings.settings, ENV, NOW)
        # near: assigned + deadline_near to hung; late: assigned + overdue to mai (no address);
        # the case given to nobody: its deadline reminder goes to the channel only.
        assert queued == 5 and (sent, failed) == (2, 2)
        assert len(outbox.listing(store.db, "pending")) == 5  # the webhook's reminders are queued all the same
        mails = {m["Subject"]: m for m in inbox.messages}
        assert set(mails) == {f"[presswatch] Hồ sơ được giao: hồ sơ {near.number}",
                              f"[presswatch] Hồ sơ sắp đến hạn: hồ sơ {near.number}"}
        assert all(m["To"] == "hung.thanhtra@laichau.gov.vn" and "giamsat@laichau.gov.vn" in m["From"]
                   for m in inbox.messages)
        body = mails[f"[presswatch] Hồ sơ sắp đến hạn: hồ sơ {near.number}"].get_content()
        assert "Còn 1 ngày" in body and f"https://giamsat.example.vn/cases/{near.id}" in body
        assert "0912" not in body  # no reporter's contact
        logged = caplog.text
        assert f"nhắc việc hồ sơ {late.number} (overdue) qua email" in logged and "chưa có địa chỉ email" in logged
        assert "mai" not in logged.replace("mail", "") and "hung" not in logged and "@" not in logged
        # The address added later is used on the next try (after the back-off); nothing is sent twice.
        users.set_email(store, "mai", "mai.thanhtra@laichau.gov.vn")
        assert send_reminder_mail(store, settings.settings, ENV, NOW + timedelta(minutes=5)) == (0, 0)  # waiting
        assert send_reminder_mail(store, settings.settings, ENV, NOW + timedelta(minutes=16)) == (2, 0)
        assert sorted(m["To"] for m in inbox.messages) == ["hung.thanhtra@laichau.gov.vn"] * 2 + [
            "mai.thanhtra@laichau.gov.vn"] * 2
        # The server down: logged, retried, delivered once it is back.
        server.stop()
        later = NOW + timedelta(hours=1)
        current = reads.get_case(store.db, near.id)
        assert current is not None
        records.update_case(store, inspector, near.id, current.version, {"assignee": "mai"}, KINDS, now=later)
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="presswatch.jobs"):
            assert queue_case_reminders(store, settings, ENV, later) == 1
            assert send_reminder_mail(store, settings.settings, ENV, later) == (0, 1)
        assert "không gửi được" in caplog.text and "@" not in caplog.text
        server.start()
        assert send_reminder_mail(store, settings.settings, ENV, later + timedelta(minutes=16)) == (1, 0)
        assert send_reminder_mail(store, settings.settings, ENV, later + timedelta(days=1)) == (0, 0)
    assert [m["To"] for m in inbox.messages[4:]] == ["mai.thanhtra@laichau.gov.vn"]

