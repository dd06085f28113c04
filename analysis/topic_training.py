"""Training and cross-validation of the topic model (``analysis.topic_model``).

The library behind ``presswatch train topics`` (``learning.topics``) and ``bench/topics_learning_curve.py``:

* ``load_topic_labels(labels, articles)``: labelled articles (``TopicExample``) from a labels file
  (``id``, ``topics``) and the articles it labels (``id``, ``title``, ``text``), or from one file
  holding both;
* ``features_of(examples, analyzer)``: what the model reads (``Analyzer.topic_features``);
* ``fit(features, gold, settings)``: one-vs-rest logistic regressions (scikit-learn, L-BFGS) and a
  threshold per topic chosen by inner cross-validation on the same training rows; the model JSON
  that ``TopicModel`` reads;
* ``fold_indexes``, ``micro``: the folds and the score (micro-F1 over topic sets).

numpy and scikit-learn are imported here only: inference reads the weights with dictionary lookups.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from analysis.evaluate import PRF, micro_f1_sets, prf
from analysis.pipeline import Analyzer
from analysis.topic_model import TopicModel

Features = dict[str, float]
Matrix = npt.NDArray[np.float64]
DEFAULT_SEED = 20261207
MIN_EXAMPLES = 3  # a topic is learnt only from this many labelled articles on
THRESHOLDS = tuple(round(0.1 + 0.05 * k, 2) for k in range(17))  # 0.10 … 0.90


@dataclass(frozen=True)
class TopicExample:
    """One labelled article: its topics (a set of slugs, possibly empty) and how much it counts."""

    id: str
    title: str
    text: str
    topics: tuple[str, ...]
    weight: float = 1.0


@dataclass(frozen=True)
class Settings:
    """``c``: inverse L2 strength of each topic's logistic regression; ``min_df``: a word feature must
    occur in this many training articles (the lexicon's features are always kept); ``words``: read the
    words at all (False: the lexicon's scores only); ``inner_folds``: folds of the inner
    cross-validation that picks each topic's threshold; ``max_topics``: at most this many topics;
    ``at_least_one``: an article gets its most likely topic (probability over threshold) when none
    reaches its threshold; ``shared_threshold``: one threshold for every topic (the best micro-F1 of
    the inner cross-validation) instead of one per topic (each topic's best F1): fewer choices made
    on few examples."""

    c: float = 0.3
    min_df: int = 2
    words: bool = True
    inner_folds: int = 3
    max_topics: int = 3
    at_least_one: bool = False
    shared_threshold: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"c": self.c, "min_df": self.min_df, "words": self.words, "inner_folds": self.inner_folds,
                "max_topics": self.max_topics, "at_least_one": self.at_least_one,
                "shared_threshold": self.shared_threshold}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Settings:
        data = data or {}
        default = cls()
        return cls(c=float(data.get("c", default.c)), min_df=int(data.get("min_df", default.min_df)),
                   words=bool(data.get("words", default.words)),
                   inner_folds=int(data.get("inner_folds", default.inner_folds)),
                   max_topics=int(data.get("max_topics", default.max_topics)),
                   at_least_one=bool(data.get("at_least_one", default.at_least_one)),
                   shared_threshold=bool(data.get("shared_threshold", default.shared_threshold)))


def _read(path: Path) -> list[dict[str, Any]]:
    data = path.read_bytes()
    text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def load_topic_labels(labels: Path, articles: Path | None = None,
                      slugs: Sequence[str] | None = None) -> list[TopicExample]:
    """The labelled articles: each line of ``labels`` (``id``, ``topics``, optionally ``weight``) with
    the ``title`` and ``text`` of the same id in ``articles`` (or in the line itself when
    ``articles`` is None). ``slugs``: the topics that may appear (a label naming another raises
    ``ValueError``)."""
    texts = {str(row["id"]): row for row in _read(articles)} if articles is not None else {}
    examples = []
    for number, row in enumerate(_read(labels), 1):
        topics = row.get("topics")
        if not isinstance(topics, list) or not all(isinstance(t, str) for t in topics):
            raise ValueError(f"{labels}:{number}: topics must be a list of slugs")
        unknown = [t for t in topics if slugs is not None and t not in slugs]
        if unknown:
            raise ValueError(f"{labels}:{number}: unknown topics {unknown}")
        article = texts.get(str(row["id"]), row) if articles is not None else row
        if "text" not in article:
            raise ValueError(f"{labels}:{number}: no article {row['id']!r} in {articles}")
        examples.append(TopicExample(str(row["id"]), article.get("title") or "", article.get("text") or "",
                                     tuple(dict.fromkeys(topics)), float(row.get("weight", 1.0))))
    return examples


def features_of(examples: Sequence[TopicExample], analyzer: Analyzer) -> list[Features]:
    """``Analyzer.topic_features`` of each example (the lexicon of ``analyzer`` scores them)."""
    return [analyzer.topic_features(e.title, e.text) for e in examples]


def fold_indexes(n: int, folds: int, seed: int) -> list[list[int]]:
    """The test rows of each fold: a seeded permutation dealt round-robin."""
    order = np.random.default_rng(seed).permutation(n)
    return [sorted(int(i) for i in order[fold::folds]) for fold in range(folds)]


def micro(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> PRF:
    return micro_f1_sets([set(g) for g in gold], [set(p) for p in predicted])


def lexicon_topics(features: Sequence[Features]) -> list[list[str]]:
    """The lexicon's own decision, as the features record it (``kept:<slug>``)."""
    return [[name[5:] for name in row if name.startswith("kept:")] for row in features]


def vocabulary(rows: Sequence[Features], settings: Settings) -> list[str]:
    counts: dict[str, int] = {}
    for row in rows:
        for name in row:
            counts[name] = counts.get(name, 0) + 1
    lexical = ("lex:", "kept:", "first:")
    return sorted(name for name, count in counts.items()
                  if name.startswith(lexical) or (settings.words and count >= settings.min_df))


def design_matrix(rows: Sequence[Features], names: Sequence[str]) -> Any:
    from scipy.sparse import csr_matrix

    column = {name: i for i, name in enumerate(names)}
    data: list[float] = []
    cols: list[int] = []
    indptr = [0]
    for row in rows:
        for name, value in row.items():
            c = column.get(name)
            if c is not None:
                cols.append(c)
                data.append(value)
        indptr.append(len(cols))
    return csr_matrix((np.array(data), np.array(cols, dtype=np.int64), np.array(indptr, dtype=np.int64)),
                      shape=(len(rows), len(names)))


def _one(x: Any, y: npt.NDArray[np.int64], weights: Matrix, c: float) -> tuple[Matrix, float]:
    """One topic's weights and bias (a constant model when the rows hold one class only)."""
    from sklearn.linear_model import LogisticRegression

    positives = float(weights[y == 1].sum())
    if positives == 0 or positives == float(weights.sum()):
        share = min(max(positives / max(float(weights.sum()), 1e-9), 1e-4), 1 - 1e-4)
        return np.zeros(x.shape[1]), float(np.log(share / (1 - share)))
    model = LogisticRegression(C=c, max_iter=2000, tol=1e-5)
    model.fit(x, y, sample_weight=weights)
    return np.asarray(model.coef_[0], dtype=np.float64), float(model.intercept_[0])


def _probabilities(x: Any, w: Matrix, b: Matrix) -> Matrix:
    logits = np.asarray(x @ w) + b
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(logits, -60, 60))), dtype=np.float64)


