"""Intervision pages: my group (member), my groups and attendance (facilitator), attendance
overview (programme office). Rounds and their proposal come with the formation engine."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from navolging.accounts.models import Role
from navolging.lib.access import login_required, programme_office_required, roles_required
from navolging.organisation.models import Person

from . import selectors, services
from .forms import AttendanceForm
from .models import AttendanceRecord, IntervisionSettings, Session


@require_GET
@login_required
def my_group(request):
    """A member's groups, sessions and their own attendance."""
    groups = selectors.groups_of_member(request.user).select_related("round", "facilitator")
    person = request.user.person_or_none
    own = (
        {
            r.session_id: r
            for r in AttendanceRecord.objects.filter(person=person, session__group__in=groups)
        }
        if person
        else {}
    )
    rows = [
        (
            group,
            selectors.members(group),
            [
                (session, own.get(session.pk))
                for session in group.sessions.select_related("item").order_by("number")
            ],
        )
        for group in groups
    ]
    return render(
        request,
        "intervision/my_group.html",
        {"rows": rows, "flags": _flags_for_manager(person), "active_nav": "intervision"},
    )


def _flags_for_manager(person) -> list[dict]:
    """A manager hears about their own people's missed sessions only if the organisation
    turned that on."""
    if person is None or not IntervisionSettings.load().tell_manager:
        return []
    mine = set(Person.objects.managed_by(person).values_list("pk", flat=True))
    return [flag for flag in selectors.attendance_flags() if flag["person"].pk in mine]


@require_GET
@roles_required(Role.TRAINER)
def facilitator_groups(request):
    groups = selectors.groups_of_facilitator(request.user).select_related("round")
    rows = [
        (
            group,
            selectors.members(group),
            [(s, None) for s in group.sessions.select_related("item").order_by("number")],
        )
        for group in groups
    ]
    return render(
        request, "intervision/facilitator_groups.html", {"rows": rows, "active_nav": "facilitate"}
    )


@require_http_methods(["GET", "POST"])
@roles_required(Role.TRAINER)
def session_attendance(request, pk: int):
    """The facilitator records present / excused / absent per member (also on a phone)."""
    session: Session = selectors.session_for_facilitator(request.user, pk)
    members = selectors.members(session.group)
    current = dict(session.attendance.values_list("person_id", "presence"))
    form = AttendanceForm(request.POST or None, members=members, current=current)
    if request.method == "POST" and form.is_valid():
        services.attendance_set(
            session=session,
            presence_by_person=form.presence_by_person(),
            by=request.user,
            request=request,
        )
        messages.success(request, _("Attendance saved."))
        return redirect("intervision:facilitator_groups")
    return render(
        request,
        "intervision/session_attendance.html",
        {
            "session": session,
            "form": form,
            "active_nav": "facilitate",
        },
    )


@require_GET
@programme_office_required
def attendance_overview(request):
    records = (
        selectors.attendance_visible_to(request.user)
        .select_related("person", "session__group__round", "session__item")
        .order_by(
            "session__group__round", "session__group__name", "person__last_name", "session__number"
        )
    )
    flags = selectors.attendance_flags()
    return render(
        request,
        "intervision/attendance_overview.html",
        {
            "records": records[:500],
            "flags": flags,
            "active_nav": "intervision_office",
        },
    )
