"""The press register (issue 20): outlets, licences, resident reporters, spokespeople, and the
compliance checks on what outlets publish.

The modules, each importing only those above it:
- ``model``: the register's records (``Outlet``, ``Reporter``, ``Spokesperson``), their Vietnamese
  labels and the checks every record passes, however it arrives;
- ``settings``: ``config/register.yaml`` (indicator thresholds), validated with file/line/key errors;
- ``answer``: who should answer for an article (the spokespeople of its place or topic), the one
  choice of the article and case pages and of the alerts (wired in by the shell);
- ``tables``: the tables it owns (``SCHEMA``) and every read and audited write on them;
- ``xlsx``: import (all or nothing, errors by sheet/row/column) and export of the register as XLSX,
  and the spokespeople list as HTML ready to publish;
- ``detect``: the genre and attribution detectors (pure functions on an item's title and text);
- ``indicators``: the monthly / on-demand compliance indicators of each outlet, with the articles
  behind each.

Pure logic over the kernel: the CLI (``presswatch.cli.register``) and the shell call it.
"""
