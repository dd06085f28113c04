"""Charts as server-rendered inline SVG, and the per-day series they draw.

No JavaScript, nothing inline for the CSP to allow. Labels are escaped (source ids and place names
come from crawled data)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from markupsafe import Markup, escape

from presswatch.times import local_short

COLOR = "#1d5fa8"
MUTED = "#6b7785"


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def _columns(counts: list[int], titles: list[str], width: int, plot: float) -> list[str]:
    """One vertical bar per count, side by side across ``width``, scaled to the highest into ``plot``
    pixels; each with its (escaped) title."""
    top = max(counts) or 1
    step = width / len(counts)
    bar = max(1.0, step * 0.8)
    parts = []
    for index, (count, title) in enumerate(zip(counts, titles, strict=True)):
        h = plot * count / top
        x = index * step + (step - bar) / 2
        parts.append(f'<rect x="{x:.1f}" y="{plot - h:.1f}" width="{bar:.1f}" height="{h:.1f}" fill="{COLOR}">'
                     f"<title>{escape(title)}</title></rect>")
    return parts


def day_bars(days: list[tuple[str, int]], width: int = 640, height: int = 120) -> Markup:
    """Vertical bars, one per day (``YYYY-MM-DD``, count), with the first and last day labelled."""
    if not days:
        return Markup("")
    top = max(count for _, count in days) or 1
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-label="Số bài theo ngày" xmlns="http://www.w3.org/2000/svg">']
    parts += _columns([count for _, count in days],
                      [f"{day[8:10]}/{day[5:7]}/{day[:4]}: {_number(count)} bài" for day, count in days],
                      width, height - 18)
    first, last = days[0][0], days[-1][0]
    parts.append(f'<text x="0" y="{height - 3}" font-size="11" fill="{MUTED}">'
                 f'{escape(first[8:10] + "/" + first[5:7])}</text>')
    parts.append(f'<text x="{width}" y="{height - 3}" font-size="11" fill="{MUTED}" text-anchor="end">'
                 f"{escape(last[8:10] + '/' + last[5:7])}</text>")
    parts.append(f'<text x="{width / 2}" y="{height - 3}" font-size="11" fill="{MUTED}" text-anchor="middle">'
                 f"cao nhất {_number(top)} bài/ngày</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def bars(items: list[tuple[str, int]], width: int = 380, row: int = 22,
         colors: dict[str, str] | None = None) -> Markup:
    """Horizontal bars: (label, count) per row, label on the left, count on the right."""
    if not items:
        return Markup('<p class="muted">Không có dữ liệu.</p>')
    top = max(count for _, count in items) or 1
    label_width, count_width = 160, 50
    plot = width - label_width - count_width
    height = row * len(items)
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg">']
    for index, (label, count) in enumerate(items):
        y = index * row
        w = max(1.0, plot * count / top)
        color = (colors or {}).get(label, COLOR)
        short = label if len(label) <= 24 else label[:23] + "…"
        parts.append(f'<text x="{label_width - 6}" y="{y + row * 0.68:.1f}" font-size="12" text-anchor="end" '
                     f'fill="#1f2933"><title>{escape(label)}</title>{escape(short)}</text>')
        parts.append(f'<rect x="{label_width}" y="{y + 4}" width="{w:.1f}" height="{row - 8}" rx="2" fill="{color}"/>')
        parts.append(f'<text x="{label_width + w + 6:.1f}" y="{y + row * 0.68:.1f}" font-size="12" '
                     f'fill="{MUTED}">{_number(count)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def filled_days(per_day: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Per-day counts with the missing days between the first and the last as zeros."""
    if not per_day:
        return []
    counts = dict(per_day)
    first, last = date.fromisoformat(per_day[0][0]), date.fromisoformat(per_day[-1][0])
    if (last - first).days > 3660:
        return per_day
    days = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
    return [(day, counts.get(day, 0)) for day in days]


def hour_bars(series: list[tuple[str, int]], width: int = 320, height: int = 64) -> Markup:
    """A small chart of hourly counts (UTC hour buckets ``YYYY-MM-DDTHH``, or observations
    ``YYYY-MM-DDTHH:MM``), labelled in Vietnam time at both ends."""
    if not series:
        return Markup("")
    top = max(count for _, count in series) or 1
    parts = [f'<svg class="chart spark" viewBox="0 0 {width} {height}" width="{width}" role="img" '
             f'aria-label="Diễn biến theo giờ" xmlns="http://www.w3.org/2000/svg">']
    parts += _columns([count for _, count in series],
                      [f"{local_short(_moment(moment))}: {_number(count)}" for moment, count in series],
                      width, height - 16)
    parts.append(f'<text x="0" y="{height - 3}" font-size="10" fill="{MUTED}">'
                 f"{escape(local_short(_moment(series[0][0])))}</text>")
    parts.append(f'<text x="{width}" y="{height - 3}" font-size="10" fill="{MUTED}" text-anchor="end">'
                 f"{escape(local_short(_moment(series[-1][0])))} · cao nhất {_number(top)}</text>")
    parts.append("</svg>")
    return Markup("".join(parts))


def _moment(key: str) -> datetime:
    """A UTC hour bucket or a stamp cut to the minute, as an aware moment."""
    text = key if len(key) > 13 else key + ":00"
    return datetime.strptime(text[:16], "%Y-%m-%dT%H:%M").replace(tzinfo=UTC)
