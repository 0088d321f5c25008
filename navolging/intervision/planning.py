"""Planning a round's sessions: the Django side of `schedule.py`.

Turns a round into the engine's plain data (groups, facilitators' availability, closed periods,
school regions), stores the sessions it returns as notifications items, so invites and updates
go out through the notifications mechanism, and says in words what the engine flags. The
organisation's planning settings (closed periods, school regions, facilitators' days) are
changed here too: they are the engine's inputs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from navolging.accounts.models import User
from navolging.audit.services import audit_record, diff
from navolging.notifications.models import ItemKind, ItemStatus
from navolging.notifications.services import item_move, item_plan
from navolging.organisation.models import Person

from . import schedule
from .models import (
    ClosedPeriod,
    FacilitatorProfile,
    Group,
    IntervisionSettings,
    Round,
    RoundStatus,
    Session,
)

ZONE = ZoneInfo(settings.TIME_ZONE)
#: A group without a facilitator gets this engine id: no user has it, so `check` flags it.
NO_FACILITATOR = 0


class SessionInPast(ValueError):
    """A session that has started cannot be moved, nor can one be moved into the past."""


def groups_to_plan(round_: Round) -> QuerySet[Group]:
    """The round's groups that still need their sessions: not dissolved, with a facilitator,
    and no session yet."""
    return round_.groups.filter(
        dissolved_at__isnull=True, facilitator__isnull=False, sessions__isnull=True
    )


# -- the engine's data ------------------------------------------------------------------------


def _facilitators(user_ids, unavailable: dict | None = None) -> list[schedule.Facilitator]:
    """Facilitators with their days (ISO 1-5 in the profile, 0 = Monday in the engine)."""
    profiles = {p.user_id: p for p in FacilitatorProfile.objects.filter(user__in=user_ids)}
    result = []
    for pk in sorted(user_ids):
        profile, extra = profiles.get(pk), {}
        if profile is not None:
            weekdays = frozenset(d - 1 for d in profile.weekdays if 1 <= d <= 5)
            extra = {
                "weekdays": weekdays or schedule.WORKING_DAYS,
                "max_per_day": max(1, profile.sessions_per_day),
            }
        days = frozenset((unavailable or {}).get(pk, ()))
        result.append(schedule.Facilitator(id=pk, unavailable=days, **extra))
    return result


def _engine_group(group: Group) -> schedule.Group:
    return schedule.Group(
        id=group.pk,
        members=frozenset(m.person_id for m in group.memberships.all()),
        facilitator=group.facilitator_id or NO_FACILITATOR,
    )


def _plan(round_: Round, groups, *, start: date | None = None, unavailable=None):
    """The engine's plan for `groups` over the round (from `start`), with the organisation's
    closed periods, school regions and the facilitators' days."""
    regions = IntervisionSettings.load().school_regions
    facilitator_ids = {g.facilitator_id for g in groups if g.facilitator_id}
    return schedule.Plan(
        groups=[_engine_group(g) for g in groups],
        facilitators=_facilitators(facilitator_ids, unavailable),
        period=schedule.Period(start or round_.starts_on, round_.ends_on),
        rhythm=schedule.Rhythm(round_.rhythm_min_weeks, round_.rhythm_max_weeks),
        closures=[
            schedule.Closure(c.starts_on, c.ends_on, c.name) for c in ClosedPeriod.objects.all()
        ],
        school_regions=[r for r in regions if r in schedule.REGIONS],
    )


def _engine_session(session: Session) -> schedule.Session:
    starts, ends = session.item.starts_at.astimezone(ZONE), session.item.ends_at.astimezone(ZONE)
    return schedule.Session(session.group_id, starts.date(), starts.time(), ends.time())


@dataclass(frozen=True)
class Current:
    """A round's sessions as the engine sees them."""

    plan: schedule.Plan
    schedule: schedule.Schedule
    engine: dict[int, schedule.Session]  # Session pk -> the engine's session


def round_current(round_: Round) -> Current:
    """The round's planned (not cancelled) sessions as an engine schedule, for `check`."""
    groups = list(round_.groups.prefetch_related("memberships"))
    sessions = (
        Session.objects.filter(group__round=round_)
        .exclude(item__status=ItemStatus.CANCELLED)
        .select_related("item")
    )
    engine = {s.pk: _engine_session(s) for s in sessions}
    plan = _plan(round_, groups)
    ordered = sorted(engine.values(), key=lambda s: (s.date, s.start, s.group))
    return Current(plan, schedule.Schedule(plan, tuple(ordered)), engine)


