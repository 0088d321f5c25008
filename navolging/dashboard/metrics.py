"""The dashboard's figures.

Every unit's own counts are read in a fixed number of grouped queries (one per instrument,
whatever the size of the organisation), then added up the chart in memory, so a directorate's
figures include every department and team below it. Nothing here is shown as it is: `Figure`
turns a count into what a page or an export may say (navolging.lib.figures: counts about
people as bands of five, percentages about people only with enough people behind them, and
never where a total minus the shown parts would tell about fewer than five).
"""

from __future__ import annotations

import datetime as dt
import gc
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields

import numpy
from django.conf import settings
from django.db import connections
from django.db.models import Count, Min, Q, Sum
from django.utils import timezone

from navolging.buddies import selectors as buddy_selectors
from navolging.coaching.models import CoachAssignment, CoachingSettings, Consult, Visit
from navolging.followup.models import FollowUpSession, GoalProgress
from navolging.intervision.models import AttendanceRecord, Membership, Presence, RoundStatus
from navolging.intervision.models import Session as IntervisionSession
from navolging.lib.figures import Part, hide_differences, may_show
from navolging.notifications.models import ItemStatus
from navolging.organisation.models import BaseProgramme, Person, ProgrammeScope, Unit, UnitKind
from navolging.training.models import Stage, TrainingRequest

#: Activity counts over this window ("in the last 12 months").
YEAR = dt.timedelta(days=365)
#: A team "had a follow-up session" when one was held this recently.
HALF_YEAR = dt.timedelta(days=183)
#: A session is on schedule when held at most the round's longest gap after the one before,
#: plus this much for holidays and closed weeks (the planner counts working weeks).
SCHEDULE_SLACK = dt.timedelta(weeks=2)

#: The people-shares: a percentage of people (or of records about people) per unit.
PEOPLE_SHARES = ("attendance", "buddies")


@dataclass
class Counts:
    """Exact counts for a unit and everything below it. Never shown as they are."""

    # The plain counts: each is a column of Tree.matrix (FIELDS).
    employees: int = 0
    teams: int = 0
    base_done: int = 0
    coached: int = 0
    on_track: int = 0
    visits: int = 0  # held, last 12 months
    members: int = 0  # managers in an intervision group
    present: int = 0  # attendance records "present", last 12 months
    recorded: int = 0  # attendance records, last 12 months
    recorded_people: int = 0  # the people those records are about
    sessions: int = 0  # follow-up sessions held, last 12 months
    followup_teams: int = 0  # teams with a follow-up session of their own in 6 months
    buddies: int = 0  # taking part in the buddy system (today; already totals per unit)
    paired: int = 0
    stages: Counter = field(default_factory=Counter)  # tailored-training requests per stage
    decision_days: list[float] = field(default_factory=list)
    goals: dict[int, list] = field(default_factory=dict)  # goal pk -> [sessions, score sum]

    def part(self, key: str) -> Part:
        """The people-share `key` as a navolging.lib.figures.Part."""
        if key == "attendance":
            return Part(self.present, self.recorded, self.recorded_people, records=True)
        if key == "buddies":
            return Part(self.buddies, self.employees, self.employees)
        raise KeyError(key)

    @property
    def requests(self) -> int:
        """Tailored-training requests past the draft."""
        return sum(n for stage, n in self.stages.items() if stage != Stage.DRAFT)

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.decision_days), 1) if self.decision_days else None


#: The plain counts of Counts, in the order of the columns of Tree.matrix.
FIELDS = tuple(f.name for f in fields(Counts) if f.type == "int")
COLUMN = {name: i for i, name in enumerate(FIELDS)}


@dataclass
class Extra:
    """The few counts that are not plain numbers, for the units that have any."""

    stages: Counter = field(default_factory=Counter)
    decision_days: list[float] = field(default_factory=list)
    goals: dict[int, list] = field(default_factory=dict)

    def add(self, other: Extra) -> None:
        self.stages.update(other.stages)
        self.decision_days.extend(other.decision_days)
        for goal, (n, total) in other.goals.items():
            mine = self.goals.setdefault(goal, [0, 0])
            mine[0] += n
            mine[1] += total


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    name: str
    kind: str
    parent: int | None
    head: int | None


