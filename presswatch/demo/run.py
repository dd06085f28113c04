"""``presswatch demo``: serve a local news site built from real articles, crawl it with the real
pipeline into a demo database, and show how to search it. Offline; what a newcomer runs first.

Repeatable: the site is served on a fixed port (``DEMO_PORT``, or any free port when that one is
busy the first time), and a database that already holds demo articles decides the port, so article
URLs stay the same from run to run: a second run stores nothing twice, and ``presswatch demo --serve``
serves the links of the stored articles again. Alerts recorded while no channel was active are
queued once a channel is (the README's alert walk-through runs the demo a second time for that).
"""

from __future__ import annotations

import shlex
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from alerts import outbox
from crawler.runner import Progress, crawl_sources
from presswatch.config import Settings, Source
from presswatch.config.alerts import ChannelTarget, Rule, load_alerts
from presswatch.demo.database import demo_count, stored_demo_port
from presswatch.demo.site import LocalSite, SiteArticle, load_demo_articles, site_articles
from presswatch.demo.ticker import CrawlTicker
from presswatch.errors import PresswatchError
from presswatch.store import RunResult, Store

DEMO_PORT = 8765

Announce = Callable[[str], None]
Finish = Callable[[list[RunResult], str], None]


def demo_sources(site_url: str) -> list[Source]:
    return [
        Source(id="demo-rss", name="Tin Tây Bắc – RSS", kind="press", type="feed",
               urls=[f"{site_url}/rss/tin-moi.rss"], tags=["demo"]),
        Source(id="demo-sitemap", name="Tin Tây Bắc – sơ đồ tin", kind="press", type="sitemap",
               urls=[f"{site_url}/sitemap-news.xml"], tags=["demo"]),
        Source.model_validate({
            "id": "demo-listing", "name": "Tin Tây Bắc – trang chủ", "kind": "info_site", "type": "listing",
            "urls": [f"{site_url}/"], "tags": ["demo"],
            "selectors": {"article_links": "h3.title-news a::attr(href)",
                          "next_page": "a.next-page::attr(href)", "max_pages": 10},
        }),
    ]


def run_demo(db: Path, settings: Settings, progress: Progress | None = None,
             announce: Announce = print, config_dir: Path = Path("config"),
             finish: Finish | None = None, tick: float = 5.0) -> list[RunResult]:
    """Serve the demo site, crawl it into ``db``, queue what alerts can be delivered now. ``finish``
    runs with the results and the site's address while the site is still up (``demo --serve`` waits
    there); ``tick``: seconds between progress lines while crawling."""
    articles = site_articles(load_demo_articles())
    lock = threading.Lock()  # progress lines come from two threads: keep them whole
    say, progress = _serialised(announce, lock), _serialised(progress, lock) if progress else None
    alerts = load_alerts(config_dir / "alerts.yaml")
    with open_demo_site(articles, db) as site:
        # A local site of ours: no politeness delay needed (robots.txt is still obeyed), and its
        # address on this machine, refused by default (crawl_allow_internal), is allowed.
        allowed = [*settings.crawl_allow_internal, f"127.0.0.1:{site.url.rsplit(':', 1)[1]}"]
        demo_settings = settings.model_copy(update={"autothrottle": False, "concurrent_requests_per_domain": 8,
                                                    "max_articles_per_run": 1000, "crawl_allow_internal": allowed})
        say(f"Đang phục vụ trang tin thử nghiệm ({len(articles)} bài thật) tại {site.url}/")
        with CrawlTicker(site, db, expected=len(articles) - demo_count(db), announce=say, every=tick):
            results = crawl_sources(demo_sources(site.url), demo_settings, db, progress, config_dir)
        with Store(db) as store:
            say(f"Cơ sở dữ liệu thử nghiệm: {db} ({store.count_articles()} bài viết)")
            _alerts_report(store, alerts.rules, alerts.targets(), say)
        if finish is not None:
            finish(results, site.url)
    return results


def open_demo_site(articles: list[SiteArticle], db: Path, default_port: int = DEMO_PORT) -> LocalSite:
    """The demo site (not started yet), on the port the demo articles of ``db`` point to, or else on
    ``default_port``, or else, when that one is busy, on any free port (``db`` then remembers it)."""
    remembered = stored_demo_port(db)
    if remembered is None:
        try:
            return LocalSite(articles, port=default_port)
        except OSError:
            return LocalSite(articles)
    try:
        return LocalSite(articles, port=remembered)
    except OSError as exc:
        raise PresswatchError(
            f"Cổng {remembered} đang bận ({exc.strerror}). Các bài trong {db} trỏ tới trang thử nghiệm ở cổng "
            f"này; chạy lại ở cổng khác sẽ lưu mọi bài hai lần. Dừng chương trình đang dùng cổng {remembered} "
            "(có thể là một `presswatch demo --serve` khác) rồi chạy lại, hoặc dùng --db với một tệp mới."
        ) from exc


# --- alerts ------------------------------------------------------------------------------------


def _alerts_report(store: Store, rules: list[Rule], targets: tuple[dict[str, ChannelTarget], list[str]],
                   say: Announce) -> None:
    """Say what became of the demo's alerts; queue those recorded before a channel was active."""
    recorded = outbox.count_alerts(store.db)
    if not recorded:
        return
    active, inactive = targets
    if not active:
        say(f"{recorded} cảnh báo đã ghi nhận nhưng chưa gửi đi: chưa có kênh gửi nào hoạt động.")
        for message in inactive:
            say(f"  ! {message}")
        say("  Cách nhận cảnh báo: mục \"Receive an alert\" trong README.")
        return
    with store.transaction() as db:
        queued = outbox.queue_undelivered(db, rules, active, datetime.now(UTC))
    if queued:
        say(f"Đã xếp hàng {queued} lượt gửi cho các cảnh báo ghi nhận khi chưa có kênh gửi.")
    pending = outbox.counts(store.db)["pending"]
    say(f"Cảnh báo: {recorded} đã ghi nhận, {pending} lượt gửi đang chờ ({', '.join(active)}); gửi ngay: "
        f"presswatch alerts deliver --once --db {shlex.quote(str(store.path))}")


def _serialised(function: Callable[..., None], lock: threading.Lock) -> Callable[..., None]:
    def call(*args: object) -> None:
        with lock:
            function(*args)

    return call
