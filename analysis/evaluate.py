"""Scores of the analysis against a labelled set: per-grade relevance P/R/F1, relevant-vs-none P/R,
micro-F1 of topics, macro-F1 of sentiment. Pure functions over (gold, predicted) records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float
    support: int


def prf(tp: int, fp: int, fn: int) -> PRF:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PRF(round(precision, 4), round(recall, 4), round(f1, 4), tp + fn)


def per_label(gold: list[str], predicted: list[str], labels: Iterable[str]) -> dict[str, PRF]:
    result = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        result[label] = prf(tp, fp, fn)
    return result


def macro_f1(scores: dict[str, PRF]) -> float:
    return round(sum(s.f1 for s in scores.values()) / len(scores), 4) if scores else 0.0


def micro_f1_sets(gold: list[set[str]], predicted: list[set[str]]) -> PRF:
    tp = sum(len(g & p) for g, p in zip(gold, predicted, strict=True))
    fp = sum(len(p - g) for g, p in zip(gold, predicted, strict=True))
    fn = sum(len(g - p) for g, p in zip(gold, predicted, strict=True))
    return prf(tp, fp, fn)


def relevant_vs_none(gold: list[str], predicted: list[str]) -> PRF:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != "none" and p != "none")
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == "none" and p != "none")
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g != "none" and p == "none")
    return prf(tp, fp, fn)