class Tree:
    """Every active unit with its figures and everything below it, read at once.

    The plain counts live in one integer matrix (a row per unit, a column per FIELDS entry)
    that is added up the chart level by level with numpy: at 100,000 employees (about 9,000
    units) a Python loop over objects took most of the page's time.
    """

    def __init__(self, now: dt.datetime | None = None) -> None:
        # Tens of thousands of small objects and no reference cycles: at 100,000 employees
        # the garbage collector's passes over them took a third of the time.
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._build(now)
        finally:
            if collecting:
                gc.enable()

    def _build(self, now: dt.datetime | None) -> None:
        self.now = now or timezone.now()
        self.units: dict[int, UnitInfo] = {
            pk: UnitInfo(pk, name, kind, parent, head)
            for pk, name, kind, parent, head in Unit.objects.filter(active=True).values_list(
                "pk", "name", "kind", "parent_id", "head_id"
            )
        }
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for unit in sorted(self.units.values(), key=lambda u: u.name.lower()):
            parent = unit.parent if unit.parent in self.units else None
            self.children[parent].append(unit.pk)
        self.row = {pk: i for i, pk in enumerate(self.units)}
        self.matrix = numpy.zeros((len(self.units), len(FIELDS)), dtype=numpy.int64)
        self.extra: dict[int, Extra] = defaultdict(Extra)
        self._own_counts()
        self._roll_up()
        self.total = self.matrix[[self.row[pk] for pk in self.children[None]]].sum(axis=0)
        self._buddies()
        self.whole = self._counts(self.total, self._extra_total())
        self.counts = _CountsOf(self)
        self.hidden = {key: self._hidden(key) for key in PEOPLE_SHARES}
        # For the organisation only (groups cross units), kept with the rest.
        self.on_schedule = on_schedule(self.now)
        self.groups = intervision_groups()
        # Consults for the whole organisation only, and only for a month that is over.
        this_month = timezone.localdate(self.now).replace(day=1)
        self.last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
        self.consults = consults_per_month([self.last_month]).get(self.last_month, 0)

    # -- reading ---------------------------------------------------------------------------

    def _set(self, name: str, values) -> None:
        """`values`: (unit pk, count) pairs; units that are not active are left out."""
        row = self.row
        found = [(row[pk], value) for pk, value in values if pk in row]
        if found:
            rows, counts = zip(*found, strict=True)
            self.matrix[list(rows), COLUMN[name]] = counts

    def _own_counts(self) -> None:
        teams = {pk for pk, unit in self.units.items() if unit.kind == UnitKind.TEAM}
        self._set("teams", ((pk, 1) for pk in teams))
        self._set(
            "employees",
            Person.objects.filter(active=True)
            .values("unit_id")
            .annotate(n=Count("pk"))
            .values_list("unit_id", "n"),
        )
        done = BaseProgramme.objects.filter(
            scope=ProgrammeScope.TEAM, completed_on__lte=timezone.localdate(self.now)
        ).values_list("unit_id", flat=True)
        self._set("base_done", ((pk, 1) for pk in done if pk in teams))
        self._coaching(teams)
        self._intervision()
        self._followup(teams)
        self._training()

    def _coaching(self, teams: set[int]) -> None:
        now = self.now
        every = dt.timedelta(weeks=CoachingSettings.load().visit_every_weeks)
        held = Visit.objects.exclude(item__status=ItemStatus.CANCELLED).filter(
            item__starts_at__lte=now
        )
        coached = set(CoachAssignment.objects.values_list("team_id", flat=True)) & teams
        self._set("coached", ((pk, 1) for pk in coached))
        # The rule of coaching.selectors.team_states: due = the last held visit (or the day the
        # coach was assigned) + the rhythm; on track while due is today or later. Asked of the
        # database as "assigned or visited since today's midnight minus the rhythm".
        midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        since = midnight - every
        on_track = CoachAssignment.objects.filter(
            Q(assigned_at__gte=since)
            | Q(team_id__in=held.filter(item__starts_at__gte=since).values("team_id"))
        ).values_list("team_id", flat=True)
        self._set("on_track", ((pk, 1) for pk in on_track if pk in coached))
        self._set(
            "visits",
            held.filter(item__starts_at__gt=now - YEAR)
            .values("team_id")
            .annotate(n=Count("pk"))
            .values_list("team_id", "n"),
        )

    def _intervision(self) -> None:
        self._set(
            "members",
            Membership.objects.filter(
                group__round__status=RoundStatus.PUBLISHED, group__dissolved_at__isnull=True
            )
            .values("person__unit_id")
            .annotate(n=Count("person", distinct=True))
            .values_list("person__unit_id", "n"),
        )
        rows = list(
            AttendanceRecord.objects.filter(
                session__item__starts_at__gt=self.now - YEAR,
                session__item__starts_at__lte=self.now,
            )
            .exclude(session__item__status=ItemStatus.CANCELLED)
            .values("person__unit_id")
            .annotate(
                n=Count("pk"),
                present=Count("pk", filter=Q(presence=Presence.PRESENT)),
                people=Count("person", distinct=True),
            )
            .values_list("person__unit_id", "n", "present", "people")
        )
        self._set("recorded", ((pk, n) for pk, n, _p, _q in rows))
        self._set("present", ((pk, present) for pk, _n, present, _q in rows))
        self._set("recorded_people", ((pk, people) for pk, _n, _p, people in rows))

    def _followup(self, teams: set[int]) -> None:
        held = FollowUpSession.objects.exclude(item__status=ItemStatus.CANCELLED).filter(
            item__starts_at__lte=self.now, item__starts_at__gt=self.now - YEAR
        )
        rows = list(
            held.values("unit_id")
            .annotate(
                n=Count("pk"),
                recent=Count("pk", filter=Q(item__starts_at__gt=self.now - HALF_YEAR)),
            )
            .values_list("unit_id", "n", "recent")
        )
        self._set("sessions", ((pk, n) for pk, n, _r in rows))
        self._set("followup_teams", ((pk, 1) for pk, _n, recent in rows if recent and pk in teams))
        for unit_id, goal, n, total in (
            GoalProgress.objects.filter(session__in=held.values("pk"))
            .values("session__unit_id", "goal_id")
            .annotate(n=Count("session", distinct=True), total=Sum("score"))
            .values_list("session__unit_id", "goal_id", "n", "total")
        ):
            if unit_id in self.units:
                self.extra[unit_id].goals[goal] = [n, total]

    def _training(self) -> None:
        for unit_id, stage, n in (
            TrainingRequest.objects.values("unit_id", "stage")
            .annotate(n=Count("pk"))
            .values_list("unit_id", "stage", "n")
        ):
            if unit_id in self.units:
                self.extra[unit_id].stages[stage] += n
        for unit_id, _decided, days in decisions(TrainingRequest.objects.all()):
            if unit_id in self.units:
                self.extra[unit_id].decision_days.append(days)

    def _buddies(self) -> None:
        found = buddy_selectors.counts_today()  # already totals per unit (None: everyone)
        self._set("buddies", ((pk, part) for pk, (part, _p) in found.items() if pk is not None))
        self._set("paired", ((pk, paired) for pk, (_t, paired) in found.items() if pk is not None))
        part, paired = found.get(None, (0, 0))
        self.total[COLUMN["buddies"]], self.total[COLUMN["paired"]] = part, paired

    def _roll_up(self) -> None:
        self.add_up(self.matrix)
        # The few units with requests, decisions or goal scores: add them up their chain.
        own, self.extra = self.extra, defaultdict(Extra)
        for pk, extra in own.items():
            for unit in self.chain(pk):
                self.extra[unit].add(extra)

    def add_up(self, matrix: numpy.ndarray) -> None:
        """Adds every unit's row of `matrix` (a row per unit, in the order of `self.row`) to
        its parent's, the deepest level first, so each row holds its unit and all below."""
        for rows, parents in self._levels():
            numpy.add.at(matrix, parents, matrix[rows])

    def _levels(self) -> list[tuple[numpy.ndarray, numpy.ndarray]]:
        """(rows, their parents' rows) per level of the chart, the deepest first."""
        if getattr(self, "_found_levels", None) is None:
            by_level: dict[int, list[int]] = defaultdict(list)
            for root in self.children[None]:
                stack = [(root, 0)]
                while stack:
                    pk, level = stack.pop()
                    if level:
                        by_level[level].append(pk)
                    stack.extend((kid, level + 1) for kid in self.children.get(pk, []))
            self._found_levels = [
                (
                    numpy.fromiter((self.row[pk] for pk in by_level[level]), dtype=numpy.int64),
                    numpy.fromiter(
                        (self.row[self.units[pk].parent] for pk in by_level[level]),
                        dtype=numpy.int64,
                    ),
                )
                for level in sorted(by_level, reverse=True)
            ]
        return self._found_levels

    def _extra_total(self) -> Extra:
        total = Extra()
        for root in self.children[None]:
            if root in self.extra:
                total.add(self.extra[root])
        return total

    @staticmethod
    def _counts(row, extra: Extra | None) -> Counts:
        extra = extra or Extra()
        return Counts(
            **{name: int(row[i]) for i, name in enumerate(FIELDS)},
            stages=extra.stages,
            decision_days=extra.decision_days,
            goals=extra.goals,
        )

    def _hidden(self, key: str) -> set[int]:
        """Units whose `key` share may not be shown, anywhere (see `hidden_in`)."""
        names = ("present", "recorded", "recorded_people") if key == "attendance" else None
        if names is None:
            names = ("buddies", "employees", "employees")
        columns = [COLUMN[name] for name in names]
        values = self.matrix[:, columns].tolist()  # plain ints: numpy scalars are slow here
        records = key == "attendance"
        parts = {pk: Part(*values[row], records) for pk, row in self.row.items()}
        return self.hidden_in(parts, Part(*map(int, self.total[columns]), records))

    def hidden_in(self, parts: dict[int, Part], total: Part, *, down_to: int | None = None):
        """Units whose share may not be shown: by itself too few people, or shown next to its
        parent it would let someone subtract (secondary suppression). Worked out top-down over
        the whole chart, so every page and export hides the same ones; with `down_to` only
        along the chain above that unit (enough to know whether it may be shown)."""
        on_chain = None if down_to is None else set(self.chain(down_to))
        hidden: set[int] = set()
        groups = [(None, total)]
        while groups:
            parent, whole = groups.pop()
            kids = self.children.get(parent, [])
            mine = [parts[pk] for pk in kids]
            if parent is not None and parent in hidden:
                hidden.update(
                    kid for kid, part in zip(kids, mine, strict=True) if not may_show(part)
                )
            else:
                hidden.update(kids[i] for i in hide_differences(whole, mine))
            groups.extend(
                (kid, parts[kid])
                for kid in kids
                if self.children.get(kid) and (on_chain is None or kid in on_chain)
            )
        return hidden

    # -- walking ---------------------------------------------------------------------------

    def chain(self, pk: int) -> list[int]:
        """Unit `pk` and every unit above it, the top first."""
        found, seen = [], set()
        while pk is not None and pk in self.units and pk not in seen:
            seen.add(pk)
            found.append(pk)
            pk = self.units[pk].parent
        return list(reversed(found))

    def below(self, pk: int) -> list[tuple[int, int]]:
        """(unit, depth) for every unit under `pk`, in chart order, `pk` itself first at 0."""
        found, stack = [], [(pk, 0)]
        while stack:
            unit, depth = stack.pop()
            found.append((unit, depth))
            stack.extend((kid, depth + 1) for kid in reversed(self.children.get(unit, [])))
        return found

    def below_top(self, pk: int | None) -> list[int]:
        """The units directly below `pk`; for the whole organisation (None) with one top unit,
        the units below that one."""
        kids = self.children.get(pk, [])
        if pk is None and len(kids) == 1:
            return self.children.get(kids[0], [])
        return kids

    def subtree(self, pk: int) -> set[int]:
        return {unit for unit, _depth in self.below(pk)}


