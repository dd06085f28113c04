"""Alerts name the spokespeople who should answer for the article (issue 20), delivered for real:
the shell's resolver (``presswatch.service.register_alerts``) handed to the delivery worker, a
signed webhook and the Telegram / Slack texts posted to a real receiver on 127.0.0.1, and the same
through ``presswatch alerts deliver --once``. An empty register, or a register that cannot be read,
leaves the list empty and the alert is delivered all the same. The case page names them too."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from alerts.ingest import AlertEvaluator
from alerts.worker import DeliveryWorker
from analysis.pipeline import Analyzer
from presswatch.config import Config, Settings, load_analyzer
from presswatch.config.alerts import AlertsFile, load_alerts
from presswatch.demo.site import load_demo_articles
from presswatch.models import Article
from presswatch.service.register_alerts import spokespeople_of
from presswatch.store import Store
from register import tables
from register.model import Spokesperson
from tests.support.paths import CONFIG
from tests.support.receiver import Receiver
from tests.support.webserver import Running, csrf_of, fill, login, serve

NOW = datetime.now(UTC).replace(microsecond=0)  # the rules' max_age and the spokespeople's validity follow the clock
SECRET = "bí-mật-thử-nghiệm-không-dùng-thật"
COMMUNE = Spokesperson("Mường Tè", "commune", "Pờ Thị E", "Chủ tịch UBND xã", "0913 222 333", "e@muongte.gov.vn")
FORMER = Spokesperson("Mường Tè", "commune", "Người Cũ", "Chủ tịch", valid_to=date(2025, 6, 30))


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return load_analyzer(CONFIG, with_entities=False)


@pytest.fixture(scope="module")
def muong_te(analyzer: Analyzer) -> Article:
    record = next(r for r in load_demo_articles() if "Mường Tè" in r["text"])
    return Article(url="https://bao-a.example.vn/muong-te.html", source_id="bao-a", title=record["title"],
                   text=record["text"], published_at=NOW, fetched_at=NOW,
                   analysis=analyzer.analyze(record["title"], record["text"]))


def alerts_yaml(receiver: Receiver) -> str:
    return f"""
channels:
  - id: thanh-tra
    type: webhook
    url: {receiver.url}/hook
    secret_env: TEST_WEBHOOK_SECRET
  - id: tg
    type: telegram
    token_env: TEST_TG_TOKEN
    chat_id: "-1001"
    api_url: {receiver.url}
  - id: slack
    type: slack
    url: {receiver.url}/slack
rules:
  - id: moi-bai
    name: "Mọi bài"
    min_relevance: none
    severity: high
    channels: [thanh-tra, tg, slack]
"""


ENV = {"TEST_WEBHOOK_SECRET": SECRET, "TEST_TG_TOKEN": "123:ABC"}


def load(tmp_path: Path, text: str) -> AlertsFile:
    path = tmp_path / "alerts.yaml"
    path.write_text(text, encoding="utf-8")
    return load_alerts(path)


def department(article: Article) -> Spokesperson:
    """A department answering for the article's first topic."""
    assert article.analysis is not None and article.analysis.topics
    return Spokesperson("Sở <Văn hóa> & Thể thao", "department", "Nguyễn Thị D", "Giám đốc", "0912 111 222",
                        topics=(article.analysis.topics[0].slug,))


def deliver(store: Store, alerts: AlertsFile, receiver: Receiver, expected: int, **worker: Any) -> None:
    settings = Settings(alert_timeout=2, alert_retry_base=0.05, alert_retry_max=0.2, alert_poll=0.05)
    delivery = DeliveryWorker(store, Config(directory=CONFIG, settings=settings, sources=[], alerts=alerts), ENV,
                              **worker)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and len(receiver.accepted) < expected:
        delivery.run_once()
        time.sleep(0.02)
    assert len(receiver.accepted) == expected


def received(receiver: Receiver) -> dict[str, Any]:
    return {item.path: item.json() for item in receiver.accepted.values()}


