"""The programme office's pages of team coaching: which team has which coach, which teams are
behind the rhythm of visits, the coaches' capacity, the consult figures and the settings.

The office never sees a consult: only bands of five per coach per completed month (R10).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from navolging.accounts.models import User
from navolging.lib.access import programme_office_required
from navolging.lib.figures import bar, chart_top
from navolging.organisation.models import Unit, UnitKind

from .. import selectors, services
from ..forms_office import AssignForm, CoachProfileForm, SettingsForm
from ..models import CoachAssignment, CoachingSettings, CoachProfile

TEAMS_PER_PAGE = 50

#: The overview's filters (?toon=...): which team states each one shows.
FILTERS = {"": None, "zonder-coach": {"no_coach"}, "achter": {"behind"}}

#: Teams that need the office first: no coach, then behind, then the rest.
URGENCY = {"no_coach": 0, "behind": 1, "planned": 2, "on_track": 3}

DEFAULT_CAPACITY = CoachProfile._meta.get_field("capacity").default


@dataclass(frozen=True)
class CoachRow:
    """A trainer as coach: how many teams they have and may have."""

    user: User
    taken: int
    capacity: int
    phone: str
    takes_consults: bool
    involved: bool = False  # a trainer of the team's base programme (on the assign page)

    @property
    def full(self) -> bool:
        return self.taken >= self.capacity

    @property
    def over(self) -> bool:
        return self.taken > self.capacity


def coach_rows(users, involved: set[int] = frozenset()) -> list[CoachRow]:
    """One query for any number of coaches."""
    users = users.select_related("coach_profile", "person").annotate(taken=Count("coached_teams"))
    rows = []
    for user in users.order_by("name", "email"):
        profile = getattr(user, "coach_profile", None)
        rows.append(
            CoachRow(
                user,
                user.taken,
                profile.capacity if profile else DEFAULT_CAPACITY,
                profile.phone if profile else "",
                profile.takes_consults if profile else True,
                user.pk in involved,
            )
        )
    return rows


# -- the overview: coverage and rhythm ---------------------------------------------------------


@require_GET
@programme_office_required
def overview(request):
    teams = Unit.objects.filter(kind=UnitKind.TEAM, active=True)
    # Read once, rather than joined to each of thousands of teams.
    departments = dict(
        Unit.objects.filter(pk__in=teams.values("parent_id")).values_list("pk", "name")
    )
    states = selectors.team_states(teams.order_by("parent__name", "name"))
    counts = Counter(state.state for state in states)
    chosen = request.GET.get("toon", "")
    chosen = chosen if chosen in FILTERS else ""
    query = " ".join(request.GET.get("q", "").split())
    rows = [s for s in states if _shown(s, chosen, query.casefold(), departments)]
    rows.sort(key=lambda s: URGENCY[s.state])  # stable: department and name order within
    page = Paginator(rows, TEAMS_PER_PAGE).get_page(request.GET.get("pagina"))
    context = {
        "page": page,
        "rows": [(state, departments.get(state.team.parent_id, "")) for state in page],
        "page_query": urlencode({k: v for k, v in (("toon", chosen), ("q", query)) if v}),
        "chosen": chosen,
        "query": query,
        "total": len(states),
        "no_coach": counts["no_coach"],
        "behind": counts["behind"],
        "weeks": CoachingSettings.load().visit_every_weeks,
        "coaches": coach_rows(User.objects.filter(is_trainer=True)),
        "active_nav": "coaching_office",
    }
    return render(request, "coaching/office/overview.html", context)


def _shown(state, chosen: str, query: str, departments: dict[int, str]) -> bool:
    """Whether the team is in the chosen filter and matches the search (team or department)."""
    if FILTERS[chosen] is not None and state.state not in FILTERS[chosen]:
        return False
    department = departments.get(state.team.parent_id, "")
    return not query or query in state.team.name.casefold() or query in department.casefold()


# -- one team: assign or remove its coach ------------------------------------------------------


@require_http_methods(["GET", "POST"])
@programme_office_required
def assign(request, pk: int):
    team = get_object_or_404(
        Unit.objects.filter(kind=UnitKind.TEAM).select_related("parent"), pk=pk
    )
    current = CoachAssignment.objects.filter(team=team).select_related("coach").first()
    if request.method == "POST" and request.POST.get("action") == "remove":
        services.coach_unassign(team=team, by=request.user, request=request)
        messages.success(request, _("%(team)s has no coach now.") % {"team": team.name})
        return redirect("coaching:office")
    options = _options(team)
    if request.method == "GET":
        form = AssignForm(options=options, initial={"coach": current.coach_id if current else None})
        return _assign_page(request, team, current, options, form)
    form = AssignForm(request.POST, options=options)
    if form.is_valid():
        try:
            services.coach_assign(team=team, by=request.user, request=request, **form.cleaned_data)
        except services.CoachingError as error:
            form.refused(error)
        else:
            messages.success(
                request,
                _("%(coach)s is now the coach of %(team)s.")
                % {"coach": form.cleaned_data["coach"].display_name, "team": team.name},
            )
            return redirect("coaching:office")
    return _assign_page(request, team, current, options, form, status=400)


def _options(team: Unit) -> list[CoachRow]:
    """The trainers of the team's base programme first, then every other active trainer."""
    involved = services.involved_trainers(team)
    rows = coach_rows(User.objects.filter(is_trainer=True, is_active=True), involved)
    return sorted(rows, key=lambda row: not row.involved)


