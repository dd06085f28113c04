"""The genre and attribution detectors against the labelled set (tests/data/register_dev): floors on
precision and recall of the classes the register counts, on the development part (what the
attribution rules were tuned on and the genre model was trained on, with tests/data/genre_train) and
on the held-out part (scored once per detector version when it was final: docs/register.md gives the
figures; the floors sit just under them, so a change that loses ground fails here)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from register.detect import ATTRIBUTIONS, GENRES, attribution, genre

DATA = Path(__file__).resolve().parents[1] / "data" / "register_dev"
# (split, detector, class) -> (precision floor, recall floor); measured: docs/register.md
FLOORS = {
    # the genre model (VERSION 2) was trained on the dev part: 1.000 / 1.000 there is a fit, not a
    # measure, so the rules' floor stays; its cross-validated scores are in the model (test_genre_model)
    ("dev", "genre", "news_report"): (0.83, 0.97),        # measured 1.000 / 1.000 (in-sample); rules 0.851 / 0.983
    ("heldout", "genre", "news_report"): (0.85, 0.97),    # measured 0.871 / 0.987 (model); rules 0.785 / 0.973
    ("dev", "attribution", "attributed"): (0.95, 0.86),   # measured 0.973 / 0.877
    ("heldout", "attribution", "attributed"): (0.87, 0.80),  # measured 0.894 / 0.824
}


def scored(split: str) -> list[tuple[dict[str, str], str, str]]:
    lines = (DATA / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    sample = {row["id"]: row for row in map(json.loads, lines)}
    rows = []
    for gold in map(json.loads, (DATA / "gold.jsonl").read_text(encoding="utf-8").splitlines()):
        if gold["split"] == split:
            article = sample[gold["id"]]
            rows.append((gold, genre(article["title"], article["text"]),
                         attribution(article["title"], article["text"]).label))
    return rows


@pytest.mark.parametrize(("split", "detector", "label"), sorted(FLOORS))
def test_precision_recall_floors(split: str, detector: str, label: str) -> None:
    pairs = [(gold[detector], g if detector == "genre" else a) for gold, g, a in scored(split)]
    true_positive = sum(gold == predicted == label for gold, predicted in pairs)
    precision = true_positive / sum(predicted == label for _, predicted in pairs)
    recall = true_positive / sum(gold == label for gold, _ in pairs)
    floor_p, floor_r = FLOORS[(split, detector, label)]
    assert precision >= floor_p and recall >= floor_r, (precision, recall)


def test_labels_and_credits_as_written() -> None:
    for _gold, g, a in scored("dev"):
        assert g in GENRES and a in ATTRIBUTIONS
    assert attribution("T", "T\nNội dung tin. Theo Dân trí").outlets == ("Dân trí",)
    assert attribution("T", "T\nNội dung tin. Lan Anh (T/h)").label == "not_attributed"
    assert attribution("T", "T\nSáng 8/2, UBND tỉnh họp. NGỌC HÀ").label == "original"
    # A photo credit names no source of the text (rule A4).
    assert attribution("T", "T\nSáng 8/2, mưa lớn. Ảnh: Reuters. Minh Anh").label == "original"
