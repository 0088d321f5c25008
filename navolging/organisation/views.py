from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from navolging.lib.access import programme_office_required

from . import services
from .forms import BaseProgrammeForm, PersonSearchForm
from .models import BaseProgramme, Person, ProgrammeScope, Unit, UnitKind

PAGE_SIZE = 50


def _sub_units():
    """Active units with their head and how many active people they hold, in one query."""
    return (
        Unit.objects.filter(active=True)
        .select_related("head")
        .annotate(member_count=Count("members", filter=Q(members__active=True)))
        .order_by("name")
    )


def _unit_for_office(pk: int) -> Unit:
    return get_object_or_404(Unit.objects.select_related("head", "parent"), pk=pk)


@require_GET
@programme_office_required
def tree(request):
    """The top of the organisation chart; each unit page shows the level below it."""
    units = (
        Unit.objects.filter(parent__isnull=True, active=True)
        .select_related("head")
        .prefetch_related(Prefetch("children", queryset=_sub_units(), to_attr="active_children"))
        .order_by("name")
    )
    return render(
        request,
        "organisation/tree.html",
        {
            "units": units,
            "search_form": PersonSearchForm(),
            "active_nav": "organisation",
        },
    )


@require_GET
@programme_office_required
def unit_detail(request, pk: int):
    unit = _unit_for_office(pk)
    children = _sub_units().filter(parent=unit)
    members = Paginator(
        unit.members.filter(active=True).only(
            "pk", "first_name", "prefix", "last_name", "employee_number", "job_title", "unit_id"
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("pagina"))
    # trainers__person: display_name reads it, one query per trainer otherwise.
    programmes = {p.scope: p for p in unit.base_programmes.prefetch_related("trainers__person")}
    scopes = []
    if unit.kind == UnitKind.TEAM:
        scopes.append(ProgrammeScope.TEAM)
    if unit.has_management_team:
        scopes.append(ProgrammeScope.MANAGEMENT_TEAM)
    return render(
        request,
        "organisation/unit_detail.html",
        {
            "unit": unit,
            "ancestors": unit.ancestors(),
            "children": children,
            "members": members,
            "management_team": unit.management_team() if unit.has_management_team else None,
            "programmes": [
                (scope, ProgrammeScope(scope).label, programmes.get(scope)) for scope in scopes
            ],
            "active_nav": "organisation",
        },
    )


@require_http_methods(["GET", "POST"])
@programme_office_required
def base_programme_edit(request, pk: int, scope: str):
    unit = _unit_for_office(pk)
    if scope not in ProgrammeScope.values:
        raise Http404
    programme = BaseProgramme.objects.filter(unit=unit, scope=scope).first()
    form = BaseProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        services.base_programme_set(
            unit=unit,
            scope=scope,
            completed_on=form.cleaned_data["completed_on"],
            trainers=list(form.cleaned_data["trainers"]),
            head_trainer=form.cleaned_data["head_trainer"],
            by=request.user,
            request=request,
        )
        messages.success(request, _("Base programme status saved."))
        return redirect("organisation:unit_detail", pk=unit.pk)
    return render(
        request,
        "organisation/base_programme_form.html",
        {
            "unit": unit,
            "scope_label": ProgrammeScope(scope).label,
            "form": form,
            "active_nav": "organisation",
        },
    )


@require_GET
@programme_office_required
def person_search(request):
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"]:
        results = Paginator(
            Person.objects.search(form.cleaned_data["q"]).select_related("unit"), PAGE_SIZE
        ).get_page(request.GET.get("pagina"))
    return render(
        request,
        "organisation/person_search.html",
        {
            "form": form,
            "results": results,
            "active_nav": "organisation",
        },
    )


@require_GET
@programme_office_required
def person_detail(request, pk: int):
    person = get_object_or_404(Person.objects.select_related("unit", "user"), pk=pk)
    return render(
        request,
        "organisation/person_detail.html",
        {
            "person": person,
            "manager": person.manager(),
            "headed_units": person.headed_units.order_by("name"),
            "active_nav": "organisation",
        },
    )
