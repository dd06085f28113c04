"""presswatch: media monitoring for Vietnamese provincial press offices.

The kernel (config models, article model, store and search) imports ``analysis`` only; the shell
(CLI, crawl runner, demo) may import everything.
"""

__version__ = "0.1.0"
