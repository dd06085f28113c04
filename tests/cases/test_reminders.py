"""The cases' reminders through the real alert channels: queued by the service's job function to a
webhook channel, delivered by the real delivery worker to a real HTTP receiver on 127.0.0.1 (signed,
retried like alerts): a case assigned, a reporter's new message, a deadline near, a case overdue;
each once, with a link to the case and no personal data."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from alerts.worker import DeliveryWorker
from cases import audit, records
from cases.model import Draft
from cases.settings import load_cases_config
from presswatch.config import Config, Settings
from presswatch.config.alerts import load_alerts
from presswatch.service.jobs import queue_case_reminders
from presswatch.store import Store, users
from tests.support.receiver import Receiver

ROOT = Path(__file__).resolve().parents[2]
KINDS = load_cases_config(ROOT / "config" / "cases.yaml").kind_labels()
NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
ENV = {"TEST_WEBHOOK_SECRET": "bi-mat-webhook-thu-nghiem-32-ky-tu"}


def config(tmp_path: Path, url: str, **settings: object) -> Config:
    (tmp_path / "alerts.yaml").write_text(f"""
channels:
  - id: thanh-tra
    type: webhook
    url: {url}
    secret_env: TEST_WEBHOOK_SECRET
rules: []
""", encoding="utf-8")
    base = Settings(cases_reminder_channels=["thanh-tra", "khong-co"], web_base_url="https://giamsat.example.vn",
                    alert_retry_base=0.1, alert_poll=0.05)
    return Config(directory=ROOT / "config", settings=base.model_copy(update=settings), sources=[],
                  alerts=load_alerts(tmp_path / "alerts.yaml"))


def test_reminders_go_out_once_through_the_alert_channels(tmp_path: Path) -> None:
    with Store(tmp_path / "r.db") as store, Receiver(script=[503]) as receiver:
        users.add_user(store, "lan", "analyst", "mat-khau-dai-1")
        users.add_user(store, "hung", "inspector", "mat-khau-dai-2")
        analyst, inspector = sorted(users.list_users(store), key=lambda u: u.role)
        today = date(2026, 12, 7)
        assigned = records.open_case(store, analyst, Draft(title="Giao cho thanh tra", kind="khac", origin="letter",
                                                           reporter_phone="0912 345 678"), KINDS, now=NOW)
        records.update_case(store, inspector, assigned.id, assigned.version, {"assignee": "hung"}, KINDS,
                            now=NOW)
        near = records.open_case(store, analyst, Draft(title="Sắp đến hạn", kind="khac", origin="phone",
                                                       deadline=today + timedelta(days=1)), KINDS, now=NOW)
        late = records.open_case(store, analyst, Draft(title="Đã quá hạn", kind="khac", origin="phone",
                                                       deadline=today - timedelta(days=3)), KINDS, now=NOW)
        records.open_case(store, analyst, Draft(title="Còn lâu mới đến hạn", kind="khac", origin="phone",
                                                deadline=today + timedelta(days=20)), KINDS, now=NOW)
        with store.transaction() as db:  # what the mailbox intake writes for a reply
            audit.append(db, near.id, "hop-thu", "reporter_message", None, "Tôi là Nguyễn Văn A, 0987 111 222",
                         NOW)
        settings = config(tmp_path, receiver.url + "/hook")
        assert queue_case_reminders(store, settings, ENV, NOW) == 4
        assert queue_case_reminders(store, settings, ENV, NOW + timedelta(minutes=15)) == 0  # each once
        # the worker's clock moves 10 s a reading from the queueing time: past every retry's short wait,
        # never near alert_max_age (48 h); not the real clock, against which NOW grows old (this
        # test failed once the real date passed NOW + 1 day: the first failure then went dead)
        ticks = itertools.count(1)
        worker = DeliveryWorker(store, settings, ENV, clock=lambda: NOW + timedelta(seconds=10 * next(ticks)))
        deadline = time.monotonic() + 20
        while len(receiver.accepted) < 4 and time.monotonic() < deadline:
            worker.run_once()
            time.sleep(0.05)
        documents = sorted((item.json() for item in receiver.accepted.values()), key=lambda d: d["kind"])
    assert [d["kind"] for d in documents] == ["assigned", "deadline_near", "overdue", "reporter_message"]
    assert all(d["type"] == "case_reminder" and d["case"]["url"].startswith("https://giamsat.example.vn/cases/")
               for d in documents)
    by_kind = {d["kind"]: d for d in documents}
    assert by_kind["assigned"]["case"]["id"] == assigned.id and "Giao cho: hung" in by_kind["assigned"]["text"]
    assert by_kind["overdue"]["case"]["id"] == late.id and "Quá hạn 3 ngày" in by_kind["overdue"]["text"]
    assert "Còn 1 ngày" in by_kind["deadline_near"]["text"]
    text = " ".join(d["text"] for d in documents)
    assert "0912" not in text and "0987" not in text and "Nguyễn Văn A" not in text  # no personal data
    assert receiver.requests[0].status == 503 and len(receiver.requests) >= 5  # the first try failed, retried
