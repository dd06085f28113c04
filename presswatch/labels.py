"""Vietnamese names of the analysis grades, shown to operators and analysts (CLI, web UI, alerts,
digest). One place, so an alert and the page it links to say the same thing.

The relevance grades name the provinces followed (setting ``province``): ``relevance_labels``
gives them for a deployment's provinces; ``RELEVANCE_LABELS`` are those of the default setting."""

from __future__ import annotations

from collections.abc import Sequence

from presswatch.provinces import DEFAULT_PROVINCE

SENTIMENT_LABELS = {"negative": "tiêu cực", "neutral": "trung tính", "positive": "tích cực"}
TOXICITY_LABELS = {"clean": "bình thường", "offensive": "xúc phạm", "hate": "thù ghét"}


def relevance_labels(provinces: Sequence[str] = (DEFAULT_PROVINCE,)) -> dict[str, str]:
    """``{"about": "về Lai Châu", "mention": "có nhắc Lai Châu", "none": "không liên quan"}`` for
    ``provinces`` (several: "về Lai Châu, Điện Biên")."""
    names = ", ".join(provinces) or DEFAULT_PROVINCE
    return {"about": f"về {names}", "mention": f"có nhắc {names}", "none": "không liên quan"}


RELEVANCE_LABELS = relevance_labels()


def capitalized(label: str) -> str:
    """"về Lai Châu" → "Về Lai Châu" (headings, table cells)."""
    return label[:1].upper() + label[1:]
