"""The ``presswatch`` command: its parser (every command and option, in Vietnamese) and ``main``,
which runs a command and turns the errors it raises into messages and exit statuses.

The commands live in one module per group: ``crawl`` (crawl, run --once), ``service`` (run, reload,
status, sources), ``search`` (search, reindex), ``digest``, ``alerts``, ``evidence``, ``users``, ``web``,
``cases``, ``register``, ``trends``, ``report``, ``reanalyze``, ``corrections``, ``train``, ``demo`` and
``tools`` (check-config, analyze, extract); ``options`` resolves ``--config``/``--db``,
``output`` holds the Vietnamese argparse and the printing helpers, ``progress`` the crawl progress
line. Exit statuses: 0 done, 1 failed, 2 a mistake in the command, the configuration or a query,
130 interrupted, 141 output cut short by a closed pipe.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Sequence

from presswatch.cli.alerts import add_alerts_commands
from presswatch.cli.cases import add_cases_commands
from presswatch.cli.corrections import add_corrections_commands
from presswatch.cli.crawl import cmd_crawl
from presswatch.cli.demo import cmd_demo
from presswatch.cli.digest import cmd_digest, digest_date
from presswatch.cli.evidence import add_evidence_commands
from presswatch.cli.init import add_init_command
from presswatch.cli.output import Parser, add_command, bounded_int, err, province_option
from presswatch.cli.reanalyze import add_reanalyze_command
from presswatch.cli.register import add_register_commands
from presswatch.cli.report import add_report_command
from presswatch.cli.search import add_search_arguments, cmd_reindex
from presswatch.cli.service import cmd_reload, cmd_run, cmd_sources, cmd_status
from presswatch.cli.tools import cmd_analyze, cmd_check_config, cmd_extract
from presswatch.cli.train import add_train_command
from presswatch.cli.trends import add_trends_commands
from presswatch.cli.users import add_users_arguments
from presswatch.cli.web import cmd_web
from presswatch.errors import ConfigError, DatabaseArgumentError, PresswatchError, QueryError, RegisterError
from presswatch.reasons import os_error_text, sqlite_error_text

__all__ = ["build_parser", "main"]

SIGPIPE_EXIT = 141  # what a shell reports for a program stopped by SIGPIPE (`… | head`)


def build_parser() -> argparse.ArgumentParser:
    """Every command and option, in the order ``presswatch -h`` lists them."""
    parser = Parser(prog="presswatch", description="Theo dõi báo chí, mạng xã hội về tỉnh, thành phố "
                                                          "được cấu hình (khóa province trong presswatch.yaml).")
    parser.add_argument("--config", metavar="THƯ_MỤC",
                        help="thư mục cấu hình (mặc định: ./config hoặc $PRESSWATCH_CONFIG)")
    parser.add_argument("--db", metavar="TỆP",
                        help="tệp cơ sở dữ liệu SQLite (mặc định: theo cấu hình, data/presswatch.db)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return add_command(sub, name, help_text)

    run = add("run", "chạy dịch vụ giám sát: thu thập theo lịch, gửi cảnh báo, bản tin hằng ngày, dọn dẹp")
    run.add_argument("--once", action="store_true", help="thu thập mọi nguồn đang bật một lần, gửi cảnh báo, rồi thoát")
    run.set_defaults(func=cmd_run)
    add("status", "tình trạng dịch vụ: lịch chạy, hàng đợi cảnh báo, bản tin, sự cố và tình trạng nguồn").set_defaults(
        func=cmd_status)
    add("reload", "yêu cầu dịch vụ đang chạy nạp lại cấu hình (như SIGHUP)").set_defaults(func=cmd_reload)
    crawl = add("crawl", "thu thập ngay các nguồn (mặc định: mọi nguồn đang bật)")
    crawl.add_argument("--source", action="append", metavar="ID", help="chỉ nguồn này (lặp lại được)")
    crawl.set_defaults(func=cmd_crawl)
    add_search_arguments(add_command(sub, "search", "tìm bài viết đã thu thập (không phân biệt dấu)",
                                     dash_queries=True))
    add("sources", "danh sách nguồn và tình trạng thu thập").set_defaults(func=cmd_sources)
    add("check-config", "kiểm tra tệp cấu hình").set_defaults(func=cmd_check_config)
    add_init_command(add)
    demo = add("demo", "chạy thử trên trang tin cục bộ dựng từ bài báo thật (không cần mạng)")
    demo.add_argument("--serve", action="store_true",
                      help="sau khi thu thập, giữ trang tin thử nghiệm chạy (mở được liên kết bài viết) tới khi Ctrl+C")
    demo.set_defaults(func=cmd_demo)
    analyze = add("analyze", "phân tích văn bản: đọc JSON {id, title, text, comment} mỗi dòng từ stdin "
                             "(comment: true cho bài đăng, bình luận)")
    analyze.add_argument("--no-entities", action="store_true", help="bỏ qua nhận dạng thực thể (nhanh hơn)")
    analyze.set_defaults(func=cmd_analyze)
    add("reindex", "chép toàn bộ bài viết vào một chỉ mục Elasticsearch mới rồi chuyển bí danh").set_defaults(
        func=cmd_reindex)
    add_reanalyze_command(add)
    add_alerts_commands(add)
    add_cases_commands(add)
    add_trends_commands(add)
    add_report_command(add)
    add_evidence_commands(add)
    add_corrections_commands(add)
    add_train_command(add)
    digest = add("digest", "bản tin hằng ngày gửi lãnh đạo: xem tóm tắt, xem trước HTML, gửi email")
    digest.add_argument("--date", metavar="YYYY-MM-DD", type=digest_date,
                        help="ngày của bản tin (mặc định: bản tin gần nhất)")
    digest.add_argument("--province", action="append", type=province_option, metavar="TỈNH",
                        help="chỉ tỉnh này trong các tỉnh được theo dõi (lặp lại được; mặc định: tất cả)")
    digest.add_argument("--preview", metavar="TỆP.html", help="ghi bản HTML để mở bằng trình duyệt")
    digest.add_argument("--send", action="store_true", help="gửi email (mỗi ngày một lần)")
    digest.add_argument("--force", action="store_true", help="gửi lại kể cả khi ngày này đã gửi")
    digest.set_defaults(func=cmd_digest)
    add_users_arguments(add("users", "quản lý người dùng giao diện web"))
    add_register_commands(add)
    web = add("web", "chạy riêng giao diện web và JSON API")
    web.add_argument("--host", metavar="ĐỊA_CHỈ", help="địa chỉ lắng nghe (mặc định: web_host, 127.0.0.1)")
    web.add_argument("--port", type=bounded_int(1, 65535), metavar="CỔNG", help="cổng (mặc định: web_port, 8080)")
    web.set_defaults(func=cmd_web)
    extract = add("extract", "trích xuất bài viết từ một tệp HTML đã lưu")
    extract.add_argument("file", metavar="TỆP")
    extract.add_argument("--url", metavar="URL", help="địa chỉ gốc của trang")
    extract.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    extract.set_defaults(func=cmd_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """The ``presswatch`` command. Output cut short by a closed pipe (``… | head``) ends quietly."""
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return SIGPIPE_EXIT


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (captured by a test): nothing left to flush


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # -h, or a mistake argparse has explained on stderr: its exit status
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    for name in ("config", "db"):
        if not hasattr(args, name):
            setattr(args, name, None)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        err("Lỗi cấu hình:")
        for problem in exc.problems:
            err(f"  {problem}")
        return 2
    except QueryError as exc:
        err(f"Truy vấn không hợp lệ: {exc}")
        return 2
    except RegisterError as exc:
        err("Không nhập gì (sổ đăng ký giữ nguyên) — sửa các lỗi sau rồi nhập lại:")
        for problem in exc.problems:
            err(f"  {problem}")
        return 2
    except DatabaseArgumentError as exc:
        err(f"Lỗi: {exc}")
        return 2
    except PresswatchError as exc:
        err(f"Lỗi: {exc}")
        return 1
    except sqlite3.Error as exc:
        err(f"Lỗi cơ sở dữ liệu: {sqlite_error_text(exc)}")
        return 1
    except BrokenPipeError:
        raise
    except OSError as exc:
        err(f"Lỗi: {os_error_text(exc)}")
        return 1
    except KeyboardInterrupt:
        err("Đã dừng.")
        return 130
