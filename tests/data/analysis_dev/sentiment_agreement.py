"""Agreement between the first annotator (devset.jsonl 'sentiment') and the second
annotator (sentiment_second.jsonl). Pure python, no dependencies."""
import json
from pathlib import Path

HERE = Path(__file__).parent
LABELS = ["negative", "neutral", "positive"]
DEV = str(HERE / "devset.jsonl")
SEC = str(HERE / "sentiment_second.jsonl")

first = {}
for l in open(DEV):
    d = json.loads(l); first[d["id"]] = d["sentiment"]
second = [json.loads(l) for l in open(SEC)]
assert len(second) == len(first) == 239 and all(s["id"] in first for s in second)

def confusion(pairs):
    m = {a: {b: 0 for b in LABELS} for a in LABELS}
    for a, b in pairs: m[a][b] += 1
    return m

def kappa(pairs):
    n = len(pairs); po = sum(a == b for a, b in pairs) / n
    pe = sum((sum(a == k for a, _ in pairs) / n) * (sum(b == k for _, b in pairs) / n) for k in LABELS)
    return (po - pe) / (1 - pe) if pe < 1 else float("nan")

def macro_f1(gold_pred):
    f = []
    for k in LABELS:
        tp = sum(g == k and p == k for g, p in gold_pred)
        fp = sum(g != k and p == k for g, p in gold_pred)
        fn = sum(g == k and p != k for g, p in gold_pred)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f) / len(f), f

def report(name, rows):
    pairs = [(first[r["id"]], r["sentiment"]) for r in rows]   # (first, second)
    n = len(pairs)
    print(f"=== {name}: n={n}")
    m = confusion(pairs)
    print("confusion matrix (rows = FIRST annotator, cols = SECOND annotator)")
    print(f"{'':>10}" + "".join(f"{b:>10}" for b in LABELS) + f"{'total':>8}")
    for a in LABELS:
        print(f"{a:>10}" + "".join(f"{m[a][b]:>10}" for b in LABELS) + f"{sum(m[a].values()):>8}")
    print(f"{'total':>10}" + "".join(f"{sum(m[a][b] for a in LABELS):>10}" for b in LABELS) + f"{n:>8}")
    raw = sum(a == b for a, b in pairs) / n
    print(f"raw agreement: {raw:.3f} ({sum(a == b for a, b in pairs)}/{n})")
    print(f"Cohen's kappa: {kappa(pairs):.3f}")
    mf, per = macro_f1(pairs)
    print(f"macro-F1, second scored against first as gold: {mf:.3f}  per class (neg/neu/pos): " + " ".join(f"{x:.3f}" for x in per))
    mf2, per2 = macro_f1([(b, a) for a, b in pairs])
    print(f"macro-F1, first scored against second as gold: {mf2:.3f}  per class (neg/neu/pos): " + " ".join(f"{x:.3f}" for x in per2))
    print()

report("ALL", second)
report("second-annotator confidence=high", [r for r in second if r["confidence"] == "high"])
report("second-annotator confidence=low", [r for r in second if r["confidence"] == "low"])
