"""Early warning: stories, posts, places and topics rising against their own past (issue 22).

- ``tables``: the signal tables this package owns (``SCHEMA``, registered in the store's registry);
- ``signals``: incremental update of the signals from the articles stored since the last update and
  the engagement the last crawl refreshed;
- ``prematch``: the query burst rules matched in each article's transaction on the tokens its alert
  rules were evaluated on (``alerts.ingest.AlertEvaluator``'s ``on_doc``), so no update re-tokenises;
- ``baseline``: the burst method (seasonal Poisson baseline, weekday factor, z-score), pure;
- ``detect``: the ``kind: trend`` rules of ``alerts.yaml`` evaluated on what an update touched;
- ``notify``: rising items recorded once and queued to the alert channels (``alerts.outbox``);
- ``update``: one update, in one transaction (what the crawl runner and the CLI call);
- ``reads``: what the CLI lists as rising, with hourly series.

Pure logic: no Scrapy, APScheduler or web imports; the shell calls ``update`` and ``reads``.
"""

from trends.tables import SCHEMA

__all__ = ["SCHEMA"]
