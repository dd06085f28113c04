"""Per-site extraction rules, only where generic extraction fails.

A rule removes page parts the generic extractor keeps (related-article boxes, captions, bylines)
before extraction. When a site changes its layout, add a new rule version with ``valid_from`` and
give the old one ``valid_until`` rather than editing it; golden tests pin each version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SiteRule:
    name: str
    hosts: tuple[str, ...]
    prune_xpath: tuple[str, ...] = field(default_factory=tuple)
    favor_precision: bool = False

    def prune(self, tree: Any) -> None:
        for expression in self.prune_xpath:
            for node in tree.xpath(expression):
                parent = node.getparent()
                if parent is not None:
                    node.drop_tree()


RULES: tuple[SiteRule, ...] = ()


def rule_for(url: str) -> SiteRule | None:
    host = (urlsplit(url).hostname or "").lower()
    for rule in RULES:
        if any(host == h or host.endswith("." + h) for h in rule.hosts):
            return rule
    return None
