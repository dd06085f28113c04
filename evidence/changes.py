"""What a re-check found, from the version seen before and the page fetched now (pure logic).

- removed: HTTP 404 or 410; a redirect to the site's home page; a page with no article text left;
- corrected: a correction note ("đính chính", "cải chính") that was not there before;
- edited: the title changed, or more than ``threshold`` of the words changed;
- unchanged: otherwise (small edits below the threshold included);
- error: the page could not be fetched (network, 5xx, 403…): nothing can be said, the next
  re-check tries again.

Each result but unchanged and error carries a one-line Vietnamese description; edited and
corrected carry the unified diff of the text (paragraph by paragraph).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import urlsplit

CORRECTION_MARKERS = ("đính chính", "cải chính")
REMOVED_STATUSES = frozenset({404, 410})
MIN_TEXT = 40  # characters: below this the page holds no article any more
MAX_DIFF = 20_000  # characters of diff kept


@dataclass(frozen=True)
class Version:
    """A version of the page: its title and article text."""

    title: str
    text: str


@dataclass(frozen=True)
class Seen:
    """What a re-check fetched: the final HTTP status and URL, and the article if one was found."""

    status: int | None
    url: str
    final_url: str
    version: Version | None
    error: str | None = None


@dataclass(frozen=True)
class Change:
    kind: str  # unchanged | edited | corrected | removed | error
    detail: str
    diff: str = ""
    version: Version | None = None  # the new version to compare the next re-check with (edited, corrected)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def _has_correction(text: str) -> bool:
    folded = _norm(text).lower()
    return any(marker in folded for marker in CORRECTION_MARKERS)


def _home(url: str) -> bool:
    return urlsplit(url).path.strip("/") == "" and not urlsplit(url).query


def changed_share(before: str, after: str) -> float:
    """The share of words changed between two texts (0: same words, 1: nothing in common)."""
    old, new = _norm(before).split(), _norm(after).split()
    if old == new:
        return 0.0
    if not old or not new:
        return 1.0
    return 1.0 - difflib.SequenceMatcher(None, old, new, autojunk=False).ratio()


def text_diff(before: str, after: str) -> str:
    """The unified diff of two texts, one paragraph a line, cut at ``MAX_DIFF`` characters."""
    old = [line.strip() for line in unicodedata.normalize("NFC", before).splitlines() if line.strip()]
    new = [line.strip() for line in unicodedata.normalize("NFC", after).splitlines() if line.strip()]
    diff = "\n".join(difflib.unified_diff(old, new, "trước", "sau", lineterm="", n=1))
    return diff if len(diff) <= MAX_DIFF else diff[:MAX_DIFF] + "\n… (cắt bớt)"


def classify(before: Version, seen: Seen, threshold: float) -> Change:
    """What happened to the page since ``before`` (see the module docstring)."""
    if seen.status in REMOVED_STATUSES:
        return Change("removed", f"trang đã bị gỡ: máy chủ trả về HTTP {seen.status}")
    if seen.error is not None or seen.status is None:
        return Change("error", f"không kiểm tra được: {seen.error or 'không có phản hồi'}")
    if seen.status >= 400:
        return Change("error", f"không kiểm tra được: máy chủ trả về HTTP {seen.status}")
    if seen.final_url != seen.url and _home(seen.final_url) and not _home(seen.url):
        return Change("removed", f"trang đã bị gỡ: chuyển hướng về trang chủ {seen.final_url}")
    after = seen.version
    if after is None or len(_norm(after.text)) < MIN_TEXT:
        return Change("removed", "trang đã bị gỡ: không còn nội dung bài viết")
    if _has_correction(after.text + "\n" + after.title) and not _has_correction(before.text + "\n" + before.title):
        return Change("corrected", "bài đã được đính chính (xuất hiện ghi chú đính chính/cải chính)",
                      text_diff(before.text, after.text), after)
    share = changed_share(before.text, after.text)
    title_changed = _norm(before.title) != _norm(after.title)
    if title_changed or share > threshold:
        parts = []
        if title_changed:
            parts.append(f"tiêu đề đổi từ «{_norm(before.title)}» thành «{_norm(after.title)}»")
        if share > 0:
            parts.append(f"{share:.0%} nội dung thay đổi")
        return Change("edited", "bài đã bị sửa: " + "; ".join(parts), text_diff(before.text, after.text), after)
    return Change("unchanged", "không thay đổi" if share == 0 else f"không thay đổi đáng kể ({share:.1%} chữ)")
