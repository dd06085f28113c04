"""Prometheus ``/metrics`` of ``presswatch run``, written by the official client library (prometheus_client).

Each service has its own registry (no module-level global):

- counters of this process (crawls, new articles, fetch errors, back-off skips, digests), fed by what
  the scheduled jobs return (``presswatch.service.jobs.CrawlTally`` / ``DigestTally``), reset at
  restart as Prometheus counters may be;
- gauges read from the database at each scrape (articles stored, source health, the alert queue,
  the last digest), so they survive restarts: through the functions of the tables' owners (the
  store, ``alerts.outbox``, ``alerts.source_health``, ``alerts.digest.send``);
- gauges of the scheduled reports (per kind of ``report_schedule``: the next send, the last sent,
  periods waiting, whether the last try failed; ``reports.sends.schedule``) and of the trend signals
  (the last update, articles read, rising items of the last 24 hours by signal; ``trends.reads.state``);
- ``presswatch_web_up``: whether the web UI is serving (0 when its port could not be opened);
- the library's process metrics (``process_resident_memory_bytes``, ``process_open_fds``, …).

The library writes every value at full precision: Unix timestamps and large counters read back exactly.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

from prometheus_client import CollectorRegistry, Counter, ProcessCollector
from prometheus_client.exposition import MetricsHandler
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from alerts import outbox
from alerts.digest.send import last_sent_at
from alerts.source_health import open_incidents
from presswatch.config import Settings
from presswatch.errors import StoreError
from presswatch.service.jobs import CrawlTally, DigestTally, EvidenceTally, ReportTally, TrendTally
from presswatch.service.listen import listen
from presswatch.store import Store
from presswatch.times import utcnow
from reports.sends import schedule
from trends.reads import state as trend_state

log = logging.getLogger("presswatch.metrics")  # the name operators filter logs by


class StoreCollector(Collector):
    """Gauges read from the database at scrape time."""

    def __init__(self, db: Path) -> None:
        self.db = db

    def collect(self) -> Iterator[Metric]:
        with Store(self.db) as store:
            articles = store.count_articles()
            health = store.health()
            queue = outbox.counts(store.db)
            oldest_at = outbox.oldest_pending(store.db)
            digest_at = last_sent_at(store)
            incidents = len(open_incidents(store.db))
        yield GaugeMetricFamily("presswatch_articles", "Articles in the store.", value=articles)
        failures = GaugeMetricFamily("presswatch_source_consecutive_failures", "Failed crawls in a row, by source.",
                                     labels=["source"])
        success = GaugeMetricFamily("presswatch_source_last_success_timestamp_seconds",
                                    "Last successful crawl (Unix time).", labels=["source"])
        fresh = GaugeMetricFamily("presswatch_source_last_new_article_timestamp_seconds",
                                  "Last crawl that brought a new article (Unix time).", labels=["source"])
        for source_id, state in sorted(health.items()):
            failures.add_metric([source_id], state.consecutive_failures)
            if state.last_success_at:
                success.add_metric([source_id], state.last_success_at.timestamp())
            if state.last_new_article_at:
                fresh.add_metric([source_id], state.last_new_article_at.timestamp())
        yield from (failures, success, fresh)
        yield GaugeMetricFamily("presswatch_source_incidents_open", "Open source-health incidents.", value=incidents)
        deliveries = GaugeMetricFamily("presswatch_alert_outbox", "Alert deliveries by status.", labels=["status"])
        for status in ("pending", "sent", "dead"):
            deliveries.add_metric([status], queue.get(status, 0))
        yield deliveries
        pending = GaugeMetricFamily("presswatch_alert_oldest_pending_timestamp_seconds",
                                    "Creation time of the oldest undelivered alert (Unix time; absent when none).")
        if oldest_at:
            pending.add_metric([], oldest_at.timestamp())
        yield pending
        sent = GaugeMetricFamily("presswatch_digest_last_sent_timestamp_seconds",
                                 "When the last digest was sent (Unix time).")
        if digest_at:
            sent.add_metric([], digest_at.timestamp())
        yield sent


class CapabilityCollector(Collector):
    """Gauges of the scheduled reports and the trend signals, read from the database at scrape time
    (``settings()``: the service's current settings, for ``report_schedule``)."""

    def __init__(self, db: Path, settings: Callable[[], Settings]) -> None:
        self.db = db
        self.settings = settings

    def collect(self) -> Iterator[Metric]:
        now = utcnow()
        with Store(self.db) as store:
            scheduled = schedule(store.db, now, self.settings())
            trends = trend_state(store.db, now)
        following = GaugeMetricFamily("presswatch_report_next_send_timestamp_seconds",
                                      "When the next scheduled report of each kind is due (Unix time).",
                                      labels=["kind"])
        sent = GaugeMetricFamily("presswatch_report_last_sent_timestamp_seconds",
                                 "When the newest period of each kind was sent (Unix time).", labels=["kind"])
        waiting = GaugeMetricFamily("presswatch_report_waiting", "Periods due and not sent yet, by kind.",
                                    labels=["kind"])
        failed = GaugeMetricFamily("presswatch_report_last_failed", "1 when the newest try of the kind failed.",
                                   labels=["kind"])
        for item in scheduled:
            following.add_metric([item.kind], item.next_at.timestamp())
            if item.last_sent is not None and item.last_sent.sent_at is not None:
                sent.add_metric([item.kind], item.last_sent.sent_at.timestamp())
            waiting.add_metric([item.kind], len(item.waiting))
            failed.add_metric([item.kind], 1.0 if item.last is not None and item.last.status == "failed" else 0.0)
        yield from (following, sent, waiting, failed)
        updated = GaugeMetricFamily("presswatch_trends_last_update_timestamp_seconds",
                                    "When the trend signals were last updated (Unix time; absent before the first).")
        if trends.updated_at is not None:
            updated.add_metric([], trends.updated_at.timestamp())
        yield updated
        yield GaugeMetricFamily("presswatch_trends_articles_read", "Articles read into the trend signals in all.",
                                value=trends.articles_read)
        rising = GaugeMetricFamily("presswatch_trends_rising", "Rising items raised in the last 24 hours, by signal.",
                                   labels=["signal"])
        for signal, count in sorted(trends.rising.items()):
            rising.add_metric([signal], count)
        yield rising


class ServiceCollector(Collector):
    """What the service knows of its own parts: ``presswatch_web_up`` (absent when the UI is off)."""

    def __init__(self, web_up: Callable[[], bool | None]) -> None:
        self.web_up = web_up

    def collect(self) -> Iterator[Metric]:
        up = self.web_up()
        if up is not None:
            yield GaugeMetricFamily("presswatch_web_up", "1 when the web UI serves, 0 when it could not start.",
                                    value=1.0 if up else 0.0)


class ServiceMetrics:
    """The registry of one service: its counters, the database gauges and the process metrics."""

    def __init__(self, db: Path, web_up: Callable[[], bool | None] = lambda: None,
                 settings: Callable[[], Settings] = Settings) -> None:
        self.registry = CollectorRegistry()
        self.crawls = Counter("presswatch_crawls", "Crawls run by this process, by source and result.",
                              ["source", "result"], registry=self.registry)
        self.new_articles = Counter("presswatch_new_articles", "New articles stored by this process's crawls.",
                                    ["source"], registry=self.registry)
        self.fetch_errors = Counter("presswatch_fetch_errors", "Failed requests during this process's crawls.",
                                    ["source"], registry=self.registry)
        self.skipped = Counter("presswatch_crawls_skipped", "Crawls skipped while a failing source backs off.",
                               ["source"], registry=self.registry)
        self.digests = Counter("presswatch_digests", "Daily digest runs by outcome.", ["status"],
                               registry=self.registry)
        self.captures = Counter("presswatch_evidence_captures", "Evidence capture attempts by outcome.", ["status"],
                                registry=self.registry)
        self.rechecks = Counter("presswatch_evidence_rechecks", "Re-checks of captured pages.",
                                registry=self.registry)
        self.report_sends = Counter("presswatch_report_sends", "Scheduled report sends by outcome.", ["status"],
                                    registry=self.registry)
        self.trend_articles = Counter("presswatch_trend_articles_read",
                                      "Articles the trends job of this process read into the signals.",
                                      registry=self.registry)
        self.trend_raised = Counter("presswatch_trend_items_raised",
                                    "Rising items the trends job of this process raised.", registry=self.registry)
        self.registry.register(StoreCollector(db))
        self.registry.register(CapabilityCollector(db, settings))
        self.registry.register(ServiceCollector(web_up))
        ProcessCollector(registry=self.registry)

    def count(self, tally: object) -> None:
        """Add what a job returned to the counters (other return values are ignored)."""
        if isinstance(tally, CrawlTally):
            if tally.result == "skipped":
                self.skipped.labels(tally.source_id).inc()
                return
            self.crawls.labels(tally.source_id, tally.result).inc()
            self.new_articles.labels(tally.source_id).inc(tally.new_articles)
            self.fetch_errors.labels(tally.source_id).inc(tally.errors)
        elif isinstance(tally, DigestTally):
            for status in tally.statuses:
                self.digests.labels(status).inc()
        elif isinstance(tally, EvidenceTally):
            for status in tally.captures:
                self.captures.labels(status).inc()
            self.rechecks.inc(tally.rechecks)
        elif isinstance(tally, ReportTally):
            for status in tally.statuses:
                self.report_sends.labels(status).inc()
        elif isinstance(tally, TrendTally):
            self.trend_articles.inc(tally.articles)
            self.trend_raised.inc(tally.raised)


class MetricsServer:
    """``GET /metrics`` on ``host:port`` in a daemon thread; the port is bound by the constructor
    (:class:`presswatch.errors.ListenError` when it cannot be)."""

    def __init__(self, registry: CollectorRegistry, host: str, port: int) -> None:
        class Handler(MetricsHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if urlparse(self.path).path != "/metrics":
                    self.send_error(404)
                    return
                try:  # the library renders everything before it writes a byte
                    super().do_GET()
                except (sqlite3.Error, StoreError) as exc:  # a locked or broken database: a failed scrape
                    log.error("không đọc được cơ sở dữ liệu cho /metrics: %s", exc)
                    self.send_error(500, "database unreadable")

        Handler.registry = registry
        sock = listen(host, port)
        self.server = ThreadingHTTPServer(sock.getsockname()[:2], Handler, bind_and_activate=False)
        self.server.socket.close()
        self.server.socket = sock
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="metrics", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.socket.getsockname()[1])

    def start(self) -> MetricsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

