"""Training and cross-validation of the sentiment model (``analysis.sentiment_model``).

The library behind ``scripts/train_sentiment.py`` and ``presswatch train sentiment``:

* ``load_labelled(path)``: the labelled articles of ``tests/data/sentiment_train`` (jsonl, gzipped or
  not) as ``LabelledText``; a label its annotator was unsure of, and that no second annotator
  repeated, weighs ``LOW_CONFIDENCE_WEIGHT``;
* ``cross_validate(examples, analyzer)``: k-fold macro-F1 of a model trained on the other folds;
* ``fit(examples, analyzer)``: the model JSON that ``SentimentModel.load`` reads.

The model is a multinomial logistic regression (class-balanced log loss, L2 not on the bias, Adam)
over the features the analyzer computes (``Analysis.sentiment_features``). Needs numpy (the
``test`` extra), imported only here: inference (``analysis.sentiment_model``) reads the weights with
dictionary lookups.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from analysis.evaluate import PRF, macro_f1, per_label
from analysis.pipeline import Analyzer
from analysis.sentiment_model import SentimentModel

LABELS = ["negative", "neutral", "positive"]
DEFAULT_SEED = 20261127
LOW_CONFIDENCE_WEIGHT = 0.5  # an uncertain label counts half (CV 0.687 vs 0.683 without, first labels only)
MIN_PARAGRAPH_WORDS = 25
Matrix = npt.NDArray[np.float64]
Features = dict[str, float]


@dataclass(frozen=True)
class LabelledText:
    """One labelled article: ``weight`` is how much its label counts (1, or ½ when uncertain)."""

    id: str
    title: str
    text: str
    label: str
    weight: float = 1.0


@dataclass(frozen=True)
class Settings:
    """Hyper-parameters of one training run.

    ``l2``: λ of λ·Σw²/2 added to the class-weighted log loss summed over the articles;
    ``min_df``: a feature must occur in this many training texts (lexicon features always kept);
    ``neutral_shift``: added to the neutral score after training (> 0: fewer polar verdicts);
    ``paragraph_weight``: each body paragraph of ``MIN_PARAGRAPH_WORDS``+ words is one more training
    text (no title) with its article's label at this fraction of its weight (0: none; CV +0.007 but
    the development set −0.031, so off);
    ``iterations``: Adam steps;
    ``positive_shift``: added to the positive score after training (a prior for the rare class);
    ``drop``: feature name prefixes left out (``"b:"``: no bigrams);
    ``solver``: ``"adam"`` (numpy, ``iterations`` steps) or ``"lbfgs"`` (scikit-learn's
    ``LogisticRegression``, trained to convergence: the same loss)."""

    l2: float = 1.0
    min_df: int = 3
    neutral_shift: float = 0.0
    paragraph_weight: float = 0.0
    iterations: int = 400
    positive_shift: float = 0.0
    drop: tuple[str, ...] = ()
    solver: str = "adam"


@dataclass
class CVResult:
    """``macro_f1``: over all articles' out-of-fold predictions; ``per_fold``: each fold's own."""

    macro_f1: float
    per_fold: list[float]
    n: int
    per_label: dict[str, PRF] = field(default_factory=dict)
    predicted: list[str] = field(default_factory=list, repr=False)
    scores: Matrix | None = field(default=None, repr=False)  # out-of-fold logits, before the shift


def trust_of(row: dict[str, Any]) -> float:
    """A label its annotator was sure of, or that a second blind annotator repeated, counts 1; the
    others (one unsure vote, a majority of three, a three-way split) count LOW_CONFIDENCE_WEIGHT."""
    if "weight" in row:
        return float(row["weight"])
    votes = row.get("votes") or [row["sentiment"]]
    if len(votes) == 1:
        return 1.0 if row.get("confidence") != "low" else LOW_CONFIDENCE_WEIGHT
    return 1.0 if len(votes) == 2 and votes[0] == votes[1] else LOW_CONFIDENCE_WEIGHT


def read_text(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.suffix == ".gz" else data).decode("utf-8")


def load_labelled(path: Path | str) -> list[LabelledText]:
    """The articles of a jsonl(.gz) file of ``tests/data/sentiment_train``'s format (``id``,
    ``title``, ``text``, ``sentiment`` and optionally ``votes``, ``confidence`` or ``weight``)."""
    path = Path(path)
    examples = []
    for number, line in enumerate(read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("sentiment") not in LABELS:
            raise ValueError(f"{path}:{number}: sentiment {row.get('sentiment')!r} is none of {LABELS}")
        examples.append(LabelledText(str(row["id"]), row.get("title") or "", row.get("text") or "",
                                     row["sentiment"], trust_of(row)))
    return examples


def merge_addendum(examples: Sequence[LabelledText], addendum: Sequence[LabelledText],
                   weight: float = 1.0) -> list[LabelledText]:
    """``examples`` with each addendum label replacing the old label of the same id (the article's
    text as in ``examples``), then the addendum's new articles; addendum weights × ``weight``."""
    by_id = {e.id: e for e in addendum}
    merged = []
    for example in examples:
        new = by_id.pop(example.id, None)
        if new is None:
            merged.append(example)
        else:
            merged.append(replace(example, label=new.label, weight=new.weight * weight))
    merged.extend(replace(e, weight=e.weight * weight) for e in by_id.values())
    return merged


