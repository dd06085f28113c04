"""Hostile configuration files (issue 16): YAML bombs, deep nesting, huge files, out-of-range
durations and settings. Each is refused quickly with a Vietnamese message naming file and line, never
a traceback. The files live in tests/data/hostile/configs/ (see its README.md)."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from presswatch.cli import main
from presswatch.config import SETTINGS, Settings, load_config, load_settings, load_sources
from presswatch.config.yamlfile import MAX_BYTES, MAX_DEPTH, load_yaml
from presswatch.errors import ConfigError

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "hostile" / "configs"
CONFIG = Path(__file__).resolve().parents[2] / "config"


def problems_of(path: Path) -> list[str]:
    """The problems raised when ``path`` is read as a sources file."""
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    return caught.value.problems


def refused(path: Path) -> str:
    (problem,) = problems_of(path)
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
    for value, expected in (("9" * 5000, "số nguyên quá dài"), ("2026-13-45", "ngày giờ không có thật")):
        path.write_text(f"defaults:\n  interval: {value}\nsources: []\n", encoding="utf-8")
        problem = refused(path)
        assert problem.startswith(f"{path}:2:") and expected in problem, problem


def test_check_config_reports_a_bomb_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sources.yaml").write_bytes((HOSTILE / "alias-bomb-8.yaml").read_bytes())
    assert main(["--config", str(tmp_path), "check-config"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "sources.yaml:" in err and "bí danh" in err


def test_the_shipped_files_are_far_from_the_limits() -> None:
    config = Path(__file__).resolve().parents[2] / "config"
    for path in sorted(config.glob("*.yaml")):
        assert path.stat().st_size < MAX_BYTES / 10, path
        load_yaml(path)  # raises ConfigError beyond a bound


# --- durations and numbers: bounded, so nothing accepted can overflow the scheduler (issue 16, 11b) -----

SOURCE = """\
defaults:
  interval: {default}
