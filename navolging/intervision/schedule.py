"""Intervision schedule: a series of sessions for every group, every 6 to 8 working weeks.

Plain Python, no Django: it takes a `Plan` (groups, facilitators, period, rhythm, slots, closures)
and returns a `Schedule` (sessions plus a report of what could not be planned, with reasons).
`check` validates any schedule, hand-edited or not; `move_session` moves one session and returns
what the move broke, without fixing anything. docs/intervision-schedule.md explains the rules.

Working weeks. A week (Monday to Friday) counts only when it has at least `Rhythm.open_days`
open days: a weekday that is no Dutch public holiday, no school holiday of a chosen region and
not in a closure. Gaps are counted in those weeks, so a six-week summer break does not push
every group into the same fortnight before or after it.

Method: greedy per group with a short backtracking search over its own series. Groups whose
facilitator is busiest go first; each group's first session goes to the least loaded of the
first weeks (so the groups' phases spread), then every next one `target` (7) working weeks
later, else 8, else 6. Within a week it takes the free day and slot with the fewest sessions
already, so not every group lands on the same day. When a window is full, one session of a group
sharing the facilitator or a member is moved within its own rhythm to make room; groups that
still fail go first and the plan is made again (at most `passes` times). What remains
impossible is reported, not hidden.
Everything is iterated in sorted order, so the same plan always gives the same schedule.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple

import holidays

ONE_DAY = timedelta(days=1)
WORKING_DAYS = frozenset(range(5))  # Monday (0) to Friday (4)
REGIONS = {"noord": "Noord", "midden": "Midden", "zuid": "Zuid"}

# Flag kinds: stable codes the web layer can translate.
GAP_TOO_SHORT = "gap_too_short"
GAP_TOO_LONG = "gap_too_long"
FACILITATOR_DOUBLE_BOOKED = "facilitator_double_booked"
MEMBER_DOUBLE_BOOKED = "member_double_booked"
FACILITATOR_UNAVAILABLE = "facilitator_unavailable"
FACILITATOR_DAY_LIMIT = "facilitator_day_limit"
CLOSED_DAY = "closed_day"
OUTSIDE_PERIOD = "outside_period"
OUTSIDE_HOURS = "outside_hours"
UNKNOWN_GROUP = "unknown_group"
UNKNOWN_FACILITATOR = "unknown_facilitator"
NO_SLOT = "no_slot"
FACILITATOR_OVERLOADED = "facilitator_overloaded"


def _set(obj, name: str) -> None:
    object.__setattr__(obj, name, frozenset(getattr(obj, name)))


@dataclass(frozen=True)
class Slot:
    """A session slot on a day, e.g. 09:00-11:00; its length is the session length."""

    start: time
    end: time


DEFAULT_SLOTS = (Slot(time(9, 0), time(11, 0)), Slot(time(13, 30), time(15, 30)))


@dataclass(frozen=True)
class Group:
    """Ids (of groups, members, facilitators) can be anything hashable and mutually sortable."""

    id: Hashable
    members: frozenset
    facilitator: Hashable
    preferred_weekdays: frozenset[int] = frozenset()  # 0 = Monday; a wish, not a rule
    preferred_slots: frozenset[time] = frozenset()  # slot start times; a wish, not a rule
    last_session: date | None = None  # before the period: the first gap counts from it

    def __post_init__(self) -> None:
        for name in ("members", "preferred_weekdays", "preferred_slots"):
            _set(self, name)


@dataclass(frozen=True)
class Facilitator:
    id: Hashable
    weekdays: frozenset[int] = WORKING_DAYS  # the weekdays they can facilitate
    max_per_day: int = 2
    unavailable: frozenset[date] = frozenset()  # days off on top of the weekdays

    def __post_init__(self) -> None:
        _set(self, "weekdays")
        _set(self, "unavailable")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class Rhythm:
    min_weeks: int = 6
    max_weeks: int = 8
    open_days: int = 3  # a week with fewer open days does not count as a working week


@dataclass(frozen=True)
class Closure:
    """A period the organisation closes for intervision (summer, Christmas...), inclusive."""

    start: date
    end: date
    name: str = "closed"


@dataclass(frozen=True)
class Plan:
    groups: tuple[Group, ...]
    facilitators: tuple[Facilitator, ...]
    period: Period
    rhythm: Rhythm = Rhythm()
    slots: tuple[Slot, ...] = DEFAULT_SLOTS
    closures: tuple[Closure, ...] = ()
    school_regions: tuple[str, ...] = ()  # "noord", "midden", "zuid": their school holidays close
    public_holidays: bool = True  # Dutch public holidays (holidays.NL) close

    def __post_init__(self) -> None:
        for name in ("groups", "facilitators", "slots", "closures", "school_regions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))


@dataclass(frozen=True)
class Session:
    group: Hashable
    date: date
    start: time
    end: time


@dataclass(frozen=True)
class Flag:
    """Something wrong with a schedule, or something the scheduler could not do."""

    kind: str
    message: str
    group: Hashable | None = None
    sessions: tuple[Session, ...] = ()
    who: tuple = ()  # the facilitator or members concerned
    weeks: int | None = None  # the gap in working weeks, for gap flags
    #: The figures in `message` as (name, value) pairs, so an app can say it in its own words:
    #: no_slot: first, last (dates), open_days, available, full; facilitator_overloaded:
    #: groups, sessions, weeks.
    facts: tuple[tuple[str, object], ...] = ()

    def fact(self, name: str, default=None):
        return dict(self.facts).get(name, default)


@dataclass(frozen=True)
class Schedule:
    plan: Plan
    sessions: tuple[Session, ...]
    problems: tuple[Flag, ...] = field(default=())  # what could not be planned, with reasons


class Moved(NamedTuple):
    schedule: Schedule
    flags: list[Flag]  # what the move broke that was not broken before


def _session_key(session: Session) -> tuple:
    return (session.date, session.start, session.group)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _region(name: str) -> str:
    try:
        return REGIONS[name.lower()]
    except KeyError:
        raise ValueError(f"Unknown school holiday region {name!r}: use {sorted(REGIONS)}") from None


class Calendar:
    """Open days and working weeks for a plan (public and school holidays, closures)."""

    def __init__(self, plan: Plan) -> None:
        first, last = plan.period.start, plan.period.end
        years = list(range(first.year - 1, last.year + 2))  # room for moves around the period
        self.closed: dict[date, str] = {}
        if plan.public_holidays:
            self.closed.update(holidays.NL(years=years, language="nl"))
        for region in plan.school_regions:
            subdiv = _region(region)
            school = holidays.NL(
                years=years, subdiv=subdiv, categories=(holidays.SCHOOL,), language="nl"
            )
            for day, name in school.items():
                self.closed.setdefault(day, f"{name} ({subdiv})")
        for closure in plan.closures:
            day = closure.start
            while day <= closure.end:
                self.closed.setdefault(day, closure.name)
                day += ONE_DAY
        # _ordinals[i]: working weeks from the origin up to and including week i. A week that
        # does not count shares the ordinal of the working week before it.
        self._origin = _monday(date(years[0], 1, 1))
        self._ordinals: list[int] = []
        count, monday = 0, self._origin
        while monday <= date(years[-1], 12, 31):
            open_days = sum(self.is_open(monday + timedelta(days=i)) for i in range(5))
            count += open_days >= plan.rhythm.open_days
            self._ordinals.append(count)
            monday += timedelta(weeks=1)
        # The period's working weeks with their open days inside the period; the index in this
        # list is the working-week number the scheduler counts gaps with.
        self.weeks: list[tuple[date, ...]] = []
        monday = _monday(first)
        self.base = self.ordinal(monday) + (not self.is_working_week(monday))
        while monday <= last:
            if self.is_working_week(monday):
                days = (monday + timedelta(days=i) for i in range(5))
                self.weeks.append(tuple(d for d in days if first <= d <= last and self.is_open(d)))
            monday += timedelta(weeks=1)

    def week_index(self, day: date) -> int:
        """The number of the working week of `day` in the period (from 0; negative before it)."""
        return self.ordinal(day) - self.base

    def is_open(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.closed

    def closed_reason(self, day: date) -> str | None:
        return "weekend" if day.weekday() >= 5 else self.closed.get(day)

    def ordinal(self, day: date) -> int:
        """Working weeks counted up to `day`'s week: the gap between two days is the difference."""
        i = (day - self._origin).days // 7
        if i < 0:  # outside the calendar every week counts
            return i
        if i >= len(self._ordinals):
            return self._ordinals[-1] + i - len(self._ordinals) + 1
        return self._ordinals[i]

    def is_working_week(self, day: date) -> bool:
        i = (_monday(day) - self._origin).days // 7
        if not 0 <= i < len(self._ordinals):
            return True
        return self._ordinals[i] > (self._ordinals[i - 1] if i else 0)


