"""Run crawls: one subprocess per source, a few at once, each with a hard timeout.

The parent records every run in the source's health, whatever happened to the child: a crash or a
timeout is a failed run with a message, and the other sources carry on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import UTC, datetime
from pathlib import Path

from crawler.report import CrawlReport
from presswatch.config import Settings, Source
from presswatch.store import RunResult, Store

Progress = Callable[[Source, RunResult, CrawlReport | None], None]
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


def crawl_source(source: Source, settings: Settings, db: Path,
                 config_dir: Path = Path("config")) -> tuple[RunResult, CrawlReport | None]:
    """Crawl ``source`` in a subprocess and return what happened (health is not recorded here)."""
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="presswatch-crawl-") as scratch:
        report_path = Path(scratch) / "report.json"
        log_path = Path(scratch) / "crawl.log"
        command = [
            sys.executable, "-m", "crawler.run",
            "--source", source.model_dump_json(),
            "--settings", settings.model_dump_json(),
            "--db", str(db),
            "--report", str(report_path),
            "--config", str(config_dir.resolve()),
            "--parent-pid", str(os.getpid()),
        ]
        message: str | None = None
        with open(log_path, "w+", encoding="utf-8", errors="replace") as log:
            process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            with _LOCK:
                _RUNNING.add(process)
            try:
                code = process.wait(timeout=settings.crawl_timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                code = None
                message = f"quá giới hạn thời gian {settings.crawl_timeout} giây, đã dừng tiến trình thu thập"
            finally:
                with _LOCK:
                    _RUNNING.discard(process)
            log.seek(0)
            log_text = log.read()
        report = CrawlReport.read(report_path) if report_path.exists() else None
    if report is None and message is None:
        message = f"tiến trình thu thập kết thúc bất thường (mã {code}): {_tail(log_text)}"
    ok = report is not None and report.ok and message is None
    if message is None and report is not None:
        message = report.message()
    run = RunResult(
        source_id=source.id,
        started_at=started,
        finished_at=datetime.now(UTC),
        ok=ok,
        new_articles=report.new_articles if report else 0,
        pages=report.fetched if report else 0,
        errors=report.errors if report else 0,
        message=message,
    )
    return run, report


def crawl_or_fail(source: Source, settings: Settings, db: Path,
                  config_dir: Path = Path("config")) -> tuple[RunResult, CrawlReport | None]:
    """``crawl_source``, with a failure of the runner itself (a bug, not the source's fault) turned
    into a failed run, so it is recorded and does not stop the other work."""
    try:
        return crawl_source(source, settings, db, config_dir)
    except Exception as exc:
        now = datetime.now(UTC)
        return RunResult(source.id, now, now, False, 0, 0, 1, f"lỗi nội bộ: {exc}"), None


def crawl_sources(
    sources: Iterable[Source], settings: Settings, db: Path, progress: Progress | None = None,
    config_dir: Path = Path("config"),
) -> list[RunResult]:
    """Crawl every source (``settings.parallel_crawls`` at once); record each run's health."""
    sources = list(sources)
    results: list[RunResult] = []
    with Store(db) as store, ThreadPoolExecutor(max_workers=settings.parallel_crawls) as pool:
        futures = {pool.submit(crawl_or_fail, source, settings, db, config_dir): source for source in sources}
        for future in as_completed(futures):
            source = futures[future]
            run, report = future.result()
            store.record_run(run)
            results.append(run)
            if progress is not None:
                progress(source, run, report)
    return results
