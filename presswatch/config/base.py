"""The strict model base of every configuration file, the checks its fields share, and its errors.

- ``Strict``: the pydantic base of every file's model: unknown keys rejected, frozen, text stripped,
  no infinity or NaN;
- checks shared by fields of several files: http(s) addresses, e-mail addresses, durations ("15m")
  within bounds;
- pydantic's validation errors turned into ``file:line: key: message`` in Vietnamese, with the value
  found and the nearest valid choice ("có phải 'thien-tai'?").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic_core import ErrorDetails

from presswatch.config.yamlfile import Location, YamlDocument


class Strict(BaseModel):
    """The base of every configuration model."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


_DURATION = re.compile(r"^\s*(-?\d{1,15})\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_INTERVAL = 30 * 86400  # a source's crawl interval: at most 30 days (and crawl_min_interval at least)
MIN_RULE_AGE, MAX_RULE_AGE = 60, 3650 * 86400  # an alert rule's max_age: 1 minute to 10 years


def format_duration(seconds: int) -> str:
    """900 → ``"15m"``: the largest unit that divides ``seconds``."""
    for unit in ("d", "h", "m"):
        if seconds and seconds % _UNIT_SECONDS[unit] == 0:
            return f"{seconds // _UNIT_SECONDS[unit]}{unit}"
    return f"{seconds}s"


def parse_duration(value: str | int, minimum: int = 1, maximum: int = MAX_INTERVAL) -> int:
    """``"15m"`` → 900. Integers are seconds. Outside [minimum, maximum] is an error: a huge interval
    would overflow the scheduler's dates."""
    bounds = f"từ {format_duration(minimum)} đến {format_duration(maximum)}"
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"phải là khoảng thời gian như 30s, 15m, 2h, 1d ({bounds})")
    if isinstance(value, int):
        seconds = value
    else:
        match = _DURATION.match(value)
        if not match:
            raise ValueError(f"'{value[:40]}' không phải khoảng thời gian: một số và đơn vị s, m, h hoặc d, "
                             f"ví dụ 15m ({bounds})")
        seconds = int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
    if not minimum <= seconds <= maximum:
        shown = value if isinstance(value, str) else f"{value} giây"
        raise ValueError(f"khoảng thời gian phải {bounds} (đang là: {shown})")
    return seconds


def duration(minimum: int = 1, maximum: int = MAX_INTERVAL) -> BeforeValidator:
    """The validator of a duration field within [minimum, maximum] seconds, written ``"15m"`` or as
    seconds: ``max_age: Annotated[int, duration(60, 86400)] = 3600``."""

    def parse(value: Any) -> int:
        return parse_duration(value, minimum, maximum)

    return BeforeValidator(parse)


Interval = Annotated[int, duration()]  # how often a source is crawled: 1 second to MAX_INTERVAL


