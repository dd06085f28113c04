"""The "Đang được quan tâm" page on a real web server over a real store: a rising story whose title
carries a script payload is listed with what rose, its chart and its items, escaped; a viewer reads
it, an anonymous visitor is sent to the login (the web tests check every route for that too)."""

from __future__ import annotations

import re

import httpx

from tests.support.webserver import Running, login


def test_viewer_reads_rising_stories_escaped_with_chart_and_items(web: Running) -> None:
    client = login(web.url, "viewer1")
    page = client.get("/trends")
    assert page.status_code == 200
    html = page.text
    assert "<h1>Đang được quan tâm</h1>" in html and "Tin lan rộng" in html
    assert "được 5 nguồn đăng trong 6 giờ" in html
    assert "<script>window.pwned" not in html and "&lt;script&gt;window.pwned=1&lt;/script&gt;" in html
    assert 'class="chart spark"' in html and len(re.findall(r"<rect ", html)) >= 1
    assert len(set(re.findall(r'href="/article/\d+"', html))) == 5  # the five copies behind it
    stories = client.get("/trends", params={"days": "1", "signal": "story"}).text
    assert stories.count('class="card trend"') == 1 and "Tin lan rộng" in stories
    assert client.get("/trends", params={"days": "1", "signal": "engagement"}).text.count('class="card trend"') == 0
    assert client.get("/trends", params={"days": "999", "signal": "<x>"}).status_code == 200
    client.close()
    with httpx.Client(base_url=web.url, follow_redirects=False) as anonymous:
        response = anonymous.get("/trends")
        assert response.status_code == 302 and response.headers["location"].startswith("/login?next=")


def test_nav_links_the_page(web: Running) -> None:
    client = login(web.url, "viewer1")
    assert '<a href="/trends">Đang được quan tâm</a>' in client.get("/").text
    client.close()
