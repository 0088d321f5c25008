"""Applying an HR file to the database: all or nothing, leavers, movers, logins, audit."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.organisation.importing import services
from navolging.organisation.importing.plan import CurrentState, UnitState
from navolging.organisation.importing.services import HRImportInvalid, hr_import_apply
from navolging.organisation.models import Person, Unit

from .test_import_fixtures import (
    CAST_HEADERS,
    LEVEL_HEADERS,
    TODAY,
    cast_level_rows,
    cast_rows,
    mapping,
    new_person_row,
    table,
)


def apply(headers, rows, by=None):
    t = table(headers, rows)
    return hr_import_apply(table=t, mapping=mapping(t), by=by, filename="hr.csv", today=TODAY)


def plan_for(headers, rows):
    t = table(headers, rows)
    return services.hr_import_plan(table=t, mapping=mapping(t), today=TODAY)


def counts() -> tuple[int, int, int, int]:
    return (
        Person.objects.count(),
        Unit.objects.count(),
        AuditEvent.objects.count(),
        User.objects.count(),
    )


def test_the_cast_export_changes_nothing(cast):
    plan = plan_for(CAST_HEADERS, cast_rows())
    assert plan.errors == []
    assert not plan.has_changes, plan.counts()
    before = counts()
    apply(CAST_HEADERS, cast_rows(), by=cast.office)
    # Only the run itself is recorded: no person or unit events.
    assert AuditEvent.objects.exclude(action="hr_import.apply").count() == before[2]
    assert counts()[:2] == before[:2]
    run = AuditEvent.objects.get(action="hr_import.apply")
    assert run.actor == cast.office
    assert run.changes["people_new"] == 0


def test_a_file_with_an_error_changes_nothing(cast):
    rows = cast_rows()
    rows.append(new_person_row())
    rows[3][9] = "9999"
    before = counts()
    with pytest.raises(HRImportInvalid) as info:
        apply(CAST_HEADERS, rows, by=cast.office)
    assert "Row 5" in str(info.value.plan.errors[0])
    assert counts() == before


def test_a_failure_halfway_rolls_everything_back(cast, monkeypatch):
    rows = cast_rows()
    rows.append(new_person_row())
    before = counts()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(AuditEvent.objects, "bulk_create", boom)
    with pytest.raises(RuntimeError):
        apply(CAST_HEADERS, rows, by=cast.office)
    assert counts() == before


def test_a_new_person_gets_a_login_and_is_audited(cast):
    rows = cast_rows()
    rows.append(
        [
            "2001",
            "Nieuw",
            "",
            "Mens",
            "Nieuw.Mens@Example.org",
            "TEAM1",
            "Team Balie",
            "AFD1",
            "team",
            "1003",
        ]
    )
    plan = apply(CAST_HEADERS, rows, by=cast.office)
    assert plan.counts()["people_new"] == 1
    person = Person.objects.get(employee_number="2001")
    assert person.unit == cast.team
    assert person.user.email == "nieuw.mens@example.org"
    assert not person.user.has_usable_password()
    assert person.user.language == "nl"
    event = AuditEvent.objects.get(action="person.create")
    assert event.object_id == str(person.pk)
    assert event.changes["unit"] == [None, "TEAM1"]


def test_a_leaver_becomes_inactive_and_loses_access_at_the_next_request(cast, client_as):
    client = client_as("employee")
    assert client.get(reverse("home")).status_code == 200
    rows = [row for row in cast_rows() if row[0] != "1004"]
    plan = apply(CAST_HEADERS, rows, by=cast.office)
    assert plan.counts()["people_gone"] == 1
    cast.employee.refresh_from_db()
    assert Person.objects.filter(pk=cast.employee.pk).exists()  # never deleted
    assert cast.employee.active is False
    assert cast.employee.user.is_active is False
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    event = AuditEvent.objects.get(action="person.deactivate")
    assert event.object_id == str(cast.employee.pk)
    # The same file again: nothing more happens.
    assert not plan_for(CAST_HEADERS, rows).has_changes


def test_a_mover_keeps_their_person_and_history(cast):
    rows = cast_rows()
    rows[4][5:9] = ["TEAM1", "Team Balie", "AFD1", "team"]
    rows[4][9] = "1003"
    apply(CAST_HEADERS, rows, by=cast.office)
    moved = Person.objects.get(employee_number="1005")
    assert moved.pk == cast.outsider.pk
    assert moved.unit == cast.team
    event = AuditEvent.objects.get(action="person.update", object_id=str(moved.pk))
    assert event.changes == {"unit": ["AFD2", "TEAM1"]}
    # AFD2 has nobody left in it: it is no longer in the file, so it becomes inactive.
    assert Unit.objects.get(code="AFD2").active is False


def test_a_changed_email_follows_to_the_login(cast):
    rows = cast_rows()
    rows[3][4] = "jan.vandenberg@example.org"
    apply(CAST_HEADERS, rows)
    cast.employee.refresh_from_db()
    assert cast.employee.email == "jan.vandenberg@example.org"
    assert cast.employee.user.email == "jan.vandenberg@example.org"


def test_an_email_of_another_login_is_a_row_error(cast):
    rows = cast_rows()
    rows[3][4] = "Bureau@example.org"  # the programme office's login
    plan = plan_for(CAST_HEADERS, rows)
    [error] = [str(e) for e in plan.errors]
    assert error.startswith("Row 5, column “E-mail”")
    assert "already belongs to the login" in error


def test_a_new_person_with_the_email_of_a_login_without_person_gets_that_login(cast):
    User.objects.filter(pk=cast.office.pk).update(email="Bureau@example.org")
    rows = cast_rows()
    rows.append(
        [
            "2001",
            "Bea",
            "",
            "Bureau",
            "bureau@example.org",
            "AFD2",
            "Afdeling Belastingen",
            "DIR1",
            "afdeling",
            "",
        ]
    )
    apply(CAST_HEADERS, rows)
    assert Person.objects.get(employee_number="2001").user == cast.office


def test_a_returning_leaver_is_active_again(cast):
    apply(CAST_HEADERS, [r for r in cast_rows() if r[0] != "1004"])
    apply(CAST_HEADERS, cast_rows())
    cast.employee.refresh_from_db()
    assert cast.employee.active and cast.employee.user.is_active


def test_a_level_file_without_an_organisation_column_hangs_under_the_organisation_root(cast):
    plan = apply(LEVEL_HEADERS, cast_level_rows(), by=cast.office)
    assert plan.root_code == "ORG"
    # The cast's DIR1, AFD1, TEAM1 and AFD2 have other codes than the file's paths; ORG stays.
    assert sorted(c.key for c in plan.units_gone) == ["AFD1", "AFD2", "DIR1", "TEAM1"]
    directorate = Unit.objects.get(code="directie-dienstverlening")
    assert directorate.parent == cast.organisation
    assert directorate.head == cast.director
    assert Unit.objects.get(code="directie-dienstverlening/afdeling-burgerzaken").parent == (
        directorate
    )
    org = Unit.objects.get(pk=cast.organisation.pk)
    assert (org.active, org.name, org.kind, org.parent, org.head) == (
        True,
        "Gemeente Voorbeeld",
        "organisation",
        None,
        None,
    )
    assert list(Unit.objects.filter(active=True, parent=None)) == [org]
    assert not AuditEvent.objects.filter(
        object_type="organisation.unit", object_id=str(org.pk)
    ).exists()
    # The same file again: nothing changes, the root included.
    events = AuditEvent.objects.count()
    second = apply(LEVEL_HEADERS, cast_level_rows(), by=cast.office)
    assert not second.has_changes, second.counts()
    assert AuditEvent.objects.exclude(action="hr_import.apply").count() == events - 1


def test_a_level_file_with_an_organisation_column_keeps_its_own_root(cast):
    headers = LEVEL_HEADERS + ["Organisatie"]
    rows = [row + ["Gemeente Voorbeeld"] for row in cast_level_rows()]
    plan = plan_for(headers, rows)
    assert plan.root_code is None
    new = {c.key: c.changes for c in plan.units_new}
    assert new["gemeente-voorbeeld"]["kind"] == (None, "organisation")
    assert new["gemeente-voorbeeld/directie-dienstverlening"]["parent"] == (
        None,
        "gemeente-voorbeeld",
    )
    assert "ORG" in {c.key for c in plan.units_gone}


def test_without_exactly_one_organisation_root_top_level_units_have_no_parent(cast):
    Unit.objects.create(code="ORG2", name="Gemeente Elders", kind="organisation")
    plan = plan_for(LEVEL_HEADERS, cast_level_rows())
    assert plan.root_code is None
    new = {c.key: c.changes for c in plan.units_new}
    assert new["directie-dienstverlening"]["parent"] == (None, None)
    assert {"ORG", "ORG2"} <= {c.key for c in plan.units_gone}


def test_the_organisation_root_is_the_one_active_organisation_unit_without_parent():
    def root(*units: tuple[str, str, str | None, bool]) -> str | None:
        state = CurrentState(
            units={c: UnitState(i, c, c, k, p, None, a) for i, (c, k, p, a) in enumerate(units)}
        )
        return services.organisation_root(state)

    assert root(("ORG", "organisation", None, True), ("D", "directorate", "ORG", True)) == "ORG"
    assert root(("ORG", "organisation", None, True), ("OLD", "organisation", None, False)) == "ORG"
    assert root(("A", "organisation", None, True), ("B", "organisation", None, True)) is None
    assert root(("D", "directorate", None, True)) is None
    assert root(("ORG", "organisation", "X", True)) is None


def test_a_file_with_unit_codes_names_the_root_as_parent_itself(cast):
    rows = cast_rows() + [
        ["2001", "Nieuw", "", "Mens", "nieuw@example.org", "DIR2", "Directie Ruimte", "ORG"]
        + ["directie", ""]
    ]
    plan = apply(CAST_HEADERS, rows, by=cast.office)
    assert plan.root_code is None
    assert plan.counts() == {
        "units_new": 1,
        "units_changed": 0,
        "units_gone": 0,
        "people_new": 1,
        "people_changed": 0,
        "people_gone": 0,
    }
    assert Unit.objects.get(code="DIR2").parent == cast.organisation
    assert not plan_for(CAST_HEADERS, rows).has_changes


def level_rows(directorates: int, departments: int, teams: int, size: int) -> list[list[str]]:
    """A generated organisation in the level shape, with managers."""
    rows: list[list[str]] = []
    number = 100000

    def add(first, directorate, department, team, manager) -> str:
        nonlocal number
        number += 1
        rows.append(
            [
                str(number),
                first,
                "",
                f"Achternaam{number}",
                f"p{number}@example.org",
                "Medewerker",
                directorate,
                department,
                team,
                manager,
                "nl",
            ]
        )
        return str(number)

    for d in range(directorates):
        director = add("Directeur", f"Directie {d}", "", "", "")
        for a in range(departments):
            head = add("Hoofd", f"Directie {d}", f"Afdeling {a}", "", director)
            for t in range(teams):
                leader = add("Leider", f"Directie {d}", f"Afdeling {a}", f"Team {t}", head)
                for _ in range(size):
                    add("Lid", f"Directie {d}", f"Afdeling {a}", f"Team {t}", leader)
    return rows


def test_a_level_file_builds_the_tree_with_heads_and_a_second_run_changes_nothing(db):
    rows = level_rows(2, 2, 2, 3)
    plan = apply(LEVEL_HEADERS, rows)
    assert plan.counts()["units_new"] == 2 + 4 + 8
    team = Unit.objects.get(code="directie-0/afdeling-1/team-0")
    assert team.kind == "team"
    assert team.parent.code == "directie-0/afdeling-1"
    assert team.head.first_name == "Leider"
    assert team.parent.head.first_name == "Hoofd"
    assert team.parent.parent.head.first_name == "Directeur"
    people_events = AuditEvent.objects.filter(action__startswith="person.").count()
    second = apply(LEVEL_HEADERS, rows)
    assert not second.has_changes
    assert AuditEvent.objects.filter(action__startswith="person.").count() == people_events


def test_2400_rows_import_in_a_few_seconds(db):
    rows = level_rows(6, 5, 4, 19)  # 6 + 30 + 120 + 2280 = 2436 people
    assert len(rows) > 2400
    started = time.monotonic()
    apply(LEVEL_HEADERS, rows)
    assert time.monotonic() - started < 5
    assert Person.objects.count() == len(rows)
    started = time.monotonic()
    assert not plan_for(LEVEL_HEADERS, rows).has_changes
    assert time.monotonic() - started < 2
