"""Behaviour settings: ``config/presswatch.yaml`` (optional) and ``PRESSWATCH_<NAME>`` variables.

``SETTINGS`` lists every knob with its default and meaning (tests hold ``docs/configuration.md``
and the shipped ``config/presswatch.yaml`` to it); ``Settings`` validates them with their bounds;
``load_settings`` reads the file, then the environment, and names the file, line and key, or the
variable, of each problem.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationError, field_validator

from presswatch.config.base import Strict, check_address, check_url, error_location, error_message, parse_duration
from presswatch.config.yamlfile import YamlDocument, load_yaml
from presswatch.errors import ConfigError
from presswatch.netpolicy import parse_rule
from presswatch.provinces import DEFAULT_PROVINCE, resolve

_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$")


REPORT_KINDS = ("week", "month", "quarter", "half", "year")


def report_schedule_entries(value: str) -> list[tuple[str, int, int, int]]:
    """``"month 1 08:00; week 1 07:30"`` → ``[("month", 1, 8, 0), ("week", 1, 7, 30)]``; ValueError in
    Vietnamese naming the entry that is wrong."""
    entries: list[tuple[str, int, int, int]] = []
    for part in (p.strip() for p in value.split(";")):
        if not part:
            continue
        words = part.split()
        match = _CLOCK.match(words[2]) if len(words) == 3 else None
        if match is None or words[0] not in REPORT_KINDS or not words[1].isdigit():
            raise ValueError(f"'{part[:60]}' phải có dạng LOẠI NGÀY HH:MM, LOẠI là một trong "
                             f"{', '.join(REPORT_KINDS)} (ví dụ: month 1 08:00)")
        kind, day, hour, minute = words[0], int(words[1]), int(match.group(1)), int(match.group(2))
        if not 1 <= day <= (7 if kind == "week" else 28) or hour > 23 or minute > 59:
            raise ValueError(f"'{part[:60]}': ngày phải từ 1 đến {7 if kind == 'week' else 28}, giờ HH:MM hợp lệ")
        if kind in (entry[0] for entry in entries):
            raise ValueError(f"'{kind}' có hai lần trong lịch báo cáo")
        entries.append((kind, day, hour, minute))
    return entries


def _allow_entry(entry: str) -> str:
    parse_rule(entry)  # raises ValueError naming what is wrong
    return entry.strip()


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("province", DEFAULT_PROVINCE, "Province followed: one name, or a list whose first is the home province "
            "(titles, digest, reports, `presswatch init`); any of the 34 provinces and cities since the 2025 reform, "
            "with or without accents; a pre-2025 name is mapped to the province it joined (check-config says so)."),
    Setting("database", "data/presswatch.db", "SQLite file holding articles, crawl state and the index."),
    Setting(
        "user_agent",
        "presswatch/0.1 (media monitoring for So TT&TT Lai Chau; +https://github.com/presswatch/presswatch)",
        "User-Agent sent with every request; put your office's contact URL in it.",
    ),
    Setting("obey_robots", True, "Obey robots.txt."),
    Setting("download_timeout", 30.0, "Seconds before one HTTP request is abandoned."),
    Setting("retry_times", 2, "Retries of a failed request (timeouts, 5xx, connection errors)."),
    Setting("max_page_bytes", 5_000_000, "Pages larger than this are not downloaded."),
    Setting("max_articles_per_run", 200, "New articles fetched per source and crawl at most."),
    Setting("crawl_timeout", 900, "Hard limit in seconds for one source's crawl subprocess."),
    Setting("parallel_crawls", 2, "Crawl subprocesses running at once."),
    Setting("concurrent_requests_per_domain", 2, "Parallel requests to one site (AutoThrottle adapts below)."),
    Setting("autothrottle", True, "Adapt the request rate to each site's latency (Scrapy AutoThrottle)."),
    Setting("index_backend", "tantivy", "Search backend: tantivy (embedded index beside the database, kept in "
            "step with it; docs/benchmarks.md), sqlite (the store's own FTS5 index) or elasticsearch."),
    Setting("tantivy_path", None, "Directory of the tantivy index (index_backend: tantivy); empty: "
            "<database>.tantivy beside the database."),
    Setting("elasticsearch_url", "http://127.0.0.1:9200", "Elasticsearch address (credentials from the environment)."),
    Setting("elasticsearch_alias", "presswatch-articles", "Alias searched; its indices are named <alias>-<time>."),
    Setting("web_base_url", None, "Address of the web UI as inspectors reach it; alerts and the digest link to it."),
    Setting("alert_timeout", 10.0, "Seconds before one alert delivery (webhook/chat request) is abandoned."),
    Setting("alert_retry_base", 30.0, "Seconds before the first retry of a failed delivery; doubles each time."),
    Setting("alert_retry_max", 3600.0, "Longest wait in seconds between two delivery attempts (jittered)."),
    Setting("alert_max_age", 172800.0, "Seconds after which an undelivered alert goes to the dead letters."),
    Setting("alert_poll", 1.0, "Seconds between two looks at the outbox by the delivery worker."),
    Setting("trends_follow_days", 7, "Days a post or video is followed for trends (its views and interactions)."),
    Setting("trends_keep_days", 95, "Days of hourly counts and story rows kept for trend baselines."),
    Setting("digest_time", "07:00", "Local time (HH:MM) of the daily digest; it covers the 24 h before."),
    Setting("digest_recipients", [], "E-mail addresses receiving the daily digest; empty: the digest is not sent."),
    Setting("digest_sender", "presswatch@localhost", "From address of the digest."),
    Setting("smtp_host", "localhost", "SMTP server sending the digest (credentials from the environment)."),
    Setting("smtp_port", 587, "SMTP port (587 for starttls, 465 for ssl, 25 for none)."),
    Setting("smtp_security", "starttls", "starttls, ssl or none."),
    Setting("smtp_timeout", 30.0, "Seconds before an SMTP connection or command is abandoned."),
    Setting("digest_silent_days", 3, "A source with no new article for this many days is listed as silent."),
    Setting("metrics_port", 9464, "Port of the Prometheus /metrics endpoint of `presswatch run`; 0 turns it off."),
    Setting("metrics_host", "127.0.0.1", "Address the /metrics endpoint listens on."),
    Setting("log_format", "plain", "Log lines of `presswatch run`: plain text or json (one object per line)."),
    Setting("crawl_jitter", 0.1, "Random delay added to each crawl, as a fraction of the source's interval (≤ 5 min)."),
    Setting("crawl_backoff_max", 21600, "Longest wait in seconds between crawls of a failing source (back-off)."),
    Setting("crawl_min_interval", 60, "Shortest interval in seconds a source may be crawled at (spares the sites)."),
    Setting("retention_days", 0, "Articles older than this many days are deleted nightly; 0 keeps everything."),
    Setting("housekeeping_time", "02:30", "Local time (HH:MM) of the nightly retention, optimise and backup."),
    Setting("backup_dir", "data/backups", "Where the nightly SQLite backup is written; empty: no backup."),
    Setting("backup_keep", 3, "Nightly backups kept (older ones are deleted)."),
    Setting("ytdlp_command", "", "Command running yt-dlp for youtube_search sources; empty: the yt-dlp installed "
            "with presswatch (python -m yt_dlp)."),
    Setting("web_host", "127.0.0.1", "Address the web UI listens on (loopback by default; put a TLS proxy in front)."),
    Setting("web_port", 8080, "Port of the web UI and JSON API; 0: `presswatch run` does not serve them."),
    Setting("web_secure_cookies", False, "Mark session cookies Secure even when the request arrived over http "
            "(set true behind an https proxy)."),
    Setting("session_hours", 12, "Hours a login session lasts."),
    Setting("export_max_rows", 10000, "Most articles one CSV/XLSX export holds."),
    Setting("crawl_allow_internal", [], "Internal hosts the crawler may fetch although they resolve to loopback, "
            "private, link-local… addresses: names, addresses or networks, each optionally with :port. Empty: every "
            "internal address is refused."),
    Setting("web_facet_max_hits", 10000, "Facet counts and the per-day chart are computed for at most this many "
            "results (they cost time per matching article); above it the page asks to narrow the search."),
    Setting("web_search_window_days", 30, "A search on the web page without dates covers the last this many days "
            "(one click widens it to the whole archive); 0: the whole archive. The API is not affected."),
    Setting("cases_dir", "data/cases", "Folder holding the files attached to cases, each under its SHA-256."),
    Setting("cases_attachment_max_bytes", 20_000_000, "Largest file that may be attached to a case (bytes)."),
    Setting("hotline_imap_host", "", "IMAP server of the hotline mailbox (TLS); empty: the mailbox is not read. "
            "Credentials from PRESSWATCH_HOTLINE_IMAP_USERNAME and PRESSWATCH_HOTLINE_IMAP_PASSWORD."),
    Setting("hotline_imap_port", 993, "Port of the hotline mailbox (993 for implicit TLS, 143 for STARTTLS)."),
    Setting("hotline_imap_security", "ssl", "ssl (implicit TLS, port 993) or starttls (port 143, TLS required "
            "before login); the mailbox is never read without TLS."),
    Setting("hotline_imap_folder", "INBOX", "Folder of the hotline mailbox read for new messages."),
    Setting("hotline_imap_cafile", "", "CA certificate(s) to trust for the mailbox's TLS (PEM file); empty: the "
            "system's."),
    Setting("hotline_interval", 300, "Seconds between two reads of the hotline mailbox by `presswatch run`."),
    Setting("cases_reminder_channels", [], "Alert channels (ids of config/alerts.yaml) that get the cases' "
            "reminders: assignment, reporter's message, deadline near, overdue. Empty: no reminders."),
    Setting("cases_deadline_near_days", 2, "A case's deadline is announced as near this many days before it."),
    Setting("cases_reminder_email", False, "Also e-mail each case reminder to the case's assignee (their address: "
            "`presswatch users email`), through the SMTP settings of the digest; retried, never blocking the other "
            "reminders."),
    Setting("reports_dir", "data/reports", "Folder keeping the reports generated from the web UI (the archive), "
            "each file under its SHA-256."),
    Setting("report_recipients", [], "E-mail addresses receiving the periodic reports `presswatch run` makes "
            "(report_schedule). Empty: no report is sent."),
    Setting("report_schedule", "", "When `presswatch run` sends each kind of periodic report, as `KIND DAY HH:MM` "
            "entries separated by `;` (kinds week, month, quarter, half, year; DAY: weekday 1-7 after a week, "
            "day of the month after the others), e.g. `month 1 08:00; quarter 3 08:00`. Empty: none."),
    Setting("report_catch_up", 6, "After the service was down for several periods, at most this many missed periods "
            "of each kind are sent (the newest ones, oldest first), each once."),
    Setting("evidence_dir", "data/evidence", "Folder of the evidence files (WARC, screenshots, PDF, text), each "
            "stored as ab/cd/<sha256>."),
    Setting("evidence_allow_internal", [], "Internal hosts evidence may be captured from (a local test site): "
            "names, addresses or networks, each optionally with :port. Empty: every internal address is refused."),
    Setting("evidence_quota_bytes", 20_000_000_000, "Disk the evidence files may use; when reached, new captures "
            "are refused with a message (nothing else stops). 0: no quota."),
    Setting("evidence_timeout", 60.0, "Seconds one capture may take (page, resources, screenshot, PDF); what "
            "loaded by then is kept."),
    Setting("evidence_max_bytes", 50_000_000, "Bytes one capture downloads at most (page and resources); a "
            "larger body is cut and marked truncated in the WARC."),
    Setting("evidence_max_requests", 300, "Requests one capture makes at most (the page and what it needs)."),
    Setting("evidence_max_height", 20000, "Pixels of page height the screenshot covers at most (infinite scroll)."),
    Setting("evidence_attempts", 5, "Attempts of a capture before it is marked failed (retried with a doubling "
            "delay from 1 minute)."),
    Setting("evidence_rechecks", "1h, 6h, 24h, 3d, 7d", "When captured pages are checked again for edits, "
            "corrections and removal, after the capture (durations, comma-separated)."),
    Setting("evidence_edit_threshold", 0.02, "Share of words that must change (with the title unchanged) for a "
            "re-check to report an edit."),
    Setting("models_dir", "data/models", "Folder of the models `presswatch train` makes, one folder per model "
            "(sentiment/<version>.json, versions.jsonl, CURRENT); the analysis loads the current version."),
)


def _default(name: str) -> Any:
    return next(setting.default for setting in SETTINGS if setting.name == name)


class Settings(Strict):
    """Behaviour knobs; see ``SETTINGS`` for defaults and meanings."""

    province: list[str] = Field(default_factory=lambda: [DEFAULT_PROVINCE], min_length=1, max_length=34)
    database: str = _default("database")
    user_agent: str = _default("user_agent")
    obey_robots: bool = _default("obey_robots")
    download_timeout: float = Field(default=_default("download_timeout"), gt=0, le=600)
    retry_times: int = Field(default=_default("retry_times"), ge=0, le=10)
    max_page_bytes: int = Field(default=_default("max_page_bytes"), ge=10_000, le=1_000_000_000)
    max_articles_per_run: int = Field(default=_default("max_articles_per_run"), ge=1, le=100_000)
    crawl_timeout: int = Field(default=_default("crawl_timeout"), ge=5, le=86_400)
    parallel_crawls: int = Field(default=_default("parallel_crawls"), ge=1, le=32)
    concurrent_requests_per_domain: int = Field(default=_default("concurrent_requests_per_domain"), ge=1, le=32)
    autothrottle: bool = _default("autothrottle")
    index_backend: Literal["sqlite", "tantivy", "elasticsearch"] = _default("index_backend")
    tantivy_path: str | None = _default("tantivy_path")
    elasticsearch_url: str = _default("elasticsearch_url")
    elasticsearch_alias: str = Field(default=_default("elasticsearch_alias"), pattern=r"^[a-z0-9][a-z0-9_-]*$")
    web_base_url: str | None = _default("web_base_url")
    alert_timeout: float = Field(default=_default("alert_timeout"), gt=0, le=300)
    alert_retry_base: float = Field(default=_default("alert_retry_base"), gt=0, le=86_400)
    alert_retry_max: float = Field(default=_default("alert_retry_max"), gt=0, le=7 * 86_400)
    trends_follow_days: int = Field(default=_default("trends_follow_days"), ge=1, le=90)
    trends_keep_days: int = Field(default=_default("trends_keep_days"), ge=8, le=3650)
    alert_max_age: float = Field(default=_default("alert_max_age"), gt=0, le=365 * 86_400)
    alert_poll: float = Field(default=_default("alert_poll"), gt=0, le=60)
    digest_time: str = _default("digest_time")
    digest_recipients: list[str] = Field(default_factory=list)
    digest_sender: str = _default("digest_sender")
    smtp_host: str = Field(default=_default("smtp_host"), min_length=1)
    smtp_port: int = Field(default=_default("smtp_port"), ge=1, le=65535)
    smtp_security: Literal["starttls", "ssl", "none"] = _default("smtp_security")
    smtp_timeout: float = Field(default=_default("smtp_timeout"), gt=0, le=600)
    digest_silent_days: int = Field(default=_default("digest_silent_days"), ge=1, le=365)
    metrics_port: int = Field(default=_default("metrics_port"), ge=0, le=65535)
    metrics_host: str = _default("metrics_host")
    log_format: Literal["plain", "json"] = _default("log_format")
    crawl_jitter: float = Field(default=_default("crawl_jitter"), ge=0, le=1)
    crawl_backoff_max: int = Field(default=_default("crawl_backoff_max"), ge=1, le=30 * 86_400)
    crawl_min_interval: int = Field(default=_default("crawl_min_interval"), ge=1, le=86_400)
    retention_days: int = Field(default=_default("retention_days"), ge=0, le=36_500)
    housekeeping_time: str = _default("housekeeping_time")
    backup_dir: str = _default("backup_dir")
    backup_keep: int = Field(default=_default("backup_keep"), ge=1, le=100)
    ytdlp_command: str = _default("ytdlp_command")
    web_host: str = _default("web_host")
    web_port: int = Field(default=_default("web_port"), ge=0, le=65535)
    web_secure_cookies: bool = _default("web_secure_cookies")
    session_hours: float = Field(default=_default("session_hours"), gt=0, le=24 * 30)
    export_max_rows: int = Field(default=_default("export_max_rows"), ge=1, le=1_000_000)
    web_facet_max_hits: int = Field(default=_default("web_facet_max_hits"), ge=0, le=100_000_000)
    web_search_window_days: int = Field(default=_default("web_search_window_days"), ge=0, le=36_500)
    crawl_allow_internal: list[Annotated[str, AfterValidator(_allow_entry)]] = Field(default_factory=list)
    cases_dir: str = Field(default=_default("cases_dir"), min_length=1)
    cases_attachment_max_bytes: int = Field(default=_default("cases_attachment_max_bytes"), ge=1_000,
                                            le=1_000_000_000)
    hotline_imap_host: str = _default("hotline_imap_host")
    hotline_imap_port: int = Field(default=_default("hotline_imap_port"), ge=1, le=65535)
    hotline_imap_security: Literal["ssl", "starttls"] = _default("hotline_imap_security")
    hotline_imap_folder: str = Field(default=_default("hotline_imap_folder"), min_length=1, max_length=200)
    hotline_imap_cafile: str = _default("hotline_imap_cafile")
    hotline_interval: int = Field(default=_default("hotline_interval"), ge=30, le=86_400)
    cases_reminder_channels: list[str] = Field(default_factory=list)
    reports_dir: str = Field(default=_default("reports_dir"), min_length=1)
    report_recipients: list[str] = Field(default_factory=list)
    report_schedule: str = Field(default=_default("report_schedule"), max_length=500)
    report_catch_up: int = Field(default=_default("report_catch_up"), ge=1, le=60)
    cases_deadline_near_days: int = Field(default=_default("cases_deadline_near_days"), ge=0, le=60)
    cases_reminder_email: bool = _default("cases_reminder_email")
    evidence_dir: str = Field(default=_default("evidence_dir"), min_length=1)
    evidence_allow_internal: list[Annotated[str, AfterValidator(_allow_entry)]] = Field(default_factory=list)
    evidence_quota_bytes: int = Field(default=_default("evidence_quota_bytes"), ge=0, le=100_000_000_000_000)
    evidence_timeout: float = Field(default=_default("evidence_timeout"), ge=5, le=600)
    evidence_max_bytes: int = Field(default=_default("evidence_max_bytes"), ge=100_000, le=2_000_000_000)
    evidence_max_requests: int = Field(default=_default("evidence_max_requests"), ge=1, le=10_000)
    evidence_max_height: int = Field(default=_default("evidence_max_height"), ge=500, le=100_000)
    evidence_attempts: int = Field(default=_default("evidence_attempts"), ge=1, le=50)
    evidence_rechecks: str = _default("evidence_rechecks")
    evidence_edit_threshold: float = Field(default=_default("evidence_edit_threshold"), gt=0, lt=1)
    models_dir: str = Field(default=_default("models_dir"), min_length=1)

    @field_validator("evidence_rechecks")
    @classmethod
    def _rechecks(cls, value: str) -> str:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if len(parts) > 20:
            raise ValueError("nhiều nhất 20 lần kiểm tra lại")
        for part in parts:
            parse_duration(part, 60, 365 * 86400)
        return ", ".join(parts)

    def recheck_seconds(self) -> list[int]:
        """``evidence_rechecks`` in seconds after the capture, in order."""
        return sorted(parse_duration(part.strip(), 60, 365 * 86400) for part in self.evidence_rechecks.split(",")
                      if part.strip())

    @field_validator("digest_time", "housekeeping_time", mode="before")
    @classmethod
    def _clock(cls, value: Any) -> str:
        # Our YAML loader reads an unquoted 07:00 as the text "07:00" (not YAML 1.1's base-60 420).
        if not isinstance(value, str):
            raise ValueError(f"phải là giờ dạng HH:MM, ví dụ 07:00 (đang là: {value!r})")
        match = _CLOCK.match(value.strip())
        if not match:
            raise ValueError(f"'{value[:40]}' không phải giờ hợp lệ dạng HH:MM (ví dụ 07:00)")
        if int(match.group(1)) > 23:
            raise ValueError(f"'{value}' không phải giờ hợp lệ: giờ phải từ 00 đến 23")
        if int(match.group(2)) > 59:
            raise ValueError(f"'{value}' không phải giờ hợp lệ: phút phải từ 00 đến 59")
        return f"{int(match.group(1)):02d}:{match.group(2)}"

    @field_validator("province", mode="before")
    @classmethod
    def _provinces(cls, value: Any) -> Any:
        # One name or a list; from the environment: PRESSWATCH_PROVINCE="Lai Châu, Điện Biên".
        if isinstance(value, str):
            value = [part for part in re.split(r"[,;]", value) if part.strip()]
        if not isinstance(value, list):
            return value  # pydantic names the wrong type
        names: list[str] = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"tên tỉnh phải là chữ (đang là: {item!r})")
            name, _ = resolve(item)
            if name not in names:
                names.append(name)
        return names

    @property
    def home_province(self) -> str:
        """The first province followed: the one the titles, digest and reports are written for."""
        return self.province[0]

    @field_validator("crawl_allow_internal", "evidence_allow_internal", mode="before")
    @classmethod
    def _split_allowed(cls, value: Any) -> Any:
        # From the environment: PRESSWATCH_CRAWL_ALLOW_INTERNAL="127.0.0.1:1200, intranet.laichau.gov.vn"
        if isinstance(value, str):
            return [part for part in re.split(r"[,;\s]+", value) if part]
        return value

    @field_validator("digest_recipients", "cases_reminder_channels", "report_recipients", mode="before")
    @classmethod
    def _split_recipients(cls, value: Any) -> Any:
        # From the environment: PRESSWATCH_DIGEST_RECIPIENTS="a@x.vn, b@y.vn"
        if isinstance(value, str):
            return [part for part in re.split(r"[,;\s]+", value) if part]
        return value

    @field_validator("digest_recipients", "report_recipients")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        return [check_address(address) for address in value]

    @field_validator("digest_sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return check_address(value)

    @field_validator("elasticsearch_url")
    @classmethod
    def _elasticsearch_url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("web_base_url")
    @classmethod
    def _web_base_url(cls, value: str | None) -> str | None:
        return None if not value else check_url(value).rstrip("/")

    @field_validator("report_schedule")
    @classmethod
    def _report_schedule(cls, value: str) -> str:
        return "; ".join(f"{kind} {day} {hour:02d}:{minute:02d}"
                         for kind, day, hour, minute in report_schedule_entries(value))

    def report_times(self) -> list[tuple[str, int, int, int]]:
        """``report_schedule`` as ``(kind, day, hour, minute)`` entries."""
        return report_schedule_entries(self.report_schedule)

    def digest_clock(self) -> tuple[int, int]:
        hours, minutes = self.digest_time.split(":")
        return int(hours), int(minutes)


def province_notes(path: Path | None, environ: dict[str, str] | None = None) -> list[str]:
    """What ``load_settings`` did silently to the ``province`` values: pre-2025 names it mapped to
    the province they joined, each as a Vietnamese sentence naming where it came from."""
    environ = dict(os.environ) if environ is None else environ
    raw: Any = environ.get("PRESSWATCH_PROVINCE")
    where = "biến môi trường PRESSWATCH_PROVINCE"
    if raw is None and path is not None and path.exists():
        doc = load_yaml(path)
        raw = doc.data.get("province") if isinstance(doc.data, dict) else None
        where = doc.where(("province",))
    values = [part for part in re.split(r"[,;]", raw)] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    notes = []
    for value in values:
        try:
            _, note = resolve(str(value))
        except ValueError:
            continue
        if note:
            notes.append(f"{where}: {note}")
    return notes


def load_settings(path: Path | None, environ: dict[str, str] | None = None) -> Settings:
    """Settings from ``path`` (if it exists), then ``PRESSWATCH_<NAME>`` environment variables. A
    problem names the file, line and key, or the environment variable it came from."""
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, Any] = {}
    doc: YamlDocument | None = None
    if path is not None and path.exists():
        doc = load_yaml(path)
        if doc.data is not None and not isinstance(doc.data, dict):
            raise ConfigError([f"{path}:1: tệp phải là một ánh xạ khóa: giá trị"])
        values.update(doc.data or {})
    from_environment: dict[str, str] = {}
    for setting in SETTINGS:
        variable = f"PRESSWATCH_{setting.name.upper()}"
        if environ.get(variable) is not None:
            values[setting.name] = environ[variable]
            from_environment[setting.name] = variable
    try:
        return Settings.model_validate(values)
    except ValidationError as exc:
        doc = doc or YamlDocument(path or Path("presswatch.yaml"), values, {})
        problems = []
        for item in exc.errors():
            name = item["loc"][0] if item["loc"] else None
            if isinstance(name, str) and name in from_environment:
                problems.append(f"biến môi trường {from_environment[name]}: {error_message(item)}")
            else:
                problems.append(f"{doc.where(error_location(item))}: {error_message(item)}")
        raise ConfigError(problems) from None
