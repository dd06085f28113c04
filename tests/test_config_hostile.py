"""Hostile configuration files (issue 16): YAML bombs, deep nesting, huge files, out-of-range
durations and settings. Each is refused quickly with a Vietnamese message naming file and line, never
a traceback. The files live in tests/data/hostile/configs/ (see its README.md)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from presswatch.cli import main
from presswatch.config import load_sources
from presswatch.errors import ConfigError
from presswatch.yamlfile import MAX_BYTES, MAX_DEPTH, load_yaml

HOSTILE = Path(__file__).resolve().parent / "data" / "hostile" / "configs"


def refused(path: Path) -> str:
    """The single problem raised when ``path`` is read as a sources file."""
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    (problem,) = caught.value.problems
    return problem


@pytest.mark.parametrize("name", ["alias-bomb-6.yaml", "alias-bomb-8.yaml"])
def test_alias_bomb_is_refused_in_milliseconds(name: str) -> None:
    path = HOSTILE / name
    started = time.perf_counter()
    problem = refused(path)
    assert time.perf_counter() - started < 0.5
    assert problem.startswith(f"{path}:")
    assert "bí danh" in problem and "nút" in problem


def test_deep_nesting_is_refused_with_its_line(tmp_path: Path) -> None:
    problem = refused(HOSTILE / "deep-brackets.yaml")
    assert problem.startswith(f"{HOSTILE / 'deep-brackets.yaml'}:1:") and "lồng quá sâu" in problem
    closed = tmp_path / "sources.yaml"
    closed.write_text("sources:\n  - tags:\n" + "      - " + "[" * 20000 + "]" * 20000 + "\n", encoding="utf-8")
    assert refused(closed).startswith(f"{closed}:3:")


def test_depth_reached_through_aliases_counts(tmp_path: Path) -> None:
    """Each level refers to the one above: the file is shallow, what it expands to is not."""
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, MAX_DEPTH + 2)]
    path = tmp_path / "sources.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "lồng quá sâu" in refused(path)


def test_alias_loop_is_refused() -> None:
    path = HOSTILE / "alias-loop.yaml"
    problem = refused(path)
    assert problem.startswith(f"{path}:7:") and "*self" in problem


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n" + "# đệm\n" * (MAX_BYTES // 6 + 10), encoding="utf-8")
    started = time.perf_counter()
    problem = refused(path)
    assert time.perf_counter() - started < 0.5
    assert problem.startswith(f"{path}:") and "quá lớn" in problem


def test_anchors_aliases_and_merge_keys_keep_working() -> None:
    sources = {s.id: s for s in load_sources(HOSTILE / "anchors-ok.yaml")}
    assert sources["bao-lai-chau-thoi-su"].kind == "press"
    assert sources["bao-lai-chau-thoi-su"].tags == ["lai-chau", "government"]
    assert sources["bao-lai-chau-thoi-su"].interval == 900
    assert sources["cong-lai-chau"].tags == ["lai-chau", "government"]
    assert sources["bao-lai-chau"].interval == 1800


def test_unconstructible_scalars_are_errors_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    for line, value in ((2, "9" * 5000), (2, "2026-13-45")):
        path.write_text(f"defaults:\n  interval: {value}\nsources: []\n", encoding="utf-8")
        problem = refused(path)
        assert problem.startswith(f"{path}:{line}:"), problem


def test_check_config_reports_a_bomb_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sources.yaml").write_bytes((HOSTILE / "alias-bomb-8.yaml").read_bytes())
    assert main(["--config", str(tmp_path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "sources.yaml:" in err and "bí danh" in err


def test_the_shipped_files_are_far_from_the_limits() -> None:
    config = Path(__file__).resolve().parents[1] / "config"
    for path in sorted(config.glob("*.yaml")):
        assert path.stat().st_size < MAX_BYTES / 10, path
        assert load_yaml(path).data is not None
