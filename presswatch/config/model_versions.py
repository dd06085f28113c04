"""The versions of the trained models in the data directory (``models_dir``), and which one is used.

For each model kind (``sentiment``, ``topics``) a folder ``<models_dir>/<kind>/`` holds:

- ``<version>.json``: a model kept by ``presswatch train`` (the JSON ``SentimentModel.load`` or
  ``TopicModel.load`` reads);
- ``versions.jsonl``: one record per training, kept or not (version, when, who, training-set size,
  corrections used, the cross-validated scores of the new and of the current model, kept or why not),
  and one per rollback;
- ``CURRENT``: the version in use. Absent, or ``shipped``: what ships with the code: the sentiment
  model ``analysis/data/sentiment_model.json``; for topics, no model (the lexicon, ``topics.yaml``,
  decides alone).

The analysis (crawl, ``presswatch analyze``, the service) asks ``current_model_path``; ``presswatch
train`` calls ``save_version``/``record``; ``--rollback`` calls ``rollback``. Files are written
whole and renamed into place, so a reader never sees half a model.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from presswatch.errors import TrainingError
from presswatch.times import iso

SHIPPED = "shipped"
KINDS = ("sentiment", "topics")
_VERSION = re.compile(r"^\d{8}-\d{6}(?:-\d+)?$")


@dataclass(frozen=True)
class Version:
    """One record of ``versions.jsonl``."""

    data: dict[str, Any]

    @property
    def version(self) -> str:
        return str(self.data.get("version", ""))

    @property
    def kept(self) -> bool:
        return bool(self.data.get("kept"))


def folder(models_dir: Path, kind: str) -> Path:
    if kind not in KINDS:
        raise TrainingError(f"không có loại mô hình «{kind[:40]}» (chỉ: {', '.join(KINDS)})")
    return models_dir / kind


def current_version(models_dir: Path, kind: str = "sentiment") -> str:
    """The version in use: a trained one's name, or ``shipped``."""
    path = folder(models_dir, kind) / "CURRENT"
    try:
        name = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return SHIPPED
    return name if name == SHIPPED or _VERSION.match(name) else SHIPPED


def current_model_path(models_dir: Path | None, kind: str = "sentiment") -> Path | None:
    """The file of the model in use, or None for the shipped one (nothing trained in ``models_dir``)."""
    if models_dir is None:
        return None
    version = current_version(models_dir, kind)
    if version == SHIPPED:
        return None
    path = folder(models_dir, kind) / f"{version}.json"
    return path if path.is_file() else None


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def new_version_name(models_dir: Path, kind: str, now: datetime | None = None) -> str:
    """A version name from the time (``YYYYMMDD-HHMMSS``, UTC), unique in the folder."""
    base = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    name, number = base, 1
    while (folder(models_dir, kind) / f"{name}.json").exists():
        number += 1
        name = f"{base}-{number}"
    return name


def save_version(models_dir: Path, kind: str, version: str, model: dict[str, Any]) -> Path:
    """Write a kept model's file and make it the current version."""
    path = folder(models_dir, kind) / f"{version}.json"
    _write(path, json.dumps(model, ensure_ascii=False))
    _write(folder(models_dir, kind) / "CURRENT", version + "\n")
    return path


def record(models_dir: Path, kind: str, entry: dict[str, Any]) -> None:
    """Append one record to ``versions.jsonl`` (with its time when it has none)."""
    path = folder(models_dir, kind) / "versions.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    entry = {"at": iso(datetime.now(UTC)), **entry}
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def history(models_dir: Path, kind: str = "sentiment") -> list[Version]:
    """Every record, oldest first (a line that is not JSON is skipped: an interrupted write)."""
    path = folder(models_dir, kind) / "versions.jsonl"
    if not path.exists():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict):
            found.append(Version(data))
    return found


def kept_versions(models_dir: Path, kind: str = "sentiment") -> list[str]:
    """The trained versions whose file is there, oldest first."""
    return [v.version for v in history(models_dir, kind)
            if v.kept and v.data.get("event", "train") == "train"
            and (folder(models_dir, kind) / f"{v.version}.json").is_file()]


def rollback(models_dir: Path, kind: str, version: str | None, user: str) -> tuple[str, str]:
    """Make ``version`` (a kept one, or ``shipped``) current; None: the kept version before the
    current one (the shipped model before the first). Returns (from, to)."""
    now = current_version(models_dir, kind)
    kept = kept_versions(models_dir, kind)
    if version is None:
        if now == SHIPPED:
            raise TrainingError("đang dùng mô hình gốc: không có phiên bản nào trước đó để quay lại")
        position = kept.index(now) if now in kept else len(kept)
        version = kept[position - 1] if position > 0 else SHIPPED
    elif version != SHIPPED and version not in kept:
        raise TrainingError(f"không có phiên bản «{version[:40]}» (có: {', '.join([SHIPPED, *kept])})")
    _write(folder(models_dir, kind) / "CURRENT", version + "\n")
    record(models_dir, kind, {"event": "rollback", "version": version, "from": now, "who": user, "kept": False})
    return now, version
