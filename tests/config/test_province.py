"""The ``province`` setting, the 34 provinces and their old names, ``presswatch init`` through the real
CLI entry point, and alert rules' ``provinces:``."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from alerts.rules import RuleSet, doc_of
from presswatch.cli import main
from presswatch.config import Settings, load_config, load_settings
from presswatch.config.alerts import AlertsFile
from presswatch.errors import ConfigError
from presswatch.province_names import LEGACY, PROVINCES
from presswatch.provinces import NAMES, full_name, provinces_of, resolve
from tests.support.paths import CONFIG


def test_the_34_provinces_and_the_63_before_2025() -> None:
    assert len(NAMES) == 34 and len(set(NAMES)) == 34 and len(LEGACY) == 63
    assert set(LEGACY.values()) == set(NAMES)  # every 2025 province is made of pre-2025 ones
    assert {code for code, _, _ in PROVINCES} >= {"11", "12", "15"}  # Điện Biên, Lai Châu, Lào Cai
    assert LEGACY["Yên Bái"] == "Lào Cai" and LEGACY["Hà Giang"] == "Tuyên Quang" and LEGACY["Lai Châu"] == "Lai Châu"


@pytest.mark.parametrize(("typed", "name"), [
    ("Điện Biên", "Điện Biên"), ("dien bien", "Điện Biên"), ("TỈNH ĐIỆN BIÊN", "Điện Biên"), ("Lai Chau", "Lai Châu"),
    ("tp Hồ Chí Minh", "Hồ Chí Minh"), ("Thừa Thiên Huế", "Huế"), ("Dak Lak", "Đắk Lắk"),
    ("Thanh Hoá", "Thanh Hóa"),  # old tone-mark placement
])
def test_any_spelling_of_a_2025_province(typed: str, name: str) -> None:
    assert resolve(typed) == (name, None)


def test_a_pre_2025_name_is_mapped_with_a_note() -> None:
    name, note = resolve("Yên Bái")
    assert name == "Lào Cai" and note is not None and "Yên Bái" in note and "tỉnh Lào Cai" in note


def test_the_setting_one_name_or_a_list_home_first(tmp_path: Path) -> None:
    assert Settings().province == ["Lai Châu"] and Settings().home_province == "Lai Châu"
    path = tmp_path / "presswatch.yaml"
    path.write_text("province: [dien bien, Lai Châu, Yên Bái, Điện Biên]\n", encoding="utf-8")
    settings = load_settings(path, {})
    assert settings.province == ["Điện Biên", "Lai Châu", "Lào Cai"] and settings.home_province == "Điện Biên"
    assert load_settings(path, {"PRESSWATCH_PROVINCE": "Sơn La, Lai Châu"}).province == ["Sơn La", "Lai Châu"]


def test_a_wrong_province_names_file_line_key_and_the_closest(tmp_path: Path) -> None:
    path = tmp_path / "presswatch.yaml"
    path.write_text("database: x.db\nprovince: [Lai Châu, Dien Bein]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}:2: province: ") and "'Dien Bein'" in problem and "Có phải: Điện Biên" in problem
    path.write_text("province: []\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(path, {})


def test_init_writes_a_directory_that_passes_check_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cfg"
    assert main(["init", "--province", "dien bien", "--dir", str(target)]) == 0
    assert "Điện Biên" in capsys.readouterr().out
    assert main(["--config", str(target), "check-config"]) == 0
    assert "Tỉnh, thành phố theo dõi: Điện Biên." in capsys.readouterr().out
    config = load_config(target, {})
    assert config.settings.province == ["Điện Biên"] and "Dien Bien" in config.settings.user_agent
    own = [source for source in config.sources if "dien-bien" in source.tags]
    assert {source.id for source in own} >= {"baodienbienphu", "dienbien", "gnews-dien-bien"}
    assert all(source.verified is False for source in own)  # nobody fetched them
    assert all(not source.enabled for source in own if source.type == "listing")  # guessed: off until checked
    assert any("national" in source.tags for source in config.sources)
    text = (target / "sources.yaml").read_text(encoding="utf-8")
    assert text.count("# unverified:") >= len(own)
    assert config.alerts is not None and any(rule.name == "Tin tiêu cực về Điện Biên" for rule in config.alerts.rules)
    for name in ("presswatch.yaml", "sources.yaml", "alerts.yaml"):
        written = (target / name).read_text(encoding="utf-8")
        assert "Lai Châu" not in written and "laichau" not in written and "lai-chau" not in written, name
    for name in ("topics.yaml", "sentiment.yaml", "toxicity.yaml", "report.docx", "briefing.docx"):
        assert (target / name).read_bytes() == (CONFIG / name).read_bytes()


def test_init_refuses_to_overwrite_without_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "alerts.yaml").write_text("rules: []\n", encoding="utf-8")
    assert main(["init", "--province", "Lào Cai", "--dir", str(tmp_path)]) == 2
    assert "alerts.yaml: tệp đã có, không ghi đè (dùng --force để ghi đè)" in capsys.readouterr().err
    assert (tmp_path / "alerts.yaml").read_text(encoding="utf-8") == "rules: []\n"
    assert not (tmp_path / "sources.yaml").exists()  # nothing written
    assert main(["init", "--province", "Lào Cai", "--dir", str(tmp_path), "--force"]) == 0
    assert "Lào Cai" in (tmp_path / "alerts.yaml").read_text(encoding="utf-8")
    assert main(["init", "--province", "Atlantis", "--dir", str(tmp_path / "x")]) == 2
    assert "không phải tên một trong 34 tỉnh" in capsys.readouterr().err


def test_init_for_lai_chau_keeps_the_shipped_hand_checked_sources(tmp_path: Path) -> None:
    assert main(["init", "--province", "Lai Châu", "--dir", str(tmp_path)]) == 0
    shipped = yaml.safe_load((CONFIG / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    written = yaml.safe_load((tmp_path / "sources.yaml").read_text(encoding="utf-8"))["sources"]
    own = [s["id"] for s in shipped if "lai-chau" in s.get("tags", [])]
    national = [s["id"] for s in shipped if "national" in s.get("tags", []) and "lai-chau" not in s["tags"]]
    assert [s["id"] for s in written] == own + national
    shipped_rules = (CONFIG / "alerts.yaml").read_text(encoding="utf-8")
    assert (tmp_path / "alerts.yaml").read_text(encoding="utf-8") == shipped_rules


def test_a_rule_for_an_unfollowed_province_is_an_error(tmp_path: Path) -> None:
    for name in ("sources.yaml", "topics.yaml", "sentiment.yaml"):
        shutil.copy(CONFIG / name, tmp_path / name)
    (tmp_path / "alerts.yaml").write_text(
        "rules:\n  - id: db\n    name: Điện Biên\n    provinces: [Dien Bien]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path, {})
    assert any(":4: rules.0.provinces: quy tắc 'db' nêu tỉnh 'Điện Biên'" in p for p in caught.value.problems)
    (tmp_path / "presswatch.yaml").write_text("province: [Lai Châu, Điện Biên]\n", encoding="utf-8")
    assert load_config(tmp_path, {}).alerts is not None


def test_rule_provinces_filter_on_the_grade_for_those_provinces() -> None:
    rules = RuleSet(AlertsFile.model_validate({"rules": [
        {"id": "db", "name": "Điện Biên", "provinces": ["dien bien"], "min_relevance": "about"},
        {"id": "any", "name": "Mọi tỉnh", "min_relevance": "mention"}]}))
    now = datetime.now(UTC)

    def fired(provinces: dict[str, str], relevance: str) -> list[str]:
        doc = doc_of("t", "x", "s", "press", {"relevance": relevance, "provinces": provinces})
        return [rule.id for rule in rules.evaluate(doc, now, now)]

    assert fired({"Điện Biên": "about"}, "about") == ["db", "any"]
    assert fired({"Điện Biên": "mention", "Lai Châu": "about"}, "about") == ["any"]  # not about Điện Biên
    assert fired({"Lai Châu": "about"}, "about") == ["any"]
    assert fired({}, "none") == []


def test_an_analysis_from_before_several_provinces_concerns_lai_chau() -> None:
    assert provinces_of({"relevance": "mention"}) == {"Lai Châu": "mention"}
    assert provinces_of({"relevance": "none"}) == {}
    assert provinces_of({"relevance": "about", "provinces": {}}) == {}
    assert full_name("Huế") == "thành phố Huế" and full_name("Lai Châu") == "tỉnh Lai Châu"


def test_the_setting_and_the_analysis_name_every_province_alike() -> None:
    """The names the setting accepts (presswatch.provinces) are the names the analysis grades under
    (analysis.gazetteer): a rule or a search naming a province finds what the analysis recorded."""
    from analysis.gazetteer import build
    from presswatch.provinces import LEGACY, NAMES

    assert len(NAMES) == 34
    assert {name: build(name).province.name for name in NAMES} == {name: name for name in NAMES}
    assert {old: build(old).province.name for old in LEGACY} == dict(LEGACY)
