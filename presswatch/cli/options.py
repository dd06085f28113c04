"""The two options every command shares, resolved: ``--config`` (the configuration directory, else
``$PRESSWATCH_CONFIG``, else ``./config``) and ``--db`` (the SQLite database, else the settings'
``database``), checked before a command touches them.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from presswatch.config import Config, Settings, load_config
from presswatch.errors import DatabaseArgumentError
from presswatch.reasons import os_error_text

SQLITE_HEADER = b"SQLite format 3\x00"


def config_dir(args: argparse.Namespace) -> Path:
    return Path(args.config or os.environ.get("PRESSWATCH_CONFIG", "config"))


def command_config(args: argparse.Namespace) -> Config:
    """The whole configuration of the command's directory (ConfigError when it does not load)."""
    config = load_config(config_dir(args))
    return config


def database(args: argparse.Namespace, settings: Settings, *, existing: bool = False) -> Path:
    """The database of this command. ``existing``: a command that only reads (or changes what must
    already be there) refuses a database that does not exist instead of creating an empty one."""
    path = Path(args.db or settings.database)
    path = path if path.is_absolute() else Path.cwd() / path
    _check_database(path, existing)
    return path


def _check_database(path: Path, existing: bool) -> None:
    where = "kiểm tra --db (hoặc `database` trong presswatch.yaml)"
    if path.is_dir():
        raise DatabaseArgumentError(f"{path} là một thư mục, không phải tệp cơ sở dữ liệu: {where}.")
    if not path.exists():
        if existing:
            raise DatabaseArgumentError(
                f"Chưa có cơ sở dữ liệu {path}: {where}. Lệnh này không tạo cơ sở dữ liệu mới; "
                "chạy `presswatch crawl` (hoặc `presswatch demo`) để tạo.")
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseArgumentError(f"không đọc được cơ sở dữ liệu {path}: {os_error_text(exc)}.") from exc
    if header and header != SQLITE_HEADER:
        raise DatabaseArgumentError(f"{path} không phải tệp cơ sở dữ liệu SQLite: {where}.")


Handler = Callable[[argparse.Namespace, Config, Path], int]


def with_config(func: Handler, *, existing: bool = True) -> Callable[[argparse.Namespace], int]:
    """A command function that loads the configuration and resolves the database, then runs
    ``func(args, config, db)``; ``existing``: refuse a database that does not exist."""
    def run(args: argparse.Namespace) -> int:
        config = command_config(args)
        return func(args, config, database(args, config.settings, existing=existing))

    return run
