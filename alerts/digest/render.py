"""The digest as HTML (for mail clients: table layout, inline CSS, no scripts) and plain text.

Every string that came from a crawl (titles, sentences, URLs, source errors) is escaped; a link
is only made of an http(s) URL. Images are referenced by the ``src`` the caller gives
(``cid:…`` in an email, ``data:`` URIs in a preview file).
"""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from urllib.parse import urlsplit

from alerts.digest.charts import sentiment_chart, series_chart, volume_chart
from alerts.digest.data import Digest, DigestItem, SourceProblem, Story, TrendItem
from presswatch.labels import SENTIMENT_LABELS, capitalized, relevance_labels
from presswatch.times import local, local_day, local_short

FONT = "font-family:Arial,Helvetica,sans-serif;"
MUTED = "color:#64748b;font-size:13px;"
SENTIMENT_CSS = {"negative": "#c81e1e", "neutral": "#94a3b8", "positive": "#168c46"}
WIDTH = 640


def charts(digest: Digest) -> dict[str, bytes]:
    """The PNG charts of the digest, by name (``volume``, ``sentiment``)."""
    return {
        "volume": volume_chart([(v.about, v.mention) for v in digest.volume]),
        "sentiment": sentiment_chart(digest.sentiments),
        **{f"trend-{index}": series_chart(item.series) for index, item in enumerate(digest.trends) if item.series},
    }


def safe_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _link(url: str | None, label: str, style: str = "color:#1e40af;text-decoration:none;") -> str:
    safe = safe_url(url)
    if safe is None:
        return _e(label)
    return f'<a href="{_e(safe)}" style="{style}">{_e(label)}</a>'


def _number(value: float) -> str:
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def _versus(count: int, average: float) -> str:
    if average == 0:
        return "7 ngày trước: chưa có bài" if count else "7 ngày trước: 0"
    base = f"TB 7 ngày trước: {_number(average)}/ngày"
    if count >= 2 * average:
        return f"{base} (gấp {_number(round(count / average, 1))} lần)"
    change = (count - average) / average * 100
    arrow = "▲" if change > 0 else "▼" if change < 0 else "="
    return f"{base} ({arrow} {abs(change):.0f}%)"


def _heading(label: str, stories: int, articles: int) -> str:
    """"Tin tiêu cực (9 tin, 16 bài)": syndicated copies are one story."""
    return f"{label} ({stories} tin, {articles} bài)" if stories != articles else f"{label} ({articles} bài)"


def _window(digest: Digest) -> str:
    return f"từ {local(digest.start)} đến {local(digest.end)} (giờ Việt Nam)"


def _section(title: str, body: str, note: str = "") -> str:
    extra = f'<div style="{MUTED}margin:2px 0 6px 0;">{note}</div>' if note else ""
    return (
        f'<tr><td style="padding:18px 24px 4px 24px;{FONT}">'
        f'<div style="font-size:16px;font-weight:bold;color:#0f172a;border-bottom:2px solid #e2e8f0;'
        f'padding-bottom:4px;margin-bottom:6px;">{_e(title)}</div>{extra}{body}</td></tr>'
    )


def _card(label: str, value: str, note: str, color: str) -> str:
    return (
        f'<td width="25%" valign="top" style="padding:10px 8px;border:1px solid #e2e8f0;background:#f8fafc;{FONT}">'
        f'<div style="{MUTED}">{_e(label)}</div>'
        f'<div style="font-size:26px;font-weight:bold;color:{color};line-height:32px;">{_e(value)}</div>'
        f'<div style="color:#64748b;font-size:11px;">{_e(note)}</div></td>'
    )


def _counts_table(rows: list[tuple[str, int]], empty: str) -> str:
    if not rows:
        return f'<div style="{MUTED}">{_e(empty)}</div>'
    cells = "".join(
        f'<tr><td style="padding:3px 0;font-size:14px;{FONT}">{_e(label)}</td>'
        f'<td align="right" style="padding:3px 0;font-size:14px;font-weight:bold;{FONT}">{count}</td></tr>'
        for label, count in rows
    )
    return f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0">{cells}</table>'


def _meta(item: DigestItem) -> str:
    parts = [item.source_name, item.kind_label, local_short(item.dated_at),
             capitalized(relevance_labels(item.provinces)[item.relevance])]
    if item.topics:
        parts.append(", ".join(item.topics))
    if item.outlets > 1:
        parts.append(f"{item.outlets} nguồn cùng đăng")
    return " · ".join(parts)


