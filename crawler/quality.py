"""Extraction quality: bag-of-words F1 of extracted text against gold article text, the measure of
the ScrapingHub article-extraction benchmark (tokens compared as multisets, case-folded)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(unicodedata.normalize("NFC", text or "").lower()))


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float


def bag_of_words(predicted: str, gold: str) -> Score:
    got, want = tokens(predicted), tokens(gold)
    common = sum((got & want).values())
    precision = common / sum(got.values()) if got else 0.0
    recall = common / sum(want.values()) if want else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1)
