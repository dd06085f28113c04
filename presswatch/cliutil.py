"""What every ``presswatch`` sub-command parser shares."""

from __future__ import annotations

import argparse
from typing import Any


def add_command(subparsers: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    """A sub-command that also accepts ``--config``/``--db`` after its name (``presswatch X --db F``)."""
    command: argparse.ArgumentParser = subparsers.add_parser(name, help=help_text, description=help_text)
    command.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    command.add_argument("--db", default=argparse.SUPPRESS, help="tệp cơ sở dữ liệu SQLite")
    return command
