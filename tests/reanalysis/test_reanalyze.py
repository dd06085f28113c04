"""``presswatch reanalyze`` on a real SQLite store of real articles (tests/data/analysis_dev) analysed
as the crawl analyses them, then re-analysed after an operator edits topics.yaml: the new topic is
written (columns, JSON, facet rows) and found by a search, only the chosen fields change, a SIGKILL
mid-run loses at most a batch and leaves no article half updated, the next run resumes, and no alert
is sent for the re-graded archive (real outbox, real webhook receiver)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from alerts import outbox
from alerts.ingest import AlertEvaluator
from analysis.pipeline import Analysis
from presswatch.cli import main
from presswatch.config import load_analyzer
from presswatch.config.alerts import load_alerts
from presswatch.demo.site import LocalSite
from presswatch.models import Article
from presswatch.search import SearchRequest, elastic
from presswatch.search.sqlite import SqliteIndex
from presswatch.store import Store
from presswatch.store.articles import replace_analysis
from reanalysis import tables
from reanalysis.run import Selection, reanalyze
from tests.support.crawling import crawl, make_source
from tests.support.es import EsServer, running_es
from tests.support.paths import CONFIG
from tests.support.receiver import Receiver

DEVSET = Path(__file__).resolve().parents[1] / "data" / "analysis_dev" / "devset.jsonl"
NEW_TOPIC = "thu-nghiem-phan-tich-lai"
# A topic the operator adds: "người dân" is in many articles, so re-analysis must find it in them.
TOPIC_YAML = f"""
  - slug: {NEW_TOPIC}
    label: "Thử nghiệm phân tích lại"
    description: "A topic added after the articles were stored."
    terms:
      3: [người dân, người dân địa phương]
"""
NOW = datetime.now(UTC).replace(microsecond=0)


def devset() -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in DEVSET.read_text(encoding="utf-8").splitlines() if line.strip()]
    naming = [row for row in rows if "Lai Châu" in row["text"]][:10]  # NER runs on these
    return naming + [row for row in rows if "Lai Châu" not in row["text"]][:26]


@pytest.fixture(scope="module")
def ingested() -> list[tuple[dict[str, Any], Analysis]]:
    """36 real articles with their analysis under the shipped configuration, as the crawl made it."""
    analyzer = load_analyzer(CONFIG)
    return [(row, analyzer.analyze(row["title"], row["text"])) for row in devset()]


def edited_config(tmp_path: Path, alerts: str | None = None) -> Path:
    """A copy of the shipped configuration with ``NEW_TOPIC`` added to topics.yaml."""
    directory = tmp_path / "config"
    shutil.copytree(CONFIG, directory)
    with (directory / "topics.yaml").open("a", encoding="utf-8") as file:
        file.write(TOPIC_YAML)
    if alerts is not None:
        (directory / "alerts.yaml").write_text(alerts, encoding="utf-8")
    return directory


def fill(db: Path, ingested: list[tuple[dict[str, Any], Analysis]], evaluator: AlertEvaluator | None = None) -> None:
    with Store(db) as store:
        for number, (row, analysis) in enumerate(ingested):
            moment = NOW - timedelta(hours=number)
            store.add_article(Article(url=f"https://bao.example.vn/bai-{row['id']}.html", source_id="bao-a",
                                      title=row["title"], text=row["text"], published_at=moment, fetched_at=moment,
                                      analysis=analysis), on_stored=evaluator)


def stored_state(db: Path) -> dict[int, tuple[Any, ...]]:
    """Per article: its analysis JSON, grade columns and facet rows, read back with plain SQL."""
    connection = sqlite3.connect(db)
    state: dict[int, tuple[Any, ...]] = {}
    for article_id, data, relevance, sentiment in connection.execute(
            "SELECT id, analysis, relevance, sentiment FROM articles ORDER BY id"):
        topics = sorted(r[0] for r in connection.execute(
            "SELECT topic FROM article_topics WHERE article_id = ?", (article_id,)))
        places = sorted(r[0] for r in connection.execute(
            "SELECT place FROM article_places WHERE article_id = ?", (article_id,)))
        state[article_id] = (json.loads(data), relevance, sentiment, topics, places)
    connection.close()
    return state


def consistent(state: dict[int, tuple[Any, ...]]) -> None:
    """Every article's columns and facet rows say what its JSON says (never half updated)."""
    for article_id, (data, relevance, sentiment, topics, places) in state.items():
        assert (relevance, sentiment) == (data["relevance"], data["sentiment"]), article_id
        assert topics == sorted(data["topics"]), article_id
        assert places == sorted({p["name"] for p in data["places"]}), article_id


