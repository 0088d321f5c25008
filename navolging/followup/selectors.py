"""What a page may read of follow-up sessions and best practices, always starting from the user.

Sessions: its participants, whoever leads it, the managers of its unit (the head of the unit
and every head above it) and the programme office; anyone else gets 404. Best practices:
shared ones for everyone, unshared ones for their author only. An anonymous best practice is
never shown with its author to anyone but the author (`author_shown`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import TruncQuarter
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import get_language

from navolging.accounts.models import Role, User
from navolging.notifications.models import ItemStatus
from navolging.organisation.models import Person, Unit, UnitKind

from .models import BestPractice, FollowUpSession, Goal, GoalProgress, SessionScope

#: An average over fewer sessions than this says "too few sessions" instead of a number.
FEWEST_SESSIONS = 5


# -- units ------------------------------------------------------------------------------------


def units_below(roots) -> set[int]:
    """The pks of `roots` (units or pks) and every unit under them; one query per level."""
    found: set[int] = set()
    frontier = {getattr(unit, "pk", unit) for unit in roots}
    while frontier:
        found |= frontier
        frontier = (
            set(Unit.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
        )
    return found


def led_units(person: Person | None) -> set[int]:
    """The units a person leads (as head) and every unit under them."""
    if person is None or not person.active:
        return set()
    return units_below(person.headed_units.filter(active=True))


def may_plan_for(user: User, unit: Unit) -> bool:
    """The programme office for any unit; a manager for a unit they lead and the units below."""
    if user.has_role(Role.PROGRAMME_OFFICE):
        return True
    return unit.pk in led_units(user.person_or_none)


def plannable_units(user: User) -> QuerySet[Unit]:
    units = Unit.objects.active()
    if not user.has_role(Role.PROGRAMME_OFFICE):
        units = units.filter(pk__in=led_units(user.person_or_none))
    return units.order_by("name")


def scopes_for(unit: Unit) -> list[str]:
    """The kinds of session a unit can have."""
    scopes = []
    if unit.kind == UnitKind.TEAM:
        scopes.append(SessionScope.TEAM)
    if unit.has_management_team:
        scopes.append(SessionScope.MANAGEMENT_TEAM)
    if unit.kind in (UnitKind.DEPARTMENT, UnitKind.DIRECTORATE):
        scopes.append(SessionScope.DEPARTMENT)
    if unit.parent_id is None:
        scopes.append(SessionScope.PROGRAMME)
    return scopes


def default_participants(unit: Unit, scope: str) -> list[User]:
    """Who is invited unless the planner takes them off: a team's members and its leader; an
    MT's members; everyone in a department and below; for the whole programme the top MT
    (the office adds or removes people)."""
    if scope == SessionScope.TEAM:
        people = Person.objects.active().filter(unit=unit)
        leader = unit.leader()
        extra = [leader] if leader is not None else []
    elif scope == SessionScope.DEPARTMENT:
        people, extra = Person.objects.active().filter(unit__in=units_below([unit])), []
    else:  # the MT, and the programme's top MT
        people, extra = Person.objects.none(), unit.management_team()
    found = {p.user_id: p for p in [*people.select_related("user"), *extra] if p.user_id}
    found = {pk: p for pk, p in found.items() if p.active and p.user.is_active}
    return [p.user for p in sorted(found.values(), key=Person.sort_key)]


def led_by_choices(unit: Unit, planner: User) -> QuerySet[User]:
    """Who may lead a session: the planner, the unit's manager, or a trainer."""
    pks = {planner.pk}
    leader = unit.leader()
    if leader is not None and leader.user_id:
        pks.add(leader.user_id)
    return User.objects.filter(Q(pk__in=pks) | Q(is_trainer=True), is_active=True).order_by(
        "name", "email"
    )


# -- sessions ---------------------------------------------------------------------------------


def managers_of(unit: Unit) -> list[Person]:
    """The head of the unit and every head above it (who may read its sessions)."""
    heads, seen = [], set()
    current: Unit | None = unit
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        if current.head_id and current.head.active:
            heads.append(current.head)
        current = current.parent
    return heads


def sessions_visible_to(user: User) -> QuerySet[FollowUpSession]:
    sessions = FollowUpSession.objects.select_related("unit", "item", "led_by__person")
    if user.has_role(Role.PROGRAMME_OFFICE):
        return sessions
    mine = Q(led_by=user) | Q(item__attendances__user=user)
    units = led_units(user.person_or_none)
    if units:
        mine |= Q(unit__in=units)
    return sessions.filter(pk__in=FollowUpSession.objects.filter(mine).values("pk"))


def session_for(user: User, pk: int) -> FollowUpSession:
    """A session the user may read; anyone else gets 404."""
    return get_object_or_404(sessions_visible_to(user), pk=pk)


def session_state(session: FollowUpSession, now: dt.datetime | None = None) -> str:
    """planned, held or cancelled."""
    if session.item.status == ItemStatus.CANCELLED:
        return "cancelled"
    return "held" if session.item.starts_at <= (now or timezone.now()) else "planned"


def session_best_practices(session: FollowUpSession, user: User) -> list[BestPractice]:
    """The best practices written in a session's record as this reader may see them on the
    session page. Anonymous ones are left out for everyone but their author: the session
    names who led it, and whoever led it wrote them."""
    practices = session.best_practices.visible_to(user).prefetch_related("themes")
    return [bp for bp in practices if bp.author_id == user.pk or not bp.anonymous]


# -- best practices ---------------------------------------------------------------------------


def practices_visible_to(user: User) -> QuerySet[BestPractice]:
    return BestPractice.objects.visible_to(user).prefetch_related("themes")


