"""The places of a province found in an article, normalised to the 2025 units and their legacy units."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from analysis.gazetteer import Gazetteer, Match


@dataclass(frozen=True)
class Place:
    name: str  # as the gazetteer spells it
    level: str  # province | district | commune
    current: list[str]  # 2025 unit(s): the unit itself, or where a legacy unit went
    legacy: list[str]  # legacy unit(s) of that name (before 1 July 2025)
    mentions: int
    province: str = ""  # the 2025 province it belongs to

    def to_json(self) -> dict[str, object]:
        return asdict(self)


def places(matches: list[Match], gazetteer: Gazetteer) -> list[Place]:
    counts: dict[str, int] = {}
    for match in matches:
        # the province's other names ("SLNA", "xứ Nghệ") name the province itself, not a place of theirs
        name = gazetteer.province.name if match.unit.kind else match.unit.name
        counts[name] = counts.get(name, 0) + 1
    found = []
    provinces = {p.name: p for p in (gazetteer.province, *gazetteer.aliases)}
    for name, count in counts.items():
        unit = provinces.get(name) or gazetteer.units[name]
        current = list(unit.current) or [f"Xã/phường {target}" for target in unit.maps_to]
        found.append(Place(name, unit.level, current, list(unit.legacy), count, gazetteer.province.name))
    found.sort(key=lambda p: (-p.mentions, p.name))
    return found
