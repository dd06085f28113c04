"""Two provinces followed at once, end to end: a configuration following Lai Châu and Điện Biên, a
local news site serving real articles about each, a crawl through the real CLI (Scrapy subprocess),
then search filtered by each province (CLI and web UI on a real uvicorn server), an alert rule for
Điện Biên that fires only for its articles, and a digest counting each province."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from alerts.outbox import article_alerts
from presswatch.cli import main
from presswatch.demo.site import LocalSite, load_demo_articles, site_articles
from presswatch.store import Store, users
from presswatch.times import VIETNAM
from tests.support.paths import CONFIG, DATA
from tests.support.webserver import csrf_of, serve

pytestmark = pytest.mark.slow

LAI_CHAU_TITLES = ["Lai Châu di dời khẩn cấp 5 hộ dân do xuất hiện hố cát-tơ 600m2",
                   "Lai Châu lại sạt lở quốc lộ 4D trên đèo Hoàng Liên Sơn"]
DIEN_BIEN_IDS = ["22720197", "22712053", "22720533"]  # real articles of tests/data/province_dev


def _newest() -> datetime:
    """06:00 Vietnam time of the latest day that has begun it: the five articles (3 h apart) then
    all fall in that day's digest window (07:00 the day before → 07:00), whatever the clock says."""
    now = datetime.now(VIETNAM)
    newest = now.replace(hour=6, minute=0, second=0, microsecond=0)
    return newest if newest <= now else newest - timedelta(days=1)


def _records() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    demo = {record["title"]: record for record in load_demo_articles()}
    lai_chau = [demo[title] for title in LAI_CHAU_TITLES]
    lines = (DATA / "province_dev" / "sample_dien_bien.jsonl").read_text(encoding="utf-8").splitlines()
    sample = [json.loads(line) for line in lines if line.strip()]
    dien_bien = [next(r for r in sample if str(r["id"]) == wanted) for wanted in DIEN_BIEN_IDS]
    for record in lai_chau:
        assert "Điện Biên" not in record["title"] + record["text"]
    for record in dien_bien:
        assert "Lai Châu" not in record["title"] + record["text"]
    return lai_chau, dien_bien


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    lai_chau, dien_bien = _records()
    root = tmp_path_factory.mktemp("two-provinces")
    config, db = root / "config", root / "presswatch.db"
    config.mkdir()
    for name in ("topics.yaml", "sentiment.yaml", "toxicity.yaml", "report.docx"):
        shutil.copy(CONFIG / name, config / name)
    (config / "presswatch.yaml").write_text(
        "province: [Lai Châu, dien bien]\ncrawl_allow_internal: ['127.0.0.1']\nautothrottle: false\n"
        "download_timeout: 5\ncrawl_min_interval: 1\n", encoding="utf-8")
    (config / "alerts.yaml").write_text(yaml.safe_dump({"rules": [
        {"id": "tin-dien-bien", "name": "Tin về Điện Biên", "provinces": ["Điện Biên"], "min_relevance": "mention"},
    ]}, allow_unicode=True), encoding="utf-8")
    newest = _newest()
    articles = site_articles([*lai_chau, *dien_bien], newest=newest.astimezone(UTC))
    with LocalSite(articles) as site:
        (config / "sources.yaml").write_text(yaml.safe_dump({"sources": [
            {"id": "tin-tay-bac", "name": "Tin Tây Bắc", "kind": "press", "type": "feed",
             "urls": [f"{site.url}/rss/tin-moi.rss"]}]}, allow_unicode=True), encoding="utf-8")
        assert main(["--config", str(config), "--db", str(db), "crawl"]) == 0
        urls = {"Lai Châu": {f"{site.url}{a.path}" for a in articles[:len(lai_chau)]},
                "Điện Biên": {f"{site.url}{a.path}" for a in articles[len(lai_chau):]}}
    yield {"config": config, "db": db, "urls": urls, "day": newest.date().isoformat()}


def _search(crawled: dict[str, object], capsys: pytest.CaptureFixture[str], *query: str) -> set[str]:
    capsys.readouterr()
    assert main(["--config", str(crawled["config"]), "--db", str(crawled["db"]), "search", *query, "--json"]) == 0
    return {json.loads(line)["url"] for line in capsys.readouterr().out.splitlines() if line.startswith("{")}


