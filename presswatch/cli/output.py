"""What every ``presswatch`` command shares: Vietnamese argparse, ``--config``/``--db`` at every
level, argument types that refuse nonsense, and the two ways to print (``out``, ``err``).

argparse writes its own words in English ("usage:", "error:", "the following arguments are
required", "invalid choice", "options", "show this help message and exit"). ``Parser`` speaks
Vietnamese: its headings and help option are set here, and its error messages are translated in
``error()``, the one place every argparse error goes through (sub-command parsers included).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import re
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, NoReturn

from presswatch.errors import QueryError

USAGE = "cách dùng: "


def program() -> str:
    """How to type ``presswatch`` in a suggested next command: "presswatch" when that name on the
    PATH is the program running, else the path it was run by (".venv/bin/presswatch")."""
    import os
    import shlex
    import shutil

    called = sys.argv[0] if sys.argv else ""
    if os.path.basename(called) != "presswatch":
        return "presswatch"  # python -m presswatch, tests
    on_path = shutil.which("presswatch")
    if on_path and os.path.realpath(on_path) == os.path.realpath(called):
        return "presswatch"
    relative = os.path.relpath(called) if os.path.isabs(called) else called
    return shlex.quote(relative if not relative.startswith("..") else called)



POSITIONALS = "tham số"
OPTIONALS = "tùy chọn"
HELP = "in hướng dẫn này rồi thoát"

# argparse's messages (Python 3.11–3.13), most specific first; unknown ones pass through unchanged.
_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(pattern, re.S), text) for pattern, text in (
    (r"^the following arguments are required: (.*)$", r"thiếu tham số bắt buộc: \1"),
    (r"^unrecognized arguments: (.*)$", r"tham số không hiểu được: \1"),
    (r"^invalid choice: (.*?) \(choose from (.*)\)$", r"giá trị không hợp lệ: \1 (chọn một trong: \2)"),
    (r"^unknown parser (.*?) \(choices: (.*)\)$", r"không có lệnh \1 (chọn một trong: \2)"),
    (r"^invalid (int|float) value: (.*)$", r"phải là một số (đang là: \2)"),
    (r"^invalid (.*) value: (.*)$", r"giá trị không hợp lệ: \2"),
    (r"^expected one argument$", "cần một giá trị"),
    (r"^expected at most one argument$", "chỉ nhận tối đa một giá trị"),
    (r"^expected at least one argument$", "cần ít nhất một giá trị"),
    (r"^expected (\d+) arguments?$", r"cần \1 giá trị"),
    (r"^ambiguous option: (\S+) could match (.*)$", r"tùy chọn \1 không rõ là tùy chọn nào: \2"),
    (r"^not allowed with argument (.*)$", r"không dùng được cùng với \1"),
    (r"^ignored explicit argument (.*)$", r"tùy chọn này không nhận giá trị (\1)"),
    (r"^one of the arguments (.*) is required$", r"cần một trong các tham số: \1"),
    (r"^unexpected option string: (.*)$", r"tùy chọn không mong đợi: \1"),
))
_ARGUMENT = re.compile(r"^argument (.+?): (.*)$", re.S)
_CHOICE = re.compile(r"^invalid choice: (.*?) \(choose from (.*)\)$", re.S)


def _plain(text: str) -> str:
    """``'search'`` (as argparse quotes a choice) → ``search``."""
    try:
        return str(ast.literal_eval(text.strip()))
    except (ValueError, SyntaxError):
        return text.strip()


def _suggestion(message: str) -> str:
    """" — có phải 'search'?" for a mistyped choice ("serch"), else ""."""
    choice = _CHOICE.match(message)
    if not choice:
        return ""
    close = difflib.get_close_matches(_plain(choice[1]), [_plain(c) for c in choice[2].split(",")], n=1)
    return f" — có phải '{close[0]}'?" if close else ""


def translate(message: str) -> str:
    """An argparse error message in Vietnamese (``argument --limit: …`` → ``tham số --limit: …``)."""
    prefix = ""
    argument = _ARGUMENT.match(message)
    if argument:
        prefix, message = f"tham số {argument[1]}: ", argument[2]
    for pattern, text in _MESSAGES:
        if pattern.match(message):
            return prefix + pattern.sub(text, message, count=1) + _suggestion(message)
    return prefix + message


class HelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, USAGE if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Vietnamese. ``dash_queries``: a single-dash word that is not one
    of this parser's options is a positional value (``presswatch search -lai``: the query "-lai")."""

    def __init__(self, *args: Any, dash_queries: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False  # ours below, in Vietnamese
        super().__init__(*args, **kwargs)
        self.dash_queries = dash_queries
        self._positionals.title = POSITIONALS
        self._optionals.title = OPTIONALS
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help=HELP)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: lỗi: {translate(message)}\nXem thêm: {self.prog} -h\n")

    def _parse_optional(self, arg_string: str) -> Any:
        if (self.dash_queries and len(arg_string) > 1 and arg_string[0] == "-" and arg_string[1] != "-"
                and arg_string not in self._option_string_actions):
            return None  # a positional
        return super()._parse_optional(arg_string)


def out(text: str = "") -> None:
    """A line for the operator on stdout, flushed at once (output interleaves with stderr and logs)."""
    print(text, flush=True)


def err(text: str) -> None:
    """A line on stderr (errors, warnings), flushed at once."""
    print(text, file=sys.stderr, flush=True)


def add_command(subparsers: Any, name: str, help_text: str, *, dash_queries: bool = False) -> Parser:
    """A sub-command that also accepts ``--config``/``--db`` after its name (``presswatch X --db F``)."""
    command: Parser = subparsers.add_parser(name, help=help_text, description=help_text, dash_queries=dash_queries)
    command.add_argument("--config", default=argparse.SUPPRESS, metavar="THƯ_MỤC",
                         help="thư mục cấu hình (như tùy chọn chung --config)")
    command.add_argument("--db", default=argparse.SUPPRESS, metavar="TỆP",
                         help="tệp cơ sở dữ liệu SQLite (như tùy chọn chung --db)")
    return command


def date_option(text: str, option: str) -> datetime:
    """``--since``/``--until``: a date or a recent span (``7d``); one out of any calendar is a
    clear error, never an OverflowError."""
    from presswatch.query import parse_since

    try:
        return parse_since(text)
    except (OverflowError, ValueError) as exc:
        if isinstance(exc, QueryError):
            raise
        raise QueryError(f"{option}: '{text}' nằm ngoài khoảng ngày cho phép", 0) from None


def province_option(text: str) -> str:
    """An argparse ``type``: a province's 2025 name from any spelling or a pre-2025 name, else a
    Vietnamese error with the closest names."""
    from presswatch.provinces import resolve

    try:
        return resolve(text)[0]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


province_option.__name__ = "tên tỉnh"


def bounded_int(low: int, high: int | None = None) -> Callable[[str], int]:
    """An argparse ``type``: an integer in [low, high], else a Vietnamese error naming the range."""
    def parse(text: str) -> int:
        try:
            value = int(text.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(f"phải là một số nguyên (đang là: '{text}')") from None
        if value < low or (high is not None and value > high):
            span = f"từ {low} đến {high}" if high is not None else f"từ {low} trở lên"
            raise argparse.ArgumentTypeError(f"phải là số nguyên {span} (đang là: {value})")
        return value

    parse.__name__ = "số nguyên"
    return parse
