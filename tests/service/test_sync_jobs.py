"""``Monitor.sync_jobs``, the wiring of the schedule: a configuration with report schedules and trend
rules gives the reports and trends jobs with their triggers (in APScheduler's SQLite job store of the
database, beside the crawls, the digest and the housekeeping); a reload to a configuration without
them removes those jobs, from the store too. The two jobs themselves, called as APScheduler calls
them (by reference, with the configuration directory and the database path): the reports job mails
the due reports through a real SMTP server (aiosmtpd) once, the trends job reads the new articles."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from presswatch.config import load_config
from presswatch.models import Article
from presswatch.service import jobs
from presswatch.service.jobstore import scheduled_jobs
from presswatch.service.scheduler import REPORT_MINUTES, TRENDS_MINUTES, Monitor
from presswatch.store import Store
from presswatch.times import utcnow
from tests.support.mailserver import Inbox, MailServer
from tests.support.paths import CONFIG
from trends.reads import state

SOURCES = """sources:
  - id: tin-a
    name: "Nguồn A"
    kind: press
    type: feed
    urls: [http://127.0.0.1:9/rss.xml]
    interval: 10m
"""
TREND_RULE = """  - id: tin-lan-rong
    name: "Tin lan rộng"
    kind: trend
    trend: {signal: story, min_outlets: 5, window: 6h}
    min_relevance: about
    channels: [thanh-tra]
"""


def write_config(folder: Path, *, reports: bool, trends: bool, extra: str = "") -> Path:
    folder.mkdir(exist_ok=True)
    for name in ("topics.yaml", "sentiment.yaml", "report.docx"):
        (folder / name).write_bytes((CONFIG / name).read_bytes())
    (folder / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (folder / "alerts.yaml").write_text(
        "channels:\n  - id: thanh-tra\n    type: webhook\n    url: http://127.0.0.1:9/hook\n"
        "    secret_env: TEST_SYNC_SECRET\n"
        "rules:\n  - id: moi-bai\n    name: \"Mọi bài\"\n    min_relevance: about\n    channels: [thanh-tra]\n"
        + (TREND_RULE if trends else ""), encoding="utf-8")
    schedule = ('report_recipients: [lanhdao@laichau.gov.vn]\nreport_schedule: "week 1 07:30; month 1 08:00"\n'
                if reports else "")
    (folder / "presswatch.yaml").write_text(f"metrics_port: 0\nweb_port: 0\nbackup_dir: \"\"\n"
                                            f"digest_time: \"06:45\"\n{schedule}{extra}", encoding="utf-8")
    return folder


def jobs_of(monitor: Monitor) -> dict[str, object]:
    return {job.id: job.trigger for job in monitor.scheduler.get_jobs()}


def test_reports_and_trends_jobs_follow_the_configuration(tmp_path: Path) -> None:
    config = write_config(tmp_path / "config", reports=True, trends=True)
    db = tmp_path / "pw.db"
    monitor = Monitor(load_config(config), db)
    monitor.scheduler.start(paused=True)
    try:
        monitor.sync_jobs()
        triggers = jobs_of(monitor)
        assert {"crawl:tin-a", "digest", "digest-retry", "housekeeping", "register", "evidence", "alerts-pending",
                "reports", "trends"} <= set(triggers)
        reports, trends = triggers["reports"], triggers["trends"]
        assert isinstance(reports, IntervalTrigger) and reports.interval == timedelta(minutes=REPORT_MINUTES)
        assert isinstance(trends, IntervalTrigger) and trends.interval == timedelta(minutes=TRENDS_MINUTES)
        crawl = triggers["crawl:tin-a"]
        assert isinstance(crawl, IntervalTrigger) and crawl.interval == timedelta(minutes=10)
        digest = triggers["digest"]
        assert isinstance(digest, CronTrigger) and str(digest.fields[5]) == "6" and str(digest.fields[6]) == "45"
        job = monitor.scheduler.get_job("reports")
        assert job.func_ref == "presswatch.service.jobs:report_job" and list(job.args) == [str(config), str(db)]
        assert monitor.scheduler.get_job("trends").func_ref == "presswatch.service.jobs:trends_job"
        with Store(db) as store:  # persisted in the database's job store, as `presswatch status` reads it
            assert {"reports", "trends"} <= {job_id for job_id, _ in scheduled_jobs(store.db)}

        # The operator removes the schedule and the trend rule, then reloads: both jobs go.
        write_config(tmp_path / "config", reports=False, trends=False)
        assert monitor.reload()
        assert not {"reports", "trends"} & set(jobs_of(monitor))
        assert {"crawl:tin-a", "digest", "housekeeping"} <= set(jobs_of(monitor))
        with Store(db) as store:
            assert not {"reports", "trends"} & {job_id for job_id, _ in scheduled_jobs(store.db)}

        # And back: a reload that adds them adds the jobs again.
        write_config(tmp_path / "config", reports=True, trends=True)
        assert monitor.reload()
        assert {"reports", "trends"} <= set(jobs_of(monitor))
    finally:
        monitor.stop_worker()
        monitor.scheduler.shutdown(wait=False)


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with MailServer() as server:
        yield server.inbox, server.port


def test_the_scheduled_jobs_send_the_reports_once_and_update_the_trends(tmp_path: Path,
                                                                          smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    mail = (f"smtp_host: 127.0.0.1\nsmtp_port: {port}\nsmtp_security: none\n"
            f"digest_sender: presswatch@laichau.gov.vn\nreports_dir: \"{tmp_path / 'reports'}\"\n")
    config = write_config(tmp_path / "config", reports=True, trends=True, extra=mail)
    db = tmp_path / "pw.db"
    with Store(db) as store:
        store.add_articles([Article(url=f"https://baolaichau.example/{n}.html", source_id="tin-a", title=f"Bài {n}",
                                    text="Nội dung về tỉnh Lai Châu.",
                                    published_at=datetime.now(UTC) - timedelta(days=n)) for n in range(3)])
    # a new installation: the latest due period of each kind (the week and the month), once each
    assert jobs.report_job(str(config), str(db)).statuses == ("sent", "sent")
    assert jobs.report_job(str(config), str(db)).statuses == ()  # the next run, 30 minutes later
    subjects = [str(m["Subject"]) for m in inbox.messages]
    assert len(subjects) == 2 and any(" tuần " in s for s in subjects) and any(" tháng " in s for s in subjects)
    tally = jobs.trends_job(str(config), str(db))
    assert (tally.articles, tally.raised) == (3, 0)
    assert jobs.trends_job(str(config), str(db)).articles == 0  # already read
    with Store(db) as store:
        now = state(store.db, utcnow())
    assert now.articles_read == 3 and now.updated_at is not None and utcnow() - now.updated_at < timedelta(minutes=5)
