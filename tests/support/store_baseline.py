"""The article insert as it was before the build was made faster (commit 8822256, 7 Dec 2026):
the reference that ``tests/store/test_build_equivalence.py`` and ``bench/build.py`` compare the
store's ``insert`` against. A frozen copy, never to be edited: the normalisation and folding, the
story lookup and the insert, line for line as they were (only the imports and names differ), with
one exception: the fix made beside the speed work (``normalize`` drops combining marks NFC leaves
alone, so that ``fold`` keeps offsets; commit 3c3f3f4) is applied here too, marked below, so that the
comparison stays about speed.
"""

# ruff: noqa
# mypy: ignore-errors

from __future__ import annotations

import json
import re
import sqlite3
import unicodedata
from array import array
from typing import Any

from analysis.fingerprint import BAND, SAME_STORY, K, similarity
from presswatch.models import Article
from presswatch.times import iso

# --- analysis/normalize.py -----------------------------------------------------------------------
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"  # grave, acute, tilde, hook above, dot below
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_HAS_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")  # a search is far cheaper than translate
_SPACES = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")

# An open syllable ending in oa/oe/uy (optionally capitalised) whose tone sits on the second vowel.
# The lookbehind keeps "qu" + y ("quý") untouched; the lookahead requires the syllable to end there.
_NEW_STYLE = re.compile(
    r"(?<![qQ\w])([^\W\d_]*?)"  # syllable onset (consonants), captured to check for "qu"
    r"([oOuU])([aAeEyY][" + _TONE_MARKS + r"])(?![^\W\d_]|[\u0300-\u036f])"
)  # the last lookahead: in NFD, "hoặc" is h o a + dot below + breve: a closed syllable, left alone


# Cheap pre-check on NFC text: a new-style placement needs o/u followed by a toned a/e/y.
_MAYBE_NEW_STYLE = re.compile("[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ]")
# The whitespace-delimited words holding such a pair: ``_NEW_STYLE`` never matches across
# whitespace, so only these words need the (slow) NFD round trip. Anchored at a word's start and
# lazy up to the pair: an unanchored ``\S*`` would rescan a long run without spaces from each of
# its characters (quadratic: 20,000 characters took 3 s).
_CANDIDATE_WORDS = re.compile(r"(?<!\S)\S*?[oOuU][àáảãạèéẻẽẹỳýỷỹỵÀÁẢÃẠÈÉẺẼẸỲÝỶỸỴ]\S*")


def _move_tone(match: re.Match[str]) -> str:
    onset, first, second = match.group(1), match.group(2), match.group(3)
    if first in "uU" and onset.lower().endswith("q"):
        return match.group(0)
    if first in "uU" and second[0] not in "yY":
        return match.group(0)
    if first in "oO" and second[0] not in "aAeE":
        return match.group(0)
    return onset + first + second[1] + second[0]


def normalize(text: str) -> str:
    """Return ``text`` in NFC with traditional tone placement, without invisible characters,
    with runs of spaces collapsed and line ends kept (at most one blank line in a row)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if _HAS_INVISIBLE.search(text):  # marks separated by an invisible character can compose now
        text = unicodedata.normalize("NFC", text.translate(_INVISIBLE))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _COMBINING.search(text):  # the one edit since the freeze: the stray-mark fix (3c3f3f4)
        text = _COMBINING.sub("", text)
    if _MAYBE_NEW_STYLE.search(text):
        text = _CANDIDATE_WORDS.sub(_traditional, text)
    lines = (line.strip() for line in _SPACES.sub(" ", text).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _traditional(word: re.Match[str]) -> str:
    return unicodedata.normalize("NFC", _NEW_STYLE.sub(_move_tone, unicodedata.normalize("NFD", word.group(0))))


def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x00C0, 0x2000):
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(base) == 1 and base != char:
            table[code] = base.lower()
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    table[ord("Ð")] = "d"  # U+00D0 ETH, sometimes typed for Đ
    return table


_FOLD_TABLE = _build_fold_table()
_COMBINING = re.compile(r"[\u0300-\u036f]")


def fold(text: str) -> str:
    """Fold ``text`` for matching: no diacritics, đ → d, lower case.

    Works on any input (NFD included); on ``normalize``d text it preserves length."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)
        if _COMBINING.search(text):
            text = _COMBINING.sub("", text)
    return text.lower()

# --- presswatch/store/clusters.py ---------------------------------------------------------------
CANDIDATES_PER_BAND = 64


def find_cluster(db: sqlite3.Connection, sketch: list[int]) -> int | None:
    """The story cluster of the most similar stored article (estimated Jaccard ≥ SAME_STORY), if any."""
    bands = sketch[:BAND]
    if not bands:
        return None
    # Candidates share at least two of the smallest hashes. A hash shared by many articles (a stock
    # phrase) only contributes its most recent holders, so the cost per article stays bounded.
    # Counted in SQL, one statement: up to 8 × 64 holders per article. A candidate's cluster is read
    # only when it beats the best so far (a random read in the large ``articles`` table).
    per_band = "SELECT * FROM (SELECT article_id FROM sketch_bands WHERE hash = ? ORDER BY article_id DESC LIMIT ?)"
    holders = " UNION ALL ".join([per_band] * len(bands))
    best = 0.0
    cluster_id = None
    mine = set(sketch)
    for candidate in db.execute(
        f"""SELECT c.article_id, s.sketch FROM (
                SELECT article_id, count(*) AS shared FROM ({holders}) GROUP BY article_id HAVING shared >= 2
                ORDER BY shared DESC, article_id DESC LIMIT 25) c
            JOIN article_sketches s ON s.article_id = c.article_id
            ORDER BY c.article_id""",
        [value for band in bands for value in (band, CANDIDATES_PER_BAND)],
    ).fetchall():
        other = array("I")
        other.frombytes(candidate["sketch"])
        hashes = other.tolist()
        # Shared hashes / k bounds the estimate from above: most candidates stop here, unsorted.
        bound = len(mine.intersection(hashes)) / max(1, min(K, len(sketch), len(hashes)))
        if bound < SAME_STORY or bound <= best:
            continue
        value = similarity(sketch, hashes)
        if value >= SAME_STORY and value > best:
            row = db.execute("SELECT cluster_id FROM articles WHERE id = ?", (candidate["article_id"],)).fetchone()
            if row is not None and row[0] is not None:
                best, cluster_id = value, int(row[0])
    return cluster_id


