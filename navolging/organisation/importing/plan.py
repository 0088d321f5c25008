"""Compares a parsed HR file with what the database holds and says what would change.

Pure: the current state comes in as plain dataclasses (services.py loads it in a few queries),
so the preview and the apply step use the very same comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .fields import ORGANISATION
from .messages import Problem, gettext_noop
from .validate import ParsedFile, PersonRecord, UnitRecord

PERSON_FIELDS = ("first_name", "prefix", "last_name", "email", "job_title", "language")


@dataclass(frozen=True)
class PersonState:
    pk: int
    employee_number: str
    first_name: str
    prefix: str
    last_name: str
    email: str
    job_title: str
    language: str
    unit_code: str
    active: bool
    user_id: int | None = None
    user_email: str | None = None
    user_active: bool | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.prefix, self.last_name) if p)


@dataclass(frozen=True)
class UnitState:
    pk: int
    code: str
    name: str
    kind: str
    parent_code: str | None
    head_number: str | None
    active: bool


@dataclass
class CurrentState:
    people: dict[str, PersonState] = field(default_factory=dict)
    units: dict[str, UnitState] = field(default_factory=dict)
    # lower-cased e-mail of every login -> employee number of its person, "" when it has none
    user_emails: dict[str, str] = field(default_factory=dict)
    user_pks: dict[str, int] = field(default_factory=dict)  # lower-cased e-mail -> login pk


@dataclass
class Change:
    key: str  # employee number or unit code
    label: str  # a name to show
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Plan:
    parsed: ParsedFile | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    units_new: list[Change] = field(default_factory=list)
    units_changed: list[Change] = field(default_factory=list)
    units_gone: list[Change] = field(default_factory=list)
    people_new: list[Change] = field(default_factory=list)
    people_changed: list[Change] = field(default_factory=list)
    people_gone: list[Change] = field(default_factory=list)
    # new people whose e-mail already has a login without a person: that login becomes theirs
    link_users: dict[str, str] = field(default_factory=dict)  # employee number -> e-mail
    # The existing organisation unit the file's top-level units are placed under, when the
    # file has no organisation level of its own (see make_plan).
    root_code: str | None = None

    def counts(self) -> dict[str, int]:
        return {
            "units_new": len(self.units_new),
            "units_changed": len(self.units_changed),
            "units_gone": len(self.units_gone),
            "people_new": len(self.people_new),
            "people_changed": len(self.people_changed),
            "people_gone": len(self.people_gone),
        }

    @property
    def has_changes(self) -> bool:
        return any(self.counts().values())


def make_plan(parsed: ParsedFile, state: CurrentState, *, root_code: str | None = None) -> Plan:
    """`root_code`: the organisation's root unit in the database, if there is exactly one.
    A file in the level shape without an organisation level then hangs its top-level units
    under it, and the root stays as it is instead of leaving with everything not in the file."""
    plan = Plan(parsed=parsed, warnings=list(parsed.warnings))
    if root_code is not None and _lacks_organisation_level(parsed, root_code):
        plan.root_code = root_code
    _plan_units(plan, parsed, state)
    _plan_people(plan, parsed, state)
    return plan


def _lacks_organisation_level(parsed: ParsedFile, root_code: str) -> bool:
    # Only the level shape: a file with unit codes names its parents (the root too) itself.
    return (
        parsed.shape.tree == "levels"
        and root_code not in parsed.units
        and not any(u.kind == ORGANISATION for u in parsed.units.values())
    )


def _plan_units(plan: Plan, parsed: ParsedFile, state: CurrentState) -> None:
    def parent(unit: UnitRecord) -> str | None:
        return unit.parent_code if unit.parent_code is not None else plan.root_code

    for code, unit in parsed.units.items():
        current = state.units.get(code)
        if current is None:
            # Only units the file describes are new; a referenced parent is known to exist.
            plan.units_new.append(
                Change(
                    code,
                    unit.name or code,
                    {
                        "name": (None, unit.name or code),
                        "kind": (None, unit.kind or guess_kind(unit.name or code)),
                        "parent": (None, parent(unit)),
                        "head": (None, unit.head_number),
                    },
                )
            )
            continue
        changes: dict[str, tuple[Any, Any]] = {}
        if not unit.referenced_only:
            if unit.name is not None and unit.name != current.name:
                changes["name"] = (current.name, unit.name)
            if unit.kind is not None and unit.kind != current.kind:
                changes["kind"] = (current.kind, unit.kind)
            if unit.parent_known and parent(unit) != current.parent_code:
                changes["parent"] = (current.parent_code, parent(unit))
            if unit.head_known and unit.head_number != current.head_number:
                changes["head"] = (current.head_number, unit.head_number)
        if not current.active:
            changes["active"] = (False, True)
        if changes:
            plan.units_changed.append(Change(code, unit.name or current.name, changes))
    for code, current in state.units.items():
        if current.active and code not in parsed.units and code != plan.root_code:
            plan.units_gone.append(Change(code, current.name, {"active": (True, False)}))


def guess_kind(name: str) -> str:
    """For a new unit from a file without a kind column: its name usually says it."""
    first = name.strip().split(" ")[0].lower()
    return {
        "directie": "directorate",
        "sector": "directorate",
        "afdeling": "department",
        "team": "team",
    }.get(first, "other")


def _plan_people(plan: Plan, parsed: ParsedFile, state: CurrentState) -> None:
    for number, person in parsed.people.items():
        current = state.people.get(number)
        if not _email_free(plan, person, current, state):
            continue
        if current is None:
            plan.people_new.append(Change(number, person.full_name, _new_values(person)))
            continue
        changes = _person_changes(person, current)
        if not changes:
            continue
        change = Change(number, person.full_name, changes)
        if changes.get("active") == (True, False):
            plan.people_gone.append(change)  # left according to the file's end date
        else:
            plan.people_changed.append(change)
    for number, current in state.people.items():
        if number not in parsed.people and (current.active or current.user_active):
            plan.people_gone.append(Change(number, current.full_name, _gone(current)))


def _email_free(
    plan: Plan, person: PersonRecord, current: PersonState | None, state: CurrentState
) -> bool:
    """A login's e-mail is unique: the file may not give someone the address of another login."""
    owner = state.user_emails.get(person.email)
    if owner is None or owner == person.employee_number:
        return True
    if owner == "" and (current is None or current.user_id is None):
        plan.link_users[person.employee_number] = person.email
        return True
    other = state.people.get(owner)
    plan.errors.append(
        Problem(
            gettext_noop("The e-mail address %(email)s already belongs to the login of %(other)s."),
            {"email": person.email, "other": other.full_name if other else person.email},
            person.row,
            plan.parsed.headers.get("email", "email") if plan.parsed else "email",
        )
    )
    return False