def train_all(rows: Sequence[Features], y: npt.NDArray[np.int64], weights: Matrix,
           settings: Settings) -> tuple[list[str], Matrix, Matrix]:
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # comes with scikit-learn

    names = vocabulary(rows, settings)
    x = design_matrix(rows, names)
    w = np.zeros((len(names), y.shape[1]))
    b = np.zeros(y.shape[1])
    # One BLAS thread: these problems are small, and several threads on a busy machine are 20× slower.
    with threadpool_limits(1):
        for k in range(y.shape[1]):
            w[:, k], b[k] = _one(x, y[:, k], weights, settings.c)
    return names, w, b


def _best_threshold(truth: npt.NDArray[np.int64], chances: Matrix) -> float:
    """The threshold of ``THRESHOLDS`` with the best F1 of one topic on out-of-fold probabilities
    (ties: the middle one of the best; no positive example: the highest)."""
    if truth.sum() == 0:
        return THRESHOLDS[-1]
    scores = []
    for threshold in THRESHOLDS:
        chosen = chances >= threshold
        tp = int((chosen & (truth == 1)).sum())
        scores.append(prf(tp, int(chosen.sum()) - tp, int(truth.sum()) - tp).f1)
    best = max(scores)
    tied = [t for t, s in zip(THRESHOLDS, scores, strict=True) if s == best]
    return tied[len(tied) // 2]


def labels_matrix(gold: Sequence[Sequence[str]], labels: Sequence[str]) -> npt.NDArray[np.int64]:
    return np.array([[1 if slug in g else 0 for slug in labels] for g in gold], dtype=np.int64).reshape(
        len(gold), len(labels))


def fit(features: Sequence[Features], gold: Sequence[Sequence[str]], labels: Sequence[str],
        settings: Settings | None = None, weights: Sequence[float] | None = None, seed: int = DEFAULT_SEED,
        meta: dict[str, Any] | None = None) -> TopicModel:
    """The model trained on all rows: per topic of ``labels`` with at least ``MIN_EXAMPLES`` labelled
    articles a logistic regression (the others are left to the lexicon: a topic added to
    ``topics.yaml`` after the labels were made is not learnt as "never"), and the thresholds chosen
    on out-of-fold probabilities of an inner ``settings.inner_folds``-fold cross-validation of the
    same rows (``shared_threshold``: one for all, the best micro-F1; else each topic's best F1)."""
    settings = settings or Settings()
    labels = [slug for slug in labels if sum(1 for g in gold if slug in g) >= MIN_EXAMPLES]
    y = labels_matrix(gold, labels)
    trust = np.array(list(weights) if weights is not None else [1.0] * len(features), dtype=np.float64)
    chances = np.zeros(y.shape)
    for test in fold_indexes(len(features), settings.inner_folds, seed + 1):
        held = set(test)
        train = [i for i in range(len(features)) if i not in held]
        names, w, b = train_all([features[i] for i in train], y[train], trust[train], settings)
        chances[test] = _probabilities(design_matrix([features[i] for i in test], names), w, b)
    if settings.shared_threshold:
        thresholds = [_best_threshold(y.ravel(), chances.ravel())] * len(labels)
    else:
        thresholds = [_best_threshold(y[:, k], chances[:, k]) for k in range(len(labels))]
    names, w, b = train_all(features, y, trust, settings)
    kept = {name: [round(float(v), 5) for v in w[i]] for i, name in enumerate(names)
            if float(np.abs(w[i]).max()) >= 1e-4}
    provenance: dict[str, Any] = {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"), "articles": len(features),
        "counts": {slug: int(y[:, k].sum()) for k, slug in enumerate(labels)},
        "settings": settings.to_json(), "seed": seed,
    }
    provenance.update(meta or {})
    return TopicModel(list(labels), [round(float(v), 5) for v in b], kept, thresholds, settings.max_topics,
                      provenance, settings.at_least_one)


@dataclass
class CVResult:
    """``micro_f1``: over every article's out-of-fold prediction; ``per_fold``: each fold's own."""

    micro_f1: float
    per_fold: list[float]
    precision: float = 0.0
    recall: float = 0.0
    predicted: list[list[str]] = field(default_factory=list, repr=False)


def result_of(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]],
              tests: Sequence[Sequence[int]]) -> CVResult:
    scored = micro(gold, predicted)
    per_fold = [micro([gold[i] for i in test], [predicted[i] for i in test]).f1 for test in tests]
    return CVResult(scored.f1, per_fold, scored.precision, scored.recall, [list(p) for p in predicted])


