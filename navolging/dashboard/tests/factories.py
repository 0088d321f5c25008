"""A small organisation with something in every instrument, for the dashboard's tests."""

from __future__ import annotations

import datetime as dt
from itertools import count

from django.utils import timezone

from navolging.buddies.models import Participant
from navolging.coaching.models import CoachAssignment, Visit, VisitKind
from navolging.followup.models import FollowUpSession, SessionScope
from navolging.intervision.models import (
    AttendanceRecord,
    CompositionMode,
    Group,
    Membership,
    Presence,
    Round,
    RoundStatus,
)
from navolging.intervision.models import Session as IntervisionSession
from navolging.lib.testing import make_person
from navolging.notifications.models import ItemKind, PlannedItem
from navolging.organisation.models import BaseProgramme, ProgrammeScope, Unit, UnitKind

_numbers = count(5000)


def people(unit: Unit, n: int) -> list:
    found = []
    for _ in range(n):
        number = next(_numbers)
        found.append(make_person(str(number), "Test", f"Persoon{number}", unit))
    return found


def team(parent: Unit, name: str, size: int = 0) -> Unit:
    unit = Unit.objects.create(
        code=f"T{next(_numbers)}", name=name, kind=UnitKind.TEAM, parent=parent
    )
    people(unit, size)
    return unit


def base_done(unit: Unit, on: dt.date | None = None) -> None:
    BaseProgramme.objects.create(
        unit=unit,
        scope=ProgrammeScope.TEAM,
        completed_on=on or timezone.localdate() - dt.timedelta(days=100),
    )


def item(kind: str, at: dt.datetime, organiser) -> PlannedItem:
    return PlannedItem.objects.create(
        kind=kind, title="x", starts_at=at, ends_at=at + dt.timedelta(hours=1), organiser=organiser
    )


def coach(unit: Unit, user, *, assigned_days_ago: int = 30, visits_days_ago=()) -> None:
    now = timezone.now()
    CoachAssignment.objects.create(
        team=unit, coach=user, assigned_at=now - dt.timedelta(days=assigned_days_ago)
    )
    for days in visits_days_ago:
        Visit.objects.create(
            team=unit,
            coach=user,
            kind=VisitKind.TEAM_MEETING,
            item=item(ItemKind.COACH_VISIT, now - dt.timedelta(days=days), user),
            planned_by=user,
        )


def buddies(persons) -> None:
    for person in persons:
        Participant.objects.create(person=person)


def followup(unit: Unit, organiser, days_ago: int) -> FollowUpSession:
    return FollowUpSession.objects.create(
        unit=unit,
        scope=SessionScope.TEAM,
        item=item(ItemKind.FOLLOWUP, timezone.now() - dt.timedelta(days=days_ago), organiser),
        led_by=organiser,
        planned_by=organiser,
    )


def intervision(members, facilitator, presences: list[list[str]]) -> Group:
    """One published group of `members`; one past session per list in `presences` (one
    presence per member)."""
    today = timezone.localdate()
    round_ = Round.objects.create(
        name="Ronde",
        mode=CompositionMode.MIXED,
        starts_on=today - dt.timedelta(days=200),
        ends_on=today + dt.timedelta(days=100),
        status=RoundStatus.PUBLISHED,
    )
    group = Group.objects.create(round=round_, name="Groep 1", facilitator=facilitator)
    for person in members:
        Membership.objects.create(group=group, person=person)
    for number, row in enumerate(presences, start=1):
        at = timezone.now() - dt.timedelta(days=50 * (len(presences) - number + 1))
        session = IntervisionSession.objects.create(
            group=group,
            item=item(ItemKind.INTERVISION, at, facilitator),
            number=number,
        )
        for person, presence in zip(members, row, strict=True):
            AttendanceRecord.objects.create(
                session=session, person=person, presence=presence, recorded_by=facilitator
            )
    return group


PRESENT, ABSENT = Presence.PRESENT, Presence.ABSENT
