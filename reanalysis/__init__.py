"""Re-analysis of the archive: ``presswatch reanalyze`` applies the current analysis (topics.yaml,
the gazetteer, the sentiment terms, the model) to stored articles, resumably, on every core, with the
search index kept in step and no alert re-sent.

- ``run``: the run itself (``reanalyze``, ``resume``, ``Selection``, ``fingerprint``);
- ``worker``: what each process of the pool does (one analyzer, one article at a time);
- ``fields``: the fields ``--what`` names and the merge of a new analysis into the stored one;
- ``tables``: the run checkpoints (``reanalysis_runs``) and the text cache (``text_cache``), owned
  here (``SCHEMA``).

Segmentation and NER, most of an analysis's cost, depend only on the text: they are stored per
article (``analysis.text_cache``) the first time and read back by every later re-analysis.
"""

from reanalysis.tables import SCHEMA

__all__ = ["SCHEMA"]
