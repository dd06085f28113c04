"""The CLI under operator mistakes and hostile input: clear Vietnamese errors, never a traceback,
never argparse's English, nothing created by a read-only command; output piped into `head`; the
`-word` query form; `--db`/`--config` after every sub-command; Vietnamese labels and one date format."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from presswatch.cli import build_parser, main
from presswatch.store import RunResult, Store
from tests.support.paths import CONFIG, DATA
from tests.support.webserver import NEWEST, fill

CORPUS = DATA / "hostile" / "cli" / "arguments.txt"
# argparse's own words (and Python's) that must never reach an operator.
ENGLISH = re.compile(r"\b(usage|error|arguments?|options|required|invalid|unrecognized|expected|choose from|"
                     r"show this help|ambiguous|Traceback|Errno|No such file|not a database|exception)\b", re.I)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """A real database (analysed articles, source health of a configured source and of one that is
    not in config/, a sent digest, a scheduled job), a text file, a folder, a path that is not there."""
    root = tmp_path_factory.mktemp("cli")
    config = root / "config"
    config.mkdir()
    for name in ("topics.yaml", "sentiment.yaml", "toxicity.yaml", "alerts.yaml"):
        shutil.copy(CONFIG / name, config / name)
    sources = yaml.safe_load((CONFIG / "sources.yaml").read_text(encoding="utf-8"))
    sources["sources"] = [s for s in sources["sources"] if s["type"] in ("feed", "listing")][:3]  # quick to load
    (config / "sources.yaml").write_text(yaml.safe_dump(sources, allow_unicode=True), encoding="utf-8")
    db = root / "presswatch.db"
    fill(db, count=12)
    with Store(db) as store, store.transaction() as conn:
        conn.execute("INSERT INTO digest_sends (day, status, attempts, sent_at, recipients) "
                     "VALUES ('2026-11-27', 'sent', 1, '2026-11-27T23:30:05Z', 'lanhdao@laichau.gov.vn')")
        conn.execute("CREATE TABLE apscheduler_jobs (id TEXT PRIMARY KEY, next_run_time REAL, job_state BLOB)")
        conn.execute("INSERT INTO apscheduler_jobs VALUES ('crawl:baolaichau-thoi-su', ?, x'00')",
                     (datetime(2026, 11, 28, 1, 2, 3, tzinfo=UTC).timestamp(),))
    with Store(db) as store:
        store.record_run(RunResult("demo-rss", NEWEST, NEWEST, True, 50, 51, 0))
    notsqlite = root / "ghi-chu.txt"
    notsqlite.write_text("đây không phải cơ sở dữ liệu\n", encoding="utf-8")
    folder = root / "thu-muc"
    folder.mkdir()
    yield {"db": db, "missing": root / "khong-co" / "presswatch.db", "notsqlite": notsqlite, "dir": folder,
           "config": config, "root": root}


def corpus() -> list[tuple[int, str]]:
    lines = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, _, rest = line.partition(" ")
            lines.append((int(code), rest))
    return lines


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``main`` in this process, as the ``presswatch`` script runs it (argparse exits by SystemExit)."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_hostile_argument_lists(world: dict[str, Path], capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(world["root"])  # a stray relative path would land here, not in the repository
    cases = corpus()
    assert len(cases) >= 60
    for expected, line in cases:
        argv = ["--config", str(world["config"]), *[arg.format(**{k: str(v) for k, v in world.items()})
                                            for arg in shlex.split(line)]]
        code, out, err = run(argv, capsys)
        text = (out + err).replace(str(world["root"]), "…")
        assert code == expected, (line, out, err)
        assert not ENGLISH.search(text), (line, ENGLISH.search(text), text)
        if expected:
            assert re.search(r"lỗi|Lỗi|Chưa có|Không|không hợp lệ", err), (line, err)
        if "--db {missing}" in line:
            assert "Chưa có cơ sở dữ liệu" in err and "không tạo cơ sở dữ liệu mới" in err, (line, err)
        assert not world["missing"].parent.exists(), line


def test_query_may_start_with_a_dash(world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """`presswatch search -lai` is the documented `-word` form (everything without "lai"), as are
    `"lũ -lai"` and `-- -lai`; options may follow the query."""
    base = ["--config", str(world["config"]), "--db", str(world["db"])]
    lai = run([*base, "search", "lai", "--json", "--limit", "100"], capsys)
    dash = run([*base, "search", "-lai", "--json", "--limit", "100"], capsys)
    separated = run([*base, "search", "--json", "--limit", "100", "--", "-lai"], capsys)
    assert dash[0] == 0 and separated[0] == 0, dash[2] + separated[2]
    assert dash[1] == separated[1]
    ids = {line.split(",")[0] for line in dash[1].splitlines()}
    with_lai = {line.split(",")[0] for line in lai[1].splitlines()}
    assert ids and with_lai and not ids & with_lai
    code, out, _ = run([*base, "search", "Lai Châu -lũ"], capsys)
    assert code == 0 and "kết quả cho «Lai Châu -lũ»" in out


def test_limit_and_offset_give_sensible_ranges(world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    base = ["--config", str(world["config"]), "--db", str(world["db"]), "search", "Lai Châu"]
    for bad in (["--limit", "-1"], ["--limit", "0"], ["--offset", "-5"]):
        code, out, err = run([*base, *bad], capsys)
        assert code == 2 and not out, bad
        assert f"tham số {bad[0]}: phải là số nguyên từ" in err, err
    code, out, _ = run([*base, "--offset", "5000"], capsys)
    assert code == 0 and "hiển thị 5001–5000" not in out
    assert "không còn kết quả từ vị trí 5001" in out
    code, out, _ = run([*base, "--limit", "2", "--offset", "1"], capsys)
    assert code == 0 and ", hiển thị 2–3" in out


def test_read_only_commands_refuse_a_missing_database(tmp_path: Path, world: dict[str, Path],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """A mistyped --db creates nothing (the corpus runs every read-only command the same way)."""
    typo = tmp_path / "dat" / "presswatch.db"  # "data" mistyped
    config = str(world["config"])
    for argv in (["--config", config, "--db", str(typo), "sources"], ["users", "list", "--db", str(typo)]):
        code, out, err = run(argv, capsys)
        assert code == 2 and not out, err
        assert f"Chưa có cơ sở dữ liệu {typo}" in err and "không tạo cơ sở dữ liệu mới" in err
        assert not typo.parent.exists()


def _parsers(parser: argparse.ArgumentParser, path: list[str]) -> Iterator[tuple[list[str], argparse.ArgumentParser]]:
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield from _parsers(child, [*path, name])


def test_db_and_config_are_accepted_after_every_subcommand() -> None:
    parsers = list(_parsers(build_parser(), []))
    assert len(parsers) > 20  # the walk reached the nested ones (users …, alerts …)
    for path, parser in parsers:
        assert {"--db", "--config"} <= set(parser._option_string_actions), path
        if any(isinstance(a, argparse._SubParsersAction) for a in parser._actions):
            continue  # needs a sub-command: checked at the leaves
        values = ["1" for a in parser._actions if not a.option_strings and a.required]
        values += [part for a in parser._actions if a.option_strings and a.required  # e.g. cases export --out
                   for part in (a.option_strings[-1], {"--province": "Lai Châu"}.get(a.option_strings[-1], "1"))]
        args = build_parser().parse_args([*path, *values, "--db", "X.db", "--config", "cfg"])
        assert (args.db, args.config) == ("X.db", "cfg"), path
        args = build_parser().parse_args(["--db", "A.db", *path, *values])
        assert args.db == "A.db", path  # the global option still works before the command


def test_help_is_vietnamese_at_every_level() -> None:
    for path, parser in _parsers(build_parser(), []):
        text = parser.format_help()
        assert text.startswith("cách dùng: presswatch"), path
        assert "tùy chọn:" in text and not ENGLISH.search(text), (path, ENGLISH.search(text))


def test_sources_and_status_show_sources_missing_from_the_configuration(
        world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """The demo's sources (and removed ones) have health rows; the web page shows them, so must the CLI."""
    for command in ("sources", "status"):
        code, out, _ = run(["--config", str(world["config"]), "--db", str(world["db"]), command], capsys)
        assert code == 0
        lines = {line.split()[0]: line for line in out.splitlines() if line.strip()}
        assert "baolaichau-thoi-su" in lines and "(ngoài cấu hình)" not in lines["baolaichau-thoi-su"]
        for source in ("demo-rss", "tin-tay-bac"):
            assert "(ngoài cấu hình)" in lines[source], out
        assert re.search(r"demo-rss .* 20/11/2026 15:00 +0 +50", out), out
        assert re.search(r"tin-tay-bac .* 1 +0  HTTP 503", out), out