def _item_html(item: DigestItem, web_base_url: str | None) -> str:
    negative = item.sentiment == "negative"
    border = SENTIMENT_CSS["negative"] if negative else "#cbd5e1"
    lines = [f'<div style="font-size:15px;font-weight:bold;line-height:20px;">{_link(item.url, item.title)}</div>',
             f'<div style="{MUTED}">{_e(_meta(item))}</div>']
    if item.sentence:
        lines.append(f'<div style="font-size:14px;color:#334155;margin-top:4px;font-style:italic;">'
                     f'«{_e(item.sentence)}»</div>')
    if negative and item.terms:  # already distinct, strongest first
        lines.append(f'<div style="{MUTED}">Từ ngữ quyết định: {_e(", ".join(item.terms[:4]))}</div>')
    links = []
    if safe_url(item.url):
        links.append(_link(item.url, "Đọc bài gốc"))
    if web_base_url:
        links.append(_link(f"{web_base_url}/article/{item.id}", "Xem trong hệ thống"))
    if links:
        lines.append(f'<div style="font-size:13px;margin-top:3px;">{" · ".join(links)}</div>')
    return (f'<tr><td style="padding:8px 0 8px 10px;border-left:4px solid {border};{FONT}">{"".join(lines)}</td></tr>'
            '<tr><td style="height:6px;line-height:6px;font-size:0;">&nbsp;</td></tr>')


def _items_html(items: list[DigestItem], total: int, web_base_url: str | None) -> str:
    rows = "".join(_item_html(item, web_base_url) for item in items)
    more = f'<div style="{MUTED}">… và {total - len(items)} tin khác.</div>' if total > len(items) else ""
    return f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0">{rows}</table>{more}'


def _story_html(story: Story) -> str:
    color = SENTIMENT_CSS.get(story.sentiment or "", "#cbd5e1")
    sources = ", ".join(story.sources) + (" …" if story.outlets > len(story.sources) else "")
    return (
        f'<tr><td style="padding:6px 0;{FONT}border-bottom:1px solid #f1f5f9;">'
        f'<div style="font-size:14px;font-weight:bold;">{_link(story.url, story.title)}</div>'
        f'<div style="{MUTED}"><span style="color:{color};">●</span> {story.outlets} nguồn, {story.copies} bài: '
        f'{_e(sources)}</div></td></tr>'
    )


def _trend_html(index: int, item: TrendItem, images: Mapping[str, str]) -> str:
    image = images.get(f"trend-{index}")
    chart = (f'<img src="{_e(image)}" width="180" height="36" alt="Diễn biến theo giờ" '
             f'style="display:block;border:0;width:180px;height:36px;">' if image else "")
    return (f'<tr><td valign="top" style="padding:6px 12px 6px 0;font-size:14px;{FONT}">'
            f'<div style="{MUTED}font-size:12px;">{_e(capitalized(item.signal))} · {_e(local(item.raised_at))}</div>'
            f"{_link(item.url, item.what)}</td>"
            f'<td valign="top" width="180" style="padding:6px 0;">{chart}</td></tr>')


def _problem_text(problem: SourceProblem) -> str:
    if problem.problem == "failing":
        since = local(problem.since) if problem.since else "chưa lần nào"
        error = f" — {problem.last_error[:160]}" if problem.last_error else ""
        return f"{problem.name}: lỗi {problem.failures} lần liên tiếp (thành công gần nhất: {since}){error}"
    since = local_day(problem.since) if problem.since else "chưa có bài nào"
    return f"{problem.name}: không có bài mới (bài mới gần nhất: {since})"


NEVER_RAN_LISTED = 5  # up to this many sources that never ran are named; more are only counted


def _never_ran_text(digest: Digest) -> str | None:
    names = digest.never_ran
    if not names:
        return None
    listed = f": {', '.join(names)}" if len(names) <= NEVER_RAN_LISTED else ""
    return f"{len(names)} nguồn đang bật chưa chạy lần nào{listed} — chưa biết các nguồn này có hoạt động không."


def _health_lines(digest: Digest) -> list[tuple[str, str]]:
    """The health section as (colour, text) lines: problems, sources never run, or that all is well."""
    lines = [("#c81e1e" if p.problem == "failing" else "#b45309", _problem_text(p)) for p in digest.source_problems]
    never = _never_ran_text(digest)
    if never:
        lines.append(("#64748b", never))
    return lines or [("", "Mọi nguồn đang bật đều hoạt động bình thường.")]


