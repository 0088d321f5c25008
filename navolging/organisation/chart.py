"""The organisation chart in memory: one query for every unit, then walks up the tree without
touching the database. For workflows that need the chain above many people at once (forming
intervision groups, pairing buddies); `Person.manager()` stays the rule for one person, and
`Chart.manager_of` reads the same rule from the dict."""

from __future__ import annotations

from .models import Unit


class Chart:
    def __init__(self) -> None:
        self.every_unit: dict[int, dict] = {
            u["pk"]: u
            for u in Unit.objects.values(
                "pk", "parent_id", "kind", "code", "head_id", "active", "head__employee_number"
            )
        }
        self.units = {pk: u for pk, u in self.every_unit.items() if u["active"]}

    def above(self, pk: int | None, kind: str) -> str | None:
        """The code of the first active unit of `kind` at or above unit `pk`."""
        seen = set()
        while pk is not None and pk in self.units and pk not in seen:
            seen.add(pk)
            if self.units[pk]["kind"] == kind:
                return self.units[pk]["code"]
            pk = self.units[pk]["parent_id"]
        return None

    def chain(self, pk: int | None) -> list[int]:
        """Unit `pk` and every active unit above it, nearest first."""
        found, seen = [], set()
        while pk is not None and pk in self.units and pk not in seen:
            seen.add(pk)
            found.append(pk)
            pk = self.units[pk]["parent_id"]
        return found

    def manager_of(self, person_pk: int, unit_pk: int | None) -> str | None:
        """Person.manager()'s employee number, read from the dict."""
        unit = self._managing_unit(person_pk, unit_pk)
        return unit["head__employee_number"] if unit else None

    def manager_pk_of(self, person_pk: int, unit_pk: int | None) -> int | None:
        """Person.manager()'s primary key, read from the dict."""
        unit = self._managing_unit(person_pk, unit_pk)
        return unit["head_id"] if unit else None

    def _managing_unit(self, person_pk: int, unit_pk: int | None) -> dict | None:
        # Person.manager(): the head of one's own unit, or of the first unit above it headed
        # by someone else (inactive units and heads included, as there).
        pk, seen = unit_pk, set()
        while pk is not None and pk in self.every_unit and pk not in seen:
            seen.add(pk)
            unit = self.every_unit[pk]
            if unit["head_id"] and unit["head_id"] != person_pk:
                return unit
            pk = unit["parent_id"]
        return None
