"""Hostile article pages (issue 16): broken HTML, wrong encodings, huge or binary bodies, refreshes to
internal addresses, JSON-LD built to mislead. The corpus is ``tests/data/hostile/pages`` (see its
README); its large cases are made here.

Extraction (``crawler.extract.extract``) is run on each page as Scrapy hands it over (an
``HtmlResponse`` decoded by its headers, byte-order mark and ``<meta>``): it never raises and gives an
article or nothing, and what it gives can be stored. A whole crawl (a real subprocess against a local
site on 127.0.0.1) of a feed listing them among good articles keeps every good article, stores what
is readable, counts or records the rest and ends normally.
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

from crawler.extract import EARLIEST, Extraction, extract, parse_datetime
from crawler.report import CrawlReport
from crawler.spiders import ListingSpider
from presswatch.demo.site import LocalSite, Route, SiteArticle
from presswatch.store import RunResult, Store
from tests.support.crawling import TEST_SETTINGS, crawl, make_source
from tests.support.paths import DATA

PAGES = DATA / "hostile" / "pages"
TITLE = "Sạt lở ở Mường Tè"
PARAGRAPHS = (
    "Mưa lớn kéo dài từ đêm 25/11 khiến nhiều tuyến đường ở xã Mường Tè, tỉnh Lai Châu bị sạt lở, "
    "giao thông qua khu vực bị chia cắt.",
    "Lực lượng chức năng đang khẩn trương thông đường, hỗ trợ người dân di dời tài sản đến nơi an toàn.",
    "Ủy ban nhân dân xã khuyến cáo người dân không đi qua các ngầm tràn khi nước lũ dâng cao.",
)
STATED = datetime(2026, 11, 26, 1, 0, tzinfo=UTC)  # the <meta> of the corpus pages: 08:00 in Vietnam
UTF8 = "text/html; charset=utf-8"
ARTICLE, NOTHING, EITHER = "article", "nothing", "either"


@dataclass(frozen=True)
class Hostile:
    name: str
    body: bytes
    content_type: str = UTF8
    expect: str = EITHER  # what extraction gives: ARTICLE (with the corpus text), NOTHING, or EITHER
    bug: str = ""  # today's bug on this page (its tests are strict xfails)


def article_page(body: str, head: str = "") -> bytes:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{TITLE}</title>{head}</head>'
            f"<body><article><h1>{TITLE}</h1>{body}</article></body></html>").encode()


ARTICLE_BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


def deep_nesting(depth: int = 10_000) -> bytes:
    return article_page("<div>" * depth + ARTICLE_BODY + "</div>" * depth)


def over_size_limit(size: int = 300_000) -> bytes:
    image = "iVBORw0KGgo" + "A" * size
    return article_page(f'{ARTICLE_BODY}<figure><img src="data:image/png;base64,{image}"></figure>')


def enormous_line(size: int) -> bytes:
    """A page of ``size`` bytes on one line, markup around sentences (as minified pages are)."""
    unit = f'<p class="doan-van" data-theo-doi="{"x" * 300}">{PARAGRAPHS[1]}</p>'
    body = ARTICLE_BODY + unit * (size // len(unit.encode()))
    return article_page(body).replace(b"\n", b" ")


def binary_as_html() -> bytes:
    noise = random.Random(16).randbytes(64 * 1024)
    return b"\x89PNG\r\n\x1a\n" + noise


def many_links(count: int = 5_000) -> bytes:
    links = "".join(f"<a href=/t/{n}>{n}</a>" for n in range(count))
    return article_page(f"{ARTICLE_BODY}<nav class=tin-khac>{links}</nav>")


def json_ld_date(value: str) -> bytes:
    """An article whose JSON-LD states ``value`` as its date, and whose meta tag states ``STATED``."""
    block = json.dumps({"@type": "NewsArticle", "headline": TITLE, "datePublished": value})
    return article_page(ARTICLE_BODY, head=f'<meta property="article:published_time" content="{STATED.isoformat()}">'
                                           f'<script type="application/ld+json">{block}</script>')


BUGS: dict[str, str] = {}  # page name → today's bug on it (none left)
EXPECT = {
    "malformed.html": ARTICLE, "unclosed-title.html": NOTHING, "unterminated-comment.html": NOTHING,
    "windows-1258.html": ARTICLE, "utf-16-bom.html": ARTICLE, "nul-bytes.html": ARTICLE,
    "json-ld-hostile.html": ARTICLE, "doctype-entities.html": ARTICLE, "json-ld-date-overflow-max.html": ARTICLE,
    "json-ld-date-overflow-min.html": ARTICLE, "json-ld-deep-author.html": ARTICLE,
    "canonical-broken-ipv6.html": ARTICLE,
}
NO_CHARSET = ("windows-1258.html", "utf-16-bom.html")


def on_disk() -> list[Hostile]:
    return [Hostile(path.name, path.read_bytes(), "text/html" if path.name in NO_CHARSET else UTF8,
                    EXPECT.get(path.name, EITHER), BUGS.get(path.name, ""))
            for path in sorted(PAGES.glob("*.html"))]


GENERATED = [
    Hostile("deep-nesting", deep_nesting()),
    Hostile("over-size-limit", over_size_limit(), expect=ARTICLE),
    Hostile("enormous-line", enormous_line(1_000_000), expect=ARTICLE),
    Hostile("binary-as-html", binary_as_html(), "text/html", expect=NOTHING),
    Hostile("many-links", many_links(), expect=ARTICLE),
    Hostile("json-ld-date-junk", json_ld_date("1" * 100_000), expect=ARTICLE),
    Hostile("json-ld-date-far-future", json_ld_date("2999-01-01T00:00:00+07:00"), expect=ARTICLE),
]


def params(pages: list[Hostile]) -> list[object]:
    """One test parameter per page; today's bugs are strict xfails that name the bug."""
    return [pytest.param(page, id=page.name, marks=pytest.mark.xfail(strict=True, reason=page.bug) if page.bug else ())
            for page in pages]


