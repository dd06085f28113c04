"""What a crawl subprocess tells its parent: counts and the error that made the run fail."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

MAX_LISTED = 20


@dataclass
class CrawlReport:
    source_id: str
    entry_urls: int = 0  # feed / sitemap / listing URLs of the source
    entry_ok: int = 0  # of those, how many were read (304 Not Modified counts as read)
    not_modified: int = 0
    listed: int = 0  # article links found on entry pages
    already_seen: int = 0  # links skipped because the article is stored
    fetched: int = 0  # article pages downloaded
    new_articles: int = 0
    duplicates: int = 0  # extracted, but the canonical URL was already stored
    no_article: int = 0  # pages with no extractable article text
    errors: int = 0  # failed requests (article pages included)
    robots_blocked: int = 0
    store_errors: int = 0
    alerts: int = 0  # new alerts recorded (copies of an alerted story not counted)
    bad_links: int = 0  # links skipped because they cannot be addresses (port 99999, broken IPv6...)
    analysis_errors: int = 0  # articles stored unanalysed because their analysis raised
    deferred: int = 0  # articles stored with their alert rules not evaluated (evaluated later)
    deferred_reasons: list[str] = field(default_factory=list)
    refused: int = 0  # requests not sent: internal address (crawler.middlewares), redirect hops included
    refusals: list[str] = field(default_factory=list)  # their messages (the first MAX_LISTED)
    entry_errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    finish_reason: str = ""  # set when the crawl ended; empty in the reports written while it runs

    @property
    def ok(self) -> bool:
        nothing_to_read = self.entry_urls == 0 and not self.entry_errors  # e.g. no article to get comments of
        return (self.entry_ok > 0 or nothing_to_read) and self.store_errors == 0

    def message(self) -> str | None:
        if self.store_errors:
            return f"lỗi ghi cơ sở dữ liệu ({self.store_errors} bài)"
        if self.entry_ok == 0 and not (self.entry_urls == 0 and not self.entry_errors):
            return "; ".join(self.entry_errors) or "không đọc được trang nguồn nào"
        if self.refused:
            more = f" (và {self.refused - 1} yêu cầu khác)" if self.refused > 1 else ""
            return f"{self.refusals[0]}{more}" if self.refusals else f"từ chối {self.refused} địa chỉ nội bộ"
        return None

    def refuse(self, message: str) -> None:
        """Record a request refused because its address is internal."""
        self.refused += 1
        if len(self.refusals) < MAX_LISTED:
            self.refusals.append(message)

    def write(self, path: Path) -> None:
        """Write the report whole or not at all (the parent reads it while the crawl runs)."""
        partial = path.with_name(path.name + ".part")
        partial.write_text(json.dumps(asdict(self), ensure_ascii=False), encoding="utf-8")
        os.replace(partial, path)

    @classmethod
    def read(cls, path: Path) -> CrawlReport:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(**data)