def expected(config: Path, ingested: list[tuple[dict[str, Any], Analysis]]) -> list[dict[str, Any]]:
    analyzer = load_analyzer(config)
    return [analyzer.analyze(row["title"], row["text"]).to_json() for row, _ in ingested]


def test_reanalyze_writes_the_new_topic_keeps_the_index_in_step_and_reads_the_cache_after(
        tmp_path: Path, ingested: list[tuple[dict[str, Any], Analysis]], capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.sqlite"
    fill(db, ingested)
    config = edited_config(tmp_path)
    before = stored_state(db)
    assert not any(NEW_TOPIC in data["topics"] for data, *_ in before.values())
    base = ["--config", str(config), "--db", str(db)]

    # --what sentiment: the new topic is not written (sentiment did not change with topics.yaml).
    assert main([*base, "reanalyze", "--what", "sentiment", "--workers", "2"]) == 0
    printed = capsys.readouterr().out
    assert "Bài thay đổi: 0 (sắc thái 0)" in printed
    assert "0 bài đọc lại từ bộ nhớ đệm, 36 bài phân đoạn mới" in printed  # nothing stored yet: it fills it
    assert stored_state(db) == before

    assert main([*base, "reanalyze", "--workers", "2", "--batch", "7"]) == 0
    printed = capsys.readouterr().out
    after = stored_state(db)
    consistent(after)
    want = expected(config, ingested)
    assert [data for data, *_ in after.values()] == want  # exactly what the crawl would store now
    tagged = sorted(article_id for article_id, (data, *_) in after.items() if NEW_TOPIC in data["topics"])
    assert len(tagged) >= 2
    # Only what changed was counted as changed: here, topics.
    assert f"Bài thay đổi: {len(tagged)} (mức liên quan 0, chủ đề {len(tagged)}, sắc thái 0, địa danh 0, " \
           "thực thể 0, độc hại 0)" in printed, printed
    assert "36 bài đọc lại từ bộ nhớ đệm, 0 bài phân đoạn mới" in printed  # what the first run stored

    with Store(db) as store:  # the search index and its facets are in step
        found = SqliteIndex(store).search(SearchRequest(query=f"topic:{NEW_TOPIC}", limit=100, facets=True))
        assert sorted(hit.id for hit in found.hits) == tagged
        assert dict(found.facets["topic"])[NEW_TOPIC] == len(tagged)
        assert tables.cache_size(store.db)[0] == 36

    # Once more: everything read from the cache, nothing changes.
    assert main([*base, "reanalyze", "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "Bài thay đổi: 0" in printed and "36 bài đọc lại từ bộ nhớ đệm, 0 bài phân đoạn mới" in printed
    assert stored_state(db) == after


def test_results_identical_with_and_without_the_cache_in_process(
        tmp_path: Path, ingested: list[tuple[dict[str, Any], Analysis]], monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm run calls neither underthesea's segmentation nor its NER, and gives the same store."""
    import analysis.text_cache as text_cache

    db = tmp_path / "db.sqlite"
    fill(db, ingested)
    config = edited_config(tmp_path)
    factory = partial(load_analyzer, config)
    with Store(db) as store:
        reanalyze(store, Selection(), factory, "v1", workers=1)
    cold = stored_state(db)
    with Store(db) as store:  # the store as the crawl left it, cache kept: the same run again, warm
        for article_id, (_, analysis) in zip(sorted(cold), ingested, strict=True):
            with store.transaction() as connection:
                replace_analysis(connection, article_id, analysis.to_json())

    def refuse(*_: object) -> None:
        raise AssertionError("underthesea called although the cache holds the result")

    monkeypatch.setattr(text_cache, "segment", refuse)
    monkeypatch.setattr(text_cache, "entities", refuse)
    with Store(db) as store:
        outcome = reanalyze(store, Selection(), factory, "v1", workers=1, restart=True)
    assert outcome.run.counts["segmentation_cached"] == 36
    assert stored_state(db) == cold


def test_sigkill_mid_run_loses_at_most_a_batch_and_the_next_run_resumes(
        tmp_path: Path, ingested: list[tuple[dict[str, Any], Analysis]]) -> None:
    db = tmp_path / "db.sqlite"
    fill(db, ingested)
    config = edited_config(tmp_path)
    command = [sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db),
               "reanalyze", "--workers", "1", "--batch", "4"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and process.poll() is None:
        with Store(db) as store:
            run = tables.latest(store.db)
        done = run.done if run is not None else 0
        if done >= 8:
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 8 <= done < 36, "the run must be killed mid-way"
    killed = stored_state(db)
    consistent(killed)  # no article half updated
    with Store(db) as store:
        run = tables.latest(store.db)
    assert run is not None and run.finished_at is None and run.done % 4 == 0
    want = expected(config, ingested)
    ids = sorted(killed)
    # Everything up to the checkpoint is re-analysed; nothing after it was touched.
    assert [killed[i][0] for i in ids if i <= run.last_id] == want[: run.done]
    assert [killed[i][0] for i in ids if i > run.last_id] == [a.to_json() for _, a in ingested[run.done:]]

    again = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"Tiếp tục lượt phân tích lại #{run.id}" in again.stdout
    final = stored_state(db)
    consistent(final)
    assert [final[i][0] for i in ids] == want
    with Store(db) as store:
        finished = tables.latest(store.db)
    assert finished is not None and finished.id == run.id and finished.finished_at is not None
    assert finished.done == 36


def test_reanalysis_sends_no_alert_even_when_an_article_newly_matches_a_rule(
        tmp_path: Path, ingested: list[tuple[dict[str, Any], Analysis]]) -> None:
    env = {**os.environ, "TEST_WEBHOOK_SECRET": "bí-mật-thử-nghiệm"}
    with Receiver() as receiver:
        rules = f"""
channels:
  - id: thanh-tra
    type: webhook
    url: {receiver.url}/hook
    secret_env: TEST_WEBHOOK_SECRET
rules:
  - id: chu-de-moi
    name: "Chủ đề mới"
    min_relevance: none
    topics: [{NEW_TOPIC}]
    channels: [thanh-tra]
    max_per_hour: 1000
"""
        config = edited_config(tmp_path, alerts=rules)
        db = tmp_path / "db.sqlite"
        fill(db, ingested, AlertEvaluator(load_alerts(config / "alerts.yaml"), env))
        with Store(db) as store:
            assert outbox.counts(store.db) == {"pending": 0, "sent": 0, "dead": 0}  # the topic did not exist
        base = [sys.executable, "-m", "presswatch.cli", "--config", str(config), "--db", str(db)]
        done = subprocess.run([*base, "reanalyze", "--workers", "2"], capture_output=True, text=True, env=env,
                              timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Không gửi cảnh báo nào" in done.stdout
        assert any(NEW_TOPIC in data["topics"] for data, *_ in stored_state(db).values())  # it matches now
        delivered = subprocess.run([*base, "alerts", "deliver", "--once"], capture_output=True, text=True, env=env,
                                   timeout=120)
        assert delivered.returncode == 0, delivered.stdout + delivered.stderr
        with Store(db) as store:
            assert outbox.counts(store.db) == {"pending": 0, "sent": 0, "dead": 0}
        assert receiver.requests == []


def test_a_mistyped_field_is_a_vietnamese_error_and_changes_nothing(
        tmp_path: Path, ingested: list[tuple[dict[str, Any], Analysis]], capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "db.sqlite"
    fill(db, ingested[:3])
    before = stored_state(db)
    assert main(["--config", str(CONFIG), "--db", str(db), "reanalyze", "--what", "topic,sentiment"]) == 2
    assert "không có trường topic" in capsys.readouterr().err
    assert main(["--config", str(CONFIG), "--db", str(db), "reanalyze", "--resume"]) == 1
    assert "không có lượt phân tích lại nào đang dở" in capsys.readouterr().err
    assert stored_state(db) == before


def test_the_crawl_stores_the_text_cache_so_the_first_reanalysis_is_warm(
        site: LocalSite, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A real crawl of the local site (subprocess, real analysis) keeps each article's segmentation
    with it: re-analysis then reads all of them and, with the configuration unchanged, changes none."""
    run, report = crawl(make_source(id="tin-tay-bac", urls=[f"{site.url}/rss/tin-moi.rss"]), db)
    assert run.ok and report.new_articles == 40
    with Store(db) as store:
        assert tables.cache_size(store.db)[0] == 40
    assert main(["--config", str(CONFIG), "--db", str(db), "reanalyze", "--workers", "1"]) == 0
    printed = capsys.readouterr().out
    assert "Bài thay đổi: 0" in printed and "40 bài đọc lại từ bộ nhớ đệm, 0 bài phân đoạn mới" in printed


@pytest.fixture
def configured_es(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, EsServer]]:
    """Elasticsearch (osmem-server, or PRESSWATCH_TEST_ES_URL) as the configured backend, as in
    tests/search; yields the alias and the server."""
    with running_es() as server:
        alias = f"pw-reanalyse-{uuid.uuid4().hex[:8]}"
        monkeypatch.setenv("PRESSWATCH_INDEX_BACKEND", "elasticsearch")
        monkeypatch.setenv("PRESSWATCH_ELASTICSEARCH_URL", server.url)
        monkeypatch.setenv("PRESSWATCH_ELASTICSEARCH_ALIAS", alias)
        for name in ("PRESSWATCH_ES_API_KEY", "PRESSWATCH_ES_USERNAME", "PRESSWATCH_ES_PASSWORD"):
            monkeypatch.delenv(name, raising=False)
        client_from_env = elastic.client_from_env

        def with_test_options(url: str, environ: dict[str, str] | None = None, **options: Any) -> Any:
            return client_from_env(url, environ, **{**server.options, **options})

        monkeypatch.setattr(elastic, "client_from_env", with_test_options)
        yield alias, server


@pytest.mark.elasticsearch
def test_elasticsearch_gets_the_rewritten_articles_again(
        tmp_path: Path, ingested: list[tuple[dict[str, Any], Analysis]], configured_es: tuple[str, EsServer],
        capsys: pytest.CaptureFixture[str]) -> None:
    alias, server = configured_es
    db = tmp_path / "db.sqlite"
    fill(db, ingested)
    config = edited_config(tmp_path)
    base = ["--config", str(config), "--db", str(db)]
    assert main([*base, "reindex"]) == 0
    capsys.readouterr()
    assert main([*base, "reanalyze", "--workers", "1", "--what", "topics"]) == 0
    printed = capsys.readouterr().out
    tagged = sorted(i for i, (data, *_) in stored_state(db).items() if NEW_TOPIC in data["topics"])
    assert tagged and "Elasticsearch: đã gửi lại" in printed, printed
    client = server.client(request_timeout=30)
    try:
        client.indices.refresh(index=alias)
        assert main([*base, "search", f"topic:{NEW_TOPIC}", "--json", "--limit", "100"]) == 0
        found = sorted(json.loads(line)["id"] for line in capsys.readouterr().out.splitlines())
        assert found == tagged
    finally:
        client.indices.delete(index=f"{alias}-*", ignore_unavailable=True)
        client.close()


def test_the_tantivy_index_gets_the_rewritten_articles_again(
        tmp_path: Path, ingested: list[tuple[dict[str, Any], Analysis]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """With ``index_backend: tantivy``: the index built before (``presswatch reindex``) holds the old
    analysis; after ``presswatch reanalyze`` a topic filter finds exactly the articles tagged anew."""
    monkeypatch.setenv("PRESSWATCH_INDEX_BACKEND", "tantivy")
    db = tmp_path / "db.sqlite"
    fill(db, ingested)
    config = edited_config(tmp_path)
    base = ["--config", str(config), "--db", str(db)]
    assert main([*base, "reindex"]) == 0
    assert (tmp_path / "db.sqlite.tantivy" / "meta.json").exists()
    capsys.readouterr()
    assert main([*base, "search", f"topic:{NEW_TOPIC}", "--json"]) == 0
    assert capsys.readouterr().out == ""  # the old analysis: nobody has the new topic
    assert main([*base, "reanalyze", "--workers", "1", "--what", "topics"]) == 0
    printed = capsys.readouterr().out
    tagged = sorted(i for i, (data, *_) in stored_state(db).items() if NEW_TOPIC in data["topics"])
    assert tagged and "Chỉ mục tantivy: đã gửi lại" in printed, printed
    assert main([*base, "search", f"topic:{NEW_TOPIC}", "--json", "--limit", "100"]) == 0
    found = sorted(json.loads(line)["id"] for line in capsys.readouterr().out.splitlines())
    assert found == tagged


def test_after_batch_runs_inside_each_batch_so_a_correction_wins_and_a_failure_writes_nothing(
        tmp_path: Path, ingested: list[tuple[dict[str, Any], Analysis]]) -> None:
    """The shared contract with the corrections module: ``after_batch`` gets exactly the rewritten ids,
    inside the batch's transaction, and what it writes is what stays (an analyst's correction wins
    over the new analysis). If it fails, the batch's articles and the run's position are not written."""
    db = tmp_path / "db.sqlite"
    fill(db, ingested)
    config = edited_config(tmp_path)
    factory = partial(load_analyzer, config)
    before = stored_state(db)

    with Store(db) as store:
        def failing(ids: Any) -> None:
            assert store.db.in_transaction
            raise RuntimeError("the corrections overlay failed")

        with pytest.raises(RuntimeError):
            reanalyze(store, Selection(), factory, "v1", workers=1, batch=50, after_batch=failing)
        run = tables.unfinished(store.db)
        assert run is not None and run.done == 0 and run.last_id == 0
    assert stored_state(db) == before  # not one article of the failed batch was written

    calls: list[list[int]] = []
    with Store(db) as store:
        def correct(ids: Any) -> None:
            """What ``overlay_corrections`` does: re-apply a stored correction (here: an analyst
            graded every rewritten article negative) through the articles' owner."""
            assert store.db.in_transaction
            calls.append(list(ids))
            for article_id in ids:
                data = json.loads(store.db.execute("SELECT analysis FROM articles WHERE id = ?",
                                                   (article_id,)).fetchone()[0])
                replace_analysis(store.db, article_id, {**data, "sentiment": "negative"})

        outcome = reanalyze(store, Selection(), factory, "v1", workers=1, batch=10, after_batch=correct)
    after = stored_state(db)
    consistent(after)
    rewritten = [article_id for article_id, (data, *_) in after.items() if NEW_TOPIC in data["topics"]]
    assert sorted(i for ids in calls for i in ids) == rewritten and len(rewritten) == outcome.run.counts["changed"]
    assert all(len(ids) <= 10 for ids in calls)  # once per batch
    for article_id in rewritten:  # the new topic is written, and the correction stays over it
        assert after[article_id][0]["sentiment"] == after[article_id][2] == "negative"


def test_presswatch_reanalyze_keeps_the_analysts_corrections(
        tmp_path: Path, ingested: list[tuple[dict[str, Any], Analysis]]) -> None:
    """The command wires the corrections in: after ``presswatch reanalyze`` rewrote every article
    (a new topic), a corrected sentiment and topic list still win, in the stored analysis, the
    columns and the search facets; an uncorrected article takes the new analysis."""
    from presswatch.store import corrections as fixes

    db = tmp_path / "db.sqlite"
    fill(db, ingested)
    config = edited_config(tmp_path)
    with Store(db) as store:
        first, second = [row[0] for row in store.db.execute("SELECT id FROM articles ORDER BY id LIMIT 2")]
        model_sentiment = store.db.execute("SELECT sentiment FROM articles WHERE id = ?", (first,)).fetchone()[0]
        wanted = next(label for label in ("positive", "neutral", "negative") if label != model_sentiment)
        fixes.correct(store, first, "sentiment", wanted, "chuyen-vien", "đọc lại cả bài")
        fixes.correct(store, first, "topics", ["tai-nan"], "chuyen-vien")

    assert main(["--config", str(config), "--db", str(db), "reanalyze", "--workers", "1", "--batch", "7"]) == 0

    state = stored_state(db)
    consistent(state)
    data, _, sentiment, topics, _ = state[first]
    assert sentiment == wanted and topics == ["tai-nan"]
    assert data["corrected"]["sentiment"]["by"] == "chuyen-vien"
    assert state[second][0]["topics"] == expected(config, ingested[1:2])[0]["topics"]  # the others are re-analysed
    with Store(db) as store:
        found = SqliteIndex(store).search(SearchRequest(query=f"sentiment:{wanted}", limit=100))
        assert first in [hit.id for hit in found.hits]
