"""Learning from the office: ``presswatch train`` retrains a model on the shipped training data plus
the analysts' corrections (``presswatch.store.corrections``), scores the new model and the current
one by cross-validation on the same folds of the same data, and keeps the new one only when it
scores at least as well (``presswatch.config.model_versions`` records every version).

- ``sentiment``: the sentiment model (``analysis.sentiment_training``), gated by macro-F1;
- ``topics``: the topic model (``analysis.topic_training``), gated by micro-F1 against the lexicon
  (``config/topics.yaml``) until a model is kept, then against the model in use.

Pure logic over the kernel: no framework; the CLI (``presswatch.cli.train``) calls it. Owns no table.
"""
