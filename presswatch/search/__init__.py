"""Search: the interface every backend implements and the one way to open the configured backend.

Callers build a ``SearchRequest`` and ask the backend that ``open_backend(settings, store)`` returns:
the embedded SQLite FTS5 index (``search/sqlite.py``), the embedded tantivy index
(``search/tantivy_index.py``) or Elasticsearch (``search/elastic.py``), all answering the query
language of ``presswatch.query`` with the same ``SearchResult``. What the backends share (snippets,
ranking keys, place names) is in ``search/highlight.py``; keeping the configured index in step with
the store (sync after a crawl, a correction, a reanalysis, retention, reindex) in ``search/keep.py``
(Elasticsearch's part in ``search/es_sync.py``).
"""

from __future__ import annotations

import logging

from presswatch.config import Settings
from presswatch.search.elastic import EsIndex
from presswatch.search.interface import MAX_LIMIT, MAX_OFFSET, Hit, SearchBackend, SearchRequest, SearchResult
from presswatch.search.sqlite import SqliteIndex
from presswatch.store import Store

log = logging.getLogger(__name__)

__all__ = ["MAX_LIMIT", "MAX_OFFSET", "Hit", "SearchBackend", "SearchRequest", "SearchResult", "open_backend"]


def open_backend(settings: Settings, store: Store) -> SearchBackend:
    """The search backend ``settings.index_backend`` names: the SQLite index of ``store``, the
    tantivy index beside it (``keep.tantivy_dir``; tantivy is loaded only then), or Elasticsearch
    at ``settings.elasticsearch_url`` behind ``settings.elasticsearch_alias``
    (credentials from the environment: ``PRESSWATCH_ES_API_KEY``, or ``PRESSWATCH_ES_USERNAME`` and
    ``PRESSWATCH_ES_PASSWORD``)."""
    if settings.index_backend == "elasticsearch":
        return EsIndex.from_settings(settings)
    from presswatch.search.keep import catch_up, tantivy_dir

    behind = catch_up(settings, store)  # articles stored by a path that did not sync: indexed now
    if behind is not None:
        log.warning("%s index behind the store: %s", settings.index_backend, behind)
    if settings.index_backend == "tantivy":
        from presswatch.search.tantivy_index import TantivyIndex

        return TantivyIndex(store, tantivy_dir(settings, store.path))
    return SqliteIndex(store)