def extracted(page: Hostile) -> Extraction | None:
    response = HtmlResponse(url=f"https://baodientu.example/{page.name}", body=page.body,
                            headers={"Content-Type": page.content_type})
    return extract(response.text, response.url)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


# --- extraction --------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", params(on_disk() + GENERATED))
def test_extraction_gives_an_article_or_nothing_and_never_raises(page: Hostile) -> None:
    result = extracted(page)
    if page.expect == NOTHING:
        assert result is None
        return
    if page.expect == ARTICLE:
        assert result is not None
        assert all(paragraph in nfc(result.text) for paragraph in PARAGRAPHS)
        assert nfc(result.title) == TITLE
    if result is None:
        return
    assert isinstance(result.title, str) and isinstance(result.text, str) and result.text.strip()
    assert result.url.startswith("https://baodientu.example/")
    for moment in (result.published, result.published_guess):
        # Whatever date the page states must be storable (the store keeps UTC) and plausible.
        assert moment is None or (moment.utcoffset() is not None
                                  and EARLIEST <= moment.astimezone(UTC) <= datetime.now(UTC) + timedelta(days=1))


@pytest.mark.parametrize("name", ["json-ld-date-overflow-max.html", "json-ld-date-overflow-min.html",
                                  "json-ld-date-junk", "json-ld-date-far-future"])
def test_a_json_ld_date_out_of_range_is_not_the_article_s_date(name: str) -> None:
    """Year 9999 west of UTC, year 1 east of it (neither converts to UTC), 100,000 "1"s (Python reads
    them as 1111-11-11), year 2999: the date is the one the page's meta tag states."""
    result = extracted(next(page for page in on_disk() + GENERATED if page.name == name))
    assert result is not None and result.published == STATED


