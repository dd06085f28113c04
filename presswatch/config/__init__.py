"""Typed configuration: the files of ``config/``, validated at start-up, and the behaviour settings.

Three kinds of configuration, kept apart:
- operator data (sources, alert rules, the analysis lexicons) in ``config/*.yaml``, validated at
  start-up with unknown keys rejected;
- behaviour knobs with documented defaults (``SETTINGS``), overridable in ``config/presswatch.yaml``
  and by ``PRESSWATCH_<NAME>`` environment variables;
- secrets, only ever from the environment (alert channels name the variables holding them).

Every validation problem is reported as ``file:line: key: message``, in Vietnamese.

The modules, each importing only the ones above it:
- ``yamlfile``: YAML read within size limits, remembering the line of every key;
- ``base``: the strict model base, shared field checks (URLs, e-mail addresses, durations) and
  the Vietnamese error messages;
- ``refs``: references between files (a rule naming an unknown topic…) and warnings;
- ``settings``, ``sources``, ``lexicons``, ``alerts``: one file each (``presswatch.yaml``,
  ``sources.yaml``, ``topics``/``sentiment``/``toxicity.yaml``, ``alerts.yaml``);
- ``directory``: ``Config``, a whole directory loaded and cross-checked (``load_config``);
- ``crawl``: the snapshot of a ``Config`` handed to a crawl subprocess.

This package re-exports the names other packages use; ``presswatch.config.alerts`` and
``presswatch.config.crawl`` are imported by their own names.
"""

from presswatch.config.base import MAX_INTERVAL, MAX_RULE_AGE, MIN_RULE_AGE, format_duration, parse_duration
from presswatch.config.directory import Config, load_analyzer, load_config
from presswatch.config.lexicons import (
    SentimentFile,
    TopicEntry,
    TopicsFile,
    ToxicityFile,
    build_analyzer,
    load_sentiment,
    load_topics,
    load_toxicity,
)
from presswatch.config.settings import SETTINGS, Setting, Settings, load_settings
from presswatch.config.sources import (
    KIND_LABELS,
    Defaults,
    Selectors,
    Source,
    SourceKind,
    SourcesFile,
    SourceType,
    load_sources,
    sources_of,
)
from presswatch.errors import ConfigError  # callers catch the error of the loaders they import from here

__all__ = [
    "KIND_LABELS",
    "MAX_INTERVAL",
    "MAX_RULE_AGE",
    "MIN_RULE_AGE",
    "SETTINGS",
    "Config",
    "ConfigError",
    "Defaults",
    "Selectors",
    "SentimentFile",
    "Setting",
    "Settings",
    "Source",
    "SourceKind",
    "SourceType",
    "SourcesFile",
    "TopicEntry",
    "TopicsFile",
    "ToxicityFile",
    "build_analyzer",
    "format_duration",
    "load_analyzer",
    "load_config",
    "load_sentiment",
    "load_settings",
    "load_sources",
    "load_topics",
    "load_toxicity",
    "parse_duration",
    "sources_of",
]
