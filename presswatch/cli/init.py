"""``presswatch init``: write a starting configuration directory for one province."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from presswatch.cli.output import err, out, province_option
from presswatch.errors import ConfigError
from presswatch.provinces import DEFAULT_PROVINCE


def add_init_command(add: Any) -> None:
    init = add("init", "tạo thư mục cấu hình ban đầu cho một tỉnh, thành phố (nguồn, quy tắc cảnh báo, cài đặt)")
    init.add_argument("--province", required=True, type=province_option, metavar="TỈNH",
                      help="tỉnh, thành phố theo dõi, ví dụ \"Điện Biên\" (có dấu hay không; tên trước 2025 được "
                           "đổi sang tên mới)")
    init.add_argument("--dir", metavar="THƯ_MỤC", help="nơi ghi (mặc định: thư mục cấu hình, ./config)")
    init.add_argument("--force", action="store_true", help="ghi đè các tệp đã có")
    init.set_defaults(func=cmd_init)


def cmd_init(args: argparse.Namespace) -> int:
    from presswatch.config.starter import outlets, write_starter

    directory = Path(args.dir or getattr(args, "config", None) or "config")
    try:
        written = write_starter(directory, args.province, force=args.force)
    except ConfigError as exc:
        err("Không tạo cấu hình:")
        for problem in exc.problems:
            err(f"  {problem}")
        return 2
    out(f"Đã tạo cấu hình cho {args.province} trong {directory}: {', '.join(path.name for path in written)}.")
    known = outlets(args.province)
    if args.province == DEFAULT_PROVINCE:
        out("Nguồn của tỉnh: danh sách đi kèm presswatch (mỗi địa chỉ ghi rõ đã thấy ở đâu hay chưa kiểm tra).")
    else:
        out(f"Nguồn của tỉnh: {len(known)} trang ({', '.join(o.name for o in known) or 'chưa có trong bảng'}), "
            "đều CHƯA KIỂM TRA (verified: false) và đang tắt: mở từng trang, sửa bộ chọn hoặc nguồn RSS rồi bật.")
    out(f"Tiếp theo: presswatch --config {directory} check-config")
    return 0