@lru_cache(maxsize=8)
def calendar_for(plan: Plan) -> Calendar:
    return Calendar(plan)


def _check_slots(slots: tuple[Slot, ...]) -> None:
    if not slots:
        raise ValueError("A plan needs at least one session slot")
    for slot in slots:
        if slot.end <= slot.start:
            raise ValueError(f"Slot {slot.start}-{slot.end} ends before it starts")
    ordered = sorted(slots, key=lambda s: s.start)
    for a, b in zip(ordered, ordered[1:], strict=False):
        if b.start < a.end:
            raise ValueError(f"Slots {a.start}-{a.end} and {b.start}-{b.end} overlap")


# ---------------------------------------------------------------------------------------------
# Scheduling


class _Board:
    """One attempt at a schedule: who is busy when, and how loaded each week, day and slot is."""

    def __init__(self, plan: Plan, cal: Calendar, facilitators: dict) -> None:
        self.plan, self.cal, self.weeks = plan, cal, cal.weeks
        self.facilitators = facilitators
        self.slot_range = range(len(plan.slots))
        self.fac_busy: set = set()  # (facilitator, day, slot)
        self.fac_day: Counter = Counter()  # (facilitator, day)
        self.member_busy: set = set()  # (member, day, slot)
        self.day_load: Counter = Counter()
        self.slot_load: Counter = Counter()  # (day, slot)
        self.week_load = [0] * len(self.weeks)
        self.fac_week: Counter = Counter()  # (facilitator, week)
        self._fac_days: dict = {}
        self.picks: dict = {}  # group id -> its (week, day, slot) picks, in order
        self.groups = {g.id: g for g in plan.groups}
        self.members = {g.id: tuple(sorted(g.members)) for g in plan.groups}
        self.sharing: dict = defaultdict(set)  # facilitator or ("member", id) -> group ids
        for g in plan.groups:
            self.sharing[g.facilitator].add(g.id)
            for m in g.members:
                self.sharing["member", m].add(g.id)

    def fac_days(self, fac: Facilitator, week: int) -> tuple[date, ...]:
        key = (fac.id, week)
        days = self._fac_days.get(key)
        if days is None:
            days = tuple(
                d
                for d in self.weeks[week]
                if d.weekday() in fac.weekdays and d not in fac.unavailable
            )
            self._fac_days[key] = days
        return days

    def best(self, group: Group, members: tuple, fac: Facilitator, week: int):
        """The free (day, slot) in `week` with the lowest load, preferences first; or None."""
        slots, best = self.plan.slots, None
        for day in self.fac_days(fac, week):
            used = self.fac_day[fac.id, day]
            if used >= fac.max_per_day:
                continue
            off_day = (
                bool(group.preferred_weekdays) and day.weekday() not in group.preferred_weekdays
            )
            for s in self.slot_range:
                if (fac.id, day, s) in self.fac_busy:
                    continue
                if any((m, day, s) in self.member_busy for m in members):
                    continue
                off_slot = (
                    bool(group.preferred_slots) and slots[s].start not in group.preferred_slots
                )
                score = (
                    off_day + off_slot,
                    self.day_load[day],
                    used,
                    self.slot_load[day, s],
                    day,
                    s,
                )
                if best is None or score < best:
                    best = score
        return None if best is None else (week, best[-2], best[-1])

    def place(self, members: tuple, fac: Facilitator, pick: tuple, sign: int = 1) -> None:
        week, day, s = pick
        change = self.fac_busy.add if sign > 0 else self.fac_busy.discard
        change((fac.id, day, s))
        change = self.member_busy.add if sign > 0 else self.member_busy.discard
        for m in members:
            change((m, day, s))
        self.fac_day[fac.id, day] += sign
        self.day_load[day] += sign
        self.slot_load[day, s] += sign
        self.week_load[week] += sign
        self.fac_week[fac.id, week] += sign

    def first_window(self, group: Group, fac: Facilitator, target: int) -> tuple[list[int], bool]:
        """Weeks for the group's first session, best first; and whether the period cuts them."""
        if group.last_session is not None:
            prev = self.cal.week_index(group.last_session)
            if prev + self.plan.rhythm.max_weeks >= 0:  # else overdue: plan it as soon as we can
                return self.window(prev, target)
        weeks = range(min(self.plan.rhythm.max_weeks, len(self.weeks)))
        weeks = sorted(
            weeks, key=lambda w: (w >= target, self.fac_week[fac.id, w], self.week_load[w], w)
        )
        return weeks, False

    def window(self, prev: int, target: int) -> tuple[list[int], bool]:
        """Weeks for the session after week `prev`, best first; and whether the period cuts it."""
        rhythm, last = self.plan.rhythm, len(self.weeks) - 1
        low, high = max(0, prev + rhythm.min_weeks), min(prev + rhythm.max_weeks, last)
        # The target first, then later before earlier: an early session adds load for good,
        # a late one is made up by the next gap. (Tried: earlier first leaves more groups stuck.)
        weeks = sorted(
            range(low, high + 1), key=lambda w: (abs(w - prev - target), w < prev + target, w)
        )
        return weeks, prev + rhythm.max_weeks > last

    def done(self, prev: int | None, target: int) -> bool:
        # The next session would fall after the period: the next period's plan takes it up
        # (give it `Group.last_session`). Squeezing it into the last weeks would pile them up.
        return prev is not None and prev + target >= len(self.weeks)

    def series(self, group: Group, budget: int) -> list[tuple] | None:
        """The group's sessions for the period within the rhythm, or None (search exhausted)."""
        fac, members = self.facilitators[group.facilitator], tuple(sorted(group.members))
        rhythm = self.plan.rhythm
        target = (rhythm.min_weeks + rhythm.max_weeks) // 2
        picks: list[tuple] = []
        nodes = budget

        def extend(prev: int | None) -> bool:
            nonlocal nodes
            if self.done(prev, target):
                return True
            if prev is None:
                weeks, cut = self.first_window(group, fac, target)
            else:
                weeks, cut = self.window(prev, target)
            for week in weeks:
                pick = self.best(group, members, fac, week)
                if pick is None:
                    continue
                self.place(members, fac, pick)
                picks.append(pick)
                if extend(week):
                    return True
                self.place(members, fac, picks.pop(), -1)
                nodes -= 1
                if nodes <= 0:
                    return False
            return cut  # nothing fits before the period ends: the next period takes it up

        if not self.weeks or not extend(None):
            return None
        self.picks[group.id] = picks
        return picks

    def greedy(self, group: Group) -> tuple[list[tuple], list[Flag]]:
        """The series without backtracking; a window with no free slot is reported and skipped."""
        fac, members = self.facilitators[group.facilitator], tuple(sorted(group.members))
        rhythm = self.plan.rhythm
        target = (rhythm.min_weeks + rhythm.max_weeks) // 2
        picks: list[tuple] = []
        problems: list[Flag] = []
        if not self.weeks:
            return picks, [Flag(NO_SLOT, "The period has no working weeks", group.id)]
        prev = None
        while not self.done(prev, target):
            if prev is None:
                weeks, cut = self.first_window(group, fac, target)
            else:
                weeks, cut = self.window(prev, target)
            pick = next(filter(None, (self.best(group, members, fac, w) for w in weeks)), None)
            if pick is None and not cut:
                pick = self.eject(group, members, fac, weeks)
                if pick is not None:
                    self.place(members, fac, pick, -1)  # placed again below
            if pick is None:
                if cut or not weeks:
                    break
                problems.append(self.no_slot(group, members, fac, min(weeks), max(weeks)))
                later = range(max(weeks) + 1, len(self.weeks))
                pick = next(filter(None, (self.best(group, members, fac, w) for w in later)), None)
                if pick is None:
                    break
            self.place(members, fac, pick)
            picks.append(pick)
            prev = pick[0]
        self.picks[group.id] = picks
        return picks, problems

    def eject(self, group: Group, members: tuple, fac: Facilitator, weeks: list[int]):
        """Free a slot in `weeks` by moving one session of a group that shares the facilitator
        or a member to another week within that group's own rhythm. The new pick, placed."""
        others = set(self.sharing[fac.id])
        for m in members:
            others |= self.sharing["member", m]
        for week in weeks:
            for other in sorted(others & self.picks.keys() - {group.id}):
                series = self.picks[other]
                for i, old in enumerate(series):
                    if old[0] == week and (pick := self._swap(group, members, fac, other, i)):
                        return pick
        return None

    def _swap(self, group: Group, members: tuple, fac: Facilitator, other_id, i: int):
        """Move session i of another group elsewhere and take its week; the pick, or None."""
        other, series = self.groups[other_id], self.picks[other_id]
        o_members, o_fac = self.members[other_id], self.facilitators[other.facilitator]
        old = series[i]
        self.place(o_members, o_fac, old, -1)
        mine = self.best(group, members, fac, old[0])
        if mine is not None:
            self.place(members, fac, mine)
            for week in self._range_for(other, series, i):
                alt = self.best(other, o_members, o_fac, week)
                if alt is not None:
                    self.place(o_members, o_fac, alt)
                    series[i] = alt
                    return mine
            self.place(members, fac, mine, -1)
        self.place(o_members, o_fac, old)
        return None

    def _range_for(self, group: Group, series: list, i: int) -> list[int]:
        """Weeks session i of a series may move to, keeping both its gaps within the rhythm."""
        rhythm, last = self.plan.rhythm, len(self.weeks) - 1
        week = series[i][0]
        if i:
            low, high = series[i - 1][0] + rhythm.min_weeks, series[i - 1][0] + rhythm.max_weeks
        elif group.last_session is not None:
            prev = self.cal.week_index(group.last_session)
            low, high = prev + rhythm.min_weeks, prev + rhythm.max_weeks
        else:
            low, high = 0, rhythm.max_weeks - 1
        if i + 1 < len(series):
            following = series[i + 1][0]
            low, high = (
                max(low, following - rhythm.max_weeks),
                min(high, following - rhythm.min_weeks),
            )
        else:
            low = max(low, week)  # moving the last one earlier could leave room for one more
        weeks = range(max(low, 0), min(high, last) + 1)
        return sorted((w for w in weeks if w != week), key=lambda w: (abs(w - week), w))

    def no_slot(self, group: Group, members: tuple, fac: Facilitator, low: int, high: int) -> Flag:
        """Why no slot was free in working weeks low..high (indices in the period)."""
        open_days = [d for w in range(low, high + 1) for d in self.weeks[w]]
        available = [d for w in range(low, high + 1) for d in self.fac_days(fac, w)]
        full = [d for d in available if self.fac_day[fac.id, d] >= fac.max_per_day]
        busy: Counter = Counter()
        for day in available:
            if day in full:
                continue
            for s in self.slot_range:
                if (fac.id, day, s) not in self.fac_busy:
                    busy.update(m for m in members if (m, day, s) in self.member_busy)
        first = self.weeks[low][0] if self.weeks[low] else None
        last = self.weeks[high][-1] if self.weeks[high] else None
        message = (
            f"No free slot for group {group.id} in working weeks {low + 1}-{high + 1} of the "
            f"period ({first} to {last}): {len(open_days)} open days, facilitator {fac.id} "
            f"available on {len(available)}, fully booked on {len(full)}"
        )
        if busy:
            names = ", ".join(f"{m} ({n} slots)" for m, n in sorted(busy.items()))
            message += f"; members already in another session: {names}"
        facts = (
            ("first", first),
            ("last", last),
            ("open_days", len(open_days)),
            ("available", len(available)),
            ("full", len(full)),
        )
        return Flag(NO_SLOT, message, group.id, who=(fac.id, *sorted(busy)), facts=facts)


