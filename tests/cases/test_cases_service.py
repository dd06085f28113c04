"""``presswatch run`` schedules the hotline mailbox and the cases' reminders when they are configured,
and drops them when they are not (``Monitor.sync_jobs`` on a real APScheduler job store)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from presswatch.config import load_config
from presswatch.service.scheduler import Monitor
from tests.support.paths import CONFIG


def test_the_mailbox_and_reminder_jobs_follow_the_settings(tmp_path: Path) -> None:
    plain = load_config(CONFIG)
    configured = replace(plain, settings=plain.settings.model_copy(update={
        "hotline_imap_host": "mail.example.vn", "hotline_interval": 120, "cases_reminder_channels": ["thanh-tra"]}))
    monitor = Monitor(configured, tmp_path / "s.db")
    monitor.sync_jobs()
    jobs = {job.id: job for job in monitor.scheduler.get_jobs()}
    assert jobs["hotline"].func_ref == "presswatch.service.jobs:hotline_job"
    assert jobs["hotline"].trigger.interval.total_seconds() == 120
    assert jobs["case-reminders"].func_ref == "presswatch.service.jobs:case_reminders_job"
    monitor.config = plain
    monitor.sync_jobs()
    assert not {"hotline", "case-reminders"} & {job.id for job in monitor.scheduler.get_jobs()}
