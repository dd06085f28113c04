"""``presswatch train sentiment``: the sentiment model retrained on the shipped training data plus the
office's sentiment corrections, kept only if it cross-validates at least as well as the current one.

The comparison is fair by construction: one list of examples (the shipped articles, then every
correction in force, its article's text read from the store), one set of folds over it. In each
fold both recipes are trained on the fold's training rows and scored on the same held-out rows:

- the **new** model learns from every training row;
- the **current** model's recipe learns from the rows it was trained on: the shipped articles and
  the corrections its version used (none for the shipped model).

So the held-out rows include the office's corrected articles, which the current model never learnt
from: the score says whether the corrections help on the office's own definition without letting
either model see a test article. Hyper-parameters are the shipped model's (its ``meta``: ``l2``,
``min_df``, ``neutral_shift``, ``positive_shift``, ``dropped_features``, ``solver``), not re-tuned on
the office's data. The shipped articles are ``tests/data/sentiment_train``'s, its addendum's labels
replacing the old ones of the articles it re-labels (``load_examples``).
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from analysis.pipeline import Analyzer
from analysis.sentiment_model import SentimentModel
from analysis.sentiment_training import (
    LABELS,
    CVResult,
    LabelledText,
    Settings,
    Sparse,
    cv_result,
    featurize,
    fit,
    fitted,
    fold_indexes,
    load_labelled,
    merge_addendum,
    vocabulary,
)
from presswatch.config import model_versions as versions
from presswatch.errors import TrainingError
from presswatch.store import Store
from presswatch.store.corrections import labelled_texts

ROOT = Path(__file__).resolve().parents[1]
SHIPPED_DATA = ROOT / "tests" / "data" / "sentiment_train"
DEFAULT_SEED = 20261207
CORRECTION_WEIGHT = 1.0  # an analyst's correction counts like a sure annotator's label
KIND = "sentiment"


def shipped_files(folder: Path = SHIPPED_DATA) -> list[Path]:
    """The shipped training files (``*.jsonl``, ``*.jsonl.gz``) of ``tests/data/sentiment_train``
    (``train.jsonl.gz`` and its ``addendum.jsonl.gz``)."""
    files = sorted([*folder.glob("*.jsonl"), *folder.glob("*.jsonl.gz")])
    if not files:
        raise TrainingError(f"không thấy dữ liệu huấn luyện gốc trong {folder} (dùng --data TỆP)")
    return files


def is_addendum(path: Path) -> bool:
    """An addendum file (``addendum*.jsonl[.gz]``) re-labels articles of the others and adds new ones."""
    return path.name.startswith("addendum")


def load_examples(files: Sequence[Path]) -> list[LabelledText]:
    """The labelled articles of ``files``: the base files one after the other, then each addendum
    merged onto them (``merge_addendum``: its label replaces the old one of the same article, its new
    articles are added), so an article re-labelled by an addendum is one example, not two."""
    def read(path: Path) -> list[LabelledText]:
        try:
            return load_labelled(path)
        except (OSError, ValueError, KeyError) as exc:
            raise TrainingError(f"{path}: không đọc được dữ liệu huấn luyện ({exc})") from None

    examples: list[LabelledText] = []
    for path in files:
        if not is_addendum(path):
            examples += read(path)
    for path in files:
        if is_addendum(path):
            examples = merge_addendum(examples, read(path))
    return examples


def correction_examples(store: Store, weight: float = CORRECTION_WEIGHT) -> list[LabelledText]:
    """The sentiment corrections in force as training examples (id ``correction-<id>``)."""
    return [LabelledText(f"correction-{c.id}", title, text, str(c.value), weight)
            for c, title, text in labelled_texts(store, KIND)]


def shipped_settings() -> Settings:
    """The hyper-parameters the shipped model was trained with (its ``meta``; absent: the defaults)."""
    meta = SentimentModel.load().meta or {}
    default = Settings()
    return Settings(l2=float(meta.get("l2", default.l2)), min_df=int(meta.get("min_df", default.min_df)),
                    neutral_shift=float(meta.get("neutral_shift", default.neutral_shift)),
                    positive_shift=float(meta.get("positive_shift", default.positive_shift)),
                    drop=tuple(str(x) for x in meta.get("dropped_features") or default.drop),
                    solver=str(meta.get("solver", default.solver)))


@dataclass
class Comparison:
    """The new and the current recipe's cross-validated scores on the same folds."""

    new: CVResult
    current: CVResult
    folds: int
    seed: int