# -- planning a round -------------------------------------------------------------------------


def _fixed(groups: list[Group], start: date) -> list[Session]:
    """Planned sessions from `start` on that share a facilitator or a member with `groups`,
    in any round: the new sessions must keep clear of them."""
    facilitators = {g.facilitator_id for g in groups}
    people = {m.person_id for g in groups for m in g.memberships.all()}
    return list(
        Session.objects.filter(item__starts_at__gte=datetime.combine(start, time(), ZONE))
        .exclude(item__status=ItemStatus.CANCELLED)
        .filter(Q(group__facilitator__in=facilitators) | Q(group__memberships__person__in=people))
        .distinct()
        .select_related("item", "group")
        .prefetch_related("group__memberships")
    )


def _busy_days(groups: list[Group], fixed: list[Session]) -> dict[int, set[date]]:
    """Per facilitator, the days the engine must leave alone.

    The engine knows no sessions planned before, only days a facilitator is unavailable. So a
    facilitator's days with a session already, and the days on which a member of one of their
    new groups has one, are made unavailable. That is stricter than needed (a free slot on such
    a day goes unused) but never double-books anyone.
    """
    by_facilitator, by_person = defaultdict(set), defaultdict(set)
    for session in fixed:
        day = session.item.starts_at.astimezone(ZONE).date()
        by_facilitator[session.group.facilitator_id].add(day)
        for membership in session.group.memberships.all():
            by_person[membership.person_id].add(day)
    busy = defaultdict(set)
    for group in groups:
        busy[group.facilitator_id] |= by_facilitator[group.facilitator_id]
        for membership in group.memberships.all():
            busy[group.facilitator_id] |= by_person[membership.person_id]
    return busy


BOOKINGS = {
    schedule.FACILITATOR_DOUBLE_BOOKED,
    schedule.MEMBER_DOUBLE_BOOKED,
    schedule.FACILITATOR_DAY_LIMIT,
}


def _conflicts(plan: schedule.Plan, result: schedule.Schedule, fixed: list[Session]):
    """The engine's check of the new sessions together with the fixed ones: the double
    bookings between them (none, as long as `_busy_days` does its work)."""
    if not fixed:
        return []
    known = {g.id for g in plan.groups}
    others = {s.group.pk: s.group for s in fixed if s.group.pk not in known}
    facilitators = {f.id for f in plan.facilitators}
    extra = {g.facilitator_id for g in others.values()} - facilitators - {None}
    combined = replace(
        plan,
        groups=plan.groups + tuple(_engine_group(g) for g in others.values()),
        facilitators=plan.facilitators + tuple(_facilitators(extra)),
    )
    old = {_engine_session(s) for s in fixed}
    sessions = tuple(sorted({*result.sessions, *old}, key=lambda s: (s.date, s.start, s.group)))
    return [
        flag
        for flag in schedule.check(schedule.Schedule(combined, sessions))
        if flag.kind in BOOKINGS
        and any(s in old for s in flag.sessions)
        and any(s not in old for s in flag.sessions)
    ]


def round_schedule(*, round_: Round, by, request=None) -> list[str]:
    """Plan the sessions of the round's groups that have none yet, and send the invites.

    Every rhythm_min..max working weeks, outside public holidays, the school holidays of the
    chosen regions and the closed periods, on the facilitators' days. Sessions planned before
    stay where they are and nobody is double-booked with them. Nothing is planned in the
    past. Returns, in words, what could not be planned.
    """
    if round_.status != RoundStatus.PUBLISHED:
        raise ValueError("only a published round gets a schedule")
    with transaction.atomic():
        Round.objects.select_for_update().get(pk=round_.pk)  # one planning run at a time
        groups = list(
            groups_to_plan(round_)
            .select_related("facilitator")
            .prefetch_related("memberships__person__user")
        )
        if not groups:
            return []
        start = max(round_.starts_on, timezone.localdate() + timedelta(days=1))
        if start > round_.ends_on:
            return [_("The round is over: there is no time left to plan sessions in.")]
        fixed = _fixed(groups, start)
        plan = _plan(round_, groups, start=start, unavailable=_busy_days(groups, fixed))
        result = schedule.build_schedule(plan)
        flags = [*result.problems, *_conflicts(plan, result, fixed)]
        by_pk = {g.pk: g for g in groups}
        numbers: Counter = Counter()
        for planned in sorted(result.sessions, key=lambda s: (s.group, s.date, s.start)):
            group = by_pk[planned.group]
            numbers[group.pk] += 1
            attendees = [m.person.user for m in group.memberships.all() if m.person.user_id]
            item = item_plan(
                kind=ItemKind.INTERVISION,
                title=f"Intervisie {group.name}",
                starts_at=datetime.combine(planned.date, planned.start, ZONE),
                ends_at=datetime.combine(planned.date, planned.end, ZONE),
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
            changes={
                "groups": sorted(by_pk),
                "sessions": len(result.sessions),
                "problems": sorted(flag.kind for flag in flags),
            },
            request=request,
        )
    return flag_texts(flags, round_=round_)


