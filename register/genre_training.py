"""Training and cross-validation of the genre model (``register.genre_model``).

The library behind ``scripts/train_genre.py``:

* ``load_labelled(labels, articles, split)``: labelled articles (``Example``) from a labels file
  (``id``, ``genre``, optionally ``split``) and the articles it labels (``id``, ``title``, ``text``);
* ``fit(rows, gold, settings)``: a multinomial logistic regression (scikit-learn, L-BFGS) over the
  features of ``register.genre_model.features``; the ``GenreModel`` it makes;
* ``cross_validate``: out-of-fold predictions on seeded folds (``fold_indexes``), ``scores``: the
  register's measures (news-report precision and recall, accuracy, macro-F1 over the genres).

numpy and scikit-learn are imported here only: inference reads the weights with dictionary lookups.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from analysis.topic_training import design_matrix  # the same sparse design matrix as the topic model's
from register.genre_model import GenreModel
from register.genre_rules import GENRES

Features = dict[str, float]
DEFAULT_SEED = 20261207
ALWAYS = ("rule:", "sig:", "den:")  # the rules' features are kept whatever their frequency


@dataclass(frozen=True)
class Example:
    id: str
    title: str
    text: str
    genre: str


@dataclass(frozen=True)
class Settings:
    """``c``: inverse L2 strength; ``min_df``: a word feature must occur in this many training
    articles; ``balance``: weigh each genre by (n / (genres × its count)) ** balance (0: every article
    counts the same, 1: scikit-learn's "balanced", 0.5 between)."""

    c: float = 1.0
    min_df: int = 2
    balance: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {"c": self.c, "min_df": self.min_df, "balance": self.balance}


def _read(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_labelled(labels: Path, articles: Path, split: str | None = None) -> list[Example]:
    """The articles of ``articles`` labelled in ``labels`` (only rows of ``split`` when given)."""
    texts = {str(row["id"]): row for row in _read(articles)}
    examples = []
    for number, row in enumerate(_read(labels), 1):
        if split is not None and row.get("split") != split:
            continue
        if row.get("genre") not in GENRES:
            raise ValueError(f"{labels}:{number}: unknown genre {row.get('genre')!r}")
        article = texts.get(str(row["id"]))
        if article is None:
            raise ValueError(f"{labels}:{number}: no article {row['id']!r} in {articles}")
        examples.append(Example(str(row["id"]), str(article["title"]), str(article["text"]), str(row["genre"])))
    return examples


def fold_indexes(n: int, folds: int, seed: int) -> list[list[int]]:
    """The test rows of each fold: a seeded permutation dealt round-robin."""
    order = np.random.default_rng(seed).permutation(n)
    return [sorted(int(i) for i in order[fold::folds]) for fold in range(folds)]


def vocabulary(rows: Sequence[Features], min_df: int) -> list[str]:
    counts: dict[str, int] = {}
    for row in rows:
        for name in row:
            counts[name] = counts.get(name, 0) + 1
    return sorted(name for name, count in counts.items() if name.startswith(ALWAYS) or count >= min_df)


def fit(rows: Sequence[Features], gold: Sequence[str], settings: Settings | None = None,
        meta: dict[str, Any] | None = None) -> GenreModel:
    """The model trained on all ``rows`` (genres with no example are never answered)."""
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # comes with scikit-learn

    settings = settings or Settings()
    names = vocabulary(rows, settings.min_df)
    labels = [g for g in GENRES if g in set(gold)]
    counts = {g: sum(1 for x in gold if x == g) for g in labels}
    weights = {k: (len(gold) / (len(labels) * counts[g])) ** settings.balance for k, g in enumerate(labels)}
    model = LogisticRegression(C=settings.c, max_iter=2000, tol=1e-4, class_weight=weights)
    with threadpool_limits(1):  # small problems: one BLAS thread is faster on a busy machine
        model.fit(design_matrix(rows, names), np.array([labels.index(g) for g in gold]))
    coef = np.asarray(model.coef_, dtype=np.float64)
    bias = np.asarray(model.intercept_, dtype=np.float64)
    if len(labels) == 2:  # scikit-learn keeps one row for two classes: the second's score
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        bias = np.array([-bias[0] / 2, bias[0] / 2])
    kept = {name: [round(float(v), 5) for v in coef[:, i]] for i, name in enumerate(names)
            if float(np.abs(coef[:, i]).max()) >= 1e-4}
    provenance: dict[str, Any] = {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"), "articles": len(rows),
        "counts": counts, "settings": settings.to_json(),
    }
    provenance.update(meta or {})
    return GenreModel(labels, [round(float(v), 5) for v in bias], kept, provenance)


def cross_validate(rows: Sequence[Features], gold: Sequence[str], settings: Settings | None = None,
                   folds: int = 5, seed: int = DEFAULT_SEED) -> list[str]:
    """Each row's genre predicted by the model trained on the other folds."""
    predicted = [""] * len(rows)
    for test in fold_indexes(len(rows), folds, seed):
        held = set(test)
        train = [i for i in range(len(rows)) if i not in held]
        model = fit([rows[i] for i in train], [gold[i] for i in train], settings)
        for i in test:
            predicted[i] = model.predict(rows[i])
    return predicted


@dataclass(frozen=True)
class Scores:
    news_precision: float
    news_recall: float
    accuracy: float
    macro_f1: float  # over the genres present in the gold labels
    n: int

    def line(self) -> str:
        return (f"news_report P={self.news_precision:.3f} R={self.news_recall:.3f}  accuracy={self.accuracy:.3f}  "
                f"macro-F1={self.macro_f1:.3f}  (n={self.n})")


def _prf(gold: Sequence[str], predicted: Sequence[str], label: str) -> tuple[float, float, float]:
    tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
    said = sum(p == label for p in predicted)
    real = sum(g == label for g in gold)
    precision = tp / said if said else 0.0
    recall = tp / real if real else 0.0
    return precision, recall, (2 * precision * recall / (precision + recall) if precision + recall else 0.0)


def scores(gold: Sequence[str], predicted: Sequence[str]) -> Scores:
    present = [g for g in GENRES if g in set(gold)]
    news_p, news_r, _ = _prf(gold, predicted, "news_report")
    macro = sum(_prf(gold, predicted, g)[2] for g in present) / len(present)
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    return Scores(news_p, news_r, accuracy, macro, len(gold))


def per_genre(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, tuple[float, float, float, int]]:
    """Per genre of ``GENRES``: precision, recall, F1 and the gold count."""
    return {g: (*_prf(gold, predicted, g), sum(x == g for x in gold)) for g in GENRES}
