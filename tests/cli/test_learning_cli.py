"""``presswatch corrections export`` and ``presswatch train`` through the real entry point, on a real
store of analysed articles with analysts' corrections: the export's rows; training on a tiny shipped
set plus the corrections, both scores printed, the gate kept, the version recorded and loaded by the
analysis (``Config.analyzer``, the crawl's snapshot, ``presswatch analyze``), ``--list`` and
``--rollback`` back to the shipped model."""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from presswatch.cli import main
from presswatch.config import load_analyzer, load_config
from presswatch.config.crawl import CrawlConfig
from presswatch.models import Article
from presswatch.store import Store
from presswatch.store import corrections as fixes
from tests.support.paths import CONFIG, DATA

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
# the model the package ships (analysis/data/sentiment_model.json): what is in use without a trained version
SHIPPED_VERSION = json.loads((Path(__file__).resolve().parents[2] / "analysis" / "data" / "sentiment_model.json")
                             .read_text(encoding="utf-8"))["meta"]["version"]
SHIPPED_ROWS = 15  # a tiny "shipped" training set keeps the test fast; the office corrected more than that
CORRECTED = 45
ROTATED = {"negative": "positive", "neutral": "negative", "positive": "neutral"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    lines = gzip.decompress((DATA / "sentiment_train" / "train.jsonl.gz").read_bytes()).decode().splitlines()
    return [json.loads(line) for line in lines[:SHIPPED_ROWS + CORRECTED]]


def make_office(tmp_path: Path, rows: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch,
                noisy: bool = False) -> tuple[Path, Path, list[int]]:
    """A store whose articles (not in the tiny shipped set) an analyst corrected; the models folder
    of the configuration points into tmp_path. One side is made clearly better on purpose. By
    default the shipped set's labels are rotated: the office's definition differs from the shipped
    one, consistently. ``noisy``: the shipped set is larger and right, and the corrections' labels
    are wrong, each rotated (an analyst who misread the definition): they can only mislead."""
    shipped_count = len(rows) - SHIPPED_ROWS if noisy else SHIPPED_ROWS
    monkeypatch.setenv("PRESSWATCH_MODELS_DIR", str(tmp_path / "models"))
    shipped = tmp_path / "shipped.jsonl"
    shipped_rows = [r if noisy else {**r, "sentiment": ROTATED[r["sentiment"]]} for r in rows[:shipped_count]]
    shipped.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in shipped_rows), encoding="utf-8")
    analyzer = load_analyzer(CONFIG, with_entities=False)
    db = tmp_path / "pw.db"
    ids = []
    with Store(db) as store:
        for number, row in enumerate(rows[shipped_count:]):
            found = store.add_article(Article(url=f"https://bao.vn/{row['id']}", source_id="bao-a", title=row["title"],
                                              text=row["text"], published_at=NOW - timedelta(hours=number),
                                              analysis=analyzer.analyze(row["title"], row["text"])))
            assert found is not None
            ids.append(found)
            label = ROTATED[row["sentiment"]] if noisy else row["sentiment"]
            fixes.correct(store, found, "sentiment", label, "chuyen-vien", "nhãn của văn phòng")
        fixes.correct(store, ids[0], "topics", ["thien-tai", "xa-hoi"], "truong-phong")
    return db, shipped, ids


