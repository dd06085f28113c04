"""Show UTC timestamps in Vietnam's time (Asia/Ho_Chi_Minh, UTC+7)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(moment: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    return moment.astimezone(VIETNAM).strftime(pattern) if moment else "—"
