"""The query language under hostile input: the corpus of tests/data/hostile/queries/ (dates that
overflowed, nesting that overflowed Python's and SQLite's stacks, huge queries, absurd NEAR distances)
on the parser, the embedded index and the CLI; the limits stated in docs/query-language.md; and
property-based tests: any text gives a tree, results or a clear QueryError, never another exception."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from presswatch import query
from presswatch.cli import main
from presswatch.config import load_analyzer
from presswatch.errors import QueryError
from presswatch.models import Article
from presswatch.search import SearchRequest
from presswatch.search.sqlite import SqliteIndex
from presswatch.store import Store
from tests.support.paths import CONFIG

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).parents[1] / "data" / "hostile" / "queries" / "queries.jsonl"
NOW = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def load_corpus() -> list[dict[str, Any]]:
    entries = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            text, times = entry.get("query_repeat", ["", 0])
            entry["text"] = entry["query"] + text * times + entry.get("query_after", "")
            entries.append(entry)
    return entries


QUERIES = load_corpus()
ERRORS = [entry for entry in QUERIES if entry["expect"] == "error"]
IDS = [f"{n}-{entry['expect']}-{entry['text'][:30]}" for n, entry in enumerate(QUERIES)]

# Pieces of the query language, so that generated text reaches deep into the parser (fields with
# extreme values, operators, quotes, deep nesting, NEAR distances) and not only "no letter to look for".
PIECES = ["(", ")", '"', " ", "-", "*", "NOT", "OR", "AND", "NEAR", "NEAR/", "/", ":", "lũ", "quét", "Lai Châu",
          "Mường Tè", "đ", "thủy*", '"sạt lở"', '"sạt lở"*', "\u0300", "\u00a0", "\t", "\x00", "'", "^", "{", '*"']
VALUES = st.one_of(
    st.sampled_from(["", '""', '"Mường Tè"', '"Mường', "press", "negative", "tiêu-cực", "about", "bao-a", "x y"]),
    st.dates().map(str),  # years 1 to 9999
    st.builds(lambda n, unit: f"{n}{unit}", st.integers(0, 10**25), st.sampled_from("hdwmy")),
    st.integers(-10, 10**25).map(str),
)
FIELD = st.builds(lambda name, value: f"{name}:{value}", st.sampled_from([*query.FIELDS, "nguon", "title"]), VALUES)
NEAR = st.integers(0, 10**25).map(lambda n: f"NEAR/{n}")
REPEATED = st.builds(lambda piece, n: piece * n, st.sampled_from(["(", ")", "NOT ", "-", "-(", '"', "a ", "OR "]),
                     st.integers(0, 300))
ATOM = st.one_of(st.sampled_from(PIECES), FIELD, NEAR, REPEATED, st.text(max_size=8))
QUERY_TEXT = st.one_of(st.text(max_size=300), st.lists(ATOM, max_size=30).map(" ".join),
                       st.lists(ATOM, max_size=30).map("".join))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteIndex]:
    analyzer = load_analyzer(CONFIG, with_entities=False)
    docs = [("Sạt lở nghiêm trọng ở Mường Tè", "Mưa lớn gây sạt lở, lũ quét tại huyện Mường Tè, tỉnh Lai Châu.",
             "bao-a", "press"),
            ("Lũ quét ở Tam Đường", "Lũ quét cuốn trôi cầu tạm ở Tam Đường, Lai Châu; mù mịt sương.", "bao-b", "press"),
            ("Tương lai châu Á", "Hội nghị bàn về tương lai châu Á.", "bao-a", "social")]
    with Store(tmp_path_factory.mktemp("limits") / "presswatch.db") as store:
        for n, (title, text, source, kind) in enumerate(docs):
            store.add_article(Article(url=f"https://x.vn/{n}", source_id=source, source_kind=kind, title=title,
                                      text=text, published_at=NOW - timedelta(days=n + 1),
                                      analysis=analyzer.analyze(title, text)))
        yield SqliteIndex(store)


def search(index: SqliteIndex, text: str) -> int:
    return index.search(SearchRequest(text, now=NOW, facets=True)).total


@pytest.mark.parametrize("entry", QUERIES, ids=IDS)
def test_hostile_query_is_refused_where_it_goes_wrong_or_runs(index: SqliteIndex, entry: dict[str, Any]) -> None:
    if entry["expect"] == "ok":
        query.parse(entry["text"], NOW)
        assert search(index, entry["text"]) >= 0  # compiled SQL and FTS5 accepted by SQLite
        return
    with pytest.raises(QueryError) as caught:
        search(index, entry["text"])
    assert entry["message"] in str(caught.value)
    assert caught.value.user_position == entry["position"]
    assert str(caught.value).endswith(f"(vị trí {entry['position']})")


def test_the_whole_hostile_corpus_is_refused_cheaply(index: SqliteIndex) -> None:
    """Loose on purpose (the machine is shared; about 25 ms here): a refusal costs far less than a search."""
    timings = []
    for _ in range(2):  # the first round warms up (imports, regular expressions)
        started = time.perf_counter()
        for entry in ERRORS:
            with pytest.raises(QueryError):
                search(index, entry["text"])
        timings.append(time.perf_counter() - started)
    assert timings[-1] < 0.5, f"{len(ERRORS)} refusals took {timings[-1]:.2f} s"


def test_the_corpus_is_documented() -> None:
    readme = (CORPUS.parent / "README.md").read_text(encoding="utf-8")
    assert CORPUS.name in readme and "test_query_limits.py" in readme
    assert len(ERRORS) >= 20 and len(QUERIES) - len(ERRORS) >= 15


def test_the_limits_are_stated_in_the_query_language_doc() -> None:
    doc = (ROOT / "docs" / "query-language.md").read_text(encoding="utf-8")
    section = doc.split("## Giới hạn", 1)[1].split("\n## ", 1)[0]
    for value in (f"{query.MAX_LENGTH:,}", str(query.MAX_TOKENS), str(query.MAX_DEPTH), str(query.NEAR_MAX),
                  f"{query.YEAR_MIN}–{query.YEAR_MAX}", f"{query.MAX_SPAN_DAYS:,}"):
        assert value in section, value


@pytest.mark.parametrize("entry", ERRORS[:12] + ERRORS[-6:], ids=lambda entry: entry["text"][:30])
def test_cli_shows_the_same_position_as_the_api(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                entry: dict[str, Any]) -> None:
    Store(tmp_path / "pw.db").close()
    assert main(["--config", str(CONFIG), "--db", str(tmp_path / "pw.db"), "search", entry["text"]]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and entry["message"] in err
    assert re.search(rf"\(vị trí {entry['position']}\)$", err.strip())


def test_cli_date_options_out_of_range_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Store(tmp_path / "pw.db").close()
    for option in (["--since", "0001-01-01"], ["--until", "99999999d"]):
        assert main(["--config", str(CONFIG), "--db", str(tmp_path / "pw.db"), "search", "lũ", *option]) == 2
        err = capsys.readouterr().err
        assert "Truy vấn không hợp lệ" in err and "Traceback" not in err


@settings(max_examples=400, deadline=None)
@given(QUERY_TEXT)
def test_any_text_parses_to_a_tree_or_a_query_error(text: str) -> None:
    try:
        tree = query.parse(text, NOW)
    except QueryError as exc:
        assert exc.position is not None and 0 <= exc.position <= len(text)
        assert str(exc).strip()
    else:
        assert tree is not None


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUERY_TEXT)
def test_any_text_searches_or_gives_a_query_error(index: SqliteIndex, text: str) -> None:
    try:
        search(index, text)
    except QueryError:
        pass


def _nesting(text: str) -> int:
    depth = deepest = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        deepest = max(deepest, depth)
    return deepest


def test_queries_at_the_limits_compile_to_bounded_sql_and_fts(index: SqliteIndex) -> None:
    """What SQLite is handed (its parser stack holds about 100 levels; bound parameters 32,766) stays
    far from its limits for every accepted shape: deep nesting, NOT chains, many OR'd filters."""
    for entry in QUERIES:
        if entry["expect"] != "ok":
            continue
        params: list[object] = []
        sql = index.condition(SearchRequest(entry["text"], now=NOW).tree(), params)
        fts = [p for p in params if isinstance(p, str) and '"' in p]
        assert len(sql) < 20_000 and len(params) <= 4 * query.MAX_TOKENS, entry["text"][:40]
        assert _nesting(sql) <= 3 * query.MAX_DEPTH + 3, (entry["text"][:40], _nesting(sql))
        assert sql.count("NOT") <= query.MAX_TOKENS
        assert all(_nesting(expression) <= 2 * query.MAX_DEPTH + 2 for expression in fts), entry["text"][:40]


@pytest.mark.parametrize(("option", "value"), [("--limit", "99999999999999999999"), ("--limit", "-5"),
                                               ("--offset", "-1"), ("--offset", "99999999999999999999")])
def test_cli_limit_and_offset_out_of_range_are_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      option: str, value: str) -> None:
    Store(tmp_path / "pw.db").close()
    assert main(["--config", str(CONFIG), "--db", str(tmp_path / "pw.db"), "search", "lũ", option, value]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and option.lstrip("-") in err