def _pressure(groups: list[Group], facilitators: dict) -> dict:
    """Groups per session a facilitator can give in a week: the busiest are planned first."""
    need = Counter(g.facilitator for g in groups)
    pressure = {}
    for fac_id, count in need.items():
        fac = facilitators[fac_id]
        pressure[fac_id] = count / max(1, len(fac.weekdays & WORKING_DAYS) * fac.max_per_day)
    return pressure


def _overloaded(board: _Board, groups: list[Group]) -> list[Flag]:
    """Facilitators with fewer sessions to give in some max_weeks stretch than they have groups.

    Every group needs a session in any `max_weeks` consecutive working weeks, so this is a
    certain impossibility; the scheduler still plans what it can and flags the gaps.
    """
    span, flags = board.plan.rhythm.max_weeks, []
    count = Counter(g.facilitator for g in groups)
    per_day = len(board.plan.slots)
    for fac_id in sorted(count):
        fac = board.facilitators[fac_id]
        capacity = [
            len(board.fac_days(fac, w)) * min(fac.max_per_day, per_day)
            for w in range(len(board.weeks))
        ]
        stretches = [
            (sum(capacity[w : w + span]), w) for w in range(max(1, len(capacity) - span + 1))
        ]
        have, week = min(stretches)
        if have < count[fac_id] and len(capacity) >= span:
            last = min(week + span, len(capacity)) - 1
            message = (
                f"Facilitator {fac_id} has {count[fac_id]} groups but can give only {have} "
                f"sessions in working weeks {week + 1}-{last + 1} of the period: every group "
                f"needs one in any {span} working weeks"
            )
            facts = (("groups", count[fac_id]), ("sessions", have), ("weeks", span))
            flags.append(Flag(FACILITATOR_OVERLOADED, message, None, who=(fac_id,), facts=facts))
    return flags


