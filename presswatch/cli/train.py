"""``presswatch train sentiment | --list | --rollback [VERSION]``: retrain the sentiment model on the
shipped data plus the office's corrections and keep it only if it scores at least as well as the
current one (``learning.sentiment``); list the model versions; go back to an earlier one."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from pathlib import Path

from presswatch.cli.options import database, with_config
from presswatch.cli.output import bounded_int, out
from presswatch.config import Config
from presswatch.config import model_versions as versions
from presswatch.errors import TrainingError
from presswatch.times import local, parse_iso


def _f1(value: float) -> str:
    return f"{value:.3f}".replace(".", ",")


def _count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def cmd_train(args: argparse.Namespace, config: Config, db: Path) -> int:
    models_dir = config.models_dir
    if args.list:
        return _list(models_dir)
    if args.rollback is not None:
        user = args.user or getpass.getuser()
        before, after = versions.rollback(models_dir, "sentiment", args.rollback or None, user)
        out(f"Đã chuyển mô hình sắc thái từ {before} về {after}. Lần thu thập và phân tích sau dùng phiên bản này "
            "(dịch vụ đang chạy: presswatch reload).")
        return 0
    if args.kind is None:
        raise TrainingError("cần chọn mô hình (sentiment), hoặc --list, hoặc --rollback")
    # Only training reads the database (the corrections): --list and --rollback work without one.
    return _train(args, config, database(args, config.settings, existing=True))


def _train(args: argparse.Namespace, config: Config, db: Path) -> int:
    from learning.sentiment import shipped_files, train_sentiment
    from presswatch.config import load_analyzer
    from presswatch.store import Store

    files = [Path(name) for name in args.data] if args.data else shipped_files()
    # The features are read by the lexicons alone: the model under training must not read its own output.
    analyzer = load_analyzer(config.directory, with_entities=False, sentiment_model=False)
    out(f"Huấn luyện mô hình sắc thái trên {', '.join(str(f) for f in files)} và các hiệu chỉnh của văn phòng; "
        f"kiểm định chéo {args.folds} phần…")
    with Store(db) as store:
        outcome = train_sentiment(store, analyzer, config.models_dir, files, user=args.user, folds=args.folds,
                                  seed=args.seed)
    out(f"Dữ liệu: {_count(outcome.shipped)} bài gốc + {outcome.corrections} hiệu chỉnh sắc thái "
        f"({outcome.new_corrections} mới so với phiên bản đang dùng: {outcome.current}).")
    if outcome.comparison is None:
        out("Không có hiệu chỉnh sắc thái mới: không huấn luyện lại, giữ nguyên phiên bản đang dùng.")
        return 0
    new, current = outcome.comparison.new, outcome.comparison.current
    out(f"Mô hình mới:       macro-F1 kiểm định chéo {_f1(new.macro_f1)} "
        f"(từng phần: {' '.join(_f1(x) for x in new.per_fold)})")
    out(f"Mô hình hiện tại:  macro-F1 kiểm định chéo {_f1(current.macro_f1)} "
        f"(từng phần: {' '.join(_f1(x) for x in current.per_fold)}; cùng các phần, cùng dữ liệu)")
    if outcome.kept:
        out(f"Giữ mô hình mới (điểm không thấp hơn): phiên bản {outcome.version}, từ nay được dùng khi thu thập và "
            "phân tích (dịch vụ đang chạy: presswatch reload).")
    else:
        out(f"Không giữ mô hình mới: điểm thấp hơn mô hình hiện tại; vẫn dùng {outcome.current}. "
            f"Lần thử được ghi là {outcome.version}.")
    return 0


def _list(models_dir: Path) -> int:
    current = versions.current_version(models_dir, "sentiment")
    out(f"Mô hình sắc thái — đang dùng: {current} (thư mục {models_dir / 'sentiment'})")
    out(f"{'*' if current == versions.SHIPPED else ' '} shipped  mô hình gốc kèm phần mềm")
    for entry in versions.history(models_dir, "sentiment"):
        data = entry.data
        when = parse_iso(str(data.get("at"))) if data.get("at") else None
        stamp = local(when) if when else "?"
        if data.get("event") == "rollback":
            out(f"  {stamp}: {data.get('who')} quay về {entry.version} (từ {data.get('from')})")
            continue
        mark = "*" if entry.version == current else " "
        state = "giữ" if entry.kept else "không giữ"
        out(f"{mark} {entry.version}  {stamp}  {state}; {_count(int(data.get('training_size', 0)))} bài "
            f"({data.get('corrections', 0)} hiệu chỉnh); macro-F1 {_f1(float(data.get('cv_macro_f1', 0)))} so với "
            f"{_f1(float(data.get('cv_macro_f1_current', 0)))} của {data.get('previous')}; bởi {data.get('who')}")
    return 0


def add_train_command(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``presswatch train``, added with ``add(name, help)``."""
    train = add("train", "huấn luyện lại mô hình sắc thái với hiệu chỉnh của chuyên viên, giữ nếu không kém hơn; "
                         "xem và quay lại các phiên bản")
    train.add_argument("kind", nargs="?", choices=("sentiment",), help="mô hình cần huấn luyện: sentiment")
    train.add_argument("--list", action="store_true", help="liệt kê các phiên bản và lần huấn luyện")
    train.add_argument("--rollback", nargs="?", const="", default=None, metavar="PHIÊN_BẢN",
                       help="quay lại phiên bản này (shipped: mô hình gốc); không ghi: phiên bản trước")
    train.add_argument("--data", action="append", metavar="TỆP",
                       help="tệp dữ liệu huấn luyện gốc (jsonl, jsonl.gz; lặp lại được; mặc định: "
                            "tests/data/sentiment_train)")
    train.add_argument("--folds", type=bounded_int(2, 20), default=5, metavar="N",
                       help="số phần kiểm định chéo (mặc định 5)")
    train.add_argument("--seed", type=bounded_int(0), default=20261207, metavar="N",
                       help="hạt giống chia phần (mặc định 20261207)")
    train.add_argument("--user", metavar="TÊN", help="người huấn luyện ghi vào hồ sơ phiên bản (mặc định: "
                                                    "người dùng hệ thống)")
    train.set_defaults(func=with_config(cmd_train, existing=False))
