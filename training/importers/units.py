"""Unit matching for imports: map what a list writes in its SATUAN column to a `Unit`.

Unit names are not unique (a Polsek Kapuas under Polres Sanggau; a Polres Kapuas in Kalteng;
more than one "Polsek Kota" in Indonesia), codes are. A cell may hold:
- the unit code: "POLSEK-KAPUAS-SANGGAU" (any case; spaces for dashes also work);
- the name with its parent: "POLSEK KAPUAS POLRES SANGGAU", "Polsek Kapuas, Polres Sanggau",
  "Polres Sanggau / Polda Kalbar" (the parent by name or by code);
- the name alone, when only one active unit carries it.

Pure: `UnitMatcher` holds the units it was given (load them with one query) and does no I/O.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from training.models import Unit


def normalize_unit_text(text: str) -> str:
    """ "Polsek Kapuas, Polres Sanggau" → "POLSEK KAPUAS POLRES SANGGAU"."""
    folded = re.sub(r"[.,;:/\\()\[\]\-–—_]+", " ", str(text or "").upper())
    return re.sub(r"\s+", " ", folded).strip()


@dataclass(frozen=True)
class UnitMatch:
    """`unit` when the text names exactly one unit; otherwise the `candidates` it could mean
    (empty when it names none). `inactive` when the only matches are deactivated units."""

    unit: Unit | None
    candidates: list[Unit] = field(default_factory=list)
    inactive: bool = False


class UnitMatcher:
    def __init__(self, units: Iterable[Unit]) -> None:
        self.units = list(units)
        self.by_id = {unit.pk: unit for unit in self.units}
        self._by_code: dict[str, Unit] = {}
        self._by_name: dict[str, list[Unit]] = {}
        self._by_name_and_parent: dict[str, list[Unit]] = {}
        self._seen: dict[str, UnitMatch] = {}  # a list names the same few units again and again
        for unit in self.units:
            self._by_code[normalize_unit_text(unit.code)] = unit
            name = normalize_unit_text(unit.name)
            self._by_name.setdefault(name, []).append(unit)
            parent = self.by_id.get(unit.parent_id) if unit.parent_id else None
            if parent is not None:
                for parent_key in {parent.name, parent.code}:
                    key = f"{name} {normalize_unit_text(parent_key)}"
                    self._by_name_and_parent.setdefault(key, []).append(unit)

    def parent_of(self, unit: Unit) -> Unit | None:
        return self.by_id.get(unit.parent_id) if unit.parent_id else None

    def describe(self, unit: Unit) -> str:
        """ "Polsek Kapuas (Polres Sanggau; POLSEK-KAPUAS-SANGGAU)": enough to tell twins apart."""
        parent = self.parent_of(unit)
        where = f"{parent.name}; {unit.code}" if parent else unit.code
        return f"{unit.name} ({where})"

    def match(self, text: str) -> UnitMatch:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = self._match(text)
        return found

    def _match(self, text: str) -> UnitMatch:
        key = normalize_unit_text(text)
        if not key:
            return UnitMatch(unit=None)
        unit = self._by_code.get(key)
        if unit is not None:
            return self._settle([unit])
        for table in (self._by_name_and_parent, self._by_name):
            found = table.get(key)
            if found:
                return self._settle(found)
        return UnitMatch(unit=None)

    @staticmethod
    def _settle(found: list[Unit]) -> UnitMatch:
        unique = list({unit.pk: unit for unit in found}.values())
        active = [unit for unit in unique if unit.is_active]
        if len(active) == 1:
            return UnitMatch(unit=active[0])
        if not active:
            return UnitMatch(unit=None, candidates=unique, inactive=True)
        return UnitMatch(unit=None, candidates=active)
