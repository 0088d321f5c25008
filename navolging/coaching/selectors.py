"""What a page may read of team coaching, always starting from the user asking.

Consults are only ever fetched through `consult_for` / `consults_of` (requester and coach);
the office's figures are bands of five per coach per completed month (navolging/lib/figures.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from navolging.accounts.models import User
from navolging.lib.figures import Shown, shown
from navolging.notifications.models import ItemStatus
from navolging.organisation.models import Person, Unit, UnitKind

from .models import CoachAssignment, CoachingSettings, Consult, Visit


def consult_for(user: User, pk) -> Consult:
    """A consult the user is requester or coach of; anyone else gets 404 (R10)."""
    return get_object_or_404(
        Consult.objects.visible_to(user).select_related("requester__unit", "coach", "item"), pk=pk
    )


def consults_of(user: User):
    return Consult.objects.visible_to(user).select_related("requester__unit", "coach", "item")


# -- teams and visits --------------------------------------------------------------------------


def may_read_team(user: User, team: Unit) -> bool:
    """The team's members, its manager and its coach read its coach, visits and reflections."""
    if CoachAssignment.objects.filter(team=team, coach=user).exists():
        return True
    person = user.person_or_none
    if person is None or not person.active:
        return False
    if person.unit_id == team.pk:
        return True
    leader = team.leader()
    return leader is not None and leader.pk == person.pk


def team_for(user: User, pk: int) -> Unit:
    team = get_object_or_404(Unit.objects.filter(kind=UnitKind.TEAM), pk=pk)
    if not may_read_team(user, team):
        raise Http404
    return team


def visit_for(user: User, pk) -> Visit:
    """A visit of a team the user may read, or one they coached; anyone else gets 404."""
    visit = get_object_or_404(
        Visit.objects.select_related("team", "coach", "item", "planned_by"), pk=pk
    )
    if visit.coach_id != user.pk and not may_read_team(user, visit.team):
        raise Http404
    return visit


def teams_of_person(person: Person) -> list[Unit]:
    """The teams whose coach a person sees: their own team and the teams they lead."""
    teams = {person.unit_id} | set(
        person.headed_units.filter(active=True, kind=UnitKind.TEAM).values_list("pk", flat=True)
    )
    return list(
        Unit.objects.filter(pk__in=teams, kind=UnitKind.TEAM, active=True)
        .select_related("coach_assignment__coach__coach_profile")
        .order_by("name")
    )


def coach_of(person: Person) -> User | None:
    """The coach of the person's own team."""
    assignment = (
        CoachAssignment.objects.filter(team_id=person.unit_id).select_related("coach").first()
    )
    return assignment.coach if assignment else None


def consult_coaches(person: Person) -> list[User]:
    """Whom a person may ask for a consult: their team's coach first, then the pool."""
    own = coach_of(person)
    pool = list(
        User.objects.filter(
            is_trainer=True, is_active=True, coach_profile__takes_consults=True
        ).order_by("name", "email")
    )
    return ([own] if own else []) + [coach for coach in pool if own is None or coach.pk != own.pk]


# -- rhythm and coverage -----------------------------------------------------------------------


@dataclass(frozen=True)
class TeamState:
    team: Unit
    coach: User | None
    last_visit: dt.datetime | None
    next_visit: dt.datetime | None
    due: dt.date | None  # when the next visit is due by the rhythm
    state: str  # "no_coach", "behind", "planned", "on_track"


def team_states(teams, *, now: dt.datetime | None = None) -> list[TeamState]:
    """Where each team stands against the rhythm: a fixed number of queries for any number.

    Due = the last held visit (or the day the coach was assigned) + the rhythm. Behind = due
    has passed and nothing is planned; planned = due has passed but a visit is coming.
    """
    now = now or timezone.now()
    every = dt.timedelta(weeks=CoachingSettings.load().visit_every_weeks)
    # A queryset stays a subquery: thousands of teams are not sent back as parameters.
    subquery = teams.values("pk") if isinstance(teams, QuerySet) else None
    teams = list(teams)
    pks = [t.pk for t in teams] if subquery is None else subquery
    assignments = {
        team_id: (coach_id, assigned_at)
        for team_id, coach_id, assigned_at in CoachAssignment.objects.filter(
            team_id__in=pks
        ).values_list("team_id", "coach_id", "assigned_at")
    }
    # Few coaches for many teams: each coach read once, with the person behind their name.
    coaches = User.objects.select_related("person").in_bulk({c for c, _a in assignments.values()})
    visits = (
        Visit.objects.filter(team_id__in=pks)
        .exclude(item__status=ItemStatus.CANCELLED)
        .values("team_id")
        .annotate(
            last=Max("item__starts_at", filter=Q(item__starts_at__lte=now)),
            next=Min("item__starts_at", filter=Q(item__starts_at__gt=now)),
        )
    )
    by_team = {row["team_id"]: row for row in visits}
    states = []
    for team in teams:
        assignment = assignments.get(team.pk)
        row = by_team.get(team.pk, {})
        last, upcoming = row.get("last"), row.get("next")
        if assignment is None:
            states.append(TeamState(team, None, last, upcoming, None, "no_coach"))
            continue
        coach_id, assigned_at = assignment
        since = max(filter(None, [last, assigned_at]))
        due = timezone.localdate(since + every)
        if due >= timezone.localdate(now):
            state = "on_track"
        else:
            state = "planned" if upcoming else "behind"
        states.append(TeamState(team, coaches[coach_id], last, upcoming, due, state))
    return states


# -- the office's consult figures --------------------------------------------------------------


@dataclass(frozen=True)
class CoachMonths:
    coach: User
    months: list[Shown]  # one per month in `consult_months`, oldest first


def consult_months(today: dt.date | None = None, count: int = 6) -> list[dt.date]:
    """The last `count` completed months (first days). The running month is never shown: a
    figure that changes during the month would tell when someone saw a coach."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        months.append(first)
    return list(reversed(months))


def consult_figures(months: list[dt.date]) -> list[CoachMonths]:
    """Consults with an appointment, per coach per month, as bands of five: never a list,
    a name, a topic or an exact small number (R10)."""
    rows = (
        Consult.objects.filter(month__in=months).values("coach_id", "month").annotate(n=Count("pk"))
    )
    counts = {(row["coach_id"], row["month"]): row["n"] for row in rows}
    coaches = User.objects.filter(
        Q(is_trainer=True) | Q(pk__in={c for c, _m in counts})
    ).select_related("person")
    return [
        CoachMonths(coach, [shown(counts.get((coach.pk, month), 0)) for month in months])
        for coach in coaches.order_by("name", "email")
    ]
