"""Learning curve of the topic model: what N labelled articles (shipped or corrected) buy.

``presswatch train topics``'s recipe (``analysis.topic_training``, default settings), scored by
micro-F1 by ``--folds``-fold cross-validation on the topic training set
(``tests/data/topics_train``: ``labels.jsonl`` joined with ``sample.jsonl.gz``), each training fold
cut to its first N articles in a seeded random order (``--repeats`` orders, mean ± sd), beside the
lexicon alone on the same folds (N = 0: what decides the topics before any training). The office
has no topic model before its first ``train topics``, so N is the number of labelled articles the
model learns from, whether they are shipped or an analyst's corrections.

``--devset``: afterwards, the lexicon and the model trained on every labelled article scored on the
analysis development set (``tests/data/analysis_dev/devset.jsonl``), which is never trained on: a
check, not the judgement (that set has been looked at many times).

Run:  .venv/bin/python bench/topics_learning_curve.py [--sizes 25,50,100,200,all] [--repeats 3]
          [--folds 5] [--labels FILE --articles FILE] [--devset] [--per-topic]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analysis.evaluate import micro_f1_sets, prf  # noqa: E402
from analysis.topic_training import (  # noqa: E402
    DEFAULT_SEED,
    Settings,
    TopicExample,
    cross_validate,
    features_of,
    fit,
    lexicon_result,
    lexicon_topics,
    load_topic_labels,
    predict,
)
from presswatch.config import load_analyzer  # noqa: E402

DATA = ROOT / "tests" / "data"


def per_topic(gold: list[list[str]], predicted: list[list[str]], labels: list[str]) -> dict[str, str]:
    rows = {}
    for slug in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if slug in g and slug in p)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if slug not in g and slug in p)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if slug in g and slug not in p)
        scored = prf(tp, fp, fn)
        rows[slug] = f"P {scored.precision:.2f} R {scored.recall:.2f} F1 {scored.f1:.2f} (n={scored.support})"
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--labels", type=Path, default=DATA / "topics_train" / "labels.jsonl")
    parser.add_argument("--articles", type=Path, default=DATA / "topics_train" / "sample.jsonl.gz")
    parser.add_argument("--sizes", default="25,50,100,200,all")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--c", type=float, default=Settings().c)
    parser.add_argument("--no-words", action="store_true", help="the lexicon's scores only")
    parser.add_argument("--at-least-one", action="store_true", help="every article gets its likeliest topic")
    parser.add_argument("--devset", action="store_true", help="then check on the analysis development set")
    parser.add_argument("--per-topic", action="store_true", help="per-topic P/R/F1 of the lexicon and the model")
    args = parser.parse_args()

    analyzer = load_analyzer(ROOT / "config", with_entities=False, sentiment_model=False, topic_model=False)
    labels = [topic.slug for topic in analyzer.topics.topics]
    examples = load_topic_labels(args.labels, args.articles, labels)
    started = time.perf_counter()
    features = features_of(examples, analyzer)
    gold = [list(e.topics) for e in examples]
    settings = Settings(c=args.c, words=not args.no_words, at_least_one=args.at_least_one)
    print(f"{len(examples)} labelled articles, features in {time.perf_counter() - started:.1f} s; settings "
          f"{settings.to_json()}", flush=True)
    lexicon = lexicon_result(features, gold, args.folds, args.seed)
    train_size = len(examples) - len(examples) // args.folds
    print("| labelled articles N (per training fold) | micro-F1 (mean ± sd) | P | R |")
    print("|---|---|---|---|")
    print(f"| 0: the lexicon alone | {lexicon.micro_f1:.3f} | {lexicon.precision:.3f} | {lexicon.recall:.3f} |",
          flush=True)
    full = None
    for size in args.sizes.split(","):
        n = train_size if size == "all" else int(size)
        keep = min(1.0, n / train_size)
        runs = []
        begun = time.perf_counter()
        for repeat in range(1 if keep >= 1.0 else args.repeats):  # the same folds, another draw of N
            runs.append(cross_validate(features, gold, labels, args.folds, args.seed, settings, keep=keep,
                                       draw=repeat))
        scores = [r.micro_f1 for r in runs]
        sd = statistics.stdev(scores) if len(scores) > 1 else 0.0
        label = f"all ({train_size})" if keep >= 1.0 else str(n)
        print(f"| {label} | {statistics.mean(scores):.3f} ± {sd:.3f} | "
              f"{statistics.mean(r.precision for r in runs):.3f} | {statistics.mean(r.recall for r in runs):.3f} |"
              f" ({time.perf_counter() - begun:.0f} s)", flush=True)
        if keep >= 1.0:
            full = runs[0]
    if full is not None:
        print(f"per fold, model: {full.per_fold}; lexicon: {lexicon.per_fold}")
        exact = sum(1 for g, p in zip(gold, full.predicted, strict=True) if set(g) == set(p))
        exact_lex = sum(1 for g, p in zip(gold, lexicon_topics(features), strict=True) if set(g) == set(p))
        print(f"exact set match: model {exact}/{len(gold)}, lexicon {exact_lex}/{len(gold)}")
        if args.per_topic:
            lex_rows = per_topic(gold, lexicon_topics(features), labels)
            model_rows = per_topic(gold, full.predicted, labels)
            for slug in labels:
                print(f"  {slug:22} lexicon {lex_rows[slug]:34} model {model_rows[slug]}")
    if args.devset:
        rows = [json.loads(line) for line in (DATA / "analysis_dev" / "devset.jsonl").read_text().splitlines()]
        dev = [TopicExample(r["id"], r["title"], r["text"], tuple(r["topics"])) for r in rows]
        dev_features = features_of(dev, analyzer)
        model = fit(features, gold, labels, settings, seed=args.seed)
        dev_gold = [set(e.topics) for e in dev]
        lex = micro_f1_sets(dev_gold, [set(t) for t in lexicon_topics(dev_features)])
        got = micro_f1_sets(dev_gold, [set(t) for t in predict(model, dev_features)])
        print(f"development set ({len(dev)} articles, a check, never trained on): lexicon micro-F1 {lex.f1:.3f} "
              f"(P {lex.precision:.3f} R {lex.recall:.3f}); model trained on all {len(examples)}: {got.f1:.3f} "
              f"(P {got.precision:.3f} R {got.recall:.3f})")


if __name__ == "__main__":
    main()
