"""Write the hostile pages of this folder (run it here: ``python make_pages.py``). See README.md.

The small pages are kept on disk so that each can be opened, served or sent with curl as it is; the
large ones (10,000-deep nesting, a page over the size limit, an enormous line, 5,000 links, a
binary body) are made by ``tests/crawler/test_hostile_pages.py`` itself.
"""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
TITLE = "Sạt lở ở Mường Tè"
PARAGRAPHS = (
    "Mưa lớn kéo dài từ đêm 25/11 khiến nhiều tuyến đường ở xã Mường Tè, tỉnh Lai Châu bị sạt lở, "
    "giao thông qua khu vực bị chia cắt.",
    "Lực lượng chức năng đang khẩn trương thông đường, hỗ trợ người dân di dời tài sản đến nơi an toàn.",
    "Ủy ban nhân dân xã khuyến cáo người dân không đi qua các ngầm tràn khi nước lũ dâng cao.",
)
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
DATED = '<meta property="article:published_time" content="2026-11-26T08:00:00+07:00">'


def page(head: str = "", body: str = "", charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="{charset}"><title>{TITLE}</title>{DATED}{head}'
            f"</head><body><article><h1>{TITLE}</h1>{body or BODY}</article></body></html>")


def cp1258(text: str) -> bytes:
    """As a legacy Vietnamese Windows page: precomposed base letters, combining tone marks."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += (base + "".join(c for c in parts if c in tones)).encode("cp1258")
    return bytes(out)


def json_ld(value: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(value, ensure_ascii=False)}</script>'


PAGES: dict[str, bytes] = {
    # Unclosed <p>, <li>, <td>, <div>; stray end tags; unquoted and repeated attributes; raw < and &.
    "malformed.html": (
        '<!DOCTYPE html><html lang=vi><head><meta charset=utf-8><title>' + TITLE + "</title>" + DATED
        + "</head><body class=a class=b><div id=menu><ul><li>Trang chủ<li>Thời sự</ul></span></b>"
        "<article><h1>" + TITLE + "</h1><div class=sapo><p>" + PARAGRAPHS[0] + "<p>" + PARAGRAPHS[1]
        + " <<b>& </i></p></p><table><tr><td>" + PARAGRAPHS[2] + "<td>1 < 2 && 3 > 2</table>"
        "<div><div><div><p>Tin, ảnh: Hoàng Cư</article></body>"
    ).encode(),
    # <title> never closed: the whole page is its text (an HTML parser reads it as the title).
    "unclosed-title.html": ('<html lang="vi"><head><title>' + TITLE + "<body><article><h1>" + TITLE + "</h1>"
                            + BODY + "</article></body></html>").encode(),
    # A comment opened before the article and never closed: nothing is left to read.
    "unterminated-comment.html": page(body="<!-- quảng cáo " + BODY).encode(),
    # Declared windows-1258 in <meta> only (the server sends no charset); combining tone marks.
    "windows-1258.html": cp1258(page(charset="windows-1258")),
    # The server says UTF-8, the bytes are windows-1258.
    "declared-utf-8-real-windows-1258.html": cp1258(page(charset="utf-8")),
    # UTF-16 (little-endian) with a byte-order mark, although the page's <meta> says UTF-8.
    "utf-16-bom.html": b"\xff\xfe" + page().encode("utf-16-le"),
    # UTF-8 read as windows-1252 and saved again as UTF-8 ("MÆ°a lá»›n"): valid bytes, broken text.
    "mojibake.html": page().encode("utf-8").decode("cp1252", errors="replace").encode("utf-8"),
    # NUL bytes in the text, an attribute and a tag name.
    "nul-bytes.html": page(body=f"<p>{PARAGRAPHS[0]}\x00\x00</p><p class=\"a\x00b\">{PARAGRAPHS[1]}</p>"
                                f"<p\x00>{PARAGRAPHS[2]}\x00</p>").encode(),
    # Scripts and styles only (the article is in a script, written by JavaScript): nothing to read.
    "script-style-only.html": (
        '<html lang="vi"><head><title>' + TITLE + "</title><style>body{color:red}" + "p{}" * 200 + "</style>"
        "<script>var bai = " + json.dumps({"tieu_de": TITLE, "noi_dung": PARAGRAPHS}, ensure_ascii=False)
        + ";</script></head><body><script>document.write(bai.noi_dung.join(''))</script>"
        "<noscript>Bật JavaScript để đọc</noscript></body></html>"
    ).encode(),
    # A refresh to the cloud metadata address (link-local): the crawler must refuse it and say so.
    "meta-refresh-internal.html": (
        '<html lang="vi"><head><meta http-equiv="refresh" content="0; url=http://169.254.169.254/latest/meta-data/">'
        "<title>Đang chuyển trang</title></head><body><p>Đang chuyển trang…</p></body></html>"
    ).encode(),
    # JSON-LD with values of the wrong type or absurd, a broken block, a deep (but parseable) one; the
    # page's meta tag states the real date.
    "json-ld-hostile.html": page(head="".join([
        json_ld({"@context": "https://schema.org", "@type": ["NewsArticle"], "headline": ["Tiêu đề", 42],
                 "datePublished": 12345, "dateModified": "99999-12-31T00:00:00", "author": {"name": {"x": [1, 2]}},
                 "image": 42, "@graph": {"@type": "WebPage", "headline": {"a": 1}}}),
        json_ld({"@type": "NewsArticle", "headline": "", "datePublished": "31/02/2026 25:61"}),
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "hỏng",</script>',
        json_ld(json.loads("[" * 200 + "{}" + "]" * 200)),
    ])).encode(),
    # Dates a UTC conversion cannot hold: year 9999 west of UTC, year 1 east of it.
    "json-ld-date-overflow-max.html": page(head=json_ld(
        {"@type": "NewsArticle", "headline": TITLE, "datePublished": "9999-12-31T23:59:59-23:59"})).encode(),
    "json-ld-date-overflow-min.html": page(head=json_ld(
        {"@type": "NewsArticle", "headline": TITLE, "datePublished": "0001-01-01T00:00:00+14:00"})).encode(),
    # An author nested 600 lists deep (json.loads reads it; a recursive reader does not).
    "json-ld-deep-author.html": page(head=json_ld(
        {"@type": "NewsArticle", "headline": TITLE, "author": json.loads("[" * 600 + '"Hoàng Cư"' + "]" * 600)}
    )).encode(),
    # A canonical link that cannot be an address (an IPv6 literal left open).
    "canonical-broken-ipv6.html": page(head='<link rel="canonical" href="http://[::1/bai-viet.html">').encode(),
    # An internal DTD declaring nested entities (billion laughs): an HTML parser must not expand them.
    "doctype-entities.html": (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        + page(body=BODY + "<p>&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;</p>").split("<!DOCTYPE html>", 1)[1]
    ).encode(),
}


if __name__ == "__main__":
    for name, body in PAGES.items():
        (HERE / name).write_bytes(body)
    print(f"{len(PAGES)} pages written to {HERE}")
