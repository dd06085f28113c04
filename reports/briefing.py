"""The press-briefing pack ("Tài liệu phục vụ họp báo, giao ban báo chí") of a period: the main issues
(the stories most outlets carried, then the negative items), each outlet's coverage of the province
(relevant and negative items per source), the questions the press raised (relevant items whose
title asks a question: a heuristic, named as such in the document), and suggested points of
guidance, one per main issue, as editable placeholders the office writes. Rendered from
``config/briefing.docx`` like the report; every count is read from the store."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from presswatch.labels import SENTIMENT_LABELS
from presswatch.store import period as store_period
from presswatch.times import local, parse_iso
from reports.content import Report, number
from reports.period import Period

TEMPLATE_NAME = "briefing.docx"
MAX_QUESTIONS = 30
MAX_ISSUES = 8


def briefing_context(db: sqlite3.Connection, period: Period, report: Report,
                     source_names: Mapping[str, str], provinces: Sequence[str] | None = None) -> dict[str, Any]:
    """The briefing template's values (``provinces``: as ``build_report``'s)."""
    start, end = period.bounds
    issues = [{"title": s.title, "url": s.url, "detail": f"{number(s.outlets)} cơ quan, trang đăng, "
                                                         f"{number(s.copies)} tin, bài; sắc thái "
                                                         f"{SENTIMENT_LABELS.get(s.sentiment or 'neutral', '')}"}
              for s in report.stories[:MAX_ISSUES]]
    seen = {issue["url"] for issue in issues}
    for item in report.negatives:
        if len(issues) >= MAX_ISSUES:
            break
        if item.url not in seen:
            issues.append({"title": item.title, "url": item.url,
                           "detail": f"tin, bài tiêu cực; {source_names.get(item.source_id, item.source_id)}, "
                                     f"{item.dated}"})
    outlets = [{"name": source_names.get(source, source), "relevant": number(relevant), "negative": number(negative)}
               for source, relevant, negative in store_period.source_counts(db, start, end, provinces)]
    questions = [{"title": row["title"], "url": row["url"],
                  "source": source_names.get(row["source_id"], row["source_id"]),
                  "dated": local(parse_iso(row["dated_at"]))}
                 for row in store_period.question_titles(db, start, end, MAX_QUESTIONS, provinces)]
    return {"period": period.label, "span": period.span, "relevant": number(report.current.relevant),
            "negative": number(report.current.negative), "issues": [{**issue, "index": str(i)}
                                                                    for i, issue in enumerate(issues, 1)],
            "outlets": outlets, "questions": questions}
