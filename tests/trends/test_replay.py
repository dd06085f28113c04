"""Detection floors on a replayed stream of real articles (``trends.replay``): two weeks of the
200 real news articles of the demo data (a sample of ``baomoi_dev``, a third of them naming Lai
Châu) at the hour-of-day and weekday rhythm of a provincial press, a quiet first week, then real Lai
Châu stories spreading across outlets and real articles naming one commune arriving in bursts,
stored crawl by crawl every 30 minutes in a real store and updated after each crawl with the shipped
``kind: trend`` rules. The floors (delay from the moment the rule's condition became true, misses,
false alarms per simulated week) may only be raised; ``bench/trends.py --evaluate`` prints the same
numbers on a longer stream of ``baomoi_dev``."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from presswatch.config import load_analyzer
from presswatch.config.alerts import load_alerts
from presswatch.demo.site import load_demo_articles
from presswatch.store import Store
from tests.support.paths import CONFIG
from trends.replay import Scores, build_stream, pools, replay, score
from trends.update import Context

START = datetime(2026, 10, 4, 17, 0, tzinfo=UTC)  # Monday 00:00 in Vietnam

# Floors: hours from the condition becoming true (the 5th outlet; the 3rd article of a burst).
STORY_MEDIAN, STORY_P95 = 0.5, 1.0
BURST_MEDIAN, BURST_P95 = 0.5, 1.0
FALSE_PER_WEEK = 1.0


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scores]:
    chosen = pools(load_demo_articles(), load_analyzer(CONFIG, with_entities=False), places=2, burst_size=4,
                   stories=3)
    assert len(chosen.stories) == 3 and len(chosen.bursts) == 2
    stream = build_stream(chosen.background, chosen.stories, chosen.bursts, start=START, days=14, per_hour=0.5,
                          burst_size=4, quiet_days=8)
    assert len(stream.injections) == 5 and stream.weeks == 2
    alerts = load_alerts(CONFIG / "alerts.yaml")
    with Store(tmp_path_factory.mktemp("replay") / "db.sqlite") as store:
        raised = replay(store, stream, Context(alerts))
        return score(stream, raised, store, min_outlets=5, min_count=3)


def test_spreading_stories_are_caught_within_the_floors(scores: dict[str, Scores]) -> None:
    story = scores["story"]
    assert story.missed == []
    assert story.median is not None and story.median <= STORY_MEDIAN
    assert story.p95 is not None and story.p95 <= STORY_P95
    assert story.false_per_week <= FALSE_PER_WEEK, story.false_alarms


def test_place_bursts_are_caught_within_the_floors(scores: dict[str, Scores]) -> None:
    burst = scores["burst"]
    assert burst.missed == []
    assert burst.median is not None and burst.median <= BURST_MEDIAN
    assert burst.p95 is not None and burst.p95 <= BURST_P95
    assert burst.false_per_week <= FALSE_PER_WEEK, burst.false_alarms