def _new_values(person: PersonRecord) -> dict[str, tuple[Any, Any]]:
    values = {
        "employee_number": person.employee_number,
        "first_name": person.first_name,
        "prefix": person.prefix or "",
        "last_name": person.last_name,
        "email": person.email,
        "job_title": person.job_title or "",
        "language": person.language or "nl",
        "unit": person.unit_code,
        "active": person.active,
    }
    return {k: (None, v) for k, v in values.items()}


def _person_changes(person: PersonRecord, current: PersonState) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    for name in PERSON_FIELDS:
        new = getattr(person, name)
        if new is not None and new != getattr(current, name):
            changes[name] = (getattr(current, name), new)
    if person.unit_code != current.unit_code:
        changes["unit"] = (current.unit_code, person.unit_code)
    if person.active != current.active:
        changes["active"] = (current.active, person.active)
    # The login follows the person: its e-mail, and access only while employed.
    if current.user_id is None:
        changes["login"] = (None, person.email)
    else:
        if current.user_email != person.email:
            changes["login_email"] = (current.user_email, person.email)
        if current.user_active != person.active:
            changes["login_active"] = (current.user_active, person.active)
    return changes


def _gone(current: PersonState) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    if current.active:
        changes["active"] = (True, False)
    if current.user_active:
        changes["login_active"] = (True, False)
    return changes
