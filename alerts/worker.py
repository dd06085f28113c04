"""The delivery worker: takes due outbox rows, sends them, records the outcome.

At-least-once: the attempt is counted (committed) before the request and the row marked ``sent``
after a 2xx. A process killed in between sends that row again on restart with the same
idempotency key, so a receiver that deduplicates by key sees it once. Nothing leaves the outbox
except as ``sent`` or ``dead`` (after ``alert_max_age``), and dead rows stay listed for
``presswatch alerts retry``.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from alerts import outbox
from alerts.channels import send
from alerts.outbox import OutboxRow
from alerts.payload import (
    SourceInfo,
    SpokespeopleOf,
    SpokespersonInfo,
    alert_payload,
    article_json,
    rule_json,
    summary_payload,
)
from presswatch.config import Config
from presswatch.config.alerts import AlertsFile, ChannelTarget
from presswatch.errors import DeliveryError
from presswatch.models import StoredArticle
from presswatch.store import Store
from presswatch.times import utcnow

log = logging.getLogger("presswatch.alerts")


@dataclass
class DeliveryStats:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)


class DeliveryWorker:
    """Delivers the outbox of ``store`` to the active channels of ``config``.

    Given a path instead of an open ``Store``, the worker opens its own connection in the thread
    that first uses it (SQLite connections stay in their thread): ``run`` can go in a thread.
    ``spokespeople``: who answers for an article (the shell's resolver over the press register);
    its failure leaves an alert's list empty, never stops the alert."""

    def __init__(self, store: Store | Path, config: Config, environ: dict[str, str] | None = None,
                 clock: Callable[[], datetime] = utcnow, spokespeople: SpokespeopleOf | None = None) -> None:
        self._store = store if isinstance(store, Store) else None
        self._path = store if isinstance(store, Path) else store.path
        self.config = config
        self.alerts = config.alerts or AlertsFile()
        self.targets: dict[str, ChannelTarget]
        self.targets, self.inactive = self.alerts.targets(environ)
        self.sources = {s.id: SourceInfo(s.id, s.name, s.kind) for s in config.sources}
        self.clock = clock
        self.spokespeople = spokespeople

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self._path)
            self._owned = True
        return self._store

    def close(self) -> None:
        """Close the connection the worker opened itself (not one it was given)."""
        if self._store is not None and getattr(self, "_owned", False):
            self._store.close()
            self._store = None

    def run_once(self, limit: int = 50) -> DeliveryStats:
        """Send every due row (at most ``limit``)."""
        stats = DeliveryStats()
        for row in outbox.due(self.store.db, self.clock(), limit):
            self._deliver(row, stats)
        return stats

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set, looking at the outbox every ``alert_poll`` seconds."""
        poll = self.config.settings.alert_poll
        try:
            while not stop.is_set():
                try:
                    stats = self.run_once()
                except Exception:  # a broken row or a locked database must not end deliveries
                    log.exception("lỗi khi gửi cảnh báo; thử lại sau %s giây", poll)
                    stats = DeliveryStats()
                if stats.sent + stats.failed + stats.dead == 0:
                    stop.wait(poll)
        finally:
            self.close()

    def _deliver(self, row: OutboxRow, stats: DeliveryStats) -> None:
        settings = self.config.settings
        now = self.clock()
        with self.store.transaction() as db:
            outbox.started(db, row.id, now)
        try:
            target = self.targets.get(row.channel)
            if target is None:
                raise DeliveryError(f"kênh '{row.channel}' không còn trong cấu hình hoặc chưa hoạt động")
            payload = self.payload(row)
            send(target, payload, timeout=settings.alert_timeout, delivery_id=row.id)
        except (DeliveryError, LookupError) as exc:
            error = str(exc)
            with self.store.transaction() as db:
                status = outbox.failed(db, row, error, self.clock(), base=settings.alert_retry_base,
                                       cap=settings.alert_retry_max, max_age=settings.alert_max_age)
            if status == "dead":
                stats.dead += 1
                log.error("cảnh báo #%s (%s → %s) chuyển vào hàng lỗi sau %s lần thử: %s",
                          row.id, row.rule_id, row.channel, row.attempts + 1, error)
            else:
                stats.failed += 1
                log.warning("gửi cảnh báo #%s (%s → %s) thất bại lần %s: %s; sẽ thử lại",
                            row.id, row.rule_id, row.channel, row.attempts + 1, error)
            stats.errors.append(error)
            return
        with self.store.transaction() as db:
            outbox.delivered(db, row.id, self.clock())
        stats.sent += 1
        log.info("đã gửi cảnh báo #%s (%s → %s)", row.id, row.rule_id, row.channel)

    # --- payloads -------------------------------------------------------------------------

    def _rule(self, rule_id: str, severity: str) -> dict[str, Any]:
        rule = next((r for r in self.alerts.rules if r.id == rule_id), None)
        return rule_json(rule, rule_id, severity)

    def _article(self, article_id: int) -> dict[str, Any]:
        article = self.store.article(article_id)
        if article is None:
            raise LookupError(f"bài #{article_id} không còn trong cơ sở dữ liệu")
        source = self.sources.get(article.source_id, SourceInfo(article.source_id, article.source_id,
                                                                 article.source_kind))
        return article_json(article, source, self.config.settings.web_base_url, self._spokespeople(article))

    def _spokespeople(self, article: StoredArticle) -> list[SpokespersonInfo]:
        if self.spokespeople is None:
            return []
        try:
            return list(self.spokespeople(self.store.db, article))
        except Exception as exc:  # the register must never hold an alert back
            log.warning("không tra được người phát ngôn cho bài #%s (%s): cảnh báo gửi không kèm người phát ngôn",
                        article.id, type(exc).__name__)
            return []

    def payload(self, row: OutboxRow) -> dict[str, Any]:
        db = self.store.db
        if row.kind in ("health", "trend"):  # documents built when raised
            document: dict[str, Any] = json.loads(row.payload or "{}")
            return document
        if row.kind == "alert":
            alert = outbox.alert(db, row.alert_id) if row.alert_id is not None else None
            if alert is None:
                raise LookupError(f"cảnh báo #{row.alert_id} không còn trong cơ sở dữ liệu")
            return alert_payload(row, self._rule(row.rule_id, alert.severity), alert.copies,
                                 self._article(alert.article_id))
        assert row.window_start is not None
        alerts = outbox.summarised(db, row.rule_id, row.window_start)
        articles = []
        for summarised in alerts:
            try:
                articles.append({**self._article(summarised.article_id), "copies": summarised.copies})
            except LookupError:
                continue
        severity = alerts[0].severity if alerts else "medium"
        return summary_payload(row, self._rule(row.rule_id, severity), articles)
