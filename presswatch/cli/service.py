"""The service commands: ``presswatch run`` (the monitor; ``--once`` is a crawl, in
``presswatch.cli.crawl``), ``reload`` (signal the running service), ``status`` (the service, its
schedule, alert queue, last digest, scheduled reports, trend signals, evidence and open incidents)
and ``sources`` (every source's health).
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

from cases.model import HOTLINE_HEALTH_ID
from presswatch.cli.crawl import run_once
from presswatch.cli.options import command_config, database
from presswatch.cli.output import out
from presswatch.config import KIND_LABELS, Config, Settings
from presswatch.store import SourceHealth, Store
from presswatch.times import local, local_day, utcnow

DIGEST_STATES = {"sent": "đã gửi", "failed": "gửi lỗi"}
INCIDENT_KINDS = {"failing": "lỗi liên tiếp", "silent": "không có bài mới"}


def cmd_run(args: argparse.Namespace) -> int:
    """The monitor until SIGTERM/Ctrl-C; ``--once``: one crawl of every enabled source, then delivery."""
    if args.once:
        return run_once(args)
    config = command_config(args)
    db = database(args, config.settings)
    from presswatch.service.logs import setup_logging
    from presswatch.service.scheduler import Monitor

    setup_logging(config.settings.log_format)
    out(f"Giám sát {sum(s.enabled for s in config.sources)} nguồn vào {db} (Ctrl-C hoặc SIGTERM để dừng; "
        f"SIGHUP hoặc `presswatch reload` để nạp lại cấu hình).")
    Monitor(config, db).serve_forever()
    return 0


def cmd_reload(args: argparse.Namespace) -> int:
    from presswatch.service.scheduler import reload_running

    config = command_config(args)  # refuse to signal a configuration that does not load
    pid = reload_running(database(args, config.settings))  # only the process holding the database's lock
    out(f"Đã yêu cầu dịch vụ (pid {pid}) nạp lại cấu hình.")
    return 0


def service_lines(db: Path) -> list[str]:
    """Is the service running on ``db`` (the process holding its lock), and are its parts serving."""
    from presswatch.service.instance import service_state, why_not_running
    from presswatch.service.scheduler import running_pid

    pid = running_pid(db)
    if pid is None:
        return [f"Dịch vụ: không chạy — {db} ({why_not_running(db)})"]
    lines = [f"Dịch vụ: đang chạy (pid {pid}) — {db}"]
    names = {"web": "Giao diện web", "metrics": "Số liệu Prometheus"}
    for key, part in sorted(service_state(db, pid).get("parts", {}).items()):
        if part.get("up"):
            lines.append(f"  {names.get(key, key)}: {part.get('address')}")
        else:
            lines.append(f"  {names.get(key, key)}: KHÔNG CHẠY ({part.get('address')}) — {part.get('error')}")
    return lines


def cmd_status(args: argparse.Namespace) -> int:
    from alerts import outbox
    from alerts.digest.send import latest_record
    from alerts.source_health import open_incidents
    from presswatch.search.keep import index_lines
    from presswatch.service.jobstore import scheduled_jobs

    config = command_config(args)
    db = database(args, config.settings, existing=True)
    for line in service_lines(db):
        out(line)
    with Store(db) as store:
        jobs = scheduled_jobs(store.db)
        counts = outbox.counts(store.db)
        incidents = open_incidents(store.db)
        digest = latest_record(store)
        evidence = evidence_lines(store, config.settings)
        index = index_lines(config.settings, store)
        capabilities = report_lines(store, config.settings) + trend_lines(store)
    out(f"\nLịch ({len(jobs)} việc):")
    for job_id, next_run in jobs:
        when = local(datetime.fromtimestamp(next_run, UTC)) if next_run else "tạm dừng"
        out(f"  {job_id:<40} lần chạy tới: {when}")
    out(f"\nHàng đợi cảnh báo: đang chờ {counts['pending']}, đã gửi {counts['sent']}, lỗi {counts['dead']}")
    if digest is not None:
        out(f"Bản tin gần nhất: ngày {local_day(digest.day)}: "
            f"{DIGEST_STATES.get(digest.status, digest.status)}"
            + (f" lúc {local(digest.sent_at)}" if digest.sent_at else "")
            + (f" — {digest.last_error}" if digest.last_error and digest.status != "sent" else ""))
    for line in index + capabilities + evidence:
        out(line)
    if incidents:
        out("\nSự cố nguồn đang mở:")
        for incident in incidents:
            out(f"  {incident.source_id} ({INCIDENT_KINDS.get(incident.kind, incident.kind)}, "
                f"từ {local(incident.raised_at)}): "
                f"{incident.message}")
    out("")
    return cmd_sources(args)


def report_lines(store: Store, settings: Settings) -> list[str]:
    """The scheduled reports in ``presswatch status``: per kind, the next send, what waits, the last
    period sent and the last outcome."""
    from reports.period import KIND_NAMES
    from reports.sends import schedule

    if not settings.report_times():
        return ["Báo cáo định kỳ: chưa đặt lịch (report_schedule)"]
    lines = ["Báo cáo định kỳ theo lịch" + ("" if settings.report_recipients else
                                           " (chưa có người nhận: report_recipients trống, không gửi)") + ":"]
    for item in schedule(store.db, utcnow(), settings):
        line = (f"  {KIND_NAMES[item.kind]}: lần gửi tới {local(item.next_at)} ({item.next_period.label}); "
                + (f"đã gửi gần nhất {item.last_sent.period.label} lúc {local(item.last_sent.sent_at)}"
                   if item.last_sent is not None else "chưa gửi kỳ nào"))
        if item.waiting:
            line += f"; đang chờ gửi {len(item.waiting)} kỳ: {', '.join(p.label for p in item.waiting)}"
        if item.last is not None and item.last.status == "failed":
            last = item.last
            line += f"; LỖI lần thử gần nhất ({last.period.label}, {last.attempts} lần): {last.last_error}"
        lines.append(line)
    return lines


def trend_lines(store: Store) -> list[str]:
    """The trend signals in ``presswatch status``: the last update, articles read, rising now."""
    from trends.reads import RISING_HOURS, SIGNAL_LABELS, state

    now = state(store.db, utcnow())
    if now.updated_at is None:
        return ["Xu hướng: tín hiệu chưa cập nhật lần nào"]
    rising = ", ".join(f"{SIGNAL_LABELS[key]} {count}" for key, count in now.rising.items())
    return [f"Xu hướng: cập nhật lúc {local(now.updated_at)}, đã đọc {now.articles_read} bài; đang được quan tâm "
            f"({RISING_HOURS} giờ qua): {rising}"
            + (f"; mục gần nhất lúc {local(now.last_raised_at)}" if now.last_raised_at else "")]


def evidence_lines(store: Store, settings: Settings) -> list[str]:
    """Evidence in ``presswatch status``: captures, the queue, disk use against the quota."""
    from evidence import queue, records
    from presswatch.service.evidence import quota_message

    used = records.bytes_used(store.db)
    states = queue.counts(store.db)
    quota = f" / hạn mức {settings.evidence_quota_bytes / 1e9:.2f} GB" if settings.evidence_quota_bytes else ""
    lines = [f"Bằng chứng: {records.capture_count(store.db)} bản lưu, {used / 1e6:.1f} MB{quota}; yêu cầu đang chờ "
             f"{states.get('pending', 0)}, lỗi {states.get('failed', 0)}, bị từ chối {states.get('refused', 0)}"]
    full = quota_message(used, settings.evidence_quota_bytes)
    if full is not None:
        lines.append(f"  ⚠ {full}")
    return lines


def cmd_sources(args: argparse.Namespace) -> int:
    config = command_config(args)
    db = database(args, config.settings, existing=True)
    with Store(db) as store:
        health = store.health()
    kind_width = max([8, *(len(source.type) for source in config.sources)])  # "youtube_search" fits
    header = (f"{'id':<28} {'loại':<24} {'kiểu':<{kind_width}} {'bật':<5} {'thành công gần nhất':<20} "
              f"{'lỗi liên tiếp':>13} {'bài':>6}  lỗi gần nhất")
    out(header)
    out("-" * len(header))
    for source in config.sources:
        state = health.get(source.id)
        last_ok = local(state.last_success_at) if state else "chưa chạy"
        failures = state.consecutive_failures if state else 0
        total = state.articles_total if state else 0
        error = (state.last_error or "") if state and state.consecutive_failures else ""
        out(
            f"{source.id:<28} {KIND_LABELS[source.kind]:<24} {source.type:<{kind_width}} "
            f"{'có' if source.enabled else 'không':<5} {last_ok:<20} {failures:>13} {total:>6}  {error[:70]}"
        )
        for warning in state.warnings if state else ():  # of the last run: malformed XML, the per-run cap...
            out(f"{'':<4}⚠ {warning[:200]}")
    _unconfigured_sources(config, health)
    return 0


def _unconfigured_sources(config: Config, health: dict[str, SourceHealth]) -> None:
    """Sources with health in the database but not in the configuration (the demo's, removed ones),
    as the web page /sources shows them."""
    known = {source.id for source in config.sources}
    for source_id, state in sorted(health.items()):
        if source_id in known:
            continue
        error = (state.last_error or "") if state.consecutive_failures else ""
        label = "(hộp thư đường dây nóng)" if source_id == HOTLINE_HEALTH_ID else "(ngoài cấu hình)"
        out(f"{source_id:<28} {label:<24} {'—':<8} {'—':<5} {local(state.last_success_at):<20} "
            f"{state.consecutive_failures:>13} {state.articles_total:>6}  {error[:70]}")
