"""Intervision in the demo organisation (`manage.py demo`, docs/demo.md): one published round
of mixed groups that started about eleven months ago, its sessions so far with the attendance
the facilitators recorded, and the next one or two sessions of every group.

The groups come from the real formation engine (every manager who heads a unit, five to eight
to a group, nobody with their own manager or direct report) and the sessions from the real
schedule engine (every 6 to 8 working weeks, outside public holidays, no facilitator in two
places at once); both take well under a second at 100,000 employees. Everything is then written
straight to the tables with bulk inserts, in a fixed number of queries at any size: the
workflows would send an invite per member and session and record every step in the audit
trail, and loading a demo does neither.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from navolging.accounts.models import User
from navolging.notifications.models import Attendance, ItemKind, PlannedItem

from . import formation, rounds, schedule
from .models import (
    AttendanceRecord,
    ClosedPeriod,
    CompositionMode,
    Group,
    IntervisionSettings,
    Membership,
    Presence,
    Round,
    RoundStatus,
    Session,
)

ZONE = ZoneInfo(settings.TIME_ZONE)
MIN_SIZE, MAX_SIZE = 5, 8
#: The round's first session week: about eleven months ago.
STARTED_WEEKS_AGO = 48
#: The round runs on this long after today: every group has its next one or two sessions.
AHEAD_WEEKS = 10
FUTURE_SESSIONS = 2
ROOMS = (
    "Stadskantoor, zaal 4.02",
    "Stadskantoor, zaal 3.11",
    "Werf Noord, vergaderruimte",
    "Stadswinkel West, zaal 1",
    "Online",
)
#: Most members come; a few are often excused or absent (the office's attendance flags).
USUAL = (0.90, 0.08)  # present, excused; the rest absent
STRUGGLING = (0.60, 0.20)
STRUGGLING_SHARE = 0.06


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _at(day: dt.date, moment: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, moment, ZONE)


@transaction.atomic
def intervision_demo_load(
    rng: random.Random, *, logins: dict[str, str], now: dt.datetime | None = None
) -> dict[str, int]:
    """`logins` maps a demo role to its e-mail address: the demo trainer facilitates the groups
    of the demo manager and team leader, and the coming intervision item the notifications demo
    put in their agenda becomes the demo manager's group's next session. Returns what was made.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    made = {"rounds": 0, "groups": 0, "sessions": 0, "attendance": 0}
    people, by_number = rounds.participants()
    trainers = sorted(
        User.objects.filter(is_trainer=True, is_active=True).values_list("pk", flat=True)
    )
    if not people or not trainers:
        return made
    proposal = formation.form_mixed(
        people, formation.Rules(min_size=MIN_SIZE, max_size=MAX_SIZE), seed=rng.randrange(2**31)
    )
    if not proposal.groups:
        return made
    starts_on = _monday(today - dt.timedelta(weeks=STARTED_WEEKS_AGO))
    ends_on = _monday(today + dt.timedelta(weeks=AHEAD_WEEKS)) + dt.timedelta(days=4)
    round_ = Round.objects.create(
        # Named after the year most of its sessions fall in.
        name=f"Intervisie {(starts_on + (ends_on - starts_on) / 2).year}: gemengde groepen",
        mode=CompositionMode.MIXED,
        min_size=MIN_SIZE,
        max_size=MAX_SIZE,
        starts_on=starts_on,
        ends_on=ends_on,
        status=RoundStatus.PUBLISHED,
        seed=rng.randrange(10_000),
        notes=[note.as_json() for note in proposal.notes],
        published_at=_at(starts_on - dt.timedelta(weeks=3), dt.time(10)),
    )
    created = _at(starts_on - dt.timedelta(weeks=5), dt.time(14))
    Round.objects.filter(pk=round_.pk).update(created_at=created)

    users = dict(User.objects.filter(email__in=logins.values()).values_list("email", "pk"))
    demo_trainer = users.get(logins.get("trainer", ""))
    # The demo manager first: their group takes over the coming item of the demo agenda.
    demo_people = [
        users[logins[role]] for role in ("manager", "team_leader") if logins.get(role) in users
    ]
    members = [[by_number[number] for number in group] for group in proposal.groups]
    facilitators = _facilitators(rng, members, trainers, demo_trainer, demo_people)
    names = rounds._group_names(proposal.groups, people)
    groups = Group.objects.bulk_create(
        [
            Group(
                round=round_,
                name=name,
                facilitator_id=facilitator,
                report=rounds._report_json(report),
            )
            for name, facilitator, report in zip(names, facilitators, proposal.reports, strict=True)
        ],
        batch_size=1000,
    )
    Membership.objects.bulk_create(
        [
            Membership(group_id=group.pk, person_id=person.pk)
            for group, people_in in zip(groups, members, strict=True)
            for person in people_in
        ],
        batch_size=2000,
    )
    planned = _sessions_planned(round_, groups, members, now)
    sessions = _sessions_load(rng, groups, members, planned, now, demo_people)
    made.update(
        rounds=1,
        groups=len(groups),
        sessions=len(sessions),
        attendance=_attendance_load(rng, groups, members, sessions, now),
    )
    return made


