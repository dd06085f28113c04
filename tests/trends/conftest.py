"""The web server of the trends page's tests (``test_trends_web``, ``test_trends_browser``): a real
store where five outlets carried a story whose title is a script payload, raised by the shipped
story rule (relevance relaxed), served on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from presswatch.config import load_analyzer
from presswatch.config.alerts import load_alerts
from presswatch.store import Store
from presswatch.times import utcnow
from tests.support.webserver import CONFIG, PAYLOAD_TEXT, PAYLOAD_TITLE, Running, fill, serve
from trends.replay import Item, copies_of
from trends.update import Context, update


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = tmp_path_factory.mktemp("trends-web") / "presswatch.db"
    ids = fill(db, count=10)
    analyzer = load_analyzer(CONFIG, with_entities=False)
    hostile = Item(PAYLOAD_TITLE, PAYLOAD_TEXT, analyzer.analyze(PAYLOAD_TITLE, PAYLOAD_TEXT))
    now = utcnow()
    with Store(db) as store:
        store.add_articles(copies_of(hostile, [f"bao-{n}" for n in range(5)],
                                     [now - timedelta(minutes=40 * (5 - n)) for n in range(5)]))
        alerts = load_alerts(CONFIG / "alerts.yaml")
        relaxed = alerts.model_copy(update={"rules": [
            rule.model_copy(update={"min_relevance": "none"}) for rule in alerts.rules if rule.kind == "trend"]})
        assert [r.subject for r in update(store, Context(relaxed), now=now).raised][0].startswith("story:")
    with serve(db, ids) as running:
        yield running