# Featurising 2,831 articles takes minutes: each analyzer keeps the features of the texts it has read.
_FEATURES: weakref.WeakKeyDictionary[Analyzer, dict[tuple[str, str], Features]] = weakref.WeakKeyDictionary()


def featurize(texts: Iterable[tuple[str, str]], analyzer: Analyzer) -> list[Features]:
    """``Analysis.sentiment_features`` of each (title, text), remembered per analyzer."""
    cache = _FEATURES.setdefault(analyzer, {})
    result = []
    for key in texts:
        features = cache.get(key)
        if features is None:
            features = cache[key] = analyzer.analyze(*key).sentiment_features
        result.append(features)
    return result


def load_feature_cache(analyzer: Analyzer, path: Path) -> int:
    """Remember for ``analyzer`` the features kept in ``path`` (a pickle written by
    ``save_feature_cache``, or by ``scripts/sentiment_experiments.py``) of an analyzer of the same
    configuration: featurising the training set takes about ten minutes. Returns how many."""
    if not path.exists():
        return 0
    known: dict[tuple[str, str], Features] = pickle.loads(path.read_bytes())  # our own scratch file
    _FEATURES.setdefault(analyzer, {}).update(known)
    return len(known)


def save_feature_cache(analyzer: Analyzer, path: Path) -> None:
    path.write_bytes(pickle.dumps(_FEATURES.get(analyzer, {})))


def model_version(model: dict[str, Any], trained: str) -> str:
    """``<date>-<first 10 hex of the SHA-256 of the labels, bias and weights>``: names one model."""
    body = json.dumps([model["labels"], model["bias"], model["weights"]], ensure_ascii=False, sort_keys=True)
    return f"{trained}-{hashlib.sha256(body.encode('utf-8')).hexdigest()[:10]}"


def paragraphs(examples: Sequence[LabelledText]) -> tuple[list[tuple[str, str]], list[int]]:
    """The body paragraphs (lines after the first, which repeats the title) of MIN_PARAGRAPH_WORDS
    words or more, as texts without a title, and the index of the example each comes from."""
    texts: list[tuple[str, str]] = []
    owners: list[int] = []
    for index, example in enumerate(examples):
        for line in example.text.split("\n")[1:]:
            if len(line.split()) >= MIN_PARAGRAPH_WORDS:
                texts.append(("", line))
                owners.append(index)
    return texts, owners


class Passages:
    """The paragraphs' features, their articles and their weight relative to an article."""

    def __init__(self, features: list[Features], owners: list[int], weight: float) -> None:
        self.features = features
        self.owners = owners
        self.weight = weight

    def training_set(self, articles: list[Features], gold: list[str], trust: Matrix,
                     rows: list[int]) -> tuple[list[Features], npt.NDArray[np.int64], Matrix]:
        """Features, labels and weights of the articles ``rows`` and of their paragraphs."""
        chosen = set(rows)
        extra = [k for k, owner in enumerate(self.owners) if owner in chosen]
        owners = [self.owners[k] for k in extra]
        features = [articles[i] for i in rows] + [self.features[k] for k in extra]
        labels = np.array([LABELS.index(gold[i]) for i in [*rows, *owners]], dtype=np.int64)
        weights = np.concatenate([trust[rows], trust[owners] * self.weight])
        return features, labels, weights


NO_PASSAGES = Passages([], [], 0.0)


def passages_of(examples: Sequence[LabelledText], analyzer: Analyzer, weight: float) -> Passages:
    if weight <= 0:
        return NO_PASSAGES
    texts, owners = paragraphs(examples)
    return Passages(featurize(texts, analyzer), owners, weight)


def vocabulary(features: list[Features], min_df: int, drop: tuple[str, ...] = ()) -> list[str]:
    counts: dict[str, int] = {}
    for row in features:
        for name in row:
            counts[name] = counts.get(name, 0) + 1
    return sorted(name for name, count in counts.items()
                  if (count >= min_df or name.startswith("lex:")) and not (drop and name.startswith(drop)))


