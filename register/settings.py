"""``config/register.yaml``: when an outlet's compliance indicators are flagged.

Validated like every configuration file (unknown keys refused, problems as ``file:line: key:
message``); a configuration directory without the file gets the defaults below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from presswatch.config.base import Strict, validation_problems
from presswatch.config.yamlfile import load_yaml
from presswatch.errors import ConfigError

FILE_NAME = "register.yaml"
Genre = Literal["news_report", "feature", "interview", "analysis", "research", "other"]


def _news_only() -> list[Genre]:
    return ["news_report"]


class Thresholds(Strict):
    news_share_max: float = Field(default=0.5, ge=0, le=1)
    off_topic_share_max: float = Field(default=0.3, ge=0, le=1)
    unattributed_share_max: float = Field(default=0.1, ge=0, le=1)
    min_items: int = Field(default=20, ge=1, le=1_000_000)


class RegisterSettings(Strict):
    thresholds: Thresholds = Field(default_factory=Thresholds)
    # channel ids of alerts.yaml that receive flagged indicators and the spokesperson reminder
    alert_channels: list[str] = Field(default_factory=list)
    reminder_months: int = Field(default=6, ge=1, le=24)
    news_genres: list[Genre] = Field(default_factory=_news_only, min_length=1)


def load_register_settings(config_dir: Path) -> RegisterSettings:
    """``config_dir/register.yaml``, or the defaults when the file does not exist."""
    path = config_dir / FILE_NAME
    if not path.exists():
        return RegisterSettings()
    doc = load_yaml(path)
    try:
        return RegisterSettings.model_validate(doc.data if doc.data is not None else {})
    except ValidationError as exc:
        raise ConfigError(validation_problems(exc, doc)) from None
