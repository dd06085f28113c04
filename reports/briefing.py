"""The press-briefing pack ("Tài liệu phục vụ họp báo, giao ban báo chí") of a period: the main issues
(the stories most outlets carried, then the negative items), each outlet's coverage of the province
(relevant and negative items per source), the questions the press raised (the questions and
demands to the authorities found in the relevant items' text, each once with the outlets that
carried it: ``reports.questions``), and suggested points of
guidance, one per main issue, as editable placeholders the office writes. Rendered from
``config/briefing.docx`` like the report; every count is read from the store."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from presswatch.labels import SENTIMENT_LABELS
from presswatch.store import period as store_period
from presswatch.times import local
from reports.content import Report, number
from reports.period import Period
from reports.questions import MAX_QUESTIONS, raised_questions

TEMPLATE_NAME = "briefing.docx"
MAX_ISSUES = 8
MAX_OUTLETS_NAMED = 5  # a question carried by more outlets names these and counts the rest
QUESTION_KINDS = {"interview": "phỏng vấn", "direct": "câu hỏi của báo", "reported": "ý kiến người dân, dư luận"}


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
    questions = []
    for question in raised_questions(db, start, end, provinces, MAX_QUESTIONS):
        names = [source_names.get(copy.source_id, copy.source_id) for copy in question.copies]
        named = ", ".join(names[:MAX_OUTLETS_NAMED]) + (f" và {number(len(names) - MAX_OUTLETS_NAMED)} cơ quan, "
                                                           "trang khác" if len(names) > MAX_OUTLETS_NAMED else "")
        note = QUESTION_KINDS[question.kind] + ("; trong tin, bài tiêu cực" if question.negative else "")
        questions.append({"sentence": question.sentence, "kind": QUESTION_KINDS[question.kind], "note": note,
                          "url": question.first.url, "outlets": f"{number(question.outlets)}: {named}",
                          "source": names[0], "dated": local(question.first.dated)})
    return {"period": period.label, "span": period.span, "relevant": number(report.current.relevant),
            "negative": number(report.current.negative), "issues": [{**issue, "index": str(i)}
                                                                    for i, issue in enumerate(issues, 1)],
            "outlets": outlets, "questions": questions}
