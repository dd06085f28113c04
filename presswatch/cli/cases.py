"""``presswatch cases …``: the case list, one case, its dossier, and the audit trail's check.

``list`` and ``show`` leave the reporter's contact out (``show --personal`` shows it: whoever runs
the command can read the database anyway, but a screen or a terminal log is not the place for it
by default); ``export`` writes the dossier (DOCX, or PDF through LibreOffice when the file ends in ``.pdf``), with
the contact only with ``--personal``;
``verify`` walks the hash chain of the audit trail: exit status 0 intact, 1 with the first row
altered or removed.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cases import audit, reads
from cases.dossier import TEMPLATE_NAME, context, docx_to_pdf, render_docx
from cases.model import ACTION_LABELS, CONCLUSION_LABELS, FIELD_LABELS, STATE_LABELS, Filters, shown
from cases.settings import load_cases_config
from presswatch.cli.options import config_dir, with_config
from presswatch.cli.output import add_command, bounded_int, err, out
from presswatch.config import Config
from presswatch.store import Store
from presswatch.times import local, local_date, local_day


def add_cases_commands(add: Any) -> None:
    cases_cmd = add("cases", "hồ sơ vụ việc: danh sách, xem, xuất hồ sơ, kiểm tra nhật ký")
    sub = cases_cmd.add_subparsers(dest="action", required=True, metavar="VIỆC")
    listing = add_command(sub, "list", "danh sách hồ sơ (mới thay đổi trước)")
    listing.add_argument("--state", choices=tuple(STATE_LABELS), help="chỉ hồ sơ ở trạng thái này")
    listing.add_argument("--kind", metavar="LOẠI", help="chỉ loại vụ việc này (id trong config/cases.yaml)")
    listing.add_argument("--assignee", metavar="TÊN", help="chỉ hồ sơ giao cho người này")
    listing.add_argument("--overdue", action="store_true", help="chỉ hồ sơ quá hạn")
    listing.add_argument("--limit", type=bounded_int(1, 10_000), default=50, help="số hồ sơ tối đa (mặc định 50)")
    listing.add_argument("--json", action="store_true", help="in dạng JSON")
    listing.set_defaults(func=with_config(cmd_cases_list))
    show = add_command(sub, "show", "xem một hồ sơ: thông tin, bài viết, biện pháp, diễn biến")
    show.add_argument("number", metavar="SỐ", help="số hồ sơ, ví dụ 45/2026")
    show.add_argument("--personal", action="store_true", help="hiện cả thông tin người phản ánh")
    show.set_defaults(func=with_config(cmd_cases_show))
    export = add_command(sub, "export", "xuất hồ sơ vụ việc ra tệp DOCX (hoặc PDF, qua LibreOffice) theo mẫu "
                                        "config/cases_dossier.docx")
    export.add_argument("number", metavar="SỐ", help="số hồ sơ, ví dụ 45/2026")
    export.add_argument("--out", metavar="TỆP.docx", required=True,
                        help="tệp sẽ ghi: .docx, hoặc .pdf (cần LibreOffice: gói libreoffice-writer-nogui)")
    export.add_argument("--personal", action="store_true", help="đưa cả thông tin người phản ánh vào hồ sơ")
    export.set_defaults(func=with_config(cmd_cases_export))
    verify = add_command(sub, "verify", "kiểm tra nhật ký thay đổi hồ sơ (chuỗi mã băm) có bị sửa, xóa không")
    verify.set_defaults(func=with_config(cmd_cases_verify))


def _kinds(args: argparse.Namespace) -> dict[str, str]:
    return load_cases_config(config_dir(args) / "cases.yaml").kind_labels()


def cmd_cases_list(args: argparse.Namespace, config: Config, db: Path) -> int:
    kinds = _kinds(args)
    today = local_date(datetime.now(UTC))
    filters = Filters(state=args.state, kind=args.kind, assignee=args.assignee, overdue=args.overdue, limit=args.limit)
    with Store(db) as store:
        found = reads.list_cases(store.db, filters, today)
    if args.json:
        out(json.dumps({"total": found.total, "by_state": found.by_state, "overdue": found.overdue,
                        "cases": [{"id": c.id, "number": c.number, "title": c.title, "kind": c.kind,
                                   "state": c.state, "assignee": c.assignee,
                                   "deadline": c.deadline.isoformat() if c.deadline else None,
                                   "overdue": c.overdue(today), "updated_at": c.updated_at.isoformat()}
                                  for c in found.cases]}, ensure_ascii=False))
        return 0
    counts = ", ".join(f"{STATE_LABELS[state]} {found.by_state.get(state, 0)}" for state in STATE_LABELS)
    out(f"{found.total} hồ sơ ({counts}; quá hạn {found.overdue}).")
    for case in found.cases:
        late = " QUÁ HẠN" if case.overdue(today) else ""
        out(f"  {case.number:<10} {STATE_LABELS[case.state]:<24} hạn {local_day(case.deadline)}{late}  "
            f"{case.assignee or '(chưa giao)'}  [{kinds.get(case.kind, case.kind)}] {case.title}")
    return 0


def _find(store: Store, number: str) -> Any:
    case = reads.find_number(store.db, number)
    if case is None:
        err(f"Không có hồ sơ số {number}.")
    return case


def cmd_cases_show(args: argparse.Namespace, config: Config, db: Path) -> int:
    kinds = _kinds(args)
    with Store(db) as store:
        case = _find(store, args.number)
        if case is None:
            return 1
        file = reads.case_file(store.db, case.id)
    assert file is not None
    out(f"Hồ sơ {case.number}: {case.title}")
    out(f"  Loại: {kinds.get(case.kind, case.kind)} · Trạng thái: {STATE_LABELS[case.state]} · "
        f"Người xử lý: {case.assignee or '(chưa giao)'} · Hạn: {local_day(case.deadline)}")
    out(f"  Mở lúc {local(case.created_at)} bởi {case.created_by}; phiên bản {case.version}")
    if args.personal:
        out(f"  Người phản ánh: {case.reporter_name or '—'} · {case.reporter_phone or '—'} · "
            f"{case.reporter_email or '—'}")
    if case.summary:
        out(f"  Nội dung: {case.summary}")
    if case.conclusion:
        out(f"  Kết luận: {CONCLUSION_LABELS[case.conclusion]} — {case.reasoning}")
    for article in file.articles:
        out(f"  Bài #{article.article_id} [{article.source_id}] {article.title}\n      {article.url}")
    for link in file.links:
        out(f"  Đường dẫn: {link.url} {link.note}")
    for action in file.actions:
        out(f"  Biện pháp: {ACTION_LABELS[action.kind]} ngày {local_day(action.on_day)} "
            f"{action.decision_number} {action.legal_basis}".rstrip())
    for attached in file.attachments:
        out(f"  Tệp: {attached.name} ({attached.mime}, {attached.size} byte, sha256 {attached.sha256})")
    out("  Diễn biến:")
    for entry in file.audit:
        after = shown(entry.field, entry.after, kinds, personal=args.personal)
        change = (f"{shown(entry.field, entry.before, kinds, personal=args.personal)} → {after}"
                  if entry.before is not None else after)
        out(f"    {local(entry.at)} {entry.actor}: {FIELD_LABELS.get(entry.field, entry.field)}: {change}")
    return 0


def cmd_cases_export(args: argparse.Namespace, config: Config, db: Path) -> int:
    kinds = _kinds(args)
    template = config_dir(args) / TEMPLATE_NAME
    with Store(db) as store:
        case = _find(store, args.number)
        if case is None:
            return 1
        file = reads.case_file(store.db, case.id)
        assert file is not None
        values = context(store.db, file, kinds, personal=args.personal)
    data = render_docx(template, values)
    target = Path(args.out)
    if target.suffix.lower() == ".pdf":
        data = docx_to_pdf(data)
    target.write_bytes(data)
    out(f"Đã ghi hồ sơ {case.number} vào {target} ({len(data):,} byte)".replace(",", ".")
        + ("; có thông tin người phản ánh." if args.personal else "; không có thông tin người phản ánh."))
    return 0


def cmd_cases_verify(args: argparse.Namespace, config: Config, db: Path) -> int:
    with Store(db) as store:
        result = audit.verify(store.db)
    if result.ok:
        out(f"Nhật ký hồ sơ toàn vẹn: {result.rows} dòng, chuỗi mã băm khớp.")
        return 0
    err(f"Nhật ký hồ sơ KHÔNG toàn vẹn: {result.problem}. Đã kiểm {result.rows} dòng đầu khớp; "
        f"dòng đầu tiên có vấn đề: {result.first_bad}.")
    return 1
