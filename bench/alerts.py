"""Alert benchmark: rule evaluation rate with 200 rules, and end-to-end alert latency.

1. Evaluation: N real articles (``../shared/data/baomoi_dev``) are analysed once, then the 200
   rules (5 shipped + 195 generated from the gazetteer and the topic terms: conditions, phrases,
   NEAR, prefixes, NOT) are evaluated on the stream, one core. Baseline in the same run: building
   the article's token view alone (fold + tokenise), the floor any rule evaluation pays.
2. Latency: a local news site publishes 100 articles at random moments over ``--window`` seconds;
   its feed is crawled every ``--interval`` seconds by the real crawl subprocess (analysis, rules
   in the store transaction), while the delivery worker runs beside it and posts to a real HTTP
   receiver on 127.0.0.1. Printed: p50/p95 from publication to receipt (bounded below by the crawl
   interval), and from the start of the crawl that saw the article to receipt (target p95 ≤ 10 s).

Run:  .venv/bin/python bench/alerts.py [--articles 1000] [--window 120] [--interval 10]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from alerts.matcher import Doc  # noqa: E402
from alerts.rules import RuleSet, doc_of  # noqa: E402
from alerts.worker import DeliveryWorker  # noqa: E402
from analysis import fold, normalize  # noqa: E402
from analysis.gazetteer import load as load_gazetteer  # noqa: E402
from crawler.runner import crawl_source  # noqa: E402
from presswatch.config import Settings, Source, load_analyzer, load_config, load_topics  # noqa: E402
from presswatch.config.alerts import load_alerts  # noqa: E402
from presswatch.demo.site import LocalSite, site_articles  # noqa: E402
from presswatch.store import Store  # noqa: E402
from tests.support.receiver import Receiver  # noqa: E402

DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "baomoi_dev" / "articles.jsonl"
SECRET = "bench-secret"


def generated_rules(count: int) -> list[dict[str, object]]:
    """Rules an office might write: per place, per topic, with phrases, NEAR, prefixes and NOT."""
    rng = random.Random(7)
    places = [name for name in load_gazetteer().units][:60]
    topics = load_topics(ROOT / "config" / "topics.yaml").topics
    terms = [term for topic in topics for group in topic.terms.values() for term in group if " " in term]
    rules: list[dict[str, object]] = []
    shapes = [
        lambda: {"query": f'"{rng.choice(places)}" NEAR/10 "{rng.choice(terms)}"'},
        lambda: {"query": f'"{rng.choice(terms)}" OR "{rng.choice(terms)}" -"{rng.choice(terms)}"'},
        lambda: {"query": f'place:"{rng.choice(places)}" ("{rng.choice(terms)}" OR '
                          f'{fold(rng.choice(terms)).split()[0]}*)', "min_relevance": "none"},
        lambda: {"topics": [rng.choice(topics).slug], "sentiment": [rng.choice(["negative", "positive"])],
                 "min_relevance": rng.choice(["about", "mention"])},
        lambda: {"query": f'("{rng.choice(places)}" OR "{rng.choice(places)}") NOT kind:social', "severity": "low"},
    ]
    while len(rules) < count:
        rule = {"id": f"r{len(rules):03d}", "name": f"Quy tắc {len(rules)}", "channels": ["thanh-tra"],
                **shapes[len(rules) % len(shapes)]()}
        rules.append(rule)
    return rules


def rules_file(directory: Path, receiver_url: str, extra: list[dict[str, object]]) -> Path:
    shipped = yaml.safe_load((ROOT / "config" / "alerts.yaml").read_text(encoding="utf-8"))
    document = {
        "channels": [{"id": "thanh-tra", "type": "webhook", "url": receiver_url, "secret_env": "BENCH_SECRET"}],
        "rules": [*shipped["rules"], *extra],
    }
    path = directory / "alerts.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def evaluation(raw: list[dict[str, str]], scratch: Path) -> None:
    analyzer = load_analyzer(ROOT / "config", with_entities=False)
    started = time.perf_counter()
    analysed = [(r["title"], r["text"], analyzer.analyze(r["title"], r["text"]).to_json()) for r in raw]
    print(f"analysed {len(raw)} articles once in {time.perf_counter() - started:.1f} s (not timed below)")
    alerts = load_alerts(rules_file(scratch, "http://127.0.0.1:9/", generated_rules(195)))
    rules = RuleSet(alerts)
    now = datetime.now(UTC)

    def tokens_only() -> None:
        for title, text, _ in analysed:
            Doc.of(normalize(title), normalize(text)).vocabulary  # noqa: B018 - built for its cost

    def evaluate() -> int:
        matched = 0
        for title, text, data in analysed:
            doc = doc_of(title, text, "bench", "press", data)
            matched += len(rules.evaluate(doc, now, now))
        return matched

    timings = {}
    for label, run in (("baseline", tokens_only), ("rules", evaluate)):
        best = float("inf")
        for _ in range(3):
            started = time.perf_counter()
            run()
            best = min(best, time.perf_counter() - started)
        timings[label] = best
    matched = evaluate()
    base_rate = len(analysed) / timings["baseline"]
    rate = len(analysed) / timings["rules"]
    print(f"{'measure (best of 3, one core)':<60} {'articles/s':>11} {'vs baseline':>12}")
    print(f"{'baseline: token view only (normalise, fold, tokenise)':<60} {base_rate:>11.0f} {1.0:>11.2f}x")
    print(f"{f'{len(rules)} rules evaluated per article (token view included)':<60} {rate:>11.0f} "
          f"{rate / base_rate:>11.2f}x   ({matched} matches, {matched / len(analysed):.2f} per article; "
          f"{rate * len(rules):,.0f} rule evaluations/s)")


def latency(raw: list[dict[str, str]], scratch: Path, window: float, interval: float, count: int) -> None:
    os.environ["BENCH_SECRET"] = SECRET
    rng = random.Random(11)
    chosen = raw[:count]
    config_dir = scratch / "config"
    config_dir.mkdir()
    for name in ("sources.yaml", "topics.yaml", "sentiment.yaml"):
        (config_dir / name).write_bytes((ROOT / "config" / name).read_bytes())
    (config_dir / "presswatch.yaml").write_text("alert_poll: 0.2\nalert_retry_base: 1\n", encoding="utf-8")
    catch_all = {"id": "moi-bai", "name": "Mọi bài mới", "min_relevance": "none", "channels": ["thanh-tra"],
                 "max_per_hour": 100000}
    with Receiver() as receiver:
        rules_file(config_dir, receiver.url + "/hook", [catch_all, *generated_rules(194)])
        config = load_config(config_dir)
        db = scratch / "latency.db"
        pending = site_articles(chosen, newest=datetime.now(UTC))
        site = LocalSite([])
        site.start()
        source = Source(id="bench-feed", name="Bench", kind="press", type="feed",
                        urls=[f"{site.url}/rss/tin-moi.rss"])
        settings = Settings(autothrottle=False, concurrent_requests_per_domain=8, crawl_timeout=600,
                            crawl_allow_internal=["127.0.0.1"])
        published: dict[str, float] = {}
        schedule = sorted((rng.uniform(0, window), article) for article in pending)
        crawls: list[tuple[float, float]] = []
        stop = threading.Event()

        def publisher() -> None:
            begin = time.monotonic()
            for offset, article in schedule:
                time.sleep(max(0.0, begin + offset - time.monotonic()))
                article = replace(article, published=datetime.now(UTC))  # dated when it appears
                site.by_path[article.path] = article
                site.articles = [article, *site.articles]
                published[f"{site.url}{article.path}"] = time.monotonic()

        Store(db).close()  # created (migrated) before the threads start
        worker = DeliveryWorker(db, config)  # opens its own connection in its thread
        delivering = threading.Thread(target=worker.run, args=(stop,), daemon=True)
        delivering.start()
        publishing = threading.Thread(target=publisher, daemon=True)
        started = time.monotonic()
        publishing.start()
        while publishing.is_alive() or time.monotonic() - started < window + interval:
            begin = time.monotonic()
            crawl_source(source, settings, db, config_dir)
            crawls.append((begin, time.monotonic()))
            time.sleep(max(0.0, interval - (time.monotonic() - begin)))
        receiver.wait_for(len(published), timeout=30)
        stop.set()
        delivering.join()
        site.stop()
    received = {}
    for item in receiver.accepted.values():
        document = item.json()
        if document["rule"]["id"] == "moi-bai":
            received[document["article"]["url"]] = item.at
    from_publication, from_crawl_start, from_crawl_end = [], [], []
    for url, at in received.items():
        if url not in published:
            continue
        seen_by = next(((b, e) for b, e in crawls if b >= published[url]), None)
        from_publication.append(at - published[url])
        if seen_by is not None:
            from_crawl_start.append(at - seen_by[0])
            from_crawl_end.append(at - seen_by[1])
    crawl_times = [e - b for b, e in crawls]
    print(f"published {len(published)} articles at random moments over {window:.0f} s; {len(crawls)} crawls, one "
          f"every {interval:.0f} s (each {statistics.median(crawl_times):.1f} s median, subprocess start included); "
          f"{len(received)}/{len(published)} alerts of the catch-all rule received, 200 rules loaded")
    print(f"{'latency (seconds)':<52} {'p50':>7} {'p95':>7} {'max':>7}")
    for label, values in (("publication → webhook received (≥ crawl interval)", from_publication),
                          ("start of the crawl that saw it → received", from_crawl_start),
                          ("end of that crawl → received (< 0: before it ended)", from_crawl_end)):
        if values:
            print(f"{label:<52} {percentile(values, 0.5):>7.2f} {percentile(values, 0.95):>7.2f} {max(values):>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000, help="articles for the evaluation rate")
    parser.add_argument("--source", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--window", type=float, default=120.0, help="seconds over which 100 articles appear")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between two crawls of the feed")
    parser.add_argument("--published", type=int, default=100)
    args = parser.parse_args()
    raw = [json.loads(line) for line in args.source.read_text(encoding="utf-8").splitlines() if line.strip()]
    raw = [r for r in raw if len(r["text"]) > 300]
    with tempfile.TemporaryDirectory() as scratch:
        evaluation(raw[: args.articles], Path(scratch))
        latency(raw[args.articles: args.articles + args.published], Path(scratch), args.window, args.interval,
                args.published)


if __name__ == "__main__":
    main()
