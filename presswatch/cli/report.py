"""``presswatch report``: the periodic report "Báo cáo tình hình thông tin báo chí, mạng xã hội" of a
period, as DOCX (from the editable template ``config/report.docx``) or PDF (LibreOffice headless);
``--briefing``: the press-briefing pack of the period instead (``config/briefing.docx``);
``--province``: only some of the followed provinces (the default file name ends with them);
``--keep``: the file is also kept in the web UI's archive (``reports.archive``), with its provinces."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from presswatch.cli.options import with_config
from presswatch.cli.output import err, out, province_option
from presswatch.config import Config
from presswatch.errors import ReportError
from presswatch.times import local_date, utcnow


def add_report_command(add: Any) -> None:
    report = add("report", "xuất báo cáo định kỳ tình hình thông tin (DOCX theo mẫu config/report.docx, hoặc PDF)")
    report.add_argument("--period", metavar="KỲ", required=True,
                        help="kỳ báo cáo: 2026-11 (tháng), 2026-W48 (tuần), 2026-Q4 (quý), 2026-H1 (6 tháng), "
                             "2026 (năm), 2026-11-03..2026-11-20 (khoảng ngày)")
    report.add_argument("--format", choices=("docx", "pdf"), default="docx",
                        help="docx (mặc định) hoặc pdf (cần LibreOffice: gói libreoffice-writer-nogui)")
    report.add_argument("--out", metavar="TỆP", help="tệp sẽ ghi (mặc định: bao-cao-KỲ.docx|pdf)")
    report.add_argument("--number", metavar="SỐ", default="", help="số văn bản (để trống để ghi tay)")
    report.add_argument("--briefing", action="store_true",
                        help="xuất tài liệu phục vụ họp báo (mẫu config/briefing.docx) thay cho báo cáo")
    report.add_argument("--date", metavar="YYYY-MM-DD", help="ngày ban hành (mặc định: hôm nay)")
    report.add_argument("--province", action="append", type=province_option, metavar="TỈNH",
                        help="chỉ các tin, bài về tỉnh này (lặp lại được; mặc định: mọi tỉnh được theo dõi)")
    report.add_argument("--keep", action="store_true",
                        help="lưu cả vào kho tài liệu của trang Báo cáo (thư mục reports_dir), ghi kèm tỉnh")
    report.set_defaults(func=with_config(cmd_report))


CLI_USER = "dòng lệnh"  # who made a file the command kept in the archive


def cmd_report(args: argparse.Namespace, config: Config, db: Path) -> int:
    from presswatch.store import Store
    from reports import archive
    from reports.content import number
    from reports.make import make_briefing, make_report, narrowed
    from reports.period import parse_period

    period = parse_period(args.period)
    try:
        issued = date.fromisoformat(args.date) if args.date else local_date(utcnow())
    except ValueError:
        raise ReportError(f"--date {args.date!r} không phải ngày dạng YYYY-MM-DD") from None
    unfollowed = [name for name in args.province or [] if name not in config.settings.province]
    if unfollowed:
        err(f"Tỉnh {', '.join(unfollowed)} không được theo dõi (province trong presswatch.yaml: "
            f"{', '.join(config.settings.province)}).")
        return 2
    only = narrowed(config, args.province)
    document = "briefing" if args.briefing else "report"
    with Store(db) as store:
        if args.briefing:
            report, data = make_briefing(config, store, period, pdf=args.format == "pdf", provinces=only)
        else:
            report, data = make_report(config, store, period, issued=issued, number=args.number,
                                       pdf=args.format == "pdf", provinces=only)
        kept = archive.keep(store, Path(config.settings.reports_dir), period, args.format, data, CLI_USER, document,
                            only) if args.keep else None
    stem = archive.STEMS[document]
    target = Path(args.out or f"{stem}-{args.period.strip().replace('..', '_')}{archive.province_suffix(only)}"
                              f".{args.format}")
    target.write_bytes(data)
    what = "tài liệu họp báo" if args.briefing else "báo cáo"
    about = f" về {', '.join(only)}" if only else ""
    out(f"Đã ghi {what} {period.label}{about} ({period.span}) vào {target} ({number(len(data))} byte): "
        f"{number(report.current.relevant)} tin, bài liên quan, {number(report.current.negative)} tiêu cực.")
    if kept is not None:
        out(f"Đã lưu vào kho tài liệu của trang Báo cáo (#{kept}).")
    return 0