sources:
  - id: bao-lai-chau
    name: Báo Lai Châu
    kind: press
    type: feed
    urls: [https://baolaichau.vn/rss/home.rss]
    interval: {interval}
"""


def config_dir(tmp_path: Path, sources: str, settings: str = "", alerts: str | None = None) -> Path:
    for name in ("topics.yaml", "sentiment.yaml"):
        (tmp_path / name).write_bytes((CONFIG / name).read_bytes())
    (tmp_path / "sources.yaml").write_text(sources, encoding="utf-8")
    (tmp_path / "presswatch.yaml").write_text(settings, encoding="utf-8")
    if alerts is not None:
        (tmp_path / "alerts.yaml").write_text(alerts, encoding="utf-8")
    return tmp_path


def config_problems(directory: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_config(directory)
    return caught.value.problems


@pytest.mark.parametrize(("default", "interval", "line", "key"), [
    ("30m", "99999999999d", 9, "sources.0.interval"),
    ("99999999999d", "30m", 2, "defaults.interval"),
    ("30m", "31d", 9, "sources.0.interval"),
    ("30m", "0s", 9, "sources.0.interval"),
    ("30m", "9" * 5000 + "m", 9, "sources.0.interval"),
    ("30m", "-5m", 9, "sources.0.interval"),
])
def test_out_of_range_intervals_are_refused(tmp_path: Path, default: str, interval: str, line: int,
                                            key: str) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCE.format(default=default, interval=interval), encoding="utf-8")
    found = problems_of(path)
    assert any(p.startswith(f"{path}:{line}: {key}:") and "30d" in p for p in found), found


def test_interval_below_the_minimum_setting_is_refused_by_load_config(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    directory = config_dir(tmp_path, SOURCE.format(default="30m", interval="1s"))
    (problem,) = config_problems(directory)
    assert problem.startswith(f"{directory / 'sources.yaml'}:9: sources.0.interval:")
    assert "1m" in problem and "crawl_min_interval" in problem
    assert main(["--config", str(directory), "check-config"]) == 2
    assert "sources.0.interval" in capsys.readouterr().err
    # an inherited interval is reported where it is written
    (directory / "sources.yaml").write_text(SOURCE.format(default="10s", interval="30m").replace(
        "    interval: 30m\n", ""), encoding="utf-8")
    (problem,) = config_problems(directory)
    assert problem.startswith(f"{directory / 'sources.yaml'}:2: defaults.interval:")
    # local test sites may be crawled every second when the operator says so
    (directory / "presswatch.yaml").write_text("crawl_min_interval: 1\n", encoding="utf-8")
    assert load_config(directory).sources[0].interval == 10


@pytest.mark.parametrize("max_age", ["99999999999d", "3651d", "0s", "30s"])
def test_rule_max_age_is_bounded(tmp_path: Path, max_age: str) -> None:
    alerts = f"rules:\n  - id: r\n    name: R\n    max_age: {max_age}\n"
    directory = config_dir(tmp_path, SOURCE.format(default="30m", interval="30m"), alerts=alerts)
    found = config_problems(directory)
    assert any(p.startswith(f"{directory / 'alerts.yaml'}:4: rules.0.max_age:") and "3650d" in p for p in found)


def test_every_numeric_setting_is_bounded(tmp_path: Path) -> None:
    """A huge or infinite number in any setting is refused: nothing accepted can overflow a timedelta,
    the scheduler or a socket timeout."""
    path = tmp_path / "presswatch.yaml"
    numeric = [s.name for s in SETTINGS if isinstance(s.default, int | float) and not isinstance(s.default, bool)]
    assert len(numeric) > 15
    for value in ("1000000000000000", ".inf", ".nan", "-1000000000000000"):
        path.write_text("".join(f"{name}: {value}\n" for name in numeric), encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_settings(path, {})
        refused_names = {p.split(": ")[1] for p in caught.value.problems}
        assert refused_names == set(numeric), (value, set(numeric) - refused_names)
    now = datetime.now(UTC)
    for maximum in bounds_of_durations():  # what the service adds to or subtracts from "now"
        assert now - timedelta(seconds=maximum) < now + timedelta(seconds=maximum)


def bounds_of_durations() -> list[float]:
    from presswatch.config import MAX_INTERVAL, MAX_RULE_AGE

    fields = Settings.model_fields
    highest = [next(m.le for m in fields[name].metadata if getattr(m, "le", None) is not None)
               for name in ("alert_retry_base", "alert_retry_max", "alert_max_age", "crawl_backoff_max",
                            "crawl_timeout", "download_timeout")]
    return [*highest, MAX_INTERVAL, MAX_RULE_AGE, fields["retention_days"].metadata[-1].le * 86400]


# --- messages: Vietnamese, naming the right place (issue 16) ----------------------------------------------

ENGLISH = {"or", "input", "should", "be", "valid", "value", "error", "must", "field", "required", "extra",
           "inputs", "are", "not", "permitted", "at", "least", "most", "than", "greater", "less", "equal", "to",
           "string", "integer", "number", "list", "dictionary", "object", "instance", "finite", "unable",
           "parse", "with", "the", "an", "of", "is", "has", "have", "character", "characters", "items", "item",
           "after", "validation", "got", "fractional", "part", "allowed", "match", "pattern", "and", "exceeded",
           "maximum", "size", "raw", "data", "unicode", "interpret", "boolean", "expected", "key"}


def english_words(message: str) -> set[str]:
    """English words in ``message`` outside quotes and the echoed input."""
    message = re.sub(r"\(đang là: .*\)$", "", message)
    message = re.sub(r"'[^']*'|\"[^\"]*\"|`[^`]*`", "", message)
    words = {token.strip(",.:;()!?").lower() for token in message.split()}
    return {word for word in words if word.isascii() and word.isalpha()} & ENGLISH


def test_every_validation_message_is_vietnamese() -> None:
    from pydantic import BaseModel, ValidationError

    from presswatch import config
    from presswatch.config import alerts as alerts_config
    from presswatch.config.base import validation_problems
    from presswatch.config.yamlfile import YamlDocument

    values = [*yaml.safe_load((HOSTILE / "bad-values.yaml").read_text(encoding="utf-8")), "9" * 5000]
    models: list[type[BaseModel]] = [
        config.Source, config.Selectors, config.Defaults, config.SourcesFile, config.TopicEntry,
        config.TopicsFile, config.SentimentFile, config.ToxicityFile, config.Settings, alerts_config.Channel,
        alerts_config.Rule, alerts_config.SourceHealthAlerts, alerts_config.AlertsFile]
    seen_types: set[str] = set()
    leftovers: list[str] = []
    for model in models:
        for name in model.model_fields:
            for value in values:
                data = {name: value}
                try:
                    model.model_validate(data)
                except ValidationError as exc:
                    seen_types.update(item["type"] for item in exc.errors())
                    for problem in validation_problems(exc, YamlDocument(Path("tệp.yaml"), data, {})):
                        message = problem.split(": ", 2)[2]
                        if english_words(message) or not re.search(r"[à-ỹđ]", message):
                            leftovers.append(f"{model.__name__}.{name} = {value!r}: {problem}")
    assert not leftovers, "\n".join(leftovers[:20])
    assert {"literal_error", "int_parsing_size", "finite_number", "string_unicode", "int_from_float"} <= seen_types


def test_choices_are_listed_in_vietnamese_with_a_suggestion(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text(SOURCE.format(default="30m", interval="30m").replace("kind: press", "kind: agregator"),
                    encoding="utf-8")
    (problem,) = problems_of(path)
    assert problem.startswith(f"{path}:6: sources.0.kind:")
    assert "'aggregator' hoặc 'social'" in problem and " or " not in problem
    assert "có phải 'aggregator'?" in problem


def test_digest_time_out_of_range_names_the_hour(tmp_path: Path) -> None:
    path = tmp_path / "presswatch.yaml"
    for text, expected in (("digest_time: 25:00", "giờ phải từ 00 đến 23"),
                           ("housekeeping_time: 7:75", "phút phải từ 00 đến 59"),
                           ("digest_time: 7", "HH:MM")):
        path.write_text(text + "\n", encoding="utf-8")
        with pytest.raises(ConfigError) as caught:
            load_settings(path, {})
        (problem,) = caught.value.problems
        assert problem.startswith(f"{path}:1: {text.split(':')[0]}:") and expected in problem, problem
        assert "1500" not in problem and "phải là chuỗi" not in problem
    path.write_text("digest_time: 7:05\nhousekeeping_time: '02:30'\n", encoding="utf-8")
    settings = load_settings(path, {})
    assert (settings.digest_time, settings.housekeeping_time) == ("07:05", "02:30")


def test_environment_errors_name_the_variable(tmp_path: Path) -> None:
    path = tmp_path / "presswatch.yaml"
    path.write_text("web_host: 127.0.0.1\n\nsmtp_port: 70000\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {"PRESSWATCH_WEB_PORT": "tám nghìn", "PRESSWATCH_LOG_FORMAT": "xml"})
    found = sorted(caught.value.problems)
    assert len(found) == 3
    assert found[0].startswith(f"{path}:3: smtp_port:")
    assert any(p.startswith("biến môi trường PRESSWATCH_WEB_PORT: phải là số nguyên") for p in found)
    assert any(p.startswith("biến môi trường PRESSWATCH_LOG_FORMAT:") and "'plain' hoặc 'json'" in p for p in found)
    assert not any("môi trường>" in p for p in found)
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {"PRESSWATCH_WEB_PORT": "-1"})
    assert caught.value.problems[0].startswith("biến môi trường PRESSWATCH_WEB_PORT:")


def test_selectors_that_do_not_parse_are_refused_with_their_line() -> None:
    """A listing's selector that parsel cannot read would fail every crawl of the source: refused when
    the file loads, each at its line and key, all at once."""
    path = HOSTILE / "bad-selectors.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    expected = {number: [part.split("#")[0].strip() for part in line.split("# expect:")[1:]]
                for number, line in enumerate(lines, start=1) if "# expect:" in line and not line.startswith("#")}
    found = problems_of(path)
    assert len(found) == sum(len(fragments) for fragments in expected.values()), found
    for number, fragments in expected.items():
        at_line = [problem for problem in found if problem.startswith(f"{path}:{number}: sources.")]
        for fragment in fragments:
            assert any(fragment in problem for problem in at_line), (number, fragment, found)
    assert all(re.search(r": sources\.\d\.selectors\.(article_links|next_page): ", p) for p in found), found
    assert not any("good-" in p or "Expected" in p or "XPath error" in p for p in found)


@pytest.mark.parametrize("url", ["localhost:9200", "ftp://127.0.0.1:9200", "http://", "http://es host:9200", ""])
def test_elasticsearch_url_must_be_an_http_address(tmp_path: Path, url: str) -> None:
    path = tmp_path / "presswatch.yaml"
    path.write_text(f"index_backend: elasticsearch\n\nelasticsearch_url: '{url}'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    (problem,) = caught.value.problems
    assert problem.startswith(f"{path}:3: elasticsearch_url:") and "không phải địa chỉ http(s) hợp lệ" in problem
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {"PRESSWATCH_ELASTICSEARCH_URL": url})
    (problem,) = caught.value.problems
    assert problem.startswith("biến môi trường PRESSWATCH_ELASTICSEARCH_URL:") and "http(s)" in problem
    path.write_text("elasticsearch_url: https://es.laichau.gov.vn:9200/\n", encoding="utf-8")
    assert load_settings(path, {}).elasticsearch_url == "https://es.laichau.gov.vn:9200/"
