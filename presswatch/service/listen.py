"""Listening sockets of the service (web UI, ``/metrics``), bound before anything is announced.

The service binds each port itself and hands the socket to its server, so a port another program
holds is known at once, reported in Vietnamese, and never announced as working.
"""

from __future__ import annotations

import errno
import socket

from presswatch.errors import ListenError

__all__ = ["ListenError", "listen", "url_host"]


def _why(exc: OSError, host: str, port: int) -> str:
    if isinstance(exc, socket.gaierror):
        return f"không tìm thấy địa chỉ {host} trên máy này"
    if exc.errno == errno.EADDRINUSE:
        return f"cổng {port} trên {host} đang có chương trình khác dùng"
    if exc.errno == errno.EACCES:
        return f"không có quyền mở cổng {port} (cổng dưới 1024 cần quyền quản trị)"
    if exc.errno == errno.EADDRNOTAVAIL:
        return f"địa chỉ {host} không thuộc máy này"
    return f"không mở được {host}:{port} ({exc.strerror or exc})"


def listen(host: str, port: int, backlog: int = 128) -> socket.socket:
    """A TCP socket bound to ``host:port`` and listening; :class:`ListenError` if it cannot be."""
    try:
        family, _, _, _, address = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                                                      flags=socket.AI_PASSIVE)[0]
        sock = socket.create_server(address[:2], family=family, backlog=backlog)
    except OSError as exc:
        raise ListenError(_why(exc, host, port)) from None
    return sock


def url_host(host: str) -> str:
    """``host`` as it appears in a URL (IPv6 addresses in brackets)."""
    return f"[{host}]" if ":" in host else host
