"""Vietnamese text analysis: pure functions, no framework imports.

Modules are named by role: ``normalize`` (NFC, tone-mark placement, invisible characters, folding).
Relevance, topics, sentiment, entities and near-duplicate fingerprints join them in later issues.
"""

from analysis.normalize import fold, normalize

__all__ = ["fold", "normalize"]
