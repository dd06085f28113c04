"""The ``presswatch`` command. Messages for operators are in Vietnamese."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import socket
import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.report import CrawlReport
from presswatch.cli.alerts import add_alerts_commands
from presswatch.cli.output import Parser, add_command, bounded_int, date_option
from presswatch.config import KIND_LABELS, Config, Settings, Source, load_config, load_settings, load_topics
from presswatch.errors import ConfigError, DatabaseArgumentError, PresswatchError, QueryError, UserError
from presswatch.labels import RELEVANCE_LABELS, SENTIMENT_LABELS
from presswatch.reasons import error_text, os_error_text, sqlite_error_text
from presswatch.store import RunResult, SourceHealth, Store
from presswatch.times import parse_iso

if TYPE_CHECKING:
    from presswatch.search import SearchRequest
from presswatch.times import VIETNAM, local, local_day

DEMO_DB = Path("data/demo.db")
FACET_LABELS = {"source": "Nguồn", "kind": "Loại nguồn", "topic": "Chủ đề", "sentiment": "Sắc thái",
                "relevance": "Mức liên quan", "place": "Địa danh"}
DIGEST_STATES = {"sent": "đã gửi", "failed": "gửi lỗi"}
INCIDENT_KINDS = {"failing": "lỗi liên tiếp", "silent": "không có bài mới"}
SQLITE_HEADER = b"SQLite format 3\x00"
FIRST_DAY = date(2000, 1, 1)  # no digest before this day: older dates are typing mistakes
SIGPIPE_EXIT = 141  # what a shell reports for a program stopped by SIGPIPE (`… | head`)


def _out(text: str = "") -> None:
    print(text, flush=True)


def _err(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _config_dir(args: argparse.Namespace) -> Path:
    return Path(args.config or os.environ.get("PRESSWATCH_CONFIG", "config"))


def _load(args: argparse.Namespace) -> Config:
    config = load_config(_config_dir(args))
    return config


def _database(args: argparse.Namespace, settings: Settings, *, existing: bool = False) -> Path:
    """The database of this command. ``existing``: a command that only reads (or changes what must
    already be there) refuses a database that does not exist instead of creating an empty one."""
    path = Path(args.db or settings.database)
    path = path if path.is_absolute() else Path.cwd() / path
    _check_database(path, existing)
    return path


def _check_database(path: Path, existing: bool) -> None:
    where = "kiểm tra --db (hoặc `database` trong presswatch.yaml)"
    if path.is_dir():
        raise DatabaseArgumentError(f"{path} là một thư mục, không phải tệp cơ sở dữ liệu: {where}.")
    if not path.exists():
        if existing:
            raise DatabaseArgumentError(
                f"Chưa có cơ sở dữ liệu {path}: {where}. Lệnh này không tạo cơ sở dữ liệu mới; "
                "chạy `presswatch crawl` (hoặc `presswatch demo`) để tạo.")
        return
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseArgumentError(f"không đọc được cơ sở dữ liệu {path}: {os_error_text(exc)}.") from exc
    if header and header != SQLITE_HEADER:
        raise DatabaseArgumentError(f"{path} không phải tệp cơ sở dữ liệu SQLite: {where}.")


WARNINGS_SHOWN = 3  # warnings of a run printed under its line


def _progress(source: Source, run: RunResult, report: CrawlReport | None) -> None:
    status = "✓" if run.ok else "✗"
    line = f"  {status} {source.id}: {run.new_articles} bài mới, {run.pages} trang đã tải"
    if report is not None and report.already_seen:
        line += f", {report.already_seen} bài đã có"
    if run.alerts:
        line += f", {run.alerts} cảnh báo"
    if run.errors:
        line += f", {run.errors} lỗi"
    if run.message:
        line += f" — {run.message}"
    _out(line)
    for warning in run.warnings[:WARNINGS_SHOWN]:
        _out(f"      ⚠ {warning}")
    if len(run.warnings) > WARNINGS_SHOWN:
        _out(f"      ⚠ … và {len(run.warnings) - WARNINGS_SHOWN} cảnh báo khác: xem `presswatch sources`")


def _summary(results: list[RunResult], db: Path | None = None, deliver_hint: bool = True) -> None:
    """The closing lines of a crawl; with ``db``, how many alerts wait for delivery and how to send them."""
    ok = sum(r.ok for r in results)
    new = sum(r.new_articles for r in results)
    _out(f"Xong: {ok}/{len(results)} nguồn thành công, {new} bài mới.")
    if ok < len(results):
        _out("Nguồn lỗi đã được ghi vào bảng tình trạng: xem `presswatch sources`.")
    if db is not None and deliver_hint:
        from alerts import outbox

        with Store(db) as store:
            waiting = outbox.counts(store.db)["pending"]
        if waiting:
            _out(f"{waiting} cảnh báo đang chờ gửi: chạy `presswatch alerts deliver --once` hoặc để dịch vụ "
                 "`presswatch run` gửi.")


def cmd_crawl(args: argparse.Namespace) -> int:
    """Exit status 0 when every source's crawl succeeded, 1 when one failed (2: configuration)."""
    from crawler.runner import crawl_sources
    from presswatch.cli.progress import ProgressLine

    config = _load(args)
    if args.source:
        sources = [config.source(source_id) for source_id in args.source]
    else:
        sources = [source for source in config.sources if source.enabled]
    db = _database(args, config.settings)
    _out(f"Thu thập {len(sources)} nguồn vào {db} …")
    running = ProgressLine(sys.stderr)

    def ended(source: Source, run: RunResult, report: CrawlReport | None) -> None:
        running.clear()
        _progress(source, run, report)
        running.finished(source.id)

    results = crawl_sources(sources, config.settings, db, ended, config, on_update=running.update)
    running.clear()
    # `run --once` delivers right after: no need to say how.
    _summary(results, db, deliver_hint=not getattr(args, "once", False))
    sync_search_index(config.settings, db)
    return 0 if all(run.ok for run in results) else 1


