"""``presswatch train sentiment``'s shipped data: an addendum file re-labels the articles it shares
with the base files (one example each, the addendum's label) and adds its new articles; the
hyper-parameters follow the shipped model's ``meta``, the training defaults for what it lacks."""

from __future__ import annotations

import json
from pathlib import Path

from analysis.sentiment_model import SentimentModel
from analysis.sentiment_training import Settings
from learning.sentiment import SHIPPED_DATA, load_examples, shipped_files, shipped_settings


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def row(id_: str, label: str, confidence: str = "high") -> dict[str, str]:
    return {"id": id_, "title": f"Tin {id_}", "text": f"Nội dung bài {id_}.", "sentiment": label,
            "confidence": confidence}


def test_an_addendum_relabels_shared_articles_and_adds_new_ones_whatever_the_file_order(tmp_path: Path) -> None:
    base = write(tmp_path / "train.jsonl", [row("a", "negative"), row("b", "neutral"), row("c", "positive")])
    addendum = write(tmp_path / "addendum.jsonl", [row("b", "positive"), row("d", "negative", "low")])
    for files in ([base, addendum], [addendum, base]):
        examples = load_examples(files)
        assert [(e.id, e.label, e.weight) for e in examples] == [
            ("a", "negative", 1.0), ("b", "positive", 1.0), ("c", "positive", 1.0), ("d", "negative", 0.5)]
        assert examples[1].title == "Tin b"


def test_the_shipped_folder_is_the_training_set_and_its_addendum() -> None:
    names = [path.name for path in shipped_files()]
    assert "train.jsonl.gz" in names and "addendum.jsonl.gz" in names
    assert all(path.parent == SHIPPED_DATA for path in shipped_files())


def test_the_settings_are_the_shipped_models() -> None:
    meta = SentimentModel.load().meta or {}
    settings = shipped_settings()
    assert settings.l2 == float(meta.get("l2", Settings().l2))
    assert settings.neutral_shift == float(meta.get("neutral_shift", 0.0))
    assert settings.positive_shift == float(meta.get("positive_shift", 0.0))
    assert settings.solver == meta.get("solver", "adam")
