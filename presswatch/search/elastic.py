"""The Elasticsearch backend: same request/result interface and query language as the SQLite index.

- An index template (``presswatch-articles-*``) holds the mappings: a folding analyzer
  (``đ``→``d`` char filter, Unicode word tokenizer, lower case, ASCII folding) on title and text,
  an accent-keeping ``.exact`` sub-field to rank exact matches first, keyword fields for filters
  and facets, dates in UTC.
- Searches go through an alias (``presswatch-articles``), so mappings change by reindexing into a
  new index and moving the alias (``presswatch reindex``).
- The store stays the source of truth: ``presswatch.search.es_sync`` sends articles the index has
  not seen yet (``EsIndex.bulk``: in bulk, with retries and back-off) and remembers how far it got;
  when Elasticsearch is down, ingestion carries on and the next sync catches up.
- The query AST is compiled to the bool/match/intervals query DSL; user text never reaches
  ``query_string``.
"""

from __future__ import annotations

import os
import re
import time
from datetime import UTC, datetime
from typing import Any

from analysis import fold
from presswatch.config import Settings
from presswatch.errors import ConfigError
from presswatch.provinces import provinces_of
from presswatch.query import And, DateBound, Field, Near, Node, Not, Or, Phrase, Word, loose_phrase, positive_terms
from presswatch.search.highlight import highlight, places_named, rank_key
from presswatch.search.interface import Hit, SearchRequest, SearchResult
from presswatch.times import iso, parse_iso

TEMPLATE = "presswatch-articles"
ALIAS = "presswatch-articles"
FACET_SIZE = 20
WORD_FIELDS = ["title_words^4", "text_words"]
_WORD = re.compile(r"\w+")
_FIELDS = {"source": "source_id", "kind": "source_kind", "topic": "topics", "sentiment": "sentiment",
           "relevance": "relevance", "place": "places", "province": "provinces"}

SETTINGS: dict[str, Any] = {
    "number_of_shards": 1,
    "analysis": {
        "char_filter": {"d_fold": {"type": "mapping", "mappings": ["đ=>d", "Đ=>D"]}},
        "analyzer": {
            "vi_folded": {"type": "custom", "char_filter": ["d_fold"], "tokenizer": "standard",
                          "filter": ["lowercase", "asciifolding"]},
            "vi_exact": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase"]},
            "folded_words": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]},
        },
    },
}
MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        "id": {"type": "long"},
        "url": {"type": "keyword"},
        "source_id": {"type": "keyword"},
        "source_kind": {"type": "keyword"},
        "title": {"type": "text", "analyzer": "vi_folded",
                  "fields": {"exact": {"type": "text", "analyzer": "vi_exact"}}},
        "text": {"type": "text", "analyzer": "vi_folded",
                 "fields": {"exact": {"type": "text", "analyzer": "vi_exact"}}},
        # The words the query language matches: analysis.fold + \w+ split, done by presswatch so both
        # backends see exactly the same tokens (the embedded index indexes the same folded text).
        "title_words": {"type": "text", "analyzer": "folded_words"},
        "text_words": {"type": "text", "analyzer": "folded_words"},
        "published_at": {"type": "date"},
        "dated_at": {"type": "date"},
        "relevance": {"type": "keyword"},
        "sentiment": {"type": "keyword"},
        "topics": {"type": "keyword"},
        "places": {"type": "keyword"},
        "provinces": {"type": "keyword"},  # 2025 names of the followed provinces the article concerns
        "cluster_id": {"type": "long"},
    },
}


CREDENTIAL_VARIABLES = ("PRESSWATCH_ES_API_KEY", "PRESSWATCH_ES_USERNAME", "PRESSWATCH_ES_PASSWORD")


def credential_problems(environ: dict[str, str]) -> list[str]:
    """The credential variables the client cannot send: it encodes them as ASCII in an HTTP header
    (a Vietnamese password crashed it with UnicodeEncodeError), so letters with diacritics and
    control characters (a line break pasted with the value) are refused. The value is never shown."""
    return [f"biến môi trường {name}: có ký tự thư viện Elasticsearch không gửi được (chữ có dấu, ký tự ngoài "
            "ASCII hoặc ký tự điều khiển như xuống dòng); chỉ dùng chữ không dấu, chữ số và ký hiệu ASCII"
            + ("" if name == "PRESSWATCH_ES_API_KEY" else ", hoặc dùng PRESSWATCH_ES_API_KEY")
            for name in CREDENTIAL_VARIABLES
            if not all(" " <= char <= "~" for char in environ.get(name, ""))]


