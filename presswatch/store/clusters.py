"""Stories: syndicated copies of one article grouped in a cluster, found by near-duplicate sketches.

A new article joins the cluster of the most similar stored article (estimated Jaccard similarity of
their MinHash sketches ≥ ``analysis.fingerprint.SAME_STORY``), or starts one; the earliest published
copy is the cluster's original. Candidates are looked up by the bands of their sketch
(``sketch_bands``), so the cost per article stays bounded however large the store grows.
"""

from __future__ import annotations

import json
import sqlite3
from array import array
from collections.abc import Iterable

from analysis.fingerprint import BAND, SAME_STORY, K, similarity

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



def cluster_of(db: sqlite3.Connection, article_id: int) -> int | None:
    """The story cluster of a stored article (None: not analysed, or not stored)."""
    row = db.execute("SELECT cluster_id FROM articles WHERE id = ?", (article_id,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def outlets(db: sqlite3.Connection, cluster_id: int) -> int:
    """How many distinct sources carried the story."""
    return int(db.execute("SELECT count(DISTINCT source_id) FROM articles WHERE cluster_id = ?",
                          (cluster_id,)).fetchone()[0])


def first_copies(db: sqlite3.Connection, cluster_ids: Iterable[int]) -> dict[int, tuple[int, str, str, int]]:
    """For each story cluster among ``cluster_ids``: its earliest copy as (article id, source id,
    ``dated_at``) and the cluster's size."""
    rows = db.execute(
        "SELECT c.id, a.id, a.source_id, a.dated_at, c.size FROM clusters c JOIN articles a ON a.id = c.original_id "
        "WHERE c.id IN (SELECT value FROM json_each(?))", (json.dumps(sorted(set(cluster_ids))),))
    return {int(row[0]): (int(row[1]), row[2], row[3], int(row[4])) for row in rows}
