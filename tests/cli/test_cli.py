"""The CLI as a newcomer uses it: demo, then search with what the demo printed; extract a saved page."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from presswatch.cli import main
from presswatch.demo.site import LocalSite, SiteArticle
from tests.support.paths import CONFIG

pytestmark = pytest.mark.slow


def presswatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "presswatch.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=600, check=False)


def test_demo_then_search_finds_folded_names(tmp_path: Path) -> None:
    demo = presswatch("--config", str(CONFIG), "demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stderr
    assert "200 bài mới" in demo.stdout
    printed = [line.strip() for line in demo.stdout.splitlines() if line.strip().startswith("presswatch search")]
    assert printed, demo.stdout
    # Run the first suggested command exactly as printed ("Muong Te"), with nothing added.
    command = shlex.split(printed[0])[1:]
    assert command[:2] == ["search", "Muong Te"]
    result = presswatch(*command, "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and all(re.search(r"Mường\W+Tè", h["title"] + h["snippet"], re.I) for h in hits[:5])

    db_args = command[command.index("--db"):command.index("--db") + 2]
    dien_bien = [json.loads(x) for x in presswatch("search", "Dien Bien", *db_args, "--json", "--limit", "100",
                                                     cwd=tmp_path).stdout.splitlines()]
    assert dien_bien and all("Điện Biên" in h["title"] + h["snippet"] for h in dien_bien[:5])

    def ids(query: str) -> set[int]:
        out = presswatch("search", query, *db_args, "--json", "--limit", "500", cwd=tmp_path)
        return {json.loads(line)["id"] for line in out.stdout.splitlines()}

    assert ids("Lai Châu") == ids("lai chau") and len(ids("lai chau")) >= 60

    sources = presswatch("sources", "--config", str(Path(__file__).parents[2] / "config"), *db_args, cwd=tmp_path)
    assert sources.returncode == 0 and "baolaichau" in sources.stdout


def test_search_without_database_says_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "none.db"), "search", "Lai Châu"]) == 2
    assert "presswatch demo" in capsys.readouterr().err


def test_malformed_query_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from presswatch.store import Store

    Store(tmp_path / "pw.db").close()
    assert main(["--db", str(tmp_path / "pw.db"), "search", '"Lai Châu']) == 2
    assert "ngoặc kép" in capsys.readouterr().err


def test_extract_prints_the_stable_json_contract(site: LocalSite, articles: list[SiteArticle], tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "page.html"
    page.write_text(site.article_html(articles[0]), encoding="utf-8")
    assert main(["extract", str(page), "--url", f"{site.url}{articles[0].path}?utm_source=x", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"title", "text", "published", "author", "url"} <= set(data)
    assert data["title"] == articles[0].title
    assert data["url"] == f"{site.url}{articles[0].path}"
    assert data["published"] == articles[0].published.isoformat()
    assert data["author"] == articles[0].author
    assert articles[0].paragraphs[0] in data["text"]


def test_suggested_commands_are_typed_as_the_operator_ran_presswatch(monkeypatch: pytest.MonkeyPatch,
                                                                      tmp_path: Path) -> None:
    """A newcomer who ran `.venv/bin/presswatch demo` (not on the PATH) is told to type
    `.venv/bin/presswatch search …`, not a `presswatch` their shell cannot find."""
    from presswatch.cli.output import program

    script = tmp_path / ".venv" / "bin" / "presswatch"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    monkeypatch.setattr("sys.argv", [str(script), "demo"])
    assert program() == ".venv/bin/presswatch"
    monkeypatch.setenv("PATH", f"{script.parent}:/usr/bin:/bin")
    assert program() == "presswatch"
    monkeypatch.setattr("sys.argv", ["-m", "demo"])
    assert program() == "presswatch"