# -- moving a session -------------------------------------------------------------------------


def session_move(
    *, session: Session, new_start: datetime, by, accept_flags: bool = False, request=None
) -> list[schedule.Flag]:
    """Move a future session to `new_start` (same length); attendees get an update.

    Returns what the move breaks (a gap outside the round's rhythm, a double booking, a closed
    day, a facilitator who is not available...). When it breaks something, nothing is moved
    unless `accept_flags`; an accepted move records the flags it accepted.
    """
    if timezone.is_naive(new_start):
        new_start = timezone.make_aware(new_start, ZONE)
    now = timezone.now()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=session.group.round_id)
        session = Session.objects.select_related("item", "group").get(pk=session.pk)
        item = session.item
        if item.starts_at <= now:
            raise SessionInPast("this session has started already")
        if new_start <= now:
            raise SessionInPast("a session cannot be moved into the past")
        if item.status == ItemStatus.CANCELLED:
            raise ValueError("a cancelled session cannot be moved")
        if new_start == item.starts_at:
            return []
        current = round_current(round_)
        local = new_start.astimezone(ZONE).replace(tzinfo=None)
        moved = schedule.move_session(current.schedule, current.engine[session.pk], local)
        if moved.flags and not accept_flags:
            return moved.flags
        old = item.starts_at
        item_move(item=item, starts_at=new_start, ends_at=new_start + (item.ends_at - old), by=by)
        number = _renumber(session)
        audit_record(
            action="intervision.session_move",
            actor=by,
            obj=session,
            changes={
                "starts_at": [old.isoformat(), new_start.isoformat()],
                "number": [session.number, number],
                "accepted_flags": [[], sorted(flag.kind for flag in moved.flags)],
            },
            request=request,
        )
    return moved.flags


def _renumber(moved: Session) -> int:
    """Number the group's sessions in date order again (a session moved past another one
    swaps numbers with it); returns the moved session's number. Only future sessions can
    change place, so the numbers of sessions that took place stay."""
    sessions = list(
        Session.objects.filter(group_id=moved.group_id).order_by("item__starts_at", "number")
    )
    wanted = sorted(s.number for s in sessions)
    changed = [(s, n) for s, n in zip(sessions, wanted, strict=True) if s.number != n]
    # Two steps, so the unique (group, number) constraint holds after every UPDATE.
    for step in (10000, 0):
        for session, number in changed:
            Session.objects.filter(pk=session.pk).update(number=number + step)
    return next((n for s, n in changed if s.pk == moved.pk), moved.number)


# -- the schedule page --------------------------------------------------------------------------


@dataclass
class SessionRow:
    session: Session
    gap: int | None  # working weeks since the group's previous session
    problems: list[str] = field(default_factory=list)
    movable: bool = False
    cancelled: bool = False


def round_overview(round_: Round) -> list[tuple[Group, list[SessionRow]]]:
    """Per group its sessions, the gap to the previous one and what `check` flags."""
    current = round_current(round_)
    flags = schedule.check(current.schedule)
    names = flag_names(flags, current.plan)
    by_engine = defaultdict(list)
    for pk, engine in current.engine.items():
        by_engine[engine].append(pk)
    problems = defaultdict(list)
    for flag in flags:
        text = flag_text(flag, names)
        # A gap belongs to the session that ends it; anything else to every session involved.
        gap = flag.kind in (schedule.GAP_TOO_SHORT, schedule.GAP_TOO_LONG)
        involved = flag.sessions[-1:] if gap else flag.sessions
        for pk in {pk for s in involved for pk in by_engine[s]}:
            problems[pk].append(text)
    calendar, now = schedule.calendar_for(current.plan), timezone.now()
    rows = []
    groups = round_.groups.select_related("facilitator__person").order_by("name")
    sessions = defaultdict(list)
    for session in Session.objects.filter(group__round=round_).select_related("item"):
        sessions[session.group_id].append(session)
    for group in groups:
        if group.dissolved_at and not sessions[group.pk]:
            continue
        mine, previous = [], None
        for session in sorted(sessions[group.pk], key=lambda s: (s.item.starts_at, s.number)):
            engine = current.engine.get(session.pk)
            row = SessionRow(session, None, problems[session.pk], cancelled=engine is None)
            if engine is not None:
                if previous is not None:
                    row.gap = calendar.ordinal(engine.date) - calendar.ordinal(previous)
                previous, row.movable = engine.date, session.item.starts_at > now
            mine.append(row)
        rows.append((group, mine))
    return rows


