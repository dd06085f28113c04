"""The offline demo that ``presswatch demo`` runs: a local news site built from 200 real articles
(``site``, also served to the tests and benchmarks), crawled with the real pipeline into a demo
database (``run``), with progress while it crawls (``ticker``) and the same site address from run
to run (``database``: what a demo database already holds).
"""

from presswatch.demo.run import DEMO_PORT, demo_sources, open_demo_site, run_demo
from presswatch.demo.ticker import CrawlTicker

__all__ = ["DEMO_PORT", "CrawlTicker", "demo_sources", "open_demo_site", "run_demo"]
