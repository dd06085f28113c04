"""References between configuration files (issue 16, items 7 and 18): a rule naming a topic, source,
channel or place that does not exist never fires, so it is an error of ``load_config`` (check-config
exits 2 and the service keeps its running configuration), naming file, line and key and suggesting the
nearest existing value. What is legal but probably not meant (no alerts.yaml, a rule with no channel)
is a warning."""

from __future__ import annotations

import logging
import shutil
import textwrap
from pathlib import Path

import pytest

from presswatch.cli import main
from presswatch.config import load_config
from presswatch.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "config"
HOSTILE = ROOT / "tests" / "data" / "hostile" / "configs"


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    """A copy of the shipped configuration (it loads without problem or warning)."""
    target = tmp_path / "config"
    shutil.copytree(CONFIG, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, fragment: str) -> int:
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
                if fragment in line)


def problems(directory: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(directory)
    return caught.value.problems


def test_shipped_configuration_has_no_problem_and_no_warning() -> None:
    assert load_config(CONFIG).warnings == ()


def test_misspelt_rule_topic_is_an_error_with_a_suggestion(directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alerts = directory / "alerts.yaml"
    edit(alerts, "topics: [thien-tai]", "topics: [thien-taii]")
    (problem,) = problems(directory)
    assert problem.startswith(f"{alerts}:{line_of(alerts, 'thien-taii')}: rules.1.topics.0:")
    assert "'thien-taii'" in problem and "topics.yaml" in problem and "có phải 'thien-tai'?" in problem
    assert main(["--config", str(directory), "check-config"]) == 2
    captured = capsys.readouterr()
    assert "hợp lệ" not in captured.out and "có phải 'thien-tai'?" in captured.err


def test_topic_renamed_in_topics_yaml_breaks_the_rules_using_it(directory: Path) -> None:
    edit(directory / "topics.yaml", "slug: thien-tai", "slug: thien-tai-thoi-tiet")
    (problem,) = problems(directory)
    alerts = directory / "alerts.yaml"
    assert problem.startswith(f"{alerts}:{line_of(alerts, 'topics: [thien-tai]')}: rules.1.topics.0:")
    assert "có phải 'thien-tai-thoi-tiet'?" in problem


def test_unknown_source_channel_and_kind_of_a_rule(directory: Path) -> None:
    alerts = directory / "alerts.yaml"
    edit(alerts, "    topics: [tai-nan]\n", "    topics: [tai-nan]\n"
                                          "    sources: [baolaichau-thoi-su, baolaichau-thoisu]\n"
                                          "    source_kinds: [press, agregator]\n")
    edit(alerts, "channels: [thanh-tra]\n    quiet_hours", "channels: [thanh-tra, thanhtra]\n    quiet_hours")
    found = problems(directory)
    assert len(found) == 3, found
    source, kind, channel = sorted(found, key=lambda p: int(p.split(":")[1]))
    assert f":{line_of(alerts, 'baolaichau-thoisu')}: rules.2.sources.1:" in source
    assert "sources.yaml" in source and "có phải 'baolaichau-thoi-su'?" in source
    assert ": rules.2.source_kinds.1:" in kind and "có phải 'aggregator'?" in kind
    assert f":{line_of(alerts, 'thanhtra')}: rules.2.channels.1:" in channel and "có phải 'thanh-tra'?" in channel


def test_field_filters_inside_rule_queries_are_checked(directory: Path) -> None:
    alerts = directory / "alerts.yaml"
    edit(alerts, "    topics: [tham-nhung-tieu-cuc]\n",
         "    query: 'topic:tham-nhung source:baolaichau-rss place:\"Mường Tèe\" kind:press'\n")
    found = problems(directory)
    assert len(found) == 2, found
    where = f"{alerts}:{line_of(alerts, 'topic:tham-nhung')}: rules.3.query:"
    assert all(p.startswith(where) for p in found)
    text = "\n".join(found)
    assert "chủ đề 'tham-nhung'" in text and "có phải 'tham-nhung-tieu-cuc'?" in text
    assert "địa danh 'Mường Tèe'" in text and "có phải 'Mường Tè'?" in text
    assert "nguồn 'baolaichau-rss'" not in text  # it exists
    edit(alerts, "source:baolaichau-rss", "source:baolaichau-rs")
    assert "có phải 'baolaichau-rss'?" in "\n".join(problems(directory))


def test_place_filters_fold_like_search(directory: Path) -> None:
    alerts = directory / "alerts.yaml"
    edit(alerts, "    topics: [tham-nhung-tieu-cuc]\n", "    query: 'place:\"muong te\" OR place:\"Tam Đường\"'\n")
    assert load_config(directory).alerts is not None


def test_comments_of_names_a_source_of_the_same_file(directory: Path) -> None:
    sources = directory / "sources.yaml"
    edit(sources, "comments_of: [vnexpress-thoi-su]", "comments_of: [vnexpress-thoisu]")
    (problem,) = problems(directory)
    assert problem.startswith(f"{sources}:{line_of(sources, 'vnexpress-thoisu')}: sources.")
    assert ".comments_of.0:" in problem and "có phải 'vnexpress-thoi-su'?" in problem


def test_source_health_channel_suggests_the_nearest(directory: Path) -> None:
    alerts = directory / "alerts.yaml"
    edit(alerts, "source_health:\n  channels: [thanh-tra]", "source_health:\n  channels: [thanh_tra]")
    (problem,) = problems(directory)
    assert problem.startswith(f"{alerts}:{line_of(alerts, 'thanh_tra')}: source_health.channels.0:")
    assert "có phải 'thanh-tra'?" in problem


def test_every_mistake_of_the_corpus_is_reported_at_once(tmp_path: Path) -> None:
    directory = tmp_path / "config"
    shutil.copytree(HOSTILE / "bad-references", directory)
    for name in ("topics.yaml", "sentiment.yaml"):
        shutil.copy(CONFIG / name, directory / name)
    found = problems(directory)
    expected = [line.split("# expect: ", 1)[1].strip() for name in ("alerts.yaml", "sources.yaml")
                for line in (directory / name).read_text(encoding="utf-8").splitlines() if "# expect: " in line]
    assert len(found) == len(expected), "\n".join(found)
    for fragment in expected:
        assert any(fragment in problem for problem in found), (fragment, found)


def test_the_service_keeps_its_configuration_when_a_reload_has_a_broken_reference(
        directory: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from presswatch.service.scheduler import Monitor

    monitor = Monitor(load_config(directory), tmp_path / "presswatch.db")
    running = monitor.config
    edit(directory / "alerts.yaml", "topics: [thien-tai]", "topics: [thien-taii]")
    with caplog.at_level(logging.ERROR, logger="presswatch.service"):
        assert monitor.reload() is False
    assert monitor.config is running
    assert "có phải 'thien-tai'?" in caplog.text


# --- warnings: legal, probably not meant -----------------------------------------------------------------

def test_missing_alerts_file_is_a_warning(directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (directory / "alerts.yaml").unlink()
    config = load_config(directory)
    (warning,) = config.warnings
    assert str(directory / "alerts.yaml") in warning and "không có quy tắc cảnh báo" in warning
    assert main(["--config", str(directory), "check-config"]) == 0
    out = capsys.readouterr().out
    assert "hợp lệ" in out and f"Lưu ý: {warning}" in out


def test_rule_without_channel_is_a_warning(directory: Path, capsys: pytest.CaptureFixture[str]) -> None:
    alerts = directory / "alerts.yaml"
    edit(alerts, "    channels: [thanh-tra]\n    max_per_hour: 5\n", "    max_per_hour: 5\n")
    edit(alerts, "    topics: [tai-nan]\n    severity: medium\n    channels: [thanh-tra]\n",
         "    topics: [tai-nan]\n    severity: medium\n    channels: []\n    enabled: false\n")
    (warning,) = load_config(directory).warnings  # the disabled rule sends nothing anyway
    assert warning.startswith(f"{alerts}:{line_of(alerts, 'id: binh-luan-thu-ghet')}: rules.5:")
    assert "binh-luan-thu-ghet" in warning and "không gửi" in warning
    assert main(["--config", str(directory), "check-config"]) == 0
    assert f"Lưu ý: {warning}" in capsys.readouterr().out


def test_the_service_logs_the_warnings(directory: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from presswatch.service.scheduler import Monitor

    monitor = Monitor(load_config(directory), tmp_path / "presswatch.db")
    (directory / "alerts.yaml").unlink()
    with caplog.at_level(logging.WARNING, logger="presswatch.service"):
        try:
            assert monitor.reload() is True
        finally:
            monitor.stop_worker()
    assert "không có quy tắc cảnh báo" in caplog.text


def test_rule_copied_from_the_saved_page_is_sent_to_the_configured_channels(tmp_path: Path, directory: Path) -> None:
    """The /saved page offers each saved search as an alerts.yaml rule; pasted as is, the rule loads
    without problem or warning: it names the configured channels, not `channels: []`."""
    import re

    import yaml

    from tests.support.webserver import csrf_of, fill, login, serve

    db = tmp_path / "presswatch.db"
    with serve(db, fill(db, count=12)) as web:
        analyst = login(web.url, "analyst1")
        csrf = csrf_of(analyst.get("/", params={"q": "sạt lở"}).text)
        assert analyst.post("/saved", params={"q": "sạt lở", "place": "Mường Tè"},
                            data={"csrf": csrf, "name": "Sạt lở ở Mường Tè"}).status_code == 303
        page = analyst.get("/saved").text
        analyst.close()
    snippet = re.search(r"<pre>(.*?)</pre>", page, re.S)
    assert snippet and "thanh-tra" in page
    text = snippet.group(1).replace("&#34;", '"').replace("&#39;", "'")
    assert yaml.safe_load(text)[0]["channels"] == ["thanh-tra"]
    alerts = directory / "alerts.yaml"
    alerts.write_text(alerts.read_text(encoding="utf-8") + "\n" + textwrap.indent(text, "  "), encoding="utf-8")
    config = load_config(directory)
    assert config.warnings == () and config.alerts is not None
    assert config.alerts.rules[-1].id == "sat-lo-o-muong-te"