class Sparse:
    """Rows of (column, value) pairs in CSR arrays: documents have a few hundred features of tens of
    thousands, so dense products would cost 100× more."""

    def __init__(self, features: list[Features], vocab: list[str]) -> None:
        column = {name: i for i, name in enumerate(vocab)}
        cols: list[int] = []
        vals: list[float] = []
        rows: list[int] = []
        starts = []
        for r, row in enumerate(features):
            starts.append(len(cols))
            for name, value in row.items():
                c = column.get(name)
                if c is not None:
                    cols.append(c)
                    vals.append(value)
                    rows.append(r)
        self.shape = (len(features), len(vocab))
        self.cols = np.array(cols, dtype=np.int64)
        self.vals = np.array(vals)
        self.rows = np.array(rows, dtype=np.int64)
        self.starts = np.array(starts, dtype=np.int64)

    def dot(self, w: Matrix) -> Matrix:
        """X @ w (every row has at least one feature: the lexicon's label)."""
        product: Matrix = np.add.reduceat(self.vals[:, None] * w[self.cols], self.starts, axis=0)
        return product

    def tdot(self, g: Matrix) -> Matrix:
        """X.T @ g."""
        weighted = self.vals[:, None] * g[self.rows]
        return np.stack([np.bincount(self.cols, weights=weighted[:, k], minlength=self.shape[1])
                         for k in range(g.shape[1])], axis=1)


def balanced_weights(y: npt.NDArray[np.int64], trust: Matrix | None = None) -> Matrix:
    """A weight per article that makes each label weigh as much in the loss (rare "positive" as
    much as "negative"), times its ``trust``; both optimisers minimise the loss under it."""
    k = len(LABELS)
    counts = np.bincount(y, minlength=k).astype(float)
    weights: Matrix = (len(y) / (k * np.maximum(counts, 1)))[y]
    return weights * trust if trust is not None else weights


def train(x: Sparse, y: npt.NDArray[np.int64], l2: float, iterations: int = 400,
          trust: Matrix | None = None) -> tuple[Matrix, Matrix]:
    """Multinomial logistic regression, class-balanced log loss + L2 (not on the bias), Adam.
    ``trust``: a weight per article (labels the annotator was unsure of may count less)."""
    n, d = x.shape
    k = len(LABELS)
    sample_weight = balanced_weights(y, trust)
    onehot = np.eye(k)[y]
    w = np.zeros((d, k))
    b = np.zeros(k)
    m_w, v_w, m_b, v_b = np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)
    rate, beta1, beta2, eps = 0.05, 0.9, 0.999, 1e-8
    for step in range(1, iterations + 1):
        logits = x.dot(w) + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sample_weight[:, None]
        grad_w = (x.tdot(g) + l2 * w) / n
        grad_b = g.sum(axis=0) / n
        for param, grad, m, v in ((w, grad_w, m_w, v_w), (b, grad_b, m_b, v_b)):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= rate * (m / (1 - beta1 ** step)) / (np.sqrt(v / (1 - beta2 ** step)) + eps)
    return w, b


