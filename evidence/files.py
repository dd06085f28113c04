"""The content-addressed folder of evidence files: ``<evidence_dir>/ab/cd/<sha256>``.

A file's name is the SHA-256 of its bytes, so the same bytes are stored once, and a file whose
bytes no longer hash to its name has been changed. ``put`` writes to a temporary file in the
folder's ``tmp/``, flushes it to disk, then renames it into place: a process killed while writing
leaves a stray temporary file, never a file under a hash it does not have. ``verify`` reads a file
back and says whether it is missing or changed.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

CHUNK = 1 << 20


def folder(evidence_dir: str) -> Path:
    """The folder the ``evidence_dir`` setting names (a relative one is under the working directory)."""
    root = Path(evidence_dir)
    return root if root.is_absolute() else Path.cwd() / root


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def path_of(root: Path, digest: str) -> Path:
    """Where the file of ``digest`` lives under ``root``."""
    return root / digest[:2] / digest[2:4] / digest


def put(root: Path, data: bytes) -> str:
    """Store ``data`` under its SHA-256 (once) and return the hash."""
    digest = sha256(data)
    target = path_of(root, digest)
    if target.exists() and target.stat().st_size == len(data) and file_hash(target) == digest:
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = root / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=scratch, prefix="part-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(name, 0o444)  # evidence is read-only once written
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return digest


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def verify(root: Path, digest: str, size: int) -> str | None:
    """None when the file of ``digest`` is intact, else why not (Vietnamese)."""
    path = path_of(root, digest)
    try:
        found = file_hash(path)
        actual = path.stat().st_size
    except FileNotFoundError:
        return "thiếu tệp"
    except OSError as exc:
        return f"không đọc được tệp: {exc.strerror or exc}"
    if found != digest:
        return f"tệp đã bị thay đổi (SHA-256 hiện tại {found})"
    if actual != size:
        return f"kích thước khác bản ghi ({actual} thay vì {size} byte)"
    return None


def disk_use(root: Path) -> int:
    """Bytes of every file under ``root`` (the temporary ones included)."""
    total = 0
    if not root.exists():
        return 0
    for directory, _, names in os.walk(root):
        for name in names:
            try:
                total += (Path(directory) / name).stat().st_size
            except OSError:
                continue
    return total
