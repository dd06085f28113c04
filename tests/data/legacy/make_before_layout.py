"""Build a small database with the code as it was before the layout move (commit ebd3653)."""
import os, signal, subprocess, sys, time, json
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, "/tmp/legacy")
from presswatch.config import load_analyzer  # noqa
from presswatch.alerts_config import load_alerts  # noqa
from presswatch.models import Article
from presswatch.store import Store, RunResult
from presswatch import users, annotations
from presswatch.localsite import load_demo_articles
from alerts.ingest import AlertEvaluator

out = Path(sys.argv[1])
out.unlink(missing_ok=True)
config_dir = Path("/tmp/legacy_build/config")
analyzer = load_analyzer(Path("/tmp/legacy/config"), with_entities=False)
evaluator = AlertEvaluator(load_alerts(config_dir / "alerts.yaml"), environ={"PRESSWATCH_WEBHOOK_URL": "http://127.0.0.1:9/hook", "PRESSWATCH_WEBHOOK_SECRET": "s" * 32})
raw = [a for a in load_demo_articles() if "Lai Châu" in a["text"]][:6]
now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
with Store(out) as store:
    for n, record in enumerate(raw):
        article = Article(url=f"https://baolaichau.example/bai-{record['id']}.html", source_id="bao-lai-chau",
                          title=record["title"], text=record["text"], published_at=now - timedelta(hours=n),
                          fetched_at=now)
        article.analysis = analyzer.analyze(article.title, article.text)
        store.add_article(article, on_stored=evaluator)
    store.record_run(RunResult("bao-lai-chau", now, now, True, 6, 6, 0))
    store.record_run(RunResult("tin-hong", now, now, False, 0, 0, 1, "HTTP 503"))
    users.add_user(store, "lan", "analyst", "mat-khau-cua-lan-1")
    annotations.add_tag(store, 1, "cần theo dõi", "lan")
    annotations.add_note(store, 1, "Ghi chú thử", "lan")
    annotations.set_verification(store, 2, True, "lan")
    annotations.save_search(store, "lan", "Sạt lở", '"sạt lở" relevance:about')
    store.db.execute("INSERT INTO digest_sends (day, status, attempts, sent_at, recipients) VALUES ('2026-12-06', 'sent', 1, '2026-12-06T00:00:05Z', 'a@b.vn')")
    store.db.execute("INSERT INTO sync_state (name, last_article_id) VALUES ('elasticsearch', 3)")
print("articles stored; alerts:", sum(r.new for r in evaluator.recorded))
env = {**os.environ, "PYTHONPATH": "/tmp/legacy", "PRESSWATCH_WEBHOOK_URL": "http://127.0.0.1:9/hook", "PRESSWATCH_WEBHOOK_SECRET": "s" * 32}
service = subprocess.Popen([sys.executable, "-m", "presswatch.cli", "--config", str(config_dir), "--db", str(out), "run"],
                           cwd="/tmp/legacy", env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
time.sleep(12)
service.send_signal(signal.SIGTERM)
print(service.communicate(timeout=60)[0][-3000:])
import sqlite3
db = sqlite3.connect(out)
print(db.execute("PRAGMA user_version").fetchone(), db.execute("SELECT id, next_run_time FROM apscheduler_jobs").fetchall())
db.execute("VACUUM")
