"""Replayable streams of real articles, to measure how early and how falsely the trend rules fire.

A stream gives real articles (``baomoi_dev``/``baomoi_more``: title and text, analysed for real)
publication times: background news arrives as a Poisson process whose rate follows the hour of day
and the weekday (quiet nights and weekends), each article from one of ``outlets`` sources, each
article used once. Into it are injected, at known times:

- spreading stories: one real Lai Châu article carried by several outlets, its copies spaced over a
  few hours, each copy's text changed a little (the outlet's byline line; its sketch is recomputed,
  so clustering decides for real whether the copies are one story);
- place bursts: several distinct real articles naming one commune, within a few hours.

``replay`` stores the stream in a real ``Store`` as crawls would (every ``crawl_every`` the articles
published since the last crawl, fetched then), runs ``trends.update.update`` after each crawl at that
simulated moment, and scores what was raised: detection delay per injection (from the moment the
rule's condition became true, i.e. the ``min_outlets``-th copy or ``min_count``-th burst article, and
from the injection's first item) and false alarms (raised items matching no injection) per
simulated week. Pure logic over the kernel and ``analysis``: the tests and ``bench/trends.py`` use it.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from analysis.fingerprint import sketch
from analysis.pipeline import Analysis, Analyzer
from presswatch.models import Article
from presswatch.store import Store
from presswatch.store.articles import links
from presswatch.times import VIETNAM
from trends.update import Context, update

# Relative arrival rate by hour of day in Vietnam (a provincial press day: morning and afternoon
# peaks, quiet nights) and by weekday (Monday 0 … Sunday 6).
HOURLY = (0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.0, 1.6, 1.9, 1.8, 1.6, 1.3, 1.0, 1.1, 1.5, 1.7, 1.6, 1.3,
          1.0, 0.9, 0.8, 0.6, 0.4, 0.25)
WEEKLY = (1.1, 1.1, 1.1, 1.1, 1.05, 0.8, 0.75)


@dataclass(frozen=True)
class Item:
    """One analysed real article, ready to be published by any outlet at any time."""

    title: str
    text: str
    analysis: Analysis


@dataclass(frozen=True)
class Publication:
    at: datetime
    source_id: str
    title: str
    text: str
    analysis: Analysis
    injection: int | None = None  # the index of the injection it belongs to


@dataclass(frozen=True)
class Injection:
    kind: str  # story | burst
    key: str  # burst: the place; story: the original's title
    times: tuple[datetime, ...]  # of its items, in order
    titles: frozenset[str] = frozenset()  # of its items


@dataclass
class Stream:
    start: datetime
    end: datetime
    publications: list[Publication]
    injections: list[Injection]

    @property
    def weeks(self) -> float:
        return (self.end - self.start) / timedelta(days=7)


@dataclass
class Pools:
    """Real articles, analysed, split by what a stream uses them for (each used once)."""

    background: list[Item]
    stories: list[Item]  # about Lai Châu: spread as injected stories
    bursts: dict[str, list[Item]]  # place → distinct articles naming it: injected bursts


def pools(records: Iterable[dict[str, str]], analyzer: Analyzer, *, places: int = 3, burst_size: int = 5,
          stories: int = 8) -> Pools:
    """Analyse ``records`` (``title``, ``text``) and set aside articles about Lai Châu for stories and,
    for the ``places`` places named by the most distinct articles, ``burst_size`` of those for bursts;
    the rest (the province's other articles included) is background."""
    items = [Item(r["title"], r["text"], analyzer.analyze(r["title"], r["text"])) for r in records]
    about = [item for item in items if item.analysis.relevance.grade == "about"][:stories]
    taken = {id(item) for item in about}
    named: dict[str, list[Item]] = {}
    for item in items:
        if id(item) in taken:
            continue
        for named_place in item.analysis.places:
            if named_place.name != "Lai Châu":
                named.setdefault(named_place.name, []).append(item)
    bursts: dict[str, list[Item]] = {}
    for place, holders in sorted(named.items(), key=lambda pair: (-len(pair[1]), pair[0])):
        free = [item for item in holders if id(item) not in taken][:burst_size]
        if len(bursts) < places and len(free) == burst_size:
            bursts[place] = free
            taken.update(id(item) for item in free)
    return Pools([item for item in items if id(item) not in taken], about, bursts)


def copy_of(item: Item, source_id: str, number: int) -> tuple[str, Analysis]:
    """An outlet's copy of ``item``: its own byline line first; the sketch recomputed from it."""
    text = f"({source_id.upper()}) – Theo phóng viên thường trú, bản tin số {number}.\n{item.text}"
    return text, replace(item.analysis, sketch=sketch(text))


def copies_of(item: Item, sources: Sequence[str], times: Sequence[datetime]) -> list[Article]:
    """``item`` published by each of ``sources`` at the matching time (each copy its own byline)."""
    made = []
    for number, (source_id, at) in enumerate(zip(sources, times, strict=True)):
        text, analysis = copy_of(item, source_id, number)
        made.append(Article(url=f"https://{source_id}.example.vn/bai-{number}.html", source_id=source_id,
                            title=item.title, text=text, published_at=at, fetched_at=at, analysis=analysis))
    return made


def build_stream(background: Sequence[Item], stories: Sequence[Item], bursts: dict[str, Sequence[Item]], *,
                 start: datetime, days: int, per_hour: float, outlets: int = 30, story_outlets: int = 7,
                 story_spread_hours: float = 5.0, burst_size: int = 5, burst_spread_hours: float = 8.0,
                 quiet_days: int = 8, seed: int = 7) -> Stream:
    """A stream of ``days`` days from ``start`` with ``per_hour`` background articles per hour on
    average. Injections are placed after ``quiet_days`` (the baseline first learns a quiet stretch),
    one story every other day and one burst per place in ``bursts``, at random hours."""
    rng = random.Random(seed)
    pool = list(background)
    rng.shuffle(pool)
    sources = [f"bao-{number:02d}" for number in range(outlets)]
    publications: list[Publication] = []
    hour = start
    end = start + timedelta(days=days)
    while hour < end:
        local = hour.astimezone(VIETNAM)
        rate = per_hour * HOURLY[local.hour] * WEEKLY[local.weekday()]
        for _ in range(_poisson(rng, rate)):
            if not pool:
                raise ValueError("không đủ bài nền cho luồng này: giảm per_hour hoặc số ngày")
            item = pool.pop()
            publications.append(Publication(hour + timedelta(seconds=rng.uniform(0, 3600)), rng.choice(sources),
                                            item.title, item.text, item.analysis))
        hour += timedelta(hours=1)
    injections: list[Injection] = []
    story_days = list(range(quiet_days, days - 1, 2))
    for day, item in zip(story_days, stories, strict=False):
        first = start + timedelta(days=day, hours=rng.uniform(6, 18))
        times = sorted(first + timedelta(hours=rng.uniform(0, story_spread_hours)) for _ in range(story_outlets - 1))
        times = [first, *times]
        chosen = rng.sample(sources, story_outlets)
        index = len(injections)
        for copy, (at, source_id) in enumerate(zip(times, chosen, strict=True)):
            text, analysis = copy_of(item, source_id, copy)
            publications.append(Publication(at, source_id, item.title, text, analysis, index))
        injections.append(Injection("story", item.title, tuple(times), frozenset({item.title})))
    burst_days = list(range(quiet_days + 1, days - 1, 2))
    for day, (place, items) in zip(burst_days, bursts.items(), strict=False):
        first = start + timedelta(days=day, hours=rng.uniform(6, 14))
        times = sorted(first + timedelta(hours=rng.uniform(0, burst_spread_hours)) for _ in range(burst_size - 1))
        times = [first, *times]
        index = len(injections)
        for at, item in zip(times, items, strict=False):
            publications.append(Publication(at, rng.choice(sources), item.title, item.text, item.analysis, index))
        injections.append(Injection("burst", place, tuple(times[:len(items)]),
                                    frozenset(item.title for item in items)))
    publications.sort(key=lambda p: p.at)
    return Stream(start, end, publications, injections)


def _poisson(rng: random.Random, rate: float) -> int:
    """A Poisson draw (Knuth's method: the rates here are small)."""
    limit, product, count = pow(2.718281828459045, -rate), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


@dataclass
class Scores:
    delays: list[float] = field(default_factory=list)  # hours from the condition becoming true
    delays_from_start: list[float] = field(default_factory=list)  # hours from the injection's first item
    missed: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)
    weeks: float = 1.0

    @property
    def median(self) -> float | None:
        return statistics.median(self.delays) if self.delays else None

    @property
    def p95(self) -> float | None:
        if not self.delays:
            return None
        ordered = sorted(self.delays)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def false_per_week(self) -> float:
        return len(self.false_alarms) / self.weeks if self.weeks else 0.0