# -- flags in words ---------------------------------------------------------------------------


@dataclass
class Names:
    """What `flag_text` shows instead of ids, fetched once for a list of flags."""

    groups: dict = field(default_factory=dict)
    facilitators: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)
    plan: schedule.Plan | None = None

    def group(self, pk) -> str:
        return self.groups.get(pk) or _("an unknown group")

    def facilitator(self, pk) -> str:
        return self.facilitators.get(pk) or _("the facilitator")


def _who(flag: schedule.Flag) -> tuple[tuple, tuple]:
    """(facilitator ids, person ids) in a flag's `who`, by the engine's convention per kind."""
    if flag.kind == schedule.MEMBER_DOUBLE_BOOKED:
        return (), flag.who
    if flag.kind == schedule.NO_SLOT:
        return flag.who[:1], flag.who[1:]
    return flag.who, ()


def flag_names(flags, plan: schedule.Plan | None = None) -> Names:
    group_ids, facilitator_ids, person_ids = set(), set(), set()
    for flag in flags:
        group_ids |= {flag.group, *(s.group for s in flag.sessions)} - {None}
        facilitators, people = _who(flag)
        facilitator_ids |= set(facilitators)
        person_ids |= set(people)
    users = User.objects.filter(pk__in=facilitator_ids).select_related("person")
    return Names(
        groups=dict(Group.objects.filter(pk__in=group_ids).values_list("pk", "name")),
        facilitators={user.pk: user.display_name for user in users},
        people={p.pk: p.full_name for p in Person.objects.filter(pk__in=person_ids)},
        plan=plan,
    )


def _day(day: date) -> str:
    return formats.date_format(day, "l j F Y")


def _time(moment: time) -> str:
    return formats.time_format(moment, "H:i")


def _listed(names) -> str:
    return ", ".join(names)


def _gap_text(flag: schedule.Flag, names: Names) -> str:
    second = flag.sessions[-1].date
    first = _day(flag.sessions[0].date) if len(flag.sessions) > 1 else _("the previous session")
    params = {
        "group": names.group(flag.group),
        "weeks": flag.weeks,
        "first": first,
        "second": _day(second),
    }
    if flag.kind == schedule.GAP_TOO_SHORT:
        text = ngettext(
            "%(group)s: %(weeks)s working week from %(first)s to %(second)s. That is too short.",
            "%(group)s: %(weeks)s working weeks from %(first)s to %(second)s. That is too short.",
            flag.weeks or 0,
        )
    else:
        text = ngettext(
            "%(group)s: %(weeks)s working week from %(first)s to %(second)s. That is too long.",
            "%(group)s: %(weeks)s working weeks from %(first)s to %(second)s. That is too long.",
            flag.weeks or 0,
        )
    return text % params


def _booking_text(flag: schedule.Flag, names: Names) -> str:
    day = _day(flag.sessions[0].date) if flag.sessions else ""
    groups = _listed(names.group(s.group) for s in flag.sessions)
    if flag.kind == schedule.FACILITATOR_DOUBLE_BOOKED:
        return _(
            "%(facilitator)s would lead two groups at the same time on %(date)s: %(groups)s."
        ) % {"facilitator": names.facilitator(flag.who[0]), "date": day, "groups": groups}
    if flag.kind == schedule.FACILITATOR_DAY_LIMIT:
        return _(
            "%(facilitator)s would have %(count)s sessions on %(date)s. That is more than this "
            "facilitator wants to lead in one day."
        ) % {
            "facilitator": names.facilitator(flag.who[0]),
            "count": len(flag.sessions),
            "date": day,
        }
    people = [names.people.get(pk) or _("someone") for pk in flag.who]
    return ngettext(
        "On %(date)s %(groups)s meet at the same time, and %(people)s is in both groups.",
        "On %(date)s %(groups)s meet at the same time, and %(people)s are in both groups.",
        len(people),
    ) % {"date": day, "groups": groups, "people": _listed(people)}


