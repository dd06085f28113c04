"""How the genre training sample was drawn (run from the repository root).

    python3 tests/data/genre_train/select.py [--articles PATH] [--strata /some/private/path.json]

400 articles of shared/data/baomoi_more (baomoi.com, 2017) for training the genre classifier of
the press register (issue 20). No article of any labelled set under tests/data is drawn: every
``id`` (and ``article``) of every jsonl/jsonl.gz file there is excluded (analysis_dev, syndication,
register_dev, province_dev samples incl. Sơn La, sentiment_train + addendum, sentiment_heldout,
topics_train, briefing_questions, ...), and so is any article whose title equals the title of
one of them or of an article drawn already (baomoi carries the same story under several ids).
The labels files of sentiment_heldout are not opened: its heldout.jsonl holds the same ids.

170 articles are a simple random sample; 230 come from candidate pools found by cue words of the
title and lead (first 600 characters) and the last paragraph, so that the rare genres (interview,
analysis/commentary, research, feature/reportage) are well represented. A pool is only a way to
find candidates: it says nothing about the label. Pools are filled rarest first, each from
articles not chosen yet; if a pool is smaller than its share, the rest is drawn at random. The
whole sample is shuffled, so the annotators cannot tell where an article came from.

Writes sample.jsonl (id, title, text as in the source file) beside this script and prints the
counts. --strata writes which stratum each id was drawn from; keep it away from the annotators.
Seed 20261207; stdlib only; deterministic.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from collections.abc import Callable, Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
DEFAULT_ARTICLES = Path("/work/shared/data/baomoi_more/articles.jsonl.gz")
SEED = 20261207
SIZE = 400
RANDOM_SIZE = 170
LEAD_CHARS = 600

Article = dict[str, str]


def _lead(article: Article) -> str:
    return article["title"] + "\n" + article["text"][:LEAD_CHARS]


def _tail(article: Article) -> str:
    paragraphs = [p for p in article["text"].strip().split("\n") if p.strip()]
    return paragraphs[-1] if paragraphs else ""


def _in_lead(pattern: str) -> Callable[[Article], bool]:
    regex = re.compile(pattern)
    return lambda a: regex.search(_lead(a)) is not None


def _in_title(pattern: str) -> Callable[[Article], bool]:
    regex = re.compile(pattern)
    return lambda a: regex.search(a["title"]) is not None


def _in_tail(pattern: str) -> Callable[[Article], bool]:
    regex = re.compile(pattern)
    return lambda a: regex.search(_tail(a)) is not None


def _either(*tests: Callable[[Article], bool]) -> Callable[[Article], bool]:
    return lambda a: any(test(a) for test in tests)


def _many_questions(a: Article) -> bool:
    return a["text"].count("?") >= 6


# (stratum, how many, test) in filling order: rarest first
POOLS: list[tuple[str, int, Callable[[Article], bool]]] = [
    ("genre_research", 25, _either(
        _in_lead(r"[Nn]ghiên cứu (?:mới|cho thấy|chỉ ra|của)|[Cc]ác nhà khoa học|[Kk]hảo sát"
                 r"|[Tt]ạp chí (?:khoa học|[A-Z])|[Tt]óm tắt\s*:|[Cc]ông trình nghiên cứu"),
        _in_tail(r"[Tt]ài liệu tham khảo|\[\d+\]"))),
    ("genre_interview", 55, _either(
        _in_title(r"(?i)phỏng vấn|trò chuyện|giao lưu|hỏi\s*-?\s*đáp|Q&A|chia sẻ của|nói về"),
        _in_lead(r"(?:^|[\s.!?”\"])(?:PV|Phóng viên|P\.V\.?)\s*:"
                 r"|[Xx]in (?:ông|bà|anh|chị) (?:cho biết|chia sẻ)|[Tt]hưa (?:ông|bà|anh|chị)"
                 r"|(?:trả lời|dành cho) (?:phỏng vấn|PV|phóng viên)|cuộc trò chuyện"),
        _many_questions)),
    ("genre_feature", 60, _either(
        _in_title(r"(?i)phóng sự|ký sự|ghi chép|bút ký|chuyện (?:ở|về|của)|nghề|làng|người (?:giữ|đưa|gác)"),
        _in_lead(r"(?:Kỳ|Bài) (?:\d+|cuối)\s*:|[Cc]húng tôi (?:có mặt|tìm đến|tìm về|theo chân|đến)"
                 r"|(?:[Pp]hóng viên|PV) (?:có mặt|tìm đến|theo chân)|[Nn]hững ngày (?:này|cuối)"))),
    ("genre_analysis", 90, _either(
        _in_title(r"(?i)bình luận|xã luận|góc nhìn|nhận định|quan điểm|phân tích|tản mạn|vì sao"
                  r"|tại sao|\?|đừng|cần|nên|liệu|bài học|lời giải|câu chuyện"),
        _in_lead(r"[Tt]heo tôi,|[Tt]ôi cho rằng|[Cc]húng ta|[Tt]heo quan điểm|[Cc]âu hỏi đặt ra"),
        _in_tail(r"\(\*\)|[Tt]ác giả|[Cc]húng ta|[Tt]heo tôi|[Ll]ẽ nào|[Hh]ãy"))),
]


def _read_jsonl(path: Path) -> Iterator[dict[str, object]]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for line in handle:
            if line.strip():
                record = json.loads(line)
                if isinstance(record, dict):
                    yield record


def _norm(title: str) -> str:
    return " ".join(title.lower().split())


def used_ids_and_titles() -> tuple[set[str], set[str], list[str]]:
    ids: set[str] = set()
    titles: set[str] = set()
    files: list[str] = []
    for path in sorted(DATA.rglob("*.jsonl*")):
        if not path.name.endswith((".jsonl", ".jsonl.gz")) or path.parent == HERE:
            continue
        if path.parent.name == "sentiment_heldout" and path.name.startswith("labels"):
            continue  # held-out labels are never read; heldout.jsonl has the same ids
        files.append(str(path.relative_to(DATA)))
        for record in _read_jsonl(path):
            for key in ("id", "article"):
                if key in record:
                    ids.add(str(record[key]))
            if isinstance(record.get("title"), str):
                titles.add(_norm(str(record["title"])))
    return ids, titles, files


def load(path: Path) -> list[Article]:
    return [{k: str(v) for k, v in r.items()} for r in _read_jsonl(path)]


def draw(articles: list[Article], used: set[str], used_titles: set[str]) -> list[tuple[Article, str]]:
    rnd = random.Random(SEED)
    seen_titles = set(used_titles)
    free: list[Article] = []
    for article in articles:  # the source order is fixed, so the result is deterministic
        title = _norm(article["title"])
        if article["id"] in used or title in seen_titles:
            continue
        seen_titles.add(title)
        free.append(article)
    chosen: list[tuple[Article, str]] = [(a, "random") for a in rnd.sample(free, RANDOM_SIZE)]
    taken = {a["id"] for a, _ in chosen}
    for name, size, test in POOLS:
        pool = [a for a in free if a["id"] not in taken and test(a)]
        picked = rnd.sample(pool, min(size, len(pool)))
        print(f"{name:20} pool {len(pool):5}  drawn {len(picked)}")
        chosen += [(a, name) for a in picked]
        taken.update(a["id"] for a in picked)
    rest = [a for a in free if a["id"] not in taken]
    chosen += [(a, "random_fill") for a in rnd.sample(rest, SIZE - len(chosen))]
    rnd.shuffle(chosen)
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--strata", type=Path, help="also write id -> stratum here (not for annotators)")
    args = parser.parse_args()
    used, used_titles, files = used_ids_and_titles()
    print(f"excluded {len(used)} ids and {len(used_titles)} titles from {len(files)} files:")
    for name in files:
        print("  ", name)
    chosen = draw(load(args.articles), used, used_titles)
    assert len({a["id"] for a, _ in chosen}) == SIZE
    assert not {a["id"] for a, _ in chosen} & used
    with open(HERE / "sample.jsonl", "w", encoding="utf-8") as handle:
        for article, _ in chosen:
            record = {"id": article["id"], "title": article["title"], "text": article["text"]}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print("random", sum(s.startswith("random") for _, s in chosen), "total", len(chosen))
    if args.strata:
        args.strata.write_text(json.dumps({a["id"]: s for a, s in chosen}, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
