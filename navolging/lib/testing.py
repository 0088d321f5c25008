"""The named cast every test shares (STYLE 12): one small organisation, one person per role."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from navolging.accounts.models import User
from navolging.organisation.models import Person, Unit, UnitKind

PASSWORD = "een-lang-genoeg-wachtwoord-2026"  # noqa: S105


def make_person(
    number: str, first: str, last: str, unit: Unit, prefix: str = "", **extra
) -> Person:
    email = f"{first.lower()}.{last.lower().replace(' ', '')}@example.org"
    user = User.objects.create_user(email, language=extra.pop("language", "nl"))
    return Person.objects.create(
        employee_number=number,
        first_name=first,
        prefix=prefix,
        last_name=last,
        email=email,
        unit=unit,
        user=user,
        **extra,
    )


@dataclass
class Cast:
    organisation: Unit
    directorate: Unit
    department: Unit
    team: Unit
    other_department: Unit
    director: Person
    manager: Person  # head of the department
    team_leader: Person
    employee: Person
    outsider: Person  # an employee elsewhere in the organisation
    office: User
    trainer: User
    as_adviser: User
    admin: User

    def user(self, role: str) -> User | None:
        if role == "anonymous":
            return None
        value = getattr(self, role)
        return value.user if isinstance(value, Person) else value


ROLES = [
    "anonymous",
    "employee",
    "team_leader",
    "manager",
    "trainer",
    "as_adviser",
    "office",
    "outsider",
    "admin",
]


def make_cast() -> Cast:
    org = Unit.objects.create(code="ORG", name="Gemeente Voorbeeld", kind=UnitKind.ORGANISATION)
    directorate = Unit.objects.create(
        code="DIR1", name="Directie Dienstverlening", kind=UnitKind.DIRECTORATE, parent=org
    )
    department = Unit.objects.create(
        code="AFD1", name="Afdeling Burgerzaken", kind=UnitKind.DEPARTMENT, parent=directorate
    )
    team = Unit.objects.create(
        code="TEAM1", name="Team Balie", kind=UnitKind.TEAM, parent=department
    )
    other = Unit.objects.create(
        code="AFD2", name="Afdeling Belastingen", kind=UnitKind.DEPARTMENT, parent=directorate
    )
    director = make_person("1001", "Ineke", "Bakker", directorate)
    manager = make_person("1002", "Pieter", "Vries", department, prefix="de")
    team_leader = make_person("1003", "Fatima", "Amrani", team)
    employee = make_person("1004", "Jan", "Berg", team, prefix="van den")
    outsider = make_person("1005", "Kees", "Jansen", other)
    for unit, head in ((directorate, director), (department, manager), (team, team_leader)):
        unit.head = head
        unit.save(update_fields=["head"])
    office = User.objects.create_user(
        "bureau@example.org", name="Programmabureau", is_programme_office=True
    )
    trainer = User.objects.create_user(
        "trainer@example.org", name="Tamara Trainer", is_trainer=True
    )
    as_adviser = User.objects.create_user("as@example.org", name="Anne Adviseur", is_as=True)
    admin = User.objects.create_user(
        "beheer@example.org", name="Beheerder", is_staff=True, is_superuser=True
    )
    return Cast(
        org,
        directorate,
        department,
        team,
        other,
        director,
        manager,
        team_leader,
        employee,
        outsider,
        office,
        trainer,
        as_adviser,
        admin,
    )


def pdf_drawn_text(data: bytes) -> str:
    """The text drawn in an fpdf2 PDF (core fonts, Windows-1252): every (string) Tj in its
    compressed content streams. No PDF library is installed; this is what one would do."""
    found = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue  # an image, not a page
        for raw in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            text = re.sub(rb"\\(.)", lambda m: m.group(1), raw)
            found.append(text.decode("cp1252"))
    return "\n".join(found)
