"""One update of the signals and the trend rules, in one transaction: read what was stored since
the last update, record the engagement a crawl refreshed, evaluate the ``kind: trend`` rules on what
changed, record and queue what rose, forget what is older than the longest baseline.

The crawl runner calls ``update_after_crawl`` in the parent after each source's crawl (see
``trends.signals`` for why there); ``presswatch trends update`` calls ``update`` by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from presswatch.config.alerts import AlertsFile
from presswatch.config.settings import Settings
from presswatch.store import Store
from presswatch.times import utcnow
from trends.detect import Rising, evaluate
from trends.notify import Raised, record
from trends.prematch import query_predicates
from trends.signals import Touched, forget, note_update, read_new, refresh_engagement

# Articles one update reads at most. An existing archive is read by the first updates after an
# upgrade (≈ 0.7 ms per article): a cap keeps each transaction short (≈ 15 s for 20,000 here), so
# crawls storing articles meanwhile wait for the write lock far less than their busy timeout.
MAX_PER_UPDATE = 20_000


@dataclass
class UpdateOutcome:
    articles: int = 0  # new articles read into the signals
    posts: int = 0  # items whose engagement changed
    rising: list[Rising] = field(default_factory=list)  # found this time (raised before or not)
    raised: list[Raised] = field(default_factory=list)  # new: recorded and queued

    @property
    def queued(self) -> int:
        return sum(item.queued for item in self.raised)


@dataclass(frozen=True)
class Context:
    """What an update needs besides the store: the rules and channels, names for people, settings."""

    alerts: AlertsFile | None
    follow_days: int = 7
    keep_days: int = 95
    source_names: Mapping[str, str] = field(default_factory=dict)
    topic_labels: Mapping[str, str] = field(default_factory=dict)
    web_base_url: str | None = None
    environ: dict[str, str] | None = None

    @classmethod
    def of(cls, alerts: AlertsFile | None, settings: Settings, source_names: Mapping[str, str],
           topic_labels: Mapping[str, str], environ: dict[str, str] | None = None) -> Context:
        return cls(alerts, settings.trends_follow_days, settings.trends_keep_days, source_names, topic_labels,
                   settings.web_base_url, environ)



def update(store: Store, context: Context, *, sources: Sequence[str] = (), now: datetime | None = None,
           clock: Callable[[], datetime] = utcnow, limit: int | None = MAX_PER_UPDATE) -> UpdateOutcome:
    """Update the signals (``sources``: those just crawled, whose followed items' counts are
    compared) and raise what rose, at ``now``. At most ``limit`` new articles are read (None: all);
    the next update reads the rest (``outcome.articles == limit``: more may be waiting)."""
    now = now or clock()
    outcome = UpdateOutcome()
    touched = Touched()
    alerts = context.alerts
    queries = query_predicates(alerts.rules) if alerts is not None else {}
    with store.transaction() as db:
        read_new(db, now, touched, limit, queries)
        refresh_engagement(db, list(sources), now, context.follow_days, touched)
        if alerts is not None:
            outcome.rising = evaluate(db, alerts.rules, touched, now, context.topic_labels)
            targets, _ = alerts.targets(context.environ)
            outcome.raised = record(db, outcome.rising, targets, now, context.source_names, context.web_base_url)
        forget(db, now, context.keep_days, context.follow_days)
        note_update(db, now, touched.articles)
    outcome.articles = touched.articles
    outcome.posts = len(touched.posts)
    return outcome
