"""The preview of an HR import in words a person reads: labels instead of stored values,
names instead of codes. One place, used by the web page and by `manage.py import_hr`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from navolging.accounts.models import Language
from navolging.organisation.models import UnitKind

from .plan import Change, CurrentState, Plan
from .services import render

CHANGE_LABELS = {
    "employee_number": gettext_lazy("employee number"),
    "first_name": gettext_lazy("first name"),
    "prefix": gettext_lazy("prefix"),
    "last_name": gettext_lazy("last name"),
    "email": gettext_lazy("e-mail address"),
    "job_title": gettext_lazy("job title"),
    "language": gettext_lazy("language"),
    "unit": gettext_lazy("unit"),
    "active": gettext_lazy("active"),
    "login": gettext_lazy("login"),
    "login_email": gettext_lazy("login e-mail address"),
    "login_active": gettext_lazy("login active"),
    "name": gettext_lazy("name"),
    "kind": gettext_lazy("kind"),
    "parent": gettext_lazy("parent unit"),
    "head": gettext_lazy("head"),
}


def plan_display(plan: Plan, state: CurrentState, sample_size: int = 20) -> dict:
    """What an import will do, in words: for the preview page and for manage.py import_hr."""
    shown = _value_display(plan, state)

    def sample(changes: list[Change], new: bool = False) -> list[dict]:
        # A new item lists only what it will have; a changed one shows old -> new.
        return [
            {
                "key": c.key,
                "label": c.label,
                "new": new,
                "changes": [
                    (CHANGE_LABELS.get(k, k), shown(k, old, False), shown(k, nw, True))
                    for k, (old, nw) in c.changes.items()
                    if not (new and (nw in ("", None) or k in ("employee_number", "active")))
                ],
            }
            for c in changes[:sample_size]
        ]

    shape = [_(line) for line in plan.parsed.shape.describe()] if plan.parsed else []
    if plan.root_code is not None:
        root = state.units[plan.root_code].name
        shape.append(_("Top-level units are placed under %(root)s.") % {"root": root})
    return {
        "errors": [render(p) for p in plan.errors],
        "warnings": [render(p) for p in plan.warnings],
        "counts": plan.counts(),
        "has_changes": plan.has_changes,
        "shape": shape,
        "sections": [
            (_("New people"), len(plan.people_new), sample(plan.people_new, new=True)),
            (_("Changed people"), len(plan.people_changed), sample(plan.people_changed)),
            (
                _("People who left (become inactive)"),
                len(plan.people_gone),
                sample(plan.people_gone),
            ),
            (_("New units"), len(plan.units_new), sample(plan.units_new, new=True)),
            (_("Changed units"), len(plan.units_changed), sample(plan.units_changed)),
            (
                _("Units no longer in the file (become inactive)"),
                len(plan.units_gone),
                sample(plan.units_gone),
            ),
        ],
    }


def _value_display(plan: Plan, state: CurrentState) -> Callable[[str, object, bool], object]:
    """How a stored value reads in the preview: choices by their label, units and people by
    name. Names come from the file and from the state already loaded, so no queries."""
    units = plan.parsed.units if plan.parsed else {}
    people = plan.parsed.people if plan.parsed else {}
    # An old value is named as the database has it, a new one as the file has it.
    unit_names = (
        {code: unit.name for code, unit in state.units.items()},
        {code: unit.name for code, unit in units.items() if unit.name},
    )
    codes_by_name: dict[str, set[str]] = defaultdict(set)
    for names in unit_names:
        for code, name in names.items():
            codes_by_name[name].add(code)
    person_names = (
        {number: p.full_name for number, p in state.people.items()},
        {number: p.full_name for number, p in people.items()},
    )
    labels = {"kind": dict(UnitKind.choices), "language": dict(Language.choices)}

    def named(names: tuple[dict[str, str], dict[str, str]], key: str, new: bool) -> str | None:
        first, second = (names[1], names[0]) if new else names
        return first.get(key) or second.get(key)

    def shown(field: str, value: object, new: bool) -> object:
        if value in ("", None):
            return None
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if field in labels:
            return labels[field].get(value, value)
        if field in ("unit", "parent"):
            name = named(unit_names, str(value), new) or value
            # The code only where the name alone does not say which unit.
            return f"{name} ({value})" if len(codes_by_name[name]) > 1 else name
        if field == "head":
            name = named(person_names, str(value), new)
            return f"{name} ({value})" if name else value
        return value

    return shown