def cmd_run(args: argparse.Namespace) -> int:
    config = _load(args)
    db = _database(args, config.settings)
    if args.once:
        code = cmd_crawl(argparse.Namespace(**{**vars(args), "source": None}))
        from alerts.worker import DeliveryWorker

        with Store(db) as store:
            stats = DeliveryWorker(store, config).run_once(limit=10_000)
        if stats.sent + stats.failed + stats.dead:
            _out(f"Cảnh báo: đã gửi {stats.sent}, thất bại {stats.failed} (sẽ thử lại), ngừng thử {stats.dead}.")
        return code
    from presswatch.service.logs import setup_logging
    from presswatch.service.scheduler import Monitor

    setup_logging(config.settings.log_format)
    _out(f"Giám sát {sum(s.enabled for s in config.sources)} nguồn vào {db} (Ctrl-C hoặc SIGTERM để dừng; "
         f"SIGHUP hoặc `presswatch reload` để nạp lại cấu hình).")
    Monitor(config, db).serve_forever()
    return 0


def cmd_reload(args: argparse.Namespace) -> int:
    from presswatch.service.scheduler import reload_running

    config = _load(args)  # refuse to signal a configuration that does not load
    pid = reload_running(_database(args, config.settings))  # only the process holding the database's lock
    _out(f"Đã yêu cầu dịch vụ (pid {pid}) nạp lại cấu hình.")
    return 0


def _service_lines(db: Path) -> list[str]:
    """Is the service running on ``db`` (the process holding its lock), and are its parts serving."""
    from presswatch.service.instance import service_state, why_not_running
    from presswatch.service.scheduler import running_pid

    pid = running_pid(db)
    if pid is None:
        return [f"Dịch vụ: không chạy — {db} ({why_not_running(db)})"]
    lines = [f"Dịch vụ: đang chạy (pid {pid}) — {db}"]
    names = {"web": "Giao diện web", "metrics": "Số liệu Prometheus"}
    for key, part in sorted(service_state(db, pid).get("parts", {}).items()):
        if part.get("up"):
            lines.append(f"  {names.get(key, key)}: {part.get('address')}")
        else:
            lines.append(f"  {names.get(key, key)}: KHÔNG CHẠY ({part.get('address')}) — {part.get('error')}")
    return lines