def compare(examples: Sequence[LabelledText], current_rows: Sequence[bool], analyzer: Analyzer, folds: int = 5,
            seed: int = DEFAULT_SEED, settings: Settings | None = None) -> Comparison:
    """Cross-validate both recipes on the same folds: the new one trains on every training row, the
    current one only on the rows marked in ``current_rows``; both are scored on every held-out row."""
    if len(examples) < folds * 2:
        raise TrainingError(f"quá ít bài để kiểm định chéo {folds} phần ({len(examples)} bài)")
    settings = settings or shipped_settings()
    features = featurize(((e.title, e.text) for e in examples), analyzer)
    gold = [e.label for e in examples]
    trust = np.array([e.weight for e in examples])
    tests = fold_indexes(len(examples), folds, seed)
    new_scores = np.zeros((len(examples), len(LABELS)))
    current_scores = np.zeros_like(new_scores)
    for test in tests:
        held = set(test)
        rows_new = [i for i in range(len(examples)) if i not in held]
        rows_current = [i for i in rows_new if current_rows[i]]
        trained: dict[tuple[int, ...], Any] = {}
        for rows, scores in ((rows_new, new_scores), (rows_current, current_scores)):
            key = tuple(rows)
            if key not in trained:  # no correction among the training rows: one model serves both
                fold_features = [features[i] for i in rows]
                vocab = vocabulary(fold_features, settings.min_df, settings.drop)
                labels = np.array([LABELS.index(gold[i]) for i in rows], dtype=np.int64)
                w, b = fitted(Sparse(fold_features, vocab), labels, settings, trust[rows])
                trained[key] = Sparse([features[i] for i in test], vocab).dot(w) + b
            scores[test] = trained[key]
    return Comparison(cv_result(gold, new_scores, tests, settings.neutral_shift, settings.positive_shift),
                      cv_result(gold, current_scores, tests, settings.neutral_shift, settings.positive_shift),
                      folds, seed)


@dataclass
class Outcome:
    """What one ``train sentiment`` did."""

    version: str
    kept: bool
    current: str  # the version in use before
    shipped: int  # shipped training articles
    corrections: int  # corrections in force used
    new_corrections: int  # of which the current version had not learnt from
    comparison: Comparison | None = None
    record: dict[str, Any] = field(default_factory=dict)


def used_corrections(models_dir: Path) -> set[str]:
    """The correction examples the current version learnt from (none for the shipped model)."""
    current = versions.current_version(models_dir, KIND)
    for entry in reversed(versions.history(models_dir, KIND)):
        if entry.version == current and entry.data.get("event", "train") == "train" and entry.kept:
            return set(entry.data.get("correction_ids") or [])
    return set()


def train_sentiment(store: Store, analyzer: Analyzer, models_dir: Path, files: Sequence[Path], *,
                    user: str | None = None, folds: int = 5, seed: int = DEFAULT_SEED,
                    now: datetime | None = None) -> Outcome:
    """Retrain, compare, keep or not, record. Nothing is trained when no correction is new since the
    current version (``Outcome.comparison`` is then None)."""
    user = user or getpass.getuser()
    shipped = load_examples(files)
    corrections = correction_examples(store)
    used = used_corrections(models_dir)
    current = versions.current_version(models_dir, KIND)
    fresh = [c for c in corrections if c.id not in used]
    outcome = Outcome("", False, current, len(shipped), len(corrections), len(fresh))
    if not fresh:
        return outcome
    examples = [*shipped, *corrections]
    current_rows = [True] * len(shipped) + [c.id in used for c in corrections]
    settings = shipped_settings()
    comparison = compare(examples, current_rows, analyzer, folds, seed, settings)
    kept = comparison.new.macro_f1 >= comparison.current.macro_f1
    version = versions.new_version_name(models_dir, KIND, now)
    entry: dict[str, Any] = {
        "event": "train", "version": version, "kept": kept, "who": user, "previous": current,
        "training_size": len(examples), "shipped_articles": len(shipped), "corrections": len(corrections),
        "new_corrections": len(fresh), "correction_ids": [c.id for c in corrections],
        "data": [str(path) for path in files], "cv_folds": folds, "cv_seed": seed,
        "cv_macro_f1": round(comparison.new.macro_f1, 4), "cv_macro_f1_current": round(comparison.current.macro_f1, 4),
        "cv_per_fold": [round(x, 4) for x in comparison.new.per_fold],
        "cv_per_fold_current": [round(x, 4) for x in comparison.current.per_fold],
    }
    if kept:
        model = fit(examples, analyzer, settings=settings,
                    meta={"data": entry["data"], "corrections": len(corrections), "version": version,
                          "cv_folds": folds, "cv_macro_f1": entry["cv_macro_f1"], "who": user,
                          "trained_at": (now or datetime.now(UTC)).isoformat()})
        versions.save_version(models_dir, KIND, version, model)
    versions.record(models_dir, KIND, entry)
    outcome.version, outcome.kept, outcome.comparison, outcome.record = version, kept, comparison, entry
    return outcome
