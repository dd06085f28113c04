"""How the briefing-questions sample was drawn (run from the repository root; seed 20261207).

Candidate sentences are every sentence (title, lead, body; split by ``analysis.sentences``) of a
relevant article that carries any broad question cue (``CUE`` below: "?", a Vietnamese question
word, a Q&A turn marker, a reported question or demand). The cue is deliberately wider than any
detector, so the sample holds both questions to the authorities and look-alikes (rhetorical
openers, quizzes, readers' private questions, "đề nghị" in ordinary news).

Relevant articles: the 66 articles of the Lai Châu development set graded ``about``/``mention``
(``tests/data/analysis_dev/devset.jsonl``), and, since baomoi_more holds no Lai Châu article, the
articles of ``../shared/data/baomoi_more`` about local government anywhere (they name a provincial
or district people's committee, "UBND tỉnh|huyện|thành phố|TP", the authorities a press office
answers for). Draw: every candidate of the Lai Châu articles, then random candidates of the others
(at most two per article) up to ``TOTAL``; written to
``candidates.jsonl`` (no labels; labelled by hand into ``labels.jsonl``)."""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, ".")
from analysis.normalize import normalize  # noqa: E402
from analysis.sentences import sentence_spans  # noqa: E402

SEED = 20261207
TOTAL = 240
HERE = Path(__file__).parent
DEVSET = Path("tests/data/analysis_dev/devset.jsonl")
SHARED = next((p for p in (Path("../shared"), Path("/work/shared")) if p.exists()), Path("../shared"))
MORE = SHARED / "data/baomoi_more/articles.jsonl.gz"
LOCAL_GOVERNMENT = re.compile(r"UBND (tỉnh|huyện|thành phố|TP)")
CUE = re.compile(
    r"\?|vì sao|tại sao|ai chịu trách nhiệm|đến bao giờ|bao giờ|làm rõ|giải đáp|đặt câu hỏi|đặt ra câu hỏi|"
    r"thắc mắc|kiến nghị|đề nghị|giải trình|liệu có|hay không|^(PV|Phóng viên|Hỏi)\s*:|câu hỏi",
    re.IGNORECASE)


def candidates(article: dict[str, str], origin: str) -> list[dict[str, str]]:
    text = normalize(article["text"])
    found = []
    for start, end in sentence_spans(text):
        sentence = text[start:end].strip()
        if 8 <= len(sentence) <= 600 and CUE.search(sentence):
            found.append({"article": article["id"], "origin": origin, "sentence": sentence})
    return found


def main() -> None:
    rng = random.Random(SEED)
    dev = [json.loads(line) for line in DEVSET.open(encoding="utf-8")]
    laichau = [c for a in dev if a["relevance"] in ("about", "mention") for c in candidates(a, "baomoi_dev")]
    others: list[list[dict[str, str]]] = []
    with gzip.open(MORE, "rt", encoding="utf-8") as lines:
        for line in lines:
            article = json.loads(line)
            if LOCAL_GOVERNMENT.search(article["text"]):
                found = candidates(article, "baomoi_more")
                if found:
                    others.append(found)
    rng.shuffle(others)
    drawn = list(laichau)
    for found in others:
        if len(drawn) >= TOTAL:
            break
        drawn.extend(rng.sample(found, min(2, len(found)))[: TOTAL - len(drawn)])
    with (HERE / "candidates.jsonl").open("w", encoding="utf-8") as out:
        for number, row in enumerate(drawn, 1):
            out.write(json.dumps({"n": number, **row}, ensure_ascii=False) + "\n")
    print(f"{len(laichau)} candidates from Lai Châu articles, {len(drawn) - len(laichau)} from "
          f"{len(others)} local-government articles of baomoi_more with a candidate; {len(drawn)} drawn")


if __name__ == "__main__":
    main()
