"""Agreement of the two blind topic annotations, and the final labels.

    python3 tests/data/topics_train/agreement.py            # agreement of labels_a.jsonl and labels_b.jsonl
    python3 tests/data/topics_train/agreement.py --write    # and write labels.jsonl

Agreement: exact set match (the same set of topics), Cohen's κ per topic (each topic a yes/no
label of every article) and their mean (macro κ), and micro-F1 of one annotator against the other.

Final labels (``--write``): where both annotators chose the same set, that set; otherwise the third
annotator's decision from ``adjudication.jsonl`` (``id``, ``topics``, ``reason``; the reasons are in
``disagreements.md``). Every disagreement must have a decision. ``labels.jsonl``: ``id``,
``topics`` (the final set, most important first), ``votes`` ([a, b]), ``decided_by`` (``agreement``
or ``third``), in the order of ``sample.jsonl.gz``. Stdlib only.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOPICS = ["thien-tai", "tai-nan", "an-ninh-trat-tu", "tham-nhung-tieu-cuc", "dat-dai-moi-truong", "kinh-te",
          "xa-hoi", "chinh-tri", "van-hoa-the-thao", "bao-chi-truyen-thong"]


def read(path: Path) -> list[dict[str, object]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        return [json.loads(line) for line in handle if line.strip()]


def labels_of(path: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in read(path):
        topics = row["topics"]
        assert isinstance(topics, list) and all(t in TOPICS for t in topics), (path, row)
        found[str(row["id"])] = [str(t) for t in topics]
    return found


def kappa(a: list[bool], b: list[bool]) -> float:
    n = len(a)
    observed = sum(1 for x, y in zip(a, b, strict=True) if x == y) / n
    pa, pb = sum(a) / n, sum(b) / n
    expected = pa * pb + (1 - pa) * (1 - pb)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write labels.jsonl from the votes and adjudication.jsonl")
    args = parser.parse_args()
    ids = [str(row["id"]) for row in read(HERE / "sample.jsonl.gz")]
    a, b = labels_of(HERE / "labels_a.jsonl"), labels_of(HERE / "labels_b.jsonl")
    assert set(a) == set(ids) == set(b), "both files label every article of the sample"
    same = [i for i in ids if set(a[i]) == set(b[i])]
    print(f"articles: {len(ids)}; exact set match: {len(same)} ({len(same) / len(ids):.3f})")
    tp = sum(len(set(a[i]) & set(b[i])) for i in ids)
    only_a = sum(len(set(a[i]) - set(b[i])) for i in ids)
    only_b = sum(len(set(b[i]) - set(a[i])) for i in ids)
    print(f"micro-F1 of b against a: {2 * tp / (2 * tp + only_a + only_b):.3f} "
          f"(topics given: a {tp + only_a}, b {tp + only_b}, both {tp})")
    print("| topic | a | b | both | Cohen's κ |")
    print("|---|---|---|---|---|")
    kappas = []
    for topic in TOPICS:
        ya = [topic in a[i] for i in ids]
        yb = [topic in b[i] for i in ids]
        value = kappa(ya, yb)
        kappas.append(value)
        both = sum(1 for x, y in zip(ya, yb, strict=True) if x and y)
        print(f"| {topic} | {sum(ya)} | {sum(yb)} | {both} | {value:.3f} |")
    print(f"macro κ (mean over the {len(TOPICS)} topics): {sum(kappas) / len(kappas):.3f}")
    print(f"disagreements: {len(ids) - len(same)}")
    if not args.write:
        return
    decided = {str(row["id"]): [str(t) for t in row["topics"]]  # type: ignore[union-attr]
               for row in read(HERE / "adjudication.jsonl")}
    missing = [i for i in ids if i not in same and i not in decided]
    assert not missing, f"no decision for {len(missing)} disagreements: {missing[:5]}"
    with (HERE / "labels.jsonl").open("w", encoding="utf-8") as handle:
        for i in ids:
            agreed = set(a[i]) == set(b[i])
            row = {"id": i, "topics": a[i] if agreed else decided[i], "votes": [a[i], b[i]],
                   "decided_by": "agreement" if agreed else "third"}
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {HERE / 'labels.jsonl'}")


if __name__ == "__main__":
    main()
