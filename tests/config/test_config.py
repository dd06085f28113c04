"""Configuration: the shipped sources file loads; bad files name file, line and key."""

from __future__ import annotations

import re
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml

from presswatch.cli import main
from presswatch.config import SETTINGS, Setting, Settings, load_config, load_settings, load_sources, parse_duration
from presswatch.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
GOOD = """\
defaults:
  interval: 30m
sources:
  - id: bao-lai-chau
    name: Báo Lai Châu
    kind: press
    type: feed
    urls: [https://baolaichau.vn/rss/home.rss]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    return caught.value.problems


def test_shipped_sources_file_is_valid_and_real() -> None:
    sources = load_sources(ROOT / "config" / "sources.yaml")
    assert len(sources) >= 40
    kinds = {s.kind for s in sources}
    assert {"press", "info_site", "aggregator"} <= kinds
    assert any("baolaichau.vn" in url for s in sources for url in s.urls)
    assert any("laichau.gov.vn" in url for s in sources for url in s.urls)
    assert any("news.google.com" in url for s in sources for url in s.urls)
    assert sum(s.enabled for s in sources) >= 25
    for source in sources:
        assert source.interval >= 300, source.id  # nobody should hammer a newsroom


def test_defaults_interval_applies(tmp_path: Path) -> None:
    (source,) = load_sources(write(tmp_path, GOOD))
    assert source.interval == 1800
    assert source.enabled


def test_unknown_key_names_file_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "    intervall: 15m\n")
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:9: sources.0.intervall:")
    assert "không được hỗ trợ" in problem


def test_wrong_type_names_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("kind: press", "kind: newspaper") + "    enabled: maybe\n")
    found = problems(path)
    assert any(p.startswith(f"{path}:6: sources.0.kind:") and "newspaper" in p for p in found)
    assert any(p.startswith(f"{path}:9: sources.0.enabled:") for p in found)


def test_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + GOOD.split("sources:\n")[1])
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:9: sources.1.id:")
    assert "dòng 4" in problem


def test_bad_url_and_interval(tmp_path: Path) -> None:
    text = GOOD.replace("https://baolaichau.vn/rss/home.rss", "baolaichau.vn/rss") + "    interval: soon\n"
    found = problems(write(tmp_path, text))
    assert any(":8: sources.0.urls:" in p and "baolaichau.vn/rss" in p for p in found)
    assert any(":9: sources.0.interval:" in p for p in found)


def test_listing_without_selectors_is_refused(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, GOOD.replace("type: feed", "type: listing")))
    assert "selectors" in problem and ":4: sources.0" in problem


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("kind: press", "kind: [press"))
    (problem,) = problems(path)
    assert problem.startswith(f"{path}:")
    assert "YAML" in problem


def test_duplicate_yaml_key_is_an_error(tmp_path: Path) -> None:
    (problem,) = problems(write(tmp_path, GOOD + "    name: Trùng\n"))
    assert "duplicate key 'name'" in problem and ":9:" in problem


def test_settings_from_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "presswatch.yaml"
    path.write_text("download_timeout: 10\nparallel_crawls: 3\n", encoding="utf-8")
    settings = load_settings(path, {"PRESSWATCH_PARALLEL_CRAWLS": "4"})
    assert settings.download_timeout == 10 and settings.parallel_crawls == 4
    path.write_text("download_timeout: 10\nparalel_crawls: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    assert caught.value.problems[0].startswith(f"{path}:2: paralel_crawls:")


def test_every_setting_is_documented() -> None:
    docs = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert f"`{setting.name}`" in docs, setting.name


def test_durations() -> None:
    assert parse_duration("15m") == 900
    assert parse_duration("2h") == 7200
    assert parse_duration(45) == 45
    with pytest.raises(ValueError):
        parse_duration("0s")


def test_check_config_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("topics.yaml", "sentiment.yaml"):
        shutil.copy(ROOT / "config" / name, tmp_path / name)
    write(tmp_path, GOOD)
    assert main(["--config", str(tmp_path), "check-config"]) == 0
    assert "hợp lệ" in capsys.readouterr().out
    write(tmp_path, GOOD + "    colour: red\n")
    assert main(["--config", str(tmp_path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert "Lỗi cấu hình" in err and "sources.0.colour" in err and ":9:" in err
    assert load_config(ROOT / "config").sources
    (tmp_path / "topics.yaml").write_text("threshold: 3\ntopics:\n  - slug: thien-tai\n    lable: Thiên tai\n",
                                          encoding="utf-8")
    assert main(["--config", str(tmp_path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert "topics.yaml:4: topics.0.lable" in err


def test_shipped_lexicons_are_valid() -> None:
    config = load_config(ROOT / "config")
    assert config.topics is not None and config.sentiment is not None
    slugs = [topic.slug for topic in config.topics.topics]
    assert slugs == ["thien-tai", "tai-nan", "an-ninh-trat-tu", "tham-nhung-tieu-cuc", "dat-dai-moi-truong",
                     "kinh-te", "xa-hoi", "chinh-tri", "van-hoa-the-thao", "bao-chi-truyen-thong"]
    assert all(len(topic.terms) == 3 for topic in config.topics.topics)


def setting_lines(setting: Setting) -> str:
    """How ``config/presswatch.yaml`` shows a setting: its help as comment lines, then the key
    commented out at its default."""
    helps = textwrap.wrap(setting.help, width=98)
    value = yaml.safe_dump({setting.name: setting.default}, allow_unicode=True, default_flow_style=False,
                           width=1000).strip()
    return "".join(f"# {line}\n" for line in helps) + f"# {value}\n"


def test_shipped_settings_file_lists_every_setting_at_its_default(tmp_path: Path) -> None:
    """config/presswatch.yaml shows every setting with its help, commented out at its default: loading
    it changes nothing, and neither does uncommenting every setting."""
    path = ROOT / "config" / "presswatch.yaml"
    text = path.read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert "\n" + setting_lines(setting) in text, f"add to config/presswatch.yaml:\n{setting_lines(setting)}"
    assert load_settings(path, {}) == Settings()
    names = "|".join(setting.name for setting in SETTINGS)
    uncommented = re.sub(rf"^# ((?:{names}): )", r"\1", text, flags=re.M)
    assert uncommented.count("\n") == text.count("\n") and len(uncommented) == len(text) - 2 * len(SETTINGS)
    (tmp_path / "presswatch.yaml").write_text(uncommented, encoding="utf-8")
    assert load_settings(tmp_path / "presswatch.yaml", {}) == Settings()


def test_check_config_warns_of_a_source_the_crawler_would_refuse_as_internal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A newcomer who points a source at a site on this machine learns from check-config, not from
    the first crawl's errors, that it needs `crawl_allow_internal` — and which entry to add."""
    for name in ("topics.yaml", "sentiment.yaml"):
        shutil.copy(ROOT / "config" / name, tmp_path / name)
    local = GOOD + ("  - id: trang-noi-bo\n    name: Trang nội bộ\n    kind: press\n    type: feed\n"
                    "    urls: [http://localhost:8000/rss.xml]\n"
                    "  - id: trang-may-chu\n    name: Máy chủ\n    kind: press\n    type: feed\n"
                    "    urls: [http://10.20.1.5/rss.xml]\n")
    write(tmp_path, local)
    assert main(["--config", str(tmp_path), "check-config"]) == 0  # a warning, not an error
    out = capsys.readouterr().out
    assert "nguồn 'trang-noi-bo'" in out and "'localhost:8000' vào crawl_allow_internal" in out
    assert "nguồn 'trang-may-chu'" in out and "'10.20.1.5:80'" in out
    assert "bao-lai-chau" not in out.split("hợp lệ", 1)[1]  # the public source is not flagged
    (tmp_path / "presswatch.yaml").write_text("crawl_allow_internal: ['localhost:8000', '10.20.0.0/16']\n",
                                              encoding="utf-8")
    assert main(["--config", str(tmp_path), "check-config"]) == 0
    assert "địa chỉ nội bộ" not in capsys.readouterr().out
