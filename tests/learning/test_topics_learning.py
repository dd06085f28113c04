"""The topic model and ``learning.topics``: inference without numpy reads the weights as scikit-learn
trained them; with no trained model the analysis's topics are the lexicon's; the gate keeps a model
that is better than the lexicon and refuses one that is worse; the office's topic corrections change
the training rows (a correction of a shipped article replaces its label, others add rows)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from analysis.pipeline import Analyzer, prepared, read_syllables
from analysis.topic_model import TopicModel
from analysis.topic_training import (
    Settings,
    TopicExample,
    design_matrix,
    features_of,
    fit,
    labels_matrix,
    lexicon_topics,
    train_all,
    vocabulary,
)
from analysis.topics import classify
from learning.topics import shipped_examples, train_topics, training_rows
from presswatch.config import load_analyzer
from presswatch.config import model_versions as versions
from presswatch.models import Article
from presswatch.store import Store
from presswatch.store import corrections as fixes
from tests.support.paths import CONFIG, DATA

SAMPLE = DATA / "topics_train" / "sample.jsonl.gz"
SIZE = 60
NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
# An office whose definition the lexicon cannot know: the same articles, each topic named as another.
ROTATED = {"thien-tai": "tai-nan", "tai-nan": "an-ninh-trat-tu", "an-ninh-trat-tu": "thien-tai",
           "kinh-te": "xa-hoi", "xa-hoi": "kinh-te", "chinh-tri": "chinh-tri", "van-hoa-the-thao": "van-hoa-the-thao",
           "tham-nhung-tieu-cuc": "dat-dai-moi-truong", "dat-dai-moi-truong": "tham-nhung-tieu-cuc",
           "bao-chi-truyen-thong": "bao-chi-truyen-thong"}


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return load_analyzer(CONFIG, with_entities=False, sentiment_model=False, topic_model=False)


@pytest.fixture(scope="module")
def articles() -> list[dict[str, str]]:
    rows = [json.loads(line) for line in gzip.decompress(SAMPLE.read_bytes()).decode().splitlines()]
    return rows[:SIZE]


@pytest.fixture(scope="module")
def lexicon_labels(analyzer: Analyzer, articles: list[dict[str, str]]) -> list[list[str]]:
    """The lexicon's own topics of each article: an office whose definition is exactly the lexicon's."""
    return lexicon_topics(features_of([TopicExample(a["id"], a["title"], a["text"], ()) for a in articles], analyzer))


def write_data(path: Path, articles: list[dict[str, str]], labels: list[list[str]]) -> Path:
    path.write_text("".join(json.dumps({**a, "topics": t}, ensure_ascii=False) + "\n"
                            for a, t in zip(articles, labels, strict=True)), encoding="utf-8")
    return path


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store(tmp_path / "pw.db") as opened:
        yield opened


def test_inference_reads_the_weights_as_scikit_learn_trained_them(
        analyzer: Analyzer, articles: list[dict[str, str]], lexicon_labels: list[list[str]]) -> None:
    labels = [t.slug for t in analyzer.topics.topics]
    examples = [TopicExample(a["id"], a["title"], a["text"], tuple(t)) for a, t in zip(articles, lexicon_labels,
                                                                                       strict=True)]
    features = features_of(examples, analyzer)
    gold = [list(e.topics) for e in examples]
    model = TopicModel.from_json(json.loads(json.dumps(fit(features, gold, labels).to_json())))  # as stored
    names, w, b = train_all(features, labels_matrix(gold, model.labels), np.ones(len(features)), Settings())
    expected = 1 / (1 + np.exp(-(np.asarray(design_matrix(features, names) @ w) + b)))
    got = np.array([model.probabilities(row) for row in features])
    assert np.abs(got - expected).max() < 1e-3
    assert all(0.1 <= t <= 0.9 for t in model.thresholds) and model.max_topics == 3
    assert set(vocabulary(features, Settings(words=False))) <= {n for row in features for n in row
                                                                  if n.startswith(("lex:", "kept:", "first:"))}


def test_with_no_trained_model_the_topics_are_the_lexicons(tmp_path: Path, articles: list[dict[str, str]]) -> None:
    analyzer = load_analyzer(CONFIG, with_entities=False, models_dir=tmp_path / "models")  # nothing trained there
    assert analyzer.topic_model is None
    for article in articles[:20]:
        analysed = analyzer.analyze(article["title"], article["text"])
        features = analyzer.topic_features(article["title"], article["text"])  # what a model would read
        assert [t.slug for t in analysed.topics] == [n[5:] for n in features if n.startswith("kept:")]
        title, _, document = prepared(article["title"], article["text"])
        items, unaccented = read_syllables(document)
        assert analysed.topics == classify(items, len(title), analyzer.topics, unaccented)


def test_the_gate_keeps_a_better_model_and_refuses_a_worse_one(
        tmp_path: Path, store: Store, analyzer: Analyzer, articles: list[dict[str, str]],
        lexicon_labels: list[list[str]]) -> None:
    models = tmp_path / "models"
    # The office's definition is the lexicon's own: no model can beat it; the candidate is refused.
    same = write_data(tmp_path / "same.jsonl", articles, lexicon_labels)
    refused = train_topics(store, analyzer, models, [same], user="kiem-thu", folds=3, now=NOW)
    assert refused.comparison is not None and refused.comparison.current.micro_f1 == 1.0
    assert not refused.kept and refused.comparison.new.micro_f1 < 1.0
    assert versions.current_version(models, "topics") == versions.SHIPPED
    assert not (models / "topics" / f"{refused.version}.json").exists()

    # A definition the lexicon cannot know (every topic named as another): the model learns it.
    rotated = write_data(tmp_path / "rotated.jsonl", articles, [[ROTATED[t] for t in ts] for ts in lexicon_labels])
    kept = train_topics(store, analyzer, models, [rotated], user="kiem-thu", folds=3, now=NOW + timedelta(seconds=1))
    assert kept.comparison is not None and kept.kept
    assert kept.comparison.new.micro_f1 > kept.comparison.current.micro_f1 + 0.2, kept.comparison
    assert versions.current_version(models, "topics") == kept.version
    record = versions.history(models, "topics")[-1].data
    assert record["kept"] and record["previous"] == versions.SHIPPED and record["training_size"] == SIZE
    assert record["cv_micro_f1"] > record["cv_micro_f1_current"] and len(record["cv_per_fold"]) == 3

    # The analysis now reads the rotated definition, with the lexicon's terms as evidence.
    trained = load_analyzer(CONFIG, with_entities=False, models_dir=models)
    assert trained.topic_model is not None and trained.topic_model.meta["version"] == kept.version
    model_labels = set(trained.topic_model.labels)
    hits = 0
    for article, expected in zip(articles, lexicon_labels, strict=True):
        results = trained.analyze(article["title"], article["text"]).topics
        # the model's topics carry its probability; a topic with too few labelled articles stays the lexicon's
        assert all(0 < t.probability <= 1 and len(t.evidence) <= 4 if t.slug in model_labels else t.probability is None
                   for t in results)
        hits += {t.slug for t in results} == {ROTATED[t] for t in expected}
    by_lexicon = sum(set(expected) == {ROTATED[t] for t in expected} for expected in lexicon_labels)
    assert hits >= by_lexicon + 15, (hits, by_lexicon)  # the model's reading, not the lexicon's

    # Nothing new since: not trained again; rolled back, the lexicon decides again.
    again = train_topics(store, analyzer, models, [rotated], folds=3)
    assert again.comparison is None and versions.current_version(models, "topics") == kept.version
    assert versions.rollback(models, "topics", None, "kiem-thu") == (kept.version, versions.SHIPPED)
    assert load_analyzer(CONFIG, with_entities=False, models_dir=models).topic_model is None


def test_corrections_change_the_training_rows(tmp_path: Path, store: Store, analyzer: Analyzer,
                                               articles: list[dict[str, str]]) -> None:
    shipped = [TopicExample(a["id"], a["title"], a["text"], ("kinh-te",)) for a in articles[:3]]
    ids = []
    for number, article in enumerate([articles[0], articles[5], articles[6]]):
        found = store.add_article(Article(url=f"https://bao.vn/{article['id']}", source_id="bao-a",
                                          title=article["title"], text=article["text"],
                                          published_at=NOW - timedelta(hours=number),
                                          analysis=analyzer.analyze(article["title"], article["text"])))
        assert found is not None
        ids.append(found)
    first = fixes.correct(store, ids[0], "topics", ["thien-tai"], "chuyen-vien")  # a shipped article
    fixes.correct(store, ids[1], "topics", ["xa-hoi", "kinh-te"], "chuyen-vien")  # a new one
    fixes.correct(store, ids[2], "topics", ["chinh-tri"], "chuyen-vien")
    fixes.withdraw(store, ids[2], "topics", "chuyen-vien")  # withdrawn: not learnt from
    fixes.correct(store, ids[1], "sentiment", "positive", "chuyen-vien")  # another field: not a topic row

    rows = training_rows(shipped, store, used=set())
    assert [(r.example.id, r.example.topics, r.current) for r in rows] == [
        (articles[0]["id"], ("thien-tai",), ("kinh-te",)),  # the correction wins; the lexicon-era recipe learnt the old
        (articles[1]["id"], ("kinh-te",), ("kinh-te",)),
        (articles[2]["id"], ("kinh-te",), ("kinh-te",)),
        (rows[3].example.id, ("xa-hoi", "kinh-te"), None),  # new to the current version
    ]
    assert rows[3].example.title == articles[5]["title"] and rows[3].example.text == articles[5]["text"]
    learnt = training_rows(shipped, store, used={first.id})
    assert learnt[0].current == ("thien-tai",)


def test_the_shipped_training_files_are_read_and_checked(tmp_path: Path) -> None:
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"id": "1", "title": "T", "text": "X", "topics": ["kinh-te"]}) + "\n", encoding="utf-8")
    assert [e.topics for e in shipped_examples([good])] == [("kinh-te",)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "1", "title": "T", "text": "X", "topics": ["thoi-su"]}) + "\n", encoding="utf-8")
    from presswatch.errors import TrainingError

    with pytest.raises(TrainingError, match="không đọc được dữ liệu huấn luyện chủ đề"):
        shipped_examples([bad], ["kinh-te"])


def test_a_topic_without_labelled_articles_is_left_to_the_lexicon(
        analyzer: Analyzer, articles: list[dict[str, str]], lexicon_labels: list[list[str]]) -> None:
    """A topic added to topics.yaml after the labels were made has no labelled article: the model
    does not learn it as "never"; the lexicon keeps deciding it."""
    features = features_of([TopicExample(a["id"], a["title"], a["text"], ()) for a in articles], analyzer)
    without = [[t for t in ts if t != "van-hoa-the-thao"] for ts in lexicon_labels]
    model = fit(features, without, [t.slug for t in analyzer.topics.topics])
    assert "van-hoa-the-thao" not in model.labels and "kinh-te" in model.labels
    trained = Analyzer(analyzer.topics, analyzer.sentiment, analyzer.gazetteer, with_entities=False, topic_model=model)
    culture = [a for a, ts in zip(articles, lexicon_labels, strict=True) if "van-hoa-the-thao" in ts]
    assert culture and all("van-hoa-the-thao" in [t.slug for t in trained.analyze(a["title"], a["text"]).topics]
                           for a in culture)
