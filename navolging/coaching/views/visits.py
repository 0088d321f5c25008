"""Team pages and visits to team meetings: *Team coach* for employees and managers, *My teams*
for the coach. A reflection is for the team and its manager; a private note is for the
visit's coach alone and is never put in a page for anyone else. Nothing here says anything
about consults, except the coach's own count of open requests on *My teams*."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from navolging.accounts.models import Role
from navolging.lib.access import login_required, roles_required
from navolging.notifications.models import ItemStatus
from navolging.organisation.models import Person, Unit, UnitKind

from .. import selectors, services
from ..forms_visits import ReflectionForm, VisitForm, VisitMoveForm
from ..models import OPEN_STATUSES, CoachAssignment, Consult, Visit

#: Past visits on *Team coach* per team; the team page shows them all.
PAST_ON_MINE = 3


def _error_text(code: str) -> str:
    return {
        "no_coach": _(
            "This team has no coach yet. The programme office first chooses a coach; "
            "then you can plan a visit."
        ),
        "not_allowed": _("Only the team's coach and its manager can plan or change a visit."),
        "in_the_past": _("Choose a moment in the future."),
        "cancelled": _("This visit is cancelled. It cannot be changed."),
        "not_yet": _("You can write the reflection once the visit has started."),
    }.get(code, _("This cannot be done now."))


def _state(visit: Visit, now=None) -> str:
    """planned, held or cancelled."""
    if visit.item.status == ItemStatus.CANCELLED:
        return "cancelled"
    return "held" if visit.item.starts_at <= (now or timezone.now()) else "planned"


def _visits(team: Unit, *, past_limit: int | None = None) -> tuple[list[Visit], list[Visit]]:
    """The team's visits that are not cancelled: upcoming (soonest first) and past (newest
    first, at most `past_limit`)."""
    now = timezone.now()
    live = Visit.objects.live().filter(team=team).select_related("item", "coach")
    upcoming = list(live.filter(item__starts_at__gt=now).order_by("item__starts_at"))
    past = live.filter(item__starts_at__lte=now).order_by("-item__starts_at")
    return upcoming, list(past[:past_limit] if past_limit else past)


def _coach_of(team: Unit):
    assignment = (
        CoachAssignment.objects.filter(team=team).select_related("coach__coach_profile").first()
    )
    return assignment.coach if assignment else None


# -- Team coach: for employees and managers ----------------------------------------------------


@require_GET
@login_required
def mine(request):
    person = request.user.person_or_none
    if person is None or not person.active:
        return render(request, "coaching/visits/no_person.html", {"active_nav": "coach"})
    rows = []
    for team in selectors.teams_of_person(person):
        assignment = getattr(team, "coach_assignment", None)
        upcoming, past = _visits(team, past_limit=PAST_ON_MINE)
        rows.append(
            {
                "team": team,
                "coach": assignment.coach if assignment else None,
                "upcoming": upcoming,
                "past": past,
                "may_plan": services.may_plan_visit(request.user, team),
            }
        )
    context = {"rows": rows, "past_limit": PAST_ON_MINE, "active_nav": "coach"}
    return render(request, "coaching/visits/mine.html", context)


@require_GET
@login_required
def team_detail(request, pk: int):
    team = selectors.team_for(request.user, pk)
    upcoming, past = _visits(team)
    context = {
        "team": team,
        "coach": _coach_of(team),
        "leader": team.leader(),
        "upcoming": upcoming,
        "past": past,
        "may_plan": services.may_plan_visit(request.user, team),
        "active_nav": _nav(request),
    }
    return render(request, "coaching/visits/team_detail.html", context)


def _nav(request) -> str:
    return "coach_home" if request.user.is_trainer else "coach"


# -- planning, moving and cancelling -----------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def visit_plan(request, pk: int):
    team = get_object_or_404(Unit.objects.filter(kind=UnitKind.TEAM), pk=pk)
    if not services.may_plan_visit(request.user, team):
        raise Http404
    form = VisitForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return _plan_page(request, team, form, status=400 if form.errors else 200)
    try:
        visit = services.visit_plan(
            team=team,
            kind=form.cleaned_data["kind"],
            starts_at=form.starts_at(),
            ends_at=form.ends_at(),
            location=form.cleaned_data["location"].strip(),
            invite_team=form.cleaned_data["invite_team"],
            by=request.user,
            request=request,
        )
    except services.CoachingError as error:
        form.add_error(None, _error_text(error.code))
        return _plan_page(request, team, form, status=400)
    messages.success(request, _("The visit is planned. Everyone invited gets an invitation."))
    return redirect("coaching:visit_detail", pk=visit.pk)


def _plan_page(request, team: Unit, form, status: int = 200):
    context = {"team": team, "coach": _coach_of(team), "form": form, "active_nav": _nav(request)}
    return render(request, "coaching/visits/visit_plan.html", context, status=status)


def _plannable_visit(request, pk) -> Visit:
    """A visit the user may change: its team's coach or manager; anyone else gets 404."""
    visit = selectors.visit_for(request.user, pk)
    if not services.may_plan_visit(request.user, visit.team):
        raise Http404
    return visit


