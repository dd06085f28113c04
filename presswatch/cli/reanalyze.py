"""``presswatch reanalyze``: apply the current analysis (topics.yaml, gazetteer, sentiment terms,
model) to stored articles, with a progress line; resumable (see ``reanalysis.run``). The press
register's detector marks of an older detector version are redone in the same batches
(``register.marks.refresh``, wired here: re-analysis sits below the register)."""

from __future__ import annotations

import argparse
import re
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from pathlib import Path

from presswatch.cli.options import config_dir, with_config
from presswatch.cli.output import bounded_int, date_option, out
from presswatch.config import Config
from reanalysis.fields import ALL

FIELD_LABELS = {"relevance": "mức liên quan", "topics": "chủ đề", "sentiment": "sắc thái", "places": "địa danh",
                "entities": "thực thể", "toxicity": "độc hại"}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def analysis_files(directory: Path, models_dir: Path | None = None) -> list[Path]:
    """The files whose contents make the analysis: the configuration's lexicons, ``presswatch.yaml``
    (the provinces followed), the packaged data (gazetteer, spelling variants, shipped model) and
    the trained sentiment and topic models in use in ``models_dir`` (``presswatch train``)."""
    import analysis
    from presswatch.config.model_versions import current_model_path

    packaged = Path(analysis.__file__).parent / "data"
    trained = [path for kind in ("sentiment", "topics") if (path := current_model_path(models_dir, kind)) is not None]
    names = ("topics.yaml", "sentiment.yaml", "toxicity.yaml", "presswatch.yaml")
    return [directory / name for name in names] + sorted(
        path for path in packaged.iterdir() if path.is_file()) + trained


def cmd_reanalyze(args: argparse.Namespace, config: Config, db: Path) -> int:
    from presswatch.cli.progress import RateLine
    from presswatch.config import load_analyzer
    from presswatch.errors import ReanalysisError
    from presswatch.search.keep import engine_name, sync_index
    from presswatch.store import Store
    from presswatch.store.corrections import overlay_corrections
    from reanalysis.run import Selection, fingerprint, reanalyze, resume
    from register.marks import refresh

    directory = config_dir(args)
    since = date_option(args.since, "--since") if args.since else None
    until = date_option(args.until, "--until") if args.until else None
    if until is not None and _DAY.fullmatch(args.until.strip()):
        until += timedelta(days=1)  # "--until 2026-11-30": to the end of that day
    selection = Selection(since, until, tuple(args.source or ()), args.what)
    factory = partial(load_analyzer, directory, models_dir=config.models_dir)  # the model in use, trained or shipped
    factory()  # a configuration that does not load stops here, before any worker starts
    print_ = fingerprint(analysis_files(directory, config.models_dir))
    indexed = config.settings.index_backend != "sqlite"  # tantivy, Elasticsearch: index rewritten articles again
    line = RateLine(sys.stderr)
    options = {"workers": args.workers, "batch": args.batch, "progress": line.update,
               "index_again": indexed}
    with Store(db) as store:
        # the analysts' corrections win over the new analysis, in each batch's transaction
        options["after_batch"] = partial(overlay_corrections, store)
        # the press register's genre and attribution marks made by an older detector, redone in each batch
        remarked = [0]

        def remark(conn: sqlite3.Connection, rows: Sequence[sqlite3.Row]) -> None:
            remarked[0] += refresh(conn, rows)

        options["each_batch"] = remark
        if args.resume:
            outcome = resume(store, factory, print_, **options)
            if outcome is None:
                raise ReanalysisError("không có lượt phân tích lại nào đang dở để tiếp tục")
        else:
            outcome = reanalyze(store, selection, factory, print_, restart=args.restart, **options)
    line.clear()
    run = outcome.run
    counts = run.counts
    if outcome.resumed:
        out(f"Tiếp tục lượt phân tích lại #{run.id} (bắt đầu {_local(run)}).")
    rate = outcome.processed / outcome.seconds if outcome.seconds else 0.0
    out(f"Đã phân tích lại {_number(run.done)} bài (lần chạy này {_number(outcome.processed)} bài trong "
        f"{outcome.seconds:.0f} giây, {_number(rate, 1)} bài/giây).")
    changed = ", ".join(f"{FIELD_LABELS[name]} {counts.get(name, 0)}" for name in Selection.from_json(
        run.selection).fields)
    out(f"Bài thay đổi: {counts.get('changed', 0)} ({changed}).")
    out(f"Phân đoạn từ: {counts.get('segmentation_cached', 0)} bài đọc lại từ bộ nhớ đệm, "
        f"{counts.get('segmented', 0)} bài phân đoạn mới.")
    if counts.get("errors"):
        out(f"{counts['errors']} bài phân tích lỗi (giữ nguyên kết quả cũ):")
        for error in outcome.errors:
            out(f"  {error}")
    if remarked[0]:
        out(f"Sổ đăng ký: nhận diện lại thể loại và ghi nguồn của {_number(remarked[0])} bài (bộ nhận diện mới).")
    out("Không gửi cảnh báo nào: phân tích lại không gửi lại cảnh báo cho bài cũ.")
    if indexed and counts.get("changed"):
        engine = engine_name(config.settings)
        engine = engine[:1].upper() + engine[1:]
        synced = sync_index(config.settings, db)
        if synced is not None and synced.error is None:
            out(f"{engine}: đã gửi lại {synced.sent} bài.")
        elif synced is not None:
            out(f"{engine}: chưa gửi xong ({synced.error}); lần đồng bộ sau sẽ gửi tiếp.")
    return 1 if counts.get("errors") else 0


