"""``presswatch register``: the press register (issue 20) from the command line: import and export
the XLSX workbook, list outlets and spokespeople, publish the spokespeople list as HTML, compute the
compliance indicators of a month, show the audit trail.
"""

from __future__ import annotations

import argparse
import getpass
import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from analysis.gazetteer import load as load_gazetteer
from cases.settings import load_cases_config
from presswatch.cli.options import with_config
from presswatch.cli.output import add_command, err, out
from presswatch.config import Config
from presswatch.errors import CaseError, ConfigError
from presswatch.service.register_cases import flag_cases, open_flag_case
from presswatch.store import Store, users
from presswatch.times import day_start, local, local_date, local_day
from register import tables
from register.indicators import INDICATORS, OutletReport, compute
from register.notify import raise_flags
from register.settings import load_register_settings
from register.xlsx import References, read_workbook, spokespeople_html, write_workbook


def _month(value: str) -> tuple[datetime, datetime]:
    """``YYYY-MM`` → the month's [start, end) in Vietnam time, as UTC moments."""
    try:
        year, month = (int(part) for part in value.split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' không phải tháng dạng YYYY-MM (ví dụ 2026-11)") from None
    following = date(year + month // 12, month % 12 + 1, 1)
    return day_start(first), day_start(following)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' không phải ngày dạng YYYY-MM-DD") from None


def add_register_commands(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    register = add("register", "sổ đăng ký báo chí: cơ quan báo chí, giấy phép, phóng viên thường trú, "
                               "người phát ngôn, chỉ số tuân thủ")
    sub = register.add_subparsers(dest="action", required=True, metavar="VIỆC")
    imported = add_command(sub, "import", "nhập sổ đăng ký từ tệp XLSX (lỗi ở đâu thì không nhập gì)")
    imported.add_argument("file", metavar="TỆP.xlsx")
    imported.add_argument("--actor", metavar="TÊN", help="ghi vào nhật ký thay đổi (mặc định: cli:<tài khoản máy>)")
    imported.set_defaults(func=with_config(cmd_import, existing=False))
    exported = add_command(sub, "export", "xuất sổ đăng ký ra tệp XLSX (cùng mẫu với tệp nhập)")
    exported.add_argument("file", metavar="TỆP.xlsx")
    exported.set_defaults(func=with_config(cmd_export))
    add_command(sub, "outlets", "danh sách cơ quan báo chí").set_defaults(func=with_config(cmd_outlets))
    people = add_command(sub, "spokespeople", "danh sách người phát ngôn đang có hiệu lực")
    people.add_argument("--html", metavar="TỆP.html", help="ghi danh sách dạng HTML để đăng trên cổng thông tin")
    people.add_argument("--date", type=_day, metavar="YYYY-MM-DD", help="hiệu lực vào ngày này (mặc định: hôm nay)")
    people.set_defaults(func=with_config(cmd_spokespeople))
    indicators = add_command(sub, "indicators", "chỉ số tuân thủ của tạp chí, trang thông tin điện tử tổng hợp")
    indicators.add_argument("--month", type=_month, metavar="YYYY-MM", help="tháng (mặc định: tháng trước)")
    indicators.add_argument("--json", action="store_true", help="in kết quả dạng JSON, kèm mã các bài viết")
    indicators.add_argument("--alert", action="store_true",
                            help="gửi cảnh báo cho chỉ số vượt ngưỡng qua các kênh alert_channels của register.yaml "
                                 "(mỗi chỉ số một lần mỗi tháng)")
    indicators.add_argument("--open-case", metavar="SỐ_GIẤY_PHÉP",
                            help="mở hồ sơ vụ việc cho cơ quan có chỉ số vượt ngưỡng trong tháng (đã mở thì chỉ "
                                 "in hồ sơ đã có); cần --as")
    indicators.add_argument("--as", dest="as_user", metavar="NGƯỜI_DÙNG",
                            help="tài khoản thanh tra hoặc quản trị đứng tên hồ sơ (presswatch users list)")
    indicators.set_defaults(func=with_config(cmd_indicators))
    audit = add_command(sub, "audit", "nhật ký thay đổi sổ đăng ký (mới nhất trước)")
    audit.add_argument("--key", metavar="SỐ_GIẤY_PHÉP", help="chỉ một cơ quan (số giấy phép) hoặc người phát ngôn")
    audit.set_defaults(func=with_config(cmd_audit))


def references(config: Config) -> References:
    gazetteer = load_gazetteer()
    return References(topics=frozenset(t.slug for t in config.topics.topics) if config.topics else frozenset(),
                      sources=frozenset(s.id for s in config.sources),
                      communes=frozenset(gazetteer.units))


def cmd_import(args: argparse.Namespace, config: Config, db: Path) -> int:
    register = read_workbook(Path(args.file), references(config))  # RegisterError: nothing is written
    actor = args.actor or f"cli:{getpass.getuser()}"
    with Store(db) as store, store.transaction() as conn:
        outlets = tables.save_outlets(conn, register.outlets, actor)
        people = tables.save_spokespeople(conn, register.spokespeople, actor)
    out(f"Đã nhập {args.file}: cơ quan báo chí {outlets.created} mới, {outlets.updated} sửa, "
        f"{outlets.unchanged} không đổi; người phát ngôn {people.created} mới, {people.updated} sửa, "
        f"{people.unchanged} không đổi.")
    return 0


def cmd_export(args: argparse.Namespace, config: Config, db: Path) -> int:
    with Store(db) as store, store.transaction() as conn:
        outlets, people = tables.outlets(conn), tables.spokespeople(conn)
    write_workbook(Path(args.file), outlets, people)
    out(f"Đã xuất {len(outlets)} cơ quan báo chí, {len(people)} người phát ngôn vào {args.file}.")
    return 0


def cmd_outlets(args: argparse.Namespace, config: Config, db: Path) -> int:
    with Store(db) as store, store.transaction() as conn:
        outlets = tables.outlets(conn)
    if not outlets:
        out("Sổ đăng ký chưa có cơ quan báo chí nào (nhập bằng `presswatch register import TỆP.xlsx`).")
    for o in outlets:
        out(f"{o.licence_no:<20} {o.name} — {o.type_label}; cấp {local_day(o.licence_date)}; "
            f"{len(o.reporters)} phóng viên thường trú; nguồn: {', '.join(o.sources) or '—'}; "
            f"tên miền: {', '.join(o.domains) or '—'}")
    return 0


def cmd_spokespeople(args: argparse.Namespace, config: Config, db: Path) -> int:
    day = args.date or datetime.now(UTC).date()
    with Store(db) as store, store.transaction() as conn:
        people = tables.spokespeople(conn)
    if args.html:
        Path(args.html).write_text(spokespeople_html(people, day), encoding="utf-8")
        out(f"Đã ghi {args.html}.")
        return 0
    current = [p for p in people if p.valid_on(day)]
    if not current:
        out(f"Không có người phát ngôn nào có hiệu lực ngày {local_day(day)}.")
    for p in current:
        out(f"{p.unit:<36} {p.name} — {p.title or '—'}; {p.phone or '—'}; {p.email or '—'}")
    return 0


def cmd_indicators(args: argparse.Namespace, config: Config, db: Path) -> int:
    if args.month:
        start, end = args.month
    else:
        today = datetime.now(UTC).date()
        start, end = _month(f"{today.year - (today.month == 1)}-{(today.month - 2) % 12 + 1:02d}")
    settings = load_register_settings(config.directory)
    urls = {s.id: list(s.urls) for s in config.sources}
    raised: list[str] = []
    if args.open_case and not args.as_user:
        err("--open-case cần --as NGƯỜI_DÙNG: tài khoản thanh tra hoặc quản trị đứng tên hồ sơ.")
        return 2
    with Store(db) as store, store.transaction() as conn:
        reports = compute(conn, tables.outlets(conn), urls, start, end, settings)
        opened = flag_cases(conn, reports, local_date(start))
        if args.alert:
            known = {c.id for c in config.alerts.channels} if config.alerts is not None else set()
            unknown = [c for c in settings.alert_channels if c not in known]
            if unknown or not settings.alert_channels:
                raise ConfigError([f"{config.directory / 'register.yaml'}: alert_channels: "
                                   + (f"kênh '{unknown[0]}' chưa khai báo trong alerts.yaml" if unknown
                                      else "chưa có kênh nào để gửi cảnh báo")])
            raised = raise_flags(conn, reports, start, end, settings.alert_channels, datetime.now(UTC),
                                 config.settings.web_base_url or "")
    if args.open_case:
        return _open_case(args, config, db, reports, local_date(start))
    if args.alert:
        err(f"Đã xếp {len(raised)} cảnh báo mới vào hàng đợi (gửi bằng `presswatch alerts deliver`)."
            if raised else "Không có cảnh báo mới (chỉ số vượt ngưỡng đã được báo trước đó, hoặc không có).")
    if args.json:
        out(json.dumps([{
            "licence_no": r.outlet.licence_no, "name": r.outlet.name, "type": r.outlet.type, "items": r.items,
            "case": opened[r.outlet.licence_no].number if r.outlet.licence_no in opened else None,
            "indicators": [{"name": i.name, "share": i.share, "threshold": i.threshold, "counted": i.counted,
                            "flagged": i.flagged, "articles": i.articles} for i in r.indicators],
        } for r in reports], ensure_ascii=False, indent=1))
        return 0
    out(f"Chỉ số tuân thủ từ {local(start)} đến {local(end)}:")
    if not reports:
        out("  Sổ đăng ký chưa có tạp chí hay trang thông tin điện tử tổng hợp nào.")
    for r in reports:
        case = opened.get(r.outlet.licence_no)
        out(f"{r.outlet.name} ({r.outlet.type_label}, {r.outlet.licence_no}): {r.items} bài"
            + (f" — hồ sơ vụ việc {case.number}" if case else ""))
        for i in r.indicators:
            share = "—" if i.share is None else f"{i.share:.0%}"
            mark = "  VƯỢT NGƯỠNG" if i.flagged else ""
            out(f"  {INDICATORS[i.name]}: {share} ({len(i.articles)}/{i.counted}; ngưỡng {i.threshold:.0%}){mark}")
    return 0


def _open_case(args: argparse.Namespace, config: Config, db: Path, reports: list[OutletReport], month: date) -> int:
    report = next((r for r in reports if r.outlet.licence_no == args.open_case), None)
    if report is None:
        err(f"Không có tạp chí hay trang thông tin điện tử tổng hợp giấy phép '{args.open_case[:100]}' "
            "trong sổ đăng ký.")
        return 2
    cases_file = load_cases_config(config.directory / "cases.yaml")
    with Store(db) as store:
        actor = next((u for u in users.list_users(store) if u.name == args.as_user and not u.disabled), None)
        if actor is None:
            err(f"Không có người dùng '{args.as_user[:40]}' (hoặc tài khoản đã bị khóa).")
            return 2
        try:
            case, new = open_flag_case(store, actor, report, month, cases_file.kind_labels(), cases_file.deadline_days)
        except CaseError as exc:
            err(f"Không mở được hồ sơ: {exc}")
            return 2
    out(f"Đã mở hồ sơ {case.number}: {case.title}" if new
        else f"Hồ sơ {case.number} đã được mở cho chỉ số này từ trước: {case.title}")
    return 0


def cmd_audit(args: argparse.Namespace, config: Config, db: Path) -> int:
    with Store(db) as store, store.transaction() as conn:
        entries = tables.audit(conn, key=args.key)
    if not entries:
        out(f"Không có thay đổi nào của {args.key} trong nhật ký sổ đăng ký." if args.key
            else "Nhật ký sổ đăng ký chưa có thay đổi nào (sổ trống: nạp bằng presswatch register import).")
    for e in entries:
        out(f"{local(e.at)} {e.actor:<16} {e.entity} {e.entity_key} {e.field}: {e.before!s:.60} → {e.after!s:.60}")
    return 0
