"""Migrations per owner (``presswatch.store.schema``): a new database, the one made before issue 17
(``tests/data/legacy``) and one at each version of the old single list all end with the same schema,
each migration applied once; the legacy database stays readable and writable through today's API."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from alerts import outbox
from alerts.digest.send import run_digest, send_record
from alerts.ingest import defer, pending_count
from presswatch.config import Settings, load_config
from presswatch.models import Article
from presswatch.store import RunResult, Store, users
from presswatch.store.annotation import add_note, add_tag, article_annotations, save_search, saved_searches
from presswatch.store.schema import LEGACY_VERSION, SCHEMAS, Migration, Schema, load_schemas, migrate
from tests.support.crawling import free_port
from tests.support.paths import CONFIG, DATA

LEGACY = DATA / "legacy" / "before-layout.db"
SERVICE_TABLES = ("apscheduler_jobs",)  # made by the service's scheduler (APScheduler), not by the store
WEBHOOK = {"PRESSWATCH_WEBHOOK_URL": "http://127.0.0.1:9/hook", "PRESSWATCH_WEBHOOK_SECRET": "s" * 32}


def schema_of(path: Path) -> set[tuple[str, str, str, str | None]]:
    """What ``sqlite_master`` says of the database's tables, indexes and their SQL."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    return {(kind, name, table, sql) for kind, name, table, sql in rows if table not in SERVICE_TABLES}


