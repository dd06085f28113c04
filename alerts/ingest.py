"""Rule evaluation at ingest (the ``on_stored`` hook of ``Store.add_article``), and later for the
articles it could not evaluate.

The hook runs inside the article's transaction (see ``alerts.outbox``). When the rules cannot be
evaluated for an article (no analysis, the rules were not loaded, an error in evaluation), the
article is stored all the same and marked pending in ``alert_pending``, in that transaction: it is
never lost and never silently left unalerted. ``evaluate_pending`` evaluates such articles later
with a valid configuration (after each crawl, at service start and reload), exactly once, as they
would have been at ingest: a rule's ``max_age`` counts from when the article was stored. A matched
rule with ``capture: true`` also queues an evidence capture of the article's page
(``evidence.request_capture``) in the same transaction. This module owns ``alert_pending`` (``SCHEMA``).
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from alerts import outbox
from alerts.matcher import Doc
from alerts.outbox import Recorded
from alerts.rules import RuleSet, doc_of
from evidence import request_capture
from presswatch.config.alerts import RELEVANCE_RANK, AlertsFile, Rule
from presswatch.models import Article
from presswatch.store import Store
from presswatch.store.articles import article_ids, relevance, relevance_at
from presswatch.store.schema import Migration, Schema
from presswatch.times import iso, parse_iso, utcnow

if TYPE_CHECKING:
    from analysis.pipeline import Analyzer

log = logging.getLogger("presswatch.alerts")
PENDING_BATCH = 500  # articles one evaluation pass takes on (the next pass takes the rest)
NOT_ANALYSED = "bài chưa được phân tích"

SCHEMA = Schema("alert_pending", (
    Migration(
        "articles pending evaluation",
        """
    -- crawl integrity: articles stored without their alert rules evaluated (no analysis, rules not
    -- loaded, an error), evaluated later exactly once.
    CREATE TABLE alert_pending (
        article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
        stored_at TEXT NOT NULL,        -- UTC: rules' max_age counts from here, not from the late evaluation
        reason TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT
    );
    """,
        legacy=10,
    ),
))


def inherit(doc: Doc, parent: str | None) -> None:
    """Raise ``doc``'s relevance to its parent article's (``parent``: that relevance; None when there
    is no parent, or it was not analysed)."""
    if RELEVANCE_RANK.get(parent or "", -1) > RELEVANCE_RANK.get(doc.relevance or "", -1):
        doc.relevance = parent


def request_captures(db: sqlite3.Connection, matched: list[Rule], url: str, article_id: int) -> int:
    """Queue an evidence capture of the article's page, in its transaction, when a matched rule says
    ``capture: true`` (once, however many rules say so). Returns how many were queued (0 or 1)."""
    wanting = [rule.id for rule in matched if rule.capture]
    if not wanting:
        return 0
    try:
        request_capture(db, url, reason=f"quy tắc cảnh báo {', '.join(wanting)}", article_id=article_id)
    except ValueError:  # not an http(s) page (a bridge's item): nothing a browser can capture
        return 0
    return 1


def defer(db: sqlite3.Connection, article_id: int, reason: str, stored_at: datetime) -> None:
    """Mark a stored article as waiting for its rules to be evaluated."""
    db.execute("INSERT OR IGNORE INTO alert_pending (article_id, stored_at, reason) VALUES (?, ?, ?)",
               (article_id, iso(stored_at), reason[:500]))


def pending_count(db: sqlite3.Connection, source_id: str | None = None, after_id: int = 0) -> int:
    """Articles waiting for evaluation (of one source, above an article id)."""
    if source_id is None:
        row = db.execute("SELECT count(*) FROM alert_pending WHERE article_id > ?", (after_id,)).fetchone()
    else:
        row = db.execute("SELECT count(*) FROM alert_pending WHERE article_id IN (SELECT value FROM json_each(?))",
                         (json.dumps(article_ids(db, source_id, after_id)),)).fetchone()
    return int(row[0])


class AlertEvaluator:
    """Evaluate the enabled rules on each new article and queue deliveries to active channels.

    ``alerts`` None: the rules are not available (``unavailable`` says why); every new article is
    then marked pending, as is one without analysis or whose evaluation fails."""

    def __init__(self, alerts: AlertsFile | None, environ: dict[str, str] | None = None,
                 clock: Callable[[], datetime] = utcnow, unavailable: str = "chưa nạp được quy tắc cảnh báo",
                 on_doc: Callable[[sqlite3.Connection, int, Doc], None] | None = None) -> None:
        self.rules = RuleSet(alerts) if alerts is not None else None
        self.on_doc = on_doc  # given the article's tokens too, in its transaction (``trends.prematch``)
        self.channels, self.inactive = alerts.targets(environ) if alerts is not None else ({}, [])
        self.clock = clock
        self.unavailable = unavailable
        self.recorded: list[Recorded] = []
        self.deferred = 0
        self.reasons: list[str] = []  # distinct reasons articles were deferred

    def __call__(self, db: sqlite3.Connection, article_id: int, article: Article) -> None:
        if self.rules is None:
            self._defer(db, article_id, article, self.unavailable)
            return
        if not len(self.rules) and (self.on_doc is None or article.analysis is None):
            return  # no alert rule to evaluate: nothing pending (``on_doc``'s owner reads it later)
        if article.analysis is None:
            self._defer(db, article_id, article, NOT_ANALYSED)
            return
        db.execute("SAVEPOINT alert_rules")
        try:
            data = article.analysis.to_json()
            doc = doc_of(article.title, article.text, article.source_id, article.source_kind, data,
                         article.content_type)
            if self.on_doc is not None:
                self._share(db, article_id, doc)
            if article.parent_url is not None:  # a comment is as relevant as the article it was written under
                inherit(doc, relevance_at(db, article.parent_url))
            now = self.clock()
            matched = self.rules.evaluate(doc, article.published_at or article.fetched_at, now)
            recorded = outbox.record(db, article_id, matched, self.channels, now) if matched else []
            request_captures(db, matched, article.url, article_id)
        except Exception as exc:  # the article is kept; what the evaluation wrote is undone
            db.execute("ROLLBACK TO alert_rules")
            db.execute("RELEASE alert_rules")
            self._defer(db, article_id, article, f"lỗi khi đánh giá quy tắc: {type(exc).__name__}: {exc}")
            return
        db.execute("RELEASE alert_rules")
        self.recorded.extend(recorded)

    def _share(self, db: sqlite3.Connection, article_id: int, doc: Doc) -> None:
        """Hand the article's tokens to ``on_doc``; its failure costs only the sharing (whoever
        gave it does the work later) and never the alert rules."""
        assert self.on_doc is not None
        db.execute("SAVEPOINT alert_on_doc")
        try:
            self.on_doc(db, article_id, doc)
        except Exception:
            db.execute("ROLLBACK TO alert_on_doc")
            log.warning("article %d: tokens not shared", article_id, exc_info=True)
        db.execute("RELEASE alert_on_doc")

    def _defer(self, db: sqlite3.Connection, article_id: int, article: Article, reason: str) -> None:
        try:
            stored_at = self.clock()
        except Exception:  # the clock is what failed: the article's own fetch time will do
            stored_at = article.fetched_at
        defer(db, article_id, reason, stored_at)
        self.deferred += 1
        if reason not in self.reasons:
            self.reasons.append(reason)


@dataclass
class PendingOutcome:
    evaluated: int = 0  # articles whose rules were evaluated (matching or not)
    alerts: int = 0  # new alerts recorded
    failed: int = 0  # still pending after an error this time
    errors: list[str] = field(default_factory=list)


def evaluate_pending(store: Store, alerts: AlertsFile, analyzer: Callable[[], Analyzer | None], *,
                     environ: dict[str, str] | None = None, clock: Callable[[], datetime] = utcnow,
                     limit: int = PENDING_BATCH) -> PendingOutcome:
    """Evaluate ``alerts``' rules on articles stored pending, oldest first: analyse those that were
    not (``analyzer`` is called once, when first needed), record their alerts and queue deliveries,
    and clear the mark, in one transaction per article. Matching uses the time the article was
    stored, as at ingest; delivery is scheduled from now. An article another pass took meanwhile is
    skipped; one that fails again stays pending with its error."""
    outcome = PendingOutcome()
    rows = store.db.execute("SELECT article_id, stored_at FROM alert_pending ORDER BY attempts, article_id LIMIT ?",
                            (limit,)).fetchall()
    if not rows:
        return outcome
    rules = RuleSet(alerts)
    channels, _ = alerts.targets(environ)
    made = _Lazy(analyzer)
    for row in rows:
        article_id = int(row["article_id"])
        stored_at = parse_iso(row["stored_at"])
        assert stored_at is not None
        try:
            new = _evaluate_one(store, article_id, stored_at, rules, channels, made, clock)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            with store.transaction() as db:
                db.execute("UPDATE alert_pending SET attempts = attempts + 1, last_error = ? WHERE article_id = ?",
                           (error[:500], article_id))
            outcome.failed += 1
            if error not in outcome.errors:
                outcome.errors.append(error)
            continue
        if new is not None:
            outcome.evaluated += 1
            outcome.alerts += new
    return outcome


class _Lazy:
    """The analyzer, built on first use (loading the lexicons and the model takes seconds), once."""

    def __init__(self, make: Callable[[], Analyzer | None]) -> None:
        self.make = make
        self.value: Analyzer | None = None
        self.error = "không có cấu hình phân tích (topics.yaml, sentiment.yaml)"
        self.tried = False

    def get(self) -> Analyzer:
        if not self.tried:
            self.tried = True
            try:
                self.value = self.make()
            except Exception as exc:
                self.error = f"không tạo được bộ phân tích: {type(exc).__name__}: {exc}"
        if self.value is None:
            raise RuntimeError(self.error)
        return self.value


def _evaluate_one(store: Store, article_id: int, stored_at: datetime, rules: RuleSet, channels: dict[str, Any],
                  analyzer: _Lazy, clock: Callable[[], datetime]) -> int | None:
    """New alerts recorded for one pending article, or None when there was nothing to do."""
    article = store.article(article_id)
    if article is None:
        return None
    analysis = None
    if article.analysis is None:
        analysis = analyzer.get().analyze(article.title_original, article.text_original,
                                          comment=article.content_type in ("post", "comment"))
    with store.transaction() as db:
        if db.execute("DELETE FROM alert_pending WHERE article_id = ?", (article_id,)).rowcount == 0:
            return None  # another pass evaluated it meanwhile
        data = article.analysis
        if analysis is not None:
            store.add_analysis(db, article_id, analysis)
            data = analysis.to_json()
        doc = doc_of(article.title_original, article.text_original, article.source_id, article.source_kind, data,
                     article.content_type)
        if article.parent_id is not None:
            inherit(doc, relevance(db, article.parent_id))
        matched = rules.evaluate(doc, article.published_at or article.fetched_at, stored_at)
        recorded = outbox.record(db, article_id, matched, channels, clock()) if matched else []
        request_captures(db, matched, article.url, article_id)
    return sum(item.new for item in recorded)