class _CountsOf:
    """tree.counts[pk]: a unit's Counts, made when first asked for."""

    def __init__(self, tree: Tree) -> None:
        self.tree, self.made = tree, {}

    def __getitem__(self, pk: int) -> Counts:
        if pk not in self.made:
            tree = self.tree
            self.made[pk] = tree._counts(tree.matrix[tree.row[pk]], tree.extra.get(pk))
        return self.made[pk]


_kept: tuple[float, Tree] | None = None
REFRESH_THREAD = "dashboard-refresh"
_refreshing = threading.Lock()


def current_tree() -> Tree:
    """The figures the pages show, at most DASHBOARD_CACHE_SECONDS old in the usual case.

    Working them out reads every unit: at 100,000 employees over half a second, too slow to
    do for each page. So a process keeps them; once they are older than the setting, the next
    page still gets them while a background thread works out new ones. Only figures more than
    twice as old (a quiet night) are worked out while the page waits, so no page shows
    figures older than that. Each page says of when its figures are.
    """
    global _kept
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return Tree()
    kept, now = _kept, time.monotonic()
    if kept is None or now - kept[0] >= 2 * seconds:
        _kept = kept = (now, Tree())
    elif now - kept[0] >= seconds and _refreshing.acquire(blocking=False):
        start_refresh(_refresh)
    return kept[1]