def check_url(url: str) -> str:
    """``url`` if it is an http(s) address with a host; else ValueError in Vietnamese."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        raise ValueError(f"'{url}' không phải địa chỉ http(s) hợp lệ")
    return url


_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
                      r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$")


def check_address(address: str) -> str:
    """``address`` stripped if it is an e-mail address; else ValueError in Vietnamese."""
    address = address.strip()
    if not _ADDRESS.match(address):
        raise ValueError(f"'{address}' không phải địa chỉ email hợp lệ (ví dụ: lanhdao@laichau.gov.vn)")
    return address


def closest(value: object, known: Iterable[str]) -> str | None:
    """The item of ``known`` nearest to ``value`` (difflib), if one is near enough."""
    if not isinstance(value, str) or not value:
        return None
    known = list(known)
    extended = sorted((item for item in known if item.startswith(value) or value.startswith(item)), key=len)
    if extended:  # a renamed slug usually grows or loses a tail: thien-tai → thien-tai-thoi-tiet
        return extended[0]
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.6)
    return close[0] if close else None


def suggestion(value: object, known: Iterable[str]) -> str:
    """``" — có phải 'thien-tai'?"`` when ``value`` is close to one of ``known``, else ``""``."""
    near = closest(value, known)
    return f" — có phải '{near}'?" if near else ""


_MESSAGES: dict[str, str] = {
    "extra_forbidden": "khóa không được hỗ trợ (kiểm tra chính tả)",
    "invalid_key": "tên khóa phải là chuỗi",
    "missing": "thiếu khóa bắt buộc",
    "string_type": "phải là chuỗi",
    "string_unicode": "phải là chuỗi văn bản UTF-8",
    "string_too_short": "không được để trống",
    "string_too_long": "dài quá {max_length} ký tự",
    "bool_type": "phải là true hoặc false",
    "bool_parsing": "phải là true hoặc false",
    "int_type": "phải là số nguyên",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên (không có phần thập phân)",
    "int_parsing_size": "số quá lớn",
    "float_type": "phải là số",
    "float_parsing": "phải là số",
    "finite_number": "phải là số hữu hạn (không dùng .inf hay .nan)",
    "list_type": "phải là danh sách",
    "too_short": "danh sách không được rỗng",
    "too_long": "danh sách dài quá {max_length} mục",
    "model_type": "phải là một ánh xạ khóa: giá trị",
    "model_attributes_type": "phải là một ánh xạ khóa: giá trị",
    "dict_type": "phải là một ánh xạ khóa: giá trị",
    "greater_than": "phải lớn hơn {gt}",
    "greater_than_equal": "phải từ {ge} trở lên",
    "less_than": "phải nhỏ hơn {lt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
}


def _choices(expected: str) -> tuple[list[str], str]:
    """Pydantic's "'a', 'b' or 'c'" → the choices and "'a', 'b' hoặc 'c'"."""
    choices = re.findall(r"'([^']*)'", expected)
    quoted = [f"'{choice}'" for choice in choices]
    if len(quoted) < 2:
        return choices, expected
    return choices, ", ".join(quoted[:-1]) + " hoặc " + quoted[-1]


def _pattern(pattern: str) -> str:
    if "A-Z" in pattern:
        return "tên biến môi trường chỉ gồm chữ in hoa không dấu, số và '_' (ví dụ PRESSWATCH_WEBHOOK_SECRET)"
    allowed = "số, '-' và '_'" if "_" in pattern else "số và '-'"
    return f"chỉ gồm chữ thường không dấu, {allowed}, bắt đầu bằng chữ hoặc số (mẫu {pattern})"


def _number(value: object) -> object:
    """1.0 → 1, so that bounds read "phải lớn hơn 0", not "0.0"."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _echo(got: object) -> str:
    shown = repr(got)
    return f" (đang là: {shown if len(shown) <= 60 else shown[:57] + '…'})"


def error_message(item: ErrorDetails) -> str:
    """One pydantic error in Vietnamese: what is wrong, the value found, the nearest valid choice."""
    kind = item["type"]
    ctx = item.get("ctx") or {}
    got = item.get("input")
    hint = ""
    if kind == "literal_error":
        choices, listed = _choices(str(ctx.get("expected", "")))
        message = f"phải là một trong: {listed}" if len(choices) > 1 else f"phải là {listed}"
        hint = suggestion(got, choices)
    elif kind == "string_pattern_mismatch":
        message = _pattern(str(ctx.get("pattern", "")))
    elif kind == "value_error":
        message = str(item["msg"]).removeprefix("Value error, ")
    elif kind in _MESSAGES:
        message = _MESSAGES[kind].format(**{name: _number(value) for name, value in ctx.items()})
    else:  # a kind none of our models produced when this was written: say so in Vietnamese
        message = "giá trị không hợp lệ"
    if "[key]" in item["loc"]:
        message = "khóa " + message
    if kind not in ("missing", "extra_forbidden", "value_error") and isinstance(got, str | int | float):
        message += _echo(got)
    return message + hint


def error_location(item: ErrorDetails, prefix: Location = ()) -> Location:
    """Where in the file one pydantic error sits: its keys and list positions after ``prefix``."""
    return (*prefix, *(part for part in item["loc"] if isinstance(part, str | int) and part != "[key]"))


def validation_problems(error: ValidationError, doc: YamlDocument, prefix: Location = ()) -> list[str]:
    """Every error of a model validated from ``doc`` as ``file:line: key: message``."""
    return [f"{doc.where(error_location(item, prefix))}: {error_message(item)}" for item in error.errors()]
