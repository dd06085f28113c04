"""Following several provinces: articles/s of the whole analysis with the default setting (Lai Châu
alone) beside the same analysis following five provinces, in the same run on the same articles.

    .venv/bin/python bench/provinces.py [--articles PATH] [--limit N] [--rounds R]

Issue 24: analysis speed may drop by at most 10 % when following several provinces. The five
provinces: Lai Châu, Điện Biên, Lào Cai, Sơn La, Hà Nội, each graded with its own gazetteer
(``analysis.gazetteer.build``).

Times are CPU seconds of this process (``time.process_time``: the machine's cores are shared, wall
time swings with the neighbours' load), best of ``--rounds``. Two lines each: without entities
(the cost of finding the provinces) and with entities (the whole analysis: an article concerning
any followed province gets named-entity recognition, so following more provinces means more
articles analysed in full, a cost of the work itself rather than of the setting).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from presswatch.config import build_analyzer, load_sentiment, load_topics, load_toxicity  # noqa: E402

# /work/main/.. or a worktree's /work/wt/NAME/../..
DEFAULT = next((base / "shared" / "data" / "baomoi_dev" / "articles.jsonl" for base in (ROOT.parent, ROOT.parent.parent)
                if (base / "shared" / "data" / "baomoi_dev" / "articles.jsonl").exists()),
               ROOT.parent / "shared" / "data" / "baomoi_dev" / "articles.jsonl")
SEVERAL = ["Lai Châu", "Điện Biên", "Lào Cai", "Sơn La", "Hà Nội"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=Path, default=DEFAULT)
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    lines = args.articles.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()][:args.limit]
    config = ROOT / "config"
    topics, sentiment = load_topics(config / "topics.yaml"), load_sentiment(config / "sentiment.yaml")
    toxicity = load_toxicity(config / "toxicity.yaml")
    for with_entities in (False, True):
        analyzers = {"1 tỉnh (Lai Châu)": build_analyzer(topics, sentiment, with_entities, toxicity,
                                                          provinces=["Lai Châu"]),
                     f"{len(SEVERAL)} tỉnh": build_analyzer(topics, sentiment, with_entities, toxicity,
                                                           provinces=SEVERAL)}
        for analyzer in analyzers.values():
            analyzer.analyze("Khởi động", "Lai Châu")  # load models before timing
        best: dict[str, float] = {}
        relevant: dict[str, int] = {}
        for _ in range(args.rounds):  # alternate, keep each one's best round
            for name, analyzer in analyzers.items():
                start = time.process_time()
                found = [analyzer.analyze(row["title"], row["text"]) for row in rows]
                best[name] = min(best.get(name, float("inf")), time.process_time() - start)
                relevant[name] = sum(a.relevance.grade != "none" for a in found)
        base, several = best.values()
        print("có nhận dạng thực thể:" if with_entities else "không nhận dạng thực thể:")
        for name, seconds in best.items():
            print(f"  {name}: {len(rows) / seconds:.1f} bài/s ({seconds:.2f} s CPU cho {len(rows)} bài, "
                  f"{relevant[name]} bài liên quan)")
        print(f"  chậm hơn: {100 * (several / base - 1):+.1f} % (ngưỡng +10 %)")


if __name__ == "__main__":
    main()