def cmd_status(args: argparse.Namespace) -> int:
    from alerts import outbox

    config = _load(args)
    db = _database(args, config.settings, existing=True)
    for line in _service_lines(db):
        _out(line)
    with Store(db) as store:
        tables = {row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        jobs = store.db.execute("SELECT id, next_run_time FROM apscheduler_jobs ORDER BY next_run_time").fetchall() \
            if "apscheduler_jobs" in tables else []
        counts = outbox.counts(store.db)
        incidents = store.db.execute("SELECT source_id, kind, raised_at, message FROM source_incidents "
                                     "WHERE resolved_at IS NULL ORDER BY raised_at").fetchall()
        digest = store.db.execute("SELECT day, status, sent_at, last_error FROM digest_sends ORDER BY day DESC "
                                  "LIMIT 1").fetchone()
    _out(f"\nLịch ({len(jobs)} việc):")
    for job_id, next_run in jobs:
        when = local(datetime.fromtimestamp(next_run, UTC)) if next_run else "tạm dừng"
        _out(f"  {job_id:<40} lần chạy tới: {when}")
    _out(f"\nHàng đợi cảnh báo: đang chờ {counts['pending']}, đã gửi {counts['sent']}, lỗi {counts['dead']}")
    if digest is not None:
        _out(f"Bản tin gần nhất: ngày {local_day(date.fromisoformat(digest['day']))}: "
             f"{DIGEST_STATES.get(digest['status'], digest['status'])}"
             + (f" lúc {local(parse_iso(digest['sent_at']))}" if digest["sent_at"] else "")
             + (f" — {digest['last_error']}" if digest["last_error"] and digest["status"] != "sent" else ""))
    if incidents:
        _out("\nSự cố nguồn đang mở:")
        for row in incidents:
            _out(f"  {row['source_id']} ({INCIDENT_KINDS.get(row['kind'], row['kind'])}, "
                 f"từ {local(parse_iso(row['raised_at']))}): "
                 f"{row['message']}")
    _out("")
    return cmd_sources(args)


def cmd_check_config(args: argparse.Namespace) -> int:
    config = _load(args)
    enabled = sum(source.enabled for source in config.sources)
    _out(f"Cấu hình hợp lệ: {_config_dir(args)} — {len(config.sources)} nguồn ({enabled} đang bật).")
    if config.alerts is not None:
        active, inactive = config.alerts.targets()
        rules = sum(rule.enabled for rule in config.alerts.rules)
        _out(f"Cảnh báo: {rules} quy tắc đang bật, {len(active)}/{len(config.alerts.channels)} kênh hoạt động.")
        for message in inactive:
            _out(f"  ! {message}")
    for warning in config.warnings:
        _out(f"Lưu ý: {warning}")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    config = _load(args)
    db = _database(args, config.settings, existing=True)
    with Store(db) as store:
        health = store.health()
    header = (f"{'id':<28} {'loại':<24} {'kiểu':<8} {'bật':<5} {'thành công gần nhất':<20} "
              f"{'lỗi liên tiếp':>13} {'bài':>6}  lỗi gần nhất")
    _out(header)
    _out("-" * len(header))
    for source in config.sources:
        state = health.get(source.id)
        last_ok = local(state.last_success_at) if state else "chưa chạy"
        failures = state.consecutive_failures if state else 0
        total = state.articles_total if state else 0
        error = (state.last_error or "") if state and state.consecutive_failures else ""
        _out(
            f"{source.id:<28} {KIND_LABELS[source.kind]:<24} {source.type:<8} "
            f"{'có' if source.enabled else 'không':<5} {last_ok:<20} {failures:>13} {total:>6}  {error[:70]}"
        )
        for warning in state.warnings if state else ():  # of the last run: malformed XML, the per-run cap...
            _out(f"{'':<4}⚠ {warning[:200]}")
    _unconfigured_sources(config, health)
    return 0


def _unconfigured_sources(config: Config, health: dict[str, SourceHealth]) -> None:
    """Sources with health in the database but not in the configuration (the demo's, removed ones),
    as the web page /sources shows them."""
    known = {source.id for source in config.sources}
    for source_id, state in sorted(health.items()):
        if source_id in known:
            continue
        error = (state.last_error or "") if state.consecutive_failures else ""
        _out(f"{source_id:<28} {'(ngoài cấu hình)':<24} {'—':<8} {'—':<5} {local(state.last_success_at):<20} "
             f"{state.consecutive_failures:>13} {state.articles_total:>6}  {error[:70]}")


def _request(args: argparse.Namespace) -> SearchRequest:
    from presswatch.query import DateBound, Field
    from presswatch.search import SearchRequest

    filters: list[Field | DateBound] = []
    for name, values in (("source", args.source), ("relevance", args.relevance), ("topic", args.topic),
                         ("sentiment", args.sentiment), ("place", args.place)):
        filters.extend(Field(name, value) for value in values or [])
    if args.since:
        filters.append(DateBound("since", date_option(args.since, "--since")))
    if args.until:
        filters.append(DateBound("until", date_option(args.until, "--until")))
    return SearchRequest(query=args.query, sort=args.sort, limit=args.limit, offset=args.offset,
                         facets=args.facets, filters=tuple(filters))  # type: ignore[arg-type]


def _marked(snippet: str, spans: list[tuple[int, int]], bold: bool) -> str:
    if not bold:
        return snippet
    out, last = [], 0
    for start, end in spans:
        out += [snippet[last:start], "\033[1m", snippet[start:end], "\033[0m"]
        last = end
    return "".join(out) + snippet[last:]


def cmd_search(args: argparse.Namespace) -> int:
    from presswatch.search import open_backend

    settings = load_settings(_config_dir(args) / "presswatch.yaml")
    db = _database(args, settings, existing=True)
    request = _request(args)
    with Store(db) as store:
        result = open_backend(settings, store).search(request)
    if args.json:
        for hit in result.hits:
            print(json.dumps({
                "id": hit.id, "url": hit.url, "source": hit.source_id, "kind": hit.source_kind, "title": hit.title,
                "published": hit.published_at.isoformat() if hit.published_at else None,
                "snippet": hit.snippet, "highlights": hit.highlights, "exact": hit.exact,
                "relevance": hit.relevance, "topics": hit.topics, "sentiment": hit.sentiment,
            }, ensure_ascii=False))
        if args.facets:
            print(json.dumps({"total": result.total, "facets": result.facets, "per_day": result.per_day},
                             ensure_ascii=False))
        return 0
    _out(f"{result.total} kết quả cho «{args.query}»{_shown(result.total, len(result.hits), args.offset)}")
    labels = _value_labels(_config_dir(args))
    bold = sys.stdout.isatty()
    for number, hit in enumerate(result.hits, start=args.offset + 1):
        _out(f"\n{number}. {hit.title}")
        # Only what stands out: a relevance other than "none", a sentiment other than "neutral".
        relevance = RELEVANCE_LABELS.get(hit.relevance or "") if hit.relevance != "none" else None
        sentiment = SENTIMENT_LABELS.get(hit.sentiment or "") if hit.sentiment != "neutral" else None
        topics = ", ".join(labels["topic"].get(topic, topic) for topic in hit.topics)
        flags = " · ".join(x for x in (relevance, sentiment, topics) if x)
        _out(f"   {local(hit.dated_at)} · {hit.source_id} · {hit.url}")
        if flags:
            _out(f"   [{flags}]")
        _out(f"   {_marked(hit.snippet, hit.highlights, bold)}")
    if args.facets:
        for name, counts in result.facets.items():
            if counts:
                named = labels.get(name, {})
                _out(f"\n{FACET_LABELS[name]}: "
                     + ", ".join(f"{named.get(value, value)} ({count})" for value, count in counts[:10]))
        if result.per_day:
            days = result.per_day[-14:]
            _out("\nTheo ngày: " + ", ".join(f"{day[8:10]}/{day[5:7]} ({count})" for day, count in days))
    return 0


def _shown(total: int, hits: int, offset: int) -> str:
    """", hiển thị 21–40" when the results are a page of more; a page past the end says so."""
    if hits == 0 and total > 0:
        return f"; không còn kết quả từ vị trí {offset + 1} (--offset {offset})"
    return f", hiển thị {offset + 1}–{offset + hits}" if total > hits else ""


def _value_labels(config_dir: Path) -> dict[str, dict[str, str]]:
    """Vietnamese names of facet values (kinds, grades, topics) for what the CLI prints; slugs stay
    where topics.yaml cannot be read (the search itself does not need it)."""
    try:
        topics = {topic.slug: topic.label for topic in load_topics(config_dir / "topics.yaml").topics}
    except ConfigError:
        topics = {}
    return {"kind": KIND_LABELS, "relevance": RELEVANCE_LABELS, "sentiment": SENTIMENT_LABELS, "topic": topics}


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    end = "\n" if done >= total else ""
    print(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} bài", end=end, file=sys.stderr, flush=True)


def cmd_reindex(args: argparse.Namespace) -> int:
    from presswatch.search.es_sync import reindex_elasticsearch

    settings = load_settings(_config_dir(args) / "presswatch.yaml")
    db = _database(args, settings, existing=True)
    alias = settings.elasticsearch_alias
    with Store(db) as store:
        _out(f"Lập lại chỉ mục Elasticsearch {settings.elasticsearch_url} (bí danh {alias}) từ {db} …")
        try:
            sent = reindex_elasticsearch(settings, store, _progress_bar)
        except Exception as exc:  # noqa: BLE001 - connection, auth or mapping errors: say so, exit 1
            _err(f"Không lập được chỉ mục: {error_text(exc)}")
            return 1
    _out(f"Xong: {sent} bài đã vào chỉ mục mới; bí danh {alias} đã chuyển sang chỉ mục mới.")
    return 0


def sync_search_index(settings: Settings, db: Path) -> None:
    """After a crawl: bring Elasticsearch up to date (if it is the backend). Failure loses nothing."""
    from presswatch.search.es_sync import sync_elasticsearch

    outcome = sync_elasticsearch(settings, db)
    if outcome is None:
        return
    if outcome.error:
        _err(f"Elasticsearch chưa cập nhật được ({outcome.error}); bài đã lưu, sẽ gửi lại ở lần sau.")
    else:
        _out(f"Đã cập nhật {outcome.sent} bài vào Elasticsearch.")


def cmd_demo(args: argparse.Namespace) -> int:
    from presswatch.demo import run_demo

    settings = load_settings(_config_dir(args) / "presswatch.yaml")
    db = Path(args.db) if args.db else DEMO_DB
    db_arg = shlex.quote(str(db))

    def finish(results: list[RunResult], site_url: str) -> None:
        _summary(results)
        if not any(r.ok for r in results):
            return
        _out("\nThử tìm kiếm (không dấu vẫn tìm được bài có dấu):")
        _out(f'  presswatch search "Muong Te" --db {db_arg}')
        _out(f'  presswatch search "Dien Bien" --db {db_arg} --limit 5')
        _out(f'  presswatch search "lai chau" --db {db_arg} --since 7d --json')
        if not args.serve:
            _out(f"\nTrang tin thử nghiệm dừng cùng lệnh này. Để mở được liên kết bài viết ({site_url}/…), "
                 f"chạy lại với --serve: presswatch demo --serve --db {db_arg}")
            return
        _out(f"\nTrang tin thử nghiệm vẫn chạy tại {site_url}/: liên kết bài viết trong kết quả tìm kiếm và trên "
             f"giao diện web (presswatch --db {db_arg} web, ở cửa sổ khác) mở được. Ctrl+C để dừng.")
        _wait_for_stop()
        _out("Đã dừng trang tin thử nghiệm.")

    results = run_demo(db, settings, _progress, _out, _config_dir(args), finish)
    return 0 if any(r.ok for r in results) else 1


def _wait_for_stop() -> None:
    """Block until Ctrl+C or SIGTERM: the normal way to end ``demo --serve``, not an error."""
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: stop.set())
    while not stop.wait(1.0):
        pass


