"""``presswatch train topics``: the topic model (``analysis.topic_model``) trained on the shipped
topic training set plus the office's topic corrections, kept only if it cross-validates at least as
well as what decides the topics now: the lexicon (``config/topics.yaml``) until a model is kept,
then the model in use.

One list of rows, one set of folds. A row is a shipped article (``tests/data/topics_train``: the
final labels ``labels.jsonl`` of the articles of ``sample.jsonl.gz``) or a stored article an
analyst corrected; a correction of a shipped article (the same title and text) replaces its label,
it does not add a row. In each fold both are scored by micro-F1 on the same held-out rows, against
the labels in force (the corrections):

- the **new** model learns from every training row, with the labels in force;
- the **current** one is the lexicon (it learns nothing: its own decision on the held-out rows), or,
  when a trained version is in use, that version's recipe (its settings) trained on the rows it
  learnt from, with the labels it learnt (the shipped label of an article whose correction came
  later, no row for a correction it did not use).

Settings are the current version's (its ``meta.settings``), or ``analysis.topic_training.Settings``'s
defaults for the first model, never re-tuned on the office's data.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analysis.pipeline import Analyzer
from analysis.topic_model import TopicModel
from analysis.topic_training import (
    DEFAULT_SEED,
    CVResult,
    Settings,
    TopicExample,
    features_of,
    fit,
    fold_indexes,
    lexicon_topics,
    load_topic_labels,
    predict,
    result_of,
)
from presswatch.config import model_versions as versions
from presswatch.errors import TrainingError
from presswatch.store import Store
from presswatch.store.corrections import labelled_texts

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DATA = ROOT / "tests" / "data" / "topics_train"
CORRECTION_WEIGHT = 1.0
KIND = "topics"


def shipped_examples(files: Sequence[Path] | None = None, slugs: Sequence[str] | None = None) -> list[TopicExample]:
    """The shipped training articles: ``tests/data/topics_train``'s ``labels.jsonl`` joined by id with
    its ``sample.jsonl.gz``; or the ``files`` given (``--data``: each line ``id``, ``title``,
    ``text``, ``topics``)."""
    try:
        if files:
            return [e for path in files for e in load_topic_labels(path, None, slugs)]
        labels = SHIPPED_DATA / "labels.jsonl"
        if not labels.exists():
            raise TrainingError(f"chưa có nhãn chủ đề gốc {labels} (dùng --data TỆP)")
        return load_topic_labels(labels, SHIPPED_DATA / "sample.jsonl.gz", slugs)
    except (OSError, ValueError, KeyError) as exc:
        raise TrainingError(f"không đọc được dữ liệu huấn luyện chủ đề ({exc})") from None


def _key(title: str, text: str) -> tuple[str, str]:
    return " ".join(title.split()), " ".join(text.split())


@dataclass(frozen=True)
class Row:
    """A training row: the article with the labels in force (``example.topics``), and the labels the
    current version learnt for it (None: it did not learn from this row)."""

    example: TopicExample
    current: tuple[str, ...] | None
    correction: int | None = None  # the correction in force for it, if any


def training_rows(shipped: Sequence[TopicExample], store: Store, used: set[int],
                  slugs: Sequence[str] | None = None) -> list[Row]:
    """The shipped articles, each correction of one of them replacing its label, then the other
    corrected articles (``used``: the correction ids the current version learnt from). Topics no
    longer configured are left out of a correction's label."""
    rows = [Row(e, e.topics) for e in shipped]
    where = {_key(e.title, e.text): i for i, e in enumerate(shipped)}
    for correction, title, text in labelled_texts(store, KIND):
        topics = tuple(t for t in correction.value if slugs is None or t in slugs)
        example = TopicExample(f"correction-{correction.id}", title, text, topics, CORRECTION_WEIGHT)
        position = where.get(_key(title, text))
        learnt = correction.id in used
        if position is None:
            rows.append(Row(example, topics if learnt else None, correction.id))
        else:
            old = rows[position]
            rows[position] = Row(TopicExample(old.example.id, old.example.title, old.example.text, topics,
                                              CORRECTION_WEIGHT), topics if learnt else old.current, correction.id)
    return rows


@dataclass
class Comparison:
    """The new and the current model's cross-validated micro-F1 on the same folds."""

    new: CVResult
    current: CVResult
    folds: int
    seed: int