def _refresh() -> None:
    global _kept
    try:
        started = time.monotonic()
        _kept = (started, Tree())
    finally:
        _refreshing.release()
        if threading.current_thread().name == REFRESH_THREAD:
            connections.close_all()  # the thread's own database connection


def start_refresh(work) -> None:
    """Runs `work` beside the request (tests run it at once)."""
    threading.Thread(target=work, name=REFRESH_THREAD, daemon=True).start()


def decisions(requests):
    """(unit pk, decided at, days) for each decided request of `requests`: from the first
    submission to the decision, the rule of training.selectors.decision_times."""
    for unit_id, first, submitted, decided in (
        requests.filter(decided_at__isnull=False)
        .annotate(first=Min("events__at", filter=Q(events__action="submitted")))
        .values_list("unit_id", "first", "submitted_at", "decided_at")
    ):
        start = first or submitted
        if start is not None:
            yield unit_id, decided, (decided - start).total_seconds() / 86400


def on_schedule(now: dt.datetime | None = None) -> tuple[int, int]:
    """(sessions on schedule, sessions held) over the last 12 months, for the whole
    organisation: intervision groups are made across units, so this is not per unit."""
    now = now or timezone.now()
    rows = (
        IntervisionSession.objects.exclude(item__status=ItemStatus.CANCELLED)
        .filter(item__starts_at__lte=now)
        .values_list("group_id", "item__starts_at", "group__round__rhythm_max_weeks")
        .order_by("group_id", "item__starts_at")
    )
    held = kept = 0
    previous: dict[int, dt.datetime] = {}
    for group, starts_at, max_weeks in rows:
        before = previous.get(group)
        previous[group] = starts_at
        if starts_at <= now - YEAR:
            continue
        held += 1
        if before is None or starts_at - before <= dt.timedelta(weeks=max_weeks) + SCHEDULE_SLACK:
            kept += 1
    return kept, held


def intervision_groups() -> int:
    from navolging.intervision.models import Group

    return Group.objects.filter(
        round__status=RoundStatus.PUBLISHED, dissolved_at__isnull=True
    ).count()


def consults_per_month(months: list[dt.date]) -> dict[dt.date, int]:
    """Consults with an appointment per month, for the whole organisation (never per unit)."""
    rows = Consult.objects.filter(month__in=months).values("month").annotate(n=Count("pk"))
    return {row["month"]: row["n"] for row in rows}
