"""Hostile long texts (issue 16 follow-up): megabytes without sentence punctuation, or without a
space, must cost a bounded analysis. Checked by what the costly steps are handed, never by timing:
underthesea's segmentation reads no overlong run, NER no overlong sentence, and nothing beyond
``MAX_ANALYSED_CHARS``; articles are analysed exactly as before."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from analysis import entities, segment
from analysis.normalize import normalize
from analysis.pipeline import MAX_ANALYSED_CHARS, MAX_TITLE_CHARS, Analyzer, analysed_part
from analysis.segment import MAX_RUN_CHARS, MAX_WORD_CHARS, cut
from analysis.sentences import SpanLookup
from presswatch.config import load_analyzer
from tests.support.paths import CONFIG, DATA

FILLER = "người dân trong vùng đang chuẩn bị cho mùa vụ mới và sửa lại đường vào bản "  # no place, no stop


def filler(size: int) -> str:
    return (FILLER * (size // len(FILLER) + 1))[:size]


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return load_analyzer(CONFIG)


@pytest.fixture()
def handed(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[str]]]:
    """Records what segmentation and NER are handed; they answer cheaply (split on spaces, no
    entity) so the test does not pay for underthesea on hundreds of kilobytes."""
    seen: dict[str, list[str]] = {"segment": [], "ner": []}

    def tokenize(text: str) -> list[str]:
        seen["segment"].append(text)
        return text.split()

    def ner(text: str) -> list[tuple[str, str, str, str]]:
        seen["ner"].append(text)
        return []

    def returning(function: Callable[[str], Any]) -> Callable[[], Callable[[str], Any]]:
        return lambda: function

    monkeypatch.setattr(segment, "tokenizer", returning(tokenize))
    monkeypatch.setattr(entities, "tagger", returning(ner))
    yield seen


def longest_run(text: str) -> int:
    return max((len(run) for run in re.split(r"[.!?…]", text)), default=0)


def longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=0)


@pytest.mark.parametrize("text", [
    "tỉnh Lai Châu và huyện Tân Uyên " * 10_000,  # the place names of the province, one endless sentence
    "Sạt lở ở Lai Châu " + filler(300_000),
    "Lai Châu " + "a." * 20_000 + " x" * 10 + "y" * 50_000,  # no space: "a.a.a." is slow in underthesea's regexes
    ("tỉnh Lai Châu " + filler(3_000) + ". ") * 30,  # punctuated, but every sentence overlong
])
def test_segmentation_and_ner_never_read_an_overlong_run(analyzer: Analyzer, handed: dict[str, list[str]],
                                                         text: str) -> None:
    result = analyzer.analyze("Sạt lở ở Lai Châu", text)
    assert result.relevance.grade == "about"  # the costly path: NER runs too
    assert handed["segment"] and handed["ner"]
    for piece in handed["segment"]:
        assert longest_run(piece) <= MAX_RUN_CHARS
        assert longest_word(piece) <= MAX_WORD_CHARS
    assert sum(map(len, handed["segment"])) <= MAX_TITLE_CHARS + 1 + MAX_ANALYSED_CHARS
    assert len(handed["ner"]) <= entities.MAX_SENTENCES
    assert all(len(sentence) <= entities.MAX_NER_CHARS for sentence in handed["ner"])


def test_a_line_is_cut_only_inside_overlong_runs_and_loses_nothing() -> None:
    line = "Câu ngắn. " * 50 + filler(5_000) + "x" * 1_800 + " Hết."
    pieces = cut(line)
    assert "".join(piece for _, piece in pieces) == line
    assert all(line[start:start + len(piece)] == piece for start, piece in pieces)
    assert pieces[0][1].startswith("Câu ngắn. " * 50)  # the punctuated part is not cut
    assert max(longest_run(piece) for _, piece in pieces) <= MAX_RUN_CHARS
    assert max(longest_word(piece) for _, piece in pieces) <= MAX_WORD_CHARS
    assert cut("Một câu. Hai câu.") == [(0, "Một câu. Hai câu.")]


def test_a_huge_text_is_analysed_only_up_to_the_cap(analyzer: Analyzer) -> None:
    """2 MB without punctuation: a place named past the cap is not found, one named before it is;
    only the capped prefix reaches underthesea (here the real one)."""
    names = " huyện Mường Tè tỉnh Lai Châu "
    late = filler(1_500_000) + names + filler(500_000)
    early = filler(50_000) + names + filler(1_950_000)
    assert len(late) > 20 * MAX_ANALYSED_CHARS
    quick = Analyzer(analyzer.topics, analyzer.sentiment, with_entities=False)
    beyond = quick.analyze("Tin tổng hợp", late)
    assert beyond.relevance.grade == "none" and beyond.places == []
    within = quick.analyze("Tin tổng hợp", early)
    assert {place.name for place in within.places} == {"Lai Châu", "Mường Tè"}
    assert analysed_part(late) == late[:len(analysed_part(late))]
    assert MAX_ANALYSED_CHARS - 1_000 < len(analysed_part(late)) <= MAX_ANALYSED_CHARS
    assert analysed_part(late).endswith(" ")  # cut at a space, not inside a word


def test_articles_are_analysed_exactly_as_without_the_bounds(analyzer: Analyzer,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The longest article of the development set, and the longest naming the province (NER runs),
    are read whole and uncut: lifting the new bounds changes nothing in their analysis."""
    rows = [json.loads(line) for line in (DATA / "analysis_dev" / "devset.jsonl").read_text(encoding="utf-8")
            .splitlines() if line.strip()]
    by_length = sorted(rows, key=lambda row: -len(row["text"]))
    longest = [by_length[0], next(row for row in by_length if "Lai Châu" in row["title"])]
    bounded = []
    for row in longest:
        assert analysed_part(row["text"]) == row["text"]
        assert all(cut(line) == [(0, line)] for line in normalize(row["text"]).split("\n"))
        result = analyzer.analyze(row["title"], row["text"])
        bounded.append((result.to_json(), result.sketch))
    monkeypatch.setattr("analysis.pipeline.MAX_ANALYSED_CHARS", 10**9)
    monkeypatch.setattr(segment, "MAX_RUN_CHARS", 10**9)
    monkeypatch.setattr(segment, "MAX_WORD_CHARS", 10**9)
    unbounded = []
    for row in longest:
        result = analyzer.analyze(row["title"], row["text"])
        unbounded.append((result.to_json(), result.sketch))
    assert bounded == unbounded
    assert bounded[1][0]["relevance"] == "about" and bounded[1][0]["entities"]


def test_span_lookup_answers_as_a_scan() -> None:
    spans = [(0, 5), (7, 9), (9, 20), (30, 31)]
    lookup = SpanLookup(spans)
    for offset in range(-2, 40):
        scan = next((i for i, (a, b) in enumerate(spans) if a <= offset < b), -1)
        assert lookup.index(offset) == scan
        assert (offset in lookup) == (scan >= 0)
    assert SpanLookup([]).index(3) == -1
