"""Analysis benchmark: articles/s of the whole analysis on one core, beside underthesea's
``word_tokenize`` alone on the same text in the same run.

    .venv/bin/python bench/analysis.py [--articles PATH] [--limit N]
    .venv/bin/python bench/analysis.py --long 20,50,100,1000 [--articles PATH]
    .venv/bin/python bench/analysis.py --provinces "Lai Châu,Điện Biên,Lào Cai" [--limit N]

Targets (analysis issue): ≥ 20 articles/s, and the whole analysis ≤ 1.5× segmentation alone.
Entities (NER) run only on relevant articles, as in the pipeline.

``--provinces``: the same articles analysed following the home province alone and following all the
provinces named (the first is the home), in the same run; prints both rates and their ratio (issue
24: the drop must stay ≤ 10 %).

``--long``: seconds to analyse one text of each size (KB) that is one endless sentence, as a hostile
page can be: the articles (those naming Lai Châu first) with their sentence punctuation and line
breaks removed, and the worst case, place names of the province and nothing else. The time should
grow about linearly with the size and stop growing past the analysis cap
(``analysis.pipeline.MAX_ANALYSED_CHARS``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presswatch.config import load_analyzer  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "data" / "baomoi_dev" / "articles.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=0, help="first N articles only (0: all)")
    parser.add_argument("--long", default="", metavar="KB,KB,...",
                        help="time one unpunctuated text of each size instead (e.g. 20,50,100,1000)")
    parser.add_argument("--provinces", default="", metavar="NAME,NAME,...",
                        help="compare following the first province alone with following all of them")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    rows = [json.loads(line) for line in args.articles.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    if args.long:
        long_texts(rows, [int(size) for size in args.long.split(",")])
        return
    if args.provinces:
        several(rows, [name.strip() for name in args.provinces.split(",") if name.strip()])
        return
    from underthesea import word_tokenize

    analyzer = load_analyzer(ROOT / "config")
    analyzer.analyze(rows[0]["title"], rows[0]["text"])  # load models before timing
    word_tokenize("Khởi động")

    started = time.perf_counter()
    for row in rows:
        word_tokenize(row["title"] + "\n" + row["text"])
    segmentation = time.perf_counter() - started

    started = time.perf_counter()
    relevant = 0
    for row in rows:
        relevant += analyzer.analyze(row["title"], row["text"]).relevance.grade != "none"
    whole = time.perf_counter() - started

    chars = sum(len(r["title"]) + len(r["text"]) for r in rows)
    print(f"{len(rows)} articles, {chars / len(rows):.0f} characters on average, one core; {relevant} relevant")
    print(f"{'underthesea word_tokenize alone':<36} {len(rows) / segmentation:>8.1f} articles/s")
    print(f"{'whole presswatch analysis':<36} {len(rows) / whole:>8.1f} articles/s   "
          f"cost {whole / segmentation:.2f}x segmentation")


def several(rows: list[dict[str, Any]], names: list[str]) -> None:
    """Articles/s following ``names[0]`` alone and following all ``names``, interleaved in rounds so
    that a change of machine load hits both alike."""
    from analysis.gazetteer import build
    from analysis.pipeline import Analyzer

    base = load_analyzer(ROOT / "config")
    gazetteers = [build(name) for name in names]

    def analyzer(followed: list[Any]) -> Analyzer:
        return Analyzer(base.topics, base.sentiment, followed, base.with_entities, base.toxicity, base.sentiment_model)

    one, all_of_them = analyzer(gazetteers[:1]), analyzer(gazetteers)
    one.analyze(rows[0]["title"], rows[0]["text"])
    all_of_them.analyze(rows[0]["title"], rows[0]["text"])
    times = {"one": 0.0, "all": 0.0}
    cpu = {"one": 0.0, "all": 0.0}  # CPU seconds of this process: less sensitive to other work on the machine
    counted: dict[str, int] = {}
    rounds = 4  # even: each goes first as often as the other
    for turn in range(rounds):
        order = (("one", one), ("all", all_of_them))
        for key, chosen in order if turn % 2 == 0 else order[::-1]:
            started, started_cpu = time.perf_counter(), time.process_time()
            for row in rows:
                result = chosen.analyze(row["title"], row["text"])
                if key == "all" and turn == 0:
                    for province in result.provinces:
                        counted[province] = counted.get(province, 0) + 1
            times[key] += time.perf_counter() - started
            cpu[key] += time.process_time() - started_cpu
    total = len(rows) * rounds
    print(f"{len(rows)} articles x {rounds} rounds, one core; articles concerning each followed province: {counted}")
    print(f"{'':<44} {'wall':>8} {'CPU':>8} articles/s")
    print(f"{'following ' + names[0]:<44} {total / times['one']:>8.1f} {total / cpu['one']:>8.1f}")
    print(f"{'following ' + ', '.join(names):<44} {total / times['all']:>8.1f} {total / cpu['all']:>8.1f}")
    ratio, cpu_ratio = times["one"] / times["all"], cpu["one"] / cpu["all"]
    print(f"ratio wall {ratio:.3f} (drop {100 * (1 - ratio):.1f} %), CPU {cpu_ratio:.3f} "
          f"(drop {100 * (1 - cpu_ratio):.1f} %); issue 24: ≤ 10 %")


def unpunctuated(rows: list[dict[str, Any]], size: int) -> str:
    """``size`` bytes of the articles' text without sentence punctuation or line breaks."""
    ordered = sorted(rows, key=lambda row: "Lai Châu" not in row["text"])
    words: list[str] = []
    length = 0
    while length < size:
        for row in ordered:
            chunk = re.sub(r"[.!?…;:\n]+", " ", row["text"])
            words.append(chunk)
            length += len(chunk.encode())
            if length >= size:
                break
    return " ".join(words).encode()[:size].decode("utf-8", "ignore")


def long_texts(rows: list[dict[str, Any]], sizes: list[int]) -> None:
    analyzer = load_analyzer(ROOT / "config")
    analyzer.analyze("Khởi động", "Lai Châu")  # load models before timing
    names = "tỉnh Lai Châu và huyện Tân Uyên "
    for size in sizes:
        texts = {"articles": unpunctuated(rows, size * 1000),
                 "place names": (names * (size * 1000 // len(names.encode()) + 1)).encode()[: size * 1000]
                 .decode("utf-8", "ignore")}
        for kind, text in texts.items():
            started = time.perf_counter()
            result = analyzer.analyze("Sạt lở ở Lai Châu", text)
            took = time.perf_counter() - started
            print(f"{size:>6} KB without punctuation, {kind:<12} {took:7.2f} s   relevance "
                  f"{result.relevance.grade}, {len(result.entities)} entities", flush=True)

if __name__ == "__main__":
    main()
