"""Server-side request forgery, in real crawls on loopback: a site's feed links, redirects and
rendered pages point to an "internal admin" server on another port of this machine, which is not
allowed. Nothing may reach it (its request log stays empty), nothing of it is stored, and every
refusal is counted and listed in the crawl's report and reaches the run's message and health."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from crawler.urls import canonicalize
from presswatch.config import Settings
from presswatch.demo.site import LocalSite, Route, SiteArticle
from presswatch.store import Store
from tests.crawler.test_netpolicy import corpus
from tests.support.crawling import TEST_SETTINGS, crawl, make_source, rss
from tests.support.paths import DATA

pytestmark = pytest.mark.slow

REFUSED = "từ chối địa chỉ nội bộ "


@pytest.fixture
def admin(articles: list[SiteArticle]) -> Iterator[LocalSite]:
    """Another server on 127.0.0.1: its pages are real articles, so anything fetched would be stored."""
    with LocalSite(articles[20:], name="Trang quản trị nội bộ") as server:
        yield server


def allow_only(site: LocalSite) -> Settings:
    port = site.url.rsplit(":", 1)[1]
    return TEST_SETTINGS.model_copy(update={"crawl_allow_internal": [f"127.0.0.1:{port}"]})


def internal(admin: LocalSite, name: str) -> list[str]:
    """The corpus' URLs aimed at the admin server, on its admin article's path."""
    port = admin.url.rsplit(":", 1)[1]
    path = admin.articles[0].path
    return [url.replace("/quan-tri", path) for url in corpus(name, port)]


def stored_urls(db: Path) -> set[str]:
    with Store(db) as store:
        return {article.url for article in store.articles()}


def redirect(location: str, status: int = 302) -> Route:
    return Route(status=status, headers={"Location": location})


def test_feed_links_to_internal_addresses_are_refused_and_recorded(site: LocalSite, admin: LocalSite,
                                                                    articles: list[SiteArticle], db: Path) -> None:
    links = internal(admin, "loopback_literals.txt") + internal(admin, "internal_names.txt")
    target = f"{admin.url}{admin.articles[1].path}"  # not linked directly (the duplicate filter would drop it)
    site.routes["/chuyen-1"] = redirect(target.replace("127.0.0.1", "localhost"))
    site.routes["/chuyen-2"] = redirect(target, status=301)
    site.routes["/chuyen-3"] = redirect("/chuyen-4")  # two hops: the second one is internal
    site.routes["/chuyen-4"] = redirect(target.replace("127.0.0.1", "0x7f.1") + "?qua=2", status=307)
    hops = [f"{site.url}/chuyen-{n}" for n in (1, 2, 3)]
    good = [f"{site.url}{article.path}" for article in articles[:2]]
    site.routes["/rss-ssrf.xml"] = Route(rss([{"title": f"Bài {n}", "link": link}
                                              for n, link in enumerate(good + links + hops)]))
    source = make_source(id="trang-co-lien-ket-noi-bo", urls=[f"{site.url}/rss-ssrf.xml"])

    run, report = crawl(source, db, allow_only(site))

    assert admin.requests == [], "the internal server was reached"
    assert stored_urls(db) == set(good)
    distinct = {canonicalize(link) for link in links}
    assert report.refused == len(distinct) + len(hops), report.refusals
    assert report.errors == 0 and run.ok and run.new_articles == 2
    assert all(message.startswith(REFUSED) and "crawl_allow_internal" in message for message in report.refusals)
    assert any(f"(http://localhost:{admin.url.rsplit(':', 1)[1]}/" in message for message in report.refusals)
    assert any(f"(http://0x7f.1:{admin.url.rsplit(':', 1)[1]}/" in message for message in report.refusals)
    # The refusals reach the run's message (the CLI line, crawl_runs, the service's log).
    assert run.message is not None and run.message.startswith(REFUSED)
    assert f"(và {report.refused - 1} yêu cầu khác)" in run.message


def test_internal_entry_urls_and_redirect_hops_fail_the_run(site: LocalSite, admin: LocalSite, db: Path) -> None:
    site.routes["/rss-cu.xml"] = redirect(f"{admin.url.replace('127.0.0.1', 'localhost')}/rss/tin-moi.rss", 301)
    entries = [f"{site.url}/rss-cu.xml", *internal(admin, "internal_names.txt")[:1],
               *[url for url in internal(admin, "ipv6_literals.txt") if admin.url.rsplit(":", 1)[1] in url][:5]]
    source = make_source(id="nguon-noi-bo", urls=entries)

    run, report = crawl(source, db, allow_only(site))

    assert admin.requests == []
    assert not run.ok and run.new_articles == 0 and stored_urls(db) == set()
    assert report.refused == len(entries) == len(report.entry_errors)
    assert all(error.startswith(REFUSED) for error in report.entry_errors)
    port = admin.url.rsplit(":", 1)[1]
    assert run.message is not None
    assert f"127.0.0.1 (http://localhost:{port}/rss/tin-moi.rss): địa chỉ loopback" in run.message  # the hop
    assert f"(http://[::1]:{port}/" in run.message and f"(http://[::ffff:127.0.0.1]:{port}/" in run.message
    with Store(db) as store:
        health = store.health()["nguon-noi-bo"]
    assert health.consecutive_failures == 1 and health.last_error == run.message


def test_a_fresh_install_refuses_a_site_on_this_machine(site: LocalSite, db: Path) -> None:
    settings = TEST_SETTINGS.model_copy(update={"crawl_allow_internal": []})
    source = make_source(id="trang-tren-may-nay", urls=[f"{site.url}/rss/tin-moi.rss"])

    run, report = crawl(source, db, settings)

    assert site.requests == []
    assert not run.ok and report.refused == 1
    port = site.url.rsplit(":", 1)[1]
    assert run.message == (f"từ chối địa chỉ nội bộ 127.0.0.1 ({site.url}/rss/tin-moi.rss): địa chỉ loopback "
                           f"(chính máy này); nếu đây là máy chủ tin cậy của cơ quan, thêm '127.0.0.1:{port}' "
                           "vào crawl_allow_internal")


BROWSER = Path("/usr/bin/chromium")


@pytest.mark.skipif(not BROWSER.exists(), reason="Debian chromium is not installed (CI installs it)")
def test_a_rendered_page_cannot_make_the_browser_reach_internal_addresses(site: LocalSite, admin: LocalSite,
                                                                            db: Path) -> None:
    port = admin.url.rsplit(":", 1)[1]
    target = f"{admin.url}{admin.articles[0].path}"
    site.routes["/chuyen"] = redirect(target)
    probes = (f'<img src="http://127.0.0.1:{port}/anh.png">'
              f'<iframe src="http://0x7f.1:{port}/khung"></iframe>'
              f'<iframe src="{site.url}/chuyen"></iframe>'
              f'<script>fetch("http://localhost:{port}/quan-tri").catch(() => null);</script>')
    page = (DATA / "social" / "js_article.html").read_text(encoding="utf-8").replace("</body>", probes + "</body>")
    site.routes["/bai-js.html"] = Route(page.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    feed = rss([{"title": "Họp báo", "link": f"{site.url}/bai-js.html"}])
    site.routes["/rss-js.xml"] = Route(feed, headers={"Content-Type": "application/rss+xml"})
    source = make_source(id="trang-js-noi-bo", urls=[f"{site.url}/rss-js.xml"], render="browser")

    run, report = crawl(source, db, allow_only(site))

    assert admin.requests == [], "the browser reached the internal server"
    assert run.ok and run.new_articles == 1, run.message
    assert "/chuyen" in site.requests  # the allowed page was loaded through the proxy; its redirect was not
    browser_refusals = [m for m in report.refusals if "yêu cầu của trình duyệt" in m]
    assert browser_refusals and all(m.startswith(REFUSED) for m in browser_refusals)
    assert any(f"'127.0.0.1:{port}'" in m for m in browser_refusals)
    assert any(f"'localhost:{port}'" in m for m in browser_refusals)
