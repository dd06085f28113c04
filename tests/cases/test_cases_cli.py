"""``presswatch cases list|show|export|verify`` on a real store: what an operator reads, the DOCX
dossier opened again with python-docx, and verify's exit status after the file was tampered with."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from docx import Document

from cases import records
from cases.model import ActionDraft, Draft
from cases.settings import load_cases_config
from presswatch.cli import main
from presswatch.models import Article
from presswatch.store import Store, users

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
KINDS = load_cases_config(CONFIG / "cases.yaml").kind_labels()
HOSTILE = "Bài đăng <script>alert(1)</script> & {{ number }} {% raw %}"


def docx_text(path: Path) -> str:
    document = Document(str(path))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def filled(tmp_path: Path) -> tuple[Path, str]:
    db = tmp_path / "cli.db"
    with Store(db) as store:
        users.add_user(store, "lan", "analyst", "mat-khau-dai-1")
        inspector = users.add_user(store, "hung", "inspector", "mat-khau-dai-2")
        analyst = next(u for u in users.list_users(store) if u.name == "lan")
        [article_id] = store.add_articles([Article(
            url="https://baolaichau.example/sat-lo.html", source_id="bao-lai-chau", title="Sạt lở ở Mường Tè",
            text="Nội dung về Lai Châu.", published_at=datetime(2026, 12, 1, tzinfo=UTC))])
        case = records.open_case(store, analyst, Draft(
            title="Tin sai về sạt lở", kind="sai-su-that", origin="phone", summary=HOSTILE,
            reporter_name="Nguyễn Văn A", reporter_phone="0912 345 678", article_ids=(int(article_id or 0),)), KINDS)
        case = records.move(store, analyst, case.id, case.version, "verifying")
        case = records.conclude(store, inspector, case.id, case.version, "false", "Đã xác minh: không có sạt lở.")
        records.add_action(store, inspector, case.id, ActionDraft("takedown", datetime(2026, 12, 2).date(),
                                                                  note="Yêu cầu gỡ bài"))
        records.open_case(store, analyst, Draft(title="Phóng viên tác nghiệp", kind="tac-nghiep-sai",
                                                origin="letter"), KINDS)
    return db, case.number


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(CONFIG), "--db", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_list_and_show_keep_the_reporters_contact_out_unless_asked(filled: tuple[Path, str],
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db, number = filled
    code, out, _ = run(capsys, str(db), "cases", "list")
    assert code == 0 and "2 hồ sơ" in out and "đang xử lý 1" in out and "mới 1" in out
    assert f"{number}" in out and "Tin sai về sạt lở" in out
    code, out, _ = run(capsys, str(db), "cases", "list", "--state", "new", "--json")
    listed = json.loads(out)
    assert code == 0 and [c["title"] for c in listed["cases"]] == ["Phóng viên tác nghiệp"]
    code, out, _ = run(capsys, str(db), "cases", "show", number)
    assert code == 0 and "sai sự thật" in out and "yêu cầu gỡ bỏ" in out
    assert "https://baolaichau.example/sat-lo.html" in out
    assert "0912" not in out and "Nguyễn Văn A" not in out and "•••" in out
    timeline = out.split("Diễn biến:", 1)[1]  # labels and dates as people read them, not codes
    assert "trạng thái: Mới" in timeline or "trạng thái: mới" in timeline.lower(), timeline
    assert not re.search(r": (phone|sai-su-that|new|\d{4}-\d\d-\d\d)$", timeline, re.M), timeline
    code, out, _ = run(capsys, str(db), "cases", "show", number, "--personal")
    assert "0912 345 678" in out
    code, _, err = run(capsys, str(db), "cases", "show", "99/2026")
    assert code == 1 and "Không có hồ sơ số 99/2026" in err


def test_export_writes_the_dossier_from_the_template(filled: tuple[Path, str], tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    db, number = filled
    target = tmp_path / "ho-so.docx"
    code, out, _ = run(capsys, str(db), "cases", "export", number, "--out", str(target))
    assert code == 0 and "không có thông tin người phản ánh" in out
    text = docx_text(target)
    for expected in (f"HỒ SƠ VỤ VIỆC SỐ {number}", "Tin sai về sạt lở", "Thông tin sai sự thật",
                     "https://baolaichau.example/sat-lo.html", "sai sự thật", "Đã xác minh: không có sạt lở.",
                     "yêu cầu gỡ bỏ", "toàn vẹn", HOSTILE):
        assert expected in text, expected
    assert "0912" not in text and "Nguyễn Văn A" not in text
    code, _, _ = run(capsys, str(db), "cases", "export", number, "--out", str(target), "--personal")
    assert code == 0 and "0912 345 678" in docx_text(target)


def test_verify_reports_the_first_row_altered(filled: tuple[Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = filled
    code, out, _ = run(capsys, str(db), "cases", "verify")
    assert code == 0 and "toàn vẹn" in out
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE case_audit SET actor = 'ai-do' WHERE id = 4")
    code, _, err = run(capsys, str(db), "cases", "verify")
    assert code == 1 and "dòng 4 đã bị sửa" in err


def test_check_config_names_a_mistake_in_cases_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = tmp_path / "config"
    shutil.copytree(CONFIG, directory)
    assert main(["--config", str(directory), "check-config"]) == 0
    assert "Hồ sơ vụ việc: 5 loại vụ việc." in capsys.readouterr().out
    (directory / "cases.yaml").write_text("kinds:\n  - id: khac\n    nhan: Khác\n", encoding="utf-8")
    assert main(["--config", str(directory), "check-config"]) == 2
    assert f"{directory / 'cases.yaml'}:3" in capsys.readouterr().err


@pytest.mark.skipif((shutil.which("soffice") is None or shutil.which("pdftoppm") is None)
                    and os.environ.get("CI") != "true",
                    reason="LibreOffice (libreoffice-writer-nogui) or pdftoppm (poppler-utils) is not installed")
def test_export_as_pdf_renders_pages(filled: tuple[Path, str], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """The PDF made by LibreOffice from the DOCX, drawn to PNG by pdftoppm: pages with ink on them,
    and the case's words in the PDF's text (Vietnamese diacritics intact)."""
    db, number = filled
    target = tmp_path / "ho-so.pdf"
    code, _, err = run(capsys, str(db), "cases", "export", number, "--out", str(target))
    assert code == 0, err
    assert target.read_bytes().startswith(b"%PDF-")
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(target), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2  # the trail alone takes a page
    assert all(page.read_bytes().startswith(b"\x89PNG") and page.stat().st_size > 2_000 for page in pages)
    text = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, check=True,
                          timeout=60).stdout.decode("utf-8")
    assert f"HỒ SƠ VỤ VIỆC SỐ {number}" in text and "Thông tin sai sự thật" in text and "0912" not in text


def test_users_add_inspector(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    import io

    db = tmp_path / "users.db"
    monkeypatch.setattr("sys.stdin", io.StringIO("mat-khau-thanh-tra\n"))
    assert main(["--db", str(db), "users", "add", "thanhtra", "--role", "inspector", "--password-stdin"]) == 0
    assert "vai trò inspector" in capsys.readouterr().out
    with Store(db) as store:
        [user] = users.list_users(store)
    assert user.role == "inspector" and user.can("analyst") and not user.can("admin")
