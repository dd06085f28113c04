"""What a periodic report says, every figure a count from the store.

``build_report`` reads the period and the two it is compared with (``Period.previous`` and
``Period.year_before``) through ``presswatch.store.period`` and the cases' ``cases.reads.period_counts``;
it writes nothing. Section I "Tình hình thông tin": items about (``about``) or mentioning (``mention``)
the province by kind of outlet, topics, sentiment, the main stories with how many outlets carried
them, negative items, social networks. Section II "Kết quả xử lý": the cases. Section III "Đánh giá,
đề xuất" is the office's to write (placeholders in the template). The appendix lists the negative
items with their links. ``context`` turns a ``Report`` into the template's values, all Vietnamese text.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from cases.reads import PeriodCounts, period_counts
from presswatch.config import KIND_LABELS
from presswatch.labels import SENTIMENT_LABELS, capitalized
from presswatch.store import period as store_period
from presswatch.times import local, local_day, parse_iso
from reports.period import Period

RELEVANT = ("about", "mention")
SENTIMENTS = ("negative", "neutral", "positive")
MAX_STORIES = 10
MAX_APPENDIX = 500  # negative items listed with links; the count above it is always complete
SOCIAL = "social"


@dataclass(frozen=True)
class Figures:
    """One period's counts."""

    period: Period
    crawled: int  # every article dated in the period
    about: int
    mention: int
    by_kind: dict[str, int]  # relevant articles by source kind
    negative: int

    @property
    def relevant(self) -> int:
        return self.about + self.mention


@dataclass(frozen=True)
class StoryLine:
    title: str
    url: str
    outlets: int
    copies: int
    sentiment: str | None


@dataclass(frozen=True)
class NegativeItem:
    title: str
    url: str
    source_id: str
    kind: str
    dated: str  # Vietnam time, display format


@dataclass(frozen=True)
class Report:
    current: Figures
    previous: Figures
    year_before: Figures
    topics: list[tuple[str, int]]  # topic slug, relevant articles; most first
    sentiment: dict[str, int]  # relevant articles by sentiment
    stories: list[StoryLine]
    negatives: list[NegativeItem]  # the appendix (at most MAX_APPENDIX)
    social: int  # relevant items from social networks
    social_negative: int
    cases: PeriodCounts


def figures(db: sqlite3.Connection, period: Period, provinces: Sequence[str] | None = None) -> Figures:
    start, end = period.bounds
    relevance = store_period.relevance_counts(db, start, end, provinces)
    sentiment = dict(store_period.sentiment_counts(db, start, end, provinces))
    # Every article collected, whatever it concerns; the rest only those concerning ``provinces``.
    collected = relevance if provinces is None else store_period.relevance_counts(db, start, end)
    return Figures(period, sum(collected.values()), relevance.get("about", 0), relevance.get("mention", 0),
                   dict(store_period.kind_counts(db, start, end, provinces)), sentiment.get("negative", 0))


def build_report(db: sqlite3.Connection, period: Period, provinces: Sequence[str] | None = None) -> Report:
    """Everything the report of ``period`` says, read from the store. ``provinces``: only the
    articles concerning one of those followed provinces (None: every article; cases are never
    narrowed, they carry no province)."""
    start, end = period.bounds
    current = figures(db, period, provinces)
    topics = Counter(store_period.topic_counts(db, start, end, provinces))
    negatives = store_period.relevant_articles(db, start, end, negative=True, provinces=provinces)
    stories = []
    for row in store_period.stories(db, start, end, MAX_STORIES, provinces):
        original = store_period.story_original(db, row["original_id"])
        if original is not None:
            stories.append(StoryLine(original["title"], original["url"], row["outlets"], row["copies"],
                                     original["sentiment"]))
    items = [NegativeItem(row["title"], row["url"], row["source_id"], row["source_kind"],
                          local(parse_iso(row["dated_at"]))) for row in negatives[:MAX_APPENDIX]]
    return Report(
        current=current, previous=figures(db, period.previous(), provinces),
        year_before=figures(db, period.year_before(), provinces),
        topics=sorted(topics.items(), key=lambda item: (-item[1], item[0])),
        sentiment={key: value for key, value in store_period.sentiment_counts(db, start, end, provinces)},
        stories=stories, negatives=items,
        social=current.by_kind.get(SOCIAL, 0),
        social_negative=sum(1 for row in negatives if row["source_kind"] == SOCIAL),
        cases=period_counts(db, start, end, period.first, period.last),
    )


