"""presswatch: media monitoring for Vietnamese provincial press offices.

This package holds the kernel and the shell. The kernel (``errors``, ``models``, ``query``,
``labels``, ``times``, ``reasons``, ``netpolicy`` and the packages ``config``, ``store``, ``search``)
imports only ``analysis``; the capabilities (``alerts`` …) and ``crawler`` build on it; the shell
(``cli``, ``service``, ``web``, ``demo``) may import everything. The README's module map shows the
layers; ``tests/test_layers.py`` and ``lint-imports`` check them. This module itself imports nothing.
"""

__version__ = "0.1.0"
