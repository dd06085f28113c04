"""The trained genre model: inference without numpy gives scikit-learn's answer, the shipped model is
the one ``detect.genre`` uses and records how it was judged, and the rules it reads are intact."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from register import detect
from register.genre_model import GenreModel, features, shipped
from register.genre_rules import GENRES, rule_genre
from register.genre_training import Example, Settings, design_matrix, fit, load_labelled, vocabulary

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT / "tests" / "data" / "register_dev"


def dev_examples(n: int) -> list[Example]:
    return load_labelled(DEV / "gold.jsonl", DEV / "sample.jsonl", split="dev")[:n]


def test_inference_matches_scikit_learn() -> None:
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    examples = dev_examples(80)
    rows = [features(e.title, e.text) for e in examples]
    gold = [e.genre for e in examples]
    model = GenreModel.from_json(json.loads(json.dumps(fit(rows, gold, Settings(c=1.0)).to_json())))
    names = vocabulary(rows, Settings().min_df)
    reference = LogisticRegression(C=1.0, max_iter=2000, tol=1e-4)
    with threadpool_limits(1):
        reference.fit(design_matrix(rows, names), np.array([model.labels.index(g) for g in gold]))
    expected = reference.predict_proba(design_matrix(rows, names))
    for row, probabilities in zip(rows, expected, strict=True):
        ours = model.probabilities(row)  # the same optimum, up to L-BFGS's tolerance and the weights' rounding
        assert all(abs(ours[label] - float(p)) < 0.01 for label, p in zip(model.labels, probabilities, strict=True))
        assert model.predict(row) == model.labels[int(np.argmax(probabilities))]


def test_the_most_probable_genre_wins() -> None:
    model = GenreModel(["news_report", "interview"], [1.0, 0.0], {"sig:qa_lines": [0.0, 2.0]})
    assert model.predict({}) == "news_report"
    assert model.predict({"sig:qa_lines": 1.0}) == "interview"
    assert model.predict({"unknown": 5.0}) == "news_report"


def test_detect_genre_is_the_shipped_model() -> None:
    model = shipped()
    assert set(model.labels) <= set(GENRES) and "news_report" in model.labels
    cv = model.meta["cv"]  # how it was judged: it beat the rules on the same folds
    assert cv["model"]["macro_f1"] > cv["rules"]["macro_f1"]
    assert cv["model"]["news_precision"] > cv["rules"]["news_precision"]
    for example in dev_examples(40):
        assert detect.genre(example.title, example.text) == model.predict(features(example.title, example.text))


def test_rules_still_read_their_marks() -> None:
    interview = "Phỏng vấn\nPV: Ông nghĩ sao? Ông A: Tốt. PV: Còn gì? Ông A: Hết. PV: Cảm ơn ông?"
    assert rule_genre("Phỏng vấn", interview) == "interview"
    assert rule_genre("Bình luận: giá xăng", "Bình luận: giá xăng\nGiá xăng tăng.") == "analysis"
    assert rule_genre("Tin", "Tin\nSáng 8/2, UBND tỉnh họp.") == "news_report"
    assert features("Tin", "Tin\nSáng 8/2, UBND tỉnh họp.")["rule:news_report"] == 1.0
