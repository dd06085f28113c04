"""Social sources against local servers replaying each service's response shape (see
tests/data/social/SOURCES.md): stored posts, their links, authors, engagement, analysis."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from presswatch.demo.site import LocalSite, Route
from presswatch.models import Article, StoredArticle
from presswatch.store import Store
from tests.support.crawling import TEST_SETTINGS, crawl, make_source
from tests.support.paths import DATA

SOCIAL = DATA / "social"


def replay(name: str, content_type: str) -> Route:
    return Route((SOCIAL / name).read_bytes(), headers={"Content-Type": content_type})


def stored(db: Path) -> dict[str, StoredArticle]:
    with Store(db) as store:
        return {article.url: article for article in store.articles()}


@pytest.fixture
def server() -> Iterator[LocalSite]:
    with LocalSite([]) as site:
        yield site


def test_youtube_channel_feed_stores_videos_with_views_and_refreshes_them(server: LocalSite, db: Path) -> None:
    server.routes["/feeds/videos.xml"] = replay("youtube_channel.xml", "application/atom+xml; charset=utf-8")
    source = make_source(id="yt-laichau", type="youtube", kind="social", urls=[f"{server.url}/feeds/videos.xml"])
    run, report = crawl(source, db)
    assert run.ok and run.new_articles == 2, run.message
    posts = stored(db)
    video = posts["https://www.youtube.com/watch?v=AbCdEfGhIj1"]
    assert video.content_type == "video" and video.source_kind == "social"
    assert video.title == "Lai Châu: Mưa lớn gây sạt lở đất tại xã Mường Tè"
    assert video.text.startswith("Mưa lớn kéo dài từ đêm 25/11") and video.author == "Truyền hình Lai Châu"
    assert video.engagement == {"views": 15420, "likes": 231}
    assert video.published_at == datetime(2026, 11, 26, 10, 15, 2, tzinfo=UTC)
    assert video.relevance == "about" and "thien-tai" in (video.analysis or {})["topics"]
    empty = posts["https://www.youtube.com/watch?v=ZyXwVuTsRq2"]
    assert empty.text == empty.title == "Bản tin thời sự tối 25/11/2026"  # no description: the title stands
    # Views grow: the next crawl refreshes the counts and stores nothing twice.
    body = (SOCIAL / "youtube_channel.xml").read_bytes().replace(b'views="15420"', b'views="20001"')
    server.routes["/feeds/videos.xml"] = Route(body, headers={"Content-Type": "application/atom+xml"})
    run, report = crawl(source, db)
    assert run.new_articles == 0 and report.already_seen == 2
    assert stored(db)["https://www.youtube.com/watch?v=AbCdEfGhIj1"].engagement == {"views": 20001, "likes": 231}


def test_youtube_search_through_ytdlp_metadata_only(db: Path) -> None:
    command = f"{sys.executable} {SOCIAL / 'replay_ytdlp.py'}"
    source = make_source(id="yt-tim-kiem", type="youtube_search", kind="social", queries=["Lai Châu"])
    assert source.urls == ["ytsearch:Lai Châu"]
    run, _ = crawl(source, db, TEST_SETTINGS.model_copy(update={"ytdlp_command": command}))
    assert run.ok and run.new_articles == 2, run.message
    video = stored(db)["https://www.youtube.com/watch?v=Qw3rTy12345"]
    assert video.engagement == {"views": 48210, "likes": 1520, "comments": 312}
    assert video.author == "Tin Tây Bắc 24h" and video.relevance in ("about", "mention")
    assert video.published_at == datetime.fromtimestamp(1763996400, UTC)
    other = stored(db)["https://www.youtube.com/watch?v=AsDfGh67890"]
    assert other.published_at == datetime(2026, 11, 20, tzinfo=UTC) and other.engagement == {"views": 3021, "likes": 88}


def test_youtube_search_reports_a_missing_ytdlp(db: Path) -> None:
    source = make_source(id="yt-hong", type="youtube_search", kind="social", queries=["Lai Châu"])
    run, report = crawl(source, db, TEST_SETTINGS.model_copy(update={"ytdlp_command": "/khong/co/yt-dlp"}))
    assert not run.ok and "yt-dlp không chạy được cho 'Lai Châu'" in (run.message or "")


def test_telegram_preview_posts_with_links_views_and_analysis(server: LocalSite, db: Path) -> None:
    server.routes["/s/tinlaichau"] = replay("telegram_preview.html", "text/html; charset=utf-8")
    source = make_source(id="tg-tinlaichau", type="telegram", kind="social", urls=[f"{server.url}/s/tinlaichau"])
    run, _ = crawl(source, db)
    assert run.ok and run.new_articles == 2  # the photo without a caption is not a post
    posts = stored(db)
    warning = posts["https://t.me/tinlaichau/1201"]
    assert warning.content_type == "post" and warning.author == "Tin Lai Châu"
    assert warning.engagement == {"views": 1200}
    assert warning.text.splitlines()[0].startswith("⚠️ Cảnh báo lũ quét, sạt lở đất tại các huyện Mường Tè")
    assert "Người dân không đi qua ngầm tràn" in warning.text and warning.title in warning.text
    rumour = posts["https://t.me/tinlaichau/1203"]
    assert rumour.engagement == {"views": 3400} and rumour.relevance in ("about", "mention")


def test_bridge_feed_of_a_facebook_page(server: LocalSite, db: Path) -> None:
    server.routes["/facebook/page/baolaichau"] = replay("rsshub_facebook.xml", "application/rss+xml; charset=utf-8")
    source = make_source(id="fb-baolaichau", type="bridge", kind="social", bridge_url=server.url,
                         routes=["/facebook/page/baolaichau"])
    assert source.urls == [f"{server.url}/facebook/page/baolaichau"]
    run, _ = crawl(source, db)
    assert run.ok and run.new_articles == 2, run.message
    posts = stored(db)
    post = posts["https://www.facebook.com/baolaichau/posts/pfbid0abc123"]
    assert post.text == ("Sáng nay, tỉnh Lai Châu tổ chức Hội nghị tổng kết công tác phòng, chống thiên tai năm 2026.\n"
                         "Năm qua, thiên tai làm 9 người chết, thiệt hại hơn 300 tỷ đồng.")
    assert post.author == "Báo Lai Châu" and post.relevance == "about"
    video = posts["https://www.facebook.com/baolaichau/videos/555"]
    assert video.title == "Video: Phiên chợ vùng cao Tam Đường ngày cuối tuần"  # not the bare URL RSSHub puts


def test_rss_bridge_atom_feed_with_query_string_route(server: LocalSite, db: Path) -> None:
    server.routes["/rss-bridge/"] = replay("rssbridge_facebook.atom", "application/atom+xml; charset=utf-8")
    route = "?action=display&bridge=FacebookBridge&context=User&u=truyenhinhlaichau&format=Atom"
    source = make_source(id="fb-truyen-hinh", type="bridge", kind="social", bridge_url=f"{server.url}/rss-bridge/",
                         routes=[route])
    assert source.urls == [f"{server.url}/rss-bridge/{route}"]
    run, _ = crawl(source, db)
    assert run.ok and run.new_articles == 1, run.message
    post = stored(db)["https://www.facebook.com/truyenhinhlaichau/posts/pfbid02xyz"]
    assert post.text == ("Người dân xã Pa Tần (Lai Châu) phản ánh đường vào bản bị sạt lở, xe không qua được.\n"
                         "UBND xã cho biết đã cử lực lượng khắc phục.")
    assert post.author == "Đài PT-TH Lai Châu" and post.content_type == "post"
    assert post.published_at == datetime(2026, 11, 27, 1, 45, tzinfo=UTC)
    assert post.relevance == "about"


def test_bridge_that_stops_yielding_shows_in_source_health(server: LocalSite, db: Path) -> None:
    server.routes["/facebook/page/baolaichau"] = Route(b"Rate limited, try later", status=200,
                                                       headers={"Content-Type": "text/plain"})
    source = make_source(id="fb-hong", type="bridge", kind="social", bridge_url=server.url,
                         routes=["/facebook/page/baolaichau"])
    run, _ = crawl(source, db)
    assert not run.ok and "bridge không trả về feed" in (run.message or "")
    with Store(db) as store:
        assert store.health()["fb-hong"].consecutive_failures == 1


def test_vnexpress_comments_are_linked_to_their_article(server: LocalSite, db: Path) -> None:
    article_url = "https://vnexpress.net/sat-lo-o-lai-chau-4812345.html"
    with Store(db) as store:
        store.add_article(Article(url=article_url, source_id="vnexpress-thoi-su", title="Sạt lở ở Lai Châu",
                                  text="Mưa lớn gây sạt lở tại Mường Tè, tỉnh Lai Châu. " * 5,
                                  published_at=datetime.now(UTC)))
        parent_id = store.articles()[0].id
    server.routes["/index/get"] = replay("vnexpress_comments.json", "application/json")
    source = make_source(id="binh-luan-vnexpress", type="comments", kind="social",
                         comments_of=["vnexpress-thoi-su"], api_url=f"{server.url}/index/get")
    run, report = crawl(source, db)
    assert run.ok and run.new_articles == 3, run.message  # two comments and one reply
    assert server.requests.count("/index/get") == 1  # one API call for the one VnExpress article
    comments = {a.url: a for a in stored(db).values() if a.content_type == "comment"}
    first = comments[f"{article_url}#binh-luan-55012345"]
    assert first.parent_id == parent_id and first.author == "Nguyễn Văn Hùng"
    assert first.text == "Mong chính quyền Lai Châu sớm hỗ trợ bà con vùng sạt lở, thương quá 😢"
    assert first.engagement == {"likes": 128, "comments": 1}
    assert first.title == "Bình luận của Nguyễn Văn Hùng về: Sạt lở ở Lai Châu"
    later = comments[f"{article_url}#binh-luan-55012400"]
    assert later.text == "Đường lên Mường Tè mùa mưa rất nguy hiểm, mọi người cẩn thận."  # HTML stripped
    assert {c.parent_id for c in comments.values()} == {parent_id}
    assert all((c.analysis or {}).get("toxicity", {}).get("label") == "clean" for c in comments.values())


def test_comments_source_with_no_recent_article_is_not_a_failure(db: Path) -> None:
    source = make_source(id="binh-luan", type="comments", kind="social", comments_of=["khong-co"],
                         api_url="http://127.0.0.1:9/index/get")
    run, _ = crawl(source, db)
    assert run.ok and run.new_articles == 0


BROWSER = Path("/usr/bin/chromium")
needs_browser = pytest.mark.skipif(not BROWSER.exists() and os.environ.get("CI") != "true",
                                   reason="Debian chromium is not installed (CI installs it)")


@needs_browser
def test_render_browser_fetches_a_javascript_article_in_chromium(server: LocalSite, db: Path) -> None:
    assert shutil.which("chromium") or BROWSER.exists(), "CI must install Debian's chromium"
    server.routes["/bai-js.html"] = replay("js_article.html", "text/html; charset=utf-8")
    feed = (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>JS</title>'
            f"<item><title>Họp báo</title><link>{server.url}/bai-js.html</link></item></channel></rss>").encode()
    server.routes["/rss.xml"] = Route(feed, headers={"Content-Type": "application/rss+xml"})
    plain = make_source(id="trang-js", urls=[f"{server.url}/rss.xml"])
    run, report = crawl(plain, db)
    assert run.new_articles == 0 and report.no_article == 1  # the plain fetch finds no article
    browser = make_source(id="trang-js-trinh-duyet", urls=[f"{server.url}/rss.xml"], render="browser")
    run, report = crawl(browser, db)
    assert run.ok and run.new_articles == 1, run.message
    article = stored(db)[f"{server.url}/bai-js.html"]
    assert "tổng sản phẩm trên địa bàn tỉnh ước tăng 8,5%" in article.text
    assert article.relevance == "about"


def test_youtube_search_says_why_ytdlp_failed_in_vietnamese(db: Path, tmp_path: Path) -> None:
    # yt-dlp's own last line when the machine cannot resolve YouTube (seen on a machine without internet)
    line = ("ERROR: query \"sạt lở Lai Châu\" page 1: Unable to download API page: HTTPSConnection("
            "host='www.youtube.com', port=443): Failed to resolve 'www.youtube.com' ([Errno -2] Name or service "
            "not known) (caused by TransportError(...))")
    replay = tmp_path / "ytdlp_offline.py"
    replay.write_text(f"import sys\nsys.stderr.write({line!r} + '\\n')\nsys.exit(1)\n", encoding="utf-8")
    source = make_source(id="yt-mat-mang", type="youtube_search", kind="social", queries=["sạt lở Lai Châu"])
    run, _ = crawl(source, db, TEST_SETTINGS.model_copy(update={"ytdlp_command": f"{sys.executable} {replay}"}))
    assert not run.ok
    message = run.message or ""
    assert "không phân giải được tên miền (DNS): https://www.youtube.com/results?" in message
    assert "sạt lở Lai Châu" in message and "Failed to resolve" not in message and "ERROR" not in message