def cmd_extract(args: argparse.Namespace) -> int:
    from crawler.extract import extract

    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        _err(f"Không đọc được {path}: {os_error_text(exc)}")
        return 2
    from w3lib.encoding import html_to_unicode

    _, text = html_to_unicode(None, raw)
    result = extract(text, args.url or path.resolve().as_uri())
    if result is None:
        if args.json:
            print(json.dumps({"title": None, "text": None, "published": None, "author": None,
                              "url": args.url}, ensure_ascii=False))
        _err("Không trích xuất được nội dung bài viết.")
        return 1
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        _out(result.title)
        _out(f"{local(result.published)} · {result.author or '—'} · {result.url}")
        _out()
        _out(result.text)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from presswatch.config import load_analyzer

    analyzer = load_analyzer(_config_dir(args), with_entities=not args.no_entities)
    failures = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("mỗi dòng phải là một đối tượng JSON")
            title, text = str(record.get("title") or ""), str(record.get("text") or "")
        except ValueError as exc:
            failures += 1
            reason = f"lỗi cú pháp ở cột {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
            _err(f"dòng {number}: JSON không hợp lệ ({reason})")
            print(json.dumps({"id": None, "line": number, "error": reason}, ensure_ascii=False), flush=True)
            continue
        result = analyzer.analyze(title, text, comment=record.get("comment") is True).to_json()
        print(json.dumps({"id": record.get("id"), **result}, ensure_ascii=False), flush=True)
    return 1 if failures else 0


