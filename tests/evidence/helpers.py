"""Helpers of the evidence tests: settings pointing at a temporary evidence folder and allowing the
local site, and a capture recorded without a browser (for re-check and integrity tests, whose
subject is not the rendering)."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from evidence import records, request_capture
from evidence.records import Capture
from presswatch.config import Settings
from presswatch.store import Store

ROOT = Path(__file__).resolve().parents[2]


def config_dir(tmp_path: Path, settings_text: str) -> Path:
    """A copy of the shipped configuration with ``settings_text`` as its presswatch.yaml."""
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    for name in os.listdir(ROOT / "config"):
        if name.endswith((".yaml", ".yml")) and name != "presswatch.yaml":
            (config / name).write_text((ROOT / "config" / name).read_text(encoding="utf-8"), encoding="utf-8")
    (config / "presswatch.yaml").write_text(settings_text, encoding="utf-8")
    return config


def settings_for(tmp_path: Path, *allowed: int, **values: object) -> Settings:
    return Settings(evidence_dir=str(tmp_path / "evidence"),
                    evidence_allow_internal=[f"127.0.0.1:{port}" for port in allowed], **values)  # type: ignore[arg-type]


def record_capture(store: Store, settings: Settings, url: str, title: str, text: str, at: datetime,
                   article_id: int | None = None) -> int:
    """A capture of ``url`` as if the browser had made it at ``at`` (files are small stand-ins)."""
    made = Capture(url=url, final_url=url, http_status=200, title=title, text=text, captured_at=at,
                   tools={"test": "1"}, files={"text": f"{title}\n\n{text}\n".encode(),
                                                "png": b"\x89PNG stand-in " + url.encode(), "meta": b"{}"})
    with store.transaction() as conn:
        request_id = request_capture(conn, url, reason="kiểm thử", article_id=article_id)
    stored = records.store_files(Path(settings.evidence_dir), made)
    with store.transaction() as conn:
        return records.save(conn, request_id, made, stored, settings.recheck_seconds())
