"""The tables of the cases package, and their migrations (``SCHEMA``).

Every module of ``cases`` may run SQL on them (the schema is registered under the package's name);
no other module does: they call ``cases.records``, ``cases.audit`` and ``cases.attachments``.

- ``cases``: one row per case; ``version`` grows with every change (the edit forms' version check);
  the reporter's contact columns are personal data (shown to inspectors and admins only);
- ``case_numbers``: the last number given per year (``45/2026``), taken in the transaction that
  creates the case, so numbers have neither gaps nor duplicates;
- ``case_articles`` (stored articles, with their URL and title as they were when attached, so a case
  outlives the retention of its articles), ``case_links`` (external URLs), ``case_actions``,
  ``case_attachments`` (the file itself lives in ``cases_dir`` under its SHA-256);
- ``case_audit``: every change, append-only, each row hashed with the previous row's hash;
  ``case_audit_head`` holds the last row's number and hash, so removing the newest rows shows too;
- ``case_mail`` (each hotline message taken, by its Message-ID: a message seen twice never makes two
  cases, a reply finds its thread's case) and ``case_mail_state`` (the last UID taken per mailbox);
- ``case_reminders``: the reminders queued (assignment, reporter's message, deadline near, overdue),
  so each goes out once;
- ``case_outlets``: outlets of the press register a case names (by licence number, with the name
  they had when linked); the free-text ``cases.outlets`` stays for pages not in the register.
  ``cases.ref`` names what opened a case when that must open it only once (a register flag);
- ``case_reminder_mail``: reminders to e-mail to the case's assignee, each retried until sent.
"""

from __future__ import annotations

from presswatch.store.schema import Migration, Schema