def _day_text(flag: schedule.Flag, names: Names) -> str:
    session = flag.sessions[0]
    params = {"group": names.group(flag.group), "date": _day(session.date)}
    if flag.kind == schedule.FACILITATOR_UNAVAILABLE:
        params["facilitator"] = names.facilitator(flag.who[0] if flag.who else None)
        return _("%(group)s: %(facilitator)s is not available on %(date)s.") % params
    if flag.kind == schedule.OUTSIDE_PERIOD:
        return _("%(group)s: %(date)s is outside the dates of the round.") % params
    if flag.kind == schedule.OUTSIDE_HOURS:
        slots = names.plan.slots if names.plan else schedule.DEFAULT_SLOTS
        params.update(
            start=_time(session.start),
            end=_time(session.end),
            earliest=_time(min(s.start for s in slots)),
            latest=_time(max(s.end for s in slots)),
        )
        return (
            _(
                "%(group)s: %(start)s–%(end)s is outside the times for sessions "
                "(%(earliest)s to %(latest)s)."
            )
            % params
        )
    if flag.kind == schedule.UNKNOWN_GROUP:
        return _("The session on %(date)s belongs to a group that is not in this round.") % params
    reason = None
    if names.plan is not None:
        reason = schedule.calendar_for(names.plan).closed_reason(session.date)
    if reason is None:
        return _("%(group)s: %(date)s is a closed day.") % params
    params["reason"] = _("weekend") if reason == "weekend" else reason
    return _("%(group)s: %(date)s is a closed day (%(reason)s).") % params


def _no_slot_text(flag: schedule.Flag, names: Names) -> str:
    group = names.group(flag.group)
    first, last = flag.fact("first"), flag.fact("last")
    if first is None or last is None:
        parts = [_("%(group)s: no free time was found for a session.") % {"group": group}]
    else:
        parts = [
            _("%(group)s: no free time was found between %(first)s and %(last)s.")
            % {
                "group": group,
                "first": _day(first),
                "last": _day(last),
            },
            _(
                "Of the %(open)s open days, %(facilitator)s can lead a session on %(available)s, "
                "and %(full)s of those are fully booked."
            )
            % {
                "open": flag.fact("open_days"),
                "facilitator": names.facilitator(flag.who[0] if flag.who else None),
                "available": flag.fact("available"),
                "full": flag.fact("full"),
            },
        ]
    people = _who(flag)[1]
    if people:
        busy = [names.people.get(pk) or _("someone") for pk in people]
        parts.append(
            _("Already in another session at the free times: %(people)s.")
            % {"people": _listed(busy)}
        )
    return " ".join(parts)


def _overloaded_text(flag: schedule.Flag, names: Names) -> str:
    facilitator = names.facilitator(flag.who[0] if flag.who else None)
    if flag.fact("sessions") is None:
        return _(
            "%(facilitator)s has more groups than they can lead in time. Give some groups "
            "another facilitator, or ask %(facilitator)s for more days."
        ) % {"facilitator": facilitator}
    return _(
        "%(facilitator)s has %(groups)s groups, but can lead only %(sessions)s sessions in "
        "%(weeks)s working weeks. Every group needs a session in that time. Give some groups "
        "another facilitator, or ask %(facilitator)s for more days."
    ) % {
        "facilitator": facilitator,
        "groups": flag.fact("groups"),
        "sessions": flag.fact("sessions"),
        "weeks": flag.fact("weeks"),
    }


_TEXTS = {
    schedule.GAP_TOO_SHORT: _gap_text,
    schedule.GAP_TOO_LONG: _gap_text,
    schedule.FACILITATOR_DOUBLE_BOOKED: _booking_text,
    schedule.MEMBER_DOUBLE_BOOKED: _booking_text,
    schedule.FACILITATOR_DAY_LIMIT: _booking_text,
    schedule.FACILITATOR_UNAVAILABLE: _day_text,
    schedule.CLOSED_DAY: _day_text,
    schedule.OUTSIDE_PERIOD: _day_text,
    schedule.OUTSIDE_HOURS: _day_text,
    schedule.UNKNOWN_GROUP: _day_text,
    schedule.NO_SLOT: _no_slot_text,
    schedule.FACILITATOR_OVERLOADED: _overloaded_text,
}


