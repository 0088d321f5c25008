"""Planning a round's sessions: the Django side of `schedule.py`.

Turns a published round into the engine's plain data (groups, facilitators' availability,
closed periods, school regions), stores the sessions it returns as notifications items, so
invites and updates go out through the notifications mechanism.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import transaction

from navolging.audit.services import audit_record
from navolging.notifications.models import ItemKind
from navolging.notifications.services import item_plan

from . import schedule
from .models import FacilitatorProfile, RoundStatus, Session


def round_schedule(*, round_, by, request=None) -> list[str]:
    """Plan every group's sessions for the round (every rhythm_min..max working weeks, around
    Dutch public holidays) and send the invites through the notifications mechanism.

    Done once per round; returns what could not be planned, in words.
    """
    if round_.status != RoundStatus.PUBLISHED:
        raise ValueError("only a published round gets a schedule")
    groups = list(
        round_.groups.filter(facilitator__isnull=False)
        .select_related("facilitator")
        .prefetch_related("memberships__person__user")
    )
    profiles = {
        p.user_id: p
        for p in FacilitatorProfile.objects.filter(user__in=[g.facilitator_id for g in groups])
    }
    facilitators = []
    for pk in {g.facilitator_id for g in groups}:
        profile = profiles.get(pk)
        if profile is None:
            facilitators.append(schedule.Facilitator(id=pk))
        else:
            weekdays = frozenset(d - 1 for d in profile.weekdays) or schedule.WORKING_DAYS
            facilitators.append(
                schedule.Facilitator(id=pk, weekdays=weekdays, max_per_day=profile.sessions_per_day)
            )
    plan = schedule.Plan(
        groups=[
            schedule.Group(
                id=g.pk,
                members=frozenset(m.person_id for m in g.memberships.all()),
                facilitator=g.facilitator_id,
            )
            for g in groups
        ],
        facilitators=facilitators,
        period=schedule.Period(round_.starts_on, round_.ends_on),
        rhythm=schedule.Rhythm(round_.rhythm_min_weeks, round_.rhythm_max_weeks),
    )
    result = schedule.build_schedule(plan)
    zone = ZoneInfo("Europe/Amsterdam")
    by_pk = {g.pk: g for g in groups}
    numbers: Counter = Counter()
    with transaction.atomic():
        if Session.objects.filter(group__round=round_).exists():
            raise ValueError("this round has a schedule already")
        for planned in sorted(result.sessions, key=lambda s: (s.group, s.date, s.start)):
            group = by_pk[planned.group]
            numbers[group.pk] += 1
            attendees = [m.person.user for m in group.memberships.all() if m.person.user_id]
            item = item_plan(
                kind=ItemKind.INTERVISION,
                title=f"Intervisie {group.name}",
                starts_at=datetime.combine(planned.date, planned.start, zone),
                ends_at=datetime.combine(planned.date, planned.end, zone),
                attendees=[*attendees, group.facilitator],
                organiser=group.facilitator,
                obligation=True,
                by=by,
            )
            Session.objects.create(group=group, item=item, number=numbers[group.pk])
        audit_record(
            action="intervision.round_schedule",
            actor=by,
            obj=round_,
            changes={"sessions": len(result.sessions), "problems": len(result.problems)},
            request=request,
        )
    return [flag.message for flag in result.problems]