SCHEMA = Schema("cases", (
    Migration(
        "cases, their numbers, articles, links, actions, attachments and audit trail",
        """
    CREATE TABLE cases (
        id INTEGER PRIMARY KEY,
        year INTEGER NOT NULL,          -- the number is seq/year, e.g. 45/2026
        seq INTEGER NOT NULL,
        title TEXT NOT NULL,
        kind TEXT NOT NULL,             -- an id of config/cases.yaml kinds
        origin TEXT NOT NULL,           -- phone | email | letter | alert | analyst | api
        summary TEXT NOT NULL DEFAULT '',
        reporter_name TEXT,             -- personal data: inspector and admin only, never logged
        reporter_phone TEXT,
        reporter_email TEXT,
        outlets TEXT NOT NULL DEFAULT '',  -- free text (pages not in the register); see case_outlets
        assignee TEXT,                  -- a user name
        deadline TEXT,                  -- a calendar day in Vietnam, YYYY-MM-DD
        state TEXT NOT NULL,            -- new | verifying | concluded | acting | closed | referred
        conclusion TEXT,                -- true | false | partly | unfounded
        reasoning TEXT NOT NULL DEFAULT '',
        alert_id INTEGER,               -- the alert it was opened from, if any
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,       -- UTC
        updated_at TEXT NOT NULL,       -- UTC
        version INTEGER NOT NULL DEFAULT 1,
        UNIQUE (year, seq)
    );
    -- The list's filters and counts (state, kind, assignee, overdue) each read an index that covers them.
    CREATE INDEX cases_state ON cases(state, updated_at);
    CREATE INDEX cases_updated ON cases(updated_at);
    CREATE INDEX cases_assignee ON cases(assignee, kind, state, updated_at);
    CREATE INDEX cases_kind ON cases(kind, state, updated_at);
    CREATE INDEX cases_deadline ON cases(deadline, state);
    CREATE TABLE case_numbers (
        year INTEGER PRIMARY KEY,
        last INTEGER NOT NULL
    );
    CREATE TABLE case_articles (
        case_id INTEGER NOT NULL REFERENCES cases(id),
        article_id INTEGER NOT NULL,    -- no foreign key: the article may be deleted by retention
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        source_id TEXT NOT NULL,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (case_id, article_id)
    ) WITHOUT ROWID;
    CREATE INDEX case_articles_article ON case_articles(article_id);
    CREATE TABLE case_links (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        url TEXT NOT NULL,
        note TEXT NOT NULL DEFAULT '',
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (case_id, url)
    );
    CREATE TABLE case_actions (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL,             -- correction | takedown | fine | police | reply
        on_day TEXT NOT NULL,           -- YYYY-MM-DD, in Vietnam
        decision_number TEXT NOT NULL DEFAULT '',
        legal_basis TEXT NOT NULL DEFAULT '',
        amount INTEGER,                 -- đồng
        note TEXT NOT NULL DEFAULT '',
        recorded_by TEXT NOT NULL,
        recorded_at TEXT NOT NULL
    );
    CREATE INDEX case_actions_case ON case_actions(case_id);
    CREATE TABLE case_attachments (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        sha256 TEXT NOT NULL,           -- the file: cases_dir/<first two>/<sha256>
        name TEXT NOT NULL,
        mime TEXT NOT NULL,             -- decided by the file's content, not its name
        size INTEGER NOT NULL,
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (case_id, sha256)
    );
    CREATE TABLE case_audit (
        id INTEGER PRIMARY KEY,         -- 1, 2, 3…: never deleted, never reused
        case_id INTEGER NOT NULL,
        at TEXT NOT NULL,               -- UTC
        actor TEXT NOT NULL,
        field TEXT NOT NULL,
        before TEXT,
        after TEXT,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL              -- sha256 of the row's content and prev_hash
    );
    CREATE INDEX case_audit_case ON case_audit(case_id, id);
    CREATE TABLE case_audit_head (
        one INTEGER PRIMARY KEY CHECK (one = 1),
        last_id INTEGER NOT NULL,
        last_hash TEXT NOT NULL
    );
    """,
    ),
    Migration(
        "the hotline mailbox: messages taken, and how far each mailbox was read",
        """
    CREATE TABLE case_mail (
        message_key TEXT PRIMARY KEY,   -- the Message-ID (lower case, no <>), or sha256:<hash of the message>
        case_id INTEGER NOT NULL REFERENCES cases(id),
        mailbox TEXT NOT NULL,
        uidvalidity INTEGER NOT NULL,
        uid INTEGER NOT NULL,
        taken_at TEXT NOT NULL          -- UTC
    ) WITHOUT ROWID;
    CREATE INDEX case_mail_case ON case_mail(case_id);
    CREATE TABLE case_mail_state (
        mailbox TEXT PRIMARY KEY,       -- user@host/folder
        uidvalidity INTEGER NOT NULL,
        last_uid INTEGER NOT NULL,      -- every message up to this UID is taken (in the same transaction)
        checked_at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    ),
    Migration(
        "reminders sent, each once",
        """
    CREATE TABLE case_reminders (
        case_id INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL,             -- assigned | reporter_message | deadline_near | overdue
        key TEXT NOT NULL,              -- what it was about: the audit row, the deadline
        sent_at TEXT NOT NULL,          -- UTC: queued to the alert channels
        PRIMARY KEY (case_id, kind, key)
    ) WITHOUT ROWID;
    """,
    ),
    Migration(
        "outlets of the press register named by a case; a case's reference to what opened it",
        """
    ALTER TABLE cases ADD COLUMN ref TEXT;  -- what opened it, once: e.g. register-flag|01/GP|2026-11
    CREATE UNIQUE INDEX cases_ref ON cases(ref) WHERE ref IS NOT NULL;
    CREATE TABLE case_outlets (
        case_id INTEGER NOT NULL REFERENCES cases(id),
        licence_no TEXT NOT NULL,       -- the register's key (no foreign key: the register is another package's)
        name TEXT NOT NULL,             -- the outlet's name when it was linked
        added_by TEXT NOT NULL,
        added_at TEXT NOT NULL,
        PRIMARY KEY (case_id, licence_no)
    ) WITHOUT ROWID;
    CREATE INDEX case_outlets_licence ON case_outlets(licence_no, case_id);
    """,
    ),
    Migration(
        "reminders by e-mail to the case's assignee, retried until sent",
        """
    CREATE TABLE case_reminder_mail (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        kind TEXT NOT NULL,             -- as case_reminders
        key TEXT NOT NULL,
        recipient TEXT NOT NULL,        -- a user name: the address is read from the account when sending
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | failed (given up after MAIL_ATTEMPTS)
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at TEXT NOT NULL,          -- UTC: not tried before
        sent_at TEXT,
        last_error TEXT,                -- without the address
        UNIQUE (case_id, kind, key, recipient)
    );
    CREATE INDEX case_reminder_mail_due ON case_reminder_mail(status, next_at);
    """,
    ),
))
