"""Which process is the service on a database (issue 16 item 4): ``reload`` and ``status`` believe
the kernel's lock, never a pid written in a file that a crash left behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from presswatch.cli import main
from presswatch.cli.service import service_lines
from presswatch.errors import ServiceError
from presswatch.service.instance import ServiceLock, lock_holder, pidfile_for, signal_service, why_not_running
from presswatch.service.scheduler import reload_running
from tests.support.paths import CONFIG, DATA

# Holds the service lock of the database given as argv[1], as `presswatch run` does, until killed;
# says "hup" on SIGHUP.
HOLDER = """
import signal, sys, time
from pathlib import Path
from presswatch.service.instance import ServiceLock
signal.signal(signal.SIGHUP, lambda *_: print("hup", flush=True))
ServiceLock(Path(sys.argv[1])).acquire()
print("ready", flush=True)
while True:
    time.sleep(0.1)
"""


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "presswatch.cli", "--config", str(CONFIG), "--db", str(db), *args],
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(autouse=True)
def database(db: Path) -> None:
    """The database exists: `status` refuses to create one (issue 16 item 14)."""
    from presswatch.store import Store

    Store(db).close()


@pytest.fixture
def unrelated() -> Iterator[subprocess.Popen[bytes]]:
    """A live process that is not the service, though its command line says presswatch (like
    `presswatch web`, or a service on another database)."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)", "presswatch", "run"])
    try:
        yield process
    finally:
        process.kill()
        process.wait()


@pytest.fixture
def holder(db: Path) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen([sys.executable, "-c", HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    try:
        yield process
    finally:
        process.kill()
        process.wait()
        process.stdout.close()


def test_reload_refuses_a_stale_pidfile_and_spares_the_process_it_names(
        db: Path, unrelated: subprocess.Popen[bytes]) -> None:
    pidfile_for(db).write_text(f"{unrelated.pid}\n", encoding="ascii")  # left by a SIGKILLed service
    reload = cli(db, "reload")
    assert reload.returncode != 0
    assert "không có dịch vụ giám sát nào đang chạy" in reload.stderr
    assert f"pid {unrelated.pid} ghi trong đó không phải dịch vụ này; không gửi tín hiệu nào" in reload.stderr
    assert "Traceback" not in reload.stderr and "Đã yêu cầu" not in reload.stdout
    time.sleep(0.5)
    assert unrelated.poll() is None  # alive: no SIGHUP reached it
    status = cli(db, "status")
    assert status.returncode == 0, status.stderr
    first = status.stdout.splitlines()[0]
    assert first.startswith(f"Dịch vụ: không chạy — {db} (") and "bị dừng đột ngột" in first, first
    assert "đang chạy" not in status.stdout


def test_reload_and_status_reach_the_lock_holder_only(db: Path, holder: subprocess.Popen[str]) -> None:
    assert lock_holder(db) == holder.pid
    status = cli(db, "status")
    assert status.stdout.splitlines()[0] == f"Dịch vụ: đang chạy (pid {holder.pid}) — {db}"
    reload = cli(db, "reload")
    assert reload.returncode == 0, reload.stderr
    assert f"pid {holder.pid}" in reload.stdout
    assert holder.stdout is not None and holder.stdout.readline() == "hup\n"


def test_a_second_service_on_the_database_is_refused(db: Path, holder: subprocess.Popen[str]) -> None:
    with pytest.raises(ServiceError) as refused:
        ServiceLock(db).acquire()
    assert str(refused.value) == f"đã có dịch vụ giám sát chạy trên {db} (pid {holder.pid}); dừng nó trước"
    assert lock_holder(db) == holder.pid  # the refused attempt did not take the lock away


def test_after_sigkill_the_lock_is_free_and_the_stale_file_is_not_signalled(
        db: Path, holder: subprocess.Popen[str]) -> None:
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert pidfile_for(db).read_text(encoding="ascii").strip() == str(holder.pid)  # the file stays
    assert lock_holder(db) is None
    with pytest.raises(ServiceError, match="bị dừng đột ngột"):
        signal_service(db, signal.SIGHUP)
    restarted = ServiceLock(db)
    restarted.acquire()  # the next service starts
    try:
        assert pidfile_for(db).read_text(encoding="ascii") == f"{os.getpid()}\n"
    finally:
        restarted.release()
    assert not pidfile_for(db).exists()


def test_no_pidfile_at_all(db: Path) -> None:
    reload = cli(db, "reload")
    assert reload.returncode != 0 and "không có `presswatch run` nào đang chạy" in reload.stderr


PIDFILES = sorted((DATA / "hostile" / "service" / "pidfiles").glob("*.pid"))


@pytest.mark.parametrize("pidfile", PIDFILES, ids=[p.stem for p in PIDFILES])
def test_hostile_pidfiles_are_never_signalled(db: Path, pidfile: Path) -> None:
    """Whatever a left-over pid file says (-1 and 0 would have sent SIGHUP to every process of the user
    or to this process group), nothing is signalled and the operator reads why, without a traceback."""
    pidfile_for(db).write_bytes(pidfile.read_bytes())
    hups: list[int] = []
    previous = signal.signal(signal.SIGHUP, lambda number, _: hups.append(number))
    try:
        with pytest.raises(ServiceError) as refused:
            reload_running(db)
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert hups == []
    assert str(refused.value).startswith(f"không có dịch vụ giám sát nào đang chạy với {db}: ")
    assert service_lines(db) == [f"Dịch vụ: không chạy — {db} ({why_not_running(db)})"]
    assert lock_holder(db) is None


def test_hostile_pidfile_through_the_cli(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pidfile_for(db).write_text("0\n", encoding="ascii")  # os.kill(0, SIGHUP) was the whole process group
    hups: list[int] = []
    previous = signal.signal(signal.SIGHUP, lambda number, _: hups.append(number))
    try:
        assert main(["--config", str(CONFIG), "--db", str(db), "reload"]) == 1
    finally:
        signal.signal(signal.SIGHUP, previous)
    out, err = capsys.readouterr()
    assert hups == [] and out == ""
    assert err == (f"Lỗi: không có dịch vụ giám sát nào đang chạy với {db}: tệp {pidfile_for(db)} còn lại từ lần "
                   f"chạy trước bị dừng đột ngột, pid 0 ghi trong đó không phải dịch vụ này; không gửi tín hiệu nào\n")


def test_a_lock_file_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    db = tmp_path / "khong-co-thu-muc" / "pw.db"
    with pytest.raises(ServiceError) as refused:
        ServiceLock(db).acquire()
    assert str(refused.value).startswith(f"không tạo được {pidfile_for(db)}: ")
