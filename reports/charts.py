"""The report's charts as PNG, drawn with matplotlib (Agg, no display): relevant items by kind of
outlet in the period, the one before and a year before; and the period's sentiment.

Each chart repeats figures that are also in the report's tables as text, so the document reads the
same printed in black and white. Labels are Vietnamese (DejaVu Sans, bundled with matplotlib, has
the diacritics).
"""

from __future__ import annotations

import io
import textwrap

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402  (after choosing the backend)
from matplotlib.ticker import MaxNLocator  # noqa: E402

from presswatch.config import KIND_LABELS  # noqa: E402
from presswatch.labels import SENTIMENT_LABELS, capitalized  # noqa: E402
from reports.content import Report  # noqa: E402

COLORS = ("#1e40af", "#93b2e6", "#cbd5e1")
SENTIMENT_COLORS = {"negative": "#c81e1e", "neutral": "#94a3b8", "positive": "#168c46"}
DPI = 150


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    return buffer.getvalue()


def kinds_chart(kinds: list[str], series: list[tuple[str, dict[str, int]]]) -> bytes:
    """Grouped bars: for each kind of outlet, one bar per ``(label, counts)`` of ``series``."""
    figure = Figure(figsize=(6.4, 2.6))
    axes = figure.add_subplot()
    width = 0.8 / max(1, len(series))
    for index, (label, counts) in enumerate(series):
        positions = [k + index * width - 0.4 + width / 2 for k in range(len(kinds))]
        axes.bar(positions, [counts.get(kind, 0) for kind in kinds], width, label=label,
                 color=COLORS[index % len(COLORS)])
    axes.set_xticks(range(len(kinds)), [textwrap.fill(capitalized(KIND_LABELS.get(kind, kind)), 14) for kind in kinds],
                  fontsize=8)
    axes.set_ylabel("Số tin, bài", fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=7, frameon=False)
    return _png(figure)


def sentiment_chart(counts: dict[str, int]) -> bytes:
    """Horizontal bars, one per sentiment."""
    keys = ("negative", "neutral", "positive")
    figure = Figure(figsize=(6.4, 1.4))
    axes = figure.add_subplot()
    axes.barh([capitalized(SENTIMENT_LABELS[key]) for key in keys], [counts.get(key, 0) for key in keys],
              color=[SENTIMENT_COLORS[key] for key in keys])
    axes.tick_params(labelsize=8)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.invert_yaxis()
    return _png(figure)


def report_charts(report: Report) -> dict[str, bytes]:
    """The template's images: ``chart_kinds`` and ``chart_sentiment``."""
    now, previous, year = report.current, report.previous, report.year_before
    kinds = [kind for kind in KIND_LABELS if any(kind in f.by_kind for f in (now, previous, year))]
    return {
        "chart_kinds": kinds_chart(kinds or ["press"], [("Kỳ này", now.by_kind), ("Kỳ trước", previous.by_kind),
                                                        ("Cùng kỳ năm trước", year.by_kind)]),
        "chart_sentiment": sentiment_chart(report.sentiment),
    }
