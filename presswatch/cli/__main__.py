"""``python -m presswatch.cli``: the ``presswatch`` command."""

import sys

from presswatch.cli import main

sys.exit(main())
