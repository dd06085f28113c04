"""What the running service shares with its scheduled jobs: the configuration they run with and
whether the service is stopping. The service's only module-level state, and why it has to be.

APScheduler keeps each job in the database as a ``"module:function"`` reference with plain
arguments (the configuration directory, the database path, a source id), so that a restart finds
the schedule where it was (``presswatch.service.jobstore``). A job therefore cannot be handed the
service's objects: when it is due, APScheduler imports ``presswatch.service.jobs`` and calls the
function with those strings. What a job needs from the service that runs it, it finds here:

- the configuration last loaded without error, by configuration directory: a reload (SIGHUP)
  replaces it, and the files on disk may meanwhile hold a broken one that must not be used;
- whether the service is stopping (SIGTERM): a crawl queued before it is not started, and one
  it interrupted is not counted as a failure.

Both live in ``RUNTIME``, the one ``JobRuntime`` of the process. ``Monitor``
(``presswatch.service.scheduler``) sets them at start, reload and stop; the jobs only read them.
A job called outside a service (a test, a one-off run) finds no configuration for its directory
and loads it from the files. Nothing else (no counter: the jobs return what they did) is kept here.
"""

from __future__ import annotations

import threading
from pathlib import Path

from presswatch.config import Config, load_config


class JobRuntime:
    """The configurations the jobs run with (by directory) and the service's stop flag, thread-safe:
    jobs run in the scheduler's threads while the main thread reloads."""

    def __init__(self) -> None:
        self._configs: dict[str, Config] = {}
        self._lock = threading.Lock()
        self.stopping = threading.Event()  # set by the service on SIGTERM: an interrupted crawl is not a failure

    def use_config(self, config: Config) -> None:
        """Make ``config`` the one the jobs of its directory run with (the service calls it on start
        and reload)."""
        with self._lock:
            self._configs[str(config.directory)] = config

    def config(self, config_dir: str) -> Config:
        """The configuration a job of ``config_dir`` runs with (loaded from the files if none was set)."""
        with self._lock:
            config = self._configs.get(config_dir)
        if config is None:
            config = load_config(Path(config_dir))
            self.use_config(config)
        return config


RUNTIME = JobRuntime()  # the process's one instance: the jobs are found by name, so is this
