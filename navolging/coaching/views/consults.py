"""Confidential consults: asking a coach for a conversation, and the coach's side of it.

A consult is seen by its requester and its coach alone (R10): every page fetches it through
`selectors.consult_for` / `consults_of`, so anyone else gets 404, and every read is recorded
in the confidential part of the audit trail (R17). The views that receive the message keep it
out of error reports (R20).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from navolging.accounts.models import Role
from navolging.lib.access import login_required, roles_required
from navolging.notifications.models import ItemStatus

from .. import selectors, services
from ..forms_consults import ConsultRequestForm, ConsultTimeForm
from ..models import OPEN_STATUSES, CoachingSettings, Consult, ConsultStatus, ConsultTopic
from ..services import CoachingError


def _error_text(error: CoachingError) -> str:
    texts = {
        "coach_not_available": _("This coach cannot take a request right now. Choose another."),
        "too_many_open": _(
            "You already have %(count)s open requests. Close or withdraw one first."
        ),
        "topic": _("Choose what it is about."),
        "not_allowed": _("You cannot do this for this conversation."),
        "not_now": _("This is no longer possible: the conversation has changed meanwhile."),
        "in_the_past": _("This time has passed. Choose a moment in the future."),
        "ends_before_start": _("The end must come after the start."),
    }
    text = texts.get(error.code, _("This is not possible."))
    return text % error.params if error.params else text


def _labelled(consults) -> list[Consult]:
    consults = list(consults)
    for consult in consults:
        consult.topic_label = ConsultTopic(consult.topic).label if consult.topic else ""
    return consults


def _person(request):
    person = request.user.person_or_none
    return person if person is not None and person.active and person.user_id else None


def _seen(request, consults) -> None:
    """Showing a consult is reading it: each one is recorded (R17), never in the office's log."""
    for consult in consults:
        services.consult_seen(consult=consult, by=request.user, request=request)


# -- asking for a conversation ------------------------------------------------------------------


@sensitive_post_parameters("message", "preferred_times")
@require_http_methods(["GET", "POST"])
@login_required
def consult_request(request):
    """'A conversation in confidence': what it is, who sees it, and the form to ask."""
    person = _person(request)
    if person is None:
        if request.method == "POST":
            raise Http404
        return render(request, "coaching/consults/no_person.html", {"active_nav": "coach"})
    coaches = selectors.consult_coaches(person)
    form = ConsultRequestForm(request.POST or None, coaches=coaches, own=selectors.coach_of(person))
    if request.method == "GET" or not form.is_valid():
        return _request_page(request, person, form, status=400 if form.errors else 200)
    try:
        consult = services.consult_request(requester=person, **form.cleaned_data, request=request)
    except CoachingError as error:
        form.add_error(None, _error_text(error))
        return _request_page(request, person, form, status=400)
    messages.success(
        request,
        _("Your request has been sent. The coach proposes a time; you get an e-mail about it."),
    )
    return redirect("coaching:consult_detail", pk=consult.pk)


def _request_page(request, person, form, status=200):
    mine = list(selectors.consults_of(request.user).filter(requester=person))
    _seen(request, mine)
    coaching = CoachingSettings.load()
    language = get_language()
    context = {
        "form": form,
        "mine": mine,
        "counsellor": coaching.counsellor(language),
        "complaints": coaching.complaints(language),
        "retention_days": settings.RETENTION_CONSULT_DAYS,
        "active_nav": "coach",
    }
    return render(request, "coaching/consults/request.html", context, status=status)


# -- one conversation ---------------------------------------------------------------------------


@require_GET
@login_required
def consult_detail(request, pk):
    consult = selectors.consult_for(request.user, pk)  # 404 for anyone else, before any write
    return _detail_page(request, consult)


def _detail_page(request, consult: Consult, time_form=None, status=200):
    _seen(request, [consult])
    _labelled([consult])
    user = request.user
    is_coach = consult.coach_id == user.pk
    is_requester = consult.requester is not None and consult.requester.user_id == user.pk
    if is_coach and time_form is None and consult.is_open:
        time_form = ConsultTimeForm(initial=_time_initial(consult))
    context = {
        "consult": consult,
        "is_coach": is_coach,
        "is_requester": is_requester,
        "time_form": time_form if is_coach and consult.is_open else None,
        "may_propose": consult.status in (ConsultStatus.REQUESTED, ConsultStatus.PROPOSED),
        "is_open": consult.status in OPEN_STATUSES,
        "item_live": consult.item is not None and consult.item.status != ItemStatus.CANCELLED,
        "active_nav": "coach_home" if is_coach else "coach",
    }
    return render(request, "coaching/consults/detail.html", context, status=status)


