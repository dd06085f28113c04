"""Candidate toxicity terms from the TRAIN splits of UIT-ViCTSD and UIT-ViHSD, by log-odds.

    .venv/bin/python scripts/build_toxicity_terms.py [--data ../shared/data/comments] [--top 300]
        [--residual config/toxicity.yaml]

For every folded 1- and 2-syllable term (after ``squash``: "n.g.u" → "ngu") it counts the comments
containing it among toxic (ViHSD offensive/hate, ViCTSD Toxicity=1) and clean comments, and ranks
terms by the log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008),
z-scored. It prints the ranking with counts and, for ViHSD, the share of hate among the toxic hits.
With ``--residual`` only the comments the current lexicon grades clean are counted, so the ranking
shows what it misses. The output is a list of CANDIDATES: a person curates them into ``config/toxicity.yaml`` (drops
topic words such as "trump" or "tàu", keeps insults, slurs and their teencode). The dev/valid splits
are never read here: they are the held-out evaluation of ``tests/test_toxicity.py``.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.lexicon import syllables  # noqa: E402
from analysis.normalize import normalize  # noqa: E402
from analysis.teencode import squash  # noqa: E402


def terms(text: str) -> set[str]:
    words = [s.folded for s in syllables(squash(normalize(text)))]
    return set(words) | {f"{a} {b}" for a, b in zip(words, words[1:], strict=False)}


def load(data: Path) -> list[tuple[str, int]]:
    """(comment, 0 clean / 1 offensive / 2 hate) from the two train splits."""
    rows: list[tuple[str, int]] = []
    with (data / "ViHSD_train.csv").open(encoding="utf-8") as handle:
        rows += [(r["free_text"], int(r["label_id"])) for r in csv.DictReader(handle)]
    with (data / "ViCTSD_train.csv").open(encoding="utf-8") as handle:
        rows += [(r["Comment"], int(r["Toxicity"])) for r in csv.DictReader(handle)]
    return rows


def _clean_under(path: Path) -> Callable[[str], bool]:
    from analysis.toxicity import ToxicityLexicon, grade
    from presswatch.config import load_toxicity

    loaded = load_toxicity(path)
    if loaded is None:
        raise SystemExit(f"{path}: không có tệp")
    lexicon = ToxicityLexicon.from_dict(loaded.model_dump())
    return lambda text: grade(text, lexicon).label == "clean"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "comments")
    parser.add_argument("--top", type=int, default=300)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--residual", type=Path, metavar="TOXICITY_YAML",
                        help="rank only over the comments this lexicon grades clean (what it misses)")
    args = parser.parse_args()
    keep = _clean_under(args.residual) if args.residual else None
    toxic: Counter[str] = Counter()
    clean: Counter[str] = Counter()
    hate: Counter[str] = Counter()
    for text, label in load(args.data):
        if keep is not None and not keep(text):
            continue
        found = terms(text)
        (toxic if label else clean).update(found)
        if label == 2:
            hate.update(found)
    n_toxic, n_clean = sum(toxic.values()), sum(clean.values())
    prior = toxic + clean
    n_prior = n_toxic + n_clean
    alpha = 500.0  # prior strength: a scaled-down background distribution
    ranked = []
    for term, count in prior.items():
        if toxic[term] < args.min_count:
            continue
        a = alpha * count / n_prior
        delta = (math.log((toxic[term] + a) / (n_toxic + alpha - toxic[term] - a))
                 - math.log((clean[term] + a) / (n_clean + alpha - clean[term] - a)))
        variance = 1 / (toxic[term] + a) + 1 / (clean[term] + a)
        ranked.append((delta / math.sqrt(variance), term))
    ranked.sort(reverse=True)
    print("z\ttoxic\tclean\thate_share\tterm")
    for z, term in ranked[: args.top]:
        share = hate[term] / toxic[term] if toxic[term] else 0.0
        print(f"{z:.1f}\t{toxic[term]}\t{clean[term]}\t{share:.2f}\t{term}")


if __name__ == "__main__":
    main()
