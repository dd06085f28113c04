"""Keep the docs honest: CI runs the README's test command; the README names what exists."""

from __future__ import annotations

import os
import re
from pathlib import Path

from presswatch.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command = next(line for line in ci.splitlines() if "pytest" in line)
    assert command in README


def test_readme_setup_command_runs_the_monitor() -> None:
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/presswatch run" in README


def test_every_cli_command_is_in_the_readme() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name in subparsers.choices:  # type: ignore[attr-defined]
        assert re.search(rf"`presswatch {name}\b", README), name


def test_readme_source_examples_can_be_added_to_the_shipped_file(tmp_path: Path) -> None:
    from presswatch.config import load_sources

    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", README, re.S) if "- id:" in b]
    assert blocks
    shipped = (ROOT / "config" / "sources.yaml").read_text(encoding="utf-8")
    path = tmp_path / "sources.yaml"
    path.write_text(shipped.rstrip() + "\n" + "".join(blocks), encoding="utf-8")
    added = {s.id for s in load_sources(path)} - {s.id for s in load_sources(ROOT / "config" / "sources.yaml")}
    assert len(added) == sum(block.count("\n  - id:") + block.startswith("  - id:") for block in blocks)
    kinds = {s.type for s in load_sources(path) if s.id in added}
    assert {"feed", "listing", "youtube", "youtube_search", "telegram", "bridge", "comments"} <= kinds


def test_readme_demo_section_names_the_demo_address_and_serve_option() -> None:
    """The offline demo's address and how to keep its article links open are documented where a
    newcomer reads them (the walk-through itself runs in tests/test_demo.py)."""
    from presswatch.demo import DEMO_PORT

    section = README.split("## Try it offline first", 1)[1].split("\n## ", 1)[0]
    assert f"http://127.0.0.1:{DEMO_PORT}/" in section
    assert "`presswatch demo --serve`" in section
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    demo = subparsers.choices["demo"]  # type: ignore[attr-defined]
    options = {o for a in demo._actions for o in a.option_strings if o.startswith("--") and a.help != "==SUPPRESS=="}
    assert options - {"--help", "--db", "--config"} <= set(re.findall(r"--[a-z-]+", section))


SKIPPED = (".", "data", "build")  # hidden, and written by presswatch at run time
TOP_LEVEL = sorted(path.name for path in ROOT.iterdir()
                   if not path.name.startswith(SKIPPED) and not path.name.endswith(".egg-info"))
# A path of the repository as the README and the configuration files cite it: a top-level folder and
# what follows (docs/alerts.md), or the bare name of a document (REPORT.md, SOURCES.md).
CITED_PATH = re.compile(rf"(?<![\w/.:~-])((?:{'|'.join(map(re.escape, TOP_LEVEL))})/[\w./-]*[\w/]"
                        rf"|[A-Z][A-Za-z_-]*\.md)(?![\w/-])")
NOT_PATHS = {"presswatch/0.1"}  # the User-Agent's product token
CREATED_BY_RUNNING = ("bench/out/",)  # written by the benchmarks, not shipped


def cited_paths(text: str) -> set[str]:
    found = {match.rstrip("/.") for match in CITED_PATH.findall(text)}
    return {path for path in found if not path.startswith(CREATED_BY_RUNNING) and path not in NOT_PATHS}


def exists(path: str) -> bool:
    """A cited path exists; a bare document name exists in some folder of the repository."""
    if "/" in path:
        return (ROOT / path).exists()
    for _, folders, files in os.walk(ROOT):
        folders[:] = [name for name in folders if not name.startswith(".")]
        if path in files:
            return True
    return False


def test_every_repository_path_cited_in_the_readme_and_config_exists() -> None:
    cited = {(name, path) for name, text in [("README.md", README)] + [
        (f"config/{p.name}", p.read_text(encoding="utf-8")) for p in sorted((ROOT / "config").glob("*.yaml"))]
        for path in cited_paths(text)}
    assert len(cited) > 40  # the README cites docs, scripts, benchmarks, modules
    missing = sorted(f"{name}: {path}" for name, path in cited if not exists(path))
    assert not missing, missing


def test_cited_paths_are_found_where_they_are_cited() -> None:
    text = ("see REPORT.md and docs/sources-evidence.md; run `scripts/train_sentiment.py`, open "
            "https://baosonla.vn/xa-hoi.html or ../shared/data/x.jsonl, write data/presswatch.db; "
            "User-Agent presswatch/0.1 (…)")
    assert cited_paths(text) == {"REPORT.md", "docs/sources-evidence.md", "scripts/train_sentiment.py"}
    assert exists("SOURCES.md") and exists("docs/alerts.md")
    assert not exists("REPORT.md") and not exists("docs/missing.md")


TEST_DATA_READMES = sorted((ROOT / "tests" / "data").rglob("README.md"))
CITED_TEST_FILE = re.compile(r"(?<![\w/.-])(tests/[\w./-]*\.py)(?:::(\w+))?")


def test_every_tests_path_cited_by_a_test_data_readme_exists() -> None:
    """The READMEs of the test data (the hostile-input corpus among them) say which test reads each
    file: the test files they cite exist, and so do the test functions they name."""
    cited = [(readme.relative_to(ROOT), path, name) for readme in TEST_DATA_READMES
             for path, name in CITED_TEST_FILE.findall(readme.read_text(encoding="utf-8"))]
    assert len({path for _, path, _ in cited}) > 10
    missing = sorted({f"{readme}: {path}" for readme, path, _ in cited if not (ROOT / path).is_file()})
    assert not missing, missing
    unnamed = sorted(f"{readme}: {path}::{name}" for readme, path, name in cited
                     if name and not re.search(rf"^(?:async )?def {name}\(",
                                               (ROOT / path).read_text(encoding="utf-8"), re.M))
    assert not unnamed, unnamed
