"""Evidence that holds up: captures of pages and posts, and what happened to them afterwards.

A capture keeps, in a content-addressed folder (``files``), the WARC of the page's HTTP exchanges
(``warc``, through the address policy of ``fetch``), a full-page PNG screenshot and a PDF rendered by
headless Chromium, the extracted text and a JSON manifest, each with its SHA-256, indexed in the
package's tables (``tables``). The browser driver lives in the shell
(``presswatch.service.capture``): this package is pure logic over the kernel, with no framework.

- ``queue``: ``request_capture(conn, url, *, reason, article_id=None, case_id=None)``, the stable
  API every caller uses (analyst, CLI, alert rules, cases), and the queue the service works through;
- ``records``: recording a capture, reading captures back, ``verify_all``, ``protected_paths``,
  disk use (``bytes_used``) for the quota and ``presswatch status``;
- ``changes``: what a re-check found (unchanged, edited, corrected, removed) with the text diff;
- ``rechecks``: the planned re-checks, their events and ``events_since(conn, after_id)``;
- ``fetch``: HTTP through the address policy, within limits; ``warc``: the WARC writer.
"""

from evidence.queue import request_capture
from evidence.rechecks import events_since
from evidence.records import protected_paths
from evidence.tables import SCHEMA

__all__ = ["SCHEMA", "events_since", "protected_paths", "request_capture"]
