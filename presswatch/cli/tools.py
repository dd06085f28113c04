"""Commands that work on files and text rather than on the database: ``check-config`` (does the
configuration load), ``extract`` (an article out of a saved HTML page) and ``analyze`` (the Vietnamese
analysis of JSON lines from stdin).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from presswatch.cli.options import command_config, config_dir
from presswatch.cli.output import err, out
from presswatch.errors import ConfigError
from presswatch.reasons import os_error_text
from presswatch.times import local
from register.settings import load_register_settings


def cmd_check_config(args: argparse.Namespace) -> int:
    from cases.dossier import TEMPLATE_NAME
    from cases.settings import load_cases_config

    config = command_config(args)
    cases = load_cases_config(config_dir(args) / "cases.yaml")
    enabled = sum(source.enabled for source in config.sources)
    out(f"Cấu hình hợp lệ: {config_dir(args)} — {len(config.sources)} nguồn ({enabled} đang bật).")
    out(f"Tỉnh, thành phố theo dõi: {', '.join(config.settings.province)}"
        + (f" (tỉnh chính: {config.home_province})" if len(config.settings.province) > 1 else "") + ".")
    out(f"Hồ sơ vụ việc: {len(cases.kinds)} loại vụ việc"
        + ("." if (config_dir(args) / TEMPLATE_NAME).exists() else f"; thiếu mẫu hồ sơ {TEMPLATE_NAME}."))
    if config.alerts is not None:
        active, inactive = config.alerts.targets()
        rules = sum(rule.enabled for rule in config.alerts.rules)
        out(f"Cảnh báo: {rules} quy tắc đang bật, {len(active)}/{len(config.alerts.channels)} kênh hoạt động.")
        for message in inactive:
            out(f"  ! {message}")
    register = load_register_settings(config.directory)  # config/register.yaml: ConfigError when wrong
    known = {c.id for c in config.alerts.channels} if config.alerts is not None else set()
    unknown = [c for c in register.alert_channels if c not in known]
    if unknown:
        raise ConfigError([f"{config.directory / 'register.yaml'}: alert_channels: kênh '{c}' chưa khai báo "
                           "trong alerts.yaml" for c in unknown])
    out(f"Sổ đăng ký báo chí: ngưỡng tin tức {register.thresholds.news_share_max:.0%}, ngoài tôn chỉ "
        f"{register.thresholds.off_topic_share_max:.0%}, đăng lại không nguồn "
        f"{register.thresholds.unattributed_share_max:.0%}.")
    for warning in config.warnings:
        out(f"Lưu ý: {warning}")
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from crawler.extract import extract

    path = Path(args.file)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        err(f"Không đọc được {path}: {os_error_text(exc)}")
        return 2
    from w3lib.encoding import html_to_unicode

    _, text = html_to_unicode(None, raw)
    result = extract(text, args.url or path.resolve().as_uri())
    if result is None:
        if args.json:
            print(json.dumps({"title": None, "text": None, "published": None, "author": None,
                              "url": args.url}, ensure_ascii=False))
        err("Không trích xuất được nội dung bài viết.")
        return 1
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
    else:
        out(result.title)
        out(f"{local(result.published)} · {result.author or '—'} · {result.url}")
        out()
        out(result.text)
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from presswatch.config import load_analyzer, load_settings

    directory = config_dir(args)
    models_dir = Path(load_settings(directory / "presswatch.yaml").models_dir)  # the trained model in use, if any
    analyzer = load_analyzer(directory, with_entities=not args.no_entities, models_dir=models_dir)
    failures = 0
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("mỗi dòng phải là một đối tượng JSON")
            title, text = str(record.get("title") or ""), str(record.get("text") or "")
        except ValueError as exc:
            failures += 1
            reason = f"lỗi cú pháp ở cột {exc.colno}" if isinstance(exc, json.JSONDecodeError) else str(exc)
            err(f"dòng {number}: JSON không hợp lệ ({reason})")
            print(json.dumps({"id": None, "line": number, "error": reason}, ensure_ascii=False), flush=True)
            continue
        result = analyzer.analyze(title, text, comment=record.get("comment") is True).to_json()
        print(json.dumps({"id": record.get("id"), **result}, ensure_ascii=False), flush=True)
    return 1 if failures else 0
