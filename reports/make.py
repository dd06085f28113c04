"""One report as a file, from a configuration and a store: what ``presswatch report`` and the service's
scheduled reports both call (the template ``report.docx`` of the configuration directory, its topic
and case-kind labels, the sources' names)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from alerts.digest.send import topic_labels
from cases.model import ACTION_LABELS
from cases.settings import load_cases_config
from presswatch.config import Config
from presswatch.provinces import full_name
from presswatch.store import Store
from reports.briefing import TEMPLATE_NAME as BRIEFING_TEMPLATE
from reports.briefing import briefing_context
from reports.charts import report_charts
from reports.content import Report, build_report, context
from reports.document import TEMPLATE_NAME, render_docx, to_pdf
from reports.period import Period

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def make_report(config: Config, store: Store, period: Period, *, issued: date, number: str = "",
                pdf: bool = False, provinces: Sequence[str] | None = None) -> tuple[Report, bytes]:
    """The report of ``period`` and its document (DOCX, or PDF with ``pdf``). ``provinces``: some of
    the followed provinces (None: all of them)."""
    kinds_file = config.directory / "cases.yaml"
    case_kinds = load_cases_config(kinds_file).kind_labels() if kinds_file.exists() else {}
    report = build_report(store.db, period, narrowed(config, provinces))
    values = context(report, topic_labels=topic_labels(config), case_kinds=case_kinds, action_labels=ACTION_LABELS,
                     source_names={source.id: source.name for source in config.sources}, number_text=number,
                     issued=issued)
    values.update(province_values(config, provinces))
    data = render_docx(config.directory / TEMPLATE_NAME, values, report_charts(report))
    return report, (to_pdf(data) if pdf else data)


def make_briefing(config: Config, store: Store, period: Period, *, pdf: bool = False,
                  provinces: Sequence[str] | None = None) -> tuple[Report, bytes]:
    """The press-briefing pack of ``period`` (``config/briefing.docx``), DOCX or PDF."""
    only = narrowed(config, provinces)
    report = build_report(store.db, period, only)
    values = briefing_context(store.db, period, report, {source.id: source.name for source in config.sources}, only)
    values.update(province_values(config, provinces))
    data = render_docx(config.directory / BRIEFING_TEMPLATE, values)
    return report, (to_pdf(data) if pdf else data)


def narrowed(config: Config, provinces: Sequence[str] | None) -> list[str] | None:
    """The provinces to narrow the counts to: None when ``provinces`` covers every followed one."""
    if not provinces or set(config.settings.province) <= set(provinces):
        return None
    return list(provinces)


def province_values(config: Config, provinces: Sequence[str] | None = None) -> dict[str, str]:
    """The templates' province variables: ``issuer`` ("UBND TỈNH LAI CHÂU", the home province's),
    ``place`` (the home province, before the date) and ``province`` ("tỉnh Lai Châu"; every followed
    province, home first, when there are several; ``provinces`` when given)."""
    home = config.settings.home_province
    return {"issuer": f"UBND {full_name(home).upper()}", "place": home,
            "province": ", ".join(full_name(name) for name in provinces or config.settings.province)}


def subject(config: Config, label: str) -> str:
    """The e-mail subject of a periodic report."""
    return f"Báo cáo tình hình thông tin báo chí, mạng xã hội về {province_values(config)['province']} {label}"


def file_name(period: Period, suffix: str = "docx") -> str:
    """``bao-cao-2026-11-01_2026-11-30.docx``."""
    return f"bao-cao-{period.first.isoformat()}_{period.last.isoformat()}.{suffix}"
