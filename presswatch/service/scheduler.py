"""``presswatch run``: the monitor as a long-running service.

APScheduler 3.11 (``BackgroundScheduler``) keeps its jobs in the same SQLite file (SQLAlchemy job
store, table ``apscheduler_jobs``), in Asia/Ho_Chi_Minh:

    crawl:<source>   every source's interval, jittered; ``parallel_crawls`` at once, each crawl a
                     subprocess with a hard timeout; a failing source backs off
                     (presswatch.service.jobs)
    digest           daily at ``digest_time``, and every 30 minutes for a digest that failed
    housekeeping     nightly at ``housekeeping_time``: retention, optimise, backup
    reports          every 30 minutes when ``report_schedule`` and ``report_recipients`` are set:
                     the periodic reports due, each period once, failures retried (reports.sends)
    trends           every 15 minutes when ``alerts.yaml`` has an enabled ``kind: trend`` rule:
                     the trend signals and rules (each crawl updates them too, after it stores)
    alerts-pending   once at start and after a reload: the alert rules of articles stored while
                     they could not be evaluated
    index-sync       once at start and after a reload, with ``index_backend`` tantivy or
                     elasticsearch: the index brought up to date with the store (a crash between a
                     crawl's store and its sync repaired; each crawl syncs too, after it stores)

beside them, in threads: the alert delivery worker (continuous), the web UI and JSON API
(``web_port``, 0 turns it off) and the ``/metrics`` endpoint. Their ports are bound before they are
announced: a port another program holds is logged in Vietnamese, shown by ``presswatch status`` and
``presswatch_web_up 0``, and the monitor carries on crawling and alerting without that part (a reload
tries again). Misfires coalesce into one run. SIGHUP (or ``presswatch reload``) reloads the configuration without
restart; a configuration that does not load is reported and the running one kept. The service
holds a lock beside the database for its whole life (``presswatch.service.instance``): a second service on
the same database is refused, and ``reload``/``status`` reach only the process holding it. SIGTERM stops the
scheduler, asks running crawl subprocesses to stop (each article is its own transaction), lets the
delivery in flight finish, and exits. After a crash (even SIGKILL), a restart resumes from the store:
seen URLs are not stored twice, alerts are unique per rule and story, the outbox is delivered.
Jobs stored under the functions' names before issue 17 are renamed before the schedule loads
(``presswatch.service.jobstore``); what the jobs share with the service is in
``presswatch.service.runtime``.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.events import EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_RUNNING
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import create_engine

from alerts.worker import DeliveryWorker
from crawler.runner import stop_running
from presswatch.config import Config, load_config
from presswatch.errors import ConfigError, ListenError
from presswatch.service.instance import ServiceLock, lock_holder, pidfile_for, signal_service
from presswatch.service.jobstore import JOBS_TABLE, migrate_jobs
from presswatch.service.listen import listen, url_host
from presswatch.service.metrics import MetricsServer, ServiceMetrics
from presswatch.service.register_alerts import spokespeople_of
from presswatch.service.runtime import RUNTIME
from presswatch.store import Store
from presswatch.times import VIETNAM, iso

__all__ = ["Monitor", "pidfile_for", "reload_running", "running_pid"]
log = logging.getLogger("presswatch.service")  # the name operators filter logs by
FIRST_RUN_SPREAD = 30.0  # seconds: new sources start within this, spread out
REPORT_MINUTES = 30  # how often the periodic reports' job looks for a due or failed report
TRENDS_MINUTES = 15  # how often the trends job updates the signals between crawls
DIGEST_RETRY_MINUTES = 30
EVIDENCE_SECONDS = 60  # how often the evidence job looks at its queue and due re-checks
CARRY_ON = "dịch vụ vẫn thu thập và gửi cảnh báo; giải phóng cổng hoặc đổi cấu hình rồi `presswatch reload`"


class StoppingScheduler(BackgroundScheduler):  # type: ignore[misc]  # APScheduler has no type hints
    """APScheduler's background scheduler, except that its thread submits no job unless it is
    running. APScheduler skips due jobs only while *paused*: the wake-up that ends its thread after
    ``shutdown`` still found the crawls that came due while the service stopped and submitted them
    to the executors just shut down ("RuntimeError: cannot schedule new futures after shutdown",
    a traceback in the log of an orderly stop). Those jobs stay in the job store and run at the
    next start, like any job missed while the service was down."""

    def _process_jobs(self) -> float | None:
        if self.state != STATE_RUNNING:
            return None
        wait: float | None = super()._process_jobs()
        return wait


class Monitor:
    def __init__(self, config: Config, db: Path) -> None:
        self.config = config
        self.db = db
        self.stop_event = threading.Event()
        self.reload_event = threading.Event()
        self.worker_stop = threading.Event()
        self.worker_thread: threading.Thread | None = None
        self.lock = ServiceLock(db)
        self.metrics = ServiceMetrics(db, web_up=self._web_up, settings=lambda: self.config.settings)
        self.metrics_server: MetricsServer | None = None
        self.web: Any = None  # uvicorn.Server of the web UI
        self.web_thread: threading.Thread | None = None
        # What `presswatch status` shows of the web UI and /metrics: address, serving, error.
        self.parts: dict[str, dict[str, Any]] = {}
        self.started_at = datetime.now(UTC)
        Store(db).close()  # create or migrate the schema before anything else touches the file
        migrate_jobs(db)  # before the scheduler loads a job: it would delete those it cannot import
        engine = create_engine(f"sqlite:///{db}", connect_args={"timeout": 60})
        self.scheduler = StoppingScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
            executors={"default": ThreadPoolExecutor(config.settings.parallel_crawls),
                       "light": ThreadPoolExecutor(2)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=VIETNAM,
        )
        self.scheduler.add_listener(self._count, EVENT_JOB_EXECUTED)

    def _count(self, event: JobExecutionEvent) -> None:
        self.metrics.count(event.retval)  # jobs return what they did (presswatch.service.jobs.CrawlTally, …)

    # --- jobs --------------------------------------------------------------------------

    def _args(self) -> list[str]:
        return [str(self.config.directory), str(self.db)]

    def sync_jobs(self) -> None:
        """Make the job store match the configuration: one crawl job per enabled source (kept as
        persisted when unchanged, so a restart does not reset the schedule), the digest, the periodic
        reports and the trends (when configured), the press register's daily check and the
        housekeeping jobs; a job whose configuration was removed is removed."""
        settings = self.config.settings
        wanted = {f"crawl:{s.id}": s for s in self.config.sources if s.enabled}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("crawl:") and job.id not in wanted:
                job.remove()
                log.info("bỏ lịch thu thập %s (nguồn đã xóa hoặc tắt)", job.id[6:])
        now = datetime.now(UTC)
        for job_id, source in wanted.items():
            interval = timedelta(seconds=source.interval)
            jitter = int(min(source.interval * settings.crawl_jitter, 300))
            args = [*self._args(), source.id]
            job = self.scheduler.get_job(job_id)
            if (job is not None and isinstance(job.trigger, IntervalTrigger) and job.trigger.interval == interval
                    and job.trigger.jitter == (jitter or None) and list(job.args) == args):
                continue
            first = now + timedelta(seconds=random.uniform(0, min(FIRST_RUN_SPREAD, source.interval)))
            self.scheduler.add_job("presswatch.service.jobs:crawl_job", IntervalTrigger(seconds=source.interval,
                                   jitter=jitter or None), args=args, id=job_id, name=f"thu thập {source.id}",
                                   replace_existing=True, next_run_time=first)
            log.info("lịch thu thập %s: mỗi %d giây", source.id, source.interval)
        # Once now: articles stored while their alert rules could not be evaluated (alerts.ingest).
        self.scheduler.add_job("presswatch.service.jobs:pending_alerts_job", args=self._args(), id="alerts-pending",
                               name="đánh giá cảnh báo còn chờ", replace_existing=True, executor="light")
        if settings.index_backend != "sqlite":  # once now: what a crash between store and index left
            self.scheduler.add_job("presswatch.service.jobs:index_sync_job", args=self._args(), id="index-sync",
                                   name="đồng bộ chỉ mục tìm kiếm", replace_existing=True)
        hour, minute = settings.digest_clock()
        self.scheduler.add_job("presswatch.service.jobs:digest_job",
                               CronTrigger(hour=hour, minute=minute, timezone=VIETNAM),
                               args=self._args(), id="digest", name="bản tin hằng ngày", replace_existing=True,
                               executor="light")
        self.scheduler.add_job("presswatch.service.jobs:digest_job", IntervalTrigger(minutes=DIGEST_RETRY_MINUTES),
                               args=self._args(), id="digest-retry", name="gửi lại bản tin lỗi",
                               replace_existing=True, executor="light")
        if settings.hotline_imap_host:  # the hotline mailbox (cases.intake)
            self.scheduler.add_job("presswatch.service.jobs:hotline_job", IntervalTrigger(
                seconds=settings.hotline_interval), args=self._args(), id="hotline", name="đọc hộp thư đường dây nóng",
                replace_existing=True, executor="light", next_run_time=now)
        elif self.scheduler.get_job("hotline") is not None:
            self.scheduler.remove_job("hotline")
        if settings.report_times() and settings.report_recipients:  # periodic reports (reports.sends)
            self.scheduler.add_job("presswatch.service.jobs:report_job", IntervalTrigger(minutes=REPORT_MINUTES),
                                   args=self._args(), id="reports", name="báo cáo định kỳ",
                                   replace_existing=True, executor="light", next_run_time=now)
        elif self.scheduler.get_job("reports") is not None:
            self.scheduler.remove_job("reports")
        if self._trends_enabled():  # the trend signals between crawls (trends.update)
            self.scheduler.add_job("presswatch.service.jobs:trends_job", IntervalTrigger(minutes=TRENDS_MINUTES),
                                   args=self._args(), id="trends", name="tín hiệu xu hướng",
                                   replace_existing=True, executor="light", next_run_time=now)
        elif self.scheduler.get_job("trends") is not None:
            self.scheduler.remove_job("trends")
        if settings.cases_reminder_channels or settings.cases_reminder_email:  # the cases' reminders (cases.reminders)
            self.scheduler.add_job("presswatch.service.jobs:case_reminders_job", IntervalTrigger(minutes=15),
                                   args=self._args(), id="case-reminders", name="nhắc việc hồ sơ",
                                   replace_existing=True, executor="light", next_run_time=now)
        elif self.scheduler.get_job("case-reminders") is not None:
            self.scheduler.remove_job("case-reminders")
        self.scheduler.add_job("presswatch.service.jobs:register_job", CronTrigger(hour=7, minute=30, timezone=VIETNAM),
                               args=self._args(), id="register", name="sổ đăng ký: chỉ số tháng trước, nhắc cập nhật",
                               replace_existing=True, executor="light")
        # Evidence: queued captures (Chromium, in a crawl thread), due re-checks and their notices.
        self.scheduler.add_job("presswatch.service.jobs:evidence_job", IntervalTrigger(seconds=EVIDENCE_SECONDS),
                               args=self._args(), id="evidence", name="lưu và kiểm tra lại bằng chứng",
                               replace_existing=True, next_run_time=now)
        h_hour, h_minute = (int(part) for part in settings.housekeeping_time.split(":"))
        self.scheduler.add_job("presswatch.service.jobs:housekeeping_job", CronTrigger(hour=h_hour, minute=h_minute,
                               timezone=VIETNAM), args=self._args(), id="housekeeping", name="dọn dẹp hằng đêm",
                               replace_existing=True, executor="light")

    def _trends_enabled(self) -> bool:
        """Whether ``alerts.yaml`` has an enabled ``kind: trend`` rule."""
        alerts = self.config.alerts
        return alerts is not None and any(rule.enabled and rule.kind == "trend" for rule in alerts.rules)

    # --- threads -----------------------------------------------------------------------

    def _start_worker(self) -> None:
        self.worker_stop = threading.Event()
        worker = DeliveryWorker(self.db, self.config, spokespeople=spokespeople_of)
        for message in worker.inactive:
            log.warning("%s", message)
        self.worker_thread = threading.Thread(target=worker.run, args=(self.worker_stop,), name="alerts",
                                              daemon=True)
        self.worker_thread.start()

    def _start_web(self) -> None:
        from presswatch.web.app import make_server

        settings = self.config.settings
        address = f"http://{url_host(settings.web_host)}:{settings.web_port}/"
        try:  # bound here, before anything is announced: a taken port is known at once
            sock = listen(settings.web_host, settings.web_port)
        except ListenError as exc:
            self.parts["web"] = {"address": address, "up": False, "error": str(exc)}
            log.error("giao diện web KHÔNG chạy (%s): %s; %s", address, exc, CARRY_ON)
            return
        self.web = make_server(self.config, self.db)
        # In a thread uvicorn leaves the signals alone: the main thread owns SIGTERM and SIGHUP.
        self.web_thread = threading.Thread(target=self.web.run, kwargs={"sockets": [sock]}, name="web", daemon=True)
        self.web_thread.start()
        self.parts["web"] = {"address": address, "up": True, "error": None}
        log.info("giao diện web: %s", address)

    def _web_up(self) -> bool | None:
        """For /metrics: None when the UI is off, else whether it serves (its thread ends if uvicorn fails)."""
        if "web" not in self.parts:
            return None
        return self.web_thread is not None and self.web_thread.is_alive() and self.web is not None

    def _start_metrics(self) -> None:
        settings = self.config.settings
        address = f"http://{url_host(settings.metrics_host)}:{settings.metrics_port}/metrics"
        try:
            self.metrics_server = MetricsServer(self.metrics.registry, settings.metrics_host,
                                                settings.metrics_port).start()
        except ListenError as exc:
            self.parts["metrics"] = {"address": address, "up": False, "error": str(exc)}
            log.error("số liệu Prometheus KHÔNG chạy (%s): %s; %s", address, exc, CARRY_ON)
            return
        self.parts["metrics"] = {"address": address, "up": True, "error": None}
        log.info("số liệu Prometheus: %s", address)

    def _record_state(self) -> None:
        try:
            self.lock.write_state({"started_at": iso(self.started_at), "parts": self.parts})
        except OSError as exc:
            log.warning("không ghi được trạng thái dịch vụ cho `presswatch status`: %s", exc)

    def _stop_web(self) -> None:
        if self.web is not None and self.web_thread is not None:
            self.web.should_exit = True
            self.web_thread.join(timeout=15)
            self.web = None
        self.parts.pop("web", None)

    def stop_worker(self) -> None:
        """Stop the alert delivery worker (``reload`` restarts it; ``stop`` stops it for good)."""
        self.worker_stop.set()
        if self.worker_thread is not None:
            self.worker_thread.join(timeout=self.config.settings.alert_timeout + 5)

    # --- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        self.lock.acquire()  # refused (ServiceError) while another service runs on this database
        RUNTIME.stopping.clear()
        RUNTIME.use_config(self.config)
        self.scheduler.start(paused=True)
        self.sync_jobs()
        self.scheduler.resume()
        self._start_worker()
        settings = self.config.settings
        if settings.metrics_port:
            self._start_metrics()
        if settings.web_port:
            self._start_web()
        self._record_state()
        for warning in self.config.warnings:
            log.warning("lưu ý về cấu hình: %s", warning)
        enabled = sum(s.enabled for s in self.config.sources)
        log.info("giám sát đã chạy: %d nguồn, cơ sở dữ liệu %s", enabled, self.db)

    def reload(self) -> bool:
        try:
            config = load_config(self.config.directory)
        except ConfigError as exc:
            log.error("cấu hình mới có lỗi, giữ cấu hình đang chạy:\n  %s", "\n  ".join(exc.problems))
            return False
        self.config = config
        for warning in config.warnings:
            log.warning("lưu ý về cấu hình: %s", warning)
        RUNTIME.use_config(config)
        self.sync_jobs()
        self.stop_worker()
        self._start_worker()
        self._stop_web()  # the UI reads settings and sources: restart it on the new ones (or retry a taken port)
        if config.settings.web_port:
            self._start_web()
        if self.metrics_server is None and config.settings.metrics_port:  # its port was taken: try again
            self._start_metrics()
        self._record_state()
        log.info("đã nạp lại cấu hình: %d nguồn đang bật", sum(s.enabled for s in config.sources))
        return True

    def stop(self) -> None:
        log.info("đang dừng: không nhận việc mới, dừng các lượt thu thập đang chạy…")
        RUNTIME.stopping.set()
        self.scheduler.pause()
        stopped = stop_running(grace=10.0)
        self.scheduler.shutdown(wait=True)  # the jobs' threads finish recording what they did
        self.stop_worker()
        self._stop_web()
        if self.metrics_server is not None:
            self.metrics_server.stop()
        self.lock.release()
        log.info("đã dừng (%d lượt thu thập bị ngắt, sẽ chạy lại ở lần khởi động sau)", stopped)

    def serve_forever(self) -> None:
        """Run until SIGTERM/SIGINT; SIGHUP reloads."""
        def on_stop(*_: Any) -> None:
            self.stop_event.set()

        def on_reload(*_: Any) -> None:
            self.reload_event.set()

        signal.signal(signal.SIGTERM, on_stop)
        signal.signal(signal.SIGINT, on_stop)
        signal.signal(signal.SIGHUP, on_reload)
        self.start()
        try:
            while not self.stop_event.is_set():
                if self.reload_event.wait(0.5):
                    self.reload_event.clear()
                    self.reload()
        finally:
            self.stop()


def running_pid(db: Path) -> int | None:
    """The pid of the service running on ``db``: the process holding its lock (a pid file left by a
    crash is ignored, whatever process its pid belongs to now)."""
    return lock_holder(db)


def reload_running(db: Path) -> int:
    """Send SIGHUP to the service running on ``db`` (the holder of its lock, and only it); its pid."""
    return signal_service(db, signal.SIGHUP)
