"""Build gold.jsonl from the two blind annotations, report agreement, and split development/held-out.

    python3 tests/data/register_dev/gold.py

Reads labels_a.jsonl, labels_b.jsonl (annotators A and B, blind and independent) and strata.json
(which cue pool each id was drawn from, written by ``select.py --strata``; never shown to the
annotators). Writes gold.jsonl: one line per article with the final ``genre`` and ``attribution``,
both annotators' votes, the adjudication rule when they disagreed, the stratum and the ``split``
(``dev`` or ``heldout``), and prints the agreement figures the README quotes. Deterministic
(seed 20261207); stdlib only.

Adjudication (no third annotator was run): a disagreement is settled by the guidelines' own
tie-break rules, applied to the two votes only, never to any detector output:
- genre: G7 (``news_report`` against anything → ``news_report``; ``analysis`` against ``research``
  → ``analysis``; ``feature`` against ``interview`` → ``feature``), else the label asked first in
  the decision order G1–G6 (interview, research, analysis, feature, news_report, other);
- attribution: A3/A2 ("if unsure … choose attributed"; named beats vague): ``attributed`` against
  anything → ``attributed``; ``not_attributed`` against ``original`` → ``not_attributed``.

Split: stratified by (genre, attribution) of the gold label; in each stratum, shuffled with the
seed, the first round(30 %) (remainders carried across strata so the total is 102) are held out.
"""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261207
HELDOUT_SHARE = 0.3
DECISION_ORDER = ("interview", "research", "analysis", "feature", "news_report", "other")


def read(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def kappa(x: list[str], y: list[str]) -> tuple[float, float]:
    """Cohen's kappa and raw agreement."""
    n = len(x)
    observed = sum(a == b for a, b in zip(x, y, strict=True)) / n
    cx, cy = Counter(x), Counter(y)
    expected = sum(cx[k] * cy[k] for k in set(cx) | set(cy)) / (n * n)
    return (observed - expected) / (1 - expected), observed


def adjudicate_genre(a: str, b: str) -> tuple[str, str]:
    if a == b:
        return a, ""
    pair = {a, b}
    if "news_report" in pair:
        return "news_report", "G7: news_report against another label"
    if pair == {"analysis", "research"}:
        return "analysis", "G7: analysis against research"
    if pair == {"feature", "interview"}:
        return "feature", "G7: feature against interview (questions not decisive)"
    first = min(pair, key=DECISION_ORDER.index)
    return first, f"decision order G1-G6: {first} asked first"


def adjudicate_attribution(a: str, b: str) -> tuple[str, str]:
    if a == b:
        return a, ""
    pair = {a, b}
    if "attributed" in pair:
        return "attributed", "A3/A2: unsure whether named source supplies the content → attributed"
    return "not_attributed", "signal of reproduction against none → not_attributed"


def outlet_key(value: object) -> str:
    return str(value or "").casefold().strip()


def main() -> None:
    a, b = read("labels_a.jsonl"), read("labels_b.jsonl")
    sample = read("sample.jsonl")
    strata: dict[str, str] = json.loads((HERE / "strata.json").read_text(encoding="utf-8"))
    assert [x["id"] for x in a] == [x["id"] for x in b] == [x["id"] for x in sample]
    random_ids = {i for i, s in strata.items() if s == "random"}
    for field in ("genre", "attribution"):
        for name, keep in (("all", lambda _i: True), ("random half", lambda i: i in random_ids)):
            xs = [str(x[field]) for x in a if keep(x["id"])]
            ys = [str(y[field]) for x, y in zip(a, b, strict=True) if keep(x["id"])]
            k, raw = kappa(xs, ys)
            print(f"{field:12s} {name:12s} n={len(xs):3d} kappa={k:.3f} raw={raw:.3f} disagreements={sum(p != q for p, q in zip(xs, ys, strict=True))}")
    both = [(x, y) for x, y in zip(a, b, strict=True) if x["attribution"] == y["attribution"] == "attributed"]
    same = sum(outlet_key(x["source_outlet"]) == outlet_key(y["source_outlet"]) for x, y in both)
    print(f"source_outlet exact (case-folded) where both say attributed: {same}/{len(both)} = {same / len(both):.3f}")

    gold = []
    for x, y in zip(a, b, strict=True):
        genre, g_rule = adjudicate_genre(str(x["genre"]), str(y["genre"]))
        attribution, a_rule = adjudicate_attribution(str(x["attribution"]), str(y["attribution"]))
        outlets = x["source_outlet"] if x["attribution"] == "attributed" else y["source_outlet"]
        gold.append({
            "id": x["id"], "genre": genre, "attribution": attribution,
            "source_outlet": outlets if attribution == "attributed" else None,
            "votes": {"genre": [x["genre"], y["genre"]], "attribution": [x["attribution"], y["attribution"]]},
            "adjudication": "; ".join(r for r in (g_rule, a_rule) if r),
            "stratum": strata[str(x["id"])],
        })
    groups: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in gold:
        groups[(str(row["genre"]), str(row["attribution"]))].append(row)
    rng = random.Random(SEED)
    carry = 0.0
    heldout: set[object] = set()
    for key in sorted(groups):
        rows = sorted(groups[key], key=lambda r: str(r["id"]))
        rng.shuffle(rows)
        want = len(rows) * HELDOUT_SHARE + carry
        take = int(want + 0.5)
        carry = want - take
        heldout.update(r["id"] for r in rows[:take])
    for row in gold:
        row["split"] = "heldout" if row["id"] in heldout else "dev"
    with (HERE / "gold.jsonl").open("w", encoding="utf-8") as out:
        for row in gold:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    for split in ("dev", "heldout"):
        rows = [r for r in gold if r["split"] == split]
        print(split, len(rows), dict(Counter(str(r["genre"]) for r in rows)), dict(Counter(str(r["attribution"]) for r in rows)))
    for row in gold:
        if row["adjudication"]:
            print("adjudicated", row["id"], row["votes"], "→", row["genre"], row["attribution"], "|", row["adjudication"])


if __name__ == "__main__":
    main()