@pytest.fixture
def office(tmp_path: Path, rows: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, list[int]]:
    return make_office(tmp_path, rows, monkeypatch)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["--config", str(CONFIG), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_corrections_export_as_jsonl_and_csv(office: tuple[Path, Path, list[int]], rows: list[dict[str, str]],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    db, _, ids = office
    code, out, err = run(capsys, "--db", str(db), "corrections", "export")
    assert code == 0 and f"Đã xuất {CORRECTED + 1} hiệu chỉnh." in err
    exported = [json.loads(line) for line in out.splitlines()]
    first = exported[0]
    assert set(first) == {"article_id", "url", "title", "field", "model_value", "corrected_value", "user",
                          "created_at", "reason"}
    assert (first["article_id"], first["field"], first["corrected_value"], first["user"]) == \
        (ids[0], "sentiment", rows[SHIPPED_ROWS]["sentiment"], "chuyen-vien")
    assert first["title"] == rows[SHIPPED_ROWS]["title"] and first["url"].startswith("https://bao.vn/")
    assert exported[-1]["corrected_value"] == ["thien-tai", "xa-hoi"]

    code, out, _ = run(capsys, "--db", str(db), "corrections", "export", "--format", "csv", "--since", "2000-01-01")
    table = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and len(table) == CORRECTED + 1 and table[-1]["corrected_value"] == "thien-tai;xa-hoi"
    code, out, err = run(capsys, "--db", str(db), "corrections", "export", "--since", "2099-01-01")
    assert code == 0 and out == "" and "Đã xuất 0 hiệu chỉnh." in err
    code, _, err = run(capsys, "--db", str(db), "corrections", "export", "--since", "hôm qua")
    assert code == 2 and "Traceback" not in err


def test_train_keeps_a_model_that_is_not_worse_records_it_loads_it_and_rolls_back(
        office: tuple[Path, Path, list[int]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    db, shipped, _ = office
    models = tmp_path / "models"
    code, out, _ = run(capsys, "--db", str(db), "train", "sentiment", "--data", str(shipped), "--folds", "3",
                       "--user", "chuyen-vien")
    assert code == 0, out
    assert f"Dữ liệu: {SHIPPED_ROWS} bài gốc + {CORRECTED} hiệu chỉnh sắc thái ({CORRECTED} mới" in out
    assert "Mô hình mới:" in out and "Mô hình hiện tại:" in out  # both scores, on the same folds
    record = [json.loads(line) for line in (models / "sentiment" / "versions.jsonl").read_text().splitlines()][-1]
    assert record["training_size"] == SHIPPED_ROWS + CORRECTED and record["corrections"] == CORRECTED
    assert record["who"] == "chuyen-vien" and record["previous"] == "shipped" and record["cv_folds"] == 3
    assert record["kept"] == (record["cv_macro_f1"] >= record["cv_macro_f1_current"])
    version = record["version"]
    assert record["kept"] and f"phiên bản {version}" in out, out  # the office's 45 beside 15 contradicting articles
    assert (models / "sentiment" / "CURRENT").read_text().strip() == version

    config = load_config(CONFIG)
    model = config.analyzer(with_entities=False).sentiment_model
    assert model is not None and (model.meta or {})["version"] == version  # crawls and the service load it
    snapshot = CrawlConfig.from_json(CrawlConfig.of(config).to_json())  # what the crawl subprocess reads
    loaded = snapshot.analyzer(with_entities=False)
    assert loaded is not None and loaded.sentiment_model is not None
    assert (loaded.sentiment_model.meta or {})["version"] == version
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"title": "Lai Châu", "text": "Tin thử."}) + "\n"))
    assert main(["--config", str(CONFIG), "analyze", "--no-entities"]) == 0  # presswatch analyze reads it too
    capsys.readouterr()

    code, out, _ = run(capsys, "--db", str(db), "train", "sentiment", "--data", str(shipped), "--folds", "3")
    assert code == 0 and "Không có hiệu chỉnh sắc thái mới: không huấn luyện lại" in out

    code, out, _ = run(capsys, "--db", str(db), "train", "--list")
    assert code == 0 and f"* {version}" in out and "giữ;" in out and f"{SHIPPED_ROWS + CORRECTED} bài" in out
    code, out, _ = run(capsys, "--db", str(db), "train", "--rollback")
    assert code == 0 and f"từ {version} về shipped" in out
    shipped_model = load_config(CONFIG).analyzer(with_entities=False).sentiment_model
    assert shipped_model is not None and (shipped_model.meta or {}).get("version") == SHIPPED_VERSION != version
    code, out, _ = run(capsys, "--db", str(db), "train", "--rollback", version)
    assert code == 0 and f"về {version}" in out
    code, _, err = run(capsys, "--db", str(db), "train", "--rollback", "20990101-000000")
    assert code == 1 and "không có phiên bản «20990101-000000»" in err
    code, _, err = run(capsys, "--db", str(db), "train")
    assert code == 1 and "cần chọn mô hình" in err