def number(value: int) -> str:
    """12345 → "12.345" (Vietnamese thousands separator)."""
    return f"{value:,}".replace(",", ".")


def change(now: int, before: int) -> str:
    """How ``now`` compares with ``before``: "tăng 5 (+25,0%)", "giảm 3 (−10,0%)", "không đổi"."""
    if now == before:
        return "không đổi"
    word = "tăng" if now > before else "giảm"
    if before == 0:
        return f"{word} {number(abs(now - before))}"
    percent = f"{abs(now - before) * 100 / before:.1f}".replace(".", ",")
    return f"{word} {number(abs(now - before))} ({'+' if now > before else '−'}{percent}%)"


def context(report: Report, *, topic_labels: Mapping[str, str], case_kinds: Mapping[str, str],
            action_labels: Mapping[str, str], source_names: Mapping[str, str], number_text: str = "",
            issued: date | None = None) -> dict[str, Any]:
    """The template's values (``config/report.docx``): every figure as text."""
    now, prev, year = report.current, report.previous, report.year_before
    kinds = [kind for kind in KIND_LABELS if any(kind in f.by_kind for f in (now, prev, year))]
    kinds += sorted({k for f in (now, prev, year) for k in f.by_kind} - set(kinds))
    relevant_total = now.relevant

    def share(value: int) -> str:
        return f"{value * 100 / relevant_total:.1f}%".replace(".", ",") if relevant_total else "—"

    cases = report.cases
    received = sum(cases.received.values())
    return {
        "number": number_text or "      ",
        "day": f"{issued.day:02d}" if issued else "     ",
        "month": f"{issued.month:02d}" if issued else "     ",
        "year": str(issued.year) if issued else str(now.period.last.year),
        "period": now.period.label,
        "span": now.period.span,
        "previous_span": prev.period.span,
        "year_span": year.period.span,
        "crawled": number(now.crawled),
        "relevant": number(now.relevant),
        "about": number(now.about),
        "mention": number(now.mention),
        "negative": number(now.negative),
        "negative_share": share(now.negative),
        "relevant_previous": number(prev.relevant),
        "relevant_year": number(year.relevant),
        "relevant_change": change(now.relevant, prev.relevant),
        "relevant_year_change": change(now.relevant, year.relevant),
        "negative_previous": number(prev.negative),
        "negative_change": change(now.negative, prev.negative),
        "kinds": [{"label": capitalized(KIND_LABELS.get(kind, kind)), "now": number(now.by_kind.get(kind, 0)),
                   "previous": number(prev.by_kind.get(kind, 0)),
                   "change": change(now.by_kind.get(kind, 0), prev.by_kind.get(kind, 0)),
                   "year": number(year.by_kind.get(kind, 0))} for kind in kinds],
        "topics": [{"label": capitalized(topic_labels.get(slug, slug)), "count": number(count), "share": share(count)}
                   for slug, count in report.topics],
        "sentiments": [{"label": capitalized(SENTIMENT_LABELS[key]), "count": number(report.sentiment.get(key, 0)),
                        "share": share(report.sentiment.get(key, 0))} for key in SENTIMENTS],
        "stories": [{"title": s.title, "url": s.url, "outlets": number(s.outlets), "copies": number(s.copies),
                     "sentiment": SENTIMENT_LABELS.get(s.sentiment or "neutral", "")} for s in report.stories],
        "social": number(report.social),
        "social_negative": number(report.social_negative),
        "has_cases": bool(received or cases.actions),
        "cases_received": number(received),
        "cases_finished": number(cases.finished),
        "cases_open": number(cases.still_open),
        "case_kinds": [{"label": case_kinds.get(kind, kind), "count": number(count)}
                       for kind, count in cases.received.items()],
        "case_actions": [{"label": capitalized(action_labels.get(kind, kind)), "count": number(count)}
                         for kind, count in cases.actions.items()],
        "negatives": [{"index": str(index), "title": item.title, "url": item.url,
                       "source": source_names.get(item.source_id, item.source_id), "dated": item.dated}
                      for index, item in enumerate(report.negatives, 1)],
        "negatives_more": (f"(và {number(now.negative - len(report.negatives))} bài khác, không liệt kê)"
                           if now.negative > len(report.negatives) else ""),
        "issued_day": local_day(issued) if issued else "",
    }
