"""Follow-up pages: sessions (plan, read, record), the best-practice library, and the
programme office's goals, themes and figures.

An anonymous best practice shows no author on any page, in any list or in the export; only its
author sees "you wrote this" (selectors.author_shown).
"""

from __future__ import annotations

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from navolging.accounts.models import Role, User
from navolging.lib.access import login_required, programme_office_required
from navolging.lib.export import safe_cell

from . import selectors, services
from .forms import (
    GoalForm,
    PracticeFilterForm,
    PracticeForm,
    PracticeFormSet,
    RecordForm,
    SessionChooseForm,
    SessionMoveForm,
    SessionPlanForm,
    ThemeForm,
)
from .models import FollowUpSession, Goal, SessionScope, Theme

PER_PAGE = 20


def _error_text(code: str) -> str:
    return {
        "not_allowed": _("You cannot do this for this unit."),
        "scope": _("This kind of session does not fit this unit."),
        "ends_before_start": _("The end time must be later than the start time."),
        "in_the_past": _("Choose a moment in the future."),
        "led_by": _("Choose who leads the session from the list."),
        "cancelled": _("This session is cancelled."),
        "started": _("This session has started: it can no longer be moved or cancelled."),
        "not_yet": _("You can record the outcome once the session has started."),
        "need_what_why": _("Say what is needed and why when the team or MT needs more."),
        "score": _("Choose a score from the list for each goal."),
        "conflict": _(
            "Someone saved this record while you were working on it. Nothing of yours was "
            "saved. Below you see the record as it is now: make your changes again."
        ),
        "practice_incomplete": _("A best practice needs a title and a story."),
        "instrument": _("Choose an instrument from the list."),
        "text_needed": _("Fill in the Dutch text."),
        "goal_has_progress": _(
            "Sessions have scored this goal, so it cannot be deleted. Take it out of use "
            "instead: its scores stay."
        ),
        "theme_exists": _("There is already a theme with this name."),
    }.get(code, _("This cannot be done now."))


# -- sessions ---------------------------------------------------------------------------------