def train_lbfgs(x: Sparse, y: npt.NDArray[np.int64], l2: float, trust: Matrix | None = None) -> tuple[Matrix, Matrix]:
    """The loss of ``train`` minimised to convergence by scikit-learn (L-BFGS; the bias unpenalised)."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    n, d = x.shape
    k = len(LABELS)
    sample_weight = balanced_weights(y, trust)
    indptr = np.append(x.starts, len(x.cols))
    matrix = csr_matrix((x.vals, x.cols, indptr), shape=(n, d))
    model = LogisticRegression(C=1.0 / l2, max_iter=2000, tol=1e-5)
    model.fit(matrix, y, sample_weight=sample_weight)
    w = np.zeros((d, k))
    b = np.zeros(k)
    for row, label in enumerate(model.classes_):  # a fold may lack a class
        w[:, label] = model.coef_[row] if len(model.classes_) > 2 else (model.coef_[0] if row else -model.coef_[0])
        b[label] = model.intercept_[row] if len(model.classes_) > 2 else 0.0
    return w, b


def fitted(x: Sparse, y: npt.NDArray[np.int64], settings: Settings, trust: Matrix) -> tuple[Matrix, Matrix]:
    if settings.solver == "lbfgs":
        return train_lbfgs(x, y, settings.l2, trust)
    return train(x, y, settings.l2, settings.iterations, trust=trust)


def shifted(scores: Matrix, neutral_shift: float, positive_shift: float = 0.0) -> list[str]:
    """The labels with ``neutral_shift`` added to the neutral score (> 0: fewer polar verdicts) and
    ``positive_shift`` to the positive one."""
    offset = np.zeros(len(LABELS))
    offset[LABELS.index("neutral")] = neutral_shift
    offset[LABELS.index("positive")] = positive_shift
    return [LABELS[i] for i in np.argmax(scores + offset, axis=1)]


def fold_indexes(n: int, folds: int, seed: int) -> list[list[int]]:
    """The test rows of each fold: a seeded permutation dealt round-robin."""
    order = np.random.default_rng(seed).permutation(n)
    return [[int(i) for i in order[fold::folds]] for fold in range(folds)]


def cross_scores(features: list[Features], gold: list[str], trust: Matrix, settings: Settings,
                 folds: int, seed: int, keep: float = 1.0,
                 passages: Passages = NO_PASSAGES) -> tuple[Matrix, list[list[int]]]:
    """Each article's class scores (logits) from a model trained on the other folds (on a random
    ``keep`` fraction of them: a point of the learning curve) and on their ``passages``."""
    scores = np.zeros((len(gold), len(LABELS)))
    tests = fold_indexes(len(gold), folds, seed)
    for fold, test in enumerate(tests):
        held = set(test)
        train_rows = [i for i in range(len(gold)) if i not in held]
        if keep < 1.0:
            kept = np.random.default_rng(seed + fold).permutation(train_rows)[:int(len(train_rows) * keep)]
            train_rows = sorted(int(i) for i in kept)
        fold_features, y, weights = passages.training_set(features, gold, trust, train_rows)
        vocab = vocabulary(fold_features, settings.min_df, settings.drop)
        w, b = fitted(Sparse(fold_features, vocab), y, settings, weights)
        scores[test] = Sparse([features[i] for i in test], vocab).dot(w) + b
    return scores, tests


def cv_result(gold: list[str], scores: Matrix, tests: list[list[int]], neutral_shift: float,
              positive_shift: float = 0.0) -> CVResult:
    predicted = shifted(scores, neutral_shift, positive_shift)
    labels = tuple(LABELS)
    per_fold = [macro_f1(per_label([gold[i] for i in test], [predicted[i] for i in test], labels))
                for test in tests]
    scored = per_label(gold, predicted, labels)
    return CVResult(macro_f1(scored), per_fold, len(gold), scored, predicted, scores)


def cross_validate(examples: Sequence[LabelledText], analyzer: Analyzer, folds: int = 5,
                   seed: int = DEFAULT_SEED, settings: Settings | None = None, keep: float = 1.0) -> CVResult:
    """``folds``-fold cross-validated macro-F1 of the model trained with ``settings`` (default: the
    shipped model's) on ``examples``, their features read by ``analyzer``. ``keep`` < 1: each
    training fold keeps only that fraction of its articles (a point of the learning curve)."""
    settings = settings or Settings()
    features = featurize(((e.title, e.text) for e in examples), analyzer)
    gold = [e.label for e in examples]
    trust = np.array([e.weight for e in examples])
    passages = passages_of(examples, analyzer, settings.paragraph_weight)
    scores, tests = cross_scores(features, gold, trust, settings, folds, seed, keep, passages)
    return cv_result(gold, scores, tests, settings.neutral_shift, settings.positive_shift)


def fit(examples: Sequence[LabelledText], analyzer: Analyzer, seed: int = DEFAULT_SEED,
        settings: Settings | None = None, meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The model JSON (``SentimentModel.to_json``) trained on all ``examples`` with ``settings``;
    ``meta`` is merged into the model's provenance. The optimiser is deterministic: ``seed`` is
    recorded (it names the CV folds the settings were chosen on)."""
    settings = settings or Settings()
    features = featurize(((e.title, e.text) for e in examples), analyzer)
    gold = [e.label for e in examples]
    trust = np.array([e.weight for e in examples])
    passages = passages_of(examples, analyzer, settings.paragraph_weight)
    all_features, y, sample_weights = passages.training_set(features, gold, trust, list(range(len(examples))))
    vocab = vocabulary(all_features, settings.min_df, settings.drop)
    w, b = fitted(Sparse(all_features, vocab), y, settings, sample_weights)
    b[LABELS.index("neutral")] += settings.neutral_shift
    b[LABELS.index("positive")] += settings.positive_shift
    weights = {name: [round(float(v), 4) for v in w[i]] for i, name in enumerate(vocab)
               if float(np.abs(w[i]).max()) >= 1e-3}
    provenance: dict[str, Any] = {
        "trained": datetime.now(UTC).strftime("%Y-%m-%d"),
        "articles": len(examples), "counts": {label: gold.count(label) for label in LABELS},
        "l2": settings.l2, "min_df": settings.min_df, "neutral_shift": settings.neutral_shift,
        "positive_shift": settings.positive_shift, "dropped_features": list(settings.drop),
        "solver": settings.solver,
        "low_confidence_weight": LOW_CONFIDENCE_WEIGHT,
        "paragraphs": len(passages.owners), "paragraph_weight": passages.weight,
        "min_paragraph_words": MIN_PARAGRAPH_WORDS, "seed": seed,
    }
    provenance.update(meta or {})
    model = SentimentModel(LABELS, [round(float(v), 4) for v in b], weights, provenance).to_json()
    model["meta"] = {"version": model_version(model, provenance["trained"]), **provenance}
    return model
