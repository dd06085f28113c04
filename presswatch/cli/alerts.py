"""``presswatch alerts …``: dry-run a rule, look at the outbox, retry, run the delivery worker."""

from __future__ import annotations

import argparse
import json
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from presswatch.cli.options import with_config
from presswatch.cli.output import add_command, bounded_int, date_option, out
from presswatch.config import Config
from presswatch.config.alerts import AlertsFile
from presswatch.errors import PresswatchError
from presswatch.times import local

STATUS_LABELS = {"pending": "đang chờ", "sent": "đã gửi", "dead": "lỗi (ngừng thử)"}


def cmd_alerts_test(args: argparse.Namespace, config: Config, db: Path) -> int:
    """What RULE would have sent for the articles stored since ``--since`` (nothing is queued)."""
    from alerts.ingest import inherit
    from alerts.matcher import compile_query
    from alerts.rules import CompiledRule, doc_of
    from presswatch.store import Store
    from presswatch.store.articles import relevance

    rule = (config.alerts or AlertsFile()).rule(args.rule)
    if rule.kind == "trend":
        raise PresswatchError(f"quy tắc '{rule.id}' là quy tắc xu hướng (kind: trend): nó không xét từng bài; "
                              "xem những gì nó đã phát hiện bằng 'presswatch trends list'")
    tree = rule.tree()
    compiled = CompiledRule(rule, None if tree is None else compile_query(tree))
    since = date_option(args.since, "--since")
    stories: dict[int, list[Any]] = {}
    checked = too_old = 0
    with Store(db) as store:
        for article in store.articles_since(since):
            checked += 1
            doc = doc_of(article.title, article.text, article.source_id, article.source_kind, article.analysis,
                         article.content_type)
            if article.parent_id is not None:
                inherit(doc, relevance(store.db, article.parent_id))
            # As ingest would have seen it: evaluated when it was stored.
            if compiled.matches(doc, article.published_at or article.fetched_at, article.fetched_at):
                story = article.cluster_id if article.cluster_id is not None else -article.id
                stories.setdefault(story, []).append(article)
            elif compiled.matches(doc, article.fetched_at, article.fetched_at):
                too_old += 1  # matches but was already older than max_age when it was stored
    out(f"Quy tắc '{rule.id}' — {rule.name}: {checked} bài từ {local(since)}, "
        f"{sum(len(v) for v in stories.values())} bài khớp, {len(stories)} cảnh báo (mỗi câu chuyện một cảnh báo).")
    if too_old:
        out(f"  {too_old} bài khác khớp điều kiện nhưng không được gửi: khi được lưu, bài đã đăng quá "
            f"{duration_text(rule.max_age)} (max_age của quy tắc; tin cũ không báo).")
    for copies in sorted(stories.values(), key=lambda items: items[0].fetched_at):
        first = copies[0]
        extra = f" (+{len(copies) - 1} bài đăng lại)" if len(copies) > 1 else ""
        out(f"  #{first.id} {local(first.published_at or first.fetched_at)} [{first.source_id}] {first.title}{extra}")
        out(f"      {first.url}")
    return 0


def duration_text(seconds: int) -> str:
    """A rule's ``max_age`` as an operator reads it: "3 ngày", "36 giờ", "45 phút"."""
    for unit, name in ((86400, "ngày"), (3600, "giờ"), (60, "phút")):
        if seconds >= unit and seconds % unit == 0:
            return f"{seconds // unit} {name}"
    return f"{seconds} giây"


