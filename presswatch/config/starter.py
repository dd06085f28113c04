"""A starting configuration directory for one province (``presswatch init``).

``starter_files`` builds, from the shipped ``config/`` (Lai Châu's, the default) and the table of
provincial outlets (``data/provincial_outlets.yaml``), the files of a new deployment:
- ``presswatch.yaml``: the shipped file with ``province`` (and the User-Agent) set;
- ``sources.yaml``: the province's paper, portal and broadcaster where known (disabled listing pages
  and ``site:`` searches, every one ``verified: false`` with an ``# unverified`` comment), news-search
  feeds for its name, and the national outlets of the shipped file with their comments;
- ``alerts.yaml``: the shipped rules with the province's name in their names and queries;
- the lexicons, cases, register and report templates copied unchanged.
``write_starter`` writes them, refusing to replace an existing file unless told to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import yaml

from analysis import fold
from presswatch.errors import ConfigError
from presswatch.provinces import DEFAULT_PROVINCE, full_name

SHIPPED = Path(__file__).resolve().parents[2] / "config"
OUTLETS = Path(__file__).with_name("data") / "provincial_outlets.yaml"
COPIED = ("topics.yaml", "sentiment.yaml", "toxicity.yaml", "cases.yaml", "register.yaml", "report.docx",
          "briefing.docx", "cases_dossier.docx")
ROLES = {"paper": ("press", "báo của tỉnh"), "portal": ("info_site", "cổng thông tin điện tử"),
         "broadcaster": ("press", "đài phát thanh – truyền hình")}
# Most provincial CMSs end article addresses in .html/.htm or a numeric id: a guess to check.
GUESSED_LINKS = "a[href$='.html']::attr(href), a[href$='.htm']::attr(href)"
_DEFAULT_SLUG = "lai-chau"


@dataclass(frozen=True)
class Outlet:
    role: str  # paper | portal | broadcaster
    name: str
    url: str
    verified: bool


def slug(name: str) -> str:
    """"Điện Biên" → "dien-bien" (ids and tags)."""
    return "-".join(re.findall(r"[a-z0-9]+", fold(name)))


def outlets(province: str, table: Path = OUTLETS) -> list[Outlet]:
    """The known outlets of ``province`` (2025 name) in the shipped table."""
    data = yaml.safe_load(table.read_text(encoding="utf-8")) or {}
    entry = data.get(province) or {}
    return [Outlet(role, str(item["name"]), str(item["url"]), bool(item.get("verified", False)))
            for role, item in entry.items() if role in ROLES]


def _blocks(text: str) -> list[str]:
    """The entries of a ``sources:`` list as text, each with the comment lines above it."""
    body = text.split("\nsources:\n", 1)[1]
    return [block for block in re.split(r"\n\s*\n", body) if re.search(r"^\s*- id:", block, re.M)]


def _tags(block: str) -> list[str]:
    entry = yaml.safe_load(block)
    return list(entry[0].get("tags") or []) if isinstance(entry, list) and entry else []


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _search(query: str) -> str:
    return f"https://news.google.com/rss/search?q={quote(query, safe='')}&hl=vi&gl=VN&ceid=VN:vi"


def sources_text(province: str, shipped: Path = SHIPPED) -> str:
    """``sources.yaml`` for ``province``."""
    tag = slug(province)
    blocks = _blocks((shipped / "sources.yaml").read_text(encoding="utf-8"))
    national = [block for block in blocks if "national" in _tags(block) and _DEFAULT_SLUG not in _tags(block)]
    own = [block for block in blocks if _DEFAULT_SLUG in _tags(block)] if province == DEFAULT_PROVINCE else []
    out = [
        f"# presswatch – starting source list for {full_name(province)}, written by `presswatch init`.",
        "#",
        "# `verified: false` (and an \"# unverified\" comment): the address was NOT fetched by anyone yet.",
        "# Such a site is written disabled: open it once, check it is the outlet, replace the guessed",
        "# listing selector or give its RSS feed (type: feed), then set enabled: true and verified: true.",
        "# News-search feeds are enabled: their address pattern works for other provinces, but this",
        "# query was not fetched either. National outlets come from the shipped config/sources.yaml with",
        "# the comments saying where each was seen. See docs/configuration.md (presswatch init).",
        "",
        "defaults:",
        "  interval: 30m",
        "",
        "sources:",
    ]
    if own:
        out += [f"  # ========================= {province.upper()} (shipped list) =========================", ""]
        out += [block.strip("\n") + "\n" for block in own]
    else:
        out += [f"  # ========================= {province.upper()} – provincial outlets =========================", ""]
        for outlet in outlets(province):
            kind, role = ROLES[outlet.role]
            host = urlsplit(outlet.url).hostname or outlet.url
            out += [
                f"  # unverified: {role} of {full_name(province)} from the shipped table of provincial outlets",
                "  #   (presswatch/config/data/provincial_outlets.yaml), never fetched; the link selector is a guess.",
                f"  - id: {slug(host.removeprefix('www.').split('.')[0])}",
                f"    name: {_quoted(outlet.name)}",
                f"    kind: {kind}",
                "    type: listing",
                "    urls:",
                f"      - {_quoted(outlet.url)}",
                "    interval: 30m",
                "    enabled: false",
                f"    verified: {'true' if outlet.verified else 'false'}",
                f"    tags: [{tag}{', government' if outlet.role == 'portal' else ''}]",
                "    selectors:",
                f"      article_links: {_quoted(GUESSED_LINKS)}",
                "",
            ]
            if outlet.role == "paper":
                out += [
                    f"  # unverified: Google News \"site:\" search of {host} (pattern seen for other outlets).",
                    f"  - id: gnews-site-{slug(host.removeprefix('www.').split('.')[0])}",
                    f"    name: {_quoted(f'Google News – tin trên {host} (site:)')}",
                    "    kind: aggregator",
                    "    type: feed",
                    "    urls:",
                    f"      - {_quoted(_search('site:' + host))}",
                    "    interval: 30m",
                    "    enabled: true",
                    "    verified: false",
                    f"    tags: [{tag}, search]",
                    "",
                ]
        out += [f"  # ======================= SEARCH FEEDS ({province}) =======================", ""]
        for suffix, query, label in (
            ("", f'"{province}"', f"“{province}”"),
            ("-thien-tai", f'"{province}" (sạt lở OR lũ OR "lũ quét" OR "mưa lớn" OR "thiên tai")',
             f"“{province}” + sạt lở, lũ, mưa lớn, thiên tai"),
        ):
            out += [
                "  # unverified: Google News RSS search (the address pattern of the shipped list's searches);",
                "  #   this query was not fetched.",
                f"  - id: gnews-{tag}{suffix}",
                f"    name: {_quoted(f'Google News – {label}')}",
                "    kind: aggregator",
                "    type: feed",
                "    urls:",
                f"      - {_quoted(_search(query))}",
                "    interval: 15m",
                "    enabled: true",
                "    verified: false",
                f"    tags: [{tag}, search]",
                "",
            ]
    out += ["  # ======================= NATIONAL PRESS (from the shipped list) =======================", ""]
    out += [block.strip("\n") + "\n" for block in national]
    return "\n".join(out).rstrip("\n") + "\n"


def alerts_text(province: str, shipped: Path = SHIPPED) -> str:
    """The shipped ``alerts.yaml`` with ``province`` in its rules' names, ids and queries."""
    text = (shipped / "alerts.yaml").read_text(encoding="utf-8")
    return text.replace(DEFAULT_PROVINCE, province).replace(_DEFAULT_SLUG, slug(province))


