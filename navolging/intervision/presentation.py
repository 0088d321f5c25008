"""The formation engine's reports as text for the round page: translated, with names.

The engine stores codes and parameters (`{"rule", "holds", "params"}` per check,
`{"code", "params"}` per note, see formation.py); this module turns them into sentences in
the reader's language, with people's full names instead of employee numbers. Reports stored
before the codes carry English text (a check's "detail", a note as a plain string): those are
shown as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from navolging.organisation.models import Person, Unit

from . import formation
from .models import Group, Round

#: Parameters that hold employee numbers: one, a list, or a list of pairs or sets.
PERSON_KEYS = frozenset({"person", "people", "pairs", "kept", "apart"})
UNIT_KEYS = frozenset({"unit", "into_unit"})


# --- small pieces ---------------------------------------------------------------------------


def _name(pid: str, names: Mapping[str, str]) -> str:
    return names.get(pid) or pid


def _listed(items: Sequence[str]) -> str:
    """Names as a list in the reader's language: "A, B and C"."""
    if len(items) < 2:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _people(ids: Iterable[str], names: Mapping[str, str]) -> str:
    return _listed([_name(pid, names) for pid in ids])


def _pair(pair: Sequence[str], names: Mapping[str, str]) -> dict[str, str]:
    return {"a": _name(pair[0], names), "b": _name(pair[1], names)}


def _pairs(pairs: Iterable[Sequence[str]], names: Mapping[str, str]) -> str:
    return "; ".join(_("%(a)s and %(b)s") % _pair(pair, names) for pair in pairs)


def _group(kind: str, code: str, units: Mapping[str, str]) -> str:
    """A structured group by its unit: the unit's own name ("Afdeling Burgerzaken") if known."""
    if code and code in units:
        return units[code]
    if not code:
        return _("no directorate")
    if kind == formation.DEPARTMENT:
        return _("department %(code)s") % {"code": code}
    return _("directorate %(code)s") % {"code": code}


# --- checks ---------------------------------------------------------------------------------


def _check(rule: str, holds: bool, p: Mapping[str, Any], names: Mapping[str, str]) -> str:
    if rule == formation.RULE_SIZE:
        return ngettext(
            "This group has %(size)s member; a group has %(min)s to %(max)s members.",
            "This group has %(size)s members; a group has %(min)s to %(max)s members.",
            p["size"],
        ) % {"size": p["size"], "min": p["min"], "max": p["max"]}
    if rule == formation.RULE_OWN_MANAGER:
        if holds:
            return _("Nobody sits with their own manager or one of their direct reports.")
        return " ".join(
            _("%(a)s and %(b)s may not sit together: manager and direct report.")
            % _pair(pair, names)
            for pair in p["pairs"]
        )
    if rule == formation.RULE_CANNOT_LINK:
        if holds:
            return _("Nobody sits with someone they may not sit with.")
        return " ".join(
            _("%(a)s and %(b)s may not sit together.") % _pair(pair, names) for pair in p["pairs"]
        )
    if rule in (formation.RULE_MUST_LINK, formation.RULE_KEEP_TOGETHER):
        if p["apart"]:
            return " ".join(
                _("%(people)s must be in the same group, but are not.")
                % {"people": _people(link, names)}
                for link in p["apart"]
            )
        return " ".join(
            _("%(people)s are in the same group, as agreed.") % {"people": _people(link, names)}
            for link in p["kept"]
        )
    if rule == formation.RULE_REPEAT:
        if not p["pairs"]:
            return _("Everyone meets new people.")
        return _("Already in a group together in an earlier round: %(pairs)s.") % {
            "pairs": _pairs(p["pairs"], names)
        }
    if rule == formation.RULE_SPREAD:
        attribute = {"department": _("Departments"), "directorate": _("Directorates")}
        return " ".join(
            _("%(attribute)s: %(different)s different, at most %(most)s people from the same one.")
            % {"attribute": attribute.get(name, name), "different": different, "most": most}
            for name, different, most in p["attributes"]
        )
    return formation.RuleCheck(rule, holds, p).detail  # a rule this page does not know yet


def check_text(check: Mapping[str, Any], names: Mapping[str, str]) -> str:
    """One rule of one group in the reader's language; `names`: employee number -> name."""
    params = check.get("params")
    if not isinstance(params, Mapping):
        return str(check.get("detail") or check.get("rule", ""))  # stored before the codes
    try:
        return _check(str(check.get("rule")), bool(check.get("holds")), params, names)
    except (KeyError, TypeError, ValueError, IndexError):
        return str(check.get("detail") or check.get("rule", ""))