def flag_text(flag: schedule.Flag, names: Names | None = None) -> str:
    """The flag as a sentence in the active language, with names instead of ids.

    Pass `names` (from `flag_names`) when there are many flags: it fetches the names once.
    """
    names = names or flag_names([flag])
    if flag.kind == schedule.UNKNOWN_FACILITATOR:
        return _("%(group)s has no facilitator, so its sessions cannot be planned.") % {
            "group": names.group(flag.group)
        }
    text = _TEXTS.get(flag.kind)
    if text is None or (not flag.sessions and text in (_gap_text, _booking_text, _day_text)):
        return flag.message  # a kind this page does not know yet: the engine's own words
    return text(flag, names)


def flag_texts(flags, *, round_: Round | None = None) -> list[str]:
    """Every flag as a sentence; with `round_`, a closed day also says why it is closed."""
    plan = _plan(round_, []) if round_ is not None else None
    names = flag_names(flags, plan)
    return [flag_text(flag, names) for flag in flags]


# -- the planning settings --------------------------------------------------------------------


def settings_set(
    *, attendance_threshold: int, tell_manager: bool, school_regions: list[str], by, request=None
) -> IntervisionSettings:
    """Change the organisation's intervision settings (the one row is made on first save)."""
    unknown = set(school_regions) - set(schedule.REGIONS)
    if unknown or not 0 <= attendance_threshold <= 100:
        raise ValueError(f"bad settings: regions {sorted(unknown)}, {attendance_threshold}%")
    with transaction.atomic():
        current = IntervisionSettings.objects.select_for_update().filter(pk=1).first()
        current = current or IntervisionSettings(pk=1)
        fields = ("attendance_threshold", "tell_manager", "school_regions")
        old = {name: getattr(current, name) for name in fields}
        current.attendance_threshold = attendance_threshold
        current.tell_manager = tell_manager
        current.school_regions = sorted(school_regions)
        current.save()
        new = {name: getattr(current, name) for name in fields}
        audit_record(
            action="intervision.settings",
            actor=by,
            obj=current,
            changes=diff(old, new),
            request=request,
        )
    return current


def closed_period_add(
    *, name: str, starts_on: date, ends_on: date, by, request=None
) -> ClosedPeriod:
    if ends_on < starts_on:
        raise ValueError("a closed period ends on or after its first day")
    with transaction.atomic():
        period = ClosedPeriod.objects.create(name=name, starts_on=starts_on, ends_on=ends_on)
        audit_record(
            action="intervision.closed_period_add",
            actor=by,
            obj=period,
            changes={
                "name": [None, name],
                "starts_on": [None, starts_on.isoformat()],
                "ends_on": [None, ends_on.isoformat()],
            },
            request=request,
        )
    return period


def closed_period_delete(*, period: ClosedPeriod, by, request=None) -> None:
    with transaction.atomic():
        audit_record(
            action="intervision.closed_period_delete",
            actor=by,
            obj=period,
            changes={
                "name": [period.name, None],
                "starts_on": [period.starts_on.isoformat(), None],
                "ends_on": [period.ends_on.isoformat(), None],
            },
            request=request,
        )
        period.delete()


def facilitator_profile_set(
    *,
    user: User,
    weekdays: list[int],
    sessions_per_day: int,
    by,
    max_groups: int | None = None,
    request=None,
) -> FacilitatorProfile:
    """A trainer's days and sessions a day; `max_groups` only when the programme office sets
    it (None leaves it as it is)."""
    if not user.is_trainer:
        raise ValueError("only a trainer facilitates intervision")
    if not weekdays or not set(weekdays) <= {1, 2, 3, 4, 5} or sessions_per_day < 1:
        raise ValueError("a facilitator needs at least one weekday and one session a day")
    with transaction.atomic():
        profile = FacilitatorProfile.objects.select_for_update().filter(user=user).first()
        profile = profile or FacilitatorProfile(user=user)
        fields = ("max_groups", "weekdays", "sessions_per_day")
        old = {name: getattr(profile, name) for name in fields} if profile.pk else {}
        profile.weekdays = sorted(set(weekdays))
        profile.sessions_per_day = sessions_per_day
        if max_groups is not None:
            profile.max_groups = max_groups
        profile.save()
        new = {name: getattr(profile, name) for name in fields}
        audit_record(
            action="intervision.facilitator_profile",
            actor=by,
            obj=profile,
            object_label=user.display_name,
            changes=diff(old, new),
            request=request,
        )
    return profile
