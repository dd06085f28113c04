"""What the daily digest says about one day: a ``Digest`` gathered from the store.

Pure data: reads the store (``presswatch.store.period``, the sources' health), writes nothing, sends
nothing. The day ``d`` covers the 24 hours ending at ``digest_time`` on ``d`` in Asia/Ho_Chi_Minh (the
digest of 27/11 at 07:00 covers 26/11 07:00 → 27/11 07:00), selected by the articles' date (UTC).
Articles graded ``about`` or ``mention`` are the province's; the others are only counted as crawled.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from analysis.sentences import sentence_spans
from presswatch.config import KIND_LABELS, Settings, Source
from presswatch.provinces import full_name, provinces_of
from presswatch.store import Store, period
from presswatch.store.articles import text_of
from presswatch.store.clusters import outlets as story_outlets
from presswatch.store.health import health
from presswatch.times import VIETNAM, parse_iso
from trends.reads import SIGNAL_LABELS, events, what_rose

RELEVANT = ("about", "mention")
SENTIMENTS = ("negative", "neutral", "positive")
HISTORY_DAYS = 7
MAX_NEGATIVE = 40
MAX_OTHER = 25
MAX_STORIES = 8
MAX_RISING = 6
MAX_TRENDS = 6
MAX_SENTENCE = 320


@dataclass(frozen=True)
class DigestItem:
    """One article of the day, as leadership sees it."""

    id: int
    title: str
    url: str
    source_id: str
    source_name: str
    kind_label: str
    dated_at: datetime
    relevance: str
    sentiment: str | None
    topics: tuple[str, ...]  # Vietnamese labels
    sentence: str | None  # the sentence holding the strongest sentiment term (negative items)
    terms: tuple[str, ...]  # the sentiment terms that decided
    outlets: int  # distinct sources carrying the same story (1 = only this one)
    provinces: tuple[str, ...] = ("Lai Châu",)  # the followed provinces it concerns at its grade


@dataclass(frozen=True)
class Story:
    """A syndication cluster that had relevant articles in the window."""

    title: str
    url: str
    article_id: int
    outlets: int  # distinct sources carrying it (all time)
    copies: int  # articles in the cluster
    sources: tuple[str, ...]  # source names, first few
    sentiment: str | None


@dataclass(frozen=True)
class Rising:
    """A topic or place seen more often than in the previous days."""

    kind: str  # "topic" | "place"
    label: str
    count: int
    average: float  # per day over the previous HISTORY_DAYS


@dataclass(frozen=True)
class TrendItem:
    """What a ``kind: trend`` rule raised in the window ("Đang được quan tâm", ``trends``)."""

    signal: str  # Vietnamese: tin lan rộng | tương tác tăng nhanh | tăng đột biến
    what: str  # what rose, by how much (one sentence)
    raised_at: datetime
    url: str | None  # the first item behind it
    series: tuple[int, ...]  # hourly counts (or a post's observations), oldest first


@dataclass(frozen=True)
class SourceProblem:
    source_id: str
    name: str
    problem: str  # "failing" | "silent"
    failures: int
    last_error: str | None
    since: datetime | None  # last success (failing) or last new article (silent)


@dataclass(frozen=True)
class DayVolume:
    day: date
    about: int
    mention: int


@dataclass(frozen=True)
class Digest:
    day: date
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    subject: str
    crawled: int  # every article dated in the window
    about: int
    mention: int
    average_about: float  # per day over the previous HISTORY_DAYS windows
    average_mention: float
    volume: list[DayVolume]  # the last HISTORY_DAYS windows, oldest first, this day last
    topics: list[tuple[str, int]]  # (label, count), most first
    sentiments: dict[str, int]  # negative / neutral / positive → count (relevant articles)
    kinds: list[tuple[str, int]]  # (kind label, count), most first
    negative: list[DigestItem]
    others: list[DigestItem]
    negative_total: int
    others_total: int
    stories: list[Story]
    rising: list[Rising]
    source_problems: list[SourceProblem]
    web_base_url: str | None = None
    recipients: list[str] = field(default_factory=list)
    never_ran: tuple[str, ...] = ()  # names of enabled sources without a single crawl yet: health unknown
    trends: list[TrendItem] = field(default_factory=list)  # raised in the window, newest first
    provinces: tuple[str, ...] = ("Lai Châu",)  # the provinces the digest covers, home first
    # (province, about, mention) for each of them when there are several; empty for one
    per_province: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def province(self) -> str:
        """The provinces as the digest's sentences name them: "Lai Châu", "Lai Châu, Điện Biên"."""
        return ", ".join(self.provinces)

    @property
    def relevant(self) -> int:
        return self.about + self.mention

    @property
    def quiet(self) -> bool:
        return self.relevant == 0


