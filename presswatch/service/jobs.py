"""The scheduled jobs of ``presswatch run``, referenced by APScheduler as
``"presswatch.service.jobs:<name>"`` (before issue 17, ``"presswatch.jobs:<name>"``: the job store is
migrated at start, ``presswatch.service.jobstore``).

Their arguments are plain strings (the configuration directory, the database path, a source id) so
the persistent job store can keep them. Each job reads the service's current configuration (the last
one that loaded without error; a reload replaces it) from ``presswatch.service.runtime``, and opens
its own SQLite connection. A job returns what it did (``CrawlTally``, ``DigestTally``); the service's
scheduler listener adds it to that service's Prometheus counters (``presswatch.service.metrics``), so
no counter lives in this module.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from presswatch.config import Config, Settings, Source
from presswatch.service.runtime import RUNTIME
from presswatch.store import SourceHealth, Store

log = logging.getLogger("presswatch.jobs")  # the name operators filter logs by (before the move too)


@dataclass(frozen=True)
class CrawlTally:
    """What one crawl job did, returned to the scheduler: the service counts it for /metrics."""

    source_id: str
    result: str  # ok | failed | skipped (a failing source backing off)
    new_articles: int = 0
    errors: int = 0


@dataclass(frozen=True)
class ReportTally:
    """The outcomes of one reports job (sent | failed, one per period tried), for /metrics."""

    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class TrendTally:
    """What one trends job read and raised, for /metrics."""

    articles: int = 0
    raised: int = 0


@dataclass(frozen=True)
class DigestTally:
    """The outcomes of one digest job (sent | failed | …, one per due day), for /metrics."""

    statuses: tuple[str, ...] = ()


def backoff_wait(health: SourceHealth | None, source: Source, settings: Settings) -> timedelta | None:
    """How long a failing source must still wait before its next crawl (None: crawl now).

    After n failures in a row the gap is interval × 2^(n-1), at most ``crawl_backoff_max``."""
    if health is None or health.consecutive_failures == 0 or health.last_run_at is None:
        return None
    gap = min(settings.crawl_backoff_max, source.interval * 2 ** min(health.consecutive_failures - 1, 20))
    due = health.last_run_at + timedelta(seconds=gap)
    now = datetime.now(UTC)
    # 1 s of slack: the scheduler's jitter must not turn "due now" into a skipped run.
    return None if due <= now + timedelta(seconds=1) else due - now


def crawl_job(config_dir: str, db: str, source_id: str) -> CrawlTally | None:
    """Crawl one source (subprocess, hard timeout), record its health, raise or clear its incidents.
    Returns what to count (None: nothing ran)."""
    from alerts.payload import SourceInfo
    from alerts.source_health import check
    from crawler.runner import crawl_or_fail

    if RUNTIME.stopping.is_set():  # queued before SIGTERM: do not start a crawl the service is about to stop
        return None
    config = RUNTIME.config(config_dir)
    source = next((s for s in config.sources if s.id == source_id), None)
    if source is None or not source.enabled:
        log.info("bỏ qua %s: nguồn không còn hoặc đã tắt trong cấu hình", source_id)
        return None
    with Store(db) as store:
        wait = backoff_wait(store.health().get(source_id), source, config.settings)
    if wait is not None:
        log.info("giãn lịch %s sau các lần lỗi: lần thu thập tới sau %d giây", source_id, wait.total_seconds())
        pending_alerts_job(config_dir, db)  # what a crawl would have evaluated after its run
        return CrawlTally(source_id, "skipped")
    run, _ = crawl_or_fail(source, config.settings, Path(db), config)  # the running configuration, not the files
    if RUNTIME.stopping.is_set() and not run.ok:
        log.info("lượt thu thập %s bị ngắt khi dừng dịch vụ; không tính là lỗi", source_id)
        return None
    alerts = config.alerts
    with Store(db) as store:
        store.record_run(run)
        health = store.health()[source_id]
        if alerts is not None:
            targets, _ = alerts.targets()
            with store.transaction() as conn:
                info = SourceInfo(source.id, source.name, source.kind)
                for change in check(conn, info, health, alerts.source_health, targets, datetime.now(UTC)):
                    log.warning("tình trạng nguồn: %s", change)
    level = logging.INFO if run.ok else logging.WARNING
    log.log(level, "thu thập %s: %s, %d bài mới, %d trang, %d trang lỗi%s", source_id, "xong" if run.ok else "LỖI",
            run.new_articles, run.pages, run.errors, f" — {run.message}" if run.message else "")
    _sync_index(config.settings, Path(db))
    return CrawlTally(source_id, "ok" if run.ok else "failed", run.new_articles, run.errors)


def index_sync_job(config_dir: str, db: str) -> None:
    """At service start (and after a reload): bring the configured search index up to date with the
    store, repairing a crash between a crawl's store and its sync (and, after a switch of engine,
    filling or emptying the store's FTS5 index: ``keep.fulltext_in_step``)."""
    config = RUNTIME.config(config_dir)
    _sync_index(config.settings, Path(db))


