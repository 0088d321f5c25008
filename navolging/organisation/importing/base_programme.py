"""Base programme status from a file: unit code, scope (team or mt), completed on, trainers.

Pure, like the HR validator: every row is checked against the units and trainers it is given,
and the caller writes only when no row has a problem.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .fields import DEPARTMENT, DIRECTORATE, TEAM, normalise
from .messages import Problem, gettext_noop
from .reader import Table
from .validate import parse_date

COLUMNS = {
    "unit_code": ("Eenheidscode", "Code eenheid", "Eenheid", "Unit code", "Unit"),
    "scope": ("Voor", "Scope", "Soort", "Doelgroep", "For"),
    "completed_on": ("Afgerond op", "Datum afgerond", "Afgerond", "Completed on", "Completed"),
    "trainers": ("Trainers", "Trainer", "Betrokken trainers", "Trainers involved"),
}
REQUIRED = ("unit_code", "scope")
LABELS = {
    "unit_code": gettext_noop("Unit code"),
    "scope": gettext_noop("Scope"),
    "completed_on": gettext_noop("Completed on"),
    "trainers": gettext_noop("Trainers"),
}
SCOPES = {"team": "team", "mt": "mt", "managementteam": "mt"}
SCOPE_KINDS = {"team": (TEAM,), "mt": (DEPARTMENT, DIRECTORATE)}


@dataclass
class ProgrammeRow:
    row: int
    unit_code: str
    scope: str
    completed_on: dt.date | None
    trainers: list[str] = field(default_factory=list)  # lower-cased e-mail addresses


def validate_programmes(
    table: Table, *, unit_kinds: Mapping[str, str], trainers: frozenset[str]
) -> tuple[list[Problem], list[ProgrammeRow]]:
    """unit_kinds: unit code -> kind of every active unit; trainers: e-mails of trainer logins."""
    aliases = {normalise(a): name for name, names in COLUMNS.items() for a in names}
    columns: dict[str, tuple[int, str]] = {}
    for index, header in enumerate(table.headers):
        name = aliases.get(normalise(header))
        if name and name not in columns:
            columns[name] = (index, header)
    problems = [
        Problem(gettext_noop("The file has no column for “%(field)s”."), {"field": LABELS[name]})
        for name in REQUIRED
        if name not in columns
    ]
    if problems:
        return problems, []
    rows: list[ProgrammeRow] = []
    seen: dict[tuple[str, str], int] = {}

    def cell(cells: list[str], name: str) -> str:
        return cells[columns[name][0]].strip() if name in columns else ""

    def error(row: int, name: str, message: str, **params) -> None:
        problems.append(Problem(message, params, row, columns.get(name, ("", name))[1]))

    for number, cells in zip(table.numbers, table.rows, strict=True):
        before = len(problems)
        code = cell(cells, "unit_code")
        scope_text = cell(cells, "scope")
        scope = SCOPES.get(normalise(scope_text))
        if not code:
            error(number, "unit_code", gettext_noop("This field is required."))
        elif code not in unit_kinds:
            error(number, "unit_code", gettext_noop("Unknown unit %(value)s."), value=code)
        if scope is None:
            error(
                number,
                "scope",
                gettext_noop("“%(value)s” is not a scope; use team or mt."),
                value=scope_text,
            )
        elif code in unit_kinds and unit_kinds[code] not in SCOPE_KINDS[scope]:
            error(
                number,
                "scope",
                gettext_noop(
                    "Unit %(code)s has no %(scope)s: only teams have a team "
                    "programme, only departments and directorates an MT programme."
                ),
                code=code,
                scope=scope,
            )
        completed_text = cell(cells, "completed_on")
        completed = parse_date(completed_text) if completed_text else None
        if completed_text and completed is None:
            error(
                number,
                "completed_on",
                gettext_noop("“%(value)s” is not a date; use dd-mm-yyyy."),
                value=completed_text,
            )
        emails = [e.lower() for e in re.split(r"[\s,;]+", cell(cells, "trainers")) if e]
        for email in emails:
            if email not in trainers:
                error(
                    number,
                    "trainers",
                    gettext_noop("%(value)s is not a trainer in Navolging."),
                    value=email,
                )
        key = (code, scope or "")
        if key in seen:
            error(
                number,
                "unit_code",
                gettext_noop("Unit %(code)s with this scope also appears in row %(other)s."),
                code=code,
                other=seen[key],
            )
        seen.setdefault(key, number)
        if len(problems) == before and scope is not None:
            rows.append(ProgrammeRow(number, code, scope, completed, sorted(set(emails))))
    if not table.rows:
        problems.append(Problem(gettext_noop("The file has no rows below the headers.")))
    return problems, rows


@dataclass(frozen=True)
class ProgrammeChange:
    """What one valid row does to the status stored now (None, [] when there is none yet)."""

    row: ProgrammeRow
    unit_name: str
    old_completed_on: dt.date | None
    old_trainers: list[str]

    @property
    def changed(self) -> bool:
        return (self.old_completed_on, self.old_trainers) != (
            self.row.completed_on,
            self.row.trainers,
        )


def compare_programmes(
    rows: list[ProgrammeRow],
    *,
    unit_names: Mapping[str, str],
    current: Mapping[tuple[str, str], tuple[dt.date | None, list[str]]],
) -> list[ProgrammeChange]:
    """current: (unit code, scope) -> (completed on, sorted lower-cased trainer e-mails)."""
    return [
        ProgrammeChange(
            row, unit_names[row.unit_code], *current.get((row.unit_code, row.scope), (None, []))
        )
        for row in rows
    ]
