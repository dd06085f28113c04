"""Reports narrowed to one of several followed provinces, over HTTP on a real uvicorn server over a
real store of real articles about Lai Châu and Điện Biên, analysed for real by a configuration
following both: the analyst picks the province (default: all followed) for a report and for the
briefing pack, the DOCX counts only that province's items, the archive records and lists the
province (rows from before: all provinces), and ``presswatch report --province … --keep`` records it
too. An unfollowed province is refused with a Vietnamese message."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from docx import Document

from presswatch.cli import main
from presswatch.config import load_analyzer
from presswatch.demo.site import load_demo_articles
from presswatch.models import Article
from presswatch.store import Store, users
from reports import archive
from reports.period import parse_period
from tests.support.paths import CONFIG, DATA
from tests.support.webserver import PASSWORDS, Running, csrf_of, login, serve

LAI_CHAU_TITLES = ["Lai Châu di dời khẩn cấp 5 hộ dân do xuất hiện hố cát-tơ 600m2",
                   "Lai Châu lại sạt lở quốc lộ 4D trên đèo Hoàng Liên Sơn"]
DIEN_BIEN_IDS = ["22720197", "22712053", "22720533"]  # real articles of tests/data/province_dev
NOVEMBER = datetime(2026, 11, 10, 2, tzinfo=UTC)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, Path]]:
    root = tmp_path_factory.mktemp("provinces-reports")
    config, db = root / "config", root / "presswatch.db"
    shutil.copytree(CONFIG, config)
    with (config / "presswatch.yaml").open("a", encoding="utf-8") as settings:
        settings.write(f"\nprovince: [Lai Châu, dien bien]\nreports_dir: {root / 'reports'}\n")
    analyzer = load_analyzer(config, with_entities=False)
    demo = {record["title"]: record for record in load_demo_articles()}
    lines = (DATA / "province_dev" / "sample_dien_bien.jsonl").read_text(encoding="utf-8").splitlines()
    sample = {str(record["id"]): record for record in map(json.loads, filter(None, lines))}
    records = [demo[title] for title in LAI_CHAU_TITLES] + [sample[wanted] for wanted in DIEN_BIEN_IDS]
    with Store(db) as store:
        for index, record in enumerate(records):
            dated = NOVEMBER + timedelta(hours=5 * index)
            title, text = str(record["title"]), str(record["text"])
            store.add_article(Article(url=f"https://tin.example.vn/{record['id']}", source_id="tin-tay-bac",
                                      source_kind="press", title=title, text=text, published_at=dated,
                                      fetched_at=dated, analysis=analyzer.analyze(title, text)))
        users.add_user(store, "analyst1", "analyst", PASSWORDS["analyst1"])
    with serve(db, {}, config_dir=config, reports_dir=str(root / "reports")) as running:
        yield running, config


def _relevant(db: Path, province: str | None) -> int:
    start, end = (moment.isoformat().replace("+00:00", "Z") for moment in parse_period("2026-11").bounds)
    scope = "" if province is None else " AND id IN (SELECT article_id FROM article_provinces WHERE province = ?)"
    with closing(sqlite3.connect(db)) as connection:
        return int(connection.execute(
            f"SELECT count(*) FROM articles WHERE dated_at >= ? AND dated_at < ? "
            f"AND relevance IN ('about', 'mention'){scope}", [start, end, *([province] if province else [])],
        ).fetchone()[0])


def test_the_analyst_picks_the_province(setup: tuple[Running, Path]) -> None:
    web, _ = setup
    everything, dien_bien = _relevant(web.db, None), _relevant(web.db, "Điện Biên")
    assert 0 < dien_bien < everything  # both provinces have items in November
    analyst = login(web.url, "analyst1")
    page = analyst.get("/reports")
    assert '<select name="province">' in page.text
    assert "<title>Báo cáo định kỳ · Giám sát báo chí Lai Châu, Điện Biên</title>" in page.text  # the page's own title
    assert '<option value="">Tất cả tỉnh được theo dõi (Lai Châu, Điện Biên)</option>' in page.text
    assert '<option value="Điện Biên">Điện Biên</option>' in page.text
    token = csrf_of(page.text)

    made = analyst.post("/reports", data={"csrf": token, "period": "2026-11", "format": "docx",
                                          "document": "report", "province": "Điện Biên"})
    assert made.status_code == 303
    listing = analyst.get(made.headers["location"])
    assert f"Đã tạo báo cáo tháng 11 năm 2026 về Điện Biên (#1): {dien_bien} tin, bài liên quan" in listing.text
    download = analyst.get("/reports/1/file")
    assert download.headers["content-disposition"] == (
        'attachment; filename="bao-cao-2026-11-01_2026-11-30-dien-bien.docx"')
    body = "\n".join(p.text for p in Document(io.BytesIO(download.content)).paragraphs)
    assert f"trong đó {dien_bien} tin, bài liên quan đến tỉnh" in body and "về tỉnh Điện Biên" in body
    assert "tỉnh Lai Châu, tỉnh Điện Biên" not in body

    # the default: every followed province, for the briefing pack
    made = analyst.post("/reports", data={"csrf": token, "period": "2026-11", "format": "docx",
                                          "document": "briefing", "province": ""})
    assert made.status_code == 303
    assert f"(#2): {everything} tin, bài liên quan" in analyst.get(made.headers["location"]).text
    with Store(web.db) as store:
        kept = {f.id: f for f in archive.listing(store)}
    assert (kept[1].document, kept[1].provinces) == ("report", ("Điện Biên",))
    assert (kept[2].document, kept[2].provinces) == ("briefing", ())
    rows = {row.split("</td>")[0]: row for row in analyst.get("/reports").text.split("<tr><td>")[1:]}
    assert "<td>tháng: tháng 11 năm 2026</td><td>Điện Biên</td>" in rows["1"]  # the archive's "Tỉnh" column
    assert "<td>tháng: tháng 11 năm 2026</td><td>Tất cả</td>" in rows["2"]

    refused = analyst.post("/reports", data={"csrf": token, "period": "2026-11", "format": "docx",
                                             "document": "report", "province": "Hà Nội<b>"})
    assert refused.status_code == 400 and "không được theo dõi" in refused.text
    assert "Hà Nội&lt;b&gt;" in refused.text and "Hà Nội<b>" not in refused.text
    analyst.close()


def test_the_command_records_the_province_and_old_rows_cover_all(setup: tuple[Running, Path], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    web, config = setup
    monkeypatch.chdir(tmp_path)
    assert main(["--config", str(config), "--db", str(web.db), "report", "--period", "2026-11", "--province",
                 "Điện Biên", "--keep"]) == 0
    assert (tmp_path / "bao-cao-2026-11-dien-bien.docx").exists()
    with Store(web.db) as store:
        newest = archive.listing(store)[0]
        assert (newest.provinces, newest.created_by, newest.name) == (
            ("Điện Biên",), "dòng lệnh", "bao-cao-2026-11-01_2026-11-30-dien-bien.docx")
        # a row from before the migration has no provinces: it covers them all
        store.db.execute("INSERT INTO report_files (kind, first_day, last_day, format, sha256, size, created_by, "
                         "created_at) VALUES ('month', '2026-10-01', '2026-10-31', 'docx', 'ab', 1, 'lan', "
                         "'2026-11-01T00:00:00Z')")
        old = next(f for f in archive.listing(store) if f.created_by == "lan")
    assert (old.provinces, old.document, old.name) == ((), "report", "bao-cao-2026-10-01_2026-10-31.docx")
