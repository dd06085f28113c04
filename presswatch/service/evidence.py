"""Evidence work of ``presswatch run`` and ``presswatch evidence``: captures from the queue, re-checks,
and the notices of what re-checks found.

- ``capture_request`` makes one queued capture: quota, then the Chromium driver
  (``presswatch.service.capture``), then files and rows (``evidence.records``). A refusal (internal
  address, quota) closes the request; a failure (network, time-out, Chromium crashed or killed) is
  recorded on it and retried later; nothing escapes to stop the service.
- ``recheck`` fetches due pages with plain HTTP (``evidence.fetch``, the address policy, no browser)
  and the crawler's extraction, several at once, and records what each found.
- ``notify`` hands edited, corrected and removed events to the alert channels of source-health
  notices (``alerts.outbox.queue_health``), until the cases capability tells a case's assignee.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cases.model import Case
from evidence import queue, rechecks, records
from evidence.changes import Seen, Version, classify
from evidence.fetch import Fetcher, PolicyRefusedError
from evidence.files import folder
from presswatch.config import Config, Settings
from presswatch.errors import CaptureFailed, CaptureRefused
from presswatch.netpolicy import AddressPolicy
from presswatch.service.capture import Limits, capture
from presswatch.store import Store
from presswatch.times import local

log = logging.getLogger("presswatch.evidence")
RECHECK_CONCURRENCY = 8
RECHECK_MAX_BYTES = 10_000_000


def evidence_root(settings: Settings) -> Path:
    return folder(settings.evidence_dir)


def policy(settings: Settings) -> AddressPolicy:
    return AddressPolicy.from_entries(settings.evidence_allow_internal)


def limits(settings: Settings) -> Limits:
    return Limits(timeout=settings.evidence_timeout, max_bytes=settings.evidence_max_bytes,
                  max_requests=settings.evidence_max_requests, max_height=settings.evidence_max_height)


def extract_article(html: str, url: str) -> tuple[str, str] | None:
    """The crawler's extraction, as the capture and the re-checks compare pages by it."""
    from crawler.extract import extract

    found = extract(html, url)
    return None if found is None else (found.title, found.text)


def quota_message(used: int, quota: int) -> str | None:
    """Why a new capture is refused for disk use, or None."""
    if quota and used >= quota:
        return (f"đã dùng hết hạn mức lưu bằng chứng ({used / 1e9:.2f} GB / {quota / 1e9:.2f} GB, "
                "evidence_quota_bytes): không lưu bằng chứng mới; tăng hạn mức hoặc chuyển bớt tệp")
    return None


def _metadata(store: Store, article_id: int | None) -> dict[str, Any] | None:
    """The stored article's metadata (a social post's author, time, engagement…), kept in the manifest."""
    if article_id is None:
        return None
    article = store.article(article_id)
    if article is None:
        return None
    return {"article_id": article.id, "url": article.url, "source_id": article.source_id,
            "source_kind": article.source_kind, "content_type": article.content_type, "title": article.title_original,
            "author": article.author,
            "published_at": article.published_at.isoformat() if article.published_at else None,
            "fetched_at": article.fetched_at.isoformat(), "engagement": article.engagement,
            "description": article.description, "image": article.image}


@dataclass(frozen=True)
class Outcome:
    request_id: int
    status: str  # done | pending (failed, will retry) | failed (no attempts left) | refused | skipped
    message: str
    capture_id: int | None = None


def capture_request(store: Store, request_id: int, settings: Settings) -> Outcome:
    """Make the capture of one queued request, now (see the module docstring)."""
    now = datetime.now(UTC)
    with store.transaction() as conn:
        item = queue.request(conn, request_id)
        if item is None or item.status != "pending" or not queue.claim(conn, request_id, now):
            return Outcome(request_id, "skipped", "yêu cầu không còn chờ")
        refused = quota_message(records.bytes_used(conn), settings.evidence_quota_bytes)
        if refused is not None:
            queue.refuse(conn, request_id, refused)
            return Outcome(request_id, "refused", refused)
    metadata = _metadata(store, item.article_id)
    try:
        made = capture(item.url, policy=policy(settings), limits=limits(settings), user_agent=settings.user_agent,
                       extractor=extract_article, metadata=metadata)
    except CaptureRefused as exc:
        with store.transaction() as conn:
            queue.refuse(conn, request_id, str(exc))
        return Outcome(request_id, "refused", str(exc))
    except CaptureFailed as exc:
        with store.transaction() as conn:
            status = queue.failed(conn, request_id, str(exc), settings.evidence_attempts)
        return Outcome(request_id, status, str(exc))
    stored = records.store_files(evidence_root(settings), made)
    with store.transaction() as conn:
        capture_id = records.save(conn, request_id, made, stored, settings.recheck_seconds())
    return Outcome(request_id, "done", f"đã lưu bằng chứng #{capture_id} của {item.url}", capture_id)


