"""``presswatch digest``: the daily digest for leadership: its summary, an HTML preview, sending it
(once per day unless ``--force``).
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime
from pathlib import Path

from presswatch.cli.options import command_config, database
from presswatch.cli.output import err, out
from presswatch.config import Settings
from presswatch.store import Store
from presswatch.times import VIETNAM, local, local_day

FIRST_DAY = date(2000, 1, 1)  # no digest before this day: older dates are typing mistakes


def digest_date(value: str) -> date:
    """``--date``: a day from 01/01/2000 to today (Vietnam time)."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' không phải ngày dạng YYYY-MM-DD") from None
    today = datetime.now(VIETNAM).date()
    if not FIRST_DAY <= day <= today:
        raise argparse.ArgumentTypeError(f"ngày {local_day(day)} nằm ngoài khoảng có bản tin: "
                                         f"từ {local_day(FIRST_DAY)} đến hôm nay ({local_day(today)})")
    return day


def _digest_day(value: date | None, settings: Settings) -> date:
    from alerts.digest.send import latest_day

    return latest_day(datetime.now(UTC), settings) if value is None else value


def cmd_digest(args: argparse.Namespace) -> int:
    from alerts.digest.send import digest_for, preview_html, run_digest, send_record

    config = command_config(args)
    settings = config.settings
    day = _digest_day(args.date, settings)
    db = database(args, settings, existing=True)
    with Store(db) as store:
        unfollowed = [name for name in args.province or [] if name not in settings.province]
        if unfollowed:
            err(f"Tỉnh {', '.join(unfollowed)} không được theo dõi (province trong presswatch.yaml: "
                f"{', '.join(settings.province)}).")
            return 2
        digest = digest_for(config, store, day, args.province)
        out(digest.subject)
        out(f"  {local(digest.start)} → {local(digest.end)} (giờ Việt Nam)")
        out(f"  Về {digest.province}: {digest.about} · có nhắc: {digest.mention} · tiêu cực: "
            f"{digest.sentiments['negative']} · đã thu thập: {digest.crawled}")
        for name, about, mention in digest.per_province:
            out(f"    {name}: {about} bài về, {mention} bài có nhắc")
        out(f"  Tin chính: {len(digest.stories)} · điểm mới: {len(digest.rising)} · "
            f"nguồn có vấn đề: {len(digest.source_problems)}")
        if args.preview:
            path = Path(args.preview)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(preview_html(digest), encoding="utf-8")
            out(f"Đã ghi bản xem trước: {path}")
        record = send_record(store, day)
        if not args.send:
            recipients = ", ".join(settings.digest_recipients) or "chưa cấu hình (digest_recipients)"
            state = (f"đã gửi lúc {local(record.sent_at)}" if record and record.status == "sent" and record.sent_at
                     else f"gửi lỗi {record.attempts} lần: {record.last_error}" if record else "chưa gửi")
            out(f"  Người nhận: {recipients} · trạng thái: {state}")
            return 0
        if not settings.digest_recipients:
            err("Chưa cấu hình người nhận (digest_recipients trong presswatch.yaml): bản tin không được gửi.")
            return 1
        outcome = run_digest(config, store, day, force=args.force)
    if outcome.status == "already_sent":
        out(f"Bản tin ngày {local_day(day)} đã gửi lúc {local(outcome.sent_at)}; không gửi lại "
            "(dùng --force để gửi lại).")
        return 0
    if outcome.status == "sent":
        out(f"Đã gửi tới {', '.join(settings.digest_recipients)} (lần thử {outcome.attempts}).")
        if outcome.error:
            err(f"Một số người nhận bị từ chối: {outcome.error}")
        return 0
    err(f"Gửi bản tin thất bại sau {outcome.attempts} lần thử: {outcome.error}")
    return 1
