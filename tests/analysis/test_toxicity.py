"""Toxicity of comments: the quality gate on real labelled comments (held-out splits of UIT-ViHSD
and UIT-ViCTSD) and the behaviour an analyst relies on (teencode, no diacritics, obfuscation,
negated insults, ordinary words that look like insults without diacritics)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from analysis.evaluate import PRF, prf
from analysis.toxicity import ToxicityLexicon, ToxicityResult, grade
from presswatch.cli import main
from presswatch.config import ConfigError, load_analyzer, load_config, load_toxicity
from tests.support.paths import CONFIG, DATA

COMMENTS = DATA / "comments"
FLOORS = json.loads((COMMENTS / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def lexicon() -> ToxicityLexicon:
    loaded = load_toxicity(CONFIG / "toxicity.yaml")
    assert loaded is not None
    return ToxicityLexicon.from_dict(loaded.model_dump())


def _score(gold: list[bool], predicted: list[bool]) -> PRF:
    tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g and p)
    fp = sum(1 for g, p in zip(gold, predicted, strict=True) if p and not g)
    fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g and not p)
    return prf(tp, fp, fn)


def _rows(name: str, text: str, label: str) -> list[tuple[str, int]]:
    with (COMMENTS / name).open(encoding="utf-8", newline="") as handle:
        return [(row[text], int(row[label])) for row in csv.DictReader(handle)]


def _check(name: str, score: PRF) -> None:
    floor = FLOORS[name]
    assert score.precision >= floor["precision"], (name, score)
    assert score.recall >= floor["recall"], (name, score)
    assert score.f1 >= floor["f1"], (name, score)


def test_quality_gate_on_held_out_comments(lexicon: ToxicityLexicon) -> None:
    vihsd = _rows("ViHSD_dev.csv", "free_text", "label_id")
    victsd = _rows("ViCTSD_valid.csv", "Comment", "Toxicity")
    assert (len(vihsd), len(victsd)) == (2672, 2000)
    graded = [grade(text, lexicon).label for text, _ in vihsd]
    _check("vihsd_toxic", _score([y > 0 for _, y in vihsd], [g != "clean" for g in graded]))
    _check("vihsd_offensive", _score([y == 1 for _, y in vihsd], [g == "offensive" for g in graded]))
    _check("vihsd_hate", _score([y == 2 for _, y in vihsd], [g == "hate" for g in graded]))
    _check("victsd_toxic", _score([y > 0 for _, y in victsd],
                                  [grade(text, lexicon).label != "clean" for text, _ in victsd]))


def test_teencode_profanity_and_unaccented_insults(lexicon: ToxicityLexicon) -> None:
    assert grade("Đm báo lá cải", lexicon).label == "offensive"
    assert grade("hay vcl, đéo ai tin", lexicon).label == "offensive"
    unaccented = grade("thang nay oc cho that", lexicon)
    assert unaccented.label == "hate" and "oc cho" in unaccented.terms  # an insult aimed at someone
    assert grade("Mày ngu như bò", lexicon).label == "hate"
    assert grade("Bọn bắc kỳ", lexicon).label == "hate"  # a regional slur


def test_obfuscated_words_are_caught(lexicon: ToxicityLexicon) -> None:
    for text in ("n.g.u thế", "nguuuuu thế", "đ.m cái page này", "d-m", "v c l thật", "N.G.U"):
        result = grade(text, lexicon)
        assert result.label != "clean", text
    assert grade("ngu như bòooo", lexicon).terms == ["ngu như bò"]


def test_clean_comments_stay_clean(lexicon: ToxicityLexicon) -> None:
    for text in (
        "Anh ấy không ngu đâu, chỉ là chưa có kinh nghiệm",  # a negated insult
        "Cho toi hoi lon bia nay bao nhieu tien",  # "cho", "lon" without diacritics are ordinary words
        "may qua, xe khong sao",  # "may" = lucky
        "Mưa lũ ở Lai Châu làm sạt lở đường, bà con cần hỗ trợ",  # "lũ" = flood, not "lũ chúng mày"
        "Cảm ơn ad đã chia sẻ thông tin hữu ích 👍",
        "Xoong nồi mới mua đẹp quá",
        "Tôi làm vậy là do cho con đi học gần nhà",  # "do cho" is not "đồ chó"
        "Công an điều tra vụ cướp. Nhóm cướp đã bị bắt, tài sản bị cướp được trả lại",  # crime news
        "Thằng bé bị cướp mất xe đạp",  # "thằng bé" is a little boy, not a target
        "",
    ):
        assert grade(text, lexicon).label == "clean", text


def test_news_articles_are_not_toxic(lexicon: ToxicityLexicon) -> None:
    """The 239 real articles of the analysis development set (crime, disasters, quarrels quoted)."""
    rows = [json.loads(line) for line in (DATA / "analysis_dev" / "devset.jsonl").read_text(encoding="utf-8")
            .splitlines() if line.strip()]
    flagged = [row["title"] for row in rows if grade(f"{row['title']}\n{row['text']}", lexicon).label != "clean"]
    assert flagged == []


def test_one_quoted_insult_does_not_make_an_article_toxic(lexicon: ToxicityLexicon) -> None:
    article = " ".join(["Ủy ban nhân dân tỉnh Lai Châu tổ chức hội nghị triển khai kế hoạch năm 2025."] * 30)
    assert grade(article + " Bị cáo khai đã chửi nạn nhân là đồ ngu.", lexicon).label == "clean"
    assert grade("Bị cáo chửi nạn nhân là đồ ngu.", lexicon).label == "hate"
    # In an article one-letter chat forms stay as typed: "500 m" is metres, not "mày".
    assert grade("Cách trụ sở 500 m, kẻ gian cướp xe máy", lexicon, comment=False).label == "clean"


def test_analyze_reports_toxicity_and_works_without_toxicity_yaml(tmp_path: Path) -> None:
    data = load_analyzer(CONFIG, with_entities=False).analyze("", "Thằng ad ngu vl").to_json()
    assert data["toxicity"]["label"] == "hate" and data["toxicity"]["terms"]
    assert data["toxicity"]["score"] >= 2
    for name in ("topics.yaml", "sentiment.yaml"):
        shutil.copy(CONFIG / name, tmp_path / name)
    old = load_analyzer(tmp_path, with_entities=False).analyze("", "Thằng ad ngu vl").to_json()
    assert old["toxicity"] == ToxicityResult("clean", 0.0, []).to_json()
    assert old["sentiment"] == data["sentiment"]


def test_analyze_command_reads_comments(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    lines = [{"id": "c1", "text": "thằng ad ngu vl", "comment": True},
             {"id": "c2", "text": "Cảm ơn ad, bài viết rất hữu ích 👍", "comment": True},
             {"id": "a1", "title": "Lũ quét ở Mường Tè", "text": "Lũ quét cuốn trôi 3 ngôi nhà ở tỉnh Lai Châu."}]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines)))
    assert main(["--config", str(CONFIG), "analyze", "--no-entities"]) == 0
    out = {row["id"]: row for row in map(json.loads, capsys.readouterr().out.splitlines())}
    assert out["c1"]["toxicity"]["label"] == "hate" and "ngu vl" in out["c1"]["toxicity"]["terms"]
    assert out["c2"]["toxicity"]["label"] == "clean" and out["c2"]["sentiment"] == "positive"
    assert out["a1"]["toxicity"] == {"label": "clean", "score": 0.0, "terms": []}


def test_bad_toxicity_yaml_names_file_line_and_key(tmp_path: Path) -> None:
    for name in ("topics.yaml", "sentiment.yaml", "sources.yaml"):
        shutil.copy(CONFIG / name, tmp_path / name)
    (tmp_path / "toxicity.yaml").write_text("threshold: 2\nprofanity:\n  9: [đm]\nslurs: [x]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    text = "\n".join(caught.value.problems)
    assert "toxicity.yaml:2: profanity" in text and "trọng số 9" in text
    assert "toxicity.yaml:4: slurs" in text
