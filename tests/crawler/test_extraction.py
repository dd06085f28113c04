"""Golden extraction tests on saved real pages: at least as good as trafilatura's defaults."""

from __future__ import annotations

import gzip
import json

import pytest
import trafilatura

from crawler.extract import extract, parse_datetime
from crawler.quality import bag_of_words
from crawler.sites import rule_for
from tests.support.paths import DATA

GOLD = json.loads((DATA / "extraction" / "gold.json").read_text(encoding="utf-8"))
F1_FLOOR = 0.95  # per page; the measured scores are in bench/extraction.py's output


def page(name: str) -> str:
    return gzip.decompress((DATA / "extraction" / "pages" / name).read_bytes()).decode("utf-8")


@pytest.mark.parametrize("name", sorted(GOLD))
def test_golden_page(name: str) -> None:
    expected = GOLD[name]
    result = extract(page(name), expected["url"])
    assert result is not None
    assert bag_of_words(result.text, expected["text"]).f1 >= F1_FLOOR
    for snippet in expected["with"]:
        assert snippet in result.text, snippet
    for snippet in expected["without"]:
        assert snippet not in result.text, snippet
    assert result.title == expected["title"]
    assert result.language == "vi"
    assert result.url == expected["url"]
    assert result.published is not None and result.published.utcoffset() is not None


def test_at_least_as_good_as_trafilatura_defaults() -> None:
    ours, theirs = [], []
    for name, expected in GOLD.items():
        html = page(name)
        theirs.append(bag_of_words(trafilatura.extract(html, url=expected["url"]) or "", expected["text"]).f1)
        result = extract(html, expected["url"])
        ours.append(bag_of_words(result.text if result else "", expected["text"]).f1)
    assert sum(ours) / len(ours) >= sum(theirs) / len(theirs)
    assert all(o >= t - 0.005 for o, t in zip(ours, theirs, strict=True))


def test_site_rules_are_versioned() -> None:
    from datetime import date

    assert rule_for("https://baodautu.vn/x-d1.html") is not None
    assert rule_for("https://m.vietnamnet.vn/x.html") is not None
    assert rule_for("https://example.vn/x.html") is None
    rule = rule_for("https://baodautu.vn/x-d1.html")
    assert rule is not None and rule.valid_from == date(2026, 3, 7)


def test_timestamps_keep_their_timezone() -> None:
    assert parse_datetime("2026-03-07T08:15:00+07:00").utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
    assert parse_datetime("2026-03-07 08:15").utcoffset().total_seconds() == 7 * 3600  # type: ignore[union-attr]
    assert parse_datetime("07/03/2026 08:15") == parse_datetime("2026-03-07T08:15:00+07:00")
