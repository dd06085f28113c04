"""tantivy, the peer: the same query language and ``SearchResult`` as the SQLite FTS5 index, answered
by an embedded tantivy index (the Rust search library, through its official Python bindings) kept
in a directory beside the store.

Same tokens as SQLite: each article's title and text are normalised, folded (``analysis.fold``) and
split into the letter-and-digit runs FTS5's ``unicode61`` tokenizer makes of them; tantivy indexes
those words joined by spaces with its ``whitespace`` tokenizer, so both engines hold identical terms
(the Elasticsearch backend's ``title_words`` / ``text_words`` idea). Query words are split the same way.

How each query shape is answered:

- a word is a term of ``title`` or ``text`` (title boosted 4×, like ``bm25(articles_fts, 4.0, 1.0)``);
  a phrase a phrase query on either field; ``thuy*`` a regular expression over the term dictionary
  (every expansion, as FTS5); ``"sai su"*`` a phrase-prefix query (at most 50 expansions of the last
  word: tantivy's limit, FTS5 has none);
- ``NEAR`` of two phrases with no word in common (the usual case), at most 20 words apart: one phrase
  query with fixed offsets for each order and gap, which is FTS5's NEAR rule exactly; otherwise
  (three phrases, shared words, a longer distance) the documents holding every phrase in one field
  are collected and checked against the rule on their stored words (``near_match``), and the node
  stands for that id set;
- ``AND`` / ``OR`` / ``NOT`` are boolean queries (any nesting); filters and dates never score;
- dates are a range over the ``dated`` fast field (seconds): a window touches only the documents of
  the window, whatever the archive's size; ``sort=date`` reads the ``order`` fast field (date, then
  id, like SQLite's ``ORDER BY dated_at DESC, id DESC``);
- facets and counts per day are terms aggregations over fast fields.

Hits are built from the store's rows, exactly as the SQLite backend builds them (snippet, exact and
together tiers, the same MAX_POOL re-ranking): only matching, counting, ranking and facets differ.
The index stores a high-water mark (the last article id it holds) in a file written after each
commit; ``sync`` adds the articles after it, so a crash between store and index is repaired by the
next ``sync``.

One writer at a time: tantivy allows one ``IndexWriter`` per index, so every write (``sync``,
``refresh``, ``remove``, ``rebuild``) holds an exclusive ``flock`` on ``presswatch-write.lock`` in
the index's directory; a second writer (the service's sync and a CLI crawl's) waits for it, up to
``LOCK_WAIT`` seconds, then gives up with ``SearchIndexError`` (the articles stay stored: the next
sync takes them). Readers (the web process) never lock. How the index is kept in step with the
store (after a crawl, a correction, a reanalysis, retention) is ``presswatch.search.keep``.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import tantivy

from analysis import fold
from presswatch.errors import SearchIndexError
from presswatch.query import And, DateBound, Field, Near, Node, Not, Or, Phrase, Word, is_text
from presswatch.search.highlight import places_named
from presswatch.search.interface import SearchRequest, SearchResult
from presswatch.search.sqlite import FACET_SIZE, MAX_POOL, SqliteIndex
from presswatch.store import Store
from presswatch.store.articles import count_articles, index_rows, index_rows_of
from presswatch.times import local_date, parse_iso

__all__ = ["TantivyIndex", "near_match", "pairs_of", "words_of"]

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"[^\W_]+")  # FTS5 unicode61: letters and digits; "_" separates
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)
ORDER_SHIFT = 1 << 30  # order = seconds since 2000 × 2^30 + id (ids below 2^30)
TERMS_MAX = 100_000  # buckets a terms aggregation returns at most (facet values, days)
PAIRS = "_pairs"  # the fields of neighbouring-word pairs: title_pairs, text_pairs
MARK_FILE = "presswatch-mark.json"
LOCK_FILE = "presswatch-write.lock"
NEAR_FETCH = 20_000  # a NEAR's answers (or candidates) fetched in one go (more: a second call)
EXACT_NEAR_GAPS = 21  # NEAR/0 … NEAR/20 of two phrases: one phrase query per order and gap (see _near)
LOCK_WAIT = 300.0  # seconds a writer waits for another one (a big sync commits every 5,000 articles)
Scope = tuple[tantivy.Query, ...]  # a query's top-level filters (dates, fields), which bound a NEAR
_FACETS = {"source": "source_id", "kind": "source_kind", "sentiment": "sentiment", "relevance": "relevance",
           "topic": "topics", "place": "places", "province": "provinces"}
_KEYWORDS = ("source_id", "source_kind", "sentiment", "relevance", "topics", "places", "provinces", "day")


def words_of(text: str) -> str:
    """The folded words FTS5 holds for ``text`` (normalised), joined by single spaces."""
    return " ".join(_TOKEN.findall(fold(text)))


def pairs_of(words: str) -> str:
    """Each pair of neighbouring words of ``words`` (as ``words_of`` joins them) as one term
    ``first_second``, in order: the i-th term stands at the i-th word's position. ``_`` is never
    part of a word, so a pair term is never a word."""
    split = words.split()
    return " ".join(f"{first}_{second}" for first, second in zip(split, split[1:], strict=False))


def _terms(words: Iterable[str]) -> list[str]:
    return [token for word in words for token in _TOKEN.findall(word)]


def _starts(text: str, phrase: list[str]) -> list[int]:
    """The word positions where ``phrase`` starts in ``text`` (words joined by single spaces),
    overlapping occurrences included; found by ``str.find`` and counted in C, not word by word."""
    needle = " ".join(phrase)
    found: list[int] = []
    offset, position, counted = text.find(needle), 0, 0
    while offset >= 0:
        end = offset + len(needle)
        if (offset == 0 or text[offset - 1] == " ") and (end == len(text) or text[end] == " "):
            position += text.count(" ", counted, offset)
            counted = offset
            found.append(position)
        offset = text.find(needle, offset + 1)
    return found


def near_match(fields: Iterable[str], items: list[list[str]], distance: int) -> bool:
    """FTS5's NEAR rule on one field's words (``fields``: each field's words joined by single spaces):
    one occurrence of each phrase of ``items`` such that, with M the latest start, every phrase i
    starts at or after ``M - len(i) - distance`` (at most ``distance`` words between any phrase's end
    and the latest start; any order, overlaps allowed)."""
    for text in fields:
        starts: list[list[int]] = []
        for phrase in items:
            found = _starts(text, phrase)
            if not found:
                break
            starts.append(found)
        else:
            for latest in sorted({start for found in starts for start in found}):
                if all(any(latest - len(phrase) - distance <= start <= latest for start in found)
                       for phrase, found in zip(items, starts, strict=True)):
                    return True
    return False


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())  # stored dates have whole seconds; iso() truncates the same way


_OPENING = threading.Lock()
_OPEN: dict[Path, tuple[tantivy.Index, tuple[int, ...]]] = {}  # one Index per directory and process: readers reused


def _open(path: Path, built: tantivy.Schema) -> tantivy.Index:
    """The process's ``tantivy.Index`` of ``path``, reloaded when another process committed since
    (``meta.json`` changed): a web request sees the last crawl's articles without reopening."""
    key = path.resolve()
    meta = path / "meta.json"
    with _OPENING:  # the web's worker threads open it at once
        # mtime alone can repeat (a commit within the clock's tick): the atomic rewrite's inode and size too
        stamp = (lambda st: (st.st_mtime_ns, st.st_size, st.st_ino))(meta.stat()) if meta.exists() else (0,)
        cached = _OPEN.get(key)
        if cached is None:
            _OPEN[key] = (_current(path, built), stamp)
        elif cached[1] != stamp:
            cached[0].reload()
            _OPEN[key] = (cached[0], stamp)
        return _OPEN[key][0]


def _current(path: Path, built: tantivy.Schema) -> tantivy.Index:
    """The index at ``path``; one written by an older presswatch with another schema (before the
    word-pair fields) is emptied and made anew, under the write lock (the next sync indexes every
    article again: the store is the source of truth; searches answer from what it holds meanwhile)."""
    try:
        return tantivy.Index(built, path=str(path))
    except ValueError as error:
        if "schema does not match" not in str(error):
            raise
    with open(path / LOCK_FILE, "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            try:
                return tantivy.Index(built, path=str(path))  # another process made it anew meanwhile
            except ValueError:
                pass
            log.warning("chỉ mục tantivy %s có lược đồ cũ: đã làm trống và tạo lại; lần đồng bộ tới sẽ "
                        "lập chỉ mục lại toàn bộ bài đã lưu", path)
            for entry in path.iterdir():
                if entry.is_dir():
                    shutil.rmtree(entry)
                elif entry.name != LOCK_FILE:
                    entry.unlink()
            return tantivy.Index(built, path=str(path))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", indexed=True, fast=True)
    builder.add_integer_field("dated", indexed=True, fast=True)
    builder.add_integer_field("order", fast=True)
    for name in ("title", "text"):
        builder.add_text_field(name, stored=True, tokenizer_name="whitespace", index_option="position")
        # each pair of neighbouring words as one term ("lai_chau") at the first word's position: a
        # NEAR of two phrases becomes phrases of rare terms (see _near_exact)
        builder.add_text_field(name + PAIRS, stored=False, tokenizer_name="whitespace", index_option="position")
    for name in _KEYWORDS:
        builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    return builder.build()


class TantivyIndex:
    """A tantivy index at ``path`` over the articles of ``store``; answers ``SearchRequest``s."""

    def __init__(self, store: Store, path: Path, heap_mib: int = 256, threads: int = 1) -> None:
        self.store = store
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise SearchIndexError(f"chỉ mục tantivy cần một thư mục, nhưng {self.path} là một tệp: sửa "
                                   "tantivy_path trong presswatch.yaml (để trống: thư mục <cơ sở dữ liệu>.tantivy)")
        self.path.mkdir(parents=True, exist_ok=True)
        self.schema = schema()
        self.index = _open(self.path, self.schema)
        self.heap = heap_mib * 2**20
        self.threads = threads
        self.rows = SqliteIndex(store)  # the store's rows and hits, built as the SQLite backend builds them
        self._searcher: Any = None

    # --- indexing -----------------------------------------------------------------------

    def mark(self) -> int:
        """The last article id the index holds (0: empty)."""
        file = self.path / MARK_FILE
        return int(json.loads(file.read_text())["last_article_id"]) if file.exists() else 0

    def _set_mark(self, last: int) -> None:
        part = self.path / (MARK_FILE + ".part")
        part.write_text(json.dumps({"last_article_id": last}))
        os.replace(part, self.path / MARK_FILE)  # a crash leaves the old mark or the new, never half

    @contextmanager
    def writing(self, wait: float = LOCK_WAIT) -> Iterator[Any]:
        """The index's one writer, under the directory's write lock (waits up to ``wait`` seconds for
        another writer, then raises ``SearchIndexError``); reloads the readers when done."""
        with open(self.path / LOCK_FILE, "a+") as lock:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise SearchIndexError(
                            f"chỉ mục tìm kiếm {self.path} đang được một tiến trình khác ghi quá {wait:.0f} giây; "
                            "bài đã lưu, lần đồng bộ sau sẽ đưa vào chỉ mục") from None
                    time.sleep(0.2)
            try:
                writer = self.index.writer(heap_size=self.heap, num_threads=self.threads)
                try:
                    yield writer
                finally:
                    writer.wait_merging_threads()
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
        self.index.reload()
        self._searcher = None

    @staticmethod
    def document(row: Any) -> tantivy.Document:
        """The tantivy document of a store row (``presswatch.store.articles.index_rows``)."""
        dated = parse_iso(row["dated_at"])
        assert dated is not None
        analysis = json.loads(row["analysis"]) if row["analysis"] else {}
        seconds = _seconds(dated)
        doc = tantivy.Document()
        doc.add_unsigned("id", row["id"])
        doc.add_integer("dated", seconds)
        doc.add_integer("order", (seconds - _seconds(EPOCH)) * ORDER_SHIFT + row["id"])
        for name, column in (("title", "title_n"), ("text", "text_n")):
            words = words_of(row[column])
            doc.add_text(name, words)
            doc.add_text(name + PAIRS, pairs_of(words))
        doc.add_text("source_id", row["source_id"])
        doc.add_text("source_kind", row["source_kind"])
        doc.add_text("day", local_date(dated).isoformat())
        for name in ("sentiment", "relevance"):
            if row[name] is not None:
                doc.add_text(name, row[name])
        for topic in analysis.get("topics", []):
            doc.add_text("topics", topic)
        for place in {p["name"] for p in analysis.get("places", [])}:
            doc.add_text("places", place)
        for province in analysis.get("provinces") or {}:  # the followed provinces it concerns
            doc.add_text("provinces", province)
        return doc

    def sync(self, batch: int = 5000, after: int | None = None,
             progress: Callable[[int, int], None] | None = None, wait: float = LOCK_WAIT,
             rolling: bool = False) -> int:
        """Index the stored articles after the mark (all of them into an empty index), or after
        ``after`` when it is lower (articles rewritten since they were indexed: ``presswatch
        reanalyze``); the mark is saved after each commit. An article the index already holds past
        that point (a crash after the commit, before the mark; a rewritten one) is deleted first:
        never indexed twice. ``rolling`` (a rebuild): each batch replaces only its own id range in
        the commit that adds it, so every article stays searchable meanwhile; entries beyond the
        last stored article go at the end. Returns how many were added; cheap when caught up (one
        SQLite read, no lock, no writer)."""
        if after is None and not index_rows(self.store.db, self.mark(), 1):
            return 0  # caught up (another writer can only move the mark on)
        with self.writing(wait) as writer:
            last = self.mark() if after is None else min(self.mark(), after)
            total = count_articles(self.store.db, after_id=last) if progress is not None else 0
            added = 0
            first = True
            while rows := index_rows(self.store.db, last, batch):
                if rolling:  # this batch's range only: the old entries of the rest stay searchable
                    writer.delete_documents_by_query(self._ids_from(last + 1, rows[-1]["id"]))
                elif first:  # anything past the mark came from an interrupted run: drop it
                    writer.delete_documents_by_query(self._ids_from(last + 1))
                    first = False
                for row in rows:
                    writer.add_document(self.document(row))
                writer.commit()
                last = rows[-1]["id"]
                self._set_mark(last)
                added += len(rows)
                if progress is not None:
                    progress(added, total)
            if rolling:  # articles deleted from the store since the index took them
                writer.delete_documents_by_query(self._ids_from(last + 1))
                writer.commit()
                self._set_mark(last)
        return added

    def _ids_from(self, first: int, last: int = 2**63) -> tantivy.Query:
        return tantivy.Query.range_query(self.schema, "id", tantivy.FieldType.Unsigned, first, last)

    def refresh(self, ids: list[int], wait: float = LOCK_WAIT) -> int:
        """Index the stored articles ``ids`` again (their analysis changed: an analyst's correction):
        delete by id, add from the store. Only those the index already holds (at or below the mark);
        the others go with the next sync, as they are. Returns how many were re-indexed."""
        with self.writing(wait) as writer:
            held = sorted({i for i in ids if i <= self.mark()})
            if not held:
                return 0
            writer.delete_documents_by_query(tantivy.Query.term_set_query(self.schema, "id", held))
            rows = index_rows_of(self.store.db, held)
            for row in rows:
                writer.add_document(self.document(row))
            writer.commit()
        return len(rows)

    def remove(self, ids: list[int], before: datetime | None = None, wait: float = LOCK_WAIT) -> None:
        """Delete the articles ``ids`` (deleted from the store: retention) and, with ``before``,
        every article dated before it: retention's cutoff, so articles whose deletion from the index
        a crash interrupted go with the next run's."""
        if not ids and before is None:
            return
        with self.writing(wait) as writer:
            if ids:
                writer.delete_documents_by_query(tantivy.Query.term_set_query(self.schema, "id", sorted(ids)))
            if before is not None:
                writer.delete_documents_by_query(tantivy.Query.range_query(
                    self.schema, "dated", tantivy.FieldType.Integer, -(2**62), _seconds(before),
                    include_upper=False))
            writer.commit()

    def rebuild(self, progress: Callable[[int, int], None] | None = None, wait: float = LOCK_WAIT,
                batch: int = 5000) -> int:
        """Index every stored article anew (``presswatch reindex``), batch by batch from the first,
        each batch replacing its own id range (``sync(rolling=True)``): searches meanwhile find every
        article, rebuilt or not yet. Interrupted, the mark says where the next sync resumes (it
        replaces everything past it)."""
        return self.sync(batch=batch, after=0, progress=progress, wait=wait, rolling=True)

    def searcher(self) -> Any:
        if self._searcher is None:
            self._searcher = self.index.searcher()
        return self._searcher

    # --- compilation --------------------------------------------------------------------

    def _text(self, node: Word | Phrase, field: str) -> tantivy.Query:
        words: list[str | tuple[int, str]] = list(_terms(node.words))
        if isinstance(node, Word) and node.prefix:
            if len(words) == 1:
                return tantivy.Query.regex_query(self.schema, field, re.escape(str(words[0])) + ".*")
            return tantivy.Query.phrase_prefix_query(self.schema, field, words)
        if len(words) == 1:
            return tantivy.Query.term_query(self.schema, field, words[0])
        return tantivy.Query.phrase_query(self.schema, field, words)

    def _either(self, node: Word | Phrase) -> tantivy.Query:
        title = tantivy.Query.boost_query(self._text(node, "title"), 4.0)
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, title),
                                            (tantivy.Occur.Should, self._text(node, "text"))])

    def _near(self, node: Near, scope: Scope = ()) -> tantivy.Query:
        """The documents where ``node`` holds, as an id set. Two phrases with no word in common, at
        most ``EXACT_NEAR_GAPS`` apart: found by phrase queries that are NEAR itself (``_near_exact``).
        Otherwise: the documents holding every phrase in one field, checked with ``near_match`` on
        their stored words. ``scope``: the query's top-level dates and field filters, which every answer
        meets anyway; the documents are limited to them (a window's NEAR reads the window's documents
        only), which changes no answer: on documents within the scope the set is the same, and
        documents outside it are excluded by the query."""
        items = [_terms(item.words) for item in node.items]
        exact = (len(items) == 2 and all(items) and not set(items[0]) & set(items[1])
                 and node.distance < EXACT_NEAR_GAPS)
        per_field = [self._near_exact(items, node.distance, field) if exact else
                     tantivy.Query.boolean_query([(tantivy.Occur.Must, self._text(item, field)) for item in node.items])
                     for field in ("title", "text")]
        either = tantivy.Query.boolean_query([(tantivy.Occur.Should, query) for query in per_field])
        # (the fields' alternatives nested: beside a Must clause, tantivy treats Should as optional)
        bounded = tantivy.Query.const_score_query(
            tantivy.Query.boolean_query([(tantivy.Occur.Must, either)]
                                        + [(tantivy.Occur.Must, query) for query in scope]), 0.0)
        # run once and kept as an id set: a page runs its query twice or more (hits, facets, counts
        # per day), and the phrases or the check cost far more than the set (limit < num_docs: the
        # bindings repeat hits beyond it)
        searcher = self.searcher()
        found = searcher.search(bounded, limit=max(1, min(NEAR_FETCH, searcher.num_docs - 1)), count=True)
        if found.count > len(found.hits):
            found = searcher.search(bounded, limit=found.count)
        addresses = list({(address.segment_ord, address.doc): address for _, address in found.hits}.values())
        if not exact:  # candidates: checked on their stored words
            def holds(address: Any) -> bool:
                doc = searcher.doc(address)
                fields = (str(doc.get_first("title") or ""), str(doc.get_first("text") or ""))
                return near_match(fields, items, node.distance)

            addresses = [address for address in addresses if holds(address)]
        return self._id_set(searcher, addresses)

    def _id_set(self, searcher: Any, addresses: list[Any]) -> tantivy.Query:
        ids = [int(value or 0) for value in searcher.fast_field_values("id", addresses)] if addresses else []
        if not ids:
            return tantivy.Query.empty_query()
        return tantivy.Query.term_set_query(self.schema, "id", ids)

    def _near_exact(self, items: list[list[str]], distance: int, field: str) -> tantivy.Query:
        """NEAR of two phrases with no word in common, in ``field``: such phrases cannot overlap, so
        NEAR holds exactly where one follows the other with 0 to ``distance`` words between — one
        phrase query with fixed offsets per order and gap (2 × (distance + 1) of them). When both
        phrases have two words or more, the phrases are of their word pairs (``title_pairs``,
        ``text_pairs``): the same positions, far rarer terms (at 100k articles 4–15× faster). Not
        tantivy's sloppy phrase: its matches are not monotonic in the slop (at 1M articles a document matched
        "ha noi tai nan" with slop 10 and 100 but not 20), so no slop is a safe bound."""
        paired = all(len(item) > 1 for item in items)

        def terms(item: list[str]) -> list[str]:  # a phrase of n words: its n - 1 pairs, same positions
            return pairs_of(" ".join(item)).split() if paired else item

        def placed(first: list[str], second: list[str], gap: int) -> list[str | tuple[int, str]]:
            words: list[str | tuple[int, str]] = [(offset, term) for offset, term in enumerate(terms(first))]
            return words + [(len(first) + gap + offset, term) for offset, term in enumerate(terms(second))]

        target = field + PAIRS if paired else field
        phrases = [tantivy.Query.phrase_query(self.schema, target, placed(first, second, gap))
                   for first, second in ((items[0], items[1]), (items[1], items[0]))
                   for gap in range(distance + 1)]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, phrase) for phrase in phrases])

    def compile(self, node: Node, scored: bool = True, scope: Scope = ()) -> tantivy.Query:
        """The tantivy query of an AST node; with ``scored`` False it matches without scoring;
        ``scope`` (the query's top-level filters) bounds the documents a NEAR reads."""
        if not scored and not isinstance(node, And | Or | Not):
            return tantivy.Query.const_score_query(self.compile(node, scope=scope), 0.0)
        if isinstance(node, Word | Phrase):
            return self._either(node)
        if isinstance(node, Near):
            return self._near(node, scope)
        if isinstance(node, And):
            clauses = [(tantivy.Occur.MustNot, self.compile(item.item, False, scope)) if isinstance(item, Not)
                       else (tantivy.Occur.Must, self.compile(item, scored, scope)) for item in node.items]
            if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
                clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
            return tantivy.Query.boolean_query(clauses)
        if isinstance(node, Or):
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, self.compile(item, scored, scope))
                                                for item in node.items])
        if isinstance(node, Not):
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                                (tantivy.Occur.MustNot, self.compile(node.item, False, scope))])
        if isinstance(node, DateBound):
            moment = _seconds(node.moment)
            if node.name == "since":
                return tantivy.Query.range_query(self.schema, "dated", tantivy.FieldType.Integer, moment, 2**62)
            return tantivy.Query.range_query(self.schema, "dated", tantivy.FieldType.Integer, -(2**62), moment,
                                             include_upper=False)
        if isinstance(node, Field):
            field = _FACETS[node.name]
            if node.name == "place":
                return tantivy.Query.term_set_query(self.schema, field, list(places_named(node.value)))
            return tantivy.Query.term_query(self.schema, field, node.value)
        raise AssertionError(f"unexpected node {node!r}")  # pragma: no cover

    # --- execution ----------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        """Ranked like the SQLite backend: when the query's top level holds words, bm25 (over every
        match, not a window) picks a pool the store's rows re-rank by exact accents and adjacency;
        otherwise (or with ``sort=date``) newest first."""
        tree = request.tree()
        top = list(tree.items) if isinstance(tree, And) else [tree]
        ranked = request.sort == "relevance" and any(is_text(item) for item in top)
        scope = tuple(self.compile(item, False) for item in top if isinstance(item, DateBound | Field))
        if ranked:  # the top-level words score; top-level filters and negations do not
            clauses = [(tantivy.Occur.MustNot, self.compile(item.item, False, scope)) if isinstance(item, Not)
                       else (tantivy.Occur.Must, self.compile(item, is_text(item), scope)) for item in top]
            if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):  # pragma: no cover - ranked
                clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
            query = tantivy.Query.boolean_query(clauses)
        else:
            query = self.compile(tree, scored=False, scope=scope)
        searcher = self.searcher()
        wanted = request.offset + request.limit
        if ranked:
            pool = max(min(max(wanted * 3, 100), MAX_POOL), wanted)
            found = searcher.search(query, limit=pool, count=True)
        else:
            found = searcher.search(query, limit=max(request.limit, 1), offset=request.offset, count=True,
                                    order_by_field="order", order=tantivy.Order.Desc)
        total = int(found.count or 0)
        # ranked: the whole pool is re-ranked, then the page cut from it (as SQLite does), so a page
        # does not depend on the limit asked for and pages never overlap
        addresses = [address for _, address in found.hits][:None if ranked else request.limit]
        ids = [int(value or 0) for value in searcher.fast_field_values("id", addresses)] if addresses else []
        rows = {row["id"]: row for row in self.rows.articles(ids)}
        ordered = [rows[i] for i in ids if i in rows]
        if ranked:
            ordered = self.rows.reranked(ordered, tree)[request.offset:wanted]
        result = SearchResult(hits=[self.rows.hit(row, tree) for row in ordered], total=total)
        if request.facets and request.facet_max_hits is not None and total > request.facet_max_hits:
            result.facets_omitted = True
        elif request.facets:
            self._facets(query, result)
        return result

    def _facets(self, query: tantivy.Query, result: SearchResult) -> None:
        aggs = {name: {"terms": {"field": field, "size": TERMS_MAX}} for name, field in _FACETS.items()}
        aggs["per_day"] = {"terms": {"field": "day", "size": TERMS_MAX}}
        answer = self.searcher().aggregate(query, aggs)
        for name in _FACETS:
            counts = [(str(b["key"]), int(b["doc_count"])) for b in answer[name]["buckets"]]
            result.facets[name] = sorted(counts, key=lambda item: (-item[1], item[0]))[:FACET_SIZE]
        result.per_day = sorted((str(b["key"]), int(b["doc_count"])) for b in answer["per_day"]["buckets"])

