"""A trained genre classifier: multinomial logistic regression over the rules' marks and the words
of the title, the lead and the close.

What it reads (``features``), for one item:

* the hand-written rules' answer (``rule:<genre>``, ``register.genre_rules.rule_genre``) and their
  marks (``sig:<name>``: ln(1 + count) of question marks, quotes, "PV:" lines, opinion phrases,
  first-person words, footnotes …, and ``den:<name>``: some of them per 1,000 characters);
* the lower-cased syllable unigrams and bigrams of the title (``t:``), of the first
  ``LEAD_SYLLABLES`` syllables of the body (``l:``) and of its last ``END_SYLLABLES`` (``e:``),
  binary and L2-normalised per part.

The answer is the genre of highest probability. Inference is a dictionary lookup per feature (no
numpy, no scikit-learn); training and its cross-validation: ``register.genre_training`` and
``scripts/train_genre.py``. The shipped model is ``register/data/genre_model.json``, with the
provenance and cross-validated scores of its training in ``meta``.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from itertools import repeat
from operator import mul
from pathlib import Path
from typing import Any

from register.genre_rules import GENRES, decide, signals

DEFAULT_PATH = Path(__file__).parent / "data" / "genre_model.json"
LEAD_SYLLABLES = 120
END_SYLLABLES = 80
_LEAD_CHARS = LEAD_SYLLABLES * 12  # syllables are short: these many characters hold them
_END_CHARS = END_SYLLABLES * 12
_SYLLABLE = re.compile(r"\w+")
_DENSITIES = ("questions", "quotes", "opinions", "first_person", "feature_marks", "other_marks")


def _grams(prefix: str, words: list[str]) -> set[str]:
    grams = {prefix + w for w in words}
    grams.update(prefix + a + " " + b for a, b in zip(words, words[1:], strict=False))
    return grams


def features(title: str, text: str) -> dict[str, float]:
    """What the model reads for one item (see the module's docstring)."""
    marks = signals(title, text)
    found: dict[str, float] = {"rule:" + decide(marks): 1.0}
    per_k = 1000.0 / max(marks["length"], 200.0)
    for name, value in marks.items():
        found["sig:" + name] = math.log1p(value)
    for name in _DENSITIES:
        found["den:" + name] = math.log1p(marks[name] * per_k)
    body = text[len(title):] if text.startswith(title) else text
    lead = _SYLLABLE.findall(body[:_LEAD_CHARS].lower())[:LEAD_SYLLABLES]
    end = _SYLLABLE.findall(body[-_END_CHARS:].lower())[-END_SYLLABLES:] if len(body) > _LEAD_CHARS else []
    for prefix, part in (("t:", _SYLLABLE.findall(title.lower())), ("l:", lead), ("e:", end)):
        grams = _grams(prefix, part)
        if grams:
            found.update(dict.fromkeys(grams, 1.0 / math.sqrt(len(grams))))
    return found


class GenreModel:
    """Per genre (``labels``): a bias and a weight per feature; the answer is the most probable."""

    def __init__(self, labels: list[str], bias: list[float], weights: dict[str, list[float]],
                 meta: dict[str, Any] | None = None) -> None:
        unknown = [label for label in labels if label not in GENRES]
        if unknown:
            raise ValueError(f"unknown genres in the model: {unknown}")
        self.labels = labels
        self.bias = bias
        self.weights = weights
        self.meta = meta or {}
        self._zero = (0.0,) * len(labels)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GenreModel:
        return cls([str(x) for x in data["labels"]], [float(b) for b in data["bias"]],
                   {k: [float(x) for x in v] for k, v in data["weights"].items()}, data.get("meta"))

    @classmethod
    def load(cls, path: Path) -> GenreModel:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))

    def to_json(self) -> dict[str, Any]:
        return {"kind": "genre", "labels": self.labels, "bias": self.bias, "weights": self.weights,
                "meta": self.meta}

    def probabilities(self, found: dict[str, float]) -> dict[str, float]:
        """Each genre's probability (softmax of the linear scores)."""
        columns = list(zip(*map(self.weights.get, found, repeat(self._zero)), strict=True)) if found else []
        values = list(found.values())
        scores = [b + sum(map(mul, values, column)) for b, column in zip(self.bias, columns, strict=True)] \
            if columns else list(self.bias)
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def predict(self, found: dict[str, float]) -> str:
        chances = self.probabilities(found)
        return max(self.labels, key=lambda label: chances[label])


@lru_cache(maxsize=1)
def shipped() -> GenreModel:
    """The model the package ships (``DEFAULT_PATH``), read once."""
    return GenreModel.load(DEFAULT_PATH)


def classify(title: str, text: str) -> str:
    """The item's genre (``GENRES``) by the shipped model."""
    return shipped().predict(features(title, text))