@require_GET
@login_required
def session_list(request):
    sessions = selectors.sessions_visible_to(request.user)
    now = timezone.now()
    context = {
        "upcoming": list(sessions.filter(item__starts_at__gt=now).order_by("item__starts_at")),
        "past": Paginator(
            sessions.filter(item__starts_at__lte=now).order_by("-item__starts_at"), PER_PAGE
        ).get_page(request.GET.get("pagina")),
        "may_plan": selectors.plannable_units(request.user).exists(),
        "is_office": request.user.has_role(Role.PROGRAMME_OFFICE),
        "active_nav": "followup",
    }
    return render(request, "followup/session_list.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def session_plan(request):
    units = selectors.plannable_units(request.user)
    if not units.exists():
        raise Http404
    choose = SessionChooseForm(request.GET if "unit" in request.GET else None, units=units)
    if not choose.is_valid() or choose.cleaned_data["scope"] not in selectors.scopes_for(
        choose.cleaned_data["unit"]
    ):
        if choose.is_bound and choose.is_valid():
            choose.add_error("scope", _error_text("scope"))
        status = 400 if choose.errors or request.method == "POST" else 200
        context = {"choose": choose, "active_nav": "followup"}
        return render(request, "followup/session_choose.html", context, status=status)
    unit, scope = choose.cleaned_data["unit"], choose.cleaned_data["scope"]
    form = _plan_form(request, unit, scope)
    if request.method == "GET" or not form.is_valid():
        return _plan_page(request, unit, scope, form, status=400 if form.errors else 200)
    try:
        session = services.session_plan(
            unit=unit,
            scope=scope,
            starts_at=form.starts_at(),
            ends_at=form.ends_at(),
            location=form.cleaned_data["location"].strip(),
            led_by=form.cleaned_data["led_by"],
            participants=form.cleaned_data["participants"],
            by=request.user,
            request=request,
        )
    except services.FollowUpError as error:
        form.add_error(None, _error_text(error.code))
        return _plan_page(request, unit, scope, form, status=400)
    messages.success(request, _("The session is planned. Everyone invited gets an invitation."))
    return redirect("followup:session_detail", pk=session.pk)


def _plan_form(request, unit, scope) -> SessionPlanForm:
    people = selectors.default_participants(unit, scope)
    leader = unit.leader()
    initial = {"led_by": leader.user_id if leader and leader.user_id else request.user.pk}
    return SessionPlanForm(
        request.POST or None,
        initial=initial,
        leaders=selectors.led_by_choices(unit, request.user),
        people=User.objects.filter(pk__in=[u.pk for u in people]).order_by(
            "person__last_name", "person__first_name", "name", "email"
        ),
    )


def _plan_page(request, unit, scope, form, status: int = 200):
    context = {
        "unit": unit,
        "scope": scope,
        "scope_label": SessionScope(scope).label,
        "query": urlencode({"unit": unit.pk, "scope": scope}),
        "form": form,
        "active_nav": "followup",
    }
    return render(request, "followup/session_plan.html", context, status=status)


@require_GET
@login_required
def session_detail(request, pk: int):
    session = selectors.session_for(request.user, pk)
    user = request.user
    managers = selectors.managers_of(session.unit)
    attendances = session.item.attendances.select_related("user__person")
    context = {
        "session": session,
        "state": selectors.session_state(session),
        "manager": session.unit.leader(),
        "participants": sorted((a.user for a in attendances), key=lambda u: u.display_name),
        "is_attendee": any(a.user_id == user.pk for a in attendances),
        "is_leader": session.led_by_id == user.pk,
        "may_change": selectors.may_plan_for(user, session.unit),
        "progress": list(session.progress.select_related("goal").order_by("goal__order")),
        "practices": selectors.session_best_practices(session, user),
        "training_url": _training_url(session)
        if any(m.user_id == user.pk for m in managers)
        else None,
        "active_nav": "followup",
    }
    return render(request, "followup/session_detail.html", context)


def _training_url(session: FollowUpSession) -> str | None:
    """The tailored-training request form, filled from this session (the training app)."""
    if not session.needs_more:
        return None
    try:
        return reverse("training:request_create") + "?" + urlencode({"session": session.pk})
    except NoReverseMatch:  # the training pages are not there yet
        return None


@require_http_methods(["GET", "POST"])
@login_required
def session_move(request, pk: int):
    """Another time or place, until the session starts: for whoever may plan for its unit."""
    session = selectors.session_for(request.user, pk)
    if not selectors.may_plan_for(request.user, session.unit):
        raise Http404
    local = timezone.localtime(session.item.starts_at)
    initial = {
        "day": local.date(),
        "start": local.time(),
        "end": timezone.localtime(session.item.ends_at).time(),
        "location": session.item.location,
    }
    form = SessionMoveForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_move(
                session=session,
                starts_at=form.starts_at(),
                ends_at=form.ends_at(),
                location=form.cleaned_data["location"],
                by=request.user,
                request=request,
            )
        except services.FollowUpError as error:
            form.add_error(None, _error_text(error.code))
        else:
            messages.success(request, _("Moved. Everyone invited gets the update."))
            return redirect("followup:session_detail", pk=session.pk)
    status = 400 if form.errors else 200
    context = {"session": session, "form": form, "active_nav": "followup"}
    return render(request, "followup/session_move.html", context, status=status)


@require_POST
@login_required
def session_cancel(request, pk: int):
    session = selectors.session_for(request.user, pk)
    if not selectors.may_plan_for(request.user, session.unit):
        raise Http404
    try:
        services.session_cancel(session=session, by=request.user, request=request)
    except services.FollowUpError as error:
        messages.error(request, _error_text(error.code))
    else:
        messages.success(request, _("Cancelled. Everyone invited gets the cancellation."))
    return redirect("followup:session_detail", pk=session.pk)


@require_http_methods(["GET", "POST"])
@login_required
def session_record(request, pk: int):
    session = selectors.session_for(request.user, pk)
    if session.led_by_id != request.user.pk:
        raise Http404
    state = selectors.session_state(session)
    if state != "held":
        context = {"session": session, "state": state, "active_nav": "followup"}
        status = 200 if request.method == "GET" else 400
        return render(request, "followup/session_record.html", context, status=status)
    goals = list(Goal.objects.active())
    data = request.POST or None
    form = RecordForm(data, session=session, goals=goals)
    practices = PracticeFormSet(data, prefix="bp")
    if request.method == "GET" or not (form.is_valid() and practices.is_valid()):
        return _record_page(request, session, form, practices, status=400 if data else 200)
    try:
        services.session_record(
            session=session,
            version=form.cleaned_data["version"],
            progress=form.progress(),
            went_well=form.cleaned_data["went_well"],
            needs_more=form.cleaned_data["needs_more"],
            need_what=form.cleaned_data["need_what"],
            need_why=form.cleaned_data["need_why"],
            practices=[f.practice() for f in practices if f.has_changed()],
            by=request.user,
            request=request,
        )
    except services.FollowUpError as error:
        return _record_refused(request, session, goals, form, practices, error.code)
    messages.success(request, _("The record is saved."))
    return redirect("followup:session_detail", pk=session.pk)


def _record_refused(request, session, goals, form, practices, code: str):
    if code != "conflict":
        form.add_error(None, _error_text(code))
        return _record_page(request, session, form, practices, status=400)
    # Someone saved first: show the record as it is now (with its new version), never theirs
    # overwritten by this one (R22).
    session.refresh_from_db()
    form = RecordForm(None, session=session, goals=goals)
    empty = PracticeFormSet(prefix="bp")
    return _record_page(request, session, form, empty, status=409, conflict=_error_text(code))


def _record_page(request, session, form, practices, status: int = 200, conflict: str = ""):
    context = {
        "session": session,
        "state": "held",
        "form": form,
        "practices": practices,
        "conflict": conflict,
        "existing_practices": list(session.best_practices.filter(author=request.user)),
        "active_nav": "followup",
    }
    return render(request, "followup/session_record.html", context, status=status)


# -- the best-practice library ----------------------------------------------------------------


@require_GET
@login_required
def practice_list(request):
    filters = PracticeFilterForm(request.GET or None)
    practices = selectors.practices_visible_to(request.user)
    if filters.is_valid():
        data = filters.cleaned_data
        practices = selectors.practice_search(
            practices, text=data["q"], theme=data["thema"], instrument=data["instrument"]
        )
        if data["mine"]:
            practices = practices.filter(author=request.user)
    page = Paginator(practices.order_by("-created_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("pagina")
    )
    query = {k: v for k, v in request.GET.items() if k != "pagina" and v}
    context = {
        "filters": filters,
        "page": page,
        "page_query": urlencode(query),
        "filtered": bool(query),
        "active_nav": "best_practices",
    }
    return render(request, "followup/practice_list.html", context)


@require_GET
@login_required
def practice_detail(request, pk: int):
    practice = selectors.practice_for(request.user, pk)
    context = {
        "practice": practice,
        "author": selectors.author_shown(practice, request.user),
        "is_author": practice.author_id == request.user.pk,
        "active_nav": "best_practices",
    }
    return render(request, "followup/practice_detail.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def practice_create(request):
    form = PracticeForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return _practice_page(request, form, None, status=400 if form.errors else 200)
    try:
        practice = services.practice_create(
            practice=form.practice(), by=request.user, request=request
        )
    except services.FollowUpError as error:
        form.add_error(None, _error_text(error.code))
        return _practice_page(request, form, None, status=400)
    messages.success(request, _("The best practice is saved."))
    return redirect("followup:practice_detail", pk=practice.pk)


@require_http_methods(["GET", "POST"])
@login_required
def practice_edit(request, pk: int):
    practice = selectors.own_practice(request.user, pk)
    form = PracticeForm(request.POST or None, initial=PracticeForm.initial_for(practice))
    if practice.session_id is not None:
        del form.fields["instrument"]  # one from a session stays a follow-up session's
    if request.method == "GET" or not form.is_valid():
        return _practice_page(request, form, practice, status=400 if form.errors else 200)
    try:
        services.practice_update(
            practice=practice, data=form.practice(), by=request.user, request=request
        )
    except services.FollowUpError as error:
        form.add_error(None, _error_text(error.code))
        return _practice_page(request, form, practice, status=400)
    messages.success(request, _("The best practice is saved."))
    return redirect("followup:practice_detail", pk=practice.pk)


def _practice_page(request, form, practice, status: int = 200):
    context = {"form": form, "practice": practice, "active_nav": "best_practices"}
    return render(request, "followup/practice_form.html", context, status=status)


@require_POST
@login_required
def practice_delete(request, pk: int):
    practice = selectors.own_practice(request.user, pk)
    services.practice_delete(practice=practice, by=request.user, request=request)
    messages.success(request, _("The best practice is deleted."))
    return redirect("followup:practice_list")


#: The export's columns: never the author's account, only a name when it may be shown.
EXPORT_COLUMNS = ["id", "title", "text", "themes", "instrument", "created_at", "author"]


@require_GET
@login_required
def practice_export(request):
    """The shared library as CSV, for everyone who may read it (the same as the API).
    Cells a spreadsheet would run as a formula are escaped (R14)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="best-practices.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 with a byte order mark
    writer = csv.writer(response, delimiter=";")
    writer.writerow(EXPORT_COLUMNS)
    practices = selectors.practices_visible_to(request.user).filter(shared=True)
    for practice in practices.select_related("author__person").order_by("-created_at", "-pk"):
        row = selectors.practice_row(practice)
        row["themes"] = ", ".join(row["themes"])
        row["instrument"] = row["instrument_label"]
        writer.writerow([safe_cell(row[column]) for column in EXPORT_COLUMNS])
    return response


# -- the programme office: goals, themes and figures ------------------------------------------


@require_GET
@programme_office_required
def goal_list(request):
    context = {
        "goals": list(Goal.objects.all()),
        "themes": list(Theme.objects.all()),
        "goal_form": GoalForm(),
        "theme_form": ThemeForm(prefix="theme"),
        "active_nav": "followup_office",
    }
    return render(request, "followup/goal_list.html", context)


@require_http_methods(["GET", "POST"])
@programme_office_required
def goal_add(request):
    return _goal_form(request, None)


@require_http_methods(["GET", "POST"])
@programme_office_required
def goal_edit(request, pk: int):
    return _goal_form(request, get_object_or_404(Goal, pk=pk))


def _goal_form(request, goal: Goal | None):
    initial = {"text_nl": goal.text_nl, "text_en": goal.text_en} if goal else None
    form = GoalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_save(goal=goal, by=request.user, request=request, **form.cleaned_data)
        except services.FollowUpError as error:
            form.add_error(None, _error_text(error.code))
        else:
            messages.success(request, _("The goal is saved."))
            return redirect("followup:goal_list")
    context = {"form": form, "goal": goal, "active_nav": "followup_office"}
    status = 400 if form.errors else 200
    return render(request, "followup/goal_form.html", context, status=status)


@require_POST
@programme_office_required
def goal_move(request, pk: int):
    goal = get_object_or_404(Goal, pk=pk)
    services.goal_move(
        goal=goal, up=request.POST.get("way") == "up", by=request.user, request=request
    )
    return redirect(reverse("followup:goal_list") + f"#goal-{goal.pk}")


@require_POST
@programme_office_required
def goal_active(request, pk: int):
    goal = get_object_or_404(Goal, pk=pk)
    active = request.POST.get("active") == "1"
    services.goal_set_active(goal=goal, active=active, by=request.user, request=request)
    messages.success(
        request, _("The goal is in use again.") if active else _("The goal is out of use.")
    )
    return redirect("followup:goal_list")


@require_POST
@programme_office_required
def goal_delete(request, pk: int):
    goal = get_object_or_404(Goal, pk=pk)
    try:
        services.goal_delete(goal=goal, by=request.user, request=request)
    except services.FollowUpError as error:
        messages.error(request, _error_text(error.code))
    else:
        messages.success(request, _("The goal is deleted."))
    return redirect("followup:goal_list")


@require_POST
@programme_office_required
def theme_add(request):
    form = ThemeForm(request.POST, prefix="theme")
    if form.is_valid():
        try:
            services.theme_save(by=request.user, request=request, **form.cleaned_data)
        except services.FollowUpError as error:
            form.add_error(None, _error_text(error.code))
        else:
            messages.success(request, _("The theme is added."))
            return redirect(reverse("followup:goal_list") + "#themes")
    context = {
        "goals": list(Goal.objects.all()),
        "themes": list(Theme.objects.all()),
        "goal_form": GoalForm(),
        "theme_form": form,
        "active_nav": "followup_office",
    }
    return render(request, "followup/goal_list.html", context, status=400)


@require_GET
@programme_office_required
def figures(request):
    quarters, lines = selectors.progress_per_quarter()
    context = {
        "units": selectors.sessions_held_per_unit(),
        "labels": [f"{q.year} Q{(q.month - 1) // 3 + 1}" for q in quarters],
        "rows": [{"line": line, "bars": _bars(line)} for line in lines],
        "chart_width": 14 * len(quarters),
        "fewest": selectors.FEWEST_SESSIONS,
        "active_nav": "followup_office",
    }
    return render(request, "followup/figures.html", context)


def _bars(line) -> list[dict | None]:
    """One bar per quarter, 8 units per score point (5 = 40 high); none where too few."""
    bars = []
    for number, average in enumerate(line.averages):
        if average.too_few:
            bars.append(None)
            continue
        height = round(average.score * 8)
        bars.append({"x": number * 14 + 2, "y": 43 - height, "height": height})
    return bars
