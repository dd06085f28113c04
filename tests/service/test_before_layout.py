"""A database made by the code before the layout change of issue 17 (``tests/data/legacy``, see its
README) keeps working: the service finds its schedule (the jobs APScheduler stored as
``presswatch.jobs:<function>`` now name ``presswatch.service.jobs``, with their next run times), and
the articles, users, annotations, alerts and digest record read through today's API."""

from __future__ import annotations

import logging
import pickle
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from alerts import outbox
from alerts.digest.send import send_record
from presswatch.config import load_config
from presswatch.service.jobstore import migrate_jobs
from presswatch.service.scheduler import Monitor
from presswatch.store import Store, users
from presswatch.store.annotation import article_annotations, saved_searches
from tests.support.paths import CONFIG, DATA

LEGACY = DATA / "legacy"
OLD = {"crawl:bao-lai-chau": "presswatch.jobs:crawl_job", "crawl:tin-hong": "presswatch.jobs:crawl_job",
       "digest": "presswatch.jobs:digest_job", "digest-retry": "presswatch.jobs:digest_job",
       "housekeeping": "presswatch.jobs:housekeeping_job"}


def stored_jobs(db: Path) -> dict[str, tuple[float, str]]:
    """The rows of the job store as APScheduler wrote them: id → (next run time, function)."""
    with closing(sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro&immutable=1", uri=True)) as conn:
        rows = conn.execute("SELECT id, next_run_time, job_state FROM apscheduler_jobs").fetchall()
    return {job_id: (next_run, pickle.loads(state)["func"]) for job_id, next_run, state in rows}


@pytest.fixture
def legacy_db(tmp_path: Path) -> Path:
    db = tmp_path / "before-layout.db"
    shutil.copy(LEGACY / "before-layout.db", db)
    return db


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """The shipped configuration with the settings and sources the legacy database was made with."""
    directory = tmp_path / "config"
    shutil.copytree(CONFIG, directory)
    for name in ("presswatch.yaml", "sources.yaml"):
        shutil.copy(LEGACY / "config" / name, directory / name)
    return directory


@pytest.fixture
def monitor(legacy_db: Path, config_dir: Path) -> Iterator[Monitor]:
    config = load_config(config_dir)
    assert config.settings.web_port == 0 and config.settings.metrics_port == 0
    yield Monitor(config, legacy_db)


def test_the_legacy_database_names_the_jobs_by_their_old_module() -> None:
    assert {job_id: func for job_id, (_, func) in stored_jobs(LEGACY / "before-layout.db").items()} == OLD


def test_the_service_loads_the_schedule_under_the_new_names_with_its_next_run_times(
        legacy_db: Path, monitor: Monitor) -> None:
    """The Monitor migrates the job store before its scheduler loads a job; APScheduler, which deletes
    a job whose function it cannot import, restores all five, each when it was due."""
    before = stored_jobs(LEGACY / "before-layout.db")
    after = stored_jobs(legacy_db)  # Monitor(...) has run (the fixture): the rows name the new module
    assert {job_id: func for job_id, (_, func) in after.items()} == {
        job_id: func.replace("presswatch.jobs:", "presswatch.service.jobs:") for job_id, func in OLD.items()}
    monitor.scheduler.start(paused=True)  # loads the schedule, runs nothing
    try:
        jobs = {job.id: job for job in monitor.scheduler.get_jobs()}
    finally:
        monitor.scheduler.shutdown(wait=False)
    assert set(jobs) == set(OLD)
    for job_id, job in jobs.items():
        assert job.func_ref == f"presswatch.service.jobs:{OLD[job_id].split(':')[1]}"
        assert job.next_run_time == datetime.fromtimestamp(after[job_id][0], UTC)
        assert after[job_id][0] == before[job_id][0]
    assert jobs["digest"].next_run_time == datetime.fromisoformat("2026-12-08T07:00:00+07:00")
    assert jobs["housekeeping"].next_run_time == datetime.fromisoformat("2026-12-08T02:30:00+07:00")
    assert list(jobs["crawl:tin-hong"].args)[2:] == ["tin-hong"]
    assert migrate_jobs(legacy_db) == 0  # once is enough: a second start changes nothing


def test_the_service_runs_on_the_legacy_database_without_losing_a_job(
        legacy_db: Path, config_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        monitor = Monitor(load_config(config_dir), legacy_db)
        monitor.start()
        try:
            deadline = time.monotonic() + 30
            while monitor.scheduler.get_job("alerts-pending") is not None and time.monotonic() < deadline:
                time.sleep(0.1)  # the one job due at once has run: the service is at work
            jobs = monitor.scheduler.get_jobs()
        finally:
            monitor.stop()
    assert set(OLD) <= {job.id for job in jobs}
    assert all(job.func_ref.startswith("presswatch.service.jobs:") for job in jobs)
    assert "Unable to restore job" not in caplog.text
    assert "lịch đã lưu: 5 việc chuyển sang tên mô-đun mới" in caplog.text


def test_the_data_of_the_legacy_database_reads_through_todays_api(legacy_db: Path) -> None:
    with Store(legacy_db) as store:  # migrates the schema
        assert store.count_articles() == 6
        articles = store.articles("bao-lai-chau")
        assert len(articles) == 6 and all("Lai Châu" in a.text for a in articles)
        assert all(a.analysis is not None and a.relevance in ("about", "mention") for a in articles)
        health = store.health()
        assert health["bao-lai-chau"].articles_total == 6 and health["tin-hong"].consecutive_failures == 1
        (lan,) = users.list_users(store)
        assert (lan.name, lan.role, lan.disabled) == ("lan", "analyst", False)
        assert users.authenticate(store, "lan", "mat-khau-cua-lan-1", "127.0.0.1") == lan
        notes = article_annotations(store, 1)
        assert notes.tags == ["cần theo dõi"] and [n.body for n in notes.notes] == ["Ghi chú thử"]
        assert article_annotations(store, 2).needs_verification
        assert [(s.user_name, s.name) for s in saved_searches(store)] == [("lan", "Sạt lở")]
        alerts = outbox.listing(store.db, "pending")
        assert len(alerts) == 3 and {(a.kind, a.rule_id, a.attempts) for a in alerts} == {("alert", "thien-tai", 1)}
        record = send_record(store, date(2026, 12, 6))
        assert record is not None and record.status == "sent"
        assert record.sent_at == datetime(2026, 12, 6, 0, 0, 5, tzinfo=UTC)


def test_every_moved_job_function_is_renamed_and_nothing_else(tmp_path: Path) -> None:
    """The four job functions of ``presswatch.jobs`` (``pending_alerts_job`` runs once at start, so the
    legacy database has none left), a paused job (no next run time) among them; a job of another
    module and a row nobody can read stay as they are."""
    db = tmp_path / "jobs.db"
    names = ("crawl_job", "digest_job", "housekeeping_job", "pending_alerts_job")
    other = {"version": 1, "id": "other", "func": "presswatch.jobsx:crawl_job", "args": ()}
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("CREATE TABLE apscheduler_jobs (id VARCHAR(191) PRIMARY KEY, next_run_time FLOAT, "
                     "job_state BLOB NOT NULL)")
        for number, name in enumerate(names):
            state = {"version": 1, "id": name, "func": f"presswatch.jobs:{name}", "args": ("config", "db")}
            conn.execute("INSERT INTO apscheduler_jobs VALUES (?, ?, ?)",
                         (name, None if number == 0 else 1_800_000_000.5 + number, pickle.dumps(state)))
        conn.execute("INSERT INTO apscheduler_jobs VALUES ('other', 1, ?)", (pickle.dumps(other),))
        conn.execute("INSERT INTO apscheduler_jobs VALUES ('broken', 2, ?)", (b"presswatch.jobs:crawl_job",))
    assert migrate_jobs(db) == 4
    with closing(sqlite3.connect(db)) as conn:
        rows = {job_id: (next_run, state) for job_id, next_run, state in
                conn.execute("SELECT id, next_run_time, job_state FROM apscheduler_jobs")}
    for number, name in enumerate(names):
        next_run, blob = rows[name]
        assert pickle.loads(blob) == {"version": 1, "id": name, "func": f"presswatch.service.jobs:{name}",
                                      "args": ("config", "db")}
        assert next_run == (None if number == 0 else 1_800_000_000.5 + number)
    assert pickle.loads(rows["other"][1]) == other and rows["broken"][1] == b"presswatch.jobs:crawl_job"
    assert migrate_jobs(tmp_path / "none.db") == 0 and not (tmp_path / "none.db").exists()
    with closing(sqlite3.connect(tmp_path / "new.db")):
        pass
    assert migrate_jobs(tmp_path / "new.db") == 0  # a database without a schedule yet: nothing to do
