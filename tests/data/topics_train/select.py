"""How the topic training sample was drawn (run from the repository root, after every other labelled
set of tests/data exists, since it excludes them).

    python3 tests/data/topics_train/select.py

400 articles of shared/data/baomoi_more, none of them in any other labelled set of tests/data
(analysis_dev, syndication.jsonl, register_dev, province_dev, sentiment_train with its addendum,
sentiment_heldout — checked by id):

- 220 drawn so that every topic of config/topics.yaml has candidates: for each of the 10 topics, 22
  articles whose title or lead (first 600 characters) carries one of a few cue words of that topic
  (the rarest topics first; an article is drawn once). Cue words only find candidates, they are not
  labels: annotators label every article for all ten topics.
- 180 drawn at random from the rest, so that the sample also holds the ordinary mix of news.

Shuffled. Writes sample.jsonl.gz (id, title, text) beside this script. Stdlib only. Seed 20261208.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
TESTS_DATA = HERE.parent
MORE = HERE.parents[3] / "shared" / "data" / "baomoi_more" / "articles.jsonl.gz"
SEED = 20261208
PER_TOPIC = 22
RANDOM_SIZE = 180

# (topic, cue pattern on the folded title + lead), rarest topics first
CUES = [
    ("bao-chi-truyen-thong", r"báo chí|nhà báo|phóng viên|tin giả|tin đồn|mạng xã hội|facebook|youtube"
                             r"|viễn thông|internet|truyền hình|cơ quan báo"),
    ("tham-nhung-tieu-cuc", r"tham nhũng|tham ô|hối lộ|kỷ luật|cách chức|sai phạm|lợi dụng chức vụ"
                            r"|thanh tra|tiêu cực|lãng phí"),
    ("thien-tai", r"(?<!\w)(?:lũ|lụt|bão|lốc|sạt lở|mưa đá|hạn hán|rét đậm|thiên tai|nắng nóng|động đất)(?!\w)"),
    ("dat-dai-moi-truong", r"đất đai|thu hồi đất|lấn chiếm|khai thác cát|phá rừng|ô nhiễm|môi trường"
                           r"|rác thải|khoáng sản|giải phóng mặt bằng"),
    ("tai-nan", r"tai nạn|va chạm|lật xe|đuối nước|hỏa hoạn|(?<!\w)cháy(?!\w)|(?<!\w)nổ(?!\w)|sập"),
    ("an-ninh-trat-tu", r"bắt giữ|triệt phá|ma túy|truy nã|khởi tố|lừa đảo|trộm|cướp|xét xử|buôn lậu"),
    ("chinh-tri", r"hội nghị|bổ nhiệm|quốc hội|thủ tướng|bộ trưởng|chủ tịch nước|đại hội|ngoại giao"
                  r"|tổng bí thư|bầu"),
    ("xa-hoi", r"bệnh viện|học sinh|giáo dục|y tế|người nghèo|bảo hiểm xã hội|trường học|thi |dịch bệnh"),
    ("kinh-te", r"doanh nghiệp|đầu tư|xuất khẩu|giá |ngân hàng|tăng trưởng|du lịch|nông sản|chứng khoán"),
    ("van-hoa-the-thao", r"lễ hội|ca sĩ|bóng đá|phim|nghệ sĩ|giải đấu|triển lãm|hoa hậu|âm nhạc"),
]


def fold(text: str) -> str:
    return unicodedata.normalize("NFC", text).casefold()


def ids_in(path: Path) -> set[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        return {json.loads(line)["id"] for line in handle if line.strip()}


def used_ids() -> set[str]:
    paths = [TESTS_DATA / "analysis_dev" / "devset.jsonl", TESTS_DATA / "syndication.jsonl",
             TESTS_DATA / "register_dev" / "sample.jsonl",
             TESTS_DATA / "province_dev" / "sample_dien_bien.jsonl",
             TESTS_DATA / "province_dev" / "sample_lao_cai.jsonl",
             TESTS_DATA / "sentiment_train" / "train.jsonl.gz",
             TESTS_DATA / "sentiment_train" / "addendum.jsonl.gz",
             TESTS_DATA / "sentiment_heldout" / "heldout.jsonl"]
    ids: set[str] = set()
    for path in paths:
        ids |= ids_in(path)
    return ids


def main() -> None:
    used = used_ids()
    with gzip.open(MORE, "rt", encoding="utf-8") as handle:
        articles = [a for a in map(json.loads, handle) if a["id"] not in used]
    print("excluded (already in another set):", len(used), "ids; eligible:", len(articles))
    rnd = random.Random(SEED)
    chosen: list[dict[str, str]] = []
    taken: set[str] = set()
    for topic, cue in CUES:
        regex = re.compile(cue)
        pool = [a for a in articles if a["id"] not in taken
                and regex.search(fold(a["title"] + "\n" + a["text"][:600]))]
        picked = rnd.sample(pool, min(PER_TOPIC, len(pool)))
        chosen += picked
        taken.update(a["id"] for a in picked)
        print(f"{topic:22} pool {len(pool):5}  drawn {len(picked)}")
    rest = [a for a in articles if a["id"] not in taken]
    chosen += rnd.sample(rest, RANDOM_SIZE)
    rnd.shuffle(chosen)
    with gzip.open(HERE / "sample.jsonl.gz", "wt", encoding="utf-8") as handle:
        for article in chosen:
            record = {"id": article["id"], "title": article["title"], "text": article["text"]}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print("total", len(chosen))


if __name__ == "__main__":
    main()
