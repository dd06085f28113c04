"""Which process is the service on a database, proven by a lock the kernel keeps.

``presswatch run`` opens ``<db>.pid``, takes an exclusive POSIX record lock on it (``fcntl``) for its
whole life and writes its pid there. The kernel drops the lock when the process ends, however it
ends (SIGKILL included), so a pid file left behind by a crash is never taken for a running service:
``reload`` and ``status`` ask the kernel which process holds the lock (``F_GETLK``) and signal or
report only that process, never a pid merely written in a file (which may belong to anything by now).
A second service on the same database cannot take the lock and is refused.

Beside it, ``<db>.service.json`` is written by the service with what ``presswatch status`` shows of
its parts (web UI, ``/metrics``): whether they serve and, if not, why; it is read only while the
process that wrote it holds the lock.

POSIX record locks belong to the process and are released when it closes *any* descriptor of the
file: the service opens ``<db>.pid`` once and nothing else in it may open that file.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import signal
import struct
import sys
from pathlib import Path
from typing import Any

from presswatch.errors import ServiceError

# struct flock, as F_GETLK reads and writes it.
if sys.platform.startswith("linux"):
    _FLOCK = "hhqqi4x"  # l_type, l_whence, l_start, l_len, l_pid (64-bit off_t)
    _TYPE, _PID = 0, 4
else:  # macOS and the BSDs
    _FLOCK = "qqihh"  # l_start, l_len, l_pid, l_type, l_whence
    _TYPE, _PID = 3, 2


def pidfile_for(db: Path) -> Path:
    return db.with_name(db.name + ".pid")


def statefile_for(db: Path) -> Path:
    return db.with_name(db.name + ".service.json")


def _holder(fd: int) -> int | None:
    """The pid of the process holding a lock on the file open as ``fd`` (None: nobody; 0: a process
    the kernel does not name here, e.g. in another pid namespace)."""
    if sys.platform.startswith("linux"):
        query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
    else:
        query = struct.pack(_FLOCK, 0, 0, 0, fcntl.F_WRLCK, os.SEEK_SET)
    answer = struct.unpack(_FLOCK, fcntl.fcntl(fd, fcntl.F_GETLK, query))
    return None if answer[_TYPE] == fcntl.F_UNLCK else int(answer[_PID])


def lock_holder(db: Path) -> int | None:
    """The pid of the service running on ``db`` (the holder of its lock), or None.

    Never call it inside the service itself: closing a second descriptor of the file would drop the
    service's own lock."""
    try:
        fd = os.open(pidfile_for(db), os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ServiceError(f"không đọc được {pidfile_for(db)}: {exc.strerror or exc}") from None
    try:
        return _holder(fd)
    finally:
        os.close(fd)


def written_pid(db: Path) -> int | None:
    """The pid written in ``<db>.pid`` (for messages about a stale file; proves nothing)."""
    try:
        return int(pidfile_for(db).read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


class ServiceLock:
    """The lock ``presswatch run`` holds on ``<db>.pid`` while it runs."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.path = pidfile_for(db)
        self.fd: int | None = None

    def acquire(self) -> None:
        """Take the lock and write this pid, or raise :class:`ServiceError` naming the running service."""
        for _ in range(5):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError as exc:
                raise ServiceError(f"không tạo được {self.path}: {exc.strerror or exc}") from None
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                holder = _holder(fd) if exc.errno in (errno.EACCES, errno.EAGAIN) else None
                os.close(fd)
                if exc.errno not in (errno.EACCES, errno.EAGAIN):
                    raise ServiceError(f"không khóa được {self.path}: {exc.strerror or exc}") from None
                if holder is None:  # released between the two calls: try again
                    continue
                named = f"pid {holder}" if holder else "một tiến trình khác"
                raise ServiceError(f"đã có dịch vụ giám sát chạy trên {self.db} ({named}); dừng nó trước") from None
            try:  # a service stopping meanwhile removes the file: the lock must be on the file at the path
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if not same:
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode("ascii"))
            self.fd = fd
            return
        raise ServiceError(f"không khóa được {self.path}: tệp liên tục bị thay đổi")

    def write_state(self, state: dict[str, Any]) -> None:
        """Record what ``presswatch status`` shows of the running service (atomically)."""
        path = statefile_for(self.db)
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps({"pid": os.getpid(), **state}, ensure_ascii=False, indent=1),
                             encoding="utf-8")
        temporary.replace(path)

    def release(self) -> None:
        if self.fd is None:
            return
        statefile_for(self.db).unlink(missing_ok=True)
        self.path.unlink(missing_ok=True)  # while still locked: the next service locks a new file
        os.close(self.fd)
        self.fd = None


def service_state(db: Path, pid: int) -> dict[str, Any]:
    """What the service ``pid`` (the lock holder) recorded of itself; empty if it recorded nothing."""
    try:
        state = json.loads(statefile_for(db).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and state.get("pid") == pid else {}


def why_not_running(db: Path) -> str:
    """Why no service is found on ``db``, for the operator."""
    stale = written_pid(db)
    if stale is not None:
        return (f"tệp {pidfile_for(db)} còn lại từ lần chạy trước bị dừng đột ngột, "
                f"pid {stale} ghi trong đó không phải dịch vụ này")
    return ("không có `presswatch run` nào đang chạy trên cơ sở dữ liệu này (đã dừng hoặc chưa khởi động), "
            "hoặc dịch vụ dùng cơ sở dữ liệu khác (xem --db)")


def _not_running(db: Path) -> ServiceError:
    return ServiceError(f"không có dịch vụ giám sát nào đang chạy với {db}: {why_not_running(db)}; "
                        f"không gửi tín hiệu nào")


def signal_service(db: Path, signum: signal.Signals) -> int:
    """Send ``signum`` to the service running on ``db`` (the lock holder, and only it); its pid."""
    pid = lock_holder(db)
    if pid is None:
        raise _not_running(db)
    if pid <= 0:
        raise ServiceError(f"dịch vụ giám sát trên {db} chạy ở nơi không thấy được pid (container khác?); "
                           f"hãy nạp lại cấu hình từ nơi nó chạy")
    pidfd: int | None = None
    with contextlib.suppress(AttributeError, OSError):  # Linux ≥ 5.3: the signal cannot reach a reused pid
        pidfd = os.pidfd_open(pid)
    try:
        if lock_holder(db) != pid:  # the service ended meanwhile
            raise _not_running(db)
        if pidfd is not None:
            signal.pidfd_send_signal(pidfd, signum)
        else:
            os.kill(pid, signum)
    except ProcessLookupError:
        raise _not_running(db) from None
    finally:
        if pidfd is not None:
            os.close(pidfd)
    return pid
