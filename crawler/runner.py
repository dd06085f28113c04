"""Run crawls: one subprocess per source, a few at once, each with a hard timeout.

The parent records every run in the source's health, whatever happened to the child: a crash or a
timeout is a failed run with a message, and the other sources carry on. The child crawls with the
configuration the parent validated (a JSON snapshot in the crawl's scratch directory, see
``presswatch.config.crawl``) and rewrites its report every few seconds: the parent passes it to an
``on_update`` callback (progress) and, when it had to kill the child, still knows what it did. What
was stored is counted from the store itself, so a killed crawl's articles are counted too. After the
child, the parent evaluates the alert rules of articles stored pending (``alerts.ingest``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crawler.report import CrawlReport
from presswatch.config import Config, Settings, Source
from presswatch.config.crawl import CrawlConfig
from presswatch.store import RunResult, Store
from presswatch.store.articles import article_ids

Progress = Callable[[Source, RunResult, CrawlReport | None], None]  # a source's crawl has ended
Update = Callable[[Source, CrawlReport], None]  # a running crawl's report, every few seconds
ConfigLike = CrawlConfig | Config | Path
POLL = 1.0  # seconds between two looks at a running crawl's report
_RUNNING: set[subprocess.Popen[bytes]] = set()
_LOCK = threading.Lock()


def stop_running(grace: float = 10.0) -> int:
    """Ask every crawl subprocess of this process to stop (SIGTERM: Scrapy closes cleanly), then kill
    what is left after ``grace`` seconds. Each article is its own transaction: nothing half-written
    remains. Returns how many were running."""
    with _LOCK:
        running = list(_RUNNING)
    for process in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for process in running:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
    return len(running)


def _tail(text: str, lines: int = 3) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    return " | ".join(kept)[-500:]


def _read_report(path: Path) -> CrawlReport | None:
    try:
        return CrawlReport.read(path)
    except (OSError, ValueError, TypeError):  # not written yet (or by another version of the child)
        return None


@dataclass(frozen=True)
class _Ended:
    code: int | None  # None: killed after the time limit
    report: CrawlReport | None
    log: str


def _run_child(command: list[str], source: Source, settings: Settings, report_path: Path, log_path: Path,
               on_update: Update | None) -> _Ended:
    """Run the crawl subprocess to its end or its time limit, passing its reports to ``on_update``."""
    with open(log_path, "w+", encoding="utf-8", errors="replace") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        with _LOCK:
            _RUNNING.add(process)
        deadline = time.monotonic() + settings.crawl_timeout
        seen = 0
        code: int | None = None
        try:
            while True:
                try:
                    code = process.wait(timeout=max(0.0, min(POLL, deadline - time.monotonic())))
                    break
                except subprocess.TimeoutExpired:
                    if time.monotonic() >= deadline:
                        os.killpg(process.pid, signal.SIGKILL)
                        process.wait()
                        break
                if on_update is not None:
                    with contextlib.suppress(OSError):
                        stamp = report_path.stat().st_mtime_ns
                        report = _read_report(report_path) if stamp != seen else None
                        if report is not None:
                            seen = stamp
                            on_update(source, report)
        finally:
            with _LOCK:
                _RUNNING.discard(process)
        log.seek(0)
        return _Ended(code, _read_report(report_path) if report_path.exists() else None, log.read())


def _failure(ended: _Ended, settings: Settings) -> str | None:
    """Why the child did not end as a crawl should, if it did not."""
    if ended.code is None:
        return f"quá giới hạn thời gian {settings.crawl_timeout} giây, đã dừng tiến trình thu thập"
    if ended.code < 0:
        try:
            name = signal.Signals(-ended.code).name
        except ValueError:
            name = str(-ended.code)
        return f"tiến trình thu thập bị dừng bởi tín hiệu {name}"
    if ended.report is None or not ended.report.finish_reason:
        return f"tiến trình thu thập kết thúc bất thường (mã {ended.code}): {_tail(ended.log)}"
    return None


def _evaluate_pending(store: Store, config: CrawlConfig) -> None:
    """Evaluate the rules of articles stored pending, when this crawl has rules to do it with."""
    from alerts.ingest import evaluate_pending, pending_count

    if config.alerts is not None and pending_count(store.db):
        evaluate_pending(store, config.alerts, lambda: config.analyzer())


def _update_trends(store: Store, source: Source, settings: Settings, config: ConfigLike, snapshot: CrawlConfig) -> None:
    """Read what the crawl stored into the trend signals and raise what rose (``trends.update``). A
    failure is logged and loses nothing: the next update reads the same articles again."""
    from trends.update import Context, update

    names = {s.id: s.name for s in config.sources} if isinstance(config, Config) else {source.id: source.name}
    labels = {topic.slug: topic.label for topic in snapshot.topics.topics} if snapshot.topics else {}
    try:
        update(store, Context.of(snapshot.alerts, settings, names, labels), sources=[source.id])
    except Exception:
        logging.getLogger("presswatch.trends").exception("không cập nhật được tín hiệu xu hướng sau khi thu thập %s",
                                                         source.id)


def _pending_message(report: CrawlReport | None, left: int) -> str | None:
    if not left:
        return None
    why = "; ".join(report.deferred_reasons) if report is not None and report.deferred_reasons else ""
    return (f"{left} bài đã lưu nhưng chưa đánh giá quy tắc cảnh báo{f' ({why})' if why else ''}; "
            "sẽ đánh giá lại khi có cấu hình hợp lệ (lượt thu thập sau, khởi động hoặc nạp lại dịch vụ)")


def crawl_source(source: Source, settings: Settings, db: Path, config: ConfigLike = Path("config"),
                 on_update: Update | None = None) -> tuple[RunResult, CrawlReport | None]:
    """Crawl ``source`` in a subprocess and return what happened (health is not recorded here).

    ``config``: the validated configuration (``Config`` or its ``CrawlConfig`` snapshot) the crawl
    analyses and alerts with; a directory is read now, here, and what does not load is reported.
    ``on_update(source, report)``: called from this thread every few seconds while the crawl runs."""
    snapshot = CrawlConfig.coerce(config)
    started = datetime.now(UTC)
    with Store(db) as store:
        before = store.last_article_id()
    with tempfile.TemporaryDirectory(prefix="presswatch-crawl-") as scratch:
        report_path = Path(scratch) / "report.json"
        config_path = Path(scratch) / "crawl-config.json"
        snapshot.write(config_path)
        command = [
            sys.executable, "-m", "crawler.run",
            "--source", source.model_dump_json(),
            "--settings", settings.model_dump_json(),
            "--db", str(db),
            "--report", str(report_path),
            "--crawl-config", str(config_path),
            "--parent-pid", str(os.getpid()),
        ]
        ended = _run_child(command, source, settings, report_path, Path(scratch) / "crawl.log", on_update)
    report = ended.report
    message = _failure(ended, settings)
    with Store(db) as store:
        _evaluate_pending(store, snapshot)
        new, alerts, left = _stored_since(store, source.id, before)
        _update_trends(store, source, settings, config, snapshot)
    pending = _pending_message(report, left)
    ok = message is None and pending is None and report is not None and report.ok
    if message is None and report is not None:
        message = report.message()
    if pending is not None:
        message = f"{message}; {pending}" if message else pending
    run = RunResult(
        source_id=source.id,
        started_at=started,
        finished_at=datetime.now(UTC),
        ok=ok,
        new_articles=new,
        pages=report.fetched if report else 0,
        errors=report.errors if report else 0,
        message=message,
        warnings=tuple(report.warnings) if report else (),
        alerts=alerts,
    )
    return run, report


def _stored_since(store: Store, source_id: str, after: int) -> tuple[int, int, int]:
    """Articles of ``source_id`` stored above article id ``after``, their new alerts, and how many of
    them still wait for their rules to be evaluated."""
    from alerts.ingest import pending_count
    from alerts.outbox import count_alerts

    stored = article_ids(store.db, source_id, after)
    return len(stored), count_alerts(store.db, stored), pending_count(store.db, source_id, after)


def crawl_or_fail(source: Source, settings: Settings, db: Path, config: ConfigLike = Path("config"),
                  on_update: Update | None = None) -> tuple[RunResult, CrawlReport | None]:
    """``crawl_source``, with a failure of the runner itself (a bug, not the source's fault) turned
    into a failed run, so it is recorded and does not stop the other work."""
    try:
        return crawl_source(source, settings, db, config, on_update)
    except Exception as exc:
        now = datetime.now(UTC)
        return RunResult(source.id, now, now, False, 0, 0, 1, f"lỗi nội bộ: {exc}"), None


def crawl_sources(
    sources: Iterable[Source], settings: Settings, db: Path, progress: Progress | None = None,
    config: ConfigLike = Path("config"), on_update: Update | None = None,
) -> list[RunResult]:
    """Crawl every source (``settings.parallel_crawls`` at once); record each run's health.

    ``progress(source, run, report)`` is called (in this thread) as each source's crawl ends;
    ``on_update(source, report)`` (from worker threads) every few seconds while crawls run."""
    sources = list(sources)
    snapshot = CrawlConfig.coerce(config)  # one configuration for every source of this call
    results: list[RunResult] = []
    with Store(db) as store, ThreadPoolExecutor(max_workers=settings.parallel_crawls) as pool:
        futures = {pool.submit(crawl_or_fail, source, settings, db, snapshot, on_update): source
                   for source in sources}
        for future in as_completed(futures):
            source = futures[future]
            run, report = future.result()
            store.record_run(run)
            results.append(run)
            if progress is not None:
                progress(source, run, report)
    return results
