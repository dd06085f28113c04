"""What a worker process of re-analysis does: build the analyzer once (``init``), then analyse one
stored article at a time (``work``), reading its stored segmentation and entities when they still
fit (``analysis.text_cache``).

Items and results are plain tuples (pickled between processes). The same functions run in the
calling process when re-analysis runs on one worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from analysis.text_cache import Entry, TextCache

if TYPE_CHECKING:
    from analysis.pipeline import Analyzer

# (article id, title as extracted, text as extracted, is a post or comment, stored text cache entry)
Item = tuple[int, str, str, bool, Entry | None]
# (article id, new analysis JSON or None on failure, text cache entry to store or None, segmentation
# read from the entry, the failure's text or None)
Result = tuple[int, dict[str, Any] | None, Entry | None, bool, str | None]

_analyzer: Analyzer | None = None


def init(factory: Callable[[], Analyzer]) -> None:
    """Build this process's analyzer (``factory`` is pickled: a module-level function or a
    ``functools.partial`` of one)."""
    global _analyzer
    _analyzer = factory()


def work(item: Item) -> Result:
    """The analysis of one article, as the crawl would make it now."""
    article_id, title, text, comment, entry = item
    assert _analyzer is not None, "init() first"
    cache = TextCache(entry)
    try:
        data = _analyzer.analyze(title, text, comment=comment, segmenter=cache.segment, tagger=cache.entities,
                                 sketched=False).to_json()
    except Exception as exc:  # noqa: BLE001 - one article's failure is counted, the run goes on
        return article_id, None, cache.fresh, cache.hit, f"{type(exc).__name__}: {exc}"[:300]
    return article_id, data, cache.fresh, cache.hit, None
