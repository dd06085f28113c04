"""``presswatch users``: the accounts of the web UI: add, list, disable/enable, set a password
(asked on the terminal, or read from stdin with ``--password-stdin``), set the e-mail address the
cases' reminders go to.
"""

from __future__ import annotations

import argparse
import shlex
import sys

from presswatch.cli.options import config_dir, database
from presswatch.cli.output import add_command, err, out
from presswatch.config import load_settings
from presswatch.errors import UserError
from presswatch.store import Store
from presswatch.store.users import ROLES
from presswatch.times import local


def add_users_arguments(users_cmd: argparse.ArgumentParser) -> None:
    users_sub = users_cmd.add_subparsers(dest="action", required=True, metavar="VIỆC")
    users_add = add_command(users_sub, "add", "thêm người dùng (hỏi mật khẩu)")
    users_add.add_argument("name", metavar="TÊN")
    users_add.add_argument("--role", choices=ROLES, default="analyst",
                           help="vai trò: viewer (chỉ xem), analyst (mặc định), inspector (thanh tra: "
                                "xử lý hồ sơ vụ việc), admin")
    users_add.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")
    users_add.add_argument("--email", metavar="ĐỊA_CHỈ", help="địa chỉ email nhận nhắc việc hồ sơ (không bắt buộc)")
    add_command(users_sub, "list", "danh sách người dùng")
    users_email = add_command(users_sub, "email", "đặt địa chỉ email nhận nhắc việc hồ sơ (\"\" để bỏ)")
    users_email.add_argument("name", metavar="TÊN")
    users_email.add_argument("email", metavar="ĐỊA_CHỈ")
    for action, help_text in (("disable", "khóa người dùng (kết thúc mọi phiên đăng nhập)"),
                              ("enable", "mở khóa người dùng")):
        add_command(users_sub, action, help_text).add_argument("name", metavar="TÊN")
    users_passwd = add_command(users_sub, "passwd", "đặt mật khẩu mới (hỏi mật khẩu; các phiên cũ kết thúc)")
    users_passwd.add_argument("name", metavar="TÊN")
    users_passwd.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")
    users_cmd.set_defaults(func=cmd_users)


def cmd_users(args: argparse.Namespace) -> int:
    from presswatch.store import users

    settings = load_settings(config_dir(args) / "presswatch.yaml")
    db = database(args, settings, existing=args.action != "add")
    if args.action == "email":
        with Store(db) as store:
            try:
                users.set_email(store, args.name, args.email)
            except UserError as exc:
                err(f"Không đặt được email: {exc}")
                return 2
        out(f"Đã đặt email của {args.name}." if args.email.strip() else f"Đã bỏ email của {args.name}.")
        return 0
    if args.action in ("add", "passwd") and not args.password_stdin and not _has_terminal():
        example = f"printf '%s\\n' \"$MAT_KHAU\" | presswatch users {args.action} {shlex.quote(args.name)}"
        err(f"Không có terminal để hỏi mật khẩu. Dùng --password-stdin và đưa mật khẩu vào stdin, ví dụ:\n"
            f"  {example} --password-stdin")
        return 2
    with Store(db) as store:
        if args.action == "list":
            for user in users.list_users(store):
                state = " (đã khóa)" if user.disabled else ""
                out(f"{user.name:<24} {user.role:<9} tạo lúc {local(user.created_at)} "
                    f"email: {user.email or '—'}{state}")
            return 0
        if args.action in ("disable", "enable"):
            try:
                users.set_disabled(store, args.name, args.action == "disable")
            except UserError as exc:
                err(f"Không đổi được trạng thái: {exc}")
                return 2
            out(f"Đã khóa {args.name}; mọi phiên đăng nhập của người này đã kết thúc." if args.action == "disable"
                else f"Đã mở khóa {args.name}.")
            return 0
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            import getpass

            try:
                password = getpass.getpass(f"Mật khẩu cho {args.name}: ")
                again = getpass.getpass("Nhập lại mật khẩu: ")
            except EOFError:
                err("\nChưa nhập mật khẩu (hết dữ liệu vào). Dùng --password-stdin để đọc mật khẩu từ stdin.")
                return 2
            if again != password:
                err("Hai lần nhập mật khẩu không khớp.")
                return 2
        if args.action == "passwd":
            try:
                users.set_password(store, args.name, password)
            except UserError as exc:
                err(f"Không đổi được mật khẩu: {exc}")
                return 2
            out(f"Đã đổi mật khẩu của {args.name}; các phiên đăng nhập cũ đã kết thúc.")
            return 0
        try:
            users.check_email(args.email)  # before the account is made: a bad address makes nothing
            user = users.add_user(store, args.name, args.role, password)
            if args.email:
                users.set_email(store, user.name, args.email)
        except UserError as exc:
            err(f"Không tạo được người dùng: {exc}")
            return 2
    out(f"Đã tạo người dùng {user.name} (vai trò {user.role}).")
    return 0


def _has_terminal() -> bool:
    """Whether getpass can ask (it reads /dev/tty, else stdin if that is a terminal)."""
    try:
        with open("/dev/tty", "rb"):
            return True
    except OSError:
        return sys.stdin is not None and sys.stdin.isatty()