@require_http_methods(["GET", "POST"])
@login_required
def visit_edit(request, pk):
    visit = _plannable_visit(request, pk)
    form = VisitMoveForm(request.POST or None, initial=VisitMoveForm.initial_for(visit))
    if _state(visit) != "planned":
        return _edit_page(request, visit, None, status=200 if request.method == "GET" else 400)
    if request.method == "GET" or not form.is_valid():
        return _edit_page(request, visit, form, status=400 if form.errors else 200)
    try:
        services.visit_move(
            visit=visit,
            starts_at=form.starts_at(),
            ends_at=form.ends_at(),
            location=form.cleaned_data["location"].strip(),
            invite_team=form.cleaned_data["invite_team"],
            by=request.user,
            request=request,
        )
    except services.CoachingError as error:
        form.add_error(None, _error_text(error.code))
        return _edit_page(request, visit, form, status=400)
    messages.success(request, _("The visit is changed. Everyone invited gets an update."))
    return redirect("coaching:visit_detail", pk=visit.pk)


def _edit_page(request, visit: Visit, form, status: int = 200):
    context = {"visit": visit, "form": form, "active_nav": _nav(request)}
    return render(request, "coaching/visits/visit_edit.html", context, status=status)


@require_POST
@login_required
def visit_cancel(request, pk):
    visit = _plannable_visit(request, pk)
    state = _state(visit)
    if state != "planned":
        messages.error(
            request,
            _("This visit is already cancelled.")
            if state == "cancelled"
            else _("This visit has already started. It can no longer be cancelled."),
        )
        return redirect("coaching:visit_detail", pk=visit.pk)
    services.visit_cancel(visit=visit, by=request.user, request=request)
    messages.success(request, _("The visit is cancelled. Everyone invited gets a message."))
    return redirect("coaching:team_detail", pk=visit.team_id)


# -- one visit, and the coach's reflection -----------------------------------------------------


@require_GET
@login_required
def visit_detail(request, pk):
    visit = selectors.visit_for(request.user, pk)
    is_coach = visit.coach_id == request.user.pk
    attendances = list(visit.item.attendances.select_related("user__person"))
    context = {
        "visit": visit,
        "state": _state(visit),
        "leader": visit.team.leader(),
        "invited": sorted((a.user for a in attendances), key=lambda u: u.display_name),
        "is_attendee": any(a.user_id == request.user.pk for a in attendances),
        "may_plan": services.may_plan_visit(request.user, visit.team),
        "is_coach": is_coach,
        # Only ever put in the page for the visit's own coach.
        "private_note": visit.private_note if is_coach else "",
        "active_nav": _nav(request),
    }
    return render(request, "coaching/visits/visit_detail.html", context)


@sensitive_post_parameters("private_note", "reflection")
@require_http_methods(["GET", "POST"])
@roles_required(Role.TRAINER)
def visit_reflect(request, pk):
    visit = selectors.visit_for(request.user, pk)
    if visit.coach_id != request.user.pk:
        raise Http404
    initial = {"reflection": visit.reflection, "private_note": visit.private_note}
    form = ReflectionForm(request.POST or None, initial=initial)
    if request.method == "GET" or not form.is_valid():
        return _reflect_page(request, visit, form, status=400 if form.errors else 200)
    first = not visit.reflection and bool(form.cleaned_data["reflection"].strip())
    try:
        services.visit_reflect(visit=visit, by=request.user, request=request, **form.cleaned_data)
    except services.CoachingError as error:
        form.add_error(None, _error_text(error.code))
        return _reflect_page(request, visit, form, status=400)
    if first:
        messages.success(request, _("Saved. The people invited get an e-mail to read it."))
    else:
        messages.success(request, _("Saved."))
    return redirect("coaching:visit_detail", pk=visit.pk)


def _reflect_page(request, visit: Visit, form, status: int = 200):
    context = {"visit": visit, "state": _state(visit), "form": form, "active_nav": "coach_home"}
    return render(request, "coaching/visits/visit_reflect.html", context, status=status)


# -- My teams: the coach's own page ------------------------------------------------------------

#: Levels above a team read in the same query, so `Unit.leader()` needs no query of its own.
_LEADER_PATH = ["team__head"] + ["team__" + "parent__" * depth + "head" for depth in range(1, 4)]


@require_GET
@roles_required(Role.TRAINER)
def coach_home(request):
    """A fixed number of queries for any number of teams."""
    user, now = request.user, timezone.now()
    assignments = list(
        CoachAssignment.objects.filter(coach=user)
        .select_related(*_LEADER_PATH)
        .order_by("team__name")
    )
    teams = [a.team for a in assignments]
    members = dict(
        Person.objects.active()
        .filter(unit__in=teams)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    mine = Visit.objects.live().filter(coach=user).select_related("team", "item")
    context = {
        "rows": [
            {
                "state": state,
                "leader": state.team.leader(),
                "members": members.get(state.team.pk, 0),
            }
            for state in selectors.team_states(teams, now=now)
        ],
        "upcoming": list(mine.filter(item__starts_at__gt=now).order_by("item__starts_at")),
        "to_write": list(
            mine.filter(item__starts_at__lte=now, reflection="").order_by("-item__starts_at")
        ),
        "open_consults": Consult.objects.visible_to(user)
        .filter(coach=user, status__in=OPEN_STATUSES)
        .count(),
        "active_nav": "coach_home",
    }
    return render(request, "coaching/visits/coach_home.html", context)
