"""``presswatch crawl`` and ``presswatch run --once``: crawl the sources now, a line per source as
each ends (the running ones on a progress line), then a summary; ``run --once`` also delivers the
alerts. ``print_run`` and ``print_summary`` are shared with ``presswatch demo``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from crawler.report import CrawlReport
from presswatch.cli.options import command_config, database
from presswatch.cli.output import out
from presswatch.cli.search import sync_search_index
from presswatch.config import Source
from presswatch.store import RunResult, Store

WARNINGS_SHOWN = 3  # warnings of a run printed under its line


def print_run(source: Source, run: RunResult, report: CrawlReport | None) -> None:
    """The line of a source whose crawl has ended, and the first of its warnings."""
    status = "✓" if run.ok else "✗"
    line = f"  {status} {source.id}: {run.new_articles} bài mới, {run.pages} trang đã tải"
    if report is not None and report.already_seen:
        line += f", {report.already_seen} bài đã có"
    if run.alerts:
        line += f", {run.alerts} cảnh báo"
    if run.errors:
        line += f", {run.errors} lỗi"
    if run.message:
        line += f" — {run.message}"
    out(line)
    for warning in run.warnings[:WARNINGS_SHOWN]:
        out(f"      ⚠ {warning}")
    if len(run.warnings) > WARNINGS_SHOWN:
        out(f"      ⚠ … và {len(run.warnings) - WARNINGS_SHOWN} cảnh báo khác: xem `presswatch sources`")


def print_summary(results: list[RunResult], db: Path | None = None, deliver_hint: bool = True) -> None:
    """The closing lines of a crawl; with ``db``, how many alerts wait for delivery and how to send them."""
    ok = sum(r.ok for r in results)
    new = sum(r.new_articles for r in results)
    out(f"Xong: {ok}/{len(results)} nguồn thành công, {new} bài mới.")
    if ok < len(results):
        out("Nguồn lỗi đã được ghi vào bảng tình trạng: xem `presswatch sources`.")
    if db is not None and deliver_hint:
        from alerts import outbox

        with Store(db) as store:
            waiting = outbox.counts(store.db)["pending"]
        raised = sum(r.alerts for r in results)
        if waiting:
            out(f"{waiting} cảnh báo đang chờ gửi: chạy `presswatch alerts deliver --once` hoặc để dịch vụ "
                "`presswatch run` gửi.")
        elif raised:  # recorded, but no channel is active (its secret or address is not set)
            out(f"{raised} cảnh báo đã ghi nhận nhưng chưa gửi đi: chưa có kênh gửi nào hoạt động "
                "(mục \"Receive an alert\" trong README).")


def cmd_crawl(args: argparse.Namespace) -> int:
    """Exit status 0 when every source's crawl succeeded, 1 when one failed (2: configuration)."""
    from crawler.runner import crawl_sources
    from presswatch.cli.progress import ProgressLine

    config = command_config(args)
    if args.source:
        sources = [config.source(source_id) for source_id in args.source]
    else:
        sources = [source for source in config.sources if source.enabled]
    db = database(args, config.settings)
    out(f"Thu thập {len(sources)} nguồn vào {db} …")
    running = ProgressLine(sys.stderr)

    def ended(source: Source, run: RunResult, report: CrawlReport | None) -> None:
        running.clear()
        print_run(source, run, report)
        running.finished(source.id)

    results = crawl_sources(sources, config.settings, db, ended, config, on_update=running.update)
    running.clear()
    # `run --once` delivers right after: no need to say how.
    print_summary(results, db, deliver_hint=not getattr(args, "once", False))
    sync_search_index(config.settings, db)
    return 0 if all(run.ok for run in results) else 1


def run_once(args: argparse.Namespace) -> int:
    """``presswatch run --once``: crawl every enabled source, then deliver the alerts due."""
    config = command_config(args)
    db = database(args, config.settings)
    code = cmd_crawl(argparse.Namespace(**{**vars(args), "source": None}))
    from alerts.worker import DeliveryWorker
    from presswatch.service.register_alerts import spokespeople_of

    with Store(db) as store:
        stats = DeliveryWorker(store, config, spokespeople=spokespeople_of).run_once(limit=10_000)
    if stats.sent + stats.failed + stats.dead:
        out(f"Cảnh báo: đã gửi {stats.sent}, thất bại {stats.failed} (sẽ thử lại), ngừng thử {stats.dead}.")
    return code
