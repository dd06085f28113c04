"""The genre and attribution detectors: pure functions of an item's title and text.

Their labels are those of ``tests/data/register_dev/GUIDELINES.md``; they are measured on its
labelled set (``tests/data/register_dev``; the held-out part is read by ``bench/register_detectors.py
--heldout``, once per detector version).

``genre`` answers the register's question "is this item a news report?": a trained classifier
(``register.genre_model``, multinomial logistic regression shipped as JSON weights) over the
hand-written rules' marks and answer (``register.genre_rules``; ``rule_genre`` is the genre detector
of version 1) and the words of the title, lead and close. ``attribution`` is hand-written rules,
tuned on the development part only.

``attribution`` reads the credits where they sit: the closing lines ("Theo X", "Nguồn: X",
"Name/Outlet", "(TTXVN)"), the opening dateline ("(PLO) -", "Hà Nội (TTXVN) -") and the lead
("Theo báo X, …", "Tờ X đưa tin"). A named outlet makes it ``attributed``; a vague credit ("(Tổng
hợp)", "(T/h)", "(lược dịch)", "Nguồn: Internet", "theo truyền thông …") with no name makes it
``not_attributed``; else ``original``. Photo, video and chart credits are skipped (rule A4). A
closing "Theo <person>" is a credit only when an outlet follows; ``KNOWN_OUTLETS`` tells outlet
names from people's names where the text alone cannot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analysis import fold
from register import genre_model
from register.genre_rules import GENRES, rule_genre

VERSION = 2  # bump when a rule or the genre model changes: stored marks of older versions are recomputed
# 1: hand-written genre rules (now ``rule_genre``); 2: the trained genre model (``register.genre_model``)
__all__ = ["ATTRIBUTIONS", "GENRES", "VERSION", "Attribution", "attribution", "genre", "rule_genre"]
ATTRIBUTIONS = ("attributed", "not_attributed", "original")
TAIL_CHARS = 320  # where closing credits sit
LEAD_CHARS = 700  # where a lead hands the story to a source

# Outlets and agencies whose names look like anything else (a person, a word); compared folded.
KNOWN_OUTLETS = (
    "vnexpress", "vne", "dan tri", "dantri", "tuoi tre", "thanh nien", "zing", "zing.vn", "news.zing.vn", "kenh14",
    "soha", "tri thuc tre", "ttvn", "ttvn.vn", "ttxvn", "tin tuc", "vietnam+", "vietnamplus", "vov", "vov.vn",
    "vtv", "vtc", "vtc news", "vietnamnet", "dan viet", "nguoi lao dong", "tien phong", "lao dong", "sggp",
    "plo", "phap luat", "phap luat tp.hcm", "an ninh thu do", "antd", "cand", "cong an nhan dan", "nhan dan",
    "quan doi nhan dan", "qdnd", "kinh te & do thi", "kinh te do thi", "gia dinh va xa hoi", "doi song plus",
    "doi song & phap luat", "infonet", "khampha", "kham pha", "khoedep", "khoevadep", "eva", "afamily", "24h",
    "ngoisao", "yan", "vietbao", "baomoi", "giadinh.net", "pnvn", "phu nu", "phu nu viet nam", "tcktvn",
    "thethaovanhoa", "the thao van hoa", "bongda.com.vn", "bongdaplus", "webthethao", "the thao viet nam",
    "vneconomy", "cafef", "cafebiz", "ndh", "dau tu", "baodautu", "bao dau tu", "tinnhanhonline", "giao duc",
    "giao duc viet nam", "suc khoe doi song", "petrotimes", "vietq", "viettimes", "bao moi", "motthegioi",
    "reuters", "afp", "ap", "bbc", "cnn", "tass", "sputnik", "ria", "ria novosti", "tan hoa xa", "xinhua",
    "yonhap", "kyodo", "nhk", "daily mail", "the sun", "guardian", "the guardian", "new york times", "nytimes",
    "washington post", "bloomberg", "cnbc", "cnet", "the verge", "techcrunch", "business insider", "bi", "forbes",
    "allkpop", "soompi", "koreaboo", "sohu", "sina", "mirror", "marca", "as", "goal", "sky sports", "sky sport",
    "espn", "fox news", "abc", "nbc", "rt", "al jazeera", "hollywood life", "people", "tmz", "pc world",
)
_KNOWN = frozenset(KNOWN_OUTLETS)
_OUTLET_WORD = r"(?:báo|tờ|trang|kênh|hãng tin|hãng thông tấn|tạp chí|đài|tạp chí|website|cổng thông tin)"
_NAME = r"[A-ZĐÀ-Ỹ0-9][\w.&+'’-]*(?:[ \-][A-ZĐÀ-Ỹ0-9&+][\w.&+'’-]*){0,5}"
_CLOSING_THEO = re.compile(rf"(?:^|[\s.,])[Tt]heo:?\s+(?:{_OUTLET_WORD}\s+)?(?P<name>[^\n()]{{2,60}}?)"
                           r"\s*(?:\((?P<paren>[^()]{2,60})\))?\s*$")
_NGUON = re.compile(r"(?P<before>\b\w+\s*[(:]?\s*)?\b[Nn]guồn\s*:\s*(?P<name>[^\n.;()]{2,60})")
_SLASH_BYLINE = re.compile(rf"\b[\w.]+(?: [\w.]+){{0,4}}\s*/\s*(?P<name>{_NAME})")
_PAREN = re.compile(r"\((?P<name>[^()]{2,80})\)")
_DATELINE = re.compile(r"^\s*(?:[\w .]{0,30})?\((?P<name>[^()]{2,30})\)\s*[-–—]")
_PRESS_WORD = r"(?:[Tt]ờ|[Hh]ãng tin|[Hh]ãng thông tấn|[Hh]ãng|[Bb]áo|[Tt]rang|[Tt]ạp chí)"
_BODY_CREDITS = (
    # "Theo tờ AS, …", "theo Sputniknews.com, …", "Theo báo VnExpress, …"
    re.compile(rf"\b[Tt]heo\s+(?P<word>{_PRESS_WORD}\s+)?(?P<name>{_NAME})\s*(?:\([^()]{{1,30}}\))?\s*[,.]"),
    # "Tờ Haaretz dẫn nguồn tin…", "Hãng Kyodo dẫn…", "Tờ Economic Times (Ấn Độ) cho biết"
    re.compile(rf"(?P<word>{_PRESS_WORD})\s+(?P<name>{_NAME})\s*(?:\([^()]{{1,30}}\)\s*)?,?\s*"
               r"(?:đưa tin|cho biết|dẫn|đăng tải|đăng|tiết lộ|trích|viết|bình luận|ngày \d)"),
    # "…, Reuters đưa tin.", "CNN dẫn nguồn tin…"
    re.compile(rf"(?P<name>{_NAME})\s+(?:vừa\s+)?(?:đưa tin|dẫn nguồn|dẫn lời)"),
    # an outlet naming itself (rule A1): "Trao đổi với Tiền Phong", "chia sẻ với phóng viên báo Kinh tế & Đô thị"
    re.compile(rf"(?:[Tt]rao đổi|[Cc]hia sẻ|[Nn]ói|[Tt]râ lời|[Tt]rả lời)\s+với\s+(?P<word>(?:phóng viên|PV\.?)\s+)"
               rf"(?:báo\s+)?(?P<name>{_NAME})"),
    re.compile(rf"(?:[Tt]rao đổi|[Cc]hia sẻ|[Nn]ói|[Tt]rả lời)\s+với\s+(?P<name>{_NAME})"),
)
# What each of _BODY_CREDITS cannot match without (lower case): skipping a pattern whose words are
# absent changes no result and saves most of the time on long texts.
_BODY_CREDIT_WORDS = (("theo",), ("tờ", "hãng", "báo", "trang", "tạp chí"), ("đưa tin", "dẫn nguồn", "dẫn lời"),
                      ("với",), ("với",))
_SELF_REF = re.compile(r"(?:này|đó|nói trên|cho biết|địa phương|nước ngoài|quốc tế)\b|[a-zđà-ỹ]")
_VAGUE = re.compile(
    r"\(\s*(?:tổng hợp|t/h|th|lược dịch|dịch|st|sưu tầm|tổng hợp, dịch)\s*\)"
    r"|\bnguồn\s*:\s*(?:internet|sưu tầm|st|tổng hợp)\b"
    r"|\btheo\s+(?:truyền thông|báo chí|các báo|báo giới|giới truyền thông|mạng xã hội|trang tin)(?:\s+[\w ]{0,20})?"
    r"|\btruyền thông\s+(?:nước ngoài|quốc tế|hàn quốc|trung quốc|nhật bản|mỹ|anh|pháp|nga|tây ban nha|ý|đức)"
    r"\s+(?:cho biết|đưa tin|đồng loạt)"
    r"|\bmột tờ báo\b",
    re.IGNORECASE,
)
_Node = dict[str, "_Node"]


def _trie(words: list[str]) -> str:
    """One regular expression matching any of ``words``, longest first (as an alternation sorted by
    length would), written as a prefix tree so that a position is tried in a few steps, not one per
    word."""
    tree: _Node = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: _Node) -> str:
        branches = [re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char]
        ends = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return pattern(tree)


_KNOWN_ALT = _trie([k for k in KNOWN_OUTLETS if len(k) > 2])
_KNOWN_IN_LEAD = re.compile(
    rf"(?:\btheo|\bto|\bhang tin|\bhang thong tan|\btrang|\bbao|\btap chi)\s+(?:bao\s+|to\s+)?"
    rf"(?P<name>{_KNOWN_ALT})(?![\w])"
    rf"|(?P<n2>(?<![\w])(?:{_KNOWN_ALT}))(?![\w])\s*(?:\([^)]{{1,30}}\)\s*)?"
    r"(?:dua tin|cho biet|dan loi|dang tai|tiet lo|vua dua tin|bao cao)")
_KNOWN_AT_END = re.compile(rf"(?:^|[\s/(\-–])(?P<name>{_KNOWN_ALT})(?![\w])")
_MEDIA = re.compile(r"(?:ảnh|hình|video|clip|photo|nguồn ảnh|đồ họa|biểu đồ)\s*:?\s*$", re.IGNORECASE)
_NOT_OUTLET_WORDS = frozenset({"ảnh", "video", "clip", "nguồn", "internet", "tổng hợp", "t/h", "th", "dịch",
                               "lược dịch", "st", "kỳ", "bài", "phần", "tin", "pv", "ctv", "gt"})


@dataclass(frozen=True)
class Attribution:
    label: str  # one of ATTRIBUTIONS
    outlets: tuple[str, ...]  # named sources, as written, in order of appearance
    evidence: str  # the credit that decided ("" for original)


def _known(name: str) -> bool:
    folded = fold(name).strip(" .,:;-–").lower()
    return folded in _KNOWN or any(folded.startswith(k + " ") or folded.endswith(" " + k) for k in _KNOWN
                                   if len(k) > 3)


def _looks_outlet(name: str) -> bool:
    """A credited name is an outlet when it is known, or looks like a site or agency (a domain, an
    all-capitals abbreviation, "Báo …")."""
    name = name.strip(" .,:;-–)(")
    if not name or fold(name).lower() in _NOT_OUTLET_WORDS:
        return False
    if _known(name):
        return True
    if re.search(r"\.(?:vn|com|net|org|info)\b", name, re.IGNORECASE):
        return True
    if re.fullmatch(r"[A-ZĐ+&.]{2,10}(?:[ -][A-ZĐ+&.]{2,10})?", name) and name.upper() not in {"PV", "CTV", "TW"}:
        return True
    return bool(re.match(rf"{_OUTLET_WORD}\s", name, re.IGNORECASE))


def _media_credit(text: str, start: int) -> bool:
    """Whether the credit at ``start`` belongs to a photo, a video or a chart (rule A4)."""
    return bool(_MEDIA.search(text[max(0, start - 25):start]))


def _split_names(raw: str) -> list[str]:
    return [part.strip(" .,:;-–") for part in re.split(r"\s*/\s*|\s*;\s*|\s+-\s+", raw) if part.strip(" .,:;-–")]


def attribution(title: str, text: str) -> Attribution:
    """Whether the item names where its content was taken from (``ATTRIBUTIONS``)."""
    body = text.strip()
    if body.startswith(title.strip()):
        body = body[len(title.strip()):].lstrip()
    tail_start = max(0, len(body) - TAIL_CHARS)
    tail, lead = body[tail_start:], body[:LEAD_CHARS]
    found: list[tuple[int, str, str]] = []  # (position, outlet, evidence)

    closing = _CLOSING_THEO.search(tail)
    if closing and not _media_credit(tail, closing.start()):
        names = _split_names(closing["name"]) + ([closing["paren"]] if closing["paren"] else [])
        for outlet in [n for n in names if _looks_outlet(n)]:
            found.append((tail_start + closing.start(), outlet, closing.group(0).strip()))
    for match in _NGUON.finditer(tail):
        before = tail[max(0, match.start() - 80):match.start()].lower()
        if _media_credit(tail, match.start()) or any(w in before for w in ("ảnh", "video", "clip", "biểu đồ")):
            continue
        for name in re.split(r"\s*[/,]\s*", match["name"].strip()):
            if name and not re.match(r"(?i)internet|sưu tầm|st\b|tổng hợp", name) and len(name.split()) <= 6:
                found.append((tail_start + match.start(), name.strip(), match.group(0).strip()))
    for match in _SLASH_BYLINE.finditer(tail[-90:]):
        name = match["name"]
        if _looks_outlet(name) and not _media_credit(tail, match.start()):
            found.append((len(body) - 90 + match.start(), name, match.group(0).strip()))
    for match in _PAREN.finditer(tail):
        inner = re.sub(r"^(?:theo|tổng hợp theo|tổng hợp từ|lược dịch từ|dịch từ|tổng hợp theo báo)\s+", "",
                       match["name"].strip(), flags=re.IGNORECASE)
        for name in re.split(r"\s*,\s*|\s+và\s+", inner):
            if (_known(name) or (inner != match["name"].strip() and name)) \
                    and not _media_credit(tail, match.start()):
                found.append((tail_start + match.start(), name, match.group(0)))
    dateline = _DATELINE.match(body)
    if dateline and _looks_outlet(dateline["name"]):
        found.append((dateline.start(), dateline["name"], dateline.group(0).strip()))
    lowered = body.lower()
    for pattern, words in zip(_BODY_CREDITS, _BODY_CREDIT_WORDS, strict=True):
        if not any(word in lowered for word in words):
            continue
        for match in pattern.finditer(body):
            name = match["name"].strip()
            word = match.groupdict().get("word")
            if (word and not _SELF_REF.match(name)) or _looks_outlet(name):
                if not _media_credit(body, match.start()) and fold(name).lower() not in _NOT_OUTLET_WORDS:
                    found.append((match.start(), name, match.group(0).strip()))
    folded_body = fold(body).lower()
    for match in _KNOWN_IN_LEAD.finditer(folded_body):
        group = "name" if match["name"] else "n2"
        name = body[match.start(group):match.end(group)]
        if name[:1].isupper():
            found.append((match.start(), name, body[match.start():match.end()]))
    folded_end = fold(body[-60:]).lower()
    for match in _KNOWN_AT_END.finditer(folded_end):
        original = body[-60:][match.start("name"):match.end("name")]
        if original.isupper() or match.group(0)[:1] in "/(" or match.end() >= len(folded_end) - 1:
            found.append((len(body) - 60 + match.start(), original, original))

    if found:
        found.sort()
        outlets: list[str] = []
        for _, name, _ in found:
            if fold(name).lower() not in {fold(o).lower() for o in outlets}:
                outlets.append(name)
        return Attribution("attributed", tuple(outlets), found[0][2][:120])
    vague = _VAGUE.search(tail) or _VAGUE.search(lead)
    if vague:
        return Attribution("not_attributed", (), vague.group(0))
    closing_person = re.search(rf"\b[Tt]heo\s+{_NAME}\s*$", tail)
    if closing_person:
        return Attribution("not_attributed", (), closing_person.group(0).strip())
    return Attribution("original", (), "")


def genre(title: str, text: str) -> str:
    """The item's form (``GENRES``): the trained model's answer (``register.genre_model``), which
    reads the rules' marks (``register.genre_rules``) among its features."""
    return genre_model.classify(title, text)