def _volume_labels(digest: Digest) -> str:
    cells = "".join(
        f'<td align="center" style="{FONT}font-size:11px;color:#64748b;">{v.day:%d/%m}<br>'
        f'<b style="color:#0f172a;">{v.about + v.mention}</b></td>'
        for v in digest.volume
    )
    return f'<table role="presentation" width="280" cellpadding="0" cellspacing="0"><tr>{cells}</tr></table>'


def _which(digest: Digest) -> str:
    return "tỉnh" if len(digest.provinces) == 1 else "các tỉnh"


def _preheader(digest: Digest) -> str:
    if digest.quiet:
        return f"Không có tin về {digest.province} trong 24 giờ qua; đã thu thập {digest.crawled} bài."
    return (f"{digest.about} bài về {digest.province}, {digest.mention} bài có nhắc, "
            f"{digest.sentiments.get('negative', 0)} bài tiêu cực.")


def render_html(digest: Digest, images: Mapping[str, str]) -> str:
    """``images``: name → src (``cid:…`` or ``data:…``) for ``volume`` and ``sentiment``."""
    negative = digest.sentiments.get("negative", 0)
    sections = []
    if digest.quiet:
        sections.append(_section(
            "Không có tin mới",
            f'<div style="font-size:15px;{FONT}">Trong 24 giờ qua hệ thống không thấy bài viết nào về '
            f"{_e(digest.province)} hoặc có nhắc tới {_which(digest)}. Hệ thống vẫn hoạt động: đã thu thập "
            f"{digest.crawled} bài từ các nguồn.</div>",
        ))
    cards = "".join((
        _card(f"Về {digest.province}", str(digest.about), _versus(digest.about, digest.average_about), "#1e40af"),
        _card(f"Có nhắc {digest.province}", str(digest.mention), _versus(digest.mention, digest.average_mention),
              "#3b82f6"),
        _card("Tiêu cực", str(negative), f"bài về/nhắc {digest.province}", SENTIMENT_CSS["negative"]),
        _card("Đã thu thập", str(digest.crawled), "mọi bài trong 24 giờ", "#334155"),
    ))
    sections.append(
        f'<tr><td style="padding:16px 24px 0 24px;"><table role="presentation" width="100%" cellpadding="0" '
        f'cellspacing="4"><tr>{cards}</tr></table></td></tr>'
    )
    sentiment_legend = "".join(
        f'<div><span style="color:{SENTIMENT_CSS[key]};">■</span> {_e(capitalized(SENTIMENT_LABELS[key]))}: '
        f"<b>{digest.sentiments[key]}</b></div>"
        for key in ("negative", "neutral", "positive")
    )
    chart_cells = (
        f'<td width="50%" valign="top" style="{FONT}padding-right:12px;">'
        f'<div style="font-size:13px;font-weight:bold;margin-bottom:4px;">Số bài 7 ngày (về / có nhắc)</div>'
        f'<img src="{_e(images["volume"])}" width="280" height="90" alt="Biểu đồ số bài 7 ngày" '
        f'style="display:block;border:0;width:280px;height:90px;">{_volume_labels(digest)}'
        f'<div style="{MUTED}font-size:11px;"><span style="color:#1e40af;">■</span> về {_e(digest.province)} '
        f'<span style="color:#93b2e6;">■</span> có nhắc · ngày nay tô cam</div></td>'
        f'<td width="50%" valign="top" style="{FONT}">'
        f'<div style="font-size:13px;font-weight:bold;margin-bottom:4px;">Sắc thái</div>'
        f'<img src="{_e(images["sentiment"])}" width="280" height="18" alt="Biểu đồ sắc thái" '
        f'style="display:block;border:0;width:280px;height:18px;">'
        f'<div style="font-size:13px;margin-top:6px;">{sentiment_legend}</div></td>'
    )
    sections.append(_section("Diễn biến", f'<table role="presentation" width="100%" cellpadding="0" '
                                          f'cellspacing="0"><tr>{chart_cells}</tr></table>'))
    breakdown = (
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>'
        f'<td width="50%" valign="top" style="padding-right:16px;{FONT}">'
        f'<div style="font-size:13px;font-weight:bold;">Theo chủ đề</div>'
        f'{_counts_table(digest.topics, "Không có chủ đề nào nổi bật.")}</td>'
        f'<td width="50%" valign="top" style="{FONT}">'
        f'<div style="font-size:13px;font-weight:bold;">Theo loại nguồn</div>'
        f'{_counts_table(digest.kinds, "Không có bài.")}</td></tr></table>'
    )
    sections.append(_section("Phân loại", breakdown))
    if digest.per_province:
        sections.append(_section("Theo tỉnh", "".join(
            f'<div style="font-size:14px;{FONT}padding:2px 0;"><b>{_e(name)}</b>: {about} bài về, '
            f"{mention} bài có nhắc</div>" for name, about, mention in digest.per_province)))
    if digest.negative_total:
        sections.append(_section(
            _heading("Tin tiêu cực", digest.negative_total, negative),
            _items_html(digest.negative, digest.negative_total, digest.web_base_url),
            "Câu trích là câu chứa từ ngữ tiêu cực mạnh nhất mà hệ thống dựa vào để phân loại.",
        ))
    elif not digest.quiet:
        sections.append(_section("Tin tiêu cực", f'<div style="font-size:14px;{FONT}">Không có bài tiêu cực.</div>'))
    if digest.stories:
        rows = "".join(_story_html(story) for story in digest.stories)
        sections.append(_section("Tin chính (nhiều nguồn cùng đăng)",
                                 f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0">{rows}'
                                 f"</table>"))
    if digest.trends:
        rows = "".join(_trend_html(index, item, images) for index, item in enumerate(digest.trends))
        sections.append(_section("Đang được quan tâm",
                                 f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0">{rows}'
                                 f"</table>", "Tin lan rộng, tương tác tăng nhanh, địa danh và chủ đề tăng đột biến "
                                              "so với mức nền của chính nó; mới nhất trước."))
    if digest.rising:
        rows = "".join(
            f'<tr><td style="padding:3px 0;font-size:14px;{FONT}">'
            f'{"Chủ đề" if r.kind == "topic" else "Địa danh"}: <b>{_e(r.label)}</b></td>'
            f'<td align="right" style="padding:3px 0;font-size:14px;{FONT}">{r.count} bài '
            f'<span style="{MUTED}">(TB {_number(r.average)}/ngày)</span></td></tr>'
            for r in digest.rising
        )
        sections.append(_section("Điểm mới (chủ đề, địa danh tăng)",
                                 f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0">{rows}'
                                 f"</table>"))
    if digest.others_total:
        sections.append(_section(_heading(f"Tin khác về {digest.province}", digest.others_total,
                                          digest.relevant - negative),
                                 _items_html(digest.others, digest.others_total, digest.web_base_url)))
    health = _health_lines(digest)
    if digest.source_problems or digest.never_ran:
        rows = "".join(
            f'<tr><td style="padding:3px 0;font-size:13px;{FONT}">'
            + (f'<span style="color:{colour};">●</span> ' if colour else "")
            + f"{_e(text)}</td></tr>"
            for colour, text in health
        )
        sections.append(_section("Tình trạng nguồn", f'<table role="presentation" width="100%" cellpadding="0" '
                                                     f'cellspacing="0">{rows}</table>'))
    else:
        sections.append(_section("Tình trạng nguồn", f'<div style="font-size:13px;{FONT}">{health[0][1]}</div>'))
    header = (
        f'<tr><td style="background:#1e3a8a;padding:20px 24px;{FONT}color:#ffffff;">'
        f'<div style="font-size:12px;letter-spacing:1px;color:#bfdbfe;">HỆ THỐNG THEO DÕI BÁO CHÍ, '
        f"MẠNG XÃ HỘI</div>"
        f'<div style="font-size:21px;font-weight:bold;line-height:28px;margin-top:4px;">{_e(digest.subject)}</div>'
        f'<div style="font-size:13px;color:#dbeafe;margin-top:4px;">Số liệu {_e(_window(digest))}</div></td></tr>'
    )
    footer = (
        f'<tr><td style="padding:16px 24px 24px 24px;{FONT}color:#94a3b8;font-size:12px;">'
        f"Bản tin được hệ thống presswatch tạo tự động mỗi ngày. Mức liên quan, chủ đề và sắc thái do máy "
        f"phân loại, cần cán bộ kiểm chứng trước khi sử dụng.</td></tr>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(digest.subject)}</title></head>"
        f'<body style="margin:0;padding:0;background:#eef2f7;">'
        # Preheader: the line inbox lists show beside the subject; hidden in the message itself.
        f'<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">{_e(_preheader(digest))}</div>'
        f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#eef2f7;">'
        f'<tr><td align="center" style="padding:16px 8px;">'
        f'<table role="presentation" width="{WIDTH}" cellpadding="0" cellspacing="0" '
        f'style="width:{WIDTH}px;max-width:100%;background:#ffffff;border:1px solid #dbe2ea;">'
        f"{header}{''.join(sections)}{footer}</table></td></tr></table></body></html>\n"
    )


