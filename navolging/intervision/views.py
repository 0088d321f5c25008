"""Intervision pages: my group (member), my groups and attendance (facilitator), attendance
overview (programme office). Rounds and their proposal come with the formation engine."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from navolging.accounts.models import Role, User
from navolging.lib.access import login_required, programme_office_required, roles_required
from navolging.notifications.models import ItemStatus
from navolging.organisation.models import Person

from . import planning, presentation, rounds, selectors, services
from .forms import (
    WEEKDAY_CHOICES,
    AttendanceForm,
    AvailabilityForm,
    ClosedPeriodForm,
    FacilitatorProfileForm,
    IntervisionSettingsForm,
    MoveForm,
    PublishForm,
    RoundForm,
    SessionMoveForm,
)
from .models import (
    AttendanceRecord,
    ClosedPeriod,
    FacilitatorProfile,
    IntervisionSettings,
    Round,
    RoundStatus,
    Session,
)


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
    groups = list(
        round_.groups.select_related("facilitator__person")
        .prefetch_related("memberships__person", "sessions__item")
        .order_by("pk")
    )
    round_notes = presentation.round_texts(round_, groups)  # and each group's texts, with names
    return render(
        request,
        "intervision/round_detail.html",
        {
            "round": round_,
            "round_notes": round_notes,
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
    if not planning.groups_to_plan(round_).exists():
        messages.info(request, _("Every group with a facilitator has its sessions already."))
        return redirect("intervision:round_sessions", pk=round_.pk)
    problems = planning.round_schedule(round_=round_, by=request.user, request=request)
    messages.success(request, _("Sessions planned. Members and facilitators get the invites."))
    for problem in problems:
        messages.warning(request, problem)
    return redirect("intervision:round_sessions", pk=round_.pk)


# -- the schedule of a round, by hand (programme office) ------------------------------------


@require_GET
@programme_office_required
def round_sessions(request, pk: int):
    """Per group its sessions, the gaps in working weeks and what breaks the rules."""
    round_ = get_object_or_404(Round, pk=pk, status=RoundStatus.PUBLISHED)
    rows = planning.round_overview(round_)
    return render(
        request,
        "intervision/round_sessions.html",
        {
            "round": round_,
            "rows": rows,
            "problems": sum(len(r.problems) for _group, sessions in rows for r in sessions),
            "to_plan": planning.groups_to_plan(round_).count(),
            "active_nav": "rounds",
        },
    )


@require_http_methods(["GET", "POST"])
@programme_office_required
def session_move(request, pk: int):
    """Move one session; what the move breaks is shown and must be confirmed (recorded)."""
    session = get_object_or_404(
        Session.objects.select_related("group__round", "item"),
        pk=pk,
        group__round__status=RoundStatus.PUBLISHED,
    )
    form = SessionMoveForm(request.POST or None, initial=_move_initial(session))
    if request.method == "GET" or not form.is_valid():
        return _move_page(request, session, form, status=400 if form.errors else 200)
    accept = "accept_flags" in request.POST
    try:
        flags = planning.session_move(
            session=session,
            new_start=form.new_start(),
            by=request.user,
            accept_flags=accept,
            request=request,
        )
    except ValueError:  # it started or was cancelled meanwhile
        form.add_error(None, _("This session has started or is cancelled: it cannot be moved."))
        return _move_page(request, session, form, status=400)
    if flags and not accept:
        return _move_page(request, session, form, flags=flags)
    messages.success(request, _("Session moved. Everyone taking part gets an update."))
    return redirect("intervision:round_sessions", pk=session.group.round_id)


def _move_page(request, session: Session, form, flags=(), status=200):
    item = session.item
    return render(
        request,
        "intervision/session_move.html",
        {
            "session": session,
            "form": form,
            "flags": planning.flag_texts(flags, round_=session.group.round),
            "movable": item.starts_at > timezone.now() and item.status != ItemStatus.CANCELLED,
            "active_nav": "rounds",
        },
        status=status,
    )


def _move_initial(session: Session) -> dict:
    starts = timezone.localtime(session.item.starts_at)
    return {"day": starts.date(), "start": starts.time()}


# -- planning settings and facilitators (programme office) ----------------------------------


def _settings_page(request, settings_form=None, period_form=None, status=200):
    current = IntervisionSettings.load()
    initial = {
        "attendance_threshold": current.attendance_threshold,
        "tell_manager": current.tell_manager,
        "school_regions": current.school_regions,
    }
    return render(
        request,
        "intervision/settings.html",
        {
            "form": settings_form or IntervisionSettingsForm(initial=initial),
            "period_form": period_form or ClosedPeriodForm(),
            "periods": ClosedPeriod.objects.all(),
            "active_nav": "rounds",
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@programme_office_required
def intervision_settings(request):
    if request.method == "GET":
        return _settings_page(request)
    form = IntervisionSettingsForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, settings_form=form, status=400)
    planning.settings_set(**form.cleaned_data, by=request.user, request=request)
    messages.success(request, _("Settings saved."))
    return redirect("intervision:settings")


@require_POST
@programme_office_required
def closed_period_add(request):
    form = ClosedPeriodForm(request.POST)
    if not form.is_valid():
        return _settings_page(request, period_form=form, status=400)
    planning.closed_period_add(**form.cleaned_data, by=request.user, request=request)
    messages.success(request, _("Closed period added. New sessions are not planned in it."))
    return redirect("intervision:settings")


@require_POST
@programme_office_required
def closed_period_delete(request, pk: int):
    period = get_object_or_404(ClosedPeriod, pk=pk)
    planning.closed_period_delete(period=period, by=request.user, request=request)
    messages.success(request, _("Closed period deleted."))
    return redirect("intervision:settings")


@require_GET
@programme_office_required
def facilitator_list(request):
    trainers = (
        User.objects.filter(is_trainer=True)
        .select_related("facilitator_profile", "person")
        .annotate(
            group_count=Count(
                "facilitated_groups",
                filter=Q(
                    facilitated_groups__round__status=RoundStatus.PUBLISHED,
                    facilitated_groups__dissolved_at__isnull=True,
                ),
            )
        )
        .order_by("name", "email")
    )
    day_names, rows = dict(WEEKDAY_CHOICES), []
    for trainer in trainers:
        # Not set yet: the defaults the planning uses.
        profile = getattr(trainer, "facilitator_profile", None) or FacilitatorProfile(user=trainer)
        days = ", ".join(str(day_names[d]) for d in profile.weekdays if d in day_names)
        rows.append((trainer, profile, days))
    return render(
        request,
        "intervision/facilitator_list.html",
        {"rows": rows, "active_nav": "rounds"},
    )


def _trainer_for(user, pk: int) -> User:
    """A trainer whose profile the user may change: any, for the programme office; only
    themselves, for a trainer. Anyone else is 404 (STYLE 6)."""
    trainers = User.objects.filter(is_trainer=True)
    if not user.has_role(Role.PROGRAMME_OFFICE):
        trainers = trainers.filter(pk=user.pk)
    return get_object_or_404(trainers, pk=pk)


@require_http_methods(["GET", "POST"])
@roles_required(Role.PROGRAMME_OFFICE, Role.TRAINER)
def facilitator_edit(request, pk: int):
    """The office sets a trainer's groups, days and sessions a day; a trainer their own days and
    sessions a day, never their number of groups."""
    trainer = _trainer_for(request.user, pk)
    office = request.user.has_role(Role.PROGRAMME_OFFICE)
    initial = AvailabilityForm.initial_for(FacilitatorProfile.objects.filter(user=trainer).first())
    form_class = FacilitatorProfileForm if office else AvailabilityForm
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        planning.facilitator_profile_set(
            user=trainer, **form.cleaned_data, by=request.user, request=request
        )
        messages.success(request, _("Saved. New sessions are planned on these days."))
        return redirect(
            "intervision:facilitator_list" if office else "intervision:facilitator_groups"
        )
    return render(
        request,
        "intervision/facilitator_form.html",
        {
            "trainer": trainer,
            "form": form,
            "own": trainer == request.user,
            "office": office,
            "active_nav": "rounds" if office else "facilitate",
        },
        status=400 if form.errors else 200,
    )
