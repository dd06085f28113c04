"""Soak run of the service: 50 local news sites, 6 simulated hours compressed into minutes.

The real ``presswatch run`` runs in a subprocess on 50 feed sources, one local site each (real
Vietnamese articles from ``../shared/data/baomoi_dev``). Time is compressed ``--scale`` times (default
60: a source's 1-hour interval becomes 60 s, 6 hours become 6 minutes). Each site publishes new
articles at random moments (about 2 per simulated hour), a catch-all alert rule delivers every new
story to a local webhook receiver. Every ``--sample`` seconds the service's resident memory, open
files, threads and child processes are printed with the articles, crawls and alerts so far: they must
stay flat, not grow with the number of crawls. The baseline beside them is the first sample.

Run:  .venv/bin/python bench/soak.py [--hours 6] [--scale 60] [--sites 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presswatch.demo.site import LocalSite, site_articles  # noqa: E402
from tests.support.receiver import Receiver  # noqa: E402

DEFAULT_ARTICLES = ROOT.parent / "shared" / "data" / "baomoi_dev" / "articles.jsonl"


def proc_stats(pid: int) -> dict[str, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
    children = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += len((task / "children").read_text().split()) if (task / "children").exists() else 0
    return {"rss_kib": int(fields["VmRSS"].split()[0]), "fds": len(os.listdir(f"/proc/{pid}/fd")),
            "threads": int(fields["Threads"]), "children": children}


def db_stats(db: Path) -> dict[str, int]:
    connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        articles = connection.execute("SELECT count(*) FROM articles").fetchone()[0]
        runs = connection.execute("SELECT count(*), coalesce(sum(ok = 0), 0) FROM crawl_runs").fetchone()
        sent = connection.execute("SELECT count(*) FROM outbox WHERE status = 'sent'").fetchone()[0]
        pending = connection.execute("SELECT count(*) FROM outbox WHERE status != 'sent'").fetchone()[0]
    finally:
        connection.close()
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*") if p.suffix != ".pid")
    return {"articles": articles, "crawls": runs[0], "failed": runs[1], "sent": sent, "pending": pending,
            "db_mib": size // (1024 * 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--hours", type=float, default=6.0, help="simulated hours")
    parser.add_argument("--scale", type=float, default=60.0, help="time compression (60: 1 h → 60 s)")
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--sample", type=float, default=20.0, help="seconds between two samples")
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    args = parser.parse_args()

    rng = random.Random(5)
    raw = [json.loads(line) for line in args.articles.read_text(encoding="utf-8").splitlines() if line.strip()]
    raw = [r for r in raw if len(r["text"]) > 300]
    per_hour = 2
    initial = 10
    needed = args.sites * (initial + int(per_hour * args.hours) + 2)
    pool = site_articles(raw[:needed], newest=datetime.now(UTC))
    duration = args.hours * 3600 / args.scale
    interval = max(5, int(3600 / args.scale))
    sites = [LocalSite(pool[i * initial:(i + 1) * initial], name=f"Báo {i}").start() for i in range(args.sites)]
    fresh = pool[args.sites * initial:]
    schedule = sorted((rng.uniform(0, duration), rng.randrange(args.sites), article) for article in
                      fresh[: int(args.sites * per_hour * args.hours)])

    with tempfile.TemporaryDirectory() as scratch, Receiver() as receiver:
        config = Path(scratch) / "config"
        config.mkdir()
        for name in ("topics.yaml", "sentiment.yaml"):
            (config / name).write_bytes((ROOT / "config" / name).read_bytes())
        (config / "sources.yaml").write_text("sources:\n" + "".join(
            f"  - id: bao-{i}\n    name: \"Báo {i}\"\n    kind: press\n    type: feed\n"
            f"    urls: [{site.url}/rss/tin-moi.rss]\n    interval: {interval}s\n" for i, site in enumerate(sites)),
            encoding="utf-8")
        (config / "alerts.yaml").write_text(
            f"channels:\n  - id: hook\n    type: webhook\n    url: {receiver.url}/hook\n    secret_env: SOAK_SECRET\n"
            "rules:\n  - id: moi-bai\n    name: \"Mọi bài\"\n    min_relevance: none\n    channels: [hook]\n"
            "    max_per_hour: 100000\n", encoding="utf-8")
        (config / "presswatch.yaml").write_text(
            "crawl_allow_internal: [127.0.0.1]\n"
            "autothrottle: false\ndownload_timeout: 5\nretry_times: 1\nconcurrent_requests_per_domain: 4\n"
            "parallel_crawls: 2\nmetrics_port: 0\nbackup_dir: \"\"\nalert_poll: 0.5\n", encoding="utf-8")
        db = Path(scratch) / "soak.db"
        env = {**os.environ, "SOAK_SECRET": "soak", "PYTHONUNBUFFERED": "1"}
        log = open(Path(scratch) / "service.log", "w+")  # noqa: SIM115 - read at the end
        service = subprocess.Popen([sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db),
                                    "run"], env=env, stdout=log, stderr=subprocess.STDOUT)
        stop = threading.Event()

        def publish() -> None:
            begin = time.monotonic()
            for offset, index, article in schedule:
                if stop.wait(max(0.0, begin + offset - time.monotonic())):
                    return
                site = sites[index]
                article = replace(article, published=datetime.now(UTC))
                site.by_path[article.path] = article
                site.articles = [article, *site.articles][:50]

        publisher = threading.Thread(target=publish, daemon=True)
        print(f"{args.sites} sites, interval {interval} s (1 simulated hour = {3600 / args.scale:.0f} s), "
              f"{len(schedule)} articles to appear over {duration:.0f} s ({args.hours:g} simulated hours)")
        print(f"{'t (s)':>6} {'sim h':>6} {'RSS MiB':>8} {'vs first':>8} {'fds':>5} {'threads':>7} {'children':>8} "
              f"{'articles':>8} {'crawls':>6} {'failed':>6} {'alerts sent':>11} {'pending':>7} {'db MiB':>6}")
        started = time.monotonic()
        publisher.start()
        first_rss = None
        samples = []
        while time.monotonic() - started < duration:
            time.sleep(args.sample)
            if service.poll() is not None:
                break
            stats = {**proc_stats(service.pid), **db_stats(db)} if db.exists() else proc_stats(service.pid)
            samples.append(stats)
            first_rss = first_rss or stats["rss_kib"]
            elapsed = time.monotonic() - started
            print(f"{elapsed:>6.0f} {elapsed * args.scale / 3600:>6.2f} {stats['rss_kib'] / 1024:>8.1f} "
                  f"{stats['rss_kib'] / first_rss:>7.2f}x {stats['fds']:>5} {stats['threads']:>7} "
                  f"{stats['children']:>8} {stats.get('articles', 0):>8} {stats.get('crawls', 0):>6} "
                  f"{stats.get('failed', 0):>6} {stats.get('sent', 0):>11} {stats.get('pending', 0):>7} "
                  f"{stats.get('db_mib', 0):>6}", flush=True)
        stop.set()
        service.send_signal(signal.SIGTERM)
        code = service.wait(timeout=120)
        for site in sites:
            site.stop()
        final = db_stats(db)
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        failures = connection.execute("SELECT message, count(*) FROM crawl_runs WHERE ok = 0 GROUP BY message "
                                      "ORDER BY count(*) DESC LIMIT 5").fetchall()
        connection.close()
        log.seek(0)
        errors = [line for line in log.read().splitlines() if " ERROR " in line or "Traceback" in line]
        log.close()
    rss = [s["rss_kib"] for s in samples]
    fds = [s["fds"] for s in samples]
    half = len(samples) // 2
    print(f"exit code {code} after SIGTERM; {final['articles']} articles, {final['crawls']} crawls "
          f"({final['failed']} failed), {final['sent']} alerts delivered, {final['pending']} pending, "
          f"{len(errors)} ERROR lines in the service log")
    for message, number in failures:
        print(f"  failed crawls: {number} × {message}")
    if half:
        ratio = (sum(rss[half:]) / len(rss[half:])) / (sum(rss[:half]) / half)
        print(f"RSS: first {rss[0] / 1024:.1f} MiB, max {max(rss) / 1024:.1f}, last {rss[-1] / 1024:.1f}; "
              f"mean of the second half / first half = {ratio:.3f}")
        print(f"open files: first {fds[0]}, max {max(fds)}, last {fds[-1]}")


if __name__ == "__main__":
    main()