def window(day: date, settings: Settings) -> tuple[datetime, datetime]:
    """The UTC interval [start, end) of ``day``'s digest."""
    hours, minutes = settings.digest_clock()
    end = datetime.combine(day, time(hours, minutes), VIETNAM).astimezone(UTC)
    return end - timedelta(hours=24), end


def subject(day: date, provinces: Sequence[str] = ("Lai Châu",)) -> str:
    return f"Bản tin theo dõi báo chí, mạng xã hội về {', '.join(map(full_name, provinces))} ngày {day:%d/%m/%Y}"


def _connection(db: sqlite3.Connection | Store) -> sqlite3.Connection:
    return db.db if isinstance(db, Store) else db


def deciding_sentence(title: str, text: str, terms: Sequence[str]) -> str | None:
    """The sentence holding the strongest sentiment term (evidence is strongest first); body
    sentences before the title, which the digest shows anyway."""
    document = f"{title}\n{text}"
    spans = sentence_spans(document)
    lowered = document.lower()
    for term in terms:
        needle = term.split("…")[-1].strip().lower()
        if not needle:
            continue
        found = [(a, b) for a, b in spans if needle in lowered[a:b]]
        body = [(a, b) for a, b in found if a >= len(title) and document[a:b].strip() != title.strip()]
        chosen = (body or found)[:1]
        if chosen:
            sentence = document[chosen[0][0]:chosen[0][1]].strip()
            if len(sentence) > MAX_SENTENCE:
                sentence = sentence[:MAX_SENTENCE].rsplit(" ", 1)[0] + " …"
            return sentence
    return None


def _items(db: sqlite3.Connection, start: datetime, end: datetime, negative: bool, limit: int,
           names: Mapping[str, str], topic_labels: Mapping[str, str],
           provinces: Sequence[str] | None = None) -> tuple[list[DigestItem], int]:
    """The window's relevant articles, negative or not, one per story: copies of a syndicated
    story collapse into its first item, which says how many outlets carried it. Returns the first
    ``limit`` items and how many stories there were."""
    rows = period.relevant_articles(db, start, end, negative, provinces)
    stories: dict[object, list[sqlite3.Row]] = {}
    for row in rows:
        key = row["cluster_id"] if row["cluster_id"] is not None else ("article", row["id"])
        stories.setdefault(key, []).append(row)
    items = []
    for copies in list(stories.values())[:limit]:
        row = min(copies, key=lambda r: (r["dated_at"], r["id"]))  # the first to publish it
        analysis = json.loads(row["analysis"]) if row["analysis"] else {}
        terms = tuple(dict.fromkeys((analysis.get("evidence") or {}).get("sentiment", {}).get("terms") or ()))
        title = row["title_norm"] or row["title"]
        sentence = None
        if negative:
            sentence = deciding_sentence(title, text_of(db, row["id"]) or "", terms)
        outlets = 1
        if row["cluster_id"] is not None:
            outlets = story_outlets(db, row["cluster_id"])
        dated = parse_iso(row["dated_at"])
        assert dated is not None
        items.append(DigestItem(
            id=row["id"], title=title, url=row["url"], source_id=row["source_id"],
            source_name=names.get(row["source_id"], row["source_id"]),
            kind_label=KIND_LABELS.get(row["source_kind"], row["source_kind"]), dated_at=dated,
            relevance=row["relevance"], sentiment=row["sentiment"],
            topics=tuple(topic_labels.get(slug, slug) for slug in analysis.get("topics") or ()),
            sentence=sentence, terms=terms, outlets=max(1, outlets),
            provinces=_named(analysis, row["relevance"]),
        ))
    return items, len(stories)


