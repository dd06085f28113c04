"""``presswatch search`` (the query language over the stored articles, printed or as JSON lines) and
``presswatch reindex`` (a new Elasticsearch index from the database), and the Elasticsearch sync that
follows a crawl.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from presswatch.cli.options import config_dir, database
from presswatch.cli.output import bounded_int, date_option, err, out, province_option
from presswatch.config import KIND_LABELS, Settings, load_settings, load_topics
from presswatch.errors import ConfigError
from presswatch.labels import SENTIMENT_LABELS, relevance_labels
from presswatch.reasons import error_text
from presswatch.store import Store
from presswatch.times import local

if TYPE_CHECKING:
    from presswatch.search import SearchRequest

FACET_LABELS = {"source": "Nguồn", "kind": "Loại nguồn", "topic": "Chủ đề", "sentiment": "Sắc thái",
                "relevance": "Mức liên quan", "place": "Địa danh", "province": "Tỉnh"}


def add_search_arguments(search: argparse.ArgumentParser) -> None:
    search.add_argument("query", metavar="TRUY_VẤN",
                        help="truy vấn; có thể bắt đầu bằng dấu trừ để loại một từ: -lai, \"lũ -lai\"")
    search.add_argument("--since", metavar="KHOẢNG", help="từ ngày YYYY-MM-DD hoặc khoảng gần đây: 24h, 7d, 2w")
    search.add_argument("--until", metavar="NGÀY", help="đến trước ngày YYYY-MM-DD")
    search.add_argument("--source", action="append", metavar="ID", help="chỉ nguồn này (lặp lại được)")
    search.add_argument("--relevance", action="append", choices=("about", "mention", "none"),
                        help="mức liên quan tới tỉnh: about (về tỉnh), mention (có nhắc), none")
    search.add_argument("--topic", action="append", metavar="CHỦ_ĐỀ", help="chủ đề, ví dụ thien-tai, tai-nan")
    search.add_argument("--sentiment", action="append", choices=("negative", "neutral", "positive"),
                        help="sắc thái: negative (tiêu cực), neutral (trung tính), positive (tích cực)")
    search.add_argument("--place", action="append", metavar="ĐỊA_DANH", help="đơn vị hành chính, ví dụ \"Mường Tè\"")
    search.add_argument("--province", action="append", type=province_option, metavar="TỈNH",
                        help="chỉ bài liên quan tới tỉnh này (một tỉnh được theo dõi), ví dụ \"Điện Biên\"")
    search.add_argument("--limit", type=bounded_int(1), default=20, metavar="N",
                        help="số kết quả tối đa, từ 1 (mặc định 20)")
    search.add_argument("--offset", type=bounded_int(0), default=0, metavar="N",
                        help="bỏ qua N kết quả đầu (phân trang, mặc định 0)")
    search.add_argument("--sort", choices=("relevance", "date"), default="relevance",
                        help="sắp xếp theo mức khớp (mặc định) hoặc ngày đăng")
    search.add_argument("--facets", action="store_true", help="đếm theo nguồn, chủ đề, sắc thái, địa danh, ngày")
    search.add_argument("--json", action="store_true", help="mỗi kết quả một dòng JSON")
    search.set_defaults(func=cmd_search)


def _request(args: argparse.Namespace) -> SearchRequest:
    from presswatch.query import DateBound, Field
    from presswatch.search import SearchRequest

    filters: list[Field | DateBound] = []
    for name, values in (("source", args.source), ("relevance", args.relevance), ("topic", args.topic),
                         ("sentiment", args.sentiment), ("place", args.place),
                         ("province", args.province)):
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

    settings = load_settings(config_dir(args) / "presswatch.yaml")
    db = database(args, settings, existing=True)
    request = _request(args)
    if settings.index_backend == "tantivy":  # opening the index repairs a crash between store and index
        sync_search_index(settings, db, quiet=True)
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
    out(f"{result.total} kết quả cho «{args.query}»{_shown(result.total, len(result.hits), args.offset)}")
    labels = _value_labels(config_dir(args), settings.province)
    bold = sys.stdout.isatty()
    for number, hit in enumerate(result.hits, start=args.offset + 1):
        out(f"\n{number}. {hit.title}")
        # Only what stands out: a relevance other than "none", a sentiment other than "neutral".
        relevance = labels["relevance"].get(hit.relevance or "") if hit.relevance != "none" else None
        sentiment = SENTIMENT_LABELS.get(hit.sentiment or "") if hit.sentiment != "neutral" else None
        topics = ", ".join(labels["topic"].get(topic, topic) for topic in hit.topics)
        flags = " · ".join(x for x in (relevance, sentiment, topics) if x)
        out(f"   {local(hit.dated_at)} · {hit.source_id} · {hit.url}")
        if flags:
            out(f"   [{flags}]")
        out(f"   {_marked(hit.snippet, hit.highlights, bold)}")
    if args.facets:
        for name, counts in result.facets.items():
            if counts:
                named = labels.get(name, {})
                out(f"\n{FACET_LABELS[name]}: "
                    + ", ".join(f"{named.get(value, value)} ({count})" for value, count in counts[:10]))
        if result.per_day:
            days = result.per_day[-14:]
            out("\nTheo ngày: " + ", ".join(f"{day[8:10]}/{day[5:7]} ({count})" for day, count in days))
    return 0


def _shown(total: int, hits: int, offset: int) -> str:
    """", hiển thị 21–40" when the results are a page of more; a page past the end says so."""
    if hits == 0 and total > 0:
        return f"; không còn kết quả từ vị trí {offset + 1} (--offset {offset})"
    return f", hiển thị {offset + 1}–{offset + hits}" if total > hits else ""


def _value_labels(config_dir: Path, provinces: list[str]) -> dict[str, dict[str, str]]:
    """Vietnamese names of facet values (kinds, grades, topics) for what the CLI prints; slugs stay
    where topics.yaml cannot be read (the search itself does not need it)."""
    try:
        topics = {topic.slug: topic.label for topic in load_topics(config_dir / "topics.yaml").topics}
    except ConfigError:
        topics = {}
    return {"kind": KIND_LABELS, "relevance": relevance_labels(provinces), "sentiment": SENTIMENT_LABELS,
            "topic": topics}


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / total) if total else width
    end = "\n" if done >= total else ""
    print(f"\r  [{'#' * filled}{'.' * (width - filled)}] {done}/{total} bài", end=end, file=sys.stderr, flush=True)


def cmd_reindex(args: argparse.Namespace) -> int:
    from presswatch.search.keep import engine_name, rebuild_index, tantivy_dir

    settings = load_settings(config_dir(args) / "presswatch.yaml")
    db = database(args, settings, existing=True)
    alias = settings.elasticsearch_alias
    tantivy = settings.index_backend == "tantivy"
    sqlite = settings.index_backend == "sqlite"
    with Store(db) as store:
        if tantivy:
            out(f"Lập lại chỉ mục tantivy {tantivy_dir(settings, db)} từ {db} …")
        elif sqlite:
            out(f"Lập lại chỉ mục SQLite FTS5 trong {db} …")
        else:
            out(f"Lập lại chỉ mục Elasticsearch {settings.elasticsearch_url} (bí danh {alias}) từ {db} …")
        try:
            sent = rebuild_index(settings, store, _progress_bar)
        except Exception as exc:  # noqa: BLE001 - connection, auth, mapping or lock errors: say so, exit 1
            err(f"Không lập được chỉ mục: {error_text(exc)}")
            return 1
    if tantivy or sqlite:
        out(f"Xong: {sent} bài đã vào {engine_name(settings)}.")
    else:
        out(f"Xong: {sent} bài đã vào chỉ mục mới; bí danh {alias} đã chuyển sang chỉ mục mới.")
    return 0


def sync_search_index(settings: Settings, db: Path, quiet: bool = False) -> None:
    """After a crawl (and, ``quiet``, before a search): bring the configured index (tantivy,
    Elasticsearch) up to date with the store. Failure loses nothing."""
    from presswatch.search.keep import engine_name, sync_index

    outcome = sync_index(settings, db)
    if outcome is None:
        return
    engine = engine_name(settings)
    if outcome.error:
        err(f"{engine} chưa cập nhật được ({outcome.error}); bài đã lưu, sẽ gửi lại ở lần sau.")
    elif not quiet or outcome.sent:
        print_ = err if quiet else out  # before a search: stdout is the answer (--json)
        print_(f"Đã cập nhật {outcome.sent} bài vào {engine}.")
