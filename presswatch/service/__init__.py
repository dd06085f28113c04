"""``presswatch run``, the long-running service: the scheduler and its lifecycle (``scheduler``),
the jobs it runs (``jobs``) and what they share with it (``runtime``), its job store in the database
and that store's migrations (``jobstore``), the lock that proves which process is the service
(``instance``), Prometheus ``/metrics`` (``metrics``), listening sockets (``listen``), log lines
(``logs``) and the nightly housekeeping (``housekeeping``).

Nothing is re-exported here: importing a light module (``presswatch status`` reads ``jobstore`` and
``instance``) must not import APScheduler.
"""
