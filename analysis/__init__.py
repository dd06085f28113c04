"""Vietnamese text analysis: pure functions, no framework imports.

Modules are named by role: ``normalize`` (NFC, tone-mark placement, invisible characters, folding),
``segment`` and ``sentences``, ``gazetteer`` and ``relevance`` (Lai Châu and its units), ``lexicon``,
``topics``, ``sentiment`` and ``sentiment_model``, ``teencode``, ``toxicity``, ``places``,
``entities``, ``fingerprint`` (near-duplicate sketches), ``pipeline`` (``Analyzer``: all of it for
one text) and ``evaluate`` (scores against labelled sets).
"""

from analysis.normalize import fold, normalize

__all__ = ["fold", "normalize"]