def cmd_alerts_outbox(args: argparse.Namespace, config: Config, db: Path) -> int:
    from alerts import outbox
    from presswatch.store import Store
    from presswatch.store.articles import titles as article_titles

    active, inactive = (config.alerts or AlertsFile()).targets()
    for message in inactive:
        out(f"! {message}")
    with Store(db) as store:
        counts = outbox.counts(store.db)
        out("Hàng đợi cảnh báo: " + ", ".join(f"{STATUS_LABELS[s]} {n}" for s, n in counts.items()))
        rows = outbox.listing(store.db, args.status, args.limit)
        raised_by = outbox.alert_articles(store.db, (r.alert_id for r in rows if r.alert_id))
        by_article = article_titles(store.db, raised_by.values())
        titles: dict[int | None, str] = {alert_id: by_article[article_id]
                                         for alert_id, article_id in raised_by.items() if article_id in by_article}
    for row in rows:
        if row.kind == "health" and row.rule_id == "register":
            what = "sổ đăng ký báo chí: " + str(json.loads(row.payload or "{}").get("title", ""))
        elif row.kind == "health":
            what = "tình trạng nguồn: " + json.loads(row.payload or "{}").get("source", {}).get("id", "")
        elif row.kind == "alert":
            what = titles.get(row.alert_id, "")
        elif row.kind == "trend":
            what = "đang được quan tâm: " + str(json.loads(row.payload or "{}").get("label", ""))
        else:
            what = f"tổng hợp giờ {local(row.window_start)}"
        when = (f"gửi lúc {local(row.sent_at)}" if row.status == "sent"
                else f"lần thử tiếp {local(row.next_attempt_at)}" if row.status == "pending"
                else "ngừng thử")
        out(f"#{row.id:<6} {STATUS_LABELS[row.status]:<16} {row.channel:<16} {row.rule_id:<24} "
            f"{row.attempts} lần thử, {when}  {what[:60]}")
        if row.last_error and row.status != "sent":
            out(f"        lỗi gần nhất: {row.last_error}")
    return 0


def cmd_alerts_retry(args: argparse.Namespace, config: Config, db: Path) -> int:
    from alerts import outbox
    from presswatch.store import Store

    with Store(db) as store, store.transaction() as conn:
        if not outbox.retry(conn, args.id, datetime.now(UTC)):
            raise PresswatchError(f"không có mục #{args.id} chưa gửi trong hàng đợi cảnh báo")
    out(f"Mục #{args.id} được đưa lại hàng đợi; bộ gửi sẽ thử ngay.")
    return 0


def cmd_alerts_deliver(args: argparse.Namespace, config: Config, db: Path) -> int:
    from alerts.worker import DeliveryWorker
    from presswatch.service.register_alerts import spokespeople_of
    from presswatch.store import Store

    with Store(db) as store:
        worker = DeliveryWorker(store, config, spokespeople=spokespeople_of)
        for message in worker.inactive:
            out(f"! {message}")
        if args.once:
            stats = worker.run_once(limit=10_000)
            out(f"Đã gửi {stats.sent}, thất bại {stats.failed} (sẽ thử lại), ngừng thử {stats.dead}.")
            return 0 if stats.failed + stats.dead == 0 else 1
        stop = threading.Event()
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda *_: stop.set())
        out("Đang gửi cảnh báo (Ctrl-C để dừng)…")
        worker.run(stop)
    return 0


def add_alerts_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``presswatch alerts`` and its sub-commands, added with ``add(name, help)``."""
    alerts = add("alerts", "cảnh báo cho thanh tra: chạy thử quy tắc, hàng đợi gửi, gửi lại")
    subparsers = alerts.add_subparsers(dest="alerts_command", required=True, metavar="LỆNH")

    def sub_add(name: str, help_text: str) -> argparse.ArgumentParser:
        return add_command(subparsers, name, help_text)

    test = sub_add("test", "chạy thử một quy tắc trên các bài đã lưu (không gửi gì)")
    test.add_argument("rule", metavar="QUY_TẮC")
    test.add_argument("--since", default="7d", metavar="KHOẢNG",
                      help="từ ngày YYYY-MM-DD hoặc khoảng gần đây (mặc định 7d)")
    test.set_defaults(func=with_config(cmd_alerts_test))
    box = sub_add("outbox", "hàng đợi gửi cảnh báo: đang chờ, đã gửi, lỗi")
    box.add_argument("--status", choices=("pending", "sent", "dead"),
                     help="chỉ các mục ở trạng thái này: pending (đang chờ), sent (đã gửi), dead (lỗi, ngừng thử)")
    box.add_argument("--limit", type=bounded_int(1), default=50, metavar="N", help="số mục tối đa (mặc định 50)")
    box.set_defaults(func=with_config(cmd_alerts_outbox))
    retry = sub_add("retry", "đưa một mục lỗi trở lại hàng đợi")
    retry.add_argument("id", type=bounded_int(1), metavar="ID")
    retry.set_defaults(func=with_config(cmd_alerts_retry))
    deliver = sub_add("deliver", "chạy bộ gửi cảnh báo (đến khi dừng)")
    deliver.add_argument("--once", action="store_true", help="gửi các mục đến hạn một lần rồi thoát")
    deliver.set_defaults(func=with_config(cmd_alerts_deliver, existing=False))  # a worker may start before any crawl
