from __future__ import annotations

import pytest
from django.urls import reverse

from navolging.audit.models import AuditEvent
from navolging.followup import services
from navolging.followup.models import Goal, GoalProgress

from .helpers import held, plan, record


def test_default_goals_are_there_in_dutch_and_english(db):
    goals = list(Goal.objects.active())
    assert 3 <= len(goals) <= 5
    assert all(goal.text_nl and goal.text_en for goal in goals)
    assert goals[0].text("en") == goals[0].text_en
    assert goals[0].text("nl") == goals[0].text_nl


def test_the_office_adds_a_goal_at_the_end_and_it_is_recorded(cast, client_as):
    response = client_as("office").post(
        reverse("followup:goal_add"), {"text_nl": "We luisteren.", "text_en": "We listen."}
    )
    assert response.status_code == 302
    goal = Goal.objects.get(text_nl="We luisteren.")
    assert goal.order == max(Goal.objects.values_list("order", flat=True))
    event = AuditEvent.objects.get(action="followup.goal_add")
    assert event.actor == cast.office and event.object_id == str(goal.pk)


def test_a_goal_without_dutch_text_is_refused_and_nothing_is_stored(cast, client_as):
    before = Goal.objects.count()
    response = client_as("office").post(reverse("followup:goal_add"), {"text_en": "Only EN"})
    assert response.status_code == 400
    assert Goal.objects.count() == before


def test_the_office_edits_and_orders_goals(cast, client_as):
    client = client_as("office")
    first, second = list(Goal.objects.all())[:2]
    client.post(reverse("followup:goal_edit", args=[first.pk]), {"text_nl": "Nieuw", "text_en": ""})
    first.refresh_from_db()
    assert first.text_nl == "Nieuw" and first.text_en == ""
    client.post(reverse("followup:goal_move", args=[second.pk]), {"way": "up"})
    assert list(Goal.objects.all())[:2] == [second, first]


def test_a_goal_with_progress_cannot_be_deleted_but_goes_out_of_use_keeping_history(
    cast, client_as
):
    goal = Goal.objects.active().first()
    session = held(plan(cast))
    record(session, scores={goal.pk: 4})
    client = client_as("office")
    client.post(reverse("followup:goal_delete", args=[goal.pk]))
    assert Goal.objects.filter(pk=goal.pk).exists()
    client.post(reverse("followup:goal_active", args=[goal.pk]), {"active": "0"})
    goal.refresh_from_db()
    assert not goal.active
    assert GoalProgress.objects.get(goal=goal).score == 4
    with pytest.raises(services.FollowUpError):
        services.goal_delete(goal=goal, by=cast.office)


def test_a_goal_nobody_scored_can_be_deleted(cast, client_as):
    goal = services.goal_save(text_nl="Tijdelijk", by=cast.office)
    client_as("office").post(reverse("followup:goal_delete", args=[goal.pk]))
    assert not Goal.objects.filter(pk=goal.pk).exists()


def test_an_inactive_goal_is_not_asked_in_a_record(cast, client_as):
    goal = Goal.objects.active().first()
    services.goal_set_active(goal=goal, active=False, by=cast.office)
    session = held(plan(cast))
    page = client_as("team_leader").get(reverse("followup:session_record", args=[session.pk]))
    assert f"score_{goal.pk}" not in page.content.decode()


@pytest.mark.parametrize("role", ["employee", "manager", "team_leader", "trainer", "as_adviser"])
def test_only_the_office_manages_goals(cast, client_as, role):
    assert client_as(role).get(reverse("followup:goal_list")).status_code == 403
    response = client_as(role).post(reverse("followup:goal_add"), {"text_nl": "x"})
    assert response.status_code == 403
    assert not Goal.objects.filter(text_nl="x").exists()


def test_the_office_adds_a_theme_once(cast, client_as):
    client = client_as("office")
    client.post(reverse("followup:theme_add"), {"theme-name_nl": "Humor", "theme-name_en": ""})
    response = client.post(reverse("followup:theme_add"), {"theme-name_nl": "humor"})
    assert response.status_code == 400
    from navolging.followup.models import Theme

    assert Theme.objects.filter(name_nl__iexact="humor").count() == 1