def practice_for(user: User, pk: int) -> BestPractice:
    return get_object_or_404(practices_visible_to(user), pk=pk)


def own_practice(user: User, pk: int) -> BestPractice:
    """Only the author changes or deletes a best practice; to anyone else it does not exist."""
    practice = get_object_or_404(BestPractice.objects.prefetch_related("themes"), pk=pk)
    if practice.author_id != user.pk:
        raise Http404
    return practice


def author_shown(practice: BestPractice, reader: User | None = None) -> str | None:
    """The author's name as a page, the API or an export may show it: never for an anonymous
    one, except to the author."""
    if practice.anonymous and (reader is None or reader.pk != practice.author_id):
        return None
    return practice.author.display_name


def practice_search(
    practices: QuerySet[BestPractice], *, text: str = "", theme=None, instrument: str = ""
) -> QuerySet[BestPractice]:
    """Search in title and text (every word), filter by theme and instrument. Never by author."""
    for word in text.split():
        practices = practices.filter(Q(title__icontains=word) | Q(text__icontains=word))
    if theme is not None:
        practices = practices.filter(themes=theme)
    if instrument:
        practices = practices.filter(instrument=instrument)
    return practices.distinct()


# -- the office's figures ---------------------------------------------------------------------


@dataclass(frozen=True)
class UnitCount:
    unit: Unit
    level: int  # 0 programme, 1 directorate, 2 department
    held: int  # sessions held for this unit and every unit under it


def sessions_held_per_unit(now: dt.datetime | None = None) -> list[UnitCount]:
    """Sessions held (not cancelled, started) per directorate and per department, each with
    everything under it; the root counts every session. Sessions are about groups, not people,
    so the numbers are exact."""
    now = now or timezone.now()
    held = dict(
        FollowUpSession.objects.exclude(item__status=ItemStatus.CANCELLED)
        .filter(item__starts_at__lte=now)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    units = list(Unit.objects.all().only("pk", "parent_id", "name", "kind", "active"))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def total(unit: Unit, seen: set[int]) -> int:
        if unit.pk in seen:
            return 0
        seen.add(unit.pk)
        return held.get(unit.pk, 0) + sum(total(c, seen) for c in children.get(unit.pk, []))

    rows: list[UnitCount] = []
    for root in sorted(children.get(None, []), key=lambda u: u.name):
        rows.append(UnitCount(root, 0, total(root, set())))
        for directorate in sorted(children.get(root.pk, []), key=lambda u: u.name):
            if directorate.kind != UnitKind.DIRECTORATE:
                continue
            rows.append(UnitCount(directorate, 1, total(directorate, set())))
            for department in sorted(children.get(directorate.pk, []), key=lambda u: u.name):
                if department.kind == UnitKind.DEPARTMENT:
                    rows.append(UnitCount(department, 2, total(department, set())))
    return rows


@dataclass(frozen=True)
class Average:
    sessions: int
    score: float | None  # None when there are too few sessions to show a number

    @property
    def too_few(self) -> bool:
        return self.score is None


@dataclass(frozen=True)
class GoalLine:
    goal: Goal
    averages: list[Average]  # one per quarter in `quarters`, oldest first


def progress_per_quarter(
    now: dt.datetime | None = None, count: int = 4
) -> tuple[list[dt.date], list[GoalLine]]:
    """The average score per goal per quarter over the last `count` quarters (this one
    included), from sessions held and not cancelled; fewer than FEWEST_SESSIONS sessions
    in a quarter give no number."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarters = [first]
    for _ in range(count - 1):
        back = quarters[0] - dt.timedelta(days=1)
        quarters.insert(0, dt.date(back.year, 3 * ((back.month - 1) // 3) + 1, 1))
    since = dt.datetime.combine(quarters[0], dt.time(), timezone.get_current_timezone())
    rows = (
        GoalProgress.objects.exclude(session__item__status=ItemStatus.CANCELLED)
        .filter(session__item__starts_at__gte=since, session__item__starts_at__lte=now)
        .annotate(quarter=TruncQuarter("session__item__starts_at"))
        .values("goal_id", "quarter")
        .annotate(n=Count("session", distinct=True), avg=Avg("score"))
    )
    found = {}
    for row in rows:
        quarter = row["quarter"]
        if isinstance(quarter, dt.datetime):
            quarter = (
                timezone.localtime(quarter).date() if timezone.is_aware(quarter) else quarter.date()
            )
        found[(row["goal_id"], quarter)] = (row["n"], row["avg"])
    goals = Goal.objects.filter(Q(active=True) | Q(pk__in={g for g, _q in found}))
    lines = []
    for goal in goals:
        averages = []
        for quarter in quarters:
            n, avg = found.get((goal.pk, quarter), (0, None))
            score = round(float(avg), 1) if n >= FEWEST_SESSIONS and avg is not None else None
            averages.append(Average(n, score))
        lines.append(GoalLine(goal, averages))
    return quarters, lines


def practice_row(practice: BestPractice) -> dict:
    """A shared best practice as the API and the export give it: the author's name only when
    it was not published anonymously, and only the day it was written (a time of day could be
    matched to the session it came from, and so to whoever led it)."""
    language = get_language() or "nl"
    return {
        "id": practice.pk,
        "title": practice.title,
        "text": practice.text,
        "themes": [theme.name(language) for theme in practice.themes.all()],
        "instrument": practice.instrument,
        "instrument_label": str(practice.get_instrument_display()),
        "created_at": timezone.localdate(practice.created_at).isoformat(),
        "author": author_shown(practice),
    }
