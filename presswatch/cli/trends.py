"""``presswatch trends …``: update the trend signals now, list what rose ("Đang được quan tâm")."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from presswatch.cli.options import with_config
from presswatch.cli.output import add_command, bounded_int, date_option, out
from presswatch.config import Config
from presswatch.times import local

if TYPE_CHECKING:
    from trends.update import Context

SIGNALS = ("story", "engagement", "burst")


def trends_context(config: Config) -> Context:
    """What an update needs from the configuration (rules, channels, names, settings)."""
    from alerts.digest.send import topic_labels
    from trends.update import Context

    return Context.of(config.alerts, config.settings, {s.id: s.name for s in config.sources}, topic_labels(config))


def cmd_trends_update(args: argparse.Namespace, config: Config, db: Path) -> int:
    """Read what is stored into the signals and raise what rose (a crawl does it after each source)."""
    from presswatch.store import Store
    from trends.update import MAX_PER_UPDATE, update

    context = trends_context(config)
    articles = posts = queued = 0
    raised = []
    with Store(db) as store:
        while True:  # an archive is read in bounded transactions, so crawls are not kept waiting
            outcome = update(store, context, sources=args.source or [])
            articles, posts, queued = articles + outcome.articles, posts + outcome.posts, queued + outcome.queued
            raised += outcome.raised
            if outcome.articles < MAX_PER_UPDATE:
                break
            out(f"… đã đọc {articles} bài")
    out(f"Đã đọc {articles} bài mới vào tín hiệu, {posts} bài đăng đổi lượt tương tác; "
        f"{len(raised)} mục mới đang được quan tâm, {queued} tin chờ gửi.")
    for item in raised:
        out(f"  #{item.event_id} [{item.rule_id}] {item.subject}")
    return 0


def cmd_trends_list(args: argparse.Namespace, config: Config, db: Path) -> int:
    """What rose since ``--since``, newest first, with what rose and by how much."""
    from presswatch.store import Store
    from trends.reads import SIGNAL_LABELS, events, what_rose

    since = date_option(args.since, "--since")
    with Store(db) as store:
        found = events(store.db, since, args.limit, args.signal)
    out(f"Đang được quan tâm từ {local(since)}: {len(found)} mục.")
    for event in found:
        out(f"#{event.id} {local(event.raised_at)} {SIGNAL_LABELS[event.signal]} [{event.rule_id}]")
        out(f"    {what_rose(event.document)}")
        for item in event.document.get("items", [])[:5]:
            out(f"    • {item['title']} ({item['source']['name']}) {item['url']}")
    return 0


def add_trends_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``presswatch trends`` and its sub-commands, added with ``add(name, help)``."""
    trends = add("trends", "đang được quan tâm: tin lan rộng, tương tác tăng nhanh, địa danh và chủ đề tăng đột biến")
    subparsers = trends.add_subparsers(dest="trends_command", required=True, metavar="LỆNH")

    def sub_add(name: str, help_text: str) -> argparse.ArgumentParser:
        return add_command(subparsers, name, help_text)

    update = sub_add("update", "cập nhật tín hiệu từ các bài đã lưu và gửi những gì đang tăng (việc này tự chạy "
                               "sau mỗi lượt thu thập)")
    update.add_argument("--source", action="append", metavar="ID",
                        help="so lượt tương tác mới của các bài đăng nguồn này (lặp lại được)")
    update.set_defaults(func=with_config(cmd_trends_update))
    listing = sub_add("list", "những gì đang được quan tâm, mới nhất trước")
    listing.add_argument("--since", default="7d", metavar="KHOẢNG",
                         help="từ ngày YYYY-MM-DD hoặc khoảng gần đây (mặc định 7d)")
    listing.add_argument("--signal", choices=SIGNALS,
                         help="chỉ loại này: story (tin lan rộng), engagement (tương tác), burst (tăng đột biến)")
    listing.add_argument("--limit", type=bounded_int(1, 1000), default=50, metavar="N",
                         help="số mục tối đa (mặc định 50)")
    listing.set_defaults(func=with_config(cmd_trends_list))