def client_from_env(url: str, environ: dict[str, str] | None = None, **options: Any) -> Any:
    """An Elasticsearch client; credentials only from the environment:
    ``PRESSWATCH_ES_API_KEY``, or ``PRESSWATCH_ES_USERNAME`` and ``PRESSWATCH_ES_PASSWORD``.
    ConfigError (naming the variable) when a credential cannot be sent (``credential_problems``)."""
    from elasticsearch import Elasticsearch

    environ = dict(os.environ) if environ is None else environ
    problems = credential_problems(environ)
    if problems:
        raise ConfigError(problems)
    auth: dict[str, Any] = {}
    if environ.get("PRESSWATCH_ES_API_KEY"):
        auth["api_key"] = environ["PRESSWATCH_ES_API_KEY"]
    elif environ.get("PRESSWATCH_ES_USERNAME"):
        auth["basic_auth"] = (environ["PRESSWATCH_ES_USERNAME"], environ.get("PRESSWATCH_ES_PASSWORD", ""))
    return Elasticsearch(url, request_timeout=30, retry_on_timeout=True, max_retries=3, **auth, **options)


def _text_clause(node: Word | Phrase | Near) -> dict[str, Any]:
    if isinstance(node, Word) and node.prefix:
        query = " ".join(node.words)
        if len(node.words) == 1:
            return {"bool": {"should": [{"prefix": {"title_words": query}}, {"prefix": {"text_words": query}}],
                             "minimum_should_match": 1}}
        return {"multi_match": {"query": query, "fields": WORD_FIELDS, "type": "phrase_prefix"}}
    if isinstance(node, Word | Phrase):
        return {"multi_match": {"query": " ".join(node.words), "fields": WORD_FIELDS, "type": "phrase"}}
    rules = [{"match": {"query": " ".join(item.words), "max_gaps": 0, "ordered": True}} for item in node.items]
    near = {"all_of": {"ordered": False, "max_gaps": node.distance, "intervals": rules}}
    return {"bool": {"should": [{"intervals": {"title_words": near}}, {"intervals": {"text_words": near}}],
                     "minimum_should_match": 1}}


def compile_query(node: Node) -> dict[str, Any]:
    """The query DSL of an AST node (matching only, no ranking boosts)."""
    if isinstance(node, Word | Phrase | Near):
        return _text_clause(node)
    if isinstance(node, And):
        must = [compile_query(item) for item in node.items if not isinstance(item, Not)]
        must_not = [compile_query(item.item) for item in node.items if isinstance(item, Not)]
        return {"bool": {"must": must or [{"match_all": {}}], "must_not": must_not}}
    if isinstance(node, Or):
        return {"bool": {"should": [compile_query(item) for item in node.items], "minimum_should_match": 1}}
    if isinstance(node, Not):
        return {"bool": {"must": [{"match_all": {}}], "must_not": [compile_query(node.item)]}}
    if isinstance(node, DateBound):
        bound = "gte" if node.name == "since" else "lt"
        return {"range": {"dated_at": {bound: iso(node.moment)}}}
    if isinstance(node, Field):
        if node.name == "place":
            return {"terms": {"places": list(places_named(node.value))}}
        return {"term": {_FIELDS[node.name]: node.value}}
    raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover


def _boosts(tree: Node) -> list[dict[str, Any]]:
    """Ranking only: accented exact matches first, loose words standing together next."""
    boosts: list[dict[str, Any]] = []
    for term in positive_terms(tree):
        boosts.append({"multi_match": {"query": term.original, "fields": ["title.exact^4", "text.exact"],
                                       "type": "phrase", "boost": 50}})
    together = loose_phrase(tree)
    if together is not None:
        boosts.append({"multi_match": {"query": " ".join(together.words), "fields": WORD_FIELDS,
                                       "type": "phrase", "boost": 20}})
    return boosts


