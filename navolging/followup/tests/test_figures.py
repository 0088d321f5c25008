from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from navolging.followup import selectors
from navolging.followup.models import FollowUpSession, Goal, GoalProgress, SessionScope
from navolging.notifications.models import ItemStatus, PlannedItem

from .helpers import held, plan, record


def _cell(page: str, attrs: str) -> str:
    found = re.search(rf"<td [^>]*{attrs}[^>]*>(.*?)</td>", page, re.S)
    assert found, attrs
    return re.sub(r"<[^>]+>", "", found.group(1)).strip()


def _quarter_start(day: dt.date) -> dt.date:
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@pytest.fixture
def sessions(cast):
    """Six team sessions held this quarter, one held for the department, one cancelled and
    one still to come; the first goal is scored 1..5,5 and the second only twice."""
    first, second = list(Goal.objects.active())[:2]
    start = timezone.now() - dt.timedelta(minutes=1)
    for number, score in enumerate((1, 2, 3, 4, 5, 5)):
        session = held(plan(cast), at=start)
        scores = {first.pk: score, **({second.pk: 3} if number < 2 else {})}
        record(session, scores=scores)
    mt = plan(
        cast, unit=cast.department, scope=SessionScope.MANAGEMENT_TEAM, led_by=cast.manager.user
    )
    held(mt, at=start)
    cancelled = held(plan(cast), at=start)
    PlannedItem.objects.filter(pk=cancelled.item_id).update(status=ItemStatus.CANCELLED)
    plan(cast)  # still to come
    return first, second


def test_sessions_held_per_unit_match_the_database(cast, client_as, sessions):
    rows = {row.unit.pk: row.held for row in selectors.sessions_held_per_unit()}
    now = timezone.now()
    live = FollowUpSession.objects.exclude(item__status=ItemStatus.CANCELLED).filter(
        item__starts_at__lte=now
    )
    assert rows[cast.organisation.pk] == live.count() == 7
    assert rows[cast.directorate.pk] == 7
    assert rows[cast.department.pk] == live.filter(unit__in=[cast.department, cast.team]).count()
    assert rows[cast.other_department.pk] == 0
    page = client_as("office").get(reverse("followup:figures")).content.decode()
    assert _cell(page, f'data-unit="{cast.department.pk}"') == "7"
    assert _cell(page, f'data-unit="{cast.other_department.pk}"') == "0"


def test_progress_per_goal_is_the_average_or_too_few(cast, client_as, sessions):
    first, second = sessions
    quarters, lines = selectors.progress_per_quarter()
    assert quarters[-1] == _quarter_start(timezone.localdate()) and len(quarters) == 4
    line = {line.goal.pk: line for line in lines}
    expected = GoalProgress.objects.filter(goal=first).aggregate(a=Avg("score"))["a"]
    assert line[first.pk].averages[-1].score == round(expected, 1) == 3.3
    assert line[first.pk].averages[-1].sessions == 6
    assert line[second.pk].averages[-1].too_few and line[second.pk].averages[-1].sessions == 2
    page = client_as("office").get(reverse("followup:figures")).content.decode()
    assert _cell(page, f'data-goal="{first.pk}" data-quarter="3"').startswith(("3,3", "3.3"))
    assert _cell(page, f'data-goal="{second.pk}" data-quarter="3"') == gettext("too few sessions")
    assert page.count('class="nv-bar"') == 1  # one bar: the only average shown


@pytest.mark.parametrize("role", ["employee", "manager", "team_leader", "trainer", "as_adviser"])
def test_only_the_office_sees_the_figures(cast, client_as, role):
    assert client_as(role).get(reverse("followup:figures")).status_code == 403