def _item_text(item: DigestItem, web_base_url: str | None) -> list[str]:
    lines = [f"- {item.title}", f"  {_meta(item)}", f"  {item.url}"]
    if item.sentence:
        lines.append(f"  «{item.sentence}»")
    if web_base_url:
        lines.append(f"  Xem trong hệ thống: {web_base_url}/article/{item.id}")
    return lines


def render_text(digest: Digest) -> str:
    """The plain-text alternative: the same content, no markup."""
    out = [digest.subject, f"Số liệu {_window(digest)}", ""]
    if digest.quiet:
        out += [f"KHÔNG CÓ TIN MỚI: trong 24 giờ qua hệ thống không thấy bài viết nào về {digest.province} hoặc có "
                f"nhắc tới {_which(digest)}. Hệ thống vẫn hoạt động: đã thu thập {digest.crawled} bài từ các nguồn.",
                ""]
    out += [
        f"Về {digest.province}: {digest.about} ({_versus(digest.about, digest.average_about)})",
        f"Có nhắc {digest.province}: {digest.mention} ({_versus(digest.mention, digest.average_mention)})",
        *(f"  {name}: {about} bài về, {mention} bài có nhắc" for name, about, mention in digest.per_province),
        f"Đã thu thập: {digest.crawled} bài",
        "Sắc thái: " + ", ".join(f"{capitalized(SENTIMENT_LABELS[k])} {digest.sentiments[k]}"
                                 for k in ("negative", "neutral", "positive")),
        "7 ngày: " + ", ".join(f"{v.day:%d/%m} {v.about + v.mention}" for v in digest.volume),
        "",
    ]
    if digest.topics:
        out += ["THEO CHỦ ĐỀ", *(f"  {label}: {count}" for label, count in digest.topics), ""]
    if digest.kinds:
        out += ["THEO LOẠI NGUỒN", *(f"  {label}: {count}" for label, count in digest.kinds), ""]
    if digest.negative_total:
        out.append(_heading("TIN TIÊU CỰC", digest.negative_total, digest.sentiments["negative"]))
        for item in digest.negative:
            out += _item_text(item, digest.web_base_url)
        if digest.negative_total > len(digest.negative):
            out.append(f"  … và {digest.negative_total - len(digest.negative)} tin khác.")
        out.append("")
    if digest.stories:
        out.append("TIN CHÍNH (NHIỀU NGUỒN CÙNG ĐĂNG)")
        for story in digest.stories:
            out += [f"- {story.title}", f"  {story.outlets} nguồn, {story.copies} bài: {', '.join(story.sources)}",
                    f"  {story.url}"]
        out.append("")
    if digest.trends:
        out.append("ĐANG ĐƯỢC QUAN TÂM")
        for trend in digest.trends:
            out.append(f"- {capitalized(trend.signal)} ({local(trend.raised_at)}): {trend.what}")
            if trend.url:
                out.append(f"  {trend.url}")
        out.append("")
    if digest.rising:
        out.append("ĐIỂM MỚI")
        out += [f"  {'Chủ đề' if r.kind == 'topic' else 'Địa danh'} {r.label}: {r.count} bài "
                f"(TB {_number(r.average)}/ngày)" for r in digest.rising]
        out.append("")
    if digest.others_total:
        out.append(_heading("TIN KHÁC VỀ LAI CHÂU", digest.others_total,
                            digest.relevant - digest.sentiments["negative"]))
        for item in digest.others:
            out += _item_text(item, digest.web_base_url)
        if digest.others_total > len(digest.others):
            out.append(f"  … và {digest.others_total - len(digest.others)} tin khác.")
        out.append("")
    out.append("TÌNH TRẠNG NGUỒN")
    out += [f"  {text}" for _, text in _health_lines(digest)]
    out += ["", "Bản tin được hệ thống presswatch tạo tự động mỗi ngày; phân loại do máy, cần kiểm chứng."]
    return "\n".join(out) + "\n"