def _number(value: float, decimals: int = 0) -> str:
    """``12.400``, ``310,5``: thousands grouped with dots, a decimal comma."""
    return f"{value:,.{decimals}f}".translate(str.maketrans(",.", ".,"))


def _fields(text: str) -> tuple[str, ...]:
    """``--what``: the fields, or a Vietnamese error naming the unknown ones (exit 2)."""
    from presswatch.errors import ReanalysisError
    from reanalysis.fields import parse_fields

    try:
        return parse_fields(text)
    except ReanalysisError as exc:
        raise argparse.ArgumentTypeError(str(exc).removeprefix("--what: ")) from None


def _local(run: object) -> str:
    from presswatch.times import local

    return local(getattr(run, "started_at", None))


def add_reanalyze_command(add: Callable[[str, str], argparse.ArgumentParser]) -> None:
    command = add("reanalyze", "phân tích lại các bài đã lưu theo cấu hình hiện tại (chủ đề, địa danh, từ điển "
                               "cảm xúc, mô hình); chạy tiếp được sau khi bị dừng")
    command.add_argument("--since", metavar="NGÀY", help="chỉ các bài từ ngày YYYY-MM-DD (hoặc khoảng gần đây: 30d)")
    command.add_argument("--until", metavar="NGÀY", help="chỉ các bài đến hết ngày YYYY-MM-DD")
    command.add_argument("--source", action="append", metavar="ID", help="chỉ nguồn này (lặp lại được)")
    command.add_argument("--what", metavar="TRƯỜNG,…", type=_fields, default=ALL,
                         help="các trường cần làm mới: relevance, topics, sentiment, places, entities, toxicity "
                              "hoặc all (mặc định: all)")
    command.add_argument("--workers", type=bounded_int(1, 64), metavar="N",
                         help="số tiến trình phân tích (mặc định: số lõi CPU)")
    command.add_argument("--batch", type=bounded_int(1, 10_000), default=200, metavar="N",
                         help="số bài mỗi lô, ghi trong một giao dịch (mặc định 200)")
    again = command.add_mutually_exclusive_group()
    again.add_argument("--resume", action="store_true",
                       help="tiếp tục lượt phân tích lại đang dở gần nhất (với lựa chọn của lượt đó)")
    again.add_argument("--restart", action="store_true",
                       help="bắt đầu lại từ đầu, bỏ lượt đang dở cùng lựa chọn (mặc định: tự chạy tiếp lượt đó)")
    command.set_defaults(func=with_config(cmd_reanalyze))
