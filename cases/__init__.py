"""Cases ("hồ sơ vụ việc"): reports about the press received, verified, decided and acted on.

Pure logic over the kernel, no web framework or scheduler (the shell calls it: ``presswatch cases``,
the ``/cases`` pages and ``/api/cases``):

- ``tables``: the tables this package owns and their migrations (``SCHEMA``, registered in
  ``presswatch.store.schema.SCHEMAS`` as ``cases:SCHEMA``);
- ``model``: the case, its actions, attachments and audit rows; states, origins, conclusions and
  action kinds with their Vietnamese labels;
- ``settings``: ``config/cases.yaml`` (kinds of case, legal bases), validated with file/line/key errors;
- ``workflow``: who may do what (roles) and which state moves exist;
- ``audit``: the append-only, hash-chained audit trail and its verification;
- ``records``: opening, changing, moving and reading cases (number per year, version check);
- ``outlets``: outlets of the press register a case names (by licence number);
- ``attachments``: files checked by content and kept under their SHA-256 outside the database;
- ``intake``: the hotline mailbox over IMAP/TLS: each new message a case, a reply joins its case;
- ``reminders``: assignment, reporter's message, deadline near and overdue, each once;
- ``dossier``: the "Hồ sơ vụ việc" DOCX from the editable template in ``config/``, and PDF.
"""

from cases.tables import SCHEMA

__all__ = ["SCHEMA"]