def _named(analysis: dict[str, object], grade: str) -> tuple[str, ...]:
    """The provinces an article concerns at ``grade`` (all it concerns when none is at it)."""
    concerned = provinces_of(analysis)
    return tuple(name for name, level in concerned.items() if level == grade) or tuple(concerned) or ("Lai Châu",)


def _stories(db: sqlite3.Connection, start: datetime, end: datetime, names: Mapping[str, str]) -> list[Story]:
    stories = []
    for row in period.stories(db, start, end, MAX_STORIES):
        original = period.story_original(db, row["original_id"])
        if original is None:
            continue
        sources = tuple(names.get(s, s) for s in sorted((row["sources"] or "").split(",")) if s)
        stories.append(Story(title=original["title_norm"] or original["title"], url=original["url"],
                             article_id=original["id"], outlets=row["outlets"], copies=row["copies"],
                             sources=sources[:5], sentiment=original["sentiment"]))
    return stories


def _rising(today: Counter[str], history: list[Counter[str]], kind: str,
            labels: Mapping[str, str]) -> list[Rising]:
    found = []
    for key, count in today.items():
        average = sum(day.get(key, 0) for day in history) / max(1, len(history))
        if count >= 2 and count >= 2 * average + 1:
            found.append(Rising(kind, labels.get(key, key), count, round(average, 1)))
    found.sort(key=lambda r: (-(r.count - r.average), r.label))
    return found


def _source_problems(db: sqlite3.Connection, end: datetime, silent_days: int,
                     sources: Sequence[Source], names: Mapping[str, str]) -> list[SourceProblem]:
    """From the health table as it is now: failing sources (last run failed) and silent ones (runs
    succeed but bring no new article for ``silent_days``). Disabled sources are left out."""
    disabled = {source.id for source in sources if not source.enabled}
    known = {source.id for source in sources}
    problems = []
    for source_id, state in sorted(health(db).items()):
        if source_id in disabled or (known and source_id not in known):
            continue
        name = names.get(source_id, source_id)
        if state.consecutive_failures > 0:
            problems.append(SourceProblem(source_id, name, "failing", state.consecutive_failures, state.last_error,
                                          state.last_success_at))
            continue
        newest = state.last_new_article_at
        if state.runs > 0 and (newest is None or newest < end - timedelta(days=silent_days)):
            problems.append(SourceProblem(source_id, name, "silent", 0, None, newest))
    problems.sort(key=lambda p: (p.problem != "failing", -p.failures, p.name))
    return problems


def _never_ran(db: sqlite3.Connection, sources: Sequence[Source]) -> tuple[str, ...]:
    """Enabled sources that have not been crawled once: nothing is known of their health."""
    ran = {source_id for source_id, state in health(db).items() if state.runs > 0}
    return tuple(sorted(source.name for source in sources if source.enabled and source.id not in ran))


