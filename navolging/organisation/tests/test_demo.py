from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from navolging.accounts.models import Role, User
from navolging.audit.models import AuditEvent
from navolging.organisation import demo
from navolging.organisation.models import (
    BaseProgramme,
    OrganisationSettings,
    Person,
    ProgrammeScope,
    Unit,
    UnitKind,
)

SIZE = 120


def load(**options) -> str:
    out = StringIO()
    call_command("demo", size=SIZE, seed=7, verbosity=1, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


@pytest.fixture
def output(db) -> str:
    return load()


def logins() -> dict[str, User]:
    return {
        login.role: User.objects.get(email=login.email) for login in demo.demo_logins_recorded()
    }


def test_it_builds_one_organisation_with_directorates_departments_and_teams(output):
    kinds = dict(Unit.objects.values_list("kind").annotate(n=Count("id")))
    assert kinds == {
        UnitKind.ORGANISATION: 1,
        UnitKind.DIRECTORATE: 2,
        UnitKind.DEPARTMENT: 3,
        UnitKind.TEAM: 9,
    }
    assert Person.objects.count() == SIZE
    assert OrganisationSettings.load().name == demo.ORGANISATION_NAME


def test_its_shape_scales_with_the_size_asked():
    counts = demo.demo_plan(2400, seed=1).counts()
    assert (counts["directorates"], counts["departments"], counts["teams"]) == (6, 30, 180)
    assert counts["trainers"] == 8
    assert counts["people"] == 2400


def test_every_team_hangs_under_a_department_or_directorate(output):
    teams = Unit.objects.filter(kind=UnitKind.TEAM).select_related("parent")
    parents = Counter(team.parent.kind for team in teams)
    assert set(parents) == {UnitKind.DEPARTMENT, UnitKind.DIRECTORATE}
    assert parents[UnitKind.DIRECTORATE] == 1  # the one irregular staff team


def test_it_has_the_irregularities_of_a_real_export(output):
    assert list(Unit.objects.filter(head__isnull=True).values_list("kind", flat=True)) == [
        UnitKind.TEAM
    ]
    heads = Unit.objects.values("head").annotate(n=Count("id")).filter(n__gt=1)
    assert heads.count() == 1
    for kind in (UnitKind.ORGANISATION, UnitKind.DIRECTORATE, UnitKind.DEPARTMENT):
        assert not Unit.objects.filter(kind=kind, head__isnull=True).exists()


def test_heads_lead_the_unit_they_belong_to(output):
    for unit in Unit.objects.filter(head__isnull=False).select_related("head"):
        assert unit.head.unit_id == unit.pk or unit.head.headed_units.count() == 2


def test_it_splits_tussenvoegsels_so_names_sort_dutch(output):
    people = list(Person.objects.all())
    assert any(p.prefix for p in people)
    assert not any(p.last_name.split()[0] in demo.PARTICLES for p in people)
    assert all(p.last_name[0].isupper() for p in people)
    office = logins()["office"]
    client = Client()
    client.force_login(office)
    team = Unit.objects.filter(kind=UnitKind.TEAM).annotate(n=Count("members")).latest("n")
    html = client.get(reverse("organisation:unit_detail", args=[team.pk])).content.decode()
    members = sorted(team.members.all(), key=Person.sort_key)
    positions = [html.index(p.sorted_name) for p in members]
    assert positions == sorted(positions)


def test_addresses_and_employee_numbers_are_unique(output):
    people = Person.objects.all()
    assert people.values("email").distinct().count() == SIZE
    assert people.values("employee_number").distinct().count() == SIZE
    assert all(p.email.endswith("@" + demo.DOMAIN) for p in people)


def test_some_people_prefer_english():
    plan = demo.demo_plan(2400, seed=3)
    english = sum(1 for p in plan.people if p.language == "en")
    assert 0.03 < english / len(plan.people) < 0.07


def test_most_base_programmes_are_completed_with_one_or_two_trainers(output):
    programmes = BaseProgramme.objects.annotate(n=Count("trainers"))
    teams = Unit.objects.filter(kind=UnitKind.TEAM).count()
    completed = programmes.filter(scope=ProgrammeScope.TEAM, completed_on__isnull=False)
    assert 0 < completed.count() <= teams
    assert programmes.filter(scope=ProgrammeScope.MANAGEMENT_TEAM).count() == 5
    assert all(1 <= p.n <= 2 for p in programmes)
    assert all(p.completed_on.year == 2026 for p in completed)
    assert User.objects.filter(is_trainer=True, base_programmes__isnull=False).exists()


def test_demo_logins_work_with_the_shared_password(output):
    users = logins()
    assert set(users) == set(demo.LOGIN_ROLES)
    for role, user in users.items():
        assert user.email in output
        client = Client()
        response = client.post(
            reverse("accounts:login"),
            {"username": user.email, "password": demo.DEFAULT_PASSWORD},
        )
        assert response.status_code == 302, role
        assert client.session["_auth_user_id"] == str(user.pk), role
    assert demo.DEFAULT_PASSWORD in output
    assert demo.SITE_URL in output


def test_each_demo_login_holds_its_role(output):
    users = logins()
    assert users["office"].has_role(Role.PROGRAMME_OFFICE)
    assert users["admin"].is_staff and users["admin"].is_superuser
    assert users["manager"].person.headed_units.get().kind == UnitKind.DEPARTMENT
    team = users["team_leader"].person.headed_units.get()
    assert team.kind == UnitKind.TEAM
    assert team.parent == users["manager"].person.unit
    assert users["employee"].person.unit == team
    assert not users["employee"].is_manager
    assert users["trainer"].is_trainer
    assert users["trainer"].base_programmes.filter(unit=team.parent).exists()
    assert users["as"].has_role(Role.AS)


def test_only_the_demo_logins_have_a_password(output):
    usable = [u.email for u in User.objects.all() if u.has_usable_password()]
    assert sorted(usable) == sorted(u.email for u in logins().values())


def test_the_same_seed_gives_the_same_organisation():
    assert demo.demo_plan(SIZE, seed=7) == demo.demo_plan(SIZE, seed=7)
    assert demo.demo_plan(SIZE, seed=7).people != demo.demo_plan(SIZE, seed=8).people


def test_if_empty_skips_a_filled_database_but_shows_the_logins(output):
    again = load(if_empty=True)
    assert Person.objects.count() == SIZE
    assert AuditEvent.objects.filter(action=demo.AUDIT_ACTION).count() == 1
    assert "kantoor@" + demo.DOMAIN in again
    assert demo.DEFAULT_PASSWORD in again


def test_if_empty_does_not_claim_the_default_password_after_a_custom_one(db):
    load(password="een-ander-demowachtwoord")
    again = load(if_empty=True)
    assert demo.DEFAULT_PASSWORD not in again
    assert "een-ander-demowachtwoord" not in again


def test_it_refuses_to_load_next_to_existing_people(output):
    with pytest.raises(CommandError):
        load()


def test_it_records_the_load_in_the_audit_trail(output):
    event = AuditEvent.objects.get(action=demo.AUDIT_ACTION)
    assert event.changes["people"] == SIZE
    assert event.changes["teams"] == 9


@pytest.mark.parametrize(
    ("raw", "split"),
    [
        ("van der Berg", ("van der", "Berg")),
        ("Jansen", ("", "Jansen")),
        ("van 't Riet", ("van 't", "Riet")),
        ("Bourgondië, van", None),
        ("Gepa van Bourgondië", None),
    ],
)
def test_it_splits_a_last_name_into_prefix_and_name(raw, split):
    assert demo.split_last_name(raw) == split


def test_addresses_are_plain_ascii():
    assert demo.email_local_part("Aimée") == "aimee"
    assert demo.email_local_part("van 't", "Riet") == "vantriet"


def test_each_demo_login_opens_my_page(output):
    for role, user in logins().items():
        client = Client()
        client.force_login(user)
        assert client.get(reverse("home")).status_code == 200, role


def test_the_demo_plans_a_few_items_without_sending_mail(output, mailoutbox):
    from navolging.notifications.models import OutboxMessage, PlannedItem

    users = logins()
    employee_items = PlannedItem.objects.for_user(users["employee"])
    assert employee_items.count() == 2
    # No consults in the demo: an appointment with a coach without its consult would mislead.
    assert not PlannedItem.objects.filter(confidential=True).exists()
    assert PlannedItem.objects.for_user(users["manager"]).filter(obligation=True).exists()
    assert mailoutbox == [] and not OutboxMessage.objects.exists()
    client = Client()
    client.force_login(users["employee"])
    body = client.get(reverse("notifications:agenda")).content.decode()
    assert "Follow-up sessie: wat werkt in ons team?" in body


def test_every_base_programme_with_trainers_has_one_of_them_as_head_trainer(output):
    from navolging.organisation.models import BaseProgramme

    programmes = BaseProgramme.objects.prefetch_related("trainers")
    with_trainers = [p for p in programmes if p.trainers.all()]
    assert with_trainers
    assert all(p.head_trainer in p.trainers.all() for p in with_trainers)
