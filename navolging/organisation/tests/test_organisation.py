"""The organisation chart: managers, derived management teams, Dutch names, office pages."""

from __future__ import annotations

from django.urls import reverse

from navolging.audit.models import AuditEvent
from navolging.lib.testing import make_person
from navolging.organisation.models import BaseProgramme, Person, Unit, UnitKind


def test_a_persons_manager_is_the_head_of_their_unit(cast):
    assert cast.employee.manager() == cast.team_leader


def test_a_head_reports_to_the_head_of_the_unit_above(cast):
    assert cast.team_leader.manager() == cast.manager
    assert cast.manager.manager() == cast.director
    assert cast.director.manager() is None


def test_a_unit_without_a_head_passes_on_to_the_unit_above(cast):
    loose = Unit.objects.create(
        code="T9", name="Team Zonder Hoofd", kind=UnitKind.TEAM, parent=cast.department
    )
    person = make_person("2001", "Els", "Smit", loose)
    assert person.manager() == cast.manager


def test_one_person_may_head_two_units(cast):
    second = Unit.objects.create(
        code="T2",
        name="Team Post",
        kind=UnitKind.TEAM,
        parent=cast.department,
        head=cast.team_leader,
    )
    member = make_person("2002", "Bas", "Kok", second)
    assert member.manager() == cast.team_leader
    assert set(cast.team_leader.headed_units.all()) == {cast.team, second}


def test_a_department_mt_is_its_head_and_its_team_leaders(cast):
    # The head first, then the team leaders in name order.
    assert cast.department.management_team() == [cast.manager, cast.team_leader]


def test_a_directorate_mt_is_its_director_and_department_heads(cast):
    head_other = make_person("2003", "Rik", "Dam", cast.other_department)
    cast.other_department.head = head_other
    cast.other_department.save()
    assert set(cast.directorate.management_team()) == {cast.director, cast.manager, head_other}


def test_names_are_shown_and_sorted_the_dutch_way(cast):
    assert cast.manager.full_name == "Pieter de Vries"
    assert cast.manager.sorted_name == "Vries, Pieter de"
    make_person("3001", "Anna", "Vos", cast.team)
    names = [p.last_name for p in Person.objects.filter(last_name__in=["Vries", "Vos", "Amrani"])]
    assert names == ["Amrani", "Vos", "Vries"]  # "de Vries" under V, after "Vos"


def test_the_office_finds_a_person_by_name_or_number(cast, client_as):
    client = client_as("office")
    for query in ("pieter vries", "de vries", "1002", "Pieter de Vries"):
        body = client.get(reverse("organisation:person_search"), {"q": query}).content.decode()
        assert "Vries, Pieter de" in body, query
    body = client.get(reverse("organisation:person_search"), {"q": "nobody-like-this"}).content
    assert "Vries, Pieter de" not in body.decode()


def test_a_unit_page_shows_head_mt_members_and_base_programme(cast, client_as):
    body = (
        client_as("office")
        .get(reverse("organisation:unit_detail", args=[cast.department.pk]))
        .content.decode()
    )
    assert "Pieter de Vries" in body  # head
    assert "Fatima Amrani" in body  # MT member through the team
    assert "Team Balie" in body  # unit below
    assert "Dienstverlening" in body  # breadcrumb


def test_an_unknown_unit_is_not_found(cast, client_as):
    response = client_as("office").get(reverse("organisation:unit_detail", args=[999999]))
    assert response.status_code == 404


def test_the_office_sets_the_base_programme_and_it_is_audited(cast, client_as):
    url = reverse("organisation:base_programme_edit", args=[cast.team.pk, "team"])
    response = client_as("office").post(
        url, {"completed_on": "2026-10-01", "trainers": [cast.trainer.pk]}
    )
    assert response.status_code == 302
    programme = BaseProgramme.objects.get(unit=cast.team, scope="team")
    assert str(programme.completed_on) == "2026-10-01"
    assert list(programme.trainers.all()) == [cast.trainer]
    event = AuditEvent.objects.get(action="base_programme.set")
    assert event.actor == cast.office
    assert event.changes["completed_on"] == [None, "2026-10-01"]


def test_only_trainers_can_be_involved_in_a_base_programme(cast, client_as):
    url = reverse("organisation:base_programme_edit", args=[cast.team.pk, "team"])
    response = client_as("office").post(url, {"completed_on": "", "trainers": [cast.office.pk]})
    assert response.status_code == 200
    assert not BaseProgramme.objects.exists()


def test_an_unknown_scope_is_not_found(cast, client_as):
    url = reverse("organisation:base_programme_edit", args=[cast.team.pk, "xyz"])
    assert client_as("office").get(url).status_code == 404


def test_the_audit_trail_is_readable_by_the_office_only(cast, client_as):
    client_as("office").post(
        reverse("organisation:base_programme_edit", args=[cast.team.pk, "team"]),
        {"completed_on": "2026-10-01"},
    )
    body = client_as("office").get(reverse("audit:list")).content.decode()
    assert "base_programme.set" in body
    assert client_as("manager").get(reverse("audit:list")).status_code == 403


def test_the_audit_trail_cannot_be_changed_in_the_admin(cast, client_as):
    event = AuditEvent.objects.create(action="test", actor_label="x")
    admin = client_as("admin")
    change = reverse("admin:audit_auditevent_change", args=[event.pk])
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin.post(change, {"action": "changed"}).status_code in (403, 200)
    assert admin.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.action == "test"


def test_names_are_escaped(cast, client_as):
    cast.employee.first_name = "<script>alert(1)</script>"
    cast.employee.save()
    body = (
        client_as("office")
        .get(reverse("organisation:unit_detail", args=[cast.team.pk]))
        .content.decode()
    )
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_managed_by_is_the_manager_rule_read_downwards(db):
    """Person.objects.managed_by(m) must list exactly the people whose manager() is m, on a
    demo organisation with its irregularities (a headless team, a leader of two teams)."""
    from django.core.management import call_command

    call_command("demo", size=120, seed=3, verbosity=0)
    people = list(Person.objects.select_related("unit"))
    expected: dict[int, set[int]] = {}
    for person in people:
        boss = person.manager()
        if boss is not None:
            expected.setdefault(boss.pk, set()).add(person.pk)
    managers = {p.pk: p for p in people if p.headed_units.exists()}
    for pk, manager in managers.items():
        got = set(Person.objects.managed_by(manager).values_list("pk", flat=True))
        assert got == expected.get(pk, set()), manager
