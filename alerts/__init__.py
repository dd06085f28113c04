"""Alerts, a capability over the kernel: rule evaluation (``rules``, ``matcher``), the hook that
raises alerts in an article's store transaction (``ingest``), the outbox and its delivery worker
(``outbox``, ``worker``, ``channels``, ``payload``, ``signature``), source-health incidents
(``source_health``) and the daily digest (``digest/``). Pure logic: no Scrapy, APScheduler or
Starlette; the service and the CLI schedule and start it."""
