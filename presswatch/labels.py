"""Vietnamese names of the analysis grades, shown to operators and analysts (CLI, web UI, alerts,
digest). One place, so an alert and the page it links to say the same thing."""

from __future__ import annotations

RELEVANCE_LABELS = {"about": "về Lai Châu", "mention": "có nhắc Lai Châu", "none": "không liên quan"}
SENTIMENT_LABELS = {"negative": "tiêu cực", "neutral": "trung tính", "positive": "tích cực"}
TOXICITY_LABELS = {"clean": "bình thường", "offensive": "xúc phạm", "hate": "thù ghét"}


def capitalized(label: str) -> str:
    """"về Lai Châu" → "Về Lai Châu" (headings, table cells)."""
    return label[:1].upper() + label[1:]