def _assign_page(request, team, current, options, form, status=200):
    """The radio buttons in two groups, each with the coach's teams taken and capacity."""
    radios = {str(radio.data["value"]): radio for radio in form["coach"]}
    groups = [
        (_("Trainers of this team's base programme"), [o for o in options if o.involved]),
        (_("Other trainers"), [o for o in options if not o.involved]),
    ]
    context = {
        "team": team,
        "current": current,
        "form": form,
        "groups": [
            (label, [(option, radios[str(option.user.pk)]) for option in group])
            for label, group in groups
        ],
        "active_nav": "coaching_office",
    }
    return render(request, "coaching/office/assign.html", context, status=status)


# -- one coach: capacity, phone, consults ------------------------------------------------------


@require_http_methods(["GET", "POST"])
@programme_office_required
def coach_edit(request, pk: int):
    coach = get_object_or_404(User, pk=pk, is_trainer=True)
    if request.method == "POST":
        form = CoachProfileForm(request.POST)
        if form.is_valid():
            services.coach_profile_save(
                user=coach, by=request.user, request=request, **form.cleaned_data
            )
            messages.success(request, _("Saved."))
            return redirect("coaching:office")
    else:
        profile = CoachProfile.objects.filter(user=coach).first() or CoachProfile(user=coach)
        form = CoachProfileForm(
            initial={
                "capacity": profile.capacity,
                "phone": profile.phone,
                "takes_consults": profile.takes_consults,
            }
        )
    teams = Unit.objects.filter(coach_assignment__coach=coach).select_related("parent")
    context = {
        "coach": coach,
        "form": form,
        "teams": teams.order_by("name"),
        "active_nav": "coaching_office",
    }
    return render(
        request, "coaching/office/coach_edit.html", context, status=400 if form.errors else 200
    )


# -- consult figures: bands of five per coach per completed month -----------------------------

#: The chart: one row per coach, one column per month; sizes in SVG units.
CHART_LABEL, CHART_COLUMN, CHART_GAP, CHART_ROW, CHART_HEAD = 190, 22, 8, 44, 24


def consult_chart(months, figures) -> dict:
    """Columns for the bands: solid up to the lowest value of the band, light over the five
    values it may be (lib/figures.py), so a chart shows no exact number either."""
    top = chart_top(figure for row in figures for figure in row.months)
    room = CHART_ROW - 12
    columns = [CHART_LABEL + j * (CHART_COLUMN + CHART_GAP) for j in range(len(months))]
    rows = []
    for k, row in enumerate(figures):
        base = CHART_HEAD + k * CHART_ROW + room + 4
        bars = []
        for x, figure in zip(columns, row.months, strict=True):
            drawn = bar(figure, top=top, room=room)
            solid_y = base - drawn.solid
            bars.append({"x": x, "solid": drawn.solid, "solid_y": solid_y, "light": drawn.light})
            bars[-1]["light_y"] = solid_y - drawn.light
        rows.append({"coach": row.coach, "base": base, "bars": bars})
    return {
        "rows": rows,
        "months": [
            (x + CHART_COLUMN // 2, month) for x, month in zip(columns, months, strict=True)
        ],
        "column": CHART_COLUMN,
        "bars_x": CHART_LABEL - 4,
        "end": columns[-1] + CHART_COLUMN if columns else CHART_LABEL,
        "width": CHART_LABEL + len(months) * (CHART_COLUMN + CHART_GAP) + 10,
        "height": CHART_HEAD + len(figures) * CHART_ROW + 8,
    }


@require_GET
@programme_office_required
def consult_figures(request):
    months = selectors.consult_months()
    figures = selectors.consult_figures(months)
    context = {
        "months": months,
        "figures": figures,
        "chart": consult_chart(months, figures) if figures else None,
        "active_nav": "coaching_office",
    }
    return render(request, "coaching/office/consult_figures.html", context)


# -- settings ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@programme_office_required
def settings_edit(request):
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            services.settings_save(by=request.user, request=request, **form.cleaned_data)
            messages.success(request, _("Saved."))
            return redirect("coaching:office")
    else:
        current = CoachingSettings.load()
        form = SettingsForm(
            initial={name: getattr(current, name) for name in SettingsForm.base_fields}
        )
    context = {"form": form, "active_nav": "coaching_office"}
    return render(
        request, "coaching/office/settings.html", context, status=400 if form.errors else 200
    )
