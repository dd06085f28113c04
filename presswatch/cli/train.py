"""``presswatch train sentiment|topics [--list | --rollback [VERSION]]``: retrain the sentiment model
(``learning.sentiment``) or the topic model (``learning.topics``) on the shipped data plus the
office's corrections and keep it only if it scores at least as well as the current one; list the
model versions; go back to an earlier one (``shipped``: the shipped sentiment model, or the topic
lexicon alone)."""

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


NAMES = {"sentiment": "mô hình sắc thái", "topics": "mô hình chủ đề"}
SHIPPED_NAMES = {"sentiment": "mô hình gốc kèm phần mềm",
                 "topics": "không có mô hình: bộ từ khóa topics.yaml quyết định"}


def cmd_train(args: argparse.Namespace, config: Config, db: Path) -> int:
    models_dir = config.models_dir
    if args.list:
        for kind in [args.kind] if args.kind else list(versions.KINDS):
            _list(models_dir, kind)
        return 0
    if args.rollback is not None:
        kind = args.kind or "sentiment"
        user = args.user or getpass.getuser()
        before, after = versions.rollback(models_dir, kind, args.rollback or None, user)
        note = " (bộ từ khóa topics.yaml quyết định chủ đề)" if kind == "topics" and after == versions.SHIPPED else ""
        out(f"Đã chuyển {NAMES[kind]} từ {before} về {after}{note}. Lần thu thập và phân tích sau dùng phiên bản "
            "này (dịch vụ đang chạy: presswatch reload; bài đã lưu: presswatch reanalyze).")
        return 0
    if args.kind is None:
        raise TrainingError("cần chọn mô hình (sentiment hoặc topics), hoặc --list, hoặc --rollback")
    # Only training reads the database (the corrections): --list and --rollback work without one.
    if args.kind == "topics":
        return _train_topics(args, config, database(args, config.settings, existing=True))
    return _train(args, config, database(args, config.settings, existing=True))


def _train_topics(args: argparse.Namespace, config: Config, db: Path) -> int:
    from learning.topics import SHIPPED_DATA, train_topics
    from presswatch.config import load_analyzer
    from presswatch.store import Store

    files = [Path(name) for name in args.data] if args.data else None
    # The features are the lexicon's scores and the words: no model takes part in reading them.
    analyzer = load_analyzer(config.directory, with_entities=False, sentiment_model=False, topic_model=False)
    source = ", ".join(str(f) for f in files) if files else str(SHIPPED_DATA)
    out(f"Huấn luyện mô hình chủ đề trên {source} và các hiệu chỉnh chủ đề của văn phòng; "
        f"kiểm định chéo {args.folds} phần…")
    with Store(db) as store:
        outcome = train_topics(store, analyzer, config.models_dir, files, user=args.user, folds=args.folds,
                               seed=args.seed)
    current = "bộ từ khóa topics.yaml" if outcome.current == versions.SHIPPED else outcome.current
    out(f"Dữ liệu: {_count(outcome.shipped)} bài gốc + {outcome.corrections} hiệu chỉnh chủ đề "
        f"({outcome.new_corrections} mới so với cách đang dùng: {current}).")
    if outcome.comparison is None:
        out("Không có hiệu chỉnh chủ đề mới: không huấn luyện lại, giữ nguyên phiên bản đang dùng.")
        return 0
    new, now = outcome.comparison.new, outcome.comparison.current
    out(f"Mô hình mới:  micro-F1 kiểm định chéo {_f1(new.micro_f1)} "
        f"(từng phần: {' '.join(_f1(x) for x in new.per_fold)})")
    out(f"Đang dùng ({current}):  micro-F1 kiểm định chéo {_f1(now.micro_f1)} "
        f"(từng phần: {' '.join(_f1(x) for x in now.per_fold)}; cùng các phần, cùng dữ liệu)")
    if outcome.kept:
        out(f"Giữ mô hình mới (điểm không thấp hơn): phiên bản {outcome.version}, từ nay quyết định chủ đề khi thu "
            "thập và phân tích (dịch vụ đang chạy: presswatch reload; bài đã lưu: presswatch reanalyze --what "
            "topics).")
    else:
        out(f"Không giữ mô hình mới: điểm thấp hơn cách đang dùng; vẫn dùng {current}. "
            f"Lần thử được ghi là {outcome.version}.")
    return 0


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


def _list(models_dir: Path, kind: str) -> None:
    current = versions.current_version(models_dir, kind)
    score = "micro-F1" if kind == "topics" else "macro-F1"
    key = "cv_micro_f1" if kind == "topics" else "cv_macro_f1"
    out(f"{NAMES[kind][0].upper()}{NAMES[kind][1:]} — đang dùng: {current} (thư mục {models_dir / kind})")
    out(f"{'*' if current == versions.SHIPPED else ' '} shipped  {SHIPPED_NAMES[kind]}")
    for entry in versions.history(models_dir, kind):
        data = entry.data
        when = parse_iso(str(data.get("at"))) if data.get("at") else None
        stamp = local(when) if when else "?"
        if data.get("event") == "rollback":
            out(f"  {stamp}: {data.get('who')} quay về {entry.version} (từ {data.get('from')})")
            continue
        mark = "*" if entry.version == current else " "
        state = "giữ" if entry.kept else "không giữ"
        out(f"{mark} {entry.version}  {stamp}  {state}; {_count(int(data.get('training_size', 0)))} bài "
            f"({data.get('corrections', 0)} hiệu chỉnh); {score} {_f1(float(data.get(key, 0)))} so với "
            f"{_f1(float(data.get(key + '_current', 0)))} của {data.get('previous')}; bởi {data.get('who')}")


def add_train_command(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``presswatch train``, added with ``add(name, help)``."""
    train = add("train", "huấn luyện lại mô hình sắc thái hoặc chủ đề với hiệu chỉnh của chuyên viên, giữ nếu "
                         "không kém hơn; xem và quay lại các phiên bản")
    train.add_argument("kind", nargs="?", choices=versions.KINDS,
                       help="mô hình cần huấn luyện: sentiment (sắc thái) hoặc topics (chủ đề)")
    train.add_argument("--list", action="store_true",
                       help="liệt kê các phiên bản và lần huấn luyện (của mô hình đã chọn; không chọn: mọi mô hình)")
    train.add_argument("--rollback", nargs="?", const="", default=None, metavar="PHIÊN_BẢN",
                       help="quay lại phiên bản này của mô hình đã chọn (mặc định sentiment; shipped: mô hình gốc, "
                            "với topics: chỉ bộ từ khóa); không ghi: phiên bản trước")
    train.add_argument("--data", action="append", metavar="TỆP",
                       help="tệp dữ liệu huấn luyện gốc (jsonl, jsonl.gz; lặp lại được; mặc định: "
                            "tests/data/sentiment_train, với topics: tests/data/topics_train; mỗi dòng của tệp "
                            "chủ đề: id, title, text, topics)")
    train.add_argument("--folds", type=bounded_int(2, 20), default=5, metavar="N",
                       help="số phần kiểm định chéo (mặc định 5)")
    train.add_argument("--seed", type=bounded_int(0), default=20261207, metavar="N",
                       help="hạt giống chia phần (mặc định 20261207)")
    train.add_argument("--user", metavar="TÊN", help="người huấn luyện ghi vào hồ sơ phiên bản (mặc định: "
                                                    "người dùng hệ thống)")
    train.set_defaults(func=with_config(cmd_train, existing=False))