def join_cluster(db: sqlite3.Connection, article_id: int, cluster_id: int | None, dated: str) -> int:
    """Add the new article ``article_id`` (not stored yet) to ``cluster_id``, or start a new cluster
    with it. The earliest published copy is the cluster's original. Returns the cluster's id."""
    if cluster_id is None:
        return int(db.execute("INSERT INTO clusters (original_id, size) VALUES (?, 1)", (article_id,)).lastrowid or 0)
    original = db.execute(
        "SELECT a.id, a.dated_at FROM clusters c JOIN articles a ON a.id = c.original_id WHERE c.id = ?",
        (cluster_id,),
    ).fetchone()
    new_original = article_id if original is None or dated < original["dated_at"] else original["id"]
    db.execute("UPDATE clusters SET size = size + 1, original_id = ? WHERE id = ?", (new_original, cluster_id))
    return cluster_id



# --- presswatch/store/articles.py ---------------------------------------------------------------

def insert(db: sqlite3.Connection, article: Article) -> int | None:
    """Store ``article`` with its URLs, text, index entry and analysis (inside the caller's
    transaction). Returns the new id, or None when its URL was already stored (its new aliases are
    added)."""
    published = iso(article.published_at)
    fetched = iso(article.fetched_at)
    assert fetched is not None
    row = db.execute("SELECT article_id FROM article_urls WHERE url = ?", (article.url,)).fetchone()
    if row is not None:
        _add_aliases(db, row[0], article.aliases)
        return None
    title_norm = normalize(article.title)
    text_norm = normalize(article.text)
    data = article.analysis.to_json() if article.analysis is not None else None
    parent = None
    if article.parent_url is not None:
        found = db.execute("SELECT article_id FROM article_urls WHERE url = ?", (article.parent_url,)).fetchone()
        parent = found[0] if found else None
    dated = published or fetched
    # The id SQLite would give the row (max + 1), known beforehand so that the story cluster is
    # chosen first and written with the row: no UPDATE of the new row afterwards.
    article_id = int(db.execute("SELECT coalesce(max(id), 0) + 1 FROM articles").fetchone()[0])
    cluster_id = None
    if article.analysis is not None:
        cluster_id = join_cluster(db, article_id, find_cluster(db, article.analysis.sketch), dated)
    db.execute(
        """INSERT INTO articles (id, url, source_id, source_kind, title, title_norm,
               published_at, fetched_at, dated_at, author, description, image, language, sitename,
               content_type, engagement, parent_id,
               relevance, relevance_score, sentiment, sentiment_score, analysis, cluster_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            article_id,
            article.url,
            article.source_id,
            article.source_kind,
            article.title,
            None if title_norm == article.title else title_norm,
            published,
            fetched,
            dated,
            article.author,
            article.description,
            article.image,
            article.language,
            article.sitename,
            article.content_type,
            json.dumps(article.engagement) if article.engagement else None,
            parent,
            *((data["relevance"], data["relevance_score"], data["sentiment"], data["sentiment_score"],
               json.dumps(data, ensure_ascii=False)) if data is not None else (None,) * 5),
            cluster_id,
        ),
    )
    db.execute("INSERT INTO article_texts (article_id, text, text_norm) VALUES (?, ?, ?)",
               (article_id, article.text, None if text_norm == article.text else text_norm))
    _add_aliases(db, article_id, [article.url, *article.aliases])
    db.execute(
        "INSERT INTO articles_fts (rowid, title, text) VALUES (?, ?, ?)",
        (article_id, fold(title_norm), fold(text_norm)),
    )
    if article.analysis is not None and data is not None:
        _add_analysis(db, article_id, article.analysis, data)
    return article_id


def _add_analysis(db: sqlite3.Connection, article_id: int, analysis: Analysis, data: dict[str, Any]) -> None:
    """Topics, places and story sketch of a new article (its analysis columns and cluster are
    inserted with it)."""
    db.executemany("INSERT OR IGNORE INTO article_topics (topic, article_id) VALUES (?, ?)",
                   [(slug, article_id) for slug in data["topics"]])
    db.executemany("INSERT OR IGNORE INTO article_places (place, article_id) VALUES (?, ?)",
                   [(place["name"], article_id) for place in data["places"]])
    db.executemany("INSERT OR REPLACE INTO article_provinces (province, article_id, grade) VALUES (?, ?, ?)",
                   [(name, article_id, grade) for name, grade in (data.get("provinces") or {}).items()])
    db.execute("INSERT INTO article_sketches (article_id, sketch) VALUES (?, ?)",
               (article_id, array("I", analysis.sketch).tobytes()))
    db.executemany("INSERT OR IGNORE INTO sketch_bands (hash, article_id) VALUES (?, ?)",
                   [(value, article_id) for value in analysis.sketch[:BAND]])


def _add_aliases(db: sqlite3.Connection, article_id: int, urls: list[str]) -> None:
    db.executemany(
        "INSERT OR IGNORE INTO article_urls (url, article_id) VALUES (?, ?)",
        [(url, article_id) for url in dict.fromkeys(urls)],
    )