def build_schedule(plan: Plan, *, passes: int = 3, budget: int = 64) -> Schedule:
    """Sessions for every group over the period; `problems` says what could not be planned."""
    _check_slots(plan.slots)
    if plan.rhythm.min_weeks < 1 or plan.rhythm.max_weeks < plan.rhythm.min_weeks:
        raise ValueError("The rhythm needs 1 <= min_weeks <= max_weeks")
    cal = calendar_for(plan)
    facilitators = {f.id: f for f in plan.facilitators}
    unknown = [g for g in plan.groups if g.facilitator not in facilitators]
    static = [
        Flag(UNKNOWN_FACILITATOR, f"Group {g.id} has an unknown facilitator {g.facilitator}", g.id)
        for g in sorted(unknown, key=lambda g: g.id)
    ]
    groups = [g for g in plan.groups if g.facilitator in facilitators]
    pressure = _pressure(groups, facilitators)
    shared = Counter(m for g in groups for m in g.members)
    order = sorted(
        groups,
        key=lambda g: (
            -pressure[g.facilitator],
            g.facilitator,
            -sum(shared[m] > 1 for m in g.members),
            not (g.preferred_weekdays or g.preferred_slots),
            g.id,
        ),
    )
    static += _overloaded(_Board(plan, cal, facilitators), groups)
    best = None
    for _ in range(passes):
        board = _Board(plan, cal, facilitators)
        problems, failed = [], []
        for group in order:
            if board.series(group, budget) is None:
                _, found = board.greedy(group)
                problems += found
                if found:
                    failed.append(group)
        sessions = [
            Session(group_id, day, plan.slots[s].start, plan.slots[s].end)
            for group_id, picks in board.picks.items()
            for _, day, s in picks
        ]
        if best is None or len(problems) < len(best[1]):
            best = (sessions, problems)
        if not failed:
            break
        # Repair: what failed is planned first next time (the rest keeps its order).
        first = {g.id for g in failed}
        order = failed + [g for g in order if g.id not in first]
    sessions, problems = best
    return Schedule(plan, tuple(sorted(sessions, key=_session_key)), tuple(static + problems))


