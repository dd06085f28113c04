"""The article page's correction form (analysts and admins) and what every reader sees of corrections.

``correction_view`` gives the article template who corrected what and when (the "đã hiệu chỉnh"
marks, for every role) and the choices of the form; ``correct`` applies the fields the analyst changed
(``presswatch.store.corrections.correct``), ``withdraw`` withdraws one field's correction."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starlette.responses import RedirectResponse, Response

from presswatch.errors import PresswatchError
from presswatch.labels import RELEVANCE_LABELS, SENTIMENT_LABELS, TOXICITY_LABELS
from presswatch.store import corrections as fixes
from presswatch.times import parse_iso
from presswatch.web.auth import guard
from presswatch.web.context import Ctx

CHOICE_LABELS = {"relevance": RELEVANCE_LABELS, "sentiment": SENTIMENT_LABELS, "toxicity": TOXICITY_LABELS}


def configured_topics(ctx: Ctx) -> dict[str, str]:
    """The configured topics, slug → Vietnamese label."""
    topics = ctx.web.config.topics
    return {t.slug: t.label for t in topics.topics} if topics else {}


def correction_view(ctx: Ctx, analysis: dict[str, Any] | None, article_id: int) -> dict[str, Any]:
    """What the article template needs: ``corrected`` (field → the mark: model value, who, when),
    ``correction_history`` and the form's choices."""
    marks = (analysis or {}).get("corrected") or {}
    corrected = {field: {**mark, "at": parse_iso(mark.get("at"))} for field, mark in marks.items()}
    return {"corrected": corrected,
            "correction_history": fixes.corrections_of(ctx.store, article_id)[:20],
            "choice_labels": CHOICE_LABELS, "field_labels": fixes.FIELD_LABELS,
            "topic_labels": configured_topics(ctx)}


def _back(article_id: int, message: str) -> Response:
    return RedirectResponse(f"/article/{article_id}?msg={quote(message)}", status_code=303)


@guard("analyst")
def correct(ctx: Ctx) -> Response:
    """The form sends every field; only those that differ from the article's current value are corrected."""
    article_id = int(ctx.request.path_params["id"])
    article = ctx.store.article(article_id)
    if article is None or not article.analysis:
        return ctx.render("error.html", 404, status=404, message="Không có bài viết đã phân tích này.")
    topics = configured_topics(ctx)
    wanted: dict[str, object] = {field: ctx.form[field] for field in ("relevance", "sentiment", "toxicity")
                                 if field in ctx.form}
    if ctx.form.get("topics-sent") == "1":
        wanted["topics"] = [slug for slug in topics if ctx.form.get(f"topic-{slug}") == "1"]
    changed = []
    try:
        for field, value in wanted.items():
            now = fixes.current(article.analysis, field)
            if (sorted(now) if isinstance(now, list) else now) == (sorted(value) if isinstance(value, list) else value):
                continue
            fix = fixes.correct(ctx.store, article_id, field, value, ctx.session.user.name, ctx.form.get("reason"),
                                topics=topics, settings=ctx.web.config.settings)
            changed.append(fixes.FIELD_LABELS[field])
            if fix.index_error:
                return _back(article_id, f"Đã lưu hiệu chỉnh, nhưng chưa cập nhật được chỉ mục tìm kiếm: "
                                         f"{fix.index_error[:200]}")
    except PresswatchError as exc:
        return ctx.render("error.html", 400, status=400, message=str(exc))
    message = f"Đã hiệu chỉnh: {', '.join(changed)}." if changed else "Không có thay đổi nào để hiệu chỉnh."
    return _back(article_id, message)


@guard("analyst")
def withdraw(ctx: Ctx) -> Response:
    article_id = int(ctx.request.path_params["id"])
    field = ctx.form.get("field", "")
    try:
        done = fixes.withdraw(ctx.store, article_id, field, ctx.session.user.name, settings=ctx.web.config.settings)
    except PresswatchError as exc:
        return ctx.render("error.html", 400, status=400, message=str(exc))
    label = fixes.FIELD_LABELS.get(field, field)
    return _back(article_id, f"Đã hoàn tác hiệu chỉnh {label}: trở lại đánh giá tự động." if done
                 else f"Không có hiệu chỉnh {label} nào để hoàn tác.")
