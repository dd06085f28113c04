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