def predict(model: TopicModel, features: Sequence[Features]) -> list[list[str]]:
    return [[s.slug for s in model.predict(row)] for row in features]


def cross_validate(features: Sequence[Features], gold: Sequence[Sequence[str]], labels: Sequence[str],
                   folds: int = 5, seed: int = DEFAULT_SEED, settings: Settings | None = None,
                   weights: Sequence[float] | None = None, keep: float = 1.0, draw: int = 0) -> CVResult:
    """``folds``-fold cross-validated micro-F1 of the model trained with ``settings``; ``keep`` < 1:
    each training fold keeps only that fraction of its rows, drawn at random (``draw`` numbers the
    draw; the folds stay the same): a point of the learning curve."""
    tests = fold_indexes(len(features), folds, seed)
    predicted: list[list[str]] = [[] for _ in features]
    trust = list(weights) if weights is not None else [1.0] * len(features)
    for fold, test in enumerate(tests):
        held = set(test)
        train = [i for i in range(len(features)) if i not in held]
        if keep < 1.0:
            kept = np.random.default_rng([seed, fold, draw]).permutation(train)[:max(2, int(len(train) * keep))]
            train = sorted(int(i) for i in kept)
        model = fit([features[i] for i in train], [gold[i] for i in train], labels, settings,
                    [trust[i] for i in train], seed)
        for i, topics in zip(test, predict(model, [features[i] for i in test]), strict=True):
            predicted[i] = topics
    return result_of(gold, predicted, tests)


def lexicon_result(features: Sequence[Features], gold: Sequence[Sequence[str]], folds: int = 5,
                   seed: int = DEFAULT_SEED) -> CVResult:
    """The lexicon's micro-F1 on the same folds (it learns nothing: its prediction is its own)."""
    return result_of(gold, lexicon_topics(features), fold_indexes(len(features), folds, seed))
