"""HMAC-SHA256 signatures of webhook deliveries (see ``docs/alerts.md`` for receivers).

The signed message is ``<timestamp>.<body>``: the Unix time of the attempt (header
``X-Presswatch-Timestamp``), a dot, and the exact bytes of the request body. The header
``X-Presswatch-Signature`` carries ``v1=<hex digest>``. Receivers recompute it with the shared
secret, compare in constant time, and refuse timestamps too far from their clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP_HEADER = "X-Presswatch-Timestamp"
SIGNATURE_HEADER = "X-Presswatch-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TOLERANCE = 300  # seconds


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"v1={digest}"


def verify(secret: bytes, timestamp: str, signature: str, body: bytes, *, now: float | None = None,
           tolerance: int = TOLERANCE) -> bool:
    """True if ``signature`` is ours for ``timestamp`` and ``body`` and the timestamp is recent."""
    try:
        moment = int(timestamp)
    except ValueError:
        return False
    if abs((time.time() if now is None else now) - moment) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, moment, body), signature)
