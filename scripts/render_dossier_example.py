"""Render the first page of an example dossier to ``docs/images/case-dossier.png``: a sample case
(invented, no real person) in a temporary store, exported as PDF through LibreOffice, drawn by
pdftoppm. Needs Debian's ``libreoffice-writer-nogui``, ``poppler-utils`` and ``fonts-liberation``.

    .venv/bin/python scripts/render_dossier_example.py
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

from cases import reads, records
from cases.dossier import context, docx_to_pdf, render_docx
from cases.model import ActionDraft, Draft
from cases.settings import load_cases_config
from presswatch.models import Article
from presswatch.store import Store, users

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 12, 3, 2, 30, tzinfo=UTC)


def main() -> None:
    kinds = load_cases_config(ROOT / "config" / "cases.yaml").kind_labels()
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        with Store(folder / "example.db") as store:
            users.add_user(store, "lan", "analyst", "mat-khau-vi-du")
            users.add_user(store, "hung", "inspector", "mat-khau-vi-du")
            analyst, inspector = sorted(users.list_users(store), key=lambda u: u.role)
            ids = store.add_articles([
                Article(url="https://mangxahoi.example/bai/123", source_id="trang-ca-nhan", source_kind="social",
                        title="Sạt lở vùi lấp cả bản ở Mường Tè?", text="Bài đăng trên mạng xã hội.",
                        published_at=NOW),
                Article(url="https://tintonghop.example/sat-lo-muong-te.html", source_id="tin-tong-hop",
                        title="Mường Tè: tin sạt lở vùi lấp bản là không đúng", text="Bài báo.", published_at=NOW)])
            case = records.open_case(store, analyst, Draft(
                title="Tin sai về sạt lở ở Mường Tè trên mạng xã hội", kind="sai-su-that", origin="phone",
                summary="Người dân gọi đường dây nóng phản ánh một bài đăng nói sạt lở vùi lấp cả bản.",
                outlets="Trang cá nhân trên mạng xã hội", article_ids=tuple(int(i or 0) for i in ids)), kinds,
                deadline_days=15, now=NOW)
            case = records.move(store, analyst, case.id, case.version, "verifying", now=NOW)
            case = records.conclude(store, inspector, case.id, case.version, "false",
                                    "UBND xã và Công an xã xác nhận không có sạt lở vùi lấp bản.", now=NOW)
            records.add_action(store, inspector, case.id, ActionDraft("takedown", date(2026, 12, 4),
                                                                      note="Đề nghị chủ tài khoản gỡ bài"), now=NOW)
            file = reads.case_file(store.db, case.id)
            assert file is not None
            pdf = docx_to_pdf(render_docx(ROOT / "config" / "cases_dossier.docx", context(store.db, file, kinds)))
        (folder / "ho-so.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(folder / "ho-so.pdf"),
                        str(folder / "page")], check=True, timeout=120)
        target = ROOT / "docs" / "images" / "case-dossier.png"
        shutil.copyfile(folder / "page.png", target)
        print(f"{target} ({target.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