def _facilitators(
    rng: random.Random,
    members: list[list],
    trainers: list[int],
    demo_trainer: int | None,
    demo_people: list[int],
) -> list[int]:
    """The least loaded trainer for every group; the demo trainer for the demo logins'
    groups, so they see the same group from both sides."""
    load: Counter = Counter()
    chosen: list[int | None] = [None] * len(members)
    if demo_trainer in trainers:
        for number, people in enumerate(members):
            if any(p.user_id in demo_people for p in people):
                chosen[number] = demo_trainer
                load[demo_trainer] += 1
    order = list(range(len(members)))
    rng.shuffle(order)
    for number in order:
        if chosen[number] is None:
            fewest = min(load[t] for t in trainers)
            pick = rng.choice([t for t in trainers if load[t] == fewest])
            chosen[number] = pick
            load[pick] += 1
    return chosen


def _sessions_planned(
    round_: Round, groups: list[Group], members: list[list], now: dt.datetime
) -> dict[int, list[schedule.Session]]:
    """The schedule engine's series for every group over the whole round, with the
    organisation's closed periods and school regions, as a real round would be planned."""
    regions = IntervisionSettings.load().school_regions
    plan = schedule.Plan(
        groups=[
            schedule.Group(
                id=group.pk,
                members=frozenset(p.pk for p in people),
                facilitator=group.facilitator_id,
            )
            for group, people in zip(groups, members, strict=True)
        ],
        facilitators=[schedule.Facilitator(id=pk) for pk in {g.facilitator_id for g in groups}],
        period=schedule.Period(round_.starts_on, round_.ends_on),
        rhythm=schedule.Rhythm(round_.rhythm_min_weeks, round_.rhythm_max_weeks),
        closures=[
            schedule.Closure(c.starts_on, c.ends_on, c.name) for c in ClosedPeriod.objects.all()
        ],
        school_regions=[r for r in regions if r in schedule.REGIONS],
    )
    by_group: dict[int, list[schedule.Session]] = defaultdict(list)
    for planned in sorted(schedule.build_schedule(plan).sessions, key=lambda s: (s.date, s.start)):
        series = by_group[planned.group]
        ahead = [s for s in series if _at(s.date, s.start) > now]
        if len(ahead) < FUTURE_SESSIONS:  # the sessions so far and the next one or two
            series.append(planned)
    return by_group


