"""Render a realistic daily digest and screenshot it in headless Chromium → docs/images/digest.png.

The store is built from the 200 real articles shipped for the demo (``presswatch/demo/data``),
analysed by the real pipeline and spread over eight days across sources of ``config/sources.yaml``:
the province's articles a few a day, unrelated ones as "crawled", some stories carried by several
outlets, one source failing and one silent. Their URLs are made up (the sample kept none).

    .venv/bin/python scripts/screenshot_digest.py [--out docs/images/digest.png] [--html digest.html]

Needs Debian's ``chromium`` (``apt-get install -y chromium``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alerts.digest.send import digest_for, preview_html  # noqa: E402
from analysis.pipeline import Analysis  # noqa: E402
from presswatch.config import Config, load_config  # noqa: E402
from presswatch.demo.site import load_demo_articles  # noqa: E402
from presswatch.models import Article  # noqa: E402
from presswatch.store import RunResult, Store  # noqa: E402

DAY = date(2026, 11, 27)
PROVINCIAL = ["baolaichau-thoi-su", "laichau-gov-tin-tuc"]
NATIONAL = ["vnexpress-thoi-su", "tuoitre-thoi-su", "dantri-tin-moi", "vov-tin-moi", "nhandan-tin-moi",
            "vietnamplus-xa-hoi", "baochinhphu-thoi-su", "thanhnien-thoi-su"]
COPIERS = ["gnews-lai-chau", "baotintuc-thoi-su", "vietnamplus-xa-hoi", "gnews-site-baolaichau", "nld-tin-moi"]
HOSTS = {"baolaichau": "baolaichau.vn", "laichau-gov": "laichau.gov.vn", "nld": "nld.com.vn",
         "vnexpress": "vnexpress.net", "tuoitre": "tuoitre.vn", "dantri": "dantri.com.vn", "vov": "vov.vn",
         "nhandan": "nhandan.vn", "vietnamplus": "vietnamplus.vn", "baochinhphu": "baochinhphu.vn",
         "thanhnien": "thanhnien.vn", "gnews": "news.google.com", "baomoi": "baomoi.com",
         "baotintuc": "baotintuc.vn"}


def url_for(source_id: str, article_id: str) -> str:
    host = next((h for prefix, h in HOSTS.items() if source_id.startswith(prefix)), "example.vn")
    return f"https://{host}/bai-viet-{article_id}.html"


def build_store(path: Path) -> tuple[Store, Config]:
    config = load_config(ROOT / "config", {})
    analyzer = config.analyzer(with_entities=False)
    kinds = {source.id: source.kind for source in config.sources}
    analysed = [(record, analyzer.analyze(record["title"], record["text"])) for record in load_demo_articles()]
    relevant = [(r, a) for r, a in analysed if a.relevance.grade != "none"]
    others = [(r, a) for r, a in analysed if a.relevance.grade == "none"]
    # The digest day gets the province's own news (about) and a few mentions; earlier days fewer.
    about = [(r, a) for r, a in relevant if a.relevance.grade == "about"]
    mention = [(r, a) for r, a in relevant if a.relevance.grade == "mention"]
    today = about[:5] + mention[:5]
    earlier = about[5:] + mention[5:]
    end = datetime(DAY.year, DAY.month, DAY.day, 0, 0, tzinfo=UTC)  # 07:00 local
    store = Store(path)
    articles: list[Article] = []

    def add(record: dict[str, str], analysis: Analysis, source_id: str, when: datetime) -> None:
        articles.append(Article(url=url_for(source_id, record["id"]), source_id=source_id,
                                source_kind=kinds[source_id], title=record["title"], text=record["text"],
                                published_at=when, fetched_at=when + timedelta(minutes=7),
                                analysis=analysis))

    for n, (record, analysis) in enumerate(today):
        source = PROVINCIAL[n % len(PROVINCIAL)] if analysis.relevance.grade == "about" else NATIONAL[n % 8]
        when = end - timedelta(hours=22) + timedelta(minutes=113 * n)
        add(record, analysis, source, when)
        copies = 3 if n == 0 else 2 if n in (2, 5) else 0
        for c in range(copies):
            add(record, analysis, COPIERS[(n + c) % len(COPIERS)], when + timedelta(hours=1 + c))
    per_day = [3, 2, 4, 3, 2, 5, 3]
    position = 0
    for back, count in enumerate(per_day, start=1):
        for k in range(count):
            record, analysis = earlier[position % len(earlier)]
            position += 1
            add(record, analysis, NATIONAL[(position + k) % 8], end - timedelta(days=back, hours=3 + 5 * k))
    for n, (record, analysis) in enumerate(others):
        add(record, analysis, NATIONAL[n % 8], end - timedelta(hours=1 + (n * 61) % (24 * 8 * 60) / 60))
    store.add_articles(articles)
    used = sorted({a.source_id for a in articles})
    for source_id in used:
        store.record_run(RunResult(source_id, end - timedelta(hours=1), end - timedelta(minutes=50), True, 3, 2, 0))
    # A made-up health history: one source silent for six days, one failing since this morning.
    store.record_run(RunResult("dantoctongiao", end - timedelta(days=6), end - timedelta(days=6), True, 2, 1, 0))
    store.record_run(RunResult("dantoctongiao", end - timedelta(hours=1), end - timedelta(hours=1), True, 0, 1, 0))
    store.record_run(RunResult("baosonla-thoi-su", end - timedelta(days=1), end - timedelta(days=1), True, 4, 1, 0))
    for hours in (5, 3, 1):
        store.record_run(RunResult("baosonla-thoi-su", end - timedelta(hours=hours), end - timedelta(hours=hours),
                                   False, 0, 0, 1, "HTTP 503 Service Unavailable"))
    return store, config


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "docs" / "images" / "digest.png"))
    parser.add_argument("--html", help="also keep the preview HTML here")
    parser.add_argument("--height", type=int, default=2800, help="window height: the whole digest fits in 2800")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("chromium not found: apt-get install -y chromium", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        store, config = build_store(Path(tmp) / "digest.db")
        with store:
            digest = digest_for(config, store, DAY)
        html = Path(args.html) if args.html else Path(tmp) / "digest.html"
        html.write_text(preview_html(digest), encoding="utf-8")
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
             f"--user-data-dir={tmp}/profile", f"--window-size=900,{args.height}", f"--screenshot={out.resolve()}",
             html.resolve().as_uri()],
            check=True, capture_output=True, timeout=120,
        )
    print(f"{digest.subject}: {digest.about} về, {digest.mention} nhắc, {digest.negative_total} tiêu cực → {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