def test_search_by_each_province_finds_its_articles_only(crawled: dict[str, object],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    urls: dict[str, set[str]] = crawled["urls"]  # type: ignore[assignment]
    with Store(crawled["db"]) as store:  # type: ignore[arg-type]
        assert store.count_articles() == 5
    assert _search(crawled, capsys, 'province:"Điện Biên"') == urls["Điện Biên"]
    assert _search(crawled, capsys, "province:lai-chau") == urls["Lai Châu"]
    both = _search(crawled, capsys, 'province:"Lai Châu" OR province:"Điện Biên"')
    assert both == urls["Lai Châu"] | urls["Điện Biên"]
    assert _search(crawled, capsys, "lũ", "--province", "dien bien") <= urls["Điện Biên"]
    assert main(["--config", str(crawled["config"]), "--db", str(crawled["db"]), "search", "province:Atlantis"]) != 0
    assert "không phải tên một trong 34 tỉnh" in capsys.readouterr().err


def test_the_rule_for_dien_bien_fires_for_its_articles_only(crawled: dict[str, object]) -> None:
    urls: dict[str, set[str]] = crawled["urls"]  # type: ignore[assignment]
    fired = set()
    with Store(crawled["db"]) as store:  # type: ignore[arg-type]
        for article in store.articles():
            if any(alert.rule_id == "tin-dien-bien" for alert in article_alerts(store.db, article.id, None)):
                fired.add(article.url)
    assert fired == urls["Điện Biên"]


def test_the_web_ui_names_both_provinces_and_filters_by_each(crawled: dict[str, object]) -> None:
    urls: dict[str, set[str]] = crawled["urls"]  # type: ignore[assignment]
    db: Path = crawled["db"]  # type: ignore[assignment]
    with Store(db) as store:
        users.add_user(store, "viewer1", "viewer", "viewer-password-1")
    with serve(db, {}, province=["Lai Châu", "Điện Biên"]) as running:
        import httpx

        with httpx.Client(base_url=running.url, timeout=30) as client:
            page = client.get("/login")
            assert client.post("/login", data={"username": "viewer1", "password": "viewer-password-1",
                                               "csrf": csrf_of(page.text), "next": "/"}).status_code == 303
            home = client.get("/").text
            assert "Giám sát báo chí · Lai Châu, Điện Biên" in home and '<select name="province">' in home
            for name in ("Điện Biên", "Lai Châu"):
                found = client.get("/api/search", params={"province": name, "limit": 50}).json()
                assert {hit["url"] for hit in found["hits"]} == urls[name], name
            facets = client.get("/", params={"q": "source:tin-tay-bac"}).text
            assert "<h3>Tỉnh</h3>" in facets
            wrong = client.get("/", params={"q": "lũ", "province": "Dien Bein"}).text
            assert "Có phải: Điện Biên" in wrong


def test_the_digest_counts_each_province(crawled: dict[str, object], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    args = ["--config", str(crawled["config"]), "--db", str(crawled["db"]), "digest", "--date", str(crawled["day"])]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "về tỉnh Lai Châu, tỉnh Điện Biên ngày" in out
    assert "Lai Châu: 2 bài về" in out and "Điện Biên: 3 bài về" in out, out
    assert main([*args, "--province", "Điện Biên"]) == 0
    only = capsys.readouterr().out
    assert "về tỉnh Điện Biên ngày" in only and "Lai Châu" not in only, only
    assert main([*args, "--province", "Lào Cai"]) == 2
    assert "không được theo dõi" in capsys.readouterr().err


def test_the_report_narrows_to_a_province(crawled: dict[str, object], capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    from docx import Document

    day = datetime.fromisoformat(str(crawled["day"])).date()
    span = f"{day - timedelta(days=1)}..{day}"
    base = ["--config", str(crawled["config"]), "--db", str(crawled["db"]), "report", "--period", span]
    found = {}
    for name in (None, "Điện Biên", "Lai Châu"):
        target = tmp_path / f"{name or 'all'}.docx"
        capsys.readouterr()
        assert main([*base, "--out", str(target), *(["--province", name] if name else [])]) == 0
        found[name] = capsys.readouterr().out
        document = Document(str(target))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        text = "\n".join([*(p.text for p in document.paragraphs), *cells])
        assert "UBND TỈNH LAI CHÂU" in text  # the home province signs every report
        named = f"tỉnh {name}" if name else "tỉnh Lai Châu, tỉnh Điện Biên"
        assert named in text, text[:500]
    assert "5 tin, bài liên quan" in found[None]
    assert "3 tin, bài liên quan" in found["Điện Biên"]
    assert "2 tin, bài liên quan" in found["Lai Châu"]
    assert main([*base, "--province", "Sơn La"]) == 2
    assert "không được theo dõi" in capsys.readouterr().err


def test_the_web_ui_of_another_province_never_says_lai_chau(crawled: dict[str, object]) -> None:
    """Điện Biên alone (the web's texts, not the shipped sources' names): titles, footer, labels and
    the query help's examples come from the setting."""
    db: Path = crawled["db"]  # type: ignore[assignment]
    with Store(db) as store:
        users.add_user(store, "viewer2", "viewer", "viewer-password-2")
    with serve(db, {}, province=["Điện Biên"]) as running:
        import httpx

        with httpx.Client(base_url=running.url, timeout=30) as client:
            page = client.get("/login")
            assert client.post("/login", data={"username": "viewer2", "password": "viewer-password-2",
                                               "csrf": csrf_of(page.text), "next": "/"}).status_code == 303
            home, help_page = client.get("/").text, client.get("/help").text
            assert "Giám sát báo chí · Điện Biên" in home
            assert "Sở Thông tin và Truyền thông tỉnh Điện Biên" in home
            assert '"Điện Biên" NEAR/5' in help_page and "about (về Điện Biên)" in help_page
            for text in (home, help_page):
                assert "Lai Châu" not in text