def compare(rows: Sequence[Row], features: Sequence[dict[str, float]], labels: Sequence[str],
            current: TopicModel | None, folds: int = 5, seed: int = DEFAULT_SEED,
            settings: Settings | None = None) -> Comparison:
    """Both on the same folds (``current`` None: the lexicon; else its recipe, ``settings``)."""
    if len(rows) < folds * 2:
        raise TrainingError(f"quá ít bài để kiểm định chéo {folds} phần ({len(rows)} bài)")
    gold = [list(r.example.topics) for r in rows]
    weights = [r.example.weight for r in rows]
    tests = fold_indexes(len(rows), folds, seed)
    new: list[list[str]] = [[] for _ in rows]
    old: list[list[str]] = lexicon_topics(features) if current is None else [[] for _ in rows]
    for test in tests:
        held = set(test)
        train = [i for i in range(len(rows)) if i not in held]
        model = fit([features[i] for i in train], [gold[i] for i in train], labels, settings,
                    [weights[i] for i in train], seed)
        for i, topics in zip(test, predict(model, [features[i] for i in test]), strict=True):
            new[i] = topics
        if current is not None:
            learnt = [i for i in train if rows[i].current is not None]
            recipe = fit([features[i] for i in learnt], [list(rows[i].current or ()) for i in learnt], labels,
                         settings, [weights[i] for i in learnt], seed)
            for i, topics in zip(test, predict(recipe, [features[i] for i in test]), strict=True):
                old[i] = topics
    return Comparison(result_of(gold, new, tests), result_of(gold, old, tests), folds, seed)


@dataclass
class Outcome:
    """What one ``train topics`` did."""

    version: str
    kept: bool
    current: str  # the version in use before (``shipped``: the lexicon)
    shipped: int  # shipped training articles
    corrections: int  # topic corrections in force used
    new_corrections: int  # of which the current version had not learnt from
    comparison: Comparison | None = None
    record: dict[str, Any] = field(default_factory=dict)


def used_corrections(models_dir: Path) -> set[int]:
    """The corrections the current version learnt from (none for the lexicon)."""
    current = versions.current_version(models_dir, KIND)
    for entry in reversed(versions.history(models_dir, KIND)):
        if entry.version == current and entry.data.get("event", "train") == "train" and entry.kept:
            return {int(x) for x in entry.data.get("correction_ids") or []}
    return set()


def current_model(models_dir: Path) -> TopicModel | None:
    path = versions.current_model_path(models_dir, KIND)
    return TopicModel.load(path) if path is not None else None


def train_topics(store: Store, analyzer: Analyzer, models_dir: Path, files: Sequence[Path] | None = None, *,
                 user: str | None = None, folds: int = 5, seed: int = DEFAULT_SEED,
                 now: datetime | None = None) -> Outcome:
    """Build the rows, compare, keep or not, record. With a trained version in use and no correction
    new since, nothing is trained (``Outcome.comparison`` None); with the lexicon in use, the first
    model is always tried."""
    user = user or getpass.getuser()
    labels = [topic.slug for topic in analyzer.topics.topics]
    shipped = shipped_examples(files, labels)
    used = used_corrections(models_dir)
    rows = training_rows(shipped, store, used, labels)
    corrections = [r.correction for r in rows if r.correction is not None]
    fresh = [c for c in corrections if c not in used]
    current = versions.current_version(models_dir, KIND)
    model_now = current_model(models_dir)
    outcome = Outcome("", False, current, len(shipped), len(corrections), len(fresh))
    if model_now is not None and not fresh:
        return outcome
    settings = Settings.from_json((model_now.meta if model_now else {}).get("settings"))
    features = features_of([r.example for r in rows], analyzer)
    comparison = compare(rows, features, labels, model_now, folds, seed, settings)
    kept = comparison.new.micro_f1 >= comparison.current.micro_f1
    version = versions.new_version_name(models_dir, KIND, now)
    data = [str(path) for path in files] if files else [str(SHIPPED_DATA / "labels.jsonl")]
    entry: dict[str, Any] = {
        "event": "train", "version": version, "kept": kept, "who": user, "previous": current,
        "training_size": len(rows), "shipped_articles": len(shipped), "corrections": len(corrections),
        "new_corrections": len(fresh), "correction_ids": corrections, "data": data,
        "cv_folds": folds, "cv_seed": seed, "settings": settings.to_json(),
        "cv_micro_f1": round(comparison.new.micro_f1, 4), "cv_micro_f1_current": round(comparison.current.micro_f1, 4),
        "cv_per_fold": [round(x, 4) for x in comparison.new.per_fold],
        "cv_per_fold_current": [round(x, 4) for x in comparison.current.per_fold],
    }
    if kept:
        model = fit(features, [list(r.example.topics) for r in rows], labels, settings,
                    [r.example.weight for r in rows], seed,
                    meta={"version": version, "data": data, "corrections": len(corrections), "who": user,
                          "cv_folds": folds, "cv_micro_f1": entry["cv_micro_f1"],
                          "cv_micro_f1_current": entry["cv_micro_f1_current"],
                          "trained_at": (now or datetime.now(UTC)).isoformat()})
        versions.save_version(models_dir, KIND, version, model.to_json())
    versions.record(models_dir, KIND, entry)
    outcome.version, outcome.kept, outcome.comparison, outcome.record = version, kept, comparison, entry
    return outcome