# --- notes ----------------------------------------------------------------------------------

_NoteText = Callable[[Mapping[str, Any], Mapping[str, str], Mapping[str, str]], str]

_NOTES: dict[str, _NoteText] = {
    formation.NOTE_TWICE: lambda p, names, units: (
        _("%(person)s is in %(times)s groups.")
        % {"person": _name(p["person"], names), "times": p["times"]}
    ),
    formation.NOTE_NOT_PLACED: lambda p, names, units: (
        _("Not in any group: %(people)s.") % {"people": _people(p["people"], names)}
    ),
    formation.NOTE_UNKNOWN: lambda p, names, units: (
        _("In a group, but not (or no longer) taking part in intervision: %(people)s.")
        % {"people": _people(p["people"], names)}
    ),
    formation.NOTE_UNIT_TOO_LARGE: lambda p, names, units: (
        _(
            "%(people)s must stay together, but together they are more than the largest "
            "group of %(max)s."
        )
        % {"people": _people(p["people"], names), "max": p["max"]}
    ),
    formation.NOTE_CONTRADICTION: lambda p, names, units: (
        _("The rules contradict each other: %(pairs)s must be together and also apart.")
        % {"pairs": _pairs(p["pairs"], names)}
    ),
    formation.NOTE_TOO_FEW: lambda p, names, units: (
        ngettext(
            "Only %(count)s person takes part: one group, smaller than the minimum of %(min)s.",
            "Only %(count)s people take part: one group, smaller than the minimum of %(min)s.",
            p["count"],
        )
        % {"count": p["count"], "min": p["min"]}
    ),
    formation.NOTE_SIZES_IMPOSSIBLE: lambda p, names, units: (
        _(
            "%(count)s people do not fit in groups of %(min)s to %(max)s members, so some "
            "groups are larger."
        )
        % {"count": p["count"], "min": p["min"], "max": p["max"]}
    ),
    formation.NOTE_OUTSIDE_DEPARTMENT: lambda p, names, units: (
        _("%(person)s leads a team outside a department, and so sits with the directorate.")
        % {"person": _name(p["person"], names)}
    ),
    formation.NOTE_MANAGEMENT_TEAM: lambda p, names, units: (
        _("The management team of %(group)s.") % {"group": _group(p["kind"], p["unit"], units)}
    ),
    formation.NOTE_MERGED: lambda p, names, units: (
        ngettext(
            "Merged with %(group)s: that group had only %(size)s member, fewer than the "
            "minimum of %(min)s. The smallest group in the same directorate was %(into)s.",
            "Merged with %(group)s: that group had only %(size)s members, fewer than the "
            "minimum of %(min)s. The smallest group in the same directorate was %(into)s.",
            p["size"],
        )
        % {
            "group": _group(p["kind"], p["unit"], units),
            "size": p["size"],
            "min": p["min"],
            "into": _group(p["into_kind"], p["into_unit"], units),
        }
    ),
    formation.NOTE_NO_MERGE: lambda p, names, units: (
        ngettext(
            "Only %(size)s member, fewer than the minimum of %(min)s, and there is no other "
            "group in the same directorate to merge with.",
            "Only %(size)s members, fewer than the minimum of %(min)s, and there is no other "
            "group in the same directorate to merge with.",
            p["size"],
        )
        % {"size": p["size"], "min": p["min"]}
    ),
    formation.NOTE_SPLIT: lambda p, names, units: (
        _(
            "Split evenly into %(parts)s groups of %(sizes)s members: %(group)s has %(size)s "
            "members, more than the maximum of %(max)s."
        )
        % {
            "parts": p["parts"],
            "sizes": p["largest"]
            if p["smallest"] == p["largest"]
            else _("%(smallest)s to %(largest)s")
            % {"smallest": p["smallest"], "largest": p["largest"]},
            "group": _group(p["kind"], p["unit"], units),
            "size": p["size"],
            "max": p["max"],
        }
    ),
    formation.NOTE_LEFT: lambda p, names, units: (
        _("%(person)s no longer takes part.") % {"person": _name(p["person"], names)}
    ),
    formation.NOTE_MOVED_OUT: lambda p, names, units: (
        _(
            "%(person)s moved to another group: after a change in the organisation, this "
            "person may no longer sit in this group."
        )
        % {"person": _name(p["person"], names)}
    ),
    formation.NOTE_NEW_GROUP: lambda p, names, units: _("A new group: no other group had room."),
    formation.NOTE_JOINED: lambda p, names, units: (
        _("New in this group: %(people)s.") % {"people": _people(p["people"], names)}
    ),
    formation.NOTE_GROUP_DISSOLVED: lambda p, names, units: (
        _("Group %(number)s was dissolved. %(notes)s")
        % {
            "number": p["number"],
            "notes": " ".join(note_text(note, names, units) for note in p["notes"]),
        }
    ),
    formation.NOTE_MOVED_TO_SMALL: lambda p, names, units: (
        _("%(person)s moved to a group that had become too small.")
        % {"person": _name(p["person"], names)}
    ),
    formation.NOTE_TOPPED_UP: lambda p, names, units: (
        _(
            "%(person)s joined: this group had fewer than %(min)s members. Adding people "
            "moved fewer people than dissolving the group."
        )
        % {"person": _name(p["person"], names), "min": p["min"]}
    ),
    formation.NOTE_JOINED_FROM_DISSOLVED: lambda p, names, units: (
        _(
            "%(person)s joined from a group that had fewer than %(min)s members and was "
            "dissolved. That moved fewer people than adding people to it."
        )
        % {"person": _name(p["person"], names), "min": p["min"]}
    ),
    formation.NOTE_DISSOLVED: lambda p, names, units: (
        _("Dissolved: fewer than %(min)s members.") % {"min": p["min"]}
    ),
    formation.NOTE_CANNOT_FIX: lambda p, names, units: (
        _(
            "Fewer than %(min)s members, and the other groups can neither spare members nor "
            "take these in."
        )
        % {"min": p["min"]}
    ),
}


