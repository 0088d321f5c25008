"""The fields an HR file can fill, the header names they are known by, and the file's shape."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .messages import Problem, Text, gettext_noop

# Unit kinds as stored in Unit.kind (organisation.models.UnitKind); repeated here as plain
# strings so this module stays free of Django.
ORGANISATION, DIRECTORATE, DEPARTMENT, TEAM, OTHER = (
    "organisation",
    "directorate",
    "department",
    "team",
    "other",
)
UNIT_KINDS = (ORGANISATION, DIRECTORATE, DEPARTMENT, TEAM, OTHER)


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # English msgid
    aliases: tuple[str, ...]


FIELDS: tuple[Field, ...] = (
    Field(
        "employee_number",
        gettext_noop("Employee number"),
        (
            "Personeelsnummer",
            "Personeelsnr",
            "Pers.nr",
            "Persnr",
            "Medewerkernummer",
            "Medewerker",
            "Werknemernummer",
            "Registratienummer",
            "Employee number",
            "Employee ID",
            "Employee no",
            "Personnel number",
        ),
    ),
    Field(
        "first_name",
        gettext_noop("First name"),
        ("Voornaam", "Roepnaam", "First name", "Given name", "Firstname"),
    ),
    Field(
        "prefix",
        gettext_noop("Prefix (tussenvoegsel)"),
        ("Tussenvoegsel", "Tussenvoegsels", "Voorvoegsel", "Voorvoegsels", "Prefix"),
    ),
    Field(
        "last_name",
        gettext_noop("Last name"),
        ("Achternaam", "Geboortenaam", "Last name", "Surname", "Family name", "Lastname"),
    ),
    Field(
        "email",
        gettext_noop("E-mail address"),
        (
            "E-mail",
            "Email",
            "E-mailadres",
            "Emailadres",
            "E-mail werk",
            "E-mailadres werk",
            "Zakelijk e-mailadres",
            "Work email",
            "Email address",
            "E-mail address",
            "Mail",
        ),
    ),
    Field(
        "job_title",
        gettext_noop("Job title"),
        ("Functie", "Functienaam", "Functieomschrijving", "Job title", "Function", "Position"),
    ),
    Field(
        "language",
        gettext_noop("Language"),
        ("Taal", "Voorkeurstaal", "Correspondentietaal", "Language", "Preferred language"),
    ),
    Field(
        "manager_number",
        gettext_noop("Manager (employee number)"),
        (
            "Leidinggevende",
            "Personeelsnummer leidinggevende",
            "Nummer leidinggevende",
            "Manager",
            "Manager employee number",
            "Manager ID",
            "Reports to",
        ),
    ),
    Field(
        "end_date",
        gettext_noop("Date of leaving"),
        (
            "Datum uit dienst",
            "Uit dienst",
            "Einddatum",
            "Einddatum dienstverband",
            "End date",
            "Leaving date",
            "Date of leaving",
        ),
    ),
    # The tree as one column per level, from the top down.
    Field(
        "level_organisation",
        gettext_noop("Level: organisation"),
        ("Organisatie", "Organisation", "Organization"),
    ),
    Field(
        "level_directorate",
        gettext_noop("Level: directorate"),
        ("Directie", "Directoraat", "Sector", "Directorate", "Division"),
    ),
    Field("level_department", gettext_noop("Level: department"), ("Afdeling", "Department")),
    Field("level_team", gettext_noop("Level: team"), ("Team", "Teamnaam", "Team name")),
    Field(
        "level_other", gettext_noop("Level: below team"), ("Subteam", "Sub-team", "Groep", "Group")
    ),
    # The tree as a unit code with its parent's code.
    Field(
        "unit_code",
        gettext_noop("Unit code"),
        (
            "Eenheidscode",
            "Code eenheid",
            "Afdelingscode",
            "Organisatorische eenheid",
            "Organisatie-eenheid",
            "OE",
            "OE code",
            "Unit code",
            "Org unit code",
            "Organisational unit",
        ),
    ),
    Field(
        "unit_name",
        gettext_noop("Unit name"),
        (
            "Naam eenheid",
            "Eenheid",
            "Omschrijving organisatorische eenheid",
            "Naam organisatie-eenheid",
            "Unit name",
            "Unit",
            "Org unit name",
        ),
    ),
    Field(
        "parent_code",
        gettext_noop("Parent unit code"),
        (
            "Bovenliggende eenheid",
            "Code bovenliggende eenheid",
            "Bovenliggende code",
            "Parent code",
            "Parent unit code",
            "Parent unit",
        ),
    ),
    Field(
        "unit_kind",
        gettext_noop("Unit kind"),
        ("Soort eenheid", "Type eenheid", "Unit kind", "Unit type"),
    ),
    # Heads, when the file names them.
    Field(
        "unit_head",
        gettext_noop("Head of the unit (employee number)"),
        (
            "Leidinggevende van eenheid",
            "Hoofd eenheid",
            "Hoofd van eenheid",
            "Leidinggevende eenheid",
            "Head of unit",
            "Unit head",
            "Unit manager",
        ),
    ),
    Field(
        "is_head",
        gettext_noop("Heads their unit (yes/no)"),
        ("Is leidinggevende", "Is hoofd", "Hoofd", "Is head", "Is manager", "Head"),
    ),
)
FIELD_NAMES = frozenset(f.name for f in FIELDS)
REQUIRED = ("employee_number", "first_name", "last_name", "email")
LEVELS: tuple[tuple[str, str], ...] = (
    ("level_organisation", ORGANISATION),
    ("level_directorate", DIRECTORATE),
    ("level_department", DEPARTMENT),
    ("level_team", TEAM),
    ("level_other", OTHER),
)
LABELS = {f.name: f.label for f in FIELDS}

Mapping_ = Mapping[str, str]  # file header -> field name ("" = ignore)


def normalise(header: str) -> str:
    """'E-mail adres ' and 'e-mailadres' should find the same field."""
    text = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "", text.lower())


_ALIASES = {normalise(alias): f.name for f in FIELDS for alias in f.aliases}


def signature(headers: Iterable[str]) -> str:
    """Same columns (in any order, any case) give the same signature, so a mapping is reused."""
    key = "\x1f".join(sorted(normalise(h) for h in headers if h.strip()))
    return hashlib.sha256(key.encode()).hexdigest()


def guess_mapping(headers: Iterable[str], saved: Mapping_ | None = None) -> dict[str, str]:
    """A saved mapping wins; otherwise known aliases. Each field is used once at most."""
    saved_by_norm = {normalise(h): f for h, f in (saved or {}).items() if f in FIELD_NAMES}
    result: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        key = normalise(header)
        field = saved_by_norm.get(key) if saved is not None else _ALIASES.get(key, "")
        if field and field not in used:
            result[header] = field
            used.add(field)
        else:
            result[header] = ""
    return result


@dataclass(frozen=True)
class Shape:
    tree: str  # "levels" | "codes"
    heads: tuple[str, ...]  # any of "column", "flag", "manager"; empty: heads are kept as they are

    def describe(self) -> list[str]:
        """English msgids saying what was detected, for the mapping and preview pages."""
        lines = [
            gettext_noop("Units: one column per level; unit codes are made from the names.")
            if self.tree == "levels"
            else gettext_noop("Units: a unit code with the code of its parent unit.")
        ]
        if "column" in self.heads:
            lines.append(gettext_noop("Heads: a column names the head of each unit."))
        if "flag" in self.heads:
            lines.append(gettext_noop("Heads: a yes/no column marks who heads their unit."))
        if "manager" in self.heads:
            lines.append(
                gettext_noop("Heads: derived from whom the members of each unit report to.")
            )
        if not self.heads:
            lines.append(gettext_noop("Heads: not in the file; the current heads stay."))
        return lines


def detect_shape(mapping: Mapping_) -> Shape | None:
    fields = {f for f in mapping.values() if f}
    if "unit_code" in fields:
        tree = "codes"  # a code is the sturdier key when a file has both
    elif fields.intersection(name for name, _kind in LEVELS):
        tree = "levels"
    else:
        return None
    heads = tuple(
        name
        for name, field in (
            ("column", "unit_head"),
            ("flag", "is_head"),
            ("manager", "manager_number"),
        )
        if field in fields
    )
    return Shape(tree=tree, heads=heads)


def check_mapping(mapping: Mapping_) -> list[Problem]:
    problems: list[Problem] = []
    chosen = [f for f in mapping.values() if f]
    for name in sorted({f for f in chosen if chosen.count(f) > 1}):
        problems.append(
            Problem(
                gettext_noop("“%(field)s” is chosen for more than one column."),
                {"field": Text(LABELS[name]) if name in LABELS else name},
            )
        )
    for name in sorted(set(chosen) - FIELD_NAMES):
        problems.append(Problem(gettext_noop("Unknown field “%(field)s”."), {"field": name}))
    for name in REQUIRED:
        if name not in chosen:
            problems.append(
                Problem(
                    gettext_noop("Choose a column for “%(field)s”."), {"field": Text(LABELS[name])}
                )
            )
    if detect_shape(mapping) is None:
        problems.append(
            Problem(
                gettext_noop(
                    "Choose the unit columns: either one column per level (directorate, "
                    "department, team) or a unit code."
                )
            )
        )
    return problems