@pytest.mark.parametrize(("value", "expected"), [
    ("9999-12-31T23:59:59-23:59", None), ("0001-01-01T00:00:00+14:00", None), ("1" * 100_000, None),
    ("11111111", None), ("1989-12-31T23:00:00+07:00", None), ("2026-12-08T23:00:00+07:00", None),
    ("2026-12-07T23:00:00+07:00", datetime(2026, 12, 7, 16, tzinfo=UTC)),
    ("1990-01-01T08:00:00+07:00", datetime(1990, 1, 1, 1, tzinfo=UTC)),
    ("26/11/2026 08:00", STATED), ("Thứ năm, 26/11/2026, 08:00 (GMT+7) " + "1" * 100, STATED),
])
def test_dates_are_read_within_a_plausible_range(value: str, expected: datetime | None) -> None:
    # "Now" is 7 December 2026, 12:00 UTC: a day ahead is allowed (a clock or a timezone off), not more.
    assert parse_datetime(value, now=datetime(2026, 12, 7, 12, tzinfo=UTC)) == expected


def test_a_canonical_link_that_is_not_an_address_leaves_the_page_s_url() -> None:
    result = extracted(next(page for page in on_disk() if page.name == "canonical-broken-ipv6.html"))
    assert result is not None and result.url == "https://baodientu.example/canonical-broken-ipv6.html"


def test_a_json_ld_author_nested_too_deep_is_ignored_and_a_list_of_authors_is_read() -> None:
    result = extracted(next(page for page in on_disk() if page.name == "json-ld-deep-author.html"))
    assert result is not None and result.author != "Hoàng Cư"  # 600 lists deep: not read
    authors = {"@type": "NewsArticle", "headline": TITLE,
               "author": [{"@type": "Person", "name": "Hoàng Cư"}, [{"name": ["Lan Anh"]}], {"name": ""}]}
    page = article_page(ARTICLE_BODY, head=f'<script type="application/ld+json">{json.dumps(authors)}</script>')
    result = extracted(Hostile("authors", page))
    assert result is not None and result.author == "Hoàng Cư; Lan Anh"


def test_hostile_json_ld_leaves_the_date_to_the_page_s_meta_tag() -> None:
    result = extracted(next(page for page in on_disk() if page.name == "json-ld-hostile.html"))
    assert result is not None and result.published == STATED
    assert result.author is None and result.image is None  # a dict as author, a number as image: ignored


def test_a_broken_json_ld_block_does_not_name_the_article() -> None:
    # trafilatura's lenient reading of the broken block would take its headline ("hỏng") as the title.
    result = extracted(next(page for page in on_disk() if page.name == "json-ld-hostile.html"))
    assert result is not None and nfc(result.title) == TITLE
    broken = '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "hỏng",</script>'
    result = extracted(Hostile("broken-only", article_page(ARTICLE_BODY, head=broken)))
    assert result is not None and nfc(result.title) == TITLE and "hỏng" not in result.text


def test_entities_of_a_doctype_are_not_expanded() -> None:
    result = extracted(next(page for page in on_disk() if page.name == "doctype-entities.html"))
    assert result is not None and "aaaaaaaaaa" not in result.text and len(result.text) < 2_000


def test_a_listing_of_5000_links_takes_what_a_run_allows_and_says_so(tmp_path: Path) -> None:
    source = make_source(type="listing", urls=["https://baodientu.example/chuyen-muc"],
                         selectors={"article_links": "nav.tin-khac a::attr(href)"})
    spider = ListingSpider(source_json=source.model_dump_json(), db=str(tmp_path / "presswatch.db"),
                           report=str(tmp_path / "report.json"), max_articles=50)
    [request] = list(spider.entry_requests())
    response = HtmlResponse(url=request.url, body=many_links(), request=request, headers={"Content-Type": UTF8})
    assert request.callback is not None
    out = list(request.callback(response))
    assert [r.url for r in out] == [f"https://baodientu.example/t/{n}" for n in range(50)]
    spider.closed("finished")
    report = CrawlReport.read(tmp_path / "report.json")
    assert (report.listed, report.fetched) == (5_000, 0)
    assert report.warnings == ["đã lấy 50/5.000 mục; phần còn lại ở lần sau"]