def test_alert_names_the_spokespeople_in_json_and_chat_texts(tmp_path: Path, muong_te: Article) -> None:
    with Receiver() as receiver, Store(tmp_path / "db.sqlite") as store:
        alerts = load(tmp_path, alerts_yaml(receiver))
        with store.transaction() as db:
            tables.save_spokespeople(db, [COMMUNE, FORMER, department(muong_te)], "cli:test")
        store.add_article(muong_te, on_stored=AlertEvaluator(alerts, ENV, clock=lambda: NOW))
        deliver(store, alerts, receiver, 3, spokespeople=spokespeople_of)
    by_path = received(receiver)
    webhook = by_path["/hook"]
    assert webhook["article"]["spokespeople"] == [  # communes first; the former one is no longer valid
        {"name": "Pờ Thị E", "title": "Chủ tịch UBND xã", "unit": "Mường Tè", "phone": "0913 222 333",
         "email": "e@muongte.gov.vn"},
        {"name": "Nguyễn Thị D", "title": "Giám đốc", "unit": "Sở <Văn hóa> & Thể thao", "phone": "0912 111 222",
         "email": ""},
    ]
    line = ("Người phát ngôn: Pờ Thị E (Chủ tịch UBND xã, Mường Tè) · 0913 222 333 · e@muongte.gov.vn; "
            "Nguyễn Thị D (Giám đốc, Sở <Văn hóa> & Thể thao) · 0912 111 222")
    assert line in webhook["text"].split("\n")
    assert line in by_path["/bot123:ABC/sendMessage"]["text"].split("\n")  # Telegram: plain text
    slack = by_path["/slack"]["text"]
    assert "Nguyễn Thị D (Giám đốc, Sở &lt;Văn hóa&gt; &amp; Thể thao)" in slack and "Người Cũ" not in slack


def test_no_register_or_a_broken_one_never_holds_an_alert(tmp_path: Path, muong_te: Article) -> None:
    for case in ("empty", "broken", "no resolver"):
        with Receiver() as receiver, Store(tmp_path / f"{case}.sqlite") as store:
            alerts = load(tmp_path, alerts_yaml(receiver))
            store.add_article(muong_te, on_stored=AlertEvaluator(alerts, ENV, clock=lambda: NOW))
            if case == "broken":  # a register that cannot be read: the resolver fails for real
                with store.transaction() as db:
                    db.execute("DROP TABLE register_spokespeople")
            deliver(store, alerts, receiver, 3, **({} if case == "no resolver" else {"spokespeople": spokespeople_of}))
        webhook = received(receiver)["/hook"]
        assert webhook["article"]["spokespeople"] == [], case
        assert "Người phát ngôn" not in webhook["text"], case


def test_cli_deliver_wires_the_register_in(tmp_path: Path, muong_te: Article) -> None:
    with Receiver() as receiver:
        config = tmp_path / "config"
        config.mkdir()
        for name in ("topics.yaml", "sentiment.yaml", "sources.yaml"):
            (config / name).write_bytes((CONFIG / name).read_bytes())
        (config / "alerts.yaml").write_text(alerts_yaml(receiver), encoding="utf-8")
        db = tmp_path / "db.sqlite"
        with Store(db) as store:
            with store.transaction() as conn:
                tables.save_spokespeople(conn, [COMMUNE], "cli:test")
            store.add_article(muong_te, on_stored=AlertEvaluator(load(tmp_path, alerts_yaml(receiver)), ENV,
                                                                   clock=lambda: NOW))
        done = subprocess.run([sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db),
                               "alerts", "deliver", "--once"], capture_output=True, text=True, timeout=300,
                              env={**os.environ, **ENV}, check=False)
        assert done.returncode == 0, done.stderr
        webhook = received(receiver)["/hook"]
    assert [p["name"] for p in webhook["article"]["spokespeople"]] == ["Pờ Thị E"]
    assert "Người phát ngôn: Pờ Thị E (Chủ tịch UBND xã, Mường Tè)" in webhook["text"]


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("case-spokespeople") / "presswatch.db"
    ids = fill(db, count=6)  # the first three are about Mường Tè
    with Store(db) as store, store.transaction() as conn:
        tables.save_spokespeople(conn, [COMMUNE, FORMER], "cli:test")
    with serve(db, ids) as running:
        yield running


def test_case_page_names_the_spokespeople_of_its_articles(web: Running) -> None:
    with closing(login(web.url, "analyst1")) as analyst:
        page = analyst.get(f"/article/{web.ids['first']}").text
        opened = analyst.post(f"/article/{web.ids['first']}/case", data={"csrf": csrf_of(page)})
        assert opened.status_code == 303, opened.text
        case = analyst.get(opened.headers["location"]).text
        other = analyst.post(f"/article/{web.ids['payload']}/case", data={"csrf": csrf_of(page)})
        unrelated = analyst.get(other.headers["location"]).text
    assert 'id="spokespeople"' in case and "Pờ Thị E" in case and "0913 222 333" in case
    assert "Người Cũ" not in case
    assert 'id="spokespeople"' not in unrelated  # no place or topic the register answers for
