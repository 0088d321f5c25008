"""Each figure month by month, for a unit and everything below it (None: the whole
organisation): the last twelve months, the running month last ("so far").

Events (visits, sessions, requests) are counted in the month they happened; states (teams with
the base programme done, teams with a coach) as they stood at the end of each month; the buddy
system from its recorded daily counts. Counts about people are bands, shares about people follow
navolging.lib.figures, exactly as on the overview.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

import numpy
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from navolging.buddies.models import Count as BuddyCount
from navolging.coaching.models import CoachAssignment, Visit
from navolging.followup.models import FollowUpSession
from navolging.intervision.models import AttendanceRecord, Presence
from navolging.lib.figures import Part, share, shown
from navolging.notifications.models import ItemStatus
from navolging.organisation.models import BaseProgramme, ProgrammeScope, UnitKind
from navolging.training.models import TrainingRequest

from . import metrics

MONTHS = 12


@dataclass(frozen=True)
class Point:
    month: dt.date
    text: str  # as the table says it
    low: float | None  # what a chart may draw: None draws nothing (hidden or no figure)
    high: float | None  # a band's highest value; the same as `low` for an exact figure


@dataclass(frozen=True)
class Series:
    key: str
    title: str
    points: list[Point]
    percent: bool = False


def months(today: dt.date, count: int = MONTHS) -> list[dt.date]:
    """First days of the last `count` months, oldest first, the running one last."""
    found = [today.replace(day=1)]
    while len(found) < count:
        found.insert(0, (found[0] - dt.timedelta(days=1)).replace(day=1))
    return found


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _as_month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _exact(month: dt.date, count: int) -> Point:
    return Point(month, str(count), count, count)


def _band(month: dt.date, count: int) -> Point:
    figure = shown(count)
    return Point(month, figure.text, figure.low, figure.high + 1)


def _share(month: dt.date, part: Part, *, hidden: bool = False) -> Point:
    words = share(part, hidden=hidden)
    value = None if words.percent is None else words.percent
    return Point(month, words.text, value, value)


def _per_month(queryset, field: str, since: dt.datetime, **counts) -> dict[dt.date, dict]:
    zone = timezone.get_current_timezone()
    rows = (
        queryset.filter(**{f"{field}__gte": since})
        .annotate(month=TruncMonth(field, tzinfo=zone))
        .values("month")
        .annotate(**counts)
    )
    return {_as_month(row["month"]): row for row in rows}


def _attendance(pk, tree: metrics.Tree, shown_months, since, now) -> list[Point]:
    """Attendance per month. A month's percentage for a unit is hidden not only with too few
    people behind it, but also where its parent's percentage of that month minus the units
    beside it would give a small group away: the overview's rule (Tree.hidden_in), month by
    month. So every unit's monthly figures are read, not only this unit's."""
    zone = timezone.get_current_timezone()
    index = {month: i for i, month in enumerate(shown_months)}
    rows = (
        AttendanceRecord.objects.exclude(session__item__status=ItemStatus.CANCELLED)
        .filter(session__item__starts_at__gte=since, session__item__starts_at__lte=now)
        .annotate(month=TruncMonth("session__item__starts_at", tzinfo=zone))
        .values("person__unit_id", "month")
        .annotate(
            n=Count("pk"),
            present=Count("pk", filter=Q(presence=Presence.PRESENT)),
            people=Count("person", distinct=True),
        )
        .values_list("person__unit_id", "month", "present", "n", "people")
    )
    # Three columns (present, recorded, people) per month, a row per unit, added up the chart.
    matrix = numpy.zeros((len(tree.row), 3 * len(shown_months)), dtype=numpy.int64)
    for unit, month, present, n, people in rows:
        column = index.get(_as_month(month))
        if unit in tree.row and column is not None:
            matrix[tree.row[unit], 3 * column : 3 * column + 3] = present, n, people
    tree.add_up(matrix)
    total = matrix[[tree.row[root] for root in tree.children[None]]].sum(axis=0).tolist()
    values = matrix.tolist()
    points = []
    for i, month in enumerate(shown_months):
        columns = slice(3 * i, 3 * i + 3)
        whole = Part(*total[columns], records=True)
        if pk is None:
            points.append(_share(month, whole))
            continue
        parts = {unit: Part(*values[row][columns], True) for unit, row in tree.row.items()}
        hidden = pk in tree.hidden_in(parts, whole, down_to=pk)
        points.append(_share(month, parts[pk], hidden=hidden))
    return points


def _decisions(within, shown_months) -> list[Point]:
    """The median days from the first submission to the decision, of the requests decided in
    each month (the rule of metrics.Tree and training.selectors.decision_times)."""
    since = dt.datetime.combine(shown_months[0], dt.time(), timezone.get_current_timezone())
    days: dict[dt.date, list[float]] = {}
    requests = within(TrainingRequest.objects.filter(decided_at__gte=since), "unit_id")
    for _unit, decided, taken in metrics.decisions(requests):
        days.setdefault(_as_month(decided), []).append(taken)
    points = []
    for month in shown_months:
        if month not in days:
            points.append(Point(month, "–", None, None))
            continue
        median = round(statistics.median(days[month]), 1)
        points.append(Point(month, number_format(median, decimal_pos=1), median, median))
    return points


def unit_series(pk: int | None, tree: metrics.Tree, *, now: dt.datetime | None = None):
    """Every figure month by month for unit `pk` and everything below it."""
    now = now or timezone.now()
    shown_months = months(timezone.localdate(now))
    since = dt.datetime.combine(shown_months[0], dt.time(), timezone.get_current_timezone())
    units = None if pk is None else tree.subtree(pk)
    teams = {u for u in (units or tree.units) if tree.units[u].kind == UnitKind.TEAM}

    def within(queryset, field: str):
        return queryset if units is None else queryset.filter(**{f"{field}__in": units})

    series = []

    done = within(
        BaseProgramme.objects.filter(scope=ProgrammeScope.TEAM, completed_on__isnull=False),
        "unit_id",
    ).values_list("unit_id", "completed_on")
    done = [day for unit, day in done if unit in teams]
    series.append(
        Series(
            "base_done",
            _("Teams with the base programme done"),
            [_exact(m, sum(day <= _month_end(m) for day in done)) for m in shown_months],
        )
    )
    assigned = [
        timezone.localdate(at)
        for unit, at in within(CoachAssignment.objects, "team_id").values_list(
            "team_id", "assigned_at"
        )
        if unit in teams
    ]
    series.append(
        Series(
            "coached",
            _("Teams with a coach"),
            [_exact(m, sum(day <= _month_end(m) for day in assigned)) for m in shown_months],
        )
    )

    def events(key: str, title: str, queryset, unit_field: str, field: str) -> Series:
        """How many of `queryset` happened in each month (by `field`)."""
        found = _per_month(within(queryset, unit_field), field, since, n=Count("pk"))
        return Series(key, title, [_exact(m, found.get(m, {}).get("n", 0)) for m in shown_months])

    held = {"item__starts_at__lte": now}
    series.append(
        events(
            "visits",
            _("Coach visits held"),
            Visit.objects.exclude(item__status=ItemStatus.CANCELLED).filter(**held),
            "team_id",
            "item__starts_at",
        )
    )
    series.append(
        Series(
            "attendance",
            _("Attendance at intervision"),
            _attendance(pk, tree, shown_months, since, now),
            percent=True,
        )
    )
    recorded = {}
    for day, part, paired in (
        BuddyCount.objects.filter(unit_id=pk, day__gte=shown_months[0])
        .order_by("day")
        .values_list("day", "taking_part", "paired")
    ):
        recorded[day.replace(day=1)] = (part, paired)  # the last recorded day of a month
    for key, title, column in (
        ("buddies", _("Taking part in the buddy system"), 0),
        ("paired", _("Of them with a buddy"), 1),
    ):
        series.append(
            Series(
                key,
                title,
                [
                    _band(m, recorded[m][column]) if m in recorded else Point(m, "–", None, None)
                    for m in shown_months
                ],
            )
        )
    series.append(
        events(
            "sessions",
            _("Follow-up sessions held"),
            FollowUpSession.objects.exclude(item__status=ItemStatus.CANCELLED).filter(**held),
            "unit_id",
            "item__starts_at",
        )
    )
    series.append(
        events(
            "requests",
            _("Tailored-training requests submitted"),
            TrainingRequest.objects,
            "unit_id",
            "submitted_at",
        )
    )
    series.append(
        Series(
            "decision_days",
            _("Days from request to decision (median)"),
            _decisions(within, shown_months),
        )
    )
    if pk is None:
        # Consults only for the whole organisation, only as bands, and only for months that
        # are over: a figure that changes during the month would tell when someone went.
        over = [m for m in shown_months if m < shown_months[-1]]
        counts = metrics.consults_per_month(over)
        series.append(
            Series(
                "consults",
                _("Confidential consults"),
                [
                    _band(m, counts.get(m, 0)) if m in over else Point(m, "–", None, None)
                    for m in shown_months
                ],
            )
        )
    return series
