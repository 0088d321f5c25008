"""participants(): the organisation chart as the formation engine's data, in a fixed number of
queries however many people there are."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from navolging.intervision import rounds
from navolging.lib.testing import make_person
from navolging.organisation.models import Person, Unit, UnitKind


@pytest.fixture
def org(db):
    call_command("demo", size=400, seed=7, verbosity=0)
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, head__isnull=False))
    # The corners Person.manager() walks through: a head who left (still set as head), a
    # vacant department, an inactive department with active teams under it.
    left = departments[0].head
    left.active = False
    left.save(update_fields=["active"])
    departments[1].head = None
    departments[1].save(update_fields=["head"])
    departments[2].active = False
    departments[2].save(update_fields=["active"])
    return left


def test_every_head_gets_the_manager_person_manager_gives(org):
    people, by_number = rounds.participants()
    assert len(people) > 20
    for p in people:
        boss = by_number[p.id].manager()
        assert p.manager == (boss.employee_number if boss else None), p.id
    assert any(p.manager == org.employee_number for p in people)


def test_it_takes_the_same_queries_for_more_people(org):
    with CaptureQueriesContext(connection) as few:
        before, _ = rounds.participants()
    department = Unit.objects.filter(kind=UnitKind.DEPARTMENT, active=True).first()
    for k in range(30):
        team = Unit.objects.create(
            code=f"EXTRA{k}", name=f"Team Extra {k}", kind=UnitKind.TEAM, parent=department
        )
        team.head = make_person(f"9{k:04}", "Extra", f"Leider{k}", team)
        team.save(update_fields=["head"])
    with CaptureQueriesContext(connection) as many:
        after, by_number = rounds.participants()
    assert len(after) == len(before) + 30
    assert len(many) == len(few) <= 3
    head = Person.objects.get(employee_number="90000")
    assert next(p for p in after if p.id == "90000").manager == (head.manager().employee_number)