def capture_due(db: Path, settings: Settings, *, limit: int = 20, stop: Any = None) -> list[Outcome]:
    """Capture the due requests of the queue, one at a time (Chromium is heavy); ``stop``: an Event
    that ends the loop between two captures."""
    outcomes = []
    with Store(db) as store:
        for _ in range(limit):
            if stop is not None and stop.is_set():
                break
            due = queue.due(store.db, datetime.now(UTC), limit=1)
            if not due:
                break
            outcome = capture_request(store, due[0].id, settings)
            outcomes.append(outcome)
            level = logging.INFO if outcome.status == "done" else logging.WARNING
            log.log(level, "bằng chứng %d: %s — %s", outcome.request_id, outcome.status, outcome.message)
    return outcomes


async def _seen(fetcher: Fetcher, url: str, deadline: float) -> Seen:
    try:
        fetched = await fetcher.fetch(url, max_bytes=RECHECK_MAX_BYTES, deadline=deadline)
    except PolicyRefusedError as exc:
        return Seen(None, url, url, None, exc.refusal.message(url, "evidence_allow_internal"))
    except Exception as exc:  # network, time-out, httpcore's errors
        return Seen(None, url, url, None, f"{type(exc).__name__}: {exc}"[:300])
    final = fetched.final
    version = None
    if final.status < 400 and final.media_type in ("text/html", "application/xhtml+xml", ""):
        found = await asyncio.to_thread(extract_article, final.text(), final.url)
        version = None if found is None else Version(*found)
    return Seen(final.status, url, final.url, version)


@dataclass(frozen=True)
class RecheckTally:
    checked: int
    changes: dict[str, int]


def recheck(db: Path, settings: Settings, *, limit: int = 1000, now: datetime | None = None) -> RecheckTally:
    """Run the due re-checks (at most ``limit``), ``RECHECK_CONCURRENCY`` fetches at a time."""
    with Store(db) as store:
        due = rechecks.due(store.db, now or datetime.now(UTC), limit=limit)
    if not due:
        return RecheckTally(0, {})
    seen = asyncio.run(_fetch_all([check.url for check in due], settings))
    changes: dict[str, int] = {}
    with Store(db) as store, store.transaction() as conn:
        for check, page in zip(due, seen, strict=True):
            change = classify(check.before, page, settings.evidence_edit_threshold)
            rechecks.record(conn, check, change, page.status, now or datetime.now(UTC))
            changes[change.kind] = changes.get(change.kind, 0) + 1
    return RecheckTally(len(due), changes)


async def _fetch_all(urls: list[str], settings: Settings) -> list[Seen]:
    fetcher = Fetcher(policy(settings), user_agent=settings.user_agent, timeout=settings.download_timeout,
                      max_connections=RECHECK_CONCURRENCY * 2)
    gate = asyncio.Semaphore(RECHECK_CONCURRENCY)

    async def one(url: str) -> Seen:
        async with gate:
            return await _seen(fetcher, url, time.monotonic() + settings.download_timeout)

    try:
        return list(await asyncio.gather(*(one(url) for url in urls)))
    finally:
        await fetcher.close()


def notice(event: rechecks.Event, web_base_url: str | None, case: Case | None = None) -> dict[str, object]:
    """The alert-channel document of a re-check event (delivered like a source-health notice). For a
    page attached to a case it names the case, its assignee and links to the case."""
    from alerts.payload import DOCUMENT_SCHEMA

    title = {"edited": "Bài đã bị sửa", "corrected": "Bài đã được đính chính", "removed": "Bài đã bị gỡ"}[event.kind]
    about = ""
    if case is not None:
        about = f"Hồ sơ {case.number} ({case.title}) · người xử lý: {case.assignee or '(chưa giao)'}\n"
    if web_base_url and case is not None:
        link = f"\n{web_base_url}/cases/{case.id}"
    else:
        link = f"\n{web_base_url}/article/{event.article_id}" if web_base_url and event.article_id else ""
    text = f"🔎 {title}: {event.url}\n{about}{event.detail}\nThời điểm kiểm tra: {local(event.at)}{link}"
    return {"schema": DOCUMENT_SCHEMA, "type": "evidence", "status": event.kind, "kind": event.kind,
            "capture_id": event.capture_id, "article_id": event.article_id, "case_id": event.case_id,
            "case_number": case.number if case else None, "assignee": case.assignee if case else None,
            "url": event.url, "message": event.detail, "created_at": event.at.isoformat(), "text": text}


def notify(store: Store, config: Config) -> int:
    """Queue a notice of each unnotified edited / corrected / removed event: for a page attached to a
    case, to the cases' reminder channels (``cases_reminder_channels``, where the case's assignee is
    told of their cases), naming the case and its assignee; otherwise, or when no such channel is
    active, to the channels of the source-health notices. Returns how many events were handed over."""
    from alerts.outbox import queue_health
    from cases.reads import get_case

    if config.alerts is None:
        return 0
    targets, _ = config.alerts.targets()
    health = [c for c in config.alerts.source_health.channels if c in targets]
    for_cases = [c for c in config.settings.cases_reminder_channels if c in targets] or health
    now = datetime.now(UTC)
    with store.transaction() as conn:
        events = rechecks.unnotified(conn)
        for event in events:
            case = get_case(conn, event.case_id) if event.case_id is not None else None
            document = notice(event, config.settings.web_base_url, case)
            for channel in for_cases if case is not None else health:
                queue_health(conn, channel, document, now)
        rechecks.mark_notified(conn, [event.id for event in events], now)
    return len(events)