def test_train_refuses_a_model_that_scores_lower_and_keeps_the_current_one(
        tmp_path: Path, rows: list[dict[str, str]], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Wrong corrections (fewer than the right shipped articles) make a worse model: it is recorded,
    not kept, and the analysis goes on with the shipped model."""
    db, shipped, _ = make_office(tmp_path, rows, monkeypatch, noisy=True)
    code, out, _ = run(capsys, "--db", str(db), "train", "sentiment", "--data", str(shipped), "--folds", "3")
    record = json.loads((tmp_path / "models" / "sentiment" / "versions.jsonl").read_text().splitlines()[-1])
    assert code == 0 and not record["kept"] and record["cv_macro_f1"] < record["cv_macro_f1_current"], out
    assert "Không giữ mô hình mới: điểm thấp hơn mô hình hiện tại; vẫn dùng shipped." in out
    assert not (tmp_path / "models" / "sentiment" / f"{record['version']}.json").exists()
    assert not (tmp_path / "models" / "sentiment" / "CURRENT").exists()
    model = load_config(CONFIG).analyzer(with_entities=False).sentiment_model
    assert model is not None and (model.meta or {}).get("version") == SHIPPED_VERSION != record["version"]


def test_list_and_rollback_need_no_database_but_training_does(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PRESSWATCH_MODELS_DIR", str(tmp_path / "models"))
    missing = tmp_path / "none.db"
    code, out, _ = run(capsys, "--db", str(missing), "train", "--list")
    assert code == 0 and "đang dùng: shipped" in out
    code, _, err = run(capsys, "--db", str(missing), "train", "--rollback")
    assert code == 1 and "không có phiên bản nào trước đó" in err
    code, _, err = run(capsys, "--db", str(missing), "train", "sentiment")
    assert code != 0 and "Chưa có cơ sở dữ liệu" in err and not missing.exists()


def test_train_topics_keeps_a_better_model_the_analysis_crawls_and_reanalysis_use_it_and_it_rolls_back(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """``train topics`` on 45 real articles whose office labels the lexicon cannot know (its own
    topics, each named as another) plus one correction: both scores printed, the model kept, loaded by
    ``Config.analyzer``, the crawl's snapshot and ``presswatch analyze``, part of the re-analysis
    fingerprint; ``--list``; ``--rollback`` gives the topics back to the lexicon."""
    from presswatch.cli.reanalyze import analysis_files
    from reanalysis.run import fingerprint
    from tests.learning.test_topics_learning import ROTATED

    monkeypatch.setenv("PRESSWATCH_MODELS_DIR", str(tmp_path / "models"))
    lines = gzip.decompress((DATA / "topics_train" / "sample.jsonl.gz").read_bytes()).decode().splitlines()
    articles = [json.loads(line) for line in lines[:46]]
    analyzer = load_analyzer(CONFIG, with_entities=False)
    data = tmp_path / "topics.jsonl"
    data.write_text("".join(json.dumps({**a, "topics": [ROTATED[t.slug] for t in analyzer.analyze(
        a["title"], a["text"]).topics]}, ensure_ascii=False) + "\n" for a in articles[:45]), encoding="utf-8")
    db = tmp_path / "pw.db"
    with Store(db) as store:
        found = store.add_article(Article(url="https://bao.vn/1", source_id="bao-a", title=articles[45]["title"],
                                          text=articles[45]["text"], published_at=NOW,
                                          analysis=analyzer.analyze(articles[45]["title"], articles[45]["text"])))
        assert found is not None
        fixes.correct(store, found, "topics", ["xa-hoi"], "chuyen-vien")
    before = fingerprint(analysis_files(CONFIG, tmp_path / "models"))

    code, out, _ = run(capsys, "--db", str(db), "train", "topics", "--data", str(data), "--folds", "3",
                       "--user", "chuyen-vien")
    assert code == 0, out
    assert "Dữ liệu: 45 bài gốc + 1 hiệu chỉnh chủ đề (1 mới so với cách đang dùng: bộ từ khóa topics.yaml)" in out
    assert "Mô hình mới:  micro-F1 kiểm định chéo" in out and "Đang dùng (bộ từ khóa topics.yaml):" in out
    record = json.loads((tmp_path / "models" / "topics" / "versions.jsonl").read_text().splitlines()[-1])
    version = record["version"]
    assert record["kept"] and f"phiên bản {version}" in out and record["training_size"] == 46
    assert record["cv_micro_f1"] > record["cv_micro_f1_current"] and record["who"] == "chuyen-vien"

    config = load_config(CONFIG)
    model = config.analyzer(with_entities=False).topic_model
    assert model is not None and model.meta["version"] == version
    snapshot = CrawlConfig.from_json(CrawlConfig.of(config).to_json())  # what the crawl subprocess reads
    loaded = snapshot.analyzer(with_entities=False)
    assert loaded is not None and loaded.topic_model is not None and loaded.topic_model.meta["version"] == version
    assert fingerprint(analysis_files(CONFIG, tmp_path / "models")) != before  # stored articles are now stale
    article = articles[0]
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps({"title": article["title"], "text": article["text"]})))
    assert main(["--config", str(CONFIG), "analyze", "--no-entities"]) == 0
    analysed = json.loads(capsys.readouterr().out)
    assert analysed["topics"] == [t.slug for t in loaded.analyze(article["title"], article["text"]).topics]

    code, out, _ = run(capsys, "train", "--list")
    assert code == 0 and "Mô hình sắc thái — đang dùng: shipped" in out and "Mô hình chủ đề — đang dùng: " in out
    assert f"* {version}" in out and "micro-F1" in out
    code, out, _ = run(capsys, "train", "topics", "--rollback")
    assert code == 0 and f"Đã chuyển mô hình chủ đề từ {version} về shipped (bộ từ khóa topics.yaml" in out
    assert load_config(CONFIG).analyzer(with_entities=False).topic_model is None
    assert fingerprint(analysis_files(CONFIG, tmp_path / "models")) == before