class EsIndex:
    """The Elasticsearch backend: the index behind ``alias``, searched and fed through ``client``."""

    def __init__(self, client: Any, alias: str = ALIAS) -> None:
        self.client = client
        self.alias = alias

    @classmethod
    def from_settings(cls, settings: Settings) -> EsIndex:
        """The index the settings name (``elasticsearch_url``, ``elasticsearch_alias``), reached with
        credentials from the environment (``client_from_env``)."""
        return cls(client_from_env(settings.elasticsearch_url), settings.elasticsearch_alias)

    # --- index management ---------------------------------------------------------------

    def ensure(self) -> None:
        """Install the template and, if the alias is missing, create a first index behind it."""
        self.client.indices.put_index_template(
            name=TEMPLATE, index_patterns=[f"{self.alias}-*"],
            template={"settings": SETTINGS, "mappings": MAPPINGS},
        )
        if not self.client.indices.exists_alias(name=self.alias):
            name = self.new_index_name()
            self.client.indices.create(index=name)
            self.client.indices.put_alias(index=name, name=self.alias)

    def new_index_name(self) -> str:
        return f"{self.alias}-{datetime.now(UTC).strftime('%Y%m%d%H%M%S%f')}"

    def indices_behind_alias(self) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias).body)
        except Exception:  # noqa: BLE001 - the client raises NotFoundError when there is none
            return []

    # --- documents ----------------------------------------------------------------------

    @staticmethod
    def document(row: Any) -> dict[str, Any]:
        import json

        analysis = json.loads(row["analysis"]) if row["analysis"] else {}
        return {
            "id": row["id"], "url": row["url"], "source_id": row["source_id"], "source_kind": row["source_kind"],
            "title": row["title_n"], "text": row["text_n"],
            "title_words": " ".join(_WORD.findall(fold(row["title_n"]))),
            "text_words": " ".join(_WORD.findall(fold(row["text_n"]))),
            "published_at": row["published_at"], "dated_at": row["dated_at"],
            "relevance": row["relevance"], "sentiment": row["sentiment"],
            "topics": analysis.get("topics", []), "places": [p["name"] for p in analysis.get("places", [])],
            "provinces": list(provinces_of(analysis)),
            "cluster_id": row["cluster_id"],
        }

    def bulk(self, index: str, rows: list[Any], retries: int = 5) -> int:
        """Index ``rows``; retry what is rejected (429 back-pressure, timeouts) with exponential
        back-off. Returns how many were indexed; raises when some never were."""
        from elasticsearch import helpers

        pending = [{"_index": index, "_id": str(row["id"]), "_source": self.document(row)} for row in rows]
        done = 0
        for attempt in range(retries + 1):
            failed = []
            for ok, item in helpers.streaming_bulk(self.client, pending, chunk_size=500, max_retries=3,
                                                   initial_backoff=1, raise_on_error=False,
                                                   raise_on_exception=False):
                if ok:
                    done += 1
                else:
                    failed.append(item)
            if not failed:
                return done
            failed_ids = {str(next(iter(item.values())).get("_id")) for item in failed}
            pending = [action for action in pending if action["_id"] in failed_ids]
            if attempt < retries:
                time.sleep(min(30.0, 2.0 ** attempt))
        raise RuntimeError(f"{len(pending)} bài không lập chỉ mục được sau {retries + 1} lần thử")

    def refresh(self) -> None:
        self.client.indices.refresh(index=self.alias)

    # --- search -------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        tree = request.tree()
        query: dict[str, Any] = {"bool": {"must": [compile_query(tree)]}}
        boosts = _boosts(tree) if request.sort == "relevance" else []
        if boosts:
            query["bool"]["should"] = boosts
        body: dict[str, Any] = {"query": query, "from": request.offset, "size": request.limit,
                                "track_total_hits": True}
        if request.sort == "date" or not positive_terms(tree):
            body["sort"] = [{"dated_at": "desc"}, {"id": "desc"}]
        if request.facets:
            body["aggs"] = {
                **{name: {"terms": {"field": field, "size": FACET_SIZE}} for name, field in _FIELDS.items()},
                "per_day": {"date_histogram": {"field": "dated_at", "calendar_interval": "day",
                                               "time_zone": "+07:00", "min_doc_count": 1}},
            }
        response = self.client.search(index=self.alias, **body).body
        hits = [self._hit(item["_source"], tree) for item in response["hits"]["hits"]]
        if request.sort == "relevance" and positive_terms(tree):
            order = {hit.id: position for position, hit in enumerate(hits)}
            hits.sort(key=lambda hit: (not hit.exact, not hit.together, order[hit.id]))
        result = SearchResult(hits=hits, total=int(response["hits"]["total"]["value"]))
        if request.facets and request.facet_max_hits is not None and result.total > request.facet_max_hits:
            result.facets_omitted = True
        elif request.facets:
            aggregations = response.get("aggregations", {})
            for name in _FIELDS:
                buckets = aggregations.get(name, {}).get("buckets", [])
                result.facets[name] = sorted(((str(b["key"]), int(b["doc_count"])) for b in buckets),
                                             key=lambda kv: (-kv[1], kv[0]))
            result.per_day = [(str(b["key_as_string"])[:10], int(b["doc_count"]))
                              for b in aggregations.get("per_day", {}).get("buckets", []) if b["doc_count"]]
        return result

    @staticmethod
    def _hit(source: dict[str, Any], tree: Node) -> Hit:
        snippet, spans = highlight(source["text"], tree)
        exact, together = rank_key(source["title"] + "\n" + source["text"], tree)
        dated = parse_iso(source["dated_at"])
        assert dated is not None
        return Hit(id=int(source["id"]), url=source["url"], source_id=source["source_id"],
                   source_kind=source["source_kind"], title=source["title"],
                   published_at=parse_iso(source.get("published_at")), dated_at=dated, snippet=snippet,
                   highlights=spans, exact=exact, together=together, relevance=source.get("relevance"),
                   sentiment=source.get("sentiment"), topics=list(source.get("topics") or []))
