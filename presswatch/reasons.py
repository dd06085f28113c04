"""Why an operation failed, in Vietnamese, for operators: OS, network, TLS and SQLite errors.

Python, SQLite and the C library explain failures in English ("No such file or directory",
"Connection refused", "file is not a database"). What an operator reads goes through
``error_text``; the technical name stays only where it helps a search (a TLS reason code).
"""

from __future__ import annotations

import errno
import socket
import sqlite3
import ssl

OS_REASONS: dict[int, str] = {
    errno.ENOENT: "không có tệp hoặc thư mục này",
    errno.EACCES: "không có quyền truy cập",
    errno.EPERM: "không được phép",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.ENOSPC: "hết chỗ trên đĩa",
    errno.EROFS: "hệ thống tệp chỉ cho đọc",
    errno.EEXIST: "đã tồn tại",
    errno.ENAMETOOLONG: "tên tệp quá dài",
    errno.EMFILE: "mở quá nhiều tệp cùng lúc",
    errno.ENFILE: "mở quá nhiều tệp cùng lúc",
    errno.EIO: "lỗi đọc/ghi đĩa",
    errno.ECONNREFUSED: "máy chủ từ chối kết nối",
    errno.ECONNRESET: "máy chủ ngắt kết nối giữa chừng",
    errno.ECONNABORTED: "kết nối bị hủy giữa chừng",
    errno.EPIPE: "kết nối đã đóng",
    errno.ETIMEDOUT: "quá thời gian chờ",
    errno.EHOSTUNREACH: "không tới được máy chủ",
    errno.ENETUNREACH: "không tới được mạng",
    errno.EADDRINUSE: "cổng đã có chương trình khác dùng",
    errno.EADDRNOTAVAIL: "địa chỉ không có trên máy này",
}
SQLITE_REASONS: tuple[tuple[str, str], ...] = (
    ("file is not a database", "tệp không phải cơ sở dữ liệu SQLite"),
    ("file is encrypted", "tệp không phải cơ sở dữ liệu SQLite"),
    ("database disk image is malformed", "tệp cơ sở dữ liệu bị hỏng"),
    ("database is locked", "cơ sở dữ liệu đang bị tiến trình khác khóa, thử lại sau"),
    ("unable to open database file", "không mở được tệp cơ sở dữ liệu (kiểm tra đường dẫn và quyền)"),
    ("attempt to write a readonly database", "không có quyền ghi vào cơ sở dữ liệu"),
    ("disk i/o error", "lỗi đọc/ghi đĩa"),
    ("database or disk is full", "hết chỗ trên đĩa"),
)


def os_error_text(exc: OSError, *, with_file: bool = True) -> str:
    """``[Errno 2] No such file or directory: 'x'`` → ``không có tệp hoặc thư mục này: x``
    (without ``: x`` when the caller names the file itself)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"chứng chỉ TLS của máy chủ không được tin cậy ({exc.reason or 'CERTIFICATE_VERIFY_FAILED'})"
    if isinstance(exc, ssl.SSLError):
        return f"lỗi TLS ({exc.reason or type(exc).__name__})"
    if isinstance(exc, socket.gaierror):
        return "không phân giải được tên máy chủ (DNS)"
    if isinstance(exc, TimeoutError) and exc.errno is None:
        return "quá thời gian chờ"
    reason = OS_REASONS.get(exc.errno or 0) or exc.strerror or str(exc) or type(exc).__name__
    names = [str(name) for name in (exc.filename, exc.filename2) if name is not None and with_file]
    return f"{reason}: {' → '.join(names)}" if names else reason


def sqlite_error_text(exc: sqlite3.Error) -> str:
    message = str(exc)
    for english, vietnamese in SQLITE_REASONS:
        if english in message.lower():
            return vietnamese
    return f"lỗi SQLite: {message}"


def error_text(exc: BaseException) -> str:
    """A Vietnamese reason for any failure an operator may see; unknown ones keep their own words."""
    if isinstance(exc, OSError):
        return os_error_text(exc)
    if isinstance(exc, sqlite3.Error):
        return sqlite_error_text(exc)
    if isinstance(exc, UnicodeError):
        return f"ký tự không mã hóa được ({exc})"
    detail = str(exc).strip()
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
