"""The fields of an article's analysis that re-analysis can renew (``--what``), which keys of the
stored analysis (``Analysis.to_json``) each one is, and the merge of a new analysis into the stored
one for the chosen fields only.

A field counts as changed when any of its keys differs, evidence included (a new topic term that
does not change the topics still changes what the article page shows as the reason).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from presswatch.errors import ReanalysisError

# field → (top-level keys, keys under "evidence")
FIELDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "relevance": (("relevance", "relevance_score", "unaccented"), ("relevance",)),
    "topics": (("topics",), ("topics",)),
    "sentiment": (("sentiment", "sentiment_score"), ("sentiment",)),
    "places": (("places",), ()),
    "entities": (("entities",), ()),
    "toxicity": (("toxicity",), ()),
}
ALL = tuple(FIELDS)


def parse_fields(text: str | None) -> tuple[str, ...]:
    """``relevance,topics`` → the fields in their canonical order; ``all`` or None: every field."""
    if text is None or text.strip() in ("", "all"):
        return ALL
    asked = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [part for part in asked if part not in FIELDS]
    if unknown:
        raise ReanalysisError(f"--what: không có trường {', '.join(unknown)} "
                              f"(chọn trong: {', '.join(ALL)} hoặc all)")
    return tuple(name for name in ALL if name in asked)


def merge(stored: dict[str, Any], new: dict[str, Any],
          fields: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """The stored analysis with ``fields`` taken from ``new``, and the fields that changed."""
    merged = dict(stored)
    evidence = dict(stored.get("evidence") or {})
    changed: list[str] = []
    new_evidence = new.get("evidence") or {}
    for name in fields:
        keys, evidence_keys = FIELDS[name]
        differs = any(stored.get(key) != new.get(key) for key in keys) or any(
            evidence.get(key) != new_evidence.get(key) for key in evidence_keys)
        if differs:
            changed.append(name)
            merged.update({key: new.get(key) for key in keys})
            evidence.update({key: new_evidence.get(key) for key in evidence_keys})
    merged["evidence"] = evidence
    return merged, changed
