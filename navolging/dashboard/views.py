"""The programme dashboard: the whole follow-up per unit for the programme office, and the same
for a manager's own units. Figures come from report.Overview only (navolging.lib.figures rules)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from navolging.accounts.models import Role
from navolging.lib.access import programme_office_required, roles_required

from . import access, charts, metrics, services
from . import trends as trend_data
from .forms import TargetsForm
from .models import Targets
from .report import COLUMNS, Overview

dashboard_required = roles_required(Role.PROGRAMME_OFFICE, Role.MANAGER)


def _crumbs(request, tree: metrics.Tree, pk: int | None) -> list[tuple[str, str]]:
    """(label, url) from where this user's view starts down to the unit above `pk`."""
    if pk is None:
        return []
    top = access.top_for(request.user, pk, tree)
    crumbs = []
    if top is None:
        crumbs.append((_("Whole organisation"), reverse("dashboard:overview")))
    chain = tree.chain(pk)
    start = chain.index(top) if top is not None else 1 if len(tree.children[None]) == 1 else 0
    for unit in chain[start:-1]:
        crumbs.append((tree.units[unit].name, reverse("dashboard:unit", args=[unit])))
    return crumbs


def _downloads(pk: int | None) -> dict[str, str]:
    args = [] if pk is None else [pk]
    prefix = "" if pk is None else "unit_"
    return {
        "xlsx": reverse(f"dashboard:{prefix}export_xlsx", args=args),
        "csv": reverse(f"dashboard:{prefix}export_csv", args=args),
        "pdf": reverse(f"dashboard:{prefix}report_pdf", args=args),
        "trends": reverse(f"dashboard:{prefix}trends", args=args),
    }


def _as_of(tree: metrics.Tree) -> dict:
    seconds = settings.DASHBOARD_CACHE_SECONDS
    return {"as_of": tree.now, "minutes": max(1, seconds // 60) if seconds > 0 else None}


def _page(request, overview: Overview, pk: int | None):
    tree = overview.tree
    context = {
        "active_nav": "dashboard",
        "unit": None if pk is None else tree.units[pk],
        "crumbs": _crumbs(request, tree, pk),
        "sections": overview.sections(pk),
        "columns": [str(label) for _key, label in COLUMNS],
        "rows": overview.children_rows(pk),
        "downloads": _downloads(pk),
        "whole": pk is None,
        "is_office": request.user.has_role(Role.PROGRAMME_OFFICE),
        **_as_of(tree),
    }
    return render(request, "dashboard/unit.html", context)


@require_GET
@dashboard_required
def overview(request):
    """The office: the whole organisation. A manager: their own unit, or a choice of them."""
    tree = metrics.current_tree()
    if request.user.has_role(Role.PROGRAMME_OFFICE):
        return _page(request, Overview(tree), None)
    tops = access.own_tops(request.user, tree)
    if len(tops) == 1:
        return redirect("dashboard:unit", pk=tops[0])
    overview = Overview(tree)
    context = {
        "active_nav": "dashboard",
        "columns": [str(label) for _key, label in COLUMNS],
        "rows": [overview.row(pk) for pk in sorted(tops, key=lambda pk: tree.units[pk].name)],
    }
    return render(request, "dashboard/mine.html", context)


@require_GET
@dashboard_required
def unit(request, pk: int):
    tree = metrics.current_tree()
    access.unit_for(request.user, pk, tree)
    return _page(request, Overview(tree), pk)


@require_GET
@dashboard_required
def trends(request, pk: int | None = None):
    tree = metrics.current_tree()
    access.unit_for(request.user, pk, tree)
    series = trend_data.unit_series(pk, tree)
    context = {
        "active_nav": "dashboard",
        "unit": None if pk is None else tree.units[pk],
        "crumbs": _crumbs(request, tree, pk),
        "back": reverse("dashboard:overview")
        if pk is None
        else reverse("dashboard:unit", args=[pk]),
        "charts": [(one, charts.layout(one)) for one in series],
        "downloads": _downloads(pk),
        **_as_of(tree),
    }
    return render(request, "dashboard/trends.html", context)


@require_http_methods(["GET", "POST"])
@programme_office_required
def targets_edit(request):
    if request.method == "POST":
        form = TargetsForm(request.POST, instance=Targets.load())
        if form.is_valid():
            services.targets_save(values=form.cleaned_data, by=request.user, request=request)
            messages.success(request, _("The targets are saved."))
            return redirect("dashboard:overview")
    else:
        form = TargetsForm(instance=Targets.load())
    context = {"form": form, "active_nav": "dashboard"}
    return render(request, "dashboard/targets.html", context, status=400 if form.errors else 200)