def _sync_index(settings: Settings, db: Path) -> None:
    from presswatch.search.keep import engine_name, sync_index

    outcome = sync_index(settings, db)
    engine = engine_name(settings)
    if outcome is not None and outcome.error:
        log.warning("%s chưa cập nhật được (%s); bài đã lưu, sẽ gửi lại ở lần sau", engine, outcome.error)
    elif outcome is not None and outcome.sent:
        log.info("%s: đã cập nhật %d bài", engine, outcome.sent)


def pending_alerts_job(config_dir: str, db: str) -> None:
    """Evaluate the alert rules of articles stored while they could not be (run at service start and
    after a reload, besides after every crawl)."""
    from alerts.ingest import evaluate_pending, pending_count

    config = RUNTIME.config(config_dir)
    if config.alerts is None:
        return
    alerts = config.alerts
    with Store(db) as store:
        while pending_count(store.db):
            outcome = evaluate_pending(store, alerts, config.analyzer)
            if outcome.evaluated or outcome.alerts:
                log.info("đã đánh giá quy tắc cảnh báo cho %d bài chờ: %d cảnh báo mới", outcome.evaluated,
                         outcome.alerts)
            if outcome.failed:
                log.warning("%d bài vẫn chưa đánh giá được quy tắc cảnh báo: %s", outcome.failed,
                            "; ".join(outcome.errors))
            if not outcome.evaluated:
                break


def digest_job(config_dir: str, db: str) -> DigestTally:
    """Send every digest that is due: today's at ``digest_time``, and failed ones of recent days."""
    from alerts.digest.send import due_digest_days, run_digest

    config = RUNTIME.config(config_dir)
    if not config.settings.digest_recipients:
        log.info("bản tin hằng ngày: chưa cấu hình người nhận (digest_recipients), không gửi")
        return DigestTally()
    statuses = []
    with Store(db) as store:
        for day in due_digest_days(store, datetime.now(UTC), config.settings):
            outcome = run_digest(config, store, day)
            statuses.append(outcome.status)
            log.info("bản tin ngày %s: %s", day.isoformat(), outcome.status)
    return DigestTally(tuple(statuses))


def report_job(config_dir: str, db: str) -> ReportTally:
    """Send the periodic reports that are due (``report_schedule``, ``report_recipients``), each
    period once; a failed one is tried again at the next run (every 30 minutes)."""
    from reports.sends import send_due

    config = RUNTIME.config(config_dir)
    statuses = []
    with Store(db) as store:
        for sent in send_due(config, store, datetime.now(UTC)):
            statuses.append(sent.status)
            log.info("báo cáo %s: %s%s", sent.period.label, sent.status,
                     f" ({sent.last_error})" if sent.last_error else "")
    return ReportTally(tuple(statuses))


def trends_job(config_dir: str, db: str) -> TrendTally:
    """Update the trend signals and evaluate the ``kind: trend`` rules between crawls: each crawl
    updates them after it stores (``crawler.runner``); this run also reads articles stored by other
    paths and keeps ``presswatch status`` honest about the last update when no crawl runs."""
    from alerts.digest.send import topic_labels
    from trends.update import Context, update

    config = RUNTIME.config(config_dir)
    context = Context.of(config.alerts, config.settings, {s.id: s.name for s in config.sources}, topic_labels(config))
    with Store(db) as store:
        outcome = update(store, context)
    if outcome.raised:
        log.info("xu hướng: %d mục mới đang được quan tâm", len(outcome.raised))
    return TrendTally(outcome.articles, len(outcome.raised))


def housekeeping_job(config_dir: str, db: str) -> None:
    from presswatch.service.housekeeping import housekeeping

    config = RUNTIME.config(config_dir)
    for line in housekeeping(Path(db), config.settings):
        log.info("dọn dẹp: %s", line)


def hotline_job(config_dir: str, db: str) -> None:
    """Read the hotline mailbox (``hotline_imap_host``): each new message a case (``cases.intake``).
    A failure is recorded in the source health table (``hop-thu-duong-day-nong``) and logged; the
    next run tries again and takes what was missed, once."""
    import os

    from cases.intake import read_hotline
    from cases.settings import load_cases_config
    from presswatch.errors import MailIntakeError

    config = RUNTIME.config(config_dir)
    with Store(db) as store:
        try:
            taken = read_hotline(store, config.settings, load_cases_config(Path(config_dir) / "cases.yaml"),
                                 os.environ)
        except MailIntakeError as exc:
            log.warning("hộp thư đường dây nóng: %s", exc)
            return
    if taken is not None and taken.messages:
        log.info("hộp thư đường dây nóng: %d hồ sơ mới, %d thư trả lời vào hồ sơ cũ, %d thư đã có",
                 len(taken.new_cases), len(taken.joined), taken.seen)