def settings_text(province: str, shipped: Path = SHIPPED) -> str:
    """The shipped ``presswatch.yaml`` with ``province`` and a User-Agent naming it set."""
    text = (shipped / "presswatch.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^# province: .*$", f"province: {province}", text, count=1, flags=re.M)
    text = text.replace("@laichau.gov.vn", f"@{slug(province).replace('-', '')}.gov.vn")
    ascii_name = " ".join(word.capitalize() for word in slug(province).split("-"))
    return re.sub(r"^# user_agent: (.*)Lai Chau(.*)$", rf"user_agent: \g<1>{ascii_name}\g<2>", text, count=1,
                  flags=re.M)


def starter_files(province: str, shipped: Path = SHIPPED) -> dict[str, bytes]:
    """Every file of the starting directory, by name."""
    if not (shipped / "sources.yaml").exists():
        raise ConfigError([f"{shipped}: không tìm thấy cấu hình mẫu đi kèm presswatch (thư mục config/ của bản cài)"])
    files = {"presswatch.yaml": settings_text(province, shipped), "sources.yaml": sources_text(province, shipped),
             "alerts.yaml": alerts_text(province, shipped)}
    found = {name: text.encode() for name, text in files.items()}
    for name in COPIED:
        if (shipped / name).exists():
            found[name] = (shipped / name).read_bytes()
    return found


def write_starter(directory: Path, province: str, *, force: bool = False, shipped: Path = SHIPPED) -> list[Path]:
    """Write the starting files into ``directory``; ``ConfigError`` naming the files that exist unless
    ``force``. Returns the paths written."""
    files = starter_files(province, shipped)
    existing = [directory / name for name in files if (directory / name).exists()]
    if existing and not force:
        raise ConfigError([f"{path}: tệp đã có, không ghi đè (dùng --force để ghi đè)" for path in existing])
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in files.items():
        path = directory / name
        path.write_bytes(data)
        written.append(path)
    return written
