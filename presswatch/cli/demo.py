"""``presswatch demo``: crawl the local demo site into a demo database (``presswatch.demo``), print
what a crawl prints and how to search the result; ``--serve`` keeps the site up until Ctrl+C.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import threading
from pathlib import Path

from presswatch.cli.crawl import print_run, print_summary
from presswatch.cli.options import config_dir
from presswatch.cli.output import out, program
from presswatch.cli.search import sync_search_index
from presswatch.config import load_settings
from presswatch.store import RunResult

DEMO_DB = Path("data/demo.db")


def cmd_demo(args: argparse.Namespace) -> int:
    from presswatch.demo import run_demo

    settings = load_settings(config_dir(args) / "presswatch.yaml")
    db = Path(args.db) if args.db else DEMO_DB
    db_arg = shlex.quote(str(db))
    prog = program()

    def finish(results: list[RunResult], site_url: str) -> None:
        print_summary(results)
        if not any(r.ok for r in results):
            return
        sync_search_index(settings, db)  # the demo's articles searchable at once, as after a crawl
        out("\nThử tìm kiếm (không dấu vẫn tìm được bài có dấu):")
        out(f'  {prog} search "Muong Te" --db {db_arg}')
        out(f'  {prog} search "Dien Bien" --db {db_arg} --limit 5')
        out(f'  {prog} search "lai chau" --db {db_arg} --since 7d --json')
        if not args.serve:
            out(f"\nTrang tin thử nghiệm dừng cùng lệnh này. Để mở được liên kết bài viết ({site_url}/…), "
                f"chạy lại với --serve: {prog} demo --serve --db {db_arg}")
            return
        out(f"\nTrang tin thử nghiệm vẫn chạy tại {site_url}/: liên kết bài viết trong kết quả tìm kiếm và trên "
            f"giao diện web ({prog} --db {db_arg} web, ở cửa sổ khác) mở được. Ctrl+C để dừng.")
        _wait_for_stop()
        out("Đã dừng trang tin thử nghiệm.")

    results = run_demo(db, settings, print_run, out, config_dir(args), finish)
    return 0 if any(r.ok for r in results) else 1


def _wait_for_stop() -> None:
    """Block until Ctrl+C or SIGTERM: the normal way to end ``demo --serve``, not an error."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass
