"""``presswatch corrections export``: the analysts' corrections in force, as JSON lines or CSV, for
review or for training elsewhere (article id, URL, title, field, model value, corrected value, who,
when, reason)."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable
from pathlib import Path

from presswatch.cli.options import with_config
from presswatch.cli.output import add_command, date_option, err
from presswatch.config import Config

COLUMNS = ("article_id", "url", "title", "field", "model_value", "corrected_value", "user", "created_at", "reason")


def _cell(value: object) -> str:
    """A CSV cell: topic lists joined by ``;``; a leading formula character neutralised (spreadsheets)."""
    text = ";".join(value) if isinstance(value, list) else "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def cmd_corrections_export(args: argparse.Namespace, config: Config, db: Path) -> int:
    from presswatch.store import Store
    from presswatch.store.corrections import export_rows

    since = date_option(args.since, "--since") if args.since else None
    count = 0
    with Store(db) as store:
        rows = list(export_rows(store, since))
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(COLUMNS)
        for row in rows:
            writer.writerow([_cell(row[column]) for column in COLUMNS])
            count += 1
    else:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    err(f"Đã xuất {count} hiệu chỉnh.")
    return 0


def add_corrections_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``presswatch corrections`` and its sub-commands, added with ``add(name, help)``."""
    corrections = add("corrections", "hiệu chỉnh đánh giá tự động của chuyên viên (liên quan, chủ đề, sắc thái, "
                                     "ngôn từ)")
    subparsers = corrections.add_subparsers(dest="corrections_command", required=True, metavar="LỆNH")
    export = add_command(subparsers, "export", "xuất các hiệu chỉnh đang có hiệu lực ra stdout (JSON lines hoặc CSV)")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl", help="định dạng (mặc định jsonl)")
    export.add_argument("--since", metavar="NGÀY", help="chỉ hiệu chỉnh từ ngày YYYY-MM-DD hoặc khoảng gần đây (7d)")
    export.set_defaults(func=with_config(cmd_corrections_export))