def replay(store: Store, stream: Stream, context: Context, *, crawl_every: timedelta = timedelta(minutes=30),
           on_crawl: Callable[[datetime], None] | None = None) -> list[tuple[datetime, str, str, list[int]]]:
    """Store ``stream`` crawl by crawl and update the trends after each; returns what was raised:
    (when, rule id, subject, article ids behind it)."""
    raised: list[tuple[datetime, str, str, list[int]]] = []
    pending = iter(stream.publications)
    upcoming = next(pending, None)
    now = stream.start
    number = 0
    while now <= stream.end:
        batch: list[Article] = []
        while upcoming is not None and upcoming.at <= now:
            number += 1
            batch.append(Article(url=f"https://{upcoming.source_id}.example.vn/bai/{number}.html",
                                 source_id=upcoming.source_id, source_kind="press", title=upcoming.title,
                                 text=upcoming.text, published_at=upcoming.at, fetched_at=now,
                                 analysis=upcoming.analysis))
            upcoming = next(pending, None)
        if batch:
            store.add_articles(batch)
        outcome = update(store, context, now=now)
        for item in outcome.raised:
            event = next(r for r in outcome.rising if r.subject == item.subject and r.rule.id == item.rule_id)
            raised.append((now, item.rule_id, item.subject, list(event.items)))
        if on_crawl is not None:
            on_crawl(now)
        now += crawl_every
    return raised


