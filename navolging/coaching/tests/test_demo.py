"""Team coaching in the demo organisation: coaches within capacity, the demo trainer coaches
the demo team, visits with reflections, only anonymised consults (nobody can open one) and no
mail."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from navolging.accounts.models import User
from navolging.coaching import selectors
from navolging.coaching.demo import coaching_demo_load
from navolging.coaching.models import (
    CoachAssignment,
    CoachingSettings,
    CoachProfile,
    Consult,
    ConsultStatus,
    Visit,
)
from navolging.coaching.services import involved_trainers
from navolging.notifications.demo import demo_items_load
from navolging.notifications.models import OutboxMessage
from navolging.organisation import demo
from navolging.organisation.models import Unit, UnitKind

SIZE = 300


@pytest.fixture
def loaded(db):
    call_command("demo", size=SIZE, seed=7, verbosity=0, stdout=StringIO(), stderr=StringIO())
    return {
        login.role: User.objects.get(email=login.email) for login in demo.demo_logins_recorded()
    }


def test_every_trainer_coaches_within_capacity(loaded):
    trainers = User.objects.filter(is_trainer=True)
    profiles = {p.user_id: p.capacity for p in CoachProfile.objects.all()}
    assert set(profiles) == set(trainers.values_list("pk", flat=True))
    taken = Counter(CoachAssignment.objects.values_list("coach_id", flat=True))
    assert taken and all(taken[pk] <= capacity for pk, capacity in profiles.items())
    assert all(capacity >= 8 for capacity in profiles.values())


def test_about_nine_teams_in_ten_have_a_coach_mostly_their_own_trainers(loaded):
    teams = Unit.objects.filter(kind=UnitKind.TEAM)
    assignments = list(CoachAssignment.objects.select_related("team"))
    assert 0.8 * teams.count() <= len(assignments) < teams.count()
    outside = [a for a in assignments if a.coach_id not in involved_trainers(a.team)]
    # A coach from outside the team's own trainers always has a stated reason.
    assert all(a.reason for a in outside)
    assert len(outside) < len(assignments) / 2


def test_the_demo_trainer_coaches_the_demo_team_with_visits_and_reflections(loaded):
    team = loaded["employee"].person.unit
    assert loaded["team_leader"].person.unit == team
    assert CoachAssignment.objects.get(team=team).coach == loaded["trainer"]
    visits = Visit.objects.filter(team=team, coach=loaded["trainer"])
    held = visits.filter(item__starts_at__lt=timezone.now())
    assert held.count() == 2 and all(v.reflection and v.reflection_at for v in held)
    assert held.exclude(private_note="").count() == 1
    # The coming visit from the demo agenda is the team's planned visit.
    assert visits.filter(item__starts_at__gt=timezone.now()).count() == 1
    (state,) = selectors.team_states([team])
    assert state.state == "on_track" and state.coach == loaded["trainer"]


def test_some_teams_are_behind_the_rhythm_and_some_have_no_coach(loaded):
    states = Counter(s.state for s in selectors.team_states(Unit.objects.filter(kind="team")))
    assert states["behind"] >= 1 and states["no_coach"] >= 1 and states["on_track"] >= 1


def test_the_demo_writes_no_mail_and_holds_no_consult_anyone_can_open(loaded, mailoutbox):
    assert not OutboxMessage.objects.exists() and mailoutbox == []
    assert Consult.objects.exists()
    assert not Consult.objects.filter(anonymised_at__isnull=True).exists()
    for user in [*loaded.values(), *User.objects.filter(is_trainer=True)]:
        assert not Consult.objects.visible_to(user).exists()


def test_anonymised_consults_feed_the_counts_per_coach_and_month(loaded):
    today = timezone.localdate()
    index = today.year * 12 + today.month - 1
    months = {dt.date((index - k) // 12, (index - k) % 12 + 1, 1) for k in range(4, 13)}
    consults = list(Consult.objects.all())
    # About one per fifty employees (300 here), spread over the months and the coaches.
    assert 4 <= len(consults) <= 8
    coaches = set(CoachProfile.objects.values_list("user_id", flat=True))
    for consult in consults:
        assert consult.requester_id is None
        assert consult.topic == consult.message == consult.preferred_times == ""
        assert consult.location == "" and consult.item_id is None
        assert consult.starts_at is None and consult.ends_at is None
        assert consult.status == ConsultStatus.CLOSED and consult.coach_id in coaches
        assert consult.month in months
        # As the purge leaves them: only the month of when it was asked and closed.
        assert timezone.localtime(consult.created_at).date() == consult.month
        assert consult.created_at == consult.closed_at == consult.updated_at
        assert consult.closed_at < consult.anonymised_at <= timezone.now()
    shown = selectors.consult_figures(sorted(months))
    assert {row.coach.pk for row in shown} <= coaches


def test_counsellor_and_complaints_texts_are_marked_as_examples(loaded):
    coaching = CoachingSettings.objects.get(pk=1)
    assert coaching.counsellor("nl").startswith("Voorbeeld:")
    assert coaching.complaints("nl").startswith("Voorbeeld:")
    assert coaching.counsellor("en").startswith("Example:")
    assert coaching.complaints("en").startswith("Example:")


@pytest.mark.parametrize("size", [100, 400])
def test_it_takes_the_same_few_queries_at_any_size(db, size):
    plan = demo.demo_plan(size, seed=3)
    demo.demo_load(plan, password=demo.DEFAULT_PASSWORD)
    logins = {login.role: login.email for login in plan.logins}
    demo_items_load(emails=logins, today=timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        made = coaching_demo_load(random.Random(3), logins=logins)
    assert made["assignments"] > 0 and made["visits"] > 0 and made["consults"] > 0
    assert len(queries) <= 24
