"""How the genre/attribution development sample was drawn (run from the repository root).

    python3 tests/data/register_dev/select.py [--strata /some/private/path.json]

Half of the sample is a simple random sample of shared/data/baomoi_more (170 articles); the other
half (170) comes from candidate pools found by cue words, so that rare genres (interview, analysis,
research, reportage) and attribution cues (named and unnamed sources, agency credits, links) are
well represented. A pool is only a way to find candidates: it says nothing about the label (a
"Theo ..." at the end is often a byline of the outlet's own reporter, "phỏng vấn" often appears in
a news report). The pools are filled in the order below, each from articles not chosen yet; the
whole sample is shuffled, so the annotator cannot tell where an article came from.

Writes sample.jsonl (id, title, text as in the source file) beside this script and prints the
counts. --strata writes which stratum each id was drawn from (for weighting and per-stratum
reports later); keep that file away from the annotators. Seed 20261207; deterministic.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ARTICLES = HERE.parents[3] / "shared" / "data" / "baomoi_more" / "articles.jsonl.gz"
SEED = 20261207
RANDOM_SIZE = 170

Article = dict[str, str]


def _body(pattern: str) -> Callable[[Article], bool]:
    regex = re.compile(pattern)
    return lambda a: regex.search(a["text"].rstrip()) is not None


def _title(pattern: str) -> Callable[[Article], bool]:
    regex = re.compile(pattern)
    return lambda a: regex.search(a["title"]) is not None


def _either(*tests: Callable[[Article], bool]) -> Callable[[Article], bool]:
    return lambda a: any(test(a) for test in tests)


def _many_questions(a: Article) -> bool:
    return a["text"].count("?") >= 6


# (stratum, how many, test) in filling order: rarest first
POOLS: list[tuple[str, int, Callable[[Article], bool]]] = [
    # attribution cues
    ("attr_unnamed_compilation", 24, _body(
        r"\((?:[Tt]ổng hợp|[Tt]/[Hh]|[Ll]ược dịch|[Dd]ịch|[Ss]ưu tầm)\)"
        r"|[Nn]guồn\s*:?\s*(?:[Ii]nternet|[Ss]ưu tầm|[Tt]ổng hợp)"
        r"|theo (?:truyền thông|báo chí|báo) (?:nước ngoài|quốc tế|địa phương)")),
    ("attr_link", 10, _body(r"https?://|www\.")),
    ("attr_named_in_body", 14, _body(
        r"(?:[Tt]heo|[Tt]rên) (?:báo|tờ|trang|kênh|hãng tin|hãng thông tấn) [A-ZĐ]"
        r"|(?:tờ|hãng tin|kênh|báo) [A-ZĐ][\w&.+]*(?: [A-ZĐ][\w&.+]*)* (?:đưa tin|cho hay|dẫn lời)")),
    ("attr_nguon", 15, _body(r"[Nn]guồn\s*:")),
    ("attr_agency_ttxvn", 15, _body(r"TTXVN")),
    ("attr_theo_at_end", 18, _body(r"(?:^|[\s(])Theo\s+[A-ZĐ][^\n]{1,40}$")),
    # genre cues
    ("genre_research", 12, _body(
        r"[Tt]ài liệu tham khảo|\[\d+\]|[Kk]hảo cứu|[Cc]ông trình nghiên cứu|[Tt]óm tắt\s*:"
        r"|[Tt]ừ khóa\s*:|[Nn]ghiên cứu (?:này|của chúng tôi) (?:cho thấy|chỉ ra)")),
    ("genre_interview", 24, _either(
        _body(r"(?:^|[\s.!?”\"])(?:PV|Phóng viên|P\.V\.?)\s*:"
              r"|[Xx]in (?:ông|bà|anh|chị) (?:cho biết|chia sẻ)|[Tt]hưa (?:ông|bà|anh|chị)"),
        _title(r"[Pp]hỏng vấn|[Tt]rò chuyện|[Gg]iao lưu trực tuyến|Q&A|[Hh]ỏi\s*-?\s*đáp"),
        _many_questions)),
    ("genre_feature", 12, _body(
        r"[Pp]hóng sự|[Kk]ý sự|[Gg]hi chép|[Bb]út ký|(?:Kỳ|Bài) (?:\d+|cuối)\s*:"
        r"|[Cc]húng tôi (?:có mặt|tìm đến|tìm về|theo chân)|(?:[Pp]hóng viên|PV) (?:có mặt|tìm đến|theo chân)")),
    ("genre_analysis", 20, _either(
        _title(r"(?i)bình luận|xã luận|góc nhìn|nhận định|quan điểm|phân tích|tản mạn|vì sao|tại sao"),
        _body(r"[Tt]heo tôi,|[Tt]ôi cho rằng|[Tt]heo quan điểm của tôi|\(\*\)|[Tt]ác giả\s*:"
              r"|quan điểm (?:riêng )?của tác giả"))),
    ("genre_bulletin", 6, _either(
        _title(r"[Tt]hông cáo|[Dd]ự báo thời tiết|[Gg]iá vàng|[Kk]ết quả xổ số|[Tt]hông báo"))),
]


def load() -> list[Article]:
    with gzip.open(ARTICLES, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def draw(articles: list[Article]) -> list[tuple[Article, str]]:
    rnd = random.Random(SEED)
    chosen: list[tuple[Article, str]] = [(a, "random") for a in rnd.sample(articles, RANDOM_SIZE)]
    taken = {a["id"] for a, _ in chosen}
    for name, size, test in POOLS:
        pool = [a for a in articles if a["id"] not in taken and test(a)]
        picked = rnd.sample(pool, min(size, len(pool)))
        print(f"{name:28} pool {len(pool):5}  drawn {len(picked)}")
        chosen += [(a, name) for a in picked]
        taken.update(a["id"] for a in picked)
    rnd.shuffle(chosen)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strata", type=Path, help="also write id -> stratum here (not for annotators)")
    args = parser.parse_args()
    chosen = draw(load())
    with open(HERE / "sample.jsonl", "w", encoding="utf-8") as handle:
        for article, _ in chosen:
            record = {"id": article["id"], "title": article["title"], "text": article["text"]}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print("random", RANDOM_SIZE, "total", len(chosen))
    if args.strata:
        args.strata.write_text(json.dumps({a["id"]: s for a, s in chosen}, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