def score(stream: Stream, raised: list[tuple[datetime, str, str, list[int]]], store: Store,
          min_outlets: int, min_count: int) -> dict[str, Scores]:
    """Delays and false alarms per signal (``story``, ``burst``). A raised item belongs to the
    injection whose articles are behind it; a second item raised by the same injection (its
    province-wide ``Lai Châu`` count rising with a commune's) is neither a detection nor a false alarm."""
    by_signal = {"story": Scores(weeks=stream.weeks), "burst": Scores(weeks=stream.weeks)}
    matched: set[int] = set()
    for at, rule_id, subject, items in raised:
        signal = "story" if subject.startswith("story:") else "burst"
        titles = {row["title"] for row in links(store.db, items)}
        hit = next((index for index, injection in enumerate(stream.injections)
                    if injection.titles & titles and injection.times[0] <= at), None)
        if hit is None:
            by_signal[signal].false_alarms.append(f"{rule_id} {subject} {at.isoformat()}")
            continue
        if hit in matched:
            continue
        matched.add(hit)
        injection = stream.injections[hit]
        needed = min_outlets if injection.kind == "story" else min_count
        onset = injection.times[min(needed, len(injection.times)) - 1]
        by_signal[injection.kind].delays.append(max(0.0, (at - onset) / timedelta(hours=1)))
        by_signal[injection.kind].delays_from_start.append((at - injection.times[0]) / timedelta(hours=1))
    for index, injection in enumerate(stream.injections):
        if index not in matched:
            when = injection.times[0].isoformat()
            by_signal[injection.kind].missed.append(f"{injection.kind} {injection.key} {when}")
    return by_signal
