"""Keep the docs honest: CI runs the README's test command; the README names what exists."""

from __future__ import annotations

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