def _with_config(func: Callable[[argparse.Namespace, Config, Path], int], *,
                 existing: bool = True) -> Callable[[argparse.Namespace], int]:
    def run(args: argparse.Namespace) -> int:
        config = _load(args)
        return func(args, config, _database(args, config.settings, existing=existing))

    return run


def _digest_date(value: str) -> date:
    """``--date``: a day from 01/01/2000 to today (Vietnam time)."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' không phải ngày dạng YYYY-MM-DD") from None
    today = datetime.now(VIETNAM).date()
    if not FIRST_DAY <= day <= today:
        raise argparse.ArgumentTypeError(f"ngày {local_day(day)} nằm ngoài khoảng có bản tin: "
                                         f"từ {local_day(FIRST_DAY)} đến hôm nay ({local_day(today)})")
    return day


def _digest_day(value: date | None, settings: Settings) -> date:
    from alerts.digest.send import latest_day

    return latest_day(datetime.now(UTC), settings) if value is None else value


def cmd_digest(args: argparse.Namespace) -> int:
    from alerts.digest.send import digest_for, preview_html, run_digest, send_record

    config = _load(args)
    settings = config.settings
    day = _digest_day(args.date, settings)
    db = _database(args, settings, existing=True)
    with Store(db) as store:
        digest = digest_for(config, store, day)
        _out(digest.subject)
        _out(f"  {local(digest.start)} → {local(digest.end)} (giờ Việt Nam)")
        _out(f"  Về Lai Châu: {digest.about} · có nhắc: {digest.mention} · tiêu cực: "
             f"{digest.sentiments['negative']} · đã thu thập: {digest.crawled}")
        _out(f"  Tin chính: {len(digest.stories)} · điểm mới: {len(digest.rising)} · "
             f"nguồn có vấn đề: {len(digest.source_problems)}")
        if args.preview:
            path = Path(args.preview)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(preview_html(digest), encoding="utf-8")
            _out(f"Đã ghi bản xem trước: {path}")
        record = send_record(store, day)
        if not args.send:
            recipients = ", ".join(settings.digest_recipients) or "chưa cấu hình (digest_recipients)"
            state = (f"đã gửi lúc {local(record.sent_at)}" if record and record.status == "sent" and record.sent_at
                     else f"gửi lỗi {record.attempts} lần: {record.last_error}" if record else "chưa gửi")
            _out(f"  Người nhận: {recipients} · trạng thái: {state}")
            return 0
        if not settings.digest_recipients:
            _err("Chưa cấu hình người nhận (digest_recipients trong presswatch.yaml): bản tin không được gửi.")
            return 1
        outcome = run_digest(config, store, day, force=args.force)
    if outcome.status == "already_sent":
        _out(f"Bản tin ngày {local_day(day)} đã gửi lúc {local(outcome.sent_at)}; không gửi lại "
             "(dùng --force để gửi lại).")
        return 0
    if outcome.status == "sent":
        _out(f"Đã gửi tới {', '.join(settings.digest_recipients)} (lần thử {outcome.attempts}).")
        if outcome.error:
            _err(f"Một số người nhận bị từ chối: {outcome.error}")
        return 0
    _err(f"Gửi bản tin thất bại sau {outcome.attempts} lần thử: {outcome.error}")
    return 1


def cmd_users(args: argparse.Namespace) -> int:
    from presswatch.store import users

    settings = load_settings(_config_dir(args) / "presswatch.yaml")
    db = _database(args, settings, existing=args.action != "add")
    if args.action in ("add", "passwd") and not args.password_stdin and not _has_terminal():
        example = f"printf '%s\\n' \"$MAT_KHAU\" | presswatch users {args.action} {shlex.quote(args.name)}"
        _err(f"Không có terminal để hỏi mật khẩu. Dùng --password-stdin và đưa mật khẩu vào stdin, ví dụ:\n"
             f"  {example} --password-stdin")
        return 2
    with Store(db) as store:
        if args.action == "list":
            for user in users.list_users(store):
                state = " (đã khóa)" if user.disabled else ""
                _out(f"{user.name:<24} {user.role:<8} tạo lúc {local(user.created_at)}{state}")
            return 0
        if args.action in ("disable", "enable"):
            try:
                users.set_disabled(store, args.name, args.action == "disable")
            except UserError as exc:
                _err(f"Không đổi được trạng thái: {exc}")
                return 2
            _out(f"Đã khóa {args.name}; mọi phiên đăng nhập của người này đã kết thúc." if args.action == "disable"
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
                _err("\nChưa nhập mật khẩu (hết dữ liệu vào). Dùng --password-stdin để đọc mật khẩu từ stdin.")
                return 2
            if again != password:
                _err("Hai lần nhập mật khẩu không khớp.")
                return 2
        if args.action == "passwd":
            try:
                users.set_password(store, args.name, password)
            except UserError as exc:
                _err(f"Không đổi được mật khẩu: {exc}")
                return 2
            _out(f"Đã đổi mật khẩu của {args.name}; các phiên đăng nhập cũ đã kết thúc.")
            return 0
        try:
            user = users.add_user(store, args.name, args.role, password)
        except UserError as exc:
            _err(f"Không tạo được người dùng: {exc}")
            return 2
    _out(f"Đã tạo người dùng {user.name} (vai trò {user.role}).")
    return 0


def _has_terminal() -> bool:
    """Whether getpass can ask (it reads /dev/tty, else stdin if that is a terminal)."""
    try:
        with open("/dev/tty", "rb"):
            return True
    except OSError:
        return sys.stdin is not None and sys.stdin.isatty()


def cmd_web(args: argparse.Namespace) -> int:
    from presswatch.web import make_server

    config = _load(args)
    db = _database(args, config.settings, existing=True)
    server = make_server(config, db, args.host, args.port)
    host, port = server.config.host, server.config.port
    try:  # bound before the address is announced: a port in use is said at once, in Vietnamese
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as exc:
        raise PresswatchError(f"không mở được giao diện web ở {host}:{port}: {os_error_text(exc)}") from exc
    port = sock.getsockname()[1]
    _out(f"Giao diện web: http://{'[' + host + ']' if ':' in host else host}:{port}/ (Ctrl+C để dừng)")
    server.run(sockets=[sock])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="presswatch", description="Theo dõi báo chí, mạng xã hội về tỉnh Lai Châu.")
    parser.add_argument("--config", metavar="THƯ_MỤC",
                        help="thư mục cấu hình (mặc định: ./config hoặc $PRESSWATCH_CONFIG)")
    parser.add_argument("--db", metavar="TỆP",
                        help="tệp cơ sở dữ liệu SQLite (mặc định: theo cấu hình, data/presswatch.db)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        return add_command(sub, name, help_text)

    run = add("run", "chạy dịch vụ giám sát: thu thập theo lịch, gửi cảnh báo, bản tin hằng ngày, dọn dẹp")
    run.add_argument("--once", action="store_true", help="thu thập mọi nguồn đang bật một lần, gửi cảnh báo, rồi thoát")
    run.set_defaults(func=cmd_run)
    add("status", "tình trạng dịch vụ: lịch chạy, hàng đợi cảnh báo, bản tin, sự cố và tình trạng nguồn").set_defaults(
        func=cmd_status)
    add("reload", "yêu cầu dịch vụ đang chạy nạp lại cấu hình (như SIGHUP)").set_defaults(func=cmd_reload)
    crawl = add("crawl", "thu thập ngay các nguồn (mặc định: mọi nguồn đang bật)")
    crawl.add_argument("--source", action="append", metavar="ID", help="chỉ nguồn này (lặp lại được)")
    crawl.set_defaults(func=cmd_crawl)
    _add_search(add_command(sub, "search", "tìm bài viết đã thu thập (không phân biệt dấu)", dash_queries=True))
    add("sources", "danh sách nguồn và tình trạng thu thập").set_defaults(func=cmd_sources)
    add("check-config", "kiểm tra tệp cấu hình").set_defaults(func=cmd_check_config)
    demo = add("demo", "chạy thử trên trang tin cục bộ dựng từ bài báo thật (không cần mạng)")
    demo.add_argument("--serve", action="store_true",
                      help="sau khi thu thập, giữ trang tin thử nghiệm chạy (mở được liên kết bài viết) tới khi Ctrl+C")
    demo.set_defaults(func=cmd_demo)
    analyze = add("analyze", "phân tích văn bản: đọc JSON {id, title, text, comment} mỗi dòng từ stdin "
                             "(comment: true cho bài đăng, bình luận)")
    analyze.add_argument("--no-entities", action="store_true", help="bỏ qua nhận dạng thực thể (nhanh hơn)")
    analyze.set_defaults(func=cmd_analyze)
    add("reindex", "chép toàn bộ bài viết vào một chỉ mục Elasticsearch mới rồi chuyển bí danh").set_defaults(
        func=cmd_reindex)
    add_alerts_commands(add, _with_config)
    digest = add("digest", "bản tin hằng ngày gửi lãnh đạo: xem tóm tắt, xem trước HTML, gửi email")
    digest.add_argument("--date", metavar="YYYY-MM-DD", type=_digest_date,
                        help="ngày của bản tin (mặc định: bản tin gần nhất)")
    digest.add_argument("--preview", metavar="TỆP.html", help="ghi bản HTML để mở bằng trình duyệt")
    digest.add_argument("--send", action="store_true", help="gửi email (mỗi ngày một lần)")
    digest.add_argument("--force", action="store_true", help="gửi lại kể cả khi ngày này đã gửi")
    digest.set_defaults(func=cmd_digest)
    _add_users(add("users", "quản lý người dùng giao diện web"))
    web = add("web", "chạy riêng giao diện web và JSON API")
    web.add_argument("--host", metavar="ĐỊA_CHỈ", help="địa chỉ lắng nghe (mặc định: web_host, 127.0.0.1)")
    web.add_argument("--port", type=bounded_int(1, 65535), metavar="CỔNG", help="cổng (mặc định: web_port, 8080)")
    web.set_defaults(func=cmd_web)
    extract = add("extract", "trích xuất bài viết từ một tệp HTML đã lưu")
    extract.add_argument("file", metavar="TỆP")
    extract.add_argument("--url", metavar="URL", help="địa chỉ gốc của trang")
    extract.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    extract.set_defaults(func=cmd_extract)
    return parser


def _add_search(search: argparse.ArgumentParser) -> None:
    search.add_argument("query", metavar="TRUY_VẤN",
                        help="truy vấn; có thể bắt đầu bằng dấu trừ để loại một từ: -lai, \"lũ -lai\"")
    search.add_argument("--since", metavar="KHOẢNG", help="từ ngày YYYY-MM-DD hoặc khoảng gần đây: 24h, 7d, 2w")
    search.add_argument("--until", metavar="NGÀY", help="đến trước ngày YYYY-MM-DD")
    search.add_argument("--source", action="append", metavar="ID", help="chỉ nguồn này (lặp lại được)")
    search.add_argument("--relevance", action="append", choices=("about", "mention", "none"),
                        help="mức liên quan tới Lai Châu: about (về tỉnh), mention (có nhắc), none")
    search.add_argument("--topic", action="append", metavar="CHỦ_ĐỀ", help="chủ đề, ví dụ thien-tai, tai-nan")
    search.add_argument("--sentiment", action="append", choices=("negative", "neutral", "positive"),
                        help="sắc thái: negative (tiêu cực), neutral (trung tính), positive (tích cực)")
    search.add_argument("--place", action="append", metavar="ĐỊA_DANH", help="đơn vị hành chính, ví dụ \"Mường Tè\"")
    search.add_argument("--limit", type=bounded_int(1), default=20, metavar="N",
                        help="số kết quả tối đa, từ 1 (mặc định 20)")
    search.add_argument("--offset", type=bounded_int(0), default=0, metavar="N",
                        help="bỏ qua N kết quả đầu (phân trang, mặc định 0)")
    search.add_argument("--sort", choices=("relevance", "date"), default="relevance",
                        help="sắp xếp theo mức khớp (mặc định) hoặc ngày đăng")
    search.add_argument("--facets", action="store_true", help="đếm theo nguồn, chủ đề, sắc thái, địa danh, ngày")
    search.add_argument("--json", action="store_true", help="mỗi kết quả một dòng JSON")
    search.set_defaults(func=cmd_search)


def _add_users(users_cmd: argparse.ArgumentParser) -> None:
    users_sub = users_cmd.add_subparsers(dest="action", required=True, metavar="VIỆC")
    users_add = add_command(users_sub, "add", "thêm người dùng (hỏi mật khẩu)")
    users_add.add_argument("name", metavar="TÊN")
    users_add.add_argument("--role", choices=("viewer", "analyst", "admin"), default="analyst",
                           help="vai trò: viewer (chỉ xem), analyst (mặc định), admin")
    users_add.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")
    add_command(users_sub, "list", "danh sách người dùng")
    for action, help_text in (("disable", "khóa người dùng (kết thúc mọi phiên đăng nhập)"),
                              ("enable", "mở khóa người dùng")):
        add_command(users_sub, action, help_text).add_argument("name", metavar="TÊN")
    users_passwd = add_command(users_sub, "passwd", "đặt mật khẩu mới (hỏi mật khẩu; các phiên cũ kết thúc)")
    users_passwd.add_argument("name", metavar="TÊN")
    users_passwd.add_argument("--password-stdin", action="store_true", help="đọc mật khẩu từ dòng đầu của stdin")
    users_cmd.set_defaults(func=cmd_users)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``presswatch`` command. Output cut short by a closed pipe (``… | head``) ends quietly."""
    try:
        code = _main(argv)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _silence_stdout()
        return SIGPIPE_EXIT


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (captured by a test): nothing left to flush


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # -h, or a mistake argparse has explained on stderr: its exit status
        return exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    for name in ("config", "db"):
        if not hasattr(args, name):
            setattr(args, name, None)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        _err("Lỗi cấu hình:")
        for problem in exc.problems:
            _err(f"  {problem}")
        return 2
    except QueryError as exc:
        _err(f"Truy vấn không hợp lệ: {exc}")
        return 2
    except DatabaseArgumentError as exc:
        _err(f"Lỗi: {exc}")
        return 2
    except PresswatchError as exc:
        _err(f"Lỗi: {exc}")
        return 1
    except sqlite3.Error as exc:
        _err(f"Lỗi cơ sở dữ liệu: {sqlite_error_text(exc)}")
        return 1
    except BrokenPipeError:
        raise
    except OSError as exc:
        _err(f"Lỗi: {os_error_text(exc)}")
        return 1
    except KeyboardInterrupt:
        _err("Đã dừng.")
        return 130

