"""Where the press register meets alerts (the shell's join: ``alerts`` sits below ``register`` and
cannot import it). ``spokespeople_of`` is the resolver handed to every ``DeliveryWorker`` the shell
starts (the service's worker thread, ``presswatch alerts deliver``, ``presswatch run --once``): an
alert names the spokespeople who should answer for its article's place or topic, chosen by
``register.answer.answering`` like the article and case pages."""

from __future__ import annotations

import sqlite3

from alerts.payload import SpokespersonInfo
from presswatch.models import StoredArticle
from register.answer import answering


def spokespeople_of(db: sqlite3.Connection, article: StoredArticle) -> list[SpokespersonInfo]:
    """The spokespeople valid today (in Vietnam) who answer for ``article``; empty when the register
    names nobody."""
    return [SpokespersonInfo(p.name, p.title, p.unit, p.phone, p.email) for p in answering(db, [article.analysis])]
