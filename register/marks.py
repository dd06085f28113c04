"""The detectors' marks of stored articles (``register_marks``, with the detector version), made when
an article is stored and kept.

- ``mark_stored``: the crawl's store hook (``crawler.pipelines.StorePipeline``) marks each new
  article (comments excepted) in its own transaction, so the indicators find it marked;
- ``classify``: the indicators' read. Marks of the current ``register.detect.VERSION`` are read;
  only the articles that lack one (stored before marking at ingest, or whose detectors failed at
  ingest, or marked by an older detector) are classified, and their marks kept;
- ``refresh``: ``presswatch reanalyze`` (wired by the shell) re-marks the articles of each batch
  whose mark is of an older detector version, in the batch's transaction.

The detectors are pure (``register.detect``); a failure of theirs at ingest is reported, never
raised: the article is stored all the same and classified when the indicators first need it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from presswatch.store.articles import texts
from register import detect, tables

BATCH = 500  # texts read and classified at a time
UNMARKED = ("comment",)  # content types the register never counts


def mark(title: str, text: str) -> tables.Mark:
    """What both detectors say of an item."""
    credit = detect.attribution(title, text)
    return tables.Mark(detect.genre(title, text), credit.label, credit.outlets)


def mark_stored(db: sqlite3.Connection, article_id: int, title: str, text: str, content_type: str) -> str | None:
    """Mark a newly stored article inside its transaction. Returns why the detectors failed (the
    article is then left unmarked), None otherwise; a storage failure is raised."""
    if content_type in UNMARKED:
        return None
    try:
        found = mark(title, text)
    except Exception as exc:  # a detector bug must not lose the article: the indicators mark it later
        return f"{type(exc).__name__}: {exc}"
    tables.save_marks(db, {article_id: found}, detect.VERSION)
    return None


def classify(db: sqlite3.Connection, article_ids: Sequence[int]) -> dict[int, tables.Mark]:
    """The marks of these articles: those stored by the current detector, the others computed and
    stored (in the caller's transaction)."""
    found = tables.marks(db, article_ids, detect.VERSION)
    missing = [i for i in article_ids if i not in found]
    for start in range(0, len(missing), BATCH):
        new = {article_id: mark(title, text)
               for article_id, (title, text) in texts(db, missing[start:start + BATCH]).items()}
        tables.save_marks(db, new, detect.VERSION)
        found.update(new)
    return found


def refresh(db: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> int:
    """Re-mark the articles among ``rows`` (``id``, ``title`` and ``text`` as extracted,
    ``content_type``) whose stored mark is of an older detector version; how many. Articles never
    marked are left to ``classify``."""
    versions = tables.mark_versions(db, [int(row["id"]) for row in rows])
    stale = {int(row["id"]): mark(row["title"], row["text"]) for row in rows
             if versions.get(int(row["id"]), detect.VERSION) != detect.VERSION and row["content_type"] not in UNMARKED}
    tables.save_marks(db, stale, detect.VERSION)
    return len(stale)
