"""The "Trạng thái" page: the scheduled periodic reports (per kind: the next send, periods waiting,
the last period sent, the last outcome and its error) and the trend signals (the last update,
articles read, rising items of the last 24 hours), what ``presswatch status`` prints of them.
Analysts and up: a failed send's error may name the recipients' addresses."""

from __future__ import annotations

from starlette.responses import Response

from presswatch.times import local, utcnow
from presswatch.web.auth import guard
from presswatch.web.context import Ctx
from reports.period import KIND_NAMES
from reports.sends import schedule
from trends.reads import RISING_HOURS, SIGNAL_LABELS, state


@guard("analyst")
def status_page(ctx: Ctx) -> Response:
    now = utcnow()
    settings = ctx.web.config.settings
    return ctx.render("status.html", reports=schedule(ctx.store.db, now, settings), trends=state(ctx.store.db, now),
                      scheduled=bool(settings.report_times()), recipients=bool(settings.report_recipients),
                      kinds=KIND_NAMES, signals=SIGNAL_LABELS, hours=RISING_HOURS, local=local)