def note_text(
    note: Mapping[str, Any] | str,
    names: Mapping[str, str],
    units: Mapping[str, str] | None = None,
) -> str:
    """Why a group or round looks the way it does, in the reader's language.

    `names`: employee number -> name; `units`: unit code -> unit name (structured rounds).
    """
    if not isinstance(note, Mapping):
        return str(note)  # stored before the codes: English text
    code, params = str(note.get("code")), note.get("params") or {}
    try:
        text = _NOTES.get(code)
        return text(params, names, units or {}) if text else str(formation.Note(code, params))
    except (KeyError, TypeError, ValueError, IndexError):
        return str(formation.Note(code, params))


# --- a round's page -------------------------------------------------------------------------


def _ids(params: Mapping[str, Any], keys: frozenset[str]) -> Iterator[str]:
    """Every id under `keys` in a report's parameters, nested notes included."""
    for key, value in params.items():
        if key == "notes" and isinstance(value, list):
            for note in value:
                if isinstance(note, Mapping):
                    yield from _ids(note.get("params") or {}, keys)
        elif key in keys:
            stack = [value]
            while stack:
                item = stack.pop()
                if isinstance(item, str):
                    yield item
                elif isinstance(item, list):
                    stack.extend(item)


def _reported(round_: Round, groups: Iterable[Group]) -> list[Mapping[str, Any]]:
    """The parameters of every check and note of the round and its groups."""
    items = [n for n in round_.notes or [] if isinstance(n, Mapping)]
    for group in groups:
        report = group.report or {}
        items += [c for c in report.get("checks", []) if isinstance(c, Mapping)]
        items += [n for n in report.get("notes", []) if isinstance(n, Mapping)]
    return [item.get("params") or {} for item in items]


def round_names(round_: Round, groups: Iterable[Group]) -> dict[str, str]:
    """Employee number -> full name for the round's members and everyone its reports name
    (people who left included), in one query."""
    named = {pid for params in _reported(round_, groups) for pid in _ids(params, PERSON_KEYS)}
    people = (
        Person.objects.filter(
            Q(intervision_memberships__group__round=round_) | Q(employee_number__in=named)
        )
        .only("employee_number", "first_name", "prefix", "last_name")
        .distinct()
    )
    return {p.employee_number: p.full_name for p in people}


def round_unit_names(round_: Round, groups: Iterable[Group]) -> dict[str, str]:
    """Unit code -> name for the units the reports name (structured rounds); no query if none."""
    codes = {code for params in _reported(round_, groups) for code in _ids(params, UNIT_KEYS)}
    if not codes:
        return {}
    return dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))


def round_texts(round_: Round, groups: Sequence[Group]) -> list[str]:
    """The round's notes as text; sets `broken_texts` (broken rules) and `note_texts` on each
    group for the page."""
    names = round_names(round_, groups)
    units = round_unit_names(round_, groups)
    for group in groups:
        report = group.report or {}
        group.broken_texts = [
            check_text(check, names)
            for check in report.get("checks", [])
            if isinstance(check, Mapping) and not check.get("holds", True)
        ]
        group.note_texts = [note_text(note, names, units) for note in report.get("notes", [])]
    return [note_text(note, names, units) for note in round_.notes or []]
