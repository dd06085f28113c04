"""Precision and recall of the register's genre and attribution detectors on the labelled set.

    .venv/bin/python bench/register_detectors.py            # the development part (238 articles)
    .venv/bin/python bench/register_detectors.py --errors   # and every development error, to tune on
    .venv/bin/python bench/register_detectors.py --heldout  # the held-out part (102): read once, at the end

Gold: ``tests/data/register_dev/gold.jsonl`` (split written there before any detector existed). The
attribution detector is hand-written rules tuned by reading development errors only. The genre
detector (since ``register.detect.VERSION`` 2) is a model trained on the development part and
``tests/data/genre_train``: its development figures here are a fit, not a measure; its
cross-validation against the rules is ``scripts/train_genre.py``. The held-out part is read once per
detector version. Printed for each detector: the confusion
matrix, per-label precision/recall, accuracy, and in the same run the baseline that always answers
the commonest development label — over the whole part and over its simple-random articles.
Positive classes the register counts: genre ``news_report`` (the "báo hóa" share); attribution
``attributed`` (its absence on a republished item is the flag).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from register.detect import ATTRIBUTIONS, GENRES, attribution, genre  # noqa: E402

DATA = ROOT / "tests" / "data" / "register_dev"


def load(split: str) -> list[tuple[dict[str, str], dict[str, str]]]:
    lines = (DATA / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    sample = {row["id"]: row for row in map(json.loads, lines)}
    gold_lines = (DATA / "gold.jsonl").read_text(encoding="utf-8").splitlines()
    gold = [row for row in map(json.loads, gold_lines) if row["split"] == split]
    return [(sample[row["id"]], row) for row in gold]


def pr(pairs: list[tuple[str, str]], label: str) -> tuple[float, float, int, int]:
    """(precision, recall, predicted, actual) of ``label`` over (gold, predicted) pairs."""
    tp = sum(g == p == label for g, p in pairs)
    predicted = sum(p == label for _, p in pairs)
    actual = sum(g == label for g, _ in pairs)
    return (tp / predicted if predicted else 0.0), (tp / actual if actual else 0.0), predicted, actual


def report(name: str, labels: tuple[str, ...], positive: str, pairs: list[tuple[str, str]], majority: str) -> None:
    print(f"\n{name}: n={len(pairs)}  accuracy={sum(g == p for g, p in pairs) / len(pairs):.3f}  "
          f"(baseline '{majority}': {sum(g == majority for g, _ in pairs) / len(pairs):.3f})")
    confusion = Counter(pairs)
    print("  gold \\ predicted " + " ".join(f"{label[:10]:>10}" for label in labels))
    for g in labels:
        print(f"  {g[:16]:16s}  " + " ".join(f"{confusion[(g, p)]:10d}" for p in labels))
    for label in labels:
        p, r, predicted, actual = pr(pairs, label)
        mark = "  <- register's class" if label == positive else ""
        print(f"  {label:15s} P={p:.3f} R={r:.3f} (predicted {predicted}, gold {actual}){mark}")
    bp, br, _, _ = pr([(g, majority) for g, _ in pairs], positive)
    print(f"  baseline for {positive}: P={bp:.3f} R={br:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--heldout", action="store_true", help="score the held-out part (do this once)")
    parser.add_argument("--errors", action="store_true", help="print the errors (development part only)")
    args = parser.parse_args()
    if args.heldout and args.errors:
        parser.error("errors are shown for the development part only")
    rows = load("heldout" if args.heldout else "dev")
    dev = [g for _, g in load("dev")]
    majority_genre = Counter(g["genre"] for g in dev).most_common(1)[0][0]
    majority_attr = Counter(g["attribution"] for g in dev).most_common(1)[0][0]
    results = [(a, g, genre(a["title"], a["text"]), attribution(a["title"], a["text"])) for a, g in rows]
    print(f"part: {'held-out' if args.heldout else 'development'} ({len(rows)} articles)")
    for subset, keep in (("all", lambda g: True), ("simple-random articles", lambda g: g["stratum"] == "random")):
        chosen = [r for r in results if keep(r[1])]
        print(f"\n=== {subset} ===")
        report("genre", GENRES, "news_report", [(g["genre"], pg) for _, g, pg, _ in chosen], majority_genre)
        report("attribution", ATTRIBUTIONS, "attributed", [(g["attribution"], pa.label) for _, g, _, pa in chosen],
               majority_attr)
    if args.errors:
        for a, g, pg, pa in results:
            if pg != g["genre"]:
                print(f"\nGENRE {a['id']} gold={g['genre']} got={pg} | {a['title'][:90]}")
            if pa.label != g["attribution"]:
                print(f"\nATTR {a['id']} gold={g['attribution']} {g['source_outlet']} got={pa.label} {pa.outlets} "
                      f"[{pa.evidence[:80]}]\n   TAIL: {a['text'][-200:]!r}")


if __name__ == "__main__":
    main()
