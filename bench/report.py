"""Periodic report benchmark: a yearly report over a large store, wall time and peak memory.

On a COPY of a large store (``--db``; the 1M-article database of ``bench/search.py`` when it is
built; never the original: opening it applies the schema migrations, the cases tables included),
times the three steps of ``presswatch report --period YEAR`` separately: counting
(``reports.content.build_report``: the year, the year before — which is both "kỳ trước" and "cùng kỳ
năm trước" for a year — topics, sentiment, stories, negative items), the charts (matplotlib) and the
DOCX (docxtpl), then ``--pdf`` adds the LibreOffice conversion. The baseline, in the same run: one
``count(*)`` of the year's articles by date, the least any report of that year must read. Peak
memory is the process's maximum resident set (``ru_maxrss``), which includes SQLite's page cache.
Goal: a yearly report at 1M articles in ≤ 30 s.

Run:  .venv/bin/python bench/report.py --db /tmp/copy-of-1m.db [--year 2025] [--pdf] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import sqlite3
import statistics
import sys
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presswatch.store import Store  # noqa: E402
from presswatch.times import iso  # noqa: E402
from reports.charts import report_charts  # noqa: E402
from reports.content import build_report, context  # noqa: E402
from reports.document import TEMPLATE_NAME, render_docx, to_pdf  # noqa: E402
from reports.period import parse_period  # noqa: E402


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="a COPY of a large store")
    parser.add_argument("--year", default="2025")
    parser.add_argument("--pdf", action="store_true", help="also convert to PDF with LibreOffice")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    period = parse_period(args.year)
    start, end = period.bounds
    with Store(args.db) as store:  # migrations, not timed
        total = int(store.db.execute("SELECT count(*) FROM articles").fetchone()[0])
    print(f"store: {total:,} articles; report of {period.label} ({period.span})")
    print(f"memory before: {rss_mib():.0f} MiB peak RSS")
    baseline, counting, charts, docx, pdf = [], [], [], [], []
    size = 0
    for _ in range(args.repeat):
        with closing(sqlite3.connect(args.db)) as raw:
            began = time.perf_counter()
            year_articles = raw.execute("SELECT count(*) FROM articles WHERE dated_at >= ? AND dated_at < ?",
                                        (iso(start), iso(end))).fetchone()[0]
            baseline.append(time.perf_counter() - began)
        with Store(args.db) as store:
            began = time.perf_counter()
            report = build_report(store.db, period)
            counting.append(time.perf_counter() - began)
        began = time.perf_counter()
        images = report_charts(report)
        charts.append(time.perf_counter() - began)
        began = time.perf_counter()
        values = context(report, topic_labels={}, case_kinds={}, action_labels={}, source_names={})
        data = render_docx(ROOT / "config" / TEMPLATE_NAME, values, images)
        docx.append(time.perf_counter() - began)
        size = len(data)
        if args.pdf:
            began = time.perf_counter()
            size = len(to_pdf(data))
            pdf.append(time.perf_counter() - began)
    print(f"year's articles: {year_articles:,}; relevant {report.current.relevant:,}, negative "
          f"{report.current.negative:,} (appendix lists {len(report.negatives):,}), stories {len(report.stories)}")
    rows = [("baseline: count(*) of the year", baseline), ("counting (build_report)", counting),
            ("charts (matplotlib)", charts), ("DOCX (docxtpl)", docx)] + ([("PDF (LibreOffice)", pdf)] if pdf else [])
    for name, times in rows:
        print(f"  {name:<32} median {statistics.median(times):7.2f} s   max {max(times):7.2f} s")
    whole = [sum(step) for step in zip(counting, charts, docx, *([pdf] if pdf else []), strict=True)]
    print(f"  {'whole report':<32} median {statistics.median(whole):7.2f} s   max {max(whole):7.2f} s"
          f"   (goal ≤ 30 s at 1M articles); output {size:,} bytes")
    print(f"peak memory: {rss_mib():.0f} MiB RSS (process, SQLite cache included)")


if __name__ == "__main__":
    main()