# ---------------------------------------------------------------------------------------------
# Checking and moving


def _overlapping(sessions: list[Session]) -> Iterable[tuple[Session, Session]]:
    ordered = sorted(sessions, key=_session_key)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start >= a.end:
                break
            yield a, b


def check(schedule: Schedule) -> list[Flag]:
    """Everything wrong with the schedule's sessions: conflicts, availability, closed days, gaps."""
    plan = schedule.plan
    cal = calendar_for(plan)
    groups = {g.id: g for g in plan.groups}
    facilitators = {f.id: f for f in plan.facilitators}
    earliest = min(s.start for s in plan.slots)
    latest = max(s.end for s in plan.slots)
    rhythm = plan.rhythm
    flags: list[Flag] = []
    by_group = defaultdict(list)
    by_fac_day = defaultdict(list)
    by_member_day = defaultdict(list)
    for session in sorted(schedule.sessions, key=_session_key):
        group, day, one = groups.get(session.group), session.date, (session,)
        if group is None:
            flags.append(Flag(UNKNOWN_GROUP, f"Unknown group {session.group}", session.group, one))
            continue
        if not plan.period.start <= day <= plan.period.end:
            flags.append(Flag(OUTSIDE_PERIOD, f"{day} is outside the period", group.id, one))
        if not earliest <= session.start < session.end <= latest:
            message = f"{session.start}-{session.end} is outside the hours {earliest}-{latest}"
            flags.append(Flag(OUTSIDE_HOURS, message, group.id, one))
        reason = cal.closed_reason(day)
        if reason:
            flags.append(Flag(CLOSED_DAY, f"{day} is closed: {reason}", group.id, one))
        fac = facilitators.get(group.facilitator)
        if fac is None:
            message = f"Group {group.id} has an unknown facilitator {group.facilitator}"
            flags.append(Flag(UNKNOWN_FACILITATOR, message, group.id, one))
        elif day.weekday() not in fac.weekdays or day in fac.unavailable:
            message = f"Facilitator {fac.id} is not available on {day}"
            flags.append(Flag(FACILITATOR_UNAVAILABLE, message, group.id, one, (fac.id,)))
        by_group[group.id].append(session)
        by_fac_day[group.facilitator, day].append(session)
        for member in sorted(group.members):
            by_member_day[member, day].append(session)

    for (fac_id, day), sessions in by_fac_day.items():
        fac = facilitators.get(fac_id)
        if fac is not None and len(sessions) > fac.max_per_day:
            message = (
                f"Facilitator {fac_id} has {len(sessions)} sessions on {day}, "
                f"more than {fac.max_per_day}"
            )
            flags.append(Flag(FACILITATOR_DAY_LIMIT, message, None, tuple(sessions), (fac_id,)))
        for a, b in _overlapping(sessions):
            message = f"Facilitator {fac_id} is in two sessions at once on {day}"
            flags.append(Flag(FACILITATOR_DOUBLE_BOOKED, message, None, (a, b), (fac_id,)))

    clashes = defaultdict(list)  # (session, session) -> members in both
    for (member, _), sessions in by_member_day.items():
        if len(sessions) > 1:
            for pair in _overlapping(sessions):
                clashes[pair].append(member)
    for (a, b), members in clashes.items():
        names = ", ".join(str(m) for m in members)
        message = f"{names} would be in groups {a.group} and {b.group} at once on {a.date}"
        flags.append(Flag(MEMBER_DOUBLE_BOOKED, message, None, (a, b), tuple(members)))

    for group_id, sessions in by_group.items():
        last = groups[group_id].last_session
        pairs = list(zip(sessions, sessions[1:], strict=False))
        if last is not None and last < sessions[0].date:
            pairs.insert(0, (None, sessions[0]))  # the gap from the previous period's session
        for a, b in pairs:
            since = a.date if a else last
            weeks = cal.ordinal(b.date) - cal.ordinal(since)
            if weeks < rhythm.min_weeks:
                kind, bound = GAP_TOO_SHORT, f"less than {rhythm.min_weeks}"
            elif weeks > rhythm.max_weeks:
                kind, bound = GAP_TOO_LONG, f"more than {rhythm.max_weeks}"
            else:
                continue
            message = f"Group {group_id}: {weeks} working weeks from {since} to {b.date}, {bound}"
            flags.append(Flag(kind, message, group_id, (a, b) if a else (b,), weeks=weeks))
    return flags


def move_session(schedule: Schedule, session: Session, new_start: datetime) -> Moved:
    """The schedule with `session` moved to `new_start` (same length), and what that breaks.

    Nothing is fixed: the flags are those `check` gives for the new schedule that it did not
    give before (a gap that became too short or too long, a double booking, a closed day...).
    """
    if session not in schedule.sessions:
        raise ValueError(f"{session} is not in the schedule")
    length = datetime.combine(session.date, session.end) - datetime.combine(
        session.date, session.start
    )
    moved = replace(
        session, date=new_start.date(), start=new_start.time(), end=(new_start + length).time()
    )
    sessions = [s for s in schedule.sessions if s != session] + [moved]
    new = replace(schedule, sessions=tuple(sorted(sessions, key=_session_key)))
    before = set(check(schedule))
    return Moved(new, [flag for flag in check(new) if flag not in before])