def _time_initial(consult: Consult) -> dict:
    if consult.starts_at is None:
        return {}
    start, end = timezone.localtime(consult.starts_at), timezone.localtime(consult.ends_at)
    return {
        "day": start.date(),
        "start": start.time(),
        "end": end.time(),
        "location": consult.location,
    }


@require_POST
@roles_required(Role.TRAINER)
def consult_time(request, pk):
    """The coach proposes a time (the requester accepts it) or plans it at once."""
    consult = selectors.consult_for(request.user, pk)
    form = ConsultTimeForm(request.POST)
    action = request.POST.get("action")
    if not form.is_valid() or action not in ("propose", "plan"):
        if action not in ("propose", "plan"):
            form.add_error(None, _("Choose to propose the time or to plan it."))
        return _detail_page(request, consult, time_form=form, status=400)
    service = services.consult_propose if action == "propose" else services.consult_plan
    try:
        service(
            consult=consult,
            starts_at=form.starts_at(),
            ends_at=form.ends_at(),
            location=form.cleaned_data["location"],
            by=request.user,
            request=request,
        )
    except CoachingError as error:
        form.add_error(None, _error_text(error))
        return _detail_page(request, consult, time_form=form, status=400)
    if action == "propose":
        messages.success(request, _("Time proposed. The person who asked gets an e-mail."))
    else:
        messages.success(request, _("Planned. You both get an invitation for your calendar."))
    return redirect("coaching:consult_detail", pk=consult.pk)


def _act(request, pk, service, done: str):
    """One of the buttons on the detail page; a refusal shows the page again with why."""
    consult = selectors.consult_for(request.user, pk)
    try:
        service(consult=consult, by=request.user, request=request)
    except CoachingError as error:
        messages.error(request, _error_text(error))
        return _detail_page(request, consult, status=400)
    messages.success(request, done)
    return redirect("coaching:consult_detail", pk=consult.pk)


@require_POST
@login_required
def consult_accept(request, pk):
    return _act(
        request,
        pk,
        services.consult_accept,
        _("You accepted the time. You both get an invitation for your calendar."),
    )


@require_POST
@login_required
def consult_another_time(request, pk):
    return _act(
        request,
        pk,
        services.consult_another_time,
        _("The coach hears that the time does not suit you, and proposes another."),
    )


@require_POST
@roles_required(Role.TRAINER)
def consult_decline(request, pk):
    return _act(
        request,
        pk,
        services.consult_decline,
        _("You declined. The person who asked hears that you cannot take it on."),
    )


@require_POST
@login_required
def consult_close(request, pk):
    return _act(
        request,
        pk,
        services.consult_close,
        _("The conversation is closed. Its content is deleted after the retention time."),
    )


@require_POST
@login_required
def consult_withdraw(request, pk):
    consult = selectors.consult_for(request.user, pk)
    try:
        services.consult_withdraw(consult=consult, by=request.user, request=request)
    except CoachingError as error:
        messages.error(request, _error_text(error))
        return _detail_page(request, consult, status=400)
    messages.success(request, _("Your request is withdrawn. Everything about it is deleted."))
    return redirect("coaching:consult_request")


# -- the coach's list ---------------------------------------------------------------------------


@require_GET
@roles_required(Role.TRAINER)
def coach_consults(request):
    """The coach's requests and conversations: open ones first, the next one on top."""
    consults = _labelled(selectors.consults_of(request.user).filter(coach=request.user))
    _seen(request, consults)
    still_open = sorted(
        (c for c in consults if c.is_open),
        key=lambda c: (c.starts_at is None, c.starts_at or c.created_at),
    )
    closed = [c for c in consults if not c.is_open]  # newest first
    context = {
        "sections": [
            (still_open, _("Open requests and conversations"), "open"),
            (closed, _("Closed"), "closed"),
        ],
        "active_nav": "coach_home",
    }
    return render(request, "coaching/consults/coach_list.html", context)