# --- whole crawls -------------------------------------------------------------------------------------

HTML_ROUTES = "/trang-doc/"
MUST_STORE = ("malformed.html", "windows-1258.html", "utf-16-bom.html", "nul-bytes.html", "json-ld-hostile.html",
              "doctype-entities.html", "enormous-line", "many-links", "json-ld-date-overflow-max.html",
              "json-ld-date-overflow-min.html", "json-ld-deep-author.html", "canonical-broken-ipv6.html",
              "json-ld-date-junk", "json-ld-date-far-future")
MUST_NOT_STORE = ("unclosed-title.html", "unterminated-comment.html", "script-style-only.html",
                  "meta-refresh-internal.html", "binary-as-html", "over-size-limit")


def crawl_corpus(site: LocalSite, good: list[SiteArticle], pages: list[Hostile],
                 db: Path) -> tuple[RunResult, CrawlReport, dict[str, str]]:
    """Serve ``pages`` among ``good`` articles, listed by one feed, and crawl it in a subprocess.
    Returns the run, its report and the stored articles' titles by URL."""
    links = []
    for n, page in enumerate(pages):
        path = f"{HTML_ROUTES}{page.name}"
        site.routes[path] = Route(page.body, headers={"Content-Type": page.content_type})
        links.append(path)
        if n < len(good):
            links.append(good[n].path)
    links += [article.path for article in good[len(pages):]]
    items = "".join(f"<item><title>Tin {n}</title><link>{site.url}{link}</link></item>" for n, link in enumerate(links))
    site.routes["/rss/doc-hai.rss"] = Route(
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Độc hại</title>{items}'
        "</channel></rss>".encode(), headers={"Content-Type": "application/rss+xml; charset=utf-8"})
    source = make_source(id="trang-doc-hai", urls=[f"{site.url}/rss/doc-hai.rss"], max_articles=100)
    run, report = crawl(source, db, TEST_SETTINGS)
    with Store(db) as store:
        stored = {article.url: article.title for article in store.articles()}
    return run, report, stored


def crawlable() -> list[Hostile]:
    """The corpus as the crawl test serves it: today's bugs left out, the enormous line cut to fit
    the test's page size limit."""
    pages = [page for page in on_disk() + GENERATED if not page.bug and page.name != "enormous-line"]
    return [*pages, Hostile("enormous-line", enormous_line(190_000), expect=ARTICLE)]


@pytest.mark.slow
def test_a_crawl_keeps_every_good_article_and_records_every_hostile_page(site: LocalSite,
                                                                         articles: list[SiteArticle],
                                                                         db: Path) -> None:
    good = articles[:5]
    pages = crawlable()
    assert TEST_SETTINGS.max_page_bytes < len(over_size_limit()) and all(
        len(page.body) < TEST_SETTINGS.max_page_bytes for page in pages if page.name != "over-size-limit")
    run, report, stored = crawl_corpus(site, good, pages, db)

    assert report.finish_reason == "finished" and report.entry_ok == 1
    assert {f"{site.url}{article.path}" for article in good} <= set(stored)
    for name in MUST_STORE:
        assert nfc(stored[f"{site.url}{HTML_ROUTES}{name}"]) == TITLE, name
    for name in MUST_NOT_STORE:
        assert f"{site.url}{HTML_ROUTES}{name}" not in stored, name
    # Every page fetched is stored or counted; the one over the size limit is an error; the refresh
    # to the metadata address is refused, recorded, and is what the run reports.
    assert report.fetched == report.new_articles + report.no_article + report.duplicates
    assert report.new_articles == len(stored)
    assert (report.errors, report.store_errors, report.analysis_errors, report.refused) == (1, 0, 0, 1)
    assert "169.254.169.254" in report.refusals[0]
    assert run.message == report.refusals[0]