def build_digest(db: sqlite3.Connection | Store, day: date, settings: Settings, *,
                 sources: Sequence[Source] = (), topic_labels: Mapping[str, str] | None = None,
                 provinces: Sequence[str] | None = None) -> Digest:
    """Gather the digest of ``day`` (its local date) from the store. ``provinces``: the followed
    provinces it covers (None: all of them, ``settings.province``); with several, it counts each; with
    a part of them, only their articles are listed."""
    chosen = tuple(provinces or settings.province)
    only = None if set(settings.province) <= set(chosen) else chosen
    connection = _connection(db)
    if connection.row_factory is None:
        connection.row_factory = sqlite3.Row
    names = {source.id: source.name for source in sources}
    labels = dict(topic_labels or {})
    start, end = window(day, settings)
    counts = period.relevance_counts(connection, start, end)
    history_windows = [(start - timedelta(days=n), end - timedelta(days=n)) for n in range(1, HISTORY_DAYS + 1)]
    history = [period.relevance_counts(connection, a, b) for a, b in history_windows]
    volume = [DayVolume(day - timedelta(days=n), c["about"], c["mention"])
              for n, c in reversed(list(enumerate([counts, *history[:HISTORY_DAYS - 1]])))]
    topics = period.topic_counts(connection, start, end)
    places = period.place_counts(connection, start, end)
    topic_history = [period.topic_counts(connection, a, b) for a, b in history_windows]
    place_history = [period.place_counts(connection, a, b) for a, b in history_windows]
    sentiment_rows = period.sentiment_counts(connection, start, end)
    sentiments = {label: 0 for label in SENTIMENTS}
    for label, count in sentiment_rows:
        sentiments[label] = sentiments.get(label, 0) + count
    kind_rows = period.kind_counts(connection, start, end)
    kinds = sorted(((KIND_LABELS.get(kind, kind), count) for kind, count in kind_rows), key=lambda x: (-x[1], x[0]))
    negative, negative_total = _items(connection, start, end, True, MAX_NEGATIVE, names, labels, only)
    others, others_total = _items(connection, start, end, False, MAX_OTHER, names, labels, only)
    for name in chosen:
        places.pop(name, None)  # the province itself is in every relevant article: never "new"
    by_province = period.province_counts(connection, start, end) if len(chosen) > 1 else {}
    rising = _rising(topics, topic_history, "topic", labels) + _rising(places, place_history, "place", {})
    rising.sort(key=lambda r: (-(r.count - r.average), r.label))
    return Digest(
        day=day, start=start, end=end, subject=subject(day, chosen), provinces=chosen,
        per_province=[(name, by_province[name]["about"] if name in by_province else 0,
                       by_province[name]["mention"] if name in by_province else 0)
                      for name in chosen if len(chosen) > 1],
        crawled=sum(counts.values()), about=counts["about"], mention=counts["mention"],
        average_about=round(sum(c["about"] for c in history) / HISTORY_DAYS, 1),
        average_mention=round(sum(c["mention"] for c in history) / HISTORY_DAYS, 1),
        volume=volume,
        topics=sorted(((labels.get(slug, slug), n) for slug, n in topics.items()), key=lambda x: (-x[1], x[0])),
        sentiments=sentiments, kinds=kinds,
        negative=negative, others=others, negative_total=negative_total, others_total=others_total,
        stories=_stories(connection, start, end, names),
        rising=rising[:MAX_RISING],
        source_problems=_source_problems(connection, end, settings.digest_silent_days, sources, names),
        web_base_url=settings.web_base_url, recipients=list(settings.digest_recipients),
        never_ran=_never_ran(connection, sources),
        trends=_trends(connection, start, end),
    )


def _trends(db: sqlite3.Connection, start: datetime, end: datetime) -> list[TrendItem]:
    """What the trend rules raised in the window, newest first (``trends.reads``)."""
    found = []
    for event in events(db, start, MAX_TRENDS, until=end):
        items = event.document.get("items") or [{}]
        found.append(TrendItem(signal=SIGNAL_LABELS.get(event.signal, event.signal), what=what_rose(event.document),
                               raised_at=event.raised_at, url=items[0].get("url"),
                               series=tuple(count for _, count in event.series)))
    return found
