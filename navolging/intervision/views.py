"""Intervision pages: my group (member), my groups and attendance (facilitator), attendance
overview (programme office). Rounds and their proposal come with the formation engine."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from navolging.accounts.models import Role
from navolging.lib.access import login_required, programme_office_required, roles_required
from navolging.organisation.models import Person

from . import planning, rounds, selectors, services
from .forms import AttendanceForm, MoveForm, PublishForm, RoundForm
from .models import AttendanceRecord, IntervisionSettings, Round, RoundStatus, Session


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
    return selectors.attendance_flags(people=Person.objects.managed_by(person))


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


# -- rounds (programme office) --------------------------------------------------------------


@require_GET
@programme_office_required
def round_list(request):
    rounds = Round.objects.annotate(group_count=Count("groups"))
    return render(
        request, "intervision/round_list.html", {"rounds": rounds, "active_nav": "rounds"}
    )


@require_http_methods(["GET", "POST"])
@programme_office_required
def round_create(request):
    form = RoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():  # a round is never left without its proposal
            round_ = form.save()
            rounds.round_propose(round_=round_, by=request.user, request=request)
        messages.success(request, _("Round made. Check the proposed groups below."))
        return redirect("intervision:round_detail", pk=round_.pk)
    return render(request, "intervision/round_form.html", {"form": form, "active_nav": "rounds"})


def _round_page(request, round_: Round, move_form=None, publish_form=None, status=200):
    groups = (
        round_.groups.select_related("facilitator")
        .prefetch_related("memberships__person")
        .order_by("pk")
    )
    return render(
        request,
        "intervision/round_detail.html",
        {
            "round": round_,
            "groups": groups,
            "broken": [g for g in groups if not g.report.get("ok", True)],
            "move_form": move_form or MoveForm(round_=round_),
            "publish_form": publish_form or PublishForm(),
            "active_nav": "rounds",
        },
        status=status,
    )


@require_GET
@programme_office_required
def round_detail(request, pk: int):
    return _round_page(request, get_object_or_404(Round, pk=pk))


@require_POST
@programme_office_required
def round_move(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk, status=RoundStatus.DRAFT)
    form = MoveForm(request.POST, round_=round_)
    if not form.is_valid():
        return _round_page(request, round_, move_form=form, status=400)
    rounds.member_move(
        round_=round_,
        person=form.cleaned_data["person"],
        to_group=form.cleaned_data["group"],
        by=request.user,
        request=request,
    )
    messages.success(request, _("Moved. The groups below show at once which rules they break."))
    return redirect("intervision:round_detail", pk=round_.pk)


@require_POST
@programme_office_required
def round_publish(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk, status=RoundStatus.DRAFT)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        rounds.round_publish(
            round_=round_,
            by=request.user,
            accept_broken=form.cleaned_data.get("accept_broken"),
            request=request,
        )
    except rounds.BrokenRules as broken:
        messages.error(
            request,
            _(
                "Not published: %(groups)s break a rule. Fix the groups, or tick the box to "
                "publish anyway."
            )
            % {"groups": ", ".join(broken.groups)},
        )
        return redirect("intervision:round_detail", pk=round_.pk)
    messages.success(request, _("Published. Members and facilitators get an e-mail."))
    return redirect("intervision:round_detail", pk=round_.pk)


@require_POST
@programme_office_required
def round_schedule(request, pk: int):
    round_ = get_object_or_404(Round, pk=pk, status=RoundStatus.PUBLISHED)
    if Session.objects.filter(group__round=round_).exists():
        messages.error(request, _("This round has a schedule already."))
        return redirect("intervision:round_detail", pk=round_.pk)
    problems = planning.round_schedule(round_=round_, by=request.user, request=request)
    messages.success(request, _("Sessions planned. Members and facilitators get the invites."))
    for problem in problems:
        messages.warning(request, problem)
    return redirect("intervision:round_detail", pk=round_.pk)