def test_status_speaks_vietnamese_with_one_date_format(world: dict[str, Path],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--config", str(world["config"]), "--db", str(world["db"]), "status"], capsys)
    assert code == 0
    assert "Bản tin gần nhất: ngày 27/11/2026: đã gửi lúc 28/11/2026 06:30" in out, out
    assert "lần chạy tới: 28/11/2026 08:02\n" in out  # no seconds, like every other time
    assert not re.search(r"\b(sent|failed)\b|\d{4}-\d{2}-\d{2}|\d\d:\d\d:\d\d", out), out


def test_search_shows_vietnamese_labels_not_slugs(world: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    topics = yaml.safe_load((CONFIG / "topics.yaml").read_text(encoding="utf-8"))["topics"]
    slugs = {topic["slug"]: topic["label"] for topic in topics}
    code, out, _ = run(["--config", str(world["config"]), "--db", str(world["db"]), "search", "Lai Châu", "--facets",
                        "--limit", "50"], capsys)
    assert code == 0
    facets = {line.split(":")[0]: line for line in out.splitlines() if re.match(r"^[A-ZĐ][^:]{1,20}: ", line)}
    assert "báo chí (" in facets["Loại nguồn"] and "press" not in facets["Loại nguồn"]
    assert re.search(r"(trung tính|tiêu cực|tích cực) \(\d+\)", facets["Sắc thái"])
    assert not re.search(r"\b(neutral|negative|positive)\b", facets["Sắc thái"])
    assert re.search(r"(về Lai Châu|có nhắc Lai Châu) \(\d+\)", facets["Mức liên quan"])
    assert not re.search(r"\b(about|mention)\b", facets["Mức liên quan"])
    flags = [line for line in out.splitlines() if line.startswith("   [")]
    shown = facets["Chủ đề"] + " ".join(flags)
    assert any(label in shown for label in slugs.values())
    assert not any(re.search(rf"(?<![\w-]){re.escape(slug)}(?![\w-])", shown) for slug in slugs), shown
    # One date format: dd/mm/yyyy HH:MM, as in alerts and status.
    dated = [line for line in out.splitlines() if " · http" in line]
    assert dated and all(re.match(r"^   \d\d/\d\d/\d{4} \d\d:\d\d · ", line) for line in dated)


def _closed_pipe_run(args: list[str]) -> subprocess.CompletedProcess[str]:
    """The CLI writing into a pipe whose reader is gone, as `presswatch … | head -1` ends."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "presswatch.cli", *args], stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    finally:
        os.close(write)


def test_output_into_a_closed_pipe_ends_quietly(world: dict[str, Path]) -> None:
    base = ["--config", str(world["config"]), "--db", str(world["db"])]
    for args in ([*base, "search", "Lai Châu"], [*base, "search", "Lai Châu", "--json"], [*base, "status"],
                 [*base, "alerts", "outbox"], ["-h"]):
        result = _closed_pipe_run(args)
        assert result.returncode in (0, 141), (args, result.stderr)  # 141: as a shell reports SIGPIPE
        assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, (args, result.stderr)


def test_users_add_without_a_terminal_points_to_password_stdin(tmp_path: Path) -> None:
    """In a script or a service there is no terminal to ask the password on: say what to use."""
    Store(tmp_path / "pw.db").close()
    for action in (["add", "lan"], ["passwd", "lan"]):
        result = subprocess.run([sys.executable, "-m", "presswatch.cli", "--db", str(tmp_path / "pw.db"), "users",
                                 *action], stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
                                check=False, start_new_session=True)  # no controlling terminal
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "EOFError" not in result.stderr
        assert "--password-stdin" in result.stderr and "Không có terminal" in result.stderr


def test_analyze_explains_bad_lines_in_vietnamese(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"id": 1, "title": "Lai Châu"\n[1, 2]\n'))
    code, out, err = run(["--config", str(CONFIG), "analyze", "--no-entities"], capsys)
    assert code == 1
    first, second = err.splitlines()
    assert re.fullmatch(r"dòng 1: JSON không hợp lệ \(lỗi cú pháp ở cột \d+\)", first), first
    assert second == "dòng 2: JSON không hợp lệ (mỗi dòng phải là một đối tượng JSON)"
    assert [line["line"] for line in map(json.loads, out.splitlines())] == [1, 2]


def test_web_on_a_port_in_use_says_so_before_announcing(world: dict[str, Path],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code, out, err = run(["--config", str(world["config"]), "--db", str(world["db"]), "web", "--port", str(port)],
                             capsys)
    assert code == 1 and "Giao diện web:" not in out
    assert f"không mở được giao diện web ở 127.0.0.1:{port}: cổng đã có chương trình khác dùng" in err, err
