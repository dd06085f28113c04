"""``presswatch web``: the web UI and JSON API alone (without the scheduler), its port bound before
its address is announced.
"""

from __future__ import annotations

import argparse
import socket

from presswatch.cli.options import command_config, database
from presswatch.cli.output import out
from presswatch.errors import PresswatchError
from presswatch.reasons import os_error_text


def cmd_web(args: argparse.Namespace) -> int:
    from presswatch.web import make_server

    config = command_config(args)
    db = database(args, config.settings, existing=True)
    server = make_server(config, db, args.host, args.port)
    host, port = server.config.host, server.config.port
    try:  # bound before the address is announced: a port in use is said at once, in Vietnamese
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as exc:
        raise PresswatchError(f"không mở được giao diện web ở {host}:{port}: {os_error_text(exc)}") from exc
    port = sock.getsockname()[1]
    out(f"Giao diện web: http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl+C để dừng)")
    server.run(sockets=[sock])
    return 0
