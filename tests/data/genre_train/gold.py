"""Build labels.jsonl from the two blind annotations and the third annotator's decisions; report agreement.

    python3 tests/data/genre_train/gold.py

Reads labels_a.jsonl and labels_b.jsonl (annotators A and B, blind and independent, from
GUIDELINES.md of tests/data/register_dev and sample.jsonl only), adjudication.jsonl (for every
article where A and B disagree on a field: the third annotator's ``genre`` and/or ``attribution``
and ``reason``, decided by the guidelines after reading the article) and strata.json (which cue
pool each id was drawn from: ``select.py --strata``; never shown to the annotators).

Writes labels.jsonl: per article ``id``, ``genre``, ``attribution``, ``source_outlet``, ``votes``
(A's and B's), ``decided_by`` (``agreement`` or ``third annotator``, per field) and ``stratum``;
prints Cohen's κ and raw agreement per field, over all articles and over the simple-random ones.
stdlib only; deterministic.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ("genre", "attribution")


def read(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def kappa(x: list[str], y: list[str]) -> tuple[float, float]:
    """Cohen's kappa and raw agreement."""
    n = len(x)
    observed = sum(a == b for a, b in zip(x, y, strict=True)) / n
    cx, cy = Counter(x), Counter(y)
    expected = sum(cx[k] * cy[k] for k in set(cx) | set(cy)) / (n * n)
    return ((observed - expected) / (1 - expected) if expected < 1 else 1.0), observed


def outlet_key(value: object) -> str:
    return str(value or "").casefold().strip()


def main() -> None:
    sample = read("sample.jsonl")
    a = {str(x["id"]): x for x in read("labels_a.jsonl")}
    b = {str(x["id"]): x for x in read("labels_b.jsonl")}
    ids = [str(x["id"]) for x in sample]
    missing = [i for i in ids if i not in a or i not in b]
    assert not missing, f"unlabelled: {missing[:5]} ({len(missing)})"
    decided = {str(x["id"]): x for x in read("adjudication.jsonl")}
    strata: dict[str, str] = json.loads((HERE / "strata.json").read_text(encoding="utf-8"))
    random_ids = {i for i, s in strata.items() if s == "random"}
    for field in FIELDS:
        for name, keep in (("all", ids), ("random", [i for i in ids if i in random_ids])):
            xs, ys = [str(a[i][field]) for i in keep], [str(b[i][field]) for i in keep]
            k, raw = kappa(xs, ys)
            print(f"{field:12s} {name:7s} n={len(xs):3d} kappa={k:.3f} raw={raw:.3f} "
                  f"disagreements={sum(p != q for p, q in zip(xs, ys, strict=True))}")
    both = [i for i in ids if a[i]["attribution"] == b[i]["attribution"] == "attributed"]
    same = sum(outlet_key(a[i]["source_outlet"]) == outlet_key(b[i]["source_outlet"]) for i in both)
    print(f"source_outlet exact (case-folded) where both say attributed: {same}/{len(both)}")

    out = []
    for i in ids:
        row: dict[str, object] = {"id": i}
        how: dict[str, str] = {}
        for field in FIELDS:
            if a[i][field] == b[i][field]:
                row[field], how[field] = a[i][field], "agreement"
            else:
                assert i in decided and field in decided[i], f"no third-annotator decision for {i} {field}"
                row[field], how[field] = decided[i][field], "third annotator"
        outlet = decided.get(i, {}).get("source_outlet") or a[i]["source_outlet"] or b[i]["source_outlet"]
        row["source_outlet"] = outlet if row["attribution"] == "attributed" else None
        row["votes"] = {field: [a[i][field], b[i][field]] for field in FIELDS}
        row["decided_by"] = how
        row["stratum"] = strata[i]
        out.append(row)
    with (HERE / "labels.jsonl").open("w", encoding="utf-8") as handle:
        for row in out:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print("genre:", dict(Counter(str(r["genre"]) for r in out).most_common()))
    print("genre, random:", dict(Counter(str(r["genre"]) for r in out if r["id"] in random_ids).most_common()))
    print("attribution:", dict(Counter(str(r["attribution"]) for r in out).most_common()))


if __name__ == "__main__":
    main()
