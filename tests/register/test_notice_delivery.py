"""A register flag travels end to end: a workbook imported, a general information site copying a
newspaper's story without naming it, ``presswatch register indicators --alert`` queues the notice,
``presswatch alerts deliver --once`` posts it, signed, to a real webhook receiver on 127.0.0.1; a
second run sends nothing new."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from presswatch.config import load_analyzer
from presswatch.models import Article
from presswatch.store import Store
from register.xlsx import OUTLET_COLUMNS, OUTLET_SHEET
from tests.support.paths import CONFIG
from tests.support.receiver import Receiver

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "register_dev" / "sample.jsonl"


def config_dir(tmp_path: Path, hook: str) -> Path:
    config = tmp_path / "config"
    config.mkdir()
    for name in ("topics.yaml", "sentiment.yaml"):
        (config / name).write_bytes((CONFIG / name).read_bytes())
    (config / "sources.yaml").write_text("""sources:
  - {id: baoc, name: "Báo C", kind: press, type: feed, urls: ["https://baoc.example/rss"]}
  - {id: tinx, name: "Trang tin X", kind: info_site, type: feed, urls: ["https://tinx.example/rss"]}
""", encoding="utf-8")
    (config / "alerts.yaml").write_text(f"""channels:
  - {{id: thanh-tra, type: webhook, url: "{hook}", secret_env: TEST_REGISTER_SECRET}}
rules: []
""", encoding="utf-8")
    (config / "register.yaml").write_text("thresholds: {min_items: 1}\nalert_channels: [thanh-tra]\n",
                                          encoding="utf-8")
    (config / "presswatch.yaml").write_text('crawl_allow_internal: ["127.0.0.1"]\nalert_timeout: 5\n',
                                            encoding="utf-8")
    return config


def cli(config: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TEST_REGISTER_SECRET": "bí-mật-thử-nghiệm-đủ-dài-1234567890"}
    return subprocess.run([sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db), *args],
                          capture_output=True, text=True, timeout=300, env=env, check=False)


def test_flag_is_delivered_once_to_a_real_webhook(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = OUTLET_SHEET
    sheet.append([h for h, _, _ in OUTLET_COLUMNS])
    sheet.append(["7/GP-TTĐT", "Trang tin X", "trang thông tin điện tử tổng hợp", None, "", "", "", "", "tinx", ""])
    sheet.append(["8/GP-BC", "Báo C", "báo điện tử", None, "", "", "", "", "baoc", ""])
    book.save(tmp_path / "register.xlsx")
    sample = {r["id"]: r for r in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines())}["22649192"]
    analysis = load_analyzer(CONFIG, with_entities=False).analyze(sample["title"], sample["text"])
    db = tmp_path / "p.db"
    with Receiver() as receiver:
        config = config_dir(tmp_path, receiver.url + "/hook")
        imported = cli(config, db, "register", "import", str(tmp_path / "register.xlsx"))
        assert imported.returncode == 0, imported.stderr
        with Store(db) as store:
            for source, hour in (("baoc", 8), ("tinx", 11)):  # the site copies the story three hours later
                store.add_article(Article(url=f"https://{source}.example/bai.html", source_id=source,
                                          title=sample["title"], text=sample["text"],
                                          published_at=datetime(2026, 11, 10, hour, tzinfo=UTC), analysis=analysis))
        flagged = cli(config, db, "register", "indicators", "--month", "2026-11", "--alert")
        assert flagged.returncode == 0, flagged.stderr
        assert "Đã xếp 2 cảnh báo mới" in flagged.stderr  # news share and uncredited copy, one channel
        delivered = cli(config, db, "alerts", "deliver", "--once")
        assert delivered.returncode == 0, delivered.stderr
        documents = [item.json() for item in receiver.accepted.values()]
        again = cli(config, db, "register", "indicators", "--month", "2026-11", "--alert")
        assert "Không có cảnh báo mới" in again.stderr
    assert sorted(d["indicator"] for d in documents) == ["news_share", "unattributed_share"]
    copy = next(d for d in documents if d["indicator"] == "unattributed_share")
    assert copy["type"] == "register_flag" and copy["outlet"] == "7/GP-TTĐT" and copy["share"] == 1.0
    assert "Trang tin X: tỷ lệ đăng lại không ghi nguồn 100%" in copy["text"]
    assert all("x-presswatch-signature" in item.headers for item in receiver.accepted.values())


def test_daily_service_job_marks_this_month_and_flags_last_month(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from alerts import outbox
    from presswatch.service.jobs import register_job
    from presswatch.times import day_start
    from register import tables
    from register.detect import VERSION
    from register.notify import previous_month

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = OUTLET_SHEET
    sheet.append([h for h, _, _ in OUTLET_COLUMNS])
    sheet.append(["7/GP-TTĐT", "Trang tin X", "trang thông tin điện tử tổng hợp", None, "", "", "", "", "tinx", ""])
    book.save(tmp_path / "register.xlsx")
    sample = {r["id"]: r for r in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines())}
    analyzer = load_analyzer(CONFIG, with_entities=False)
    now = datetime.now(UTC)
    first, this_month = previous_month(now.date())
    db = tmp_path / "p.db"
    config = config_dir(tmp_path, "http://127.0.0.1:9/hook")  # nothing is delivered here: the outbox is read
    assert cli(config, db, "register", "import", str(tmp_path / "register.xlsx")).returncode == 0
    with Store(db) as store:
        ids = [store.add_article(Article(url=f"https://tinx.example/{sample_id}.html", source_id="tinx",
                                         title=sample[sample_id]["title"], text=sample[sample_id]["text"],
                                         published_at=when, analysis=analyzer.analyze(sample[sample_id]["title"],
                                                                                      sample[sample_id]["text"])))
               for sample_id, when in (("22678949", day_start(first) + timedelta(days=3)),
                                       ("22645030", max(day_start(this_month), now - timedelta(hours=1))))]
    monkeypatch.setenv("TEST_REGISTER_SECRET", "bí-mật-thử-nghiệm-đủ-dài-1234567890")  # the channel is active
    register_job(str(config), str(db))
    register_job(str(config), str(db))  # a second run the same day sends nothing twice
    with Store(db) as store, store.transaction() as conn:
        marks = tables.marks(conn, [i for i in ids if i is not None], VERSION)
        queued = [json.loads(r.payload or "{}") for r in outbox.listing(conn, "pending")]
    assert len(marks) == 2  # last month's article and this month's new one
    # last month: one news report out of one item; and the first spokesperson reminder
    assert sorted(d["type"] for d in queued) == ["register_flag", "register_reminder"]
    flag = next(d for d in queued if d["type"] == "register_flag")
    assert flag["indicator"] == "news_share" and flag["articles"] == [ids[0]]
