"""The HTML pages, one module per page family.

``search`` (results and exports), ``article`` (one article and its annotation actions), ``saved``
(saved searches), ``dashboard``, ``admin`` (sources and users) and ``help`` (query language and API
docs). Each handler is wrapped by ``auth.guard``."""
