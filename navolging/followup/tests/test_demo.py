"""Follow-up in the demo organisation: the demo team's coming session is a real session the
team leader leads, a year of recorded sessions feeds the figures, best practices are shared,
and nothing is mailed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from navolging.accounts.models import User
from navolging.followup.models import BestPractice, FollowUpSession, GoalProgress
from navolging.notifications.models import ItemKind, OutboxMessage, PlannedItem
from navolging.organisation import demo


@pytest.fixture
def loaded(db):
    call_command("demo", size=300, seed=7, verbosity=0, stdout=StringIO(), stderr=StringIO())
    return {
        login.role: User.objects.get(email=login.email) for login in demo.demo_logins_recorded()
    }


def test_the_demo_teams_coming_session_is_led_by_its_team_leader(loaded, client):
    leader = loaded["team_leader"]
    assert not PlannedItem.objects.filter(
        kind=ItemKind.FOLLOWUP, followup_session__isnull=True
    ).exists()
    coming = FollowUpSession.objects.get(recorded_at__isnull=True)
    assert coming.led_by == leader and coming.unit.head.user == leader
    client.force_login(loaded["employee"])  # in the session's agenda item: may open it
    page = client.get(reverse("followup:session_detail", args=[coming.pk]))
    assert page.status_code == 200


def test_recorded_sessions_and_shared_best_practices_without_mail(loaded, client):
    recorded = FollowUpSession.objects.filter(recorded_at__isnull=False)
    assert recorded.count() >= 10
    assert GoalProgress.objects.filter(session__in=recorded).count() >= recorded.count()
    assert BestPractice.objects.shared().count() == 3
    assert not OutboxMessage.objects.exists()
    client.force_login(loaded["office"])
    assert client.get(reverse("followup:figures")).status_code == 200
