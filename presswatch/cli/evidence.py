"""``presswatch evidence …``: capture a URL now, re-check due captures, verify every evidence file."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from presswatch.cli.options import with_config
from presswatch.cli.output import add_command, bounded_int, err, out
from presswatch.config import Config
from presswatch.errors import PresswatchError
from presswatch.times import local


def cmd_evidence_capture(args: argparse.Namespace, config: Config, db: Path) -> int:
    """Queue a capture of URL and make it at once (as the service's job would); exit 1 if it failed."""
    from evidence import records, request_capture
    from evidence.files import path_of
    from presswatch.service.evidence import capture_request, evidence_root
    from presswatch.store import Store

    with Store(db) as store:
        try:
            with store.transaction() as conn:
                request_id = request_capture(conn, args.url, reason=args.reason, article_id=args.article)
        except ValueError as exc:
            raise PresswatchError(str(exc)) from None
        out(f"Đang lưu bằng chứng {args.url} (yêu cầu #{request_id})…")
        outcome = capture_request(store, request_id, config.settings)
        if outcome.capture_id is None:
            err(f"Không lưu được ({outcome.status}): {outcome.message}")
            if outcome.status == "pending":
                err("Yêu cầu vẫn trong hàng đợi: dịch vụ (`presswatch run`) sẽ thử lại.")
            return 1
        capture = records.capture(store.db, outcome.capture_id)
    assert capture is not None
    root = evidence_root(config.settings)
    out(f"Đã lưu bằng chứng #{capture.id} lúc {local(capture.captured_at)}: {capture.final_url} "
        f"(HTTP {capture.http_status})")
    out(f"  Tiêu đề: {capture.title}")
    for stored in capture.files:
        out(f"  {stored.kind:<5} {stored.size:>10} byte  SHA-256 {stored.sha256}  {path_of(root, stored.sha256)}")
    for note in capture.notes:
        out(f"  ! {note}")
    return 0


def cmd_evidence_verify(args: argparse.Namespace, config: Config, db: Path) -> int:
    """Recompute the SHA-256 of every evidence file; name each changed or missing one (exit 1)."""
    from evidence.records import verify_all
    from presswatch.service.evidence import evidence_root
    from presswatch.store import Store

    root = evidence_root(config.settings)
    problems = 0
    checked = 0
    with Store(db) as store:
        for count, problem in verify_all(store.db, root):
            checked = count
            if problem is not None:
                problems += 1
                err(f"bằng chứng #{problem.capture_id} ({problem.kind}): {problem.path}: {problem.problem}")
    if problems:
        err(f"{problems}/{checked} tệp bằng chứng không còn nguyên vẹn.")
        return 1
    out(f"{checked} tệp bằng chứng nguyên vẹn (SHA-256 khớp) trong {root}.")
    return 0


def cmd_evidence_recheck(args: argparse.Namespace, config: Config, db: Path) -> int:
    """Run the due re-checks now (the service does it every minute)."""
    from presswatch.service.evidence import recheck

    tally = recheck(db, config.settings, limit=args.limit)
    shown = ", ".join(f"{kind} {count}" for kind, count in sorted(tally.changes.items())) or "không có trang đến hạn"
    out(f"Đã kiểm tra lại {tally.checked} trang: {shown}.")
    return 0


def add_evidence_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``presswatch evidence`` and its sub-commands, added with ``add(name, help)``."""
    evidence = add("evidence", "bằng chứng: lưu trang (WARC, ảnh chụp, PDF), kiểm tra lại, kiểm tra tính toàn vẹn")
    subparsers = evidence.add_subparsers(dest="evidence_command", required=True, metavar="LỆNH")

    def sub_add(name: str, help_text: str) -> argparse.ArgumentParser:
        return add_command(subparsers, name, help_text)

    capture = sub_add("capture", "lưu bằng chứng một địa chỉ ngay (WARC, ảnh chụp toàn trang, PDF, văn bản)")
    capture.add_argument("url", metavar="URL")
    capture.add_argument("--reason", default="lệnh presswatch evidence capture", metavar="LÝ_DO",
                         help="lý do lưu (ghi cùng bằng chứng)")
    capture.add_argument("--article", type=bounded_int(1), metavar="ID", help="gắn với bài viết này")
    capture.set_defaults(func=with_config(cmd_evidence_capture, existing=False))
    verify = sub_add("verify", "tính lại SHA-256 mọi tệp bằng chứng; báo tệp bị sửa hoặc bị mất (mã thoát 1)")
    verify.set_defaults(func=with_config(cmd_evidence_verify))
    recheck = sub_add("recheck", "kiểm tra lại ngay các trang đã lưu đến hạn (sửa, đính chính, gỡ)")
    recheck.add_argument("--limit", type=bounded_int(1), default=1000, metavar="N",
                         help="số trang tối đa (mặc định 1000)")
    recheck.set_defaults(func=with_config(cmd_evidence_recheck))