def queue_case_reminders(store: Store, config: Config, environ: Mapping[str, str], now: datetime) -> int:
    """Queue the cases' reminders that are due (``cases.reminders``) to the active channels named by
    ``cases_reminder_channels`` and, with ``cases_reminder_email``, for e-mail to the case's assignee
    (``presswatch.service.case_mail`` sends them); each marked sent in the same transaction. Returns
    how many reminders were queued."""
    from alerts.outbox import queue_health
    from alerts.payload import DOCUMENT_SCHEMA
    from cases import reminders
    from presswatch.times import local_date

    settings = config.settings
    channels: list[str] = []
    if settings.cases_reminder_channels and config.alerts is not None:
        targets, _ = config.alerts.targets(dict(environ))
        channels = [channel for channel in settings.cases_reminder_channels if channel in targets]
        missing = sorted(set(settings.cases_reminder_channels) - set(channels))
        if missing:
            log.warning("nhắc việc hồ sơ: kênh không có hoặc chưa hoạt động: %s", ", ".join(missing))
    if not channels and not settings.cases_reminder_email:
        return 0
    with store.transaction() as db:
        due = reminders.due(db, local_date(now), now, near_days=settings.cases_deadline_near_days,
                            web_base_url=settings.web_base_url)
        for reminder in due:
            for channel in channels:
                queue_health(db, channel, {"schema": DOCUMENT_SCHEMA, **reminder.document}, now,
                             rule_id="case-reminder")
            assignee = reminder.document["case"]["assignee"]
            if settings.cases_reminder_email and assignee:
                reminders.queue_mail(db, reminder, assignee, now)
            reminders.mark_sent(db, reminder, now)
    return len(due)


def case_reminders_job(config_dir: str, db: str) -> None:
    """Queue the cases' reminders due now and send those due by e-mail (every 15 minutes when
    ``cases_reminder_channels`` or ``cases_reminder_email`` is set)."""
    import os

    from presswatch.service.case_mail import send_reminder_mail

    config = RUNTIME.config(config_dir)
    with Store(db) as store:
        queued = queue_case_reminders(store, config, os.environ, datetime.now(UTC))
        if config.settings.cases_reminder_email:
            send_reminder_mail(store, config.settings, os.environ, datetime.now(UTC))
    if queued:
        log.info("nhắc việc hồ sơ: %d thông báo đã xếp hàng gửi", queued)


def register_job(config_dir: str, db: str) -> None:
    """The press register's daily job: this month's articles the crawl left unmarked are marked; last month's
    compliance indicators (flags notified once each) and, when due, the reminder to collect
    spokesperson updates go through ``alert_channels`` of ``config/register.yaml``."""
    from presswatch.times import day_start
    from register import tables
    from register.indicators import compute
    from register.notify import previous_month, raise_flags, remind
    from register.settings import load_register_settings

    config = RUNTIME.config(config_dir)
    settings = load_register_settings(config.directory)
    active = set(config.alerts.targets()[0]) if config.alerts is not None else set()
    channels = [c for c in settings.alert_channels if c in active]
    now = datetime.now(UTC)
    first, following = previous_month(now.date())
    start, end = day_start(first), day_start(following)
    urls = {s.id: list(s.urls) for s in config.sources}
    with Store(db) as store, store.transaction() as conn:
        # This month so far: the crawl marks each article as it stores it (register.marks); this
        # catches those it could not (a detector failure, another way in), so that neither the monthly
        # run nor the indicators page classifies many at once.
        compute(conn, tables.outlets(conn), urls, day_start(following), now + timedelta(days=1),
                settings)
    if not channels:
        return
    with Store(db) as store, store.transaction() as conn:
        reports = compute(conn, tables.outlets(conn), urls, start, end, settings)
        for title in raise_flags(conn, reports, start, end, channels, now, config.settings.web_base_url or ""):
            log.info("sổ đăng ký: cảnh báo %s", title)
        if remind(conn, tables.spokespeople(conn), settings.reminder_months, channels, now):
            log.info("sổ đăng ký: đã gửi nhắc cập nhật người phát ngôn")


@dataclass(frozen=True)
class EvidenceTally:
    """What one evidence job did: captures by outcome, re-checks by result (for the logs and /metrics)."""

    captures: tuple[str, ...] = ()
    rechecks: int = 0


def evidence_job(config_dir: str, db: str) -> EvidenceTally:
    """The evidence queue's due captures (Chromium, one at a time), the due re-checks (plain HTTP),
    then the notices of what re-checks found (``presswatch.service.evidence``)."""
    from presswatch.service.evidence import capture_due, notify, recheck

    config = RUNTIME.config(config_dir)
    outcomes = capture_due(Path(db), config.settings, stop=RUNTIME.stopping)
    tally = recheck(Path(db), config.settings)
    if tally.checked:
        log.info("kiểm tra lại %d trang đã lưu bằng chứng: %s", tally.checked,
                 ", ".join(f"{kind} {count}" for kind, count in sorted(tally.changes.items())))
    with Store(db) as store:
        notified = notify(store, config)
    if notified:
        log.warning("%d thay đổi của trang đã lưu bằng chứng (sửa, đính chính, gỡ) đã gửi qua kênh cảnh báo", notified)
    return EvidenceTally(tuple(outcome.status for outcome in outcomes), tally.checked)
