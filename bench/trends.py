"""Trends benchmark: what the signals cost per stored article on a large store, and how early and how
falsely the trend rules fire on replayed streams of real articles.

1. Cost (default): on a COPY of a large store (``--db``; the 1M-article database of
   ``bench/search.py`` when it is built; never the original), the first update reads every stored
   article into the signals (the catch-up an existing installation pays once), then ``--new`` real
   articles (``../shared/data/baomoi_more``, analysed first, not timed) are stored one transaction each
   as a crawl stores them, by crawls of ``--crawl`` articles from one of 30 sources, each crawl followed
   by the update the crawl runner makes (``trends.update.update``, the shipped ``alerts.yaml`` rules).
   Printed: the update's cost per stored article (median and p95 over crawls, and the mean), beside
   the baseline measured in the same run: the store's own cost per article (``Store.add_article``:
   URLs, text, index, analysis, story, with the alert rules' hook as a crawl stores). Goal: ≤ 2 ms per
   article. ``--query`` adds a query burst rule; each crawl's articles are then stored twice (by two
   outlets, which first alternating): matched at the update (re-reading and re-tokenising the text:
   before) and in the article's transaction on the alert rules' tokens (``trends.prematch``: after),
   both printed, with the time spent inside the transaction's hook.
2. Evaluation (``--evaluate``): a stream of ``--days`` days of real articles (``baomoi_dev``) at
   ``--per-hour`` per hour (hour-of-day and weekday profile), with spreading stories and place
   bursts injected at known times after a quiet stretch (``trends.replay``), stored crawl by crawl
   every 30 minutes and updated after each; printed: detection delay (median, p95) from the moment
   the rule's condition became true and from the injection's first item, misses, and false alarms
   per simulated week, for the shipped rules.

Run:  .venv/bin/python bench/trends.py --db /tmp/copy-of-1m.db [--new 300] [--crawl 20] [--more PATH] [--query]
      .venv/bin/python bench/trends.py --evaluate [--background 3000] [--days 28] [--per-hour 4] [--articles PATH]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from alerts.ingest import AlertEvaluator  # noqa: E402
from alerts.matcher import Doc  # noqa: E402
from presswatch.config import load_analyzer  # noqa: E402
from presswatch.config.alerts import Rule, load_alerts  # noqa: E402
from presswatch.models import Article  # noqa: E402
from presswatch.store import Store  # noqa: E402
from presswatch.times import parse_iso  # noqa: E402
from trends.prematch import QueryMatcher  # noqa: E402
from trends.replay import build_stream, pools, replay, score  # noqa: E402
from trends.update import MAX_PER_UPDATE, Context, update  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
DEV = DATA / "baomoi_dev" / "articles.jsonl"
MORE = DATA / "baomoi_more" / "articles.jsonl.gz"


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def cost(db: Path, new: int, crawl: int, more: Path, with_query: bool) -> None:
    if db.resolve() == Path("/work/bench-data/1m.db"):
        raise SystemExit("never the original: copy it (with its -wal and -shm files) and pass the copy")
    analyzer = load_analyzer(ROOT / "config", with_entities=False)
    with gzip.open(more, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for _, line in zip(range(new), lines, strict=False)]
    started = time.perf_counter()
    analysed = [(r, analyzer.analyze(r["title"], r["text"])) for r in records]
    print(f"analysed {len(analysed)} new articles in {time.perf_counter() - started:.0f} s (not timed below)")
    alerts = load_alerts(ROOT / "config" / "alerts.yaml")
    if with_query:  # a query burst rule: each new article's text is read and matched
        query_rule = Rule.model_validate({
            "id": "sat-lo-tang-dot-bien", "name": "Tin sạt lở, lũ quét tăng đột biến", "kind": "trend",
            "trend": {"signal": "burst", "dimension": "query", "window": "12h", "min_count": 4},
            "query": '"sạt lở" OR "lũ quét"'})
        alerts = alerts.model_copy(update={"rules": [*alerts.rules, query_rule]})
    print(f"rules: {sum(rule.kind == 'trend' for rule in alerts.rules)} trend rules"
          f"{' (one a query burst)' if with_query else ''}")
    context = Context(alerts)
    with Store(db) as store:
        count = store.count_articles()
        latest = store.db.execute("SELECT max(dated_at) FROM articles").fetchone()[0]
        now = (parse_iso(latest) or datetime.now(UTC)) + timedelta(minutes=1)
        print(f"store: {count:,} articles, the newest dated {latest}")
        catch_up, read, longest = 0.0, 0, 0.0
        # The catch-up runs with the shipped rules only: a query burst rule added to an installation
        # matches from then on (reading the archive through it would add ~2 ms × every stored article).
        shipped = Context(load_alerts(ROOT / "config" / "alerts.yaml"))
        while True:  # as `presswatch trends update` does: bounded transactions
            started = time.perf_counter()
            outcome = update(store, shipped, now=now)
            spent = time.perf_counter() - started
            catch_up, read, longest = catch_up + spent, read + outcome.articles, max(longest, spent)
            if outcome.articles < MAX_PER_UPDATE:
                break
        if read:
            print(f"catch-up (the first updates read every stored article, {MAX_PER_UPDATE:,} per transaction): "
                  f"{read:,} articles in {catch_up:.1f} s, {1000 * catch_up / read:.3f} ms per article, "
                  f"longest transaction {longest:.1f} s")
        else:
            print("catch-up: nothing to read (this copy's signals are up to date)")
        # With a query burst rule, each crawl's articles are stored twice, by two outlets, once each way
        # the rule can be matched (which goes first alternates), so both see the same articles, store, load
        # and drift: "re-read" (before: the update reads each new article's text back and tokenises it
        # again) and "shared" (after: the article's transaction matches it on the tokens its alert rules
        # were evaluated on, trends.prematch). Both store through the alert rules' hook, as a crawl does.
        matcher = QueryMatcher(alerts)
        in_hook: list[float] = []  # seconds inside the shared hook, per article: its exact added cost

        def timed(db: sqlite3.Connection, article_id: int, doc: Doc) -> None:
            began = time.perf_counter()
            matcher(db, article_id, doc)
            in_hook.append(time.perf_counter() - began)
        modes = {"re-read": AlertEvaluator(alerts)}
        if matcher:  # a query burst rule (--query): the other way too
            modes["shared"] = AlertEvaluator(alerts, on_doc=timed)
        store_ms: dict[str, list[float]] = {mode: [] for mode in modes}
        chars: dict[str, list[int]] = {mode: [] for mode in modes}  # the crawls differ in their articles
        update_ms: dict[str, list[float]] = {mode: [] for mode in modes}
        run = int(time.time())  # new URLs each run: a rerun on the same copy stores new articles
        for batch_start in range(0, len(analysed), crawl):
            batch = analysed[batch_start:batch_start + crawl]
            order = list(modes) if batch_start // crawl % 2 == 0 else list(reversed(modes))
            for mode in order:  # the same articles both ways (two outlets), in turn first
                source = f"bench-{mode}-{batch_start // crawl % 30:02d}"
                now += timedelta(minutes=10)
                began = time.perf_counter()
                for number, (record, analysis) in enumerate(batch):
                    store.add_article(Article(
                        url=f"https://{source}.example.vn/trends-bench/{run}/{batch_start + number}-{record['id']}",
                        source_id=source, source_kind="press", title=record["title"], text=record["text"],
                        published_at=now - timedelta(minutes=number), fetched_at=now, analysis=analysis),
                        on_stored=modes[mode])
                store_ms[mode].append(1000 * (time.perf_counter() - began) / len(batch))
                chars[mode].extend(len(record["text"]) for record, _ in batch)
                began = time.perf_counter()
                update(store, context, now=now, sources=[source])
                update_ms[mode].append(1000 * (time.perf_counter() - began) / len(batch))
    print(f"{sum(map(len, update_ms.values()))} crawls of {crawl} articles at {count:,} articles"
          + (", each batch both ways:" if len(modes) > 1 else ":"))
    for mode in modes:
        stored, updated = store_ms[mode], update_ms[mode]
        print(f"  {mode:8} Store.add_article + alert rules  median {statistics.median(stored):7.3f} ms/article, "
              f"p95 {percentile(stored, 0.95):7.3f}, mean {statistics.fmean(stored):7.3f} "
              f"(texts of {statistics.fmean(chars[mode]):,.0f} characters on average)")
        print(f"  {mode:8} trends update after each crawl  median {statistics.median(updated):7.3f} ms/article, "
              f"p95 {percentile(updated, 0.95):7.3f}, mean {statistics.fmean(updated):7.3f}")
    hook = 1000 * statistics.fmean(in_hook) if in_hook else 0.0
    if in_hook:
        print(f"  shared   query burst rules in the article's transaction (timed inside the hook): mean {hook:.3f} "
              f"ms, p95 {1000 * percentile(in_hook, 0.95):.3f}")
    for mode, added in (("re-read", 0.0), ("shared", hook))[:len(modes)]:
        print(f"  trends' cost per stored article, {mode:8}: {statistics.fmean(update_ms[mode]) + added:6.3f} ms mean "
              f"(update{f' + {added:.3f} ms in the transaction' if mode == 'shared' else ''}; goal ≤ 2 ms)")


def evaluate(background: int, days: int, per_hour: float, seed: int, dev: Path) -> None:
    analyzer = load_analyzer(ROOT / "config", with_entities=False)
    records = [json.loads(line) for line in dev.read_text(encoding="utf-8").splitlines()]
    province = [r for r in records if "Lai Châu" in r["title"] + r["text"]]
    others = [r for r in records if "Lai Châu" not in r["title"] + r["text"]][:background]
    started = time.perf_counter()
    chosen = pools(province + others, analyzer, burst_size=4)
    print(f"analysed {len(province) + len(others)} real articles in {time.perf_counter() - started:.0f} s; "
          f"{len(chosen.stories)} stories, bursts of {', '.join(chosen.bursts)}")
    shipped = load_alerts(ROOT / "config" / "alerts.yaml")
    start = datetime(2026, 10, 4, 17, 0, tzinfo=UTC)  # Monday 00:00 in Vietnam
    stream = build_stream(chosen.background, chosen.stories, chosen.bursts, start=start, days=days,
                          per_hour=per_hour, burst_size=4, seed=seed)
    print(f"stream: {len(stream.publications)} articles over {days} days ({stream.weeks:.1f} weeks), "
          f"{len(stream.injections)} injections (stories over 7 outlets within ≈ 5 h, bursts of 4 articles "
          f"within 8 h), an update every 30 min")
    # The shipped thresholds, and looser ones (to show what they would cost in false alarms).
    looser = shipped.model_copy(update={"rules": [_looser(rule) for rule in shipped.rules]})
    for name, alerts in (("shipped rules", shipped), ("looser rules: story ≥ 3 outlets in 6 h; burst over 6 h, "
                                                      "ratio 2, z 2, min_count 2", looser)):
        rules = {rule.id: rule for rule in alerts.rules}
        story, burst = rules["tin-lan-rong"].trend, rules["dia-danh-tang-dot-bien"].trend
        assert story is not None and burst is not None
        with tempfile.TemporaryDirectory() as scratch, Store(Path(scratch) / "replay.db") as store:
            started = time.perf_counter()
            raised = replay(store, stream, Context(alerts))
            spent = time.perf_counter() - started
            scores = score(stream, raised, store, story.min_outlets, burst.min_count)
        print(f"{name} (replayed in {spent:.0f} s):")
        for signal, result in scores.items():
            median = "—" if result.median is None else f"{result.median:.2f} h"
            p95 = "—" if result.p95 is None else f"{result.p95:.2f} h"
            from_start = (f"{statistics.median(result.delays_from_start):.2f} h" if result.delays_from_start
                          else "—")
            print(f"  {signal:6} detected {len(result.delays)}/{len(result.delays) + len(result.missed)}, "
                  f"delay median {median}, p95 {p95} (from the first item: median {from_start}); "
                  f"false alarms {len(result.false_alarms)} = {result.false_per_week:.2f}/week")
            for line in result.missed:
                print(f"      missed: {line}")
            for line in result.false_alarms[:10]:
                print(f"      false alarm: {line}")


def _looser(rule: Rule) -> Rule:
    if rule.trend is None:
        return rule
    if rule.trend.signal == "story":
        return rule.model_copy(update={"trend": rule.trend.model_copy(update={"min_outlets": 3})})
    if rule.trend.signal == "burst":
        return rule.model_copy(update={"trend": rule.trend.model_copy(
            update={"window": 6 * 3600, "ratio": 2.0, "z": 2.0, "min_count": 2})})
    return rule


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a COPY of a large store")
    parser.add_argument("--new", type=int, default=300)
    parser.add_argument("--crawl", type=int, default=20)
    parser.add_argument("--evaluate", action="store_true")
    parser.add_argument("--query", action="store_true", help="add a query burst rule to the shipped ones")
    parser.add_argument("--background", type=int, default=3000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--per-hour", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--articles", type=Path, default=DEV, help="baomoi_dev articles (JSON lines)")
    parser.add_argument("--more", type=Path, default=MORE, help="baomoi_more articles (gzipped JSON lines)")
    args = parser.parse_args()
    if args.evaluate:
        evaluate(args.background, args.days, args.per_hour, args.seed, args.articles)
    elif args.db is None:
        parser.error("--db (a copy of a large store) or --evaluate")
    else:
        cost(args.db, args.new, args.crawl, args.more, args.query)


if __name__ == "__main__":
    main()