def _sessions_load(
    rng: random.Random,
    groups: list[Group],
    members: list[list],
    planned: dict[int, list[schedule.Session]],
    now: dt.datetime,
    demo_people: list[int],
) -> list[tuple[Session, PlannedItem, int]]:
    """Every session as a calendar item (an obligation) of its members and facilitator. The
    coming intervision item of the demo agenda becomes the demo manager's group's next session,
    at the time the engine chose for it."""
    demo_item = (
        PlannedItem.objects.filter(
            kind=ItemKind.INTERVISION, intervision_session__isnull=True, starts_at__gt=now
        )
        .order_by("starts_at")
        .first()
    )
    rows: list[tuple[int, schedule.Session]] = []
    for number, group in enumerate(groups):
        rows += [(number, s) for s in planned.get(group.pk, [])]
    taken_over: tuple[int, PlannedItem] | None = None
    if demo_item is not None:
        attendees = set(demo_item.attendances.values_list("user_id", flat=True))
        for user in (u for u in demo_people if u in attendees):
            found = next(
                (
                    index
                    for index, (number, session) in enumerate(rows)
                    if user in {p.user_id for p in members[number]}
                    and groups[number].facilitator_id == demo_item.organiser_id
                    and _at(session.date, session.start) > now
                ),
                None,
            )
            if found is not None:
                taken_over = (found, demo_item)
                break
    items = []
    for index, (number, session) in enumerate(rows):
        group = groups[number]
        fields = dict(
            kind=ItemKind.INTERVISION,
            title=f"Intervisie {group.name}",
            starts_at=_at(session.date, session.start),
            ends_at=_at(session.date, session.end),
            organiser_id=group.facilitator_id,
            obligation=True,
        )
        if taken_over is not None and taken_over[0] == index:
            item = taken_over[1]
            for name, value in fields.items():
                setattr(item, name, value)
            items.append(item)
        else:
            items.append(PlannedItem(location=rng.choice(ROOMS), **fields))
    PlannedItem.objects.bulk_create([item for item in items if item.pk is None], batch_size=1000)
    if taken_over is not None:
        item = taken_over[1]
        item.save(
            update_fields=["title", "starts_at", "ends_at", "organiser", "obligation", "updated_at"]
        )
        Attendance.objects.filter(item=item).delete()  # its attendees become the group's
    Attendance.objects.bulk_create(
        [
            Attendance(item_id=item.pk, user_id=user)
            for item, (number, _session) in zip(items, rows, strict=True)
            for user in dict.fromkeys(
                [
                    *(p.user_id for p in members[number] if p.user_id),
                    groups[number].facilitator_id,
                ]
            )
        ],
        batch_size=2000,
    )
    numbers: Counter = Counter()
    sessions = []
    for item, (number, _session) in zip(items, rows, strict=True):
        numbers[number] += 1
        sessions.append(
            Session(group_id=groups[number].pk, item_id=item.pk, number=numbers[number])
        )
    sessions = Session.objects.bulk_create(sessions, batch_size=1000)
    return [
        (session, item, number)
        for session, item, (number, _planned) in zip(sessions, items, rows, strict=True)
    ]


def _attendance_load(
    rng: random.Random,
    groups: list[Group],
    members: list[list],
    sessions: list[tuple[Session, PlannedItem, int]],
    now: dt.datetime,
) -> int:
    """What each facilitator recorded after the sessions that took place: most members came,
    some were excused, a few were absent. Recorded when the session ended."""
    struggling = {p.pk for people in members for p in people if rng.random() < STRUGGLING_SHARE}
    records = []
    for session, item, number in sessions:
        if item.ends_at > now:
            continue
        for person in members[number]:
            present, excused = STRUGGLING if person.pk in struggling else USUAL
            draw = rng.random()
            presence = (
                Presence.PRESENT
                if draw < present
                else Presence.EXCUSED
                if draw < present + excused
                else Presence.ABSENT
            )
            records.append(
                AttendanceRecord(
                    session_id=session.pk,
                    person_id=person.pk,
                    presence=presence,
                    recorded_by_id=groups[number].facilitator_id,
                )
            )
    AttendanceRecord.objects.bulk_create(records, batch_size=2000)
    # recorded_at is set on every save; one UPDATE puts it at the end of the session instead.
    if records:
        AttendanceRecord.objects.filter(session__group__round_id=groups[0].round_id).update(
            recorded_at=Subquery(
                PlannedItem.objects.filter(intervision_session=OuterRef("session_id")).values(
                    "ends_at"
                )[:1]
            )
        )
    return len(records)
