"""The "Đang được quan tâm" page: what the trend rules raised (rising stories, posts whose
interactions climb, places and topics above their baseline), newest first, each with what rose, by
how much, a small chart of its hourly series and the items behind it. Readers: every role, ``viewer``
and up (decided, design.md's roles): leadership reads what is rising, and the page shows only what
search already shows a viewer (public crawled items, their sources and public counts, the rule's
name) and no personal data: no recipient, channel address or reporter."""

from __future__ import annotations

from datetime import timedelta

from starlette.responses import Response

from presswatch.times import local, utcnow
from presswatch.web.auth import guard
from presswatch.web.charts import hour_bars
from presswatch.web.context import Ctx
from trends.reads import SIGNAL_LABELS, events, what_rose

PERIODS = {"1": "24 giờ", "7": "7 ngày", "30": "30 ngày"}
SIGNALS = {"": "Tất cả", **{key: label.capitalize() for key, label in SIGNAL_LABELS.items()}}
LIMIT = 100


@guard("viewer")
def trends_page(ctx: Ctx) -> Response:
    params = ctx.request.query_params
    days = params.get("days", "7")
    days = days if days in PERIODS else "7"
    signal = params.get("signal", "")
    signal = signal if signal in SIGNALS else ""
    found = events(ctx.store.db, utcnow() - timedelta(days=int(days)), LIMIT, signal or None)
    rules = {rule.id: rule.name for rule in ctx.web.config.alerts.rules} if ctx.web.config.alerts else {}
    cards = [{"event": event, "signal": SIGNAL_LABELS[event.signal], "rule": rules.get(event.rule_id, event.rule_id),
              "what": what_rose(event.document), "chart": hour_bars(event.series),
              "items": event.document.get("items", [])[:10]} for event in found]
    return ctx.render("trends.html", cards=cards, days=days, periods=PERIODS, signal=signal, signals=SIGNALS,
                      local=local, limit=LIMIT)
