"""Cases on a real SQLite store: numbers without gaps or duplicates under concurrent writers, the
version check, the workflow's rights and moves, the hash-chained audit trail and its verification
after real tampering, attachments checked by content, and config/cases.yaml."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import audit, reads, records
from cases.attachments import add_attachment, path_of, read_attachment
from cases.model import ActionDraft, Draft
from cases.settings import load_cases_config
from presswatch.errors import CaseConflict, CaseError, CaseForbidden, ConfigError
from presswatch.models import Article
from presswatch.store import Store, users
from presswatch.store.users import User
from tests.support.webserver import fill

ROOT = Path(__file__).resolve().parents[2]
KINDS = load_cases_config(ROOT / "config" / "cases.yaml").kind_labels()
NOW = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def person(name: str, role: str) -> User:
    return User(name, role, NOW)  # type: ignore[arg-type]


ANALYST, INSPECTOR, ADMIN, VIEWER = (person("lan", "analyst"), person("hung", "inspector"), person("quan", "admin"),
                                     person("xem", "viewer"))


@pytest.fixture
def cstore(tmp_path: Path) -> Store:
    store = Store(tmp_path / "cases.db")
    for user in (ANALYST, INSPECTOR, ADMIN):
        users.add_user(store, user.name, user.role, "mat-khau-dai-1")
    store.add_articles([Article(url=f"https://baolaichau.example/{n}.html", source_id="bao-lai-chau",
                                title=f"Bài {n} về Lai Châu", text="Nội dung bài viết về tỉnh Lai Châu.",
                                published_at=NOW) for n in range(3)])
    return store


def draft(**values: object) -> Draft:
    base: dict[str, object] = {"title": "Phản ánh tin sai về sạt lở ở Mường Tè", "kind": "sai-su-that",
                               "origin": "phone", "summary": "Người dân gọi đường dây nóng.",
                               "reporter_name": "Nguyễn Văn A", "reporter_phone": "0912 345 678"}
    base.update(values)
    return Draft(**base)  # type: ignore[arg-type]


def test_a_new_case_is_numbered_per_year_and_its_fields_are_in_the_trail(cstore: Store) -> None:
    first = records.open_case(cstore, ANALYST, draft(article_ids=(1,)), KINDS, deadline_days=15, now=NOW)
    second = records.open_case(cstore, ANALYST, draft(title="Thứ hai"), KINDS, now=NOW)
    assert (first.number, second.number) == ("1/2026", "2/2026")
    assert first.state == "new" and first.reporter_phone == "0912 345 678" and first.deadline == date(2026, 12, 22)
    next_year = records.open_case(cstore, ANALYST, draft(), KINDS, now=datetime(2026, 12, 31, 17, 30, tzinfo=UTC))
    assert next_year.number == "1/2027"  # 00:30 on 1 January in Vietnam
    file = reads.case_file(cstore.db, first.id)
    assert file is not None
    assert [a.url for a in file.articles] == ["https://baolaichau.example/0.html"]
    fields = [entry.field for entry in file.audit]
    assert fields[0] == "created" and {"title", "kind", "reporter_phone", "state", "article"} <= set(fields)
    assert reads.find_number(cstore.db, "2/2026") == second


def test_a_refused_case_takes_no_number(cstore: Store) -> None:
    records.open_case(cstore, ANALYST, draft(), KINDS, now=NOW)
    for bad in (draft(kind="khong-co"), draft(title="  "), draft(reporter_phone="gọi tôi"),
                draft(reporter_email="a@"), draft(article_ids=(999,)), draft(links=("javascript:alert(1)",))):
        with pytest.raises(CaseError):
            records.open_case(cstore, ANALYST, bad, KINDS, now=NOW)
    with pytest.raises(CaseForbidden):
        records.open_case(cstore, VIEWER, draft(), KINDS, now=NOW)
    with pytest.raises(CaseForbidden):  # assigning is the inspectors'
        records.open_case(cstore, ANALYST, draft(assignee="hung"), KINDS, now=NOW)
    assert records.open_case(cstore, ANALYST, draft(), KINDS, now=NOW).number == "2/2026"


def _open_many(path: str, worker: int, count: int) -> None:
    with Store(path) as store:
        for n in range(count):
            records.open_case(store, ANALYST, draft(title=f"Tiến trình {worker} hồ sơ {n}"), KINDS)


def test_numbers_have_no_gap_and_no_duplicate_under_concurrent_processes(cstore: Store) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_open_many, args=(str(cstore.path), w, 15)) for w in range(4)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    listed = reads.list_cases(cstore.db, reads.Filters(limit=1000), NOW.date())
    year = listed.cases[0].year
    assert sorted(c.seq for c in listed.cases if c.year == year) == list(range(1, 61))
    assert audit.verify(cstore.db).ok


def test_two_people_editing_the_same_case_never_lose_a_change(cstore: Store) -> None:
    case = records.open_case(cstore, ANALYST, draft(), KINDS, now=NOW)
    records.update_case(cstore, INSPECTOR, case.id, case.version, {"title": "Tiêu đề của thanh tra"}, KINDS)
    with pytest.raises(CaseConflict) as caught:
        records.update_case(cstore, ANALYST, case.id, case.version, {"summary": "Nội dung của chuyên viên"}, KINDS)
    assert "hung" in str(caught.value) and "chưa được lưu" in str(caught.value)
    now = reads.get_case(cstore.db, case.id)
    assert now is not None and now.title == "Tiêu đề của thanh tra" and now.summary == case.summary
    assert now.version == case.version + 1
    # With the fresh version the second change goes through, and the first stays.
    after = records.update_case(cstore, ANALYST, case.id, now.version, {"summary": "Nội dung mới"}, KINDS)
    assert (after.title, after.summary) == ("Tiêu đề của thanh tra", "Nội dung mới")


def test_the_workflow_enforces_who_moves_a_case_where(cstore: Store) -> None:
    case = records.open_case(cstore, ANALYST, draft(), KINDS, now=NOW)
    with pytest.raises(CaseForbidden):
        records.move(cstore, ANALYST, case.id, case.version, "closed")
    with pytest.raises(CaseForbidden):
        records.move(cstore, INSPECTOR, case.id, case.version, "acting")  # no such move from 'mới'
    with pytest.raises(CaseForbidden):  # analysts may not see or change the reporter's contact
        records.update_case(cstore, ANALYST, case.id, case.version, {"reporter_phone": "0987654321"}, KINDS)
    case = records.move(cstore, ANALYST, case.id, case.version, "verifying")
    with pytest.raises(CaseForbidden):
        records.conclude(cstore, ANALYST, case.id, case.version, "false", "Đã xác minh với UBND xã.")
    with pytest.raises(CaseError):
        records.conclude(cstore, INSPECTOR, case.id, case.version, "false", "   ")
    with pytest.raises(CaseError):
        records.add_action(cstore, INSPECTOR, case.id, ActionDraft("takedown", NOW.date()))  # not concluded yet
    case = records.conclude(cstore, INSPECTOR, case.id, case.version, "false", "Đã xác minh với UBND xã.")
    assert (case.state, case.conclusion) == ("concluded", "false")
    with pytest.raises(CaseError):  # a fine needs its decision number, legal basis and amount
        records.add_action(cstore, INSPECTOR, case.id, ActionDraft("fine", NOW.date(), legal_basis="NĐ 119"))
    records.add_action(cstore, INSPECTOR, case.id, ActionDraft("takedown", NOW.date(), note="Gửi công văn"))
    records.add_action(cstore, INSPECTOR, case.id, ActionDraft("fine", NOW.date(), "12/QĐ-XPVPHC",
                                                                "Nghị định 119/2020/NĐ-CP", 10_000_000))
    case = reads.get_case(cstore.db, case.id)  # type: ignore[assignment]
    assert case is not None and case.state == "acting"
    case = records.move(cstore, INSPECTOR, case.id, case.version, "closed")
    with pytest.raises(CaseForbidden):
        records.move(cstore, INSPECTOR, case.id, case.version, "verifying")
    case = records.move(cstore, ADMIN, case.id, case.version, "verifying")  # reopened by an admin
    states = [(e.before, e.after) for e in audit.entries(cstore.db, case.id) if e.field == "state"]
    assert states == [(None, "new"), ("new", "verifying"), ("verifying", "concluded"), ("concluded", "acting"),
                      ("acting", "closed"), ("closed", "verifying")]


def test_verify_finds_the_first_row_altered_or_removed(cstore: Store) -> None:
    for n in range(3):
        records.open_case(cstore, ANALYST, draft(title=f"Hồ sơ {n}"), KINDS, now=NOW)
    rows = int(cstore.db.execute("SELECT count(*) FROM case_audit").fetchone()[0])
    assert audit.verify(cstore.db) == audit.Verification(True, rows)
    raw = sqlite3.connect(cstore.path)  # someone editing the file behind the program's back
    with raw:
        raw.execute("UPDATE case_audit SET after = 'Hồ sơ đã sửa' WHERE id = 9")
    result = audit.verify(cstore.db)
    assert (result.ok, result.first_bad) == (False, 9) and "đã bị sửa" in result.problem
    with raw:
        raw.execute("DELETE FROM case_audit WHERE id >= 9 AND id <= 9")
    result = audit.verify(cstore.db)
    assert (result.ok, result.first_bad) == (False, 9) and "đã bị xóa" in result.problem
    # Removing the newest rows leaves no gap: the head shows it.
    with raw:
        raw.execute("DELETE FROM case_audit WHERE id >= 8")
    result = audit.verify(cstore.db)
    assert (result.ok, result.first_bad) == (False, 8) and "đã bị xóa" in result.problem
    raw.close()


def test_attachments_are_checked_by_content_and_kept_under_their_hash(cstore: Store, tmp_path: Path) -> None:
    case = records.open_case(cstore, ANALYST, draft(), KINDS, now=NOW)
    folder = tmp_path / "cases"
    kept = add_attachment(cstore, ANALYST, case.id, "../../công văn.pdf", PDF, cases_dir=folder, max_bytes=10_000)
    assert (kept.mime, kept.name, kept.size) == ("application/pdf", "công văn.pdf", len(PDF))
    assert path_of(folder, kept.sha256).read_bytes() == PDF and read_attachment(folder, kept) == PDF
    again = add_attachment(cstore, ANALYST, case.id, "ban-sao.pdf", PDF, cases_dir=folder, max_bytes=10_000)
    assert again.id == kept.id
    with pytest.raises(CaseError, match="theo nội dung"):
        add_attachment(cstore, ANALYST, case.id, "thu.pdf", b"<html><script>x</script>", cases_dir=folder,
                       max_bytes=10_000)
    with pytest.raises(CaseError, match="quá lớn"):
        add_attachment(cstore, ANALYST, case.id, "lon.pdf", PDF + b"0" * 10_000, cases_dir=folder, max_bytes=10_000)
    image = add_attachment(cstore, ANALYST, case.id, "anh", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, cases_dir=folder,
                           max_bytes=10_000)
    assert image.name == "anh.png"
    path_of(folder, kept.sha256).write_bytes(PDF + b"x")
    with pytest.raises(CaseError, match="không còn khớp"):
        read_attachment(folder, kept)


def test_opening_a_case_from_an_article_attaches_the_storys_other_copies(tmp_path: Path) -> None:
    ids = fill(tmp_path / "web.db")
    with Store(tmp_path / "web.db") as store:
        analyst = next(u for u in users.list_users(store) if u.role == "analyst")
        case = records.open_case(store, analyst, draft(origin="analyst", article_ids=(ids["copy"],)), KINDS)
        attached = {a.article_id for a in reads.case_file(store.db, case.id).articles}  # type: ignore[union-attr]
        assert attached == {ids["copy"], ids["copy2"]}
        assert [c.id for c in reads.cases_of_article(store.db, ids["copy2"])] == [case.id]


def test_the_shipped_cases_yaml_loads_and_mistakes_name_file_line_and_key(tmp_path: Path) -> None:
    shipped = load_cases_config(ROOT / "config" / "cases.yaml")
    assert len(shipped.kinds) == 5 and "Nghị định 119/2020/NĐ-CP" in shipped.legal_bases
    assert load_cases_config(tmp_path / "missing.yaml") == shipped
    path = tmp_path / "cases.yaml"
    path.write_text("kinds:\n  - id: sai-su-that\n    label: Sai\n  - id: Sai Su That\n    label: x\n"
                    "deadline_days: 0\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_cases_config(path)
    text = "\n".join(caught.value.problems)
    assert f"{path}:4: kinds[1].id" in text or f"{path}:4" in text
    assert f"{path}:6" in text
    path.write_text("kinds:\n  - id: khac\n    label: Khác\n  - id: khac\n    label: Khác nữa\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="trùng"):
        load_cases_config(path)


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=30),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                        max_size=3), max_leaves=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(["title", "kind", "origin", "summary", "reporter_phone", "reporter_email",
                                             "deadline", "articles", "links", "assignee", "outlets"]),
                            json_values, max_size=8),
       kind=st.sampled_from(sorted(KINDS)) | json_values, title=st.text(max_size=40) | json_values)
def test_any_json_body_opens_a_case_or_says_why(cstore: Store, body: dict[str, object], kind: object,
                                                title: object) -> None:
    """Whatever a client sends to POST /api/cases (its body turned into a draft), the answer is a case
    or a CaseError in Vietnamese: never another exception, never a half case."""
    from presswatch.web.case_forms import draft_of

    body = {"kind": kind, "title": title, **body} if "kind" not in body else body
    before = int(cstore.db.execute("SELECT count(*) FROM case_audit").fetchone()[0])
    try:
        case = records.open_case(cstore, INSPECTOR, draft_of(body, origin="api"), KINDS, now=NOW)
    except CaseError as exc:
        assert str(exc)
        assert int(cstore.db.execute("SELECT count(*) FROM case_audit").fetchone()[0]) == before
    else:
        assert case.title.strip() and case.kind in KINDS
    assert audit.verify(cstore.db).ok


def test_what_a_case_attaches_is_queued_for_capture_and_the_dossier_lists_the_evidence_kept(
        cstore: Store, tmp_path: Path) -> None:
    """Attaching an article or a link requests an evidence capture in the same transaction (issue 18
    with issue 19); once the evidence job has kept the page, the dossier lists each file with its
    capture time and SHA-256, in the rendered DOCX too."""
    import hashlib
    import io

    from docx import Document

    from cases import dossier
    from evidence import queue
    from evidence.records import Capture, save, store_files

    case = records.open_case(cstore, ANALYST, draft(article_ids=(2,), links=("https://facebook.example/p/1",)),
                             KINDS, now=NOW)
    with cstore.transaction() as db:
        due = queue.due(db, datetime.now(UTC), limit=10)
    assert {(r.url, r.article_id, r.case_id) for r in due} == {
        ("https://baolaichau.example/1.html", 2, case.id), ("https://facebook.example/p/1", None, case.id)}
    assert all(r.reason == f"hồ sơ vụ việc {case.id}" for r in due)
    with pytest.raises(CaseError):  # a refused case queues nothing (its transaction is rolled back)
        records.open_case(cstore, ANALYST, draft(article_ids=(1,), title=" "), KINDS, now=NOW)
    with cstore.transaction() as db:
        assert len(queue.due(db, datetime.now(UTC), limit=10)) == 2

    page = "<html><body><h1>Bài 1 về Lai Châu</h1></body></html>".encode()
    request = next(r for r in due if r.article_id == 2)
    kept = Capture(url=request.url, final_url=request.url, http_status=200, title="Bài 1 về Lai Châu",
                   text="Nội dung", captured_at=NOW, tools={"test": "1"}, files={"warc": page, "text": b"Noi dung"})
    with cstore.transaction() as db:
        save(db, request.id, kept, store_files(tmp_path / "evidence", kept), [3600])
    file = reads.case_file(cstore.db, case.id)
    assert file is not None
    values = dossier.context(cstore.db, file, KINDS)
    assert {(row["kind"], row["sha256"]) for row in values["evidence"]} == {
        ("WARC", hashlib.sha256(page).hexdigest()), ("văn bản", hashlib.sha256(b"Noi dung").hexdigest())}
    assert values["evidence"][0]["at"].startswith("07/12/2026 10:00") and values["evidence_note"] == "1 bản lưu, 2 tệp"
    document = Document(io.BytesIO(dossier.render_docx(ROOT / "config" / "cases_dossier.docx", values)))
    text = "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert hashlib.sha256(page).hexdigest() in text and "https://baolaichau.example/1.html" in text
