"""The training library (``analysis.sentiment_training``): loading labelled files, cross-validation
and fitting a model that ``SentimentModel`` loads and that reproduces its training labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analysis.sentiment_model import SentimentModel
from analysis.sentiment_training import cross_validate, fit, load_labelled
from presswatch.config import load_analyzer
from tests.support.paths import CONFIG, DATA

ROOT = Path(__file__).resolve().parents[2]


def test_load_labelled_reads_the_training_file_and_weighs_uncertain_labels() -> None:
    examples = load_labelled(DATA / "sentiment_train" / "train.jsonl.gz")
    assert len(examples) == 2831
    assert {e.label for e in examples} == {"negative", "neutral", "positive"}
    assert {e.weight for e in examples} == {1.0, 0.5}
    assert all(e.id and e.title for e in examples[:50])


def test_load_labelled_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    good = {"id": "1", "title": "Cầu mới thông xe", "text": "Cây cầu mới được thông xe.", "sentiment": "positive"}
    path.write_text(json.dumps(good, ensure_ascii=False) + "\n" + json.dumps({**good, "sentiment": "tốt"}) + "\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad.jsonl:2"):
        load_labelled(path)


def test_cross_validate_and_fit_on_a_small_sample() -> None:
    examples = load_labelled(DATA / "sentiment_train" / "train.jsonl.gz")[:90]
    analyzer = load_analyzer(CONFIG, with_entities=False, sentiment_model=False)
    result = cross_validate(examples, analyzer, folds=3, seed=1)
    assert result.n == 90 and len(result.per_fold) == 3
    assert 0.2 < result.macro_f1 <= 1.0
    model = SentimentModel(**{k: v for k, v in fit(examples, analyzer, seed=1).items() if k != "meta"})
    fitted = [model.predict(analyzer.analyze(e.title, e.text).sentiment_features).label for e in examples[:30]]
    assert sum(f == e.label for f, e in zip(fitted, examples, strict=False)) >= 24


def test_score_heldout_prints_macro_f1_per_half_and_the_confusion_matrix(tmp_path: Path) -> None:
    """The held-out scorer on a made-up five-article file: labels with their own text, and labels
    whose text comes from an articles file by id."""
    import subprocess
    import sys

    articles = [
        ("a1", "Lũ quét ở Mường Tè, 3 người chết", "Lũ quét cuốn trôi nhà cửa ở Mường Tè, Lai Châu: 3 người chết, "
         "hàng chục ngôi nhà bị cuốn trôi, thiệt hại hàng tỷ đồng.", "Lai Châu", "negative"),
        ("a2", "Khánh thành cầu mới", "Cây cầu mới được khánh thành, người dân phấn khởi vì đi lại thuận tiện, "
         "kinh tế địa phương phát triển mạnh mẽ.", None, "positive"),
        ("a3", "Lịch họp tuần tới", "Hội đồng nhân dân tỉnh sẽ họp vào thứ hai tuần tới để bàn kế hoạch năm, "
         "theo thông báo của văn phòng.", None, "neutral"),
        ("a4", "Công an Hà Giang triệt phá đường dây ma túy", "Công an tỉnh Hà Giang đã triệt phá đường dây mua bán "
         "ma túy, bắt giữ 3 đối tượng, thu giữ 3 kg ma túy đá.", "Hà Giang", "positive"),
        ("a5", "Tai nạn giao thông ở Lào Cai", "Xe khách lật ở Lào Cai khiến 5 người chết, nhiều người bị thương "
         "nặng, giao thông ùn tắc nhiều giờ.", "Lào Cai", "negative"),
    ]
    labels = tmp_path / "labels.jsonl"
    texts = tmp_path / "articles.jsonl"
    with labels.open("w", encoding="utf-8") as out, texts.open("w", encoding="utf-8") as body:
        for number, (id_, title, text, province, label) in enumerate(articles):
            row = {"id": id_, "province": province, "sentiment": label}
            if number % 2:
                body.write(json.dumps({"id": id_, "title": title, "text": text}, ensure_ascii=False) + "\n")
            else:
                row.update(title=title, text=text)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    predictions = tmp_path / "predicted.jsonl"
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "score_heldout.py"), "--labels", str(labels),
                             "--articles", str(texts), "--out", str(predictions)],
                            capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "5 articles analysed" in result.stdout
    assert "== place half (province not null): 3 articles" in result.stdout
    assert "== random half (province null): 2 articles" in result.stdout
    assert result.stdout.count("confusion (rows gold, columns predicted)") == 3
    assert "macro-F1 all / place half / random half:" in result.stdout
    written = [json.loads(line) for line in predictions.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in written] == ["a1", "a2", "a3", "a4", "a5"]
    assert written[0]["gold"] == "negative" and written[0]["predicted"] == "negative"  # a flood with deaths
    # A label whose article is missing is reported with its line, not skipped.
    labels.write_text(json.dumps({"id": "zz", "province": None, "sentiment": "neutral"}) + "\n", encoding="utf-8")
    missing = subprocess.run([sys.executable, str(ROOT / "scripts" / "score_heldout.py"), "--labels", str(labels),
                              "--articles", str(texts)], capture_output=True, text=True, timeout=300, check=False)
    assert missing.returncode != 0 and "labels.jsonl:1" in missing.stderr
