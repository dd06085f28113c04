"""Prometheus ``/metrics`` of ``presswatch run`` (text exposition format 0.0.4, standard library only).

Counters of this process (crawls, new articles, fetch errors, back-off skips, digests) come from
``presswatch.jobs.COUNTERS``; gauges are read from the database at each scrape (articles stored,
source health, the alert queue, the last digest), so they survive restarts.
"""

from __future__ import annotations

import os
import resource
import threading
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from presswatch.jobs import COUNTERS
from presswatch.store import Store, parse_iso


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(name: str, kind: str, help_text: str, samples: Iterable[tuple[dict[str, str], float]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}"]
    for labels, value in samples:
        label = ",".join(f'{key}="{_escape(val)}"' for key, val in labels.items())
        lines.append(f"{name}{{{label}}} {value:g}" if label else f"{name} {value:g}")
    return lines


def render(db: Path) -> str:
    lines: list[str] = []
    with COUNTERS.lock:
        crawls = dict(COUNTERS.crawls)
        new = dict(COUNTERS.new_articles)
        errors = dict(COUNTERS.fetch_errors)
        skipped = dict(COUNTERS.skipped)
        digests = dict(COUNTERS.digests)
    lines += _family("presswatch_crawls_total", "counter", "Crawls run by this process, by source and result.",
                     [({"source": s, "result": r}, n) for (s, r), n in sorted(crawls.items())])
    lines += _family("presswatch_new_articles_total", "counter", "New articles stored by this process's crawls.",
                     [({"source": s}, n) for s, n in sorted(new.items())])
    lines += _family("presswatch_fetch_errors_total", "counter", "Failed requests during this process's crawls.",
                     [({"source": s}, n) for s, n in sorted(errors.items())])
    lines += _family("presswatch_crawls_skipped_total", "counter", "Crawls skipped while a failing source backs off.",
                     [({"source": s}, n) for s, n in sorted(skipped.items())])
    lines += _family("presswatch_digests_total", "counter", "Daily digest runs by outcome.",
                     [({"status": s}, n) for s, n in sorted(digests.items())])
    with Store(db) as store:
        articles = store.db.execute("SELECT count(*) FROM articles").fetchone()[0]
        health = store.health()
        queue = dict(store.db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())
        oldest = store.db.execute("SELECT min(created_at) FROM outbox WHERE status = 'pending'").fetchone()[0]
        digest = store.db.execute("SELECT max(sent_at) FROM digest_sends WHERE status = 'sent'").fetchone()[0]
        incidents = store.db.execute("SELECT count(*) FROM source_incidents WHERE resolved_at IS NULL").fetchone()[0]
    lines += _family("presswatch_articles", "gauge", "Articles in the store.", [({}, articles)])
    lines += _family("presswatch_source_consecutive_failures", "gauge", "Failed crawls in a row, by source.",
                     [({"source": s}, h.consecutive_failures) for s, h in sorted(health.items())])
    lines += _family("presswatch_source_last_success_timestamp_seconds", "gauge", "Last successful crawl (Unix time).",
                     [({"source": s}, h.last_success_at.timestamp()) for s, h in sorted(health.items())
                      if h.last_success_at])
    lines += _family("presswatch_source_last_new_article_timestamp_seconds", "gauge",
                     "Last crawl that brought a new article (Unix time).",
                     [({"source": s}, h.last_new_article_at.timestamp()) for s, h in sorted(health.items())
                      if h.last_new_article_at])
    lines += _family("presswatch_source_incidents_open", "gauge", "Open source-health incidents.", [({}, incidents)])
    lines += _family("presswatch_alert_outbox", "gauge", "Alert deliveries by status.",
                     [({"status": s}, queue.get(s, 0)) for s in ("pending", "sent", "dead")])
    oldest_at = parse_iso(oldest)
    lines += _family("presswatch_alert_oldest_pending_timestamp_seconds", "gauge",
                     "Creation time of the oldest undelivered alert (Unix time; absent when none).",
                     [({}, oldest_at.timestamp())] if oldest_at else [])
    digest_at = parse_iso(digest)
    lines += _family("presswatch_digest_last_sent_timestamp_seconds", "gauge", "When the last digest was sent.",
                     [({}, digest_at.timestamp())] if digest_at else [])
    lines += _family("process_resident_memory_bytes", "gauge", "Resident memory of the service.",
                     [({}, _rss())])
    lines += _family("process_open_fds", "gauge", "Open file descriptors of the service.", [({}, open_fds())])
    return "\n".join(lines) + "\n"


def _rss() -> float:
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024.0


def open_fds() -> int:
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return -1


class MetricsServer:
    """``GET /metrics`` on ``host:port`` in a daemon thread."""

    def __init__(self, db: Path, host: str, port: int) -> None:
        database = db

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if self.path.split("?")[0] != "/metrics":
                    self.send_error(404)
                    return
                try:
                    body = render(database).encode()
                    status = 200
                except Exception as exc:  # a locked or broken database: say so, do not crash the thread
                    body, status = f"# error: {exc}\n".encode(), 500
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="metrics", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> MetricsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
