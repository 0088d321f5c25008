"""Shared by the coaching tests."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from navolging.accounts.models import User
from navolging.coaching import services
from navolging.coaching.models import CoachAssignment, CoachProfile, Consult, ConsultTopic
from navolging.organisation.models import BaseProgramme, ProgrammeScope


def make_coach(email: str = "coach@example.org", name: str = "Carla Coach", **profile) -> User:
    user = User.objects.create_user(email, name=name, is_trainer=True)
    CoachProfile.objects.create(user=user, **profile)
    return user


def assign(team, coach: User, *, by=None) -> CoachAssignment:
    """Make `coach` the team's coach through the service, as one of its trainers."""
    programme, _ = BaseProgramme.objects.get_or_create(unit=team, scope=ProgrammeScope.TEAM)
    programme.trainers.add(coach)
    return services.coach_assign(team=team, coach=coach, by=by or coach)


def soon(days: int = 3, hour: int = 10) -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.localtime() + dt.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return start, start + dt.timedelta(hours=1)


def ask(person, coach: User, *, message: str = "", **extra) -> Consult:
    """`person` asks `coach` for a consult through the service, as the page would."""
    values = {"topic": ConsultTopic.PREPARE, "message": message, "preferred_times": ""}
    return services.consult_request(requester=person, coach=coach, **{**values, **extra})