def applied(path: Path) -> list[tuple[str, int, str]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT schema, version, name FROM schema_migrations ORDER BY schema, version").fetchall()


def user_version(path: Path) -> int:
    with closing(sqlite3.connect(path)) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def every_migration() -> list[tuple[str, int, str]]:
    return sorted((schema.name, version, migration.name) for schema in load_schemas()
                  for version, migration in enumerate(schema.migrations, start=1))


def old_database(path: Path, version: int) -> None:
    """A database as the single list of migrations before issue 17 left it at ``version``: the scripts
    it had run (each now with its owner, saying which version ran it), in its order."""
    steps = sorted((migration.legacy, order, migration) for order, schema in enumerate(load_schemas())
                   for migration in schema.migrations if migration.legacy is not None and migration.legacy <= version)
    with closing(sqlite3.connect(path, isolation_level=None)) as db:
        for _, _, migration in steps:
            for statement in migration.statements():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {version}")


@pytest.fixture(scope="module")
def new_schema(tmp_path_factory: pytest.TempPathFactory) -> set[tuple[str, str, str, str | None]]:
    path = tmp_path_factory.mktemp("new") / "new.db"
    Store(path).close()
    return schema_of(path)


@pytest.fixture
def legacy_db(tmp_path: Path) -> Path:
    db = tmp_path / "before-layout.db"
    shutil.copy(LEGACY, db)
    return db


def test_the_registry_names_one_schema_per_owner() -> None:
    schemas = load_schemas()
    assert len(schemas) == len(SCHEMAS) and len({schema.name for schema in schemas}) == len(schemas)
    assert schemas[0].name == "store"  # the others' tables refer to articles
    assert LEGACY_VERSION == max(m.legacy or 0 for schema in schemas for m in schema.migrations)
    numbered = {m.legacy for schema in schemas for m in schema.migrations}
    assert set(range(1, LEGACY_VERSION + 1)) <= numbered  # every script of the old list has an owner


def test_a_new_database_records_every_migration_once(db: Path) -> None:
    Store(db).close()
    Store(db).close()  # a second opening applies nothing
    assert applied(db) == every_migration()
    assert user_version(db) == LEGACY_VERSION  # a program from before takes it for a complete database


def test_the_legacy_database_migrates_to_the_schema_of_a_new_one(
        legacy_db: Path, new_schema: set[tuple[str, str, str, str | None]]) -> None:
    assert user_version(legacy_db) == 10
    Store(legacy_db).close()  # marks what version 10 had run, runs nothing again (a CREATE would fail)
    assert schema_of(legacy_db) == new_schema
    assert applied(legacy_db) == every_migration()
    assert user_version(legacy_db) == LEGACY_VERSION


@pytest.mark.parametrize("version", range(1, LEGACY_VERSION + 1))
def test_a_database_at_each_old_version_migrates_to_the_schema_of_a_new_one(
        tmp_path: Path, version: int, new_schema: set[tuple[str, str, str, str | None]]) -> None:
    path = tmp_path / f"v{version}.db"
    old_database(path, version)
    Store(path).close()
    assert schema_of(path) == new_schema
    assert applied(path) == every_migration()


def test_migration_moves_texts_out_of_the_articles_table(tmp_path: Path) -> None:
    """A database of schema 3 (texts inline) opens as the current schema without losing text."""
    path = tmp_path / "old.db"
    old_database(path, 3)
    with closing(sqlite3.connect(path)) as db, db:
        db.execute(
            """INSERT INTO articles (url, source_id, source_kind, title, text, text_norm, fetched_at, dated_at)
               VALUES ('https://x.vn/1', 's', 'press', 'Tiêu đề', 'Nội dung  gốc', 'Nội dung gốc',
                       '2026-11-27T00:00:00Z', '2026-11-27T00:00:00Z')"""
        )
    with Store(path) as store:
        stored = store.article(1)
        assert stored is not None
        assert stored.text_original == "Nội dung  gốc" and stored.text == "Nội dung gốc"
        columns = {row[1] for row in store.db.execute("PRAGMA table_info(articles)")}
        assert "text" not in columns and "title" in columns


def test_an_owner_appends_a_migration_and_only_it_runs(tmp_path: Path) -> None:
    first = Migration("notes", "CREATE TABLE toy_notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);")
    second = Migration("note authors", "-- who wrote it\nALTER TABLE toy_notes ADD COLUMN author TEXT;")
    with closing(sqlite3.connect(tmp_path / "toy.db", isolation_level=None)) as db:
        migrate(db, (Schema("toy", (first,)),))
        db.execute("INSERT INTO toy_notes (body) VALUES ('kept')")
        migrate(db, (Schema("toy", (first, second)),))
        migrate(db, (Schema("toy", (first, second)),))
        assert db.execute("SELECT body, author FROM toy_notes").fetchall() == [("kept", None)]
        assert db.execute("SELECT schema, version, name FROM schema_migrations").fetchall() == [
            ("toy", 1, "notes"), ("toy", 2, "note authors")]


def test_migrations_of_the_old_list_come_first_in_its_order() -> None:
    with pytest.raises(ValueError, match="old list"):
        Schema("toy", (Migration("new", "SELECT 1"), Migration("old", "SELECT 1", legacy=3)))
    with pytest.raises(ValueError, match="old list"):
        Schema("toy", (Migration("b", "SELECT 1", legacy=7), Migration("a", "SELECT 1", legacy=6)))


def test_the_legacy_database_is_readable_and_writable_after_opening(legacy_db: Path, tmp_path: Path) -> None:
    config = load_config(CONFIG, {})
    assert config.alerts is not None
    rule = config.alerts.rule("thien-tai")
    targets, _ = config.alerts.targets(WEBHOOK)
    now = datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    with Store(legacy_db) as store:
        # articles, with an alert and its delivery, and one left for later evaluation
        before = store.count_articles()
        article_id = store.add_article(Article(url="https://baolaichau.example/moi.html", source_id="bao-lai-chau",
                                               title="Sạt lở ở Mường Tè", text="Mưa lớn gây sạt lở ở Lai Châu.",
                                               published_at=now, fetched_at=now))
        assert article_id is not None and store.count_articles() == before + 1
        with store.transaction() as db:
            (recorded,) = outbox.record(db, article_id, [rule], targets, now)
            defer(db, article_id, "thử", now)
        assert recorded.new and pending_count(store.db) == 1
        (old, *_) = outbox.listing(store.db, "pending")
        with store.transaction() as db:
            outbox.started(db, old.id, now)
            outbox.delivered(db, old.id, now)
        assert outbox.counts(store.db) == {"pending": 3, "sent": 1, "dead": 0}
        # users log in, and a new one
        lan = users.authenticate(store, "lan", "mat-khau-cua-lan-1", "127.0.0.1")
        assert lan is not None and users.create_session(store, lan, 1)[1].user == lan
        users.add_user(store, "minh", "viewer", "mat-khau-cua-minh-1")
        assert [user.name for user in users.list_users(store)] == ["lan", "minh"]
        # annotations and saved searches
        add_tag(store, article_id, "mới", "lan")
        add_note(store, 1, "Ghi chú thứ hai", "lan")
        save_search(store, "lan", "Lũ quét", '"lũ quét"')
        assert article_annotations(store, article_id).tags == ["mới"]
        assert [note.body for note in article_annotations(store, 1).notes] == ["Ghi chú thử", "Ghi chú thứ hai"]
        assert [s.name for s in saved_searches(store)] == ["Lũ quét", "Sạt lở"]
        # the crawl's health
        store.record_run(RunResult("tin-hong", now, now, True, 1, 1, 0))
        assert store.health()["tin-hong"].consecutive_failures == 0
        # a digest record: a day whose send fails (nothing listens), then the old one still there
        settings = Settings.model_validate({"smtp_host": "127.0.0.1", "smtp_port": free_port(),
                                            "smtp_security": "none", "smtp_timeout": 5,
                                            "digest_recipients": ["lanhdao@laichau.gov.vn"]})
        day = date(2026, 12, 7)
        outcome = run_digest(replace(config, settings=settings), store, day, attempts=1, environ={})
        assert outcome.status == "failed"
        record = send_record(store, day)
        assert record is not None and record.status == "failed" and record.attempts == 1
        assert (old_record := send_record(store, day - timedelta(days=1))) is not None and old_record.status == "sent"
        # the Elasticsearch sync position
        assert [tuple(row) for row in store.db.execute("SELECT name, last_article_id FROM sync_state")] == [
            ("elasticsearch", 3)]
