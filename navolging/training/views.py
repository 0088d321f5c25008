"""Tailored-training pages: the manager's requests, one request with its history and the steps
this user may take now, the AS's waiting list, the trainer's list and the office's overview.

Every step is a POST handled by a service; a refused step shows the request page again with
the reason and status 400, and nothing is written. A request one may not see is 404."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from navolging.accounts.models import Role
from navolging.followup.selectors import sessions_visible_to
from navolging.lib.access import login_required, programme_office_required, roles_required
from navolging.organisation.models import OrganisationSettings

from . import selectors, services
from .forms import (
    EditForm,
    EvaluationForm,
    PlanForm,
    ProposalForm,
    RequestForm,
    SendBackForm,
    VersionForm,
    ViewForm,
)
from .models import Party, Stage, TrainingRequest


def _as_label() -> str:
    return OrganisationSettings.load().as_label(get_language() or "nl")


def _error_text(code: str) -> str:
    return {
        "conflict": _(
            "Someone else changed this request while you were looking at it. Nothing was "
            "saved. Look at the request as it is now and try again."
        ),
        "no_programme": _(
            "This cannot be submitted yet: no base programme is recorded for this team or "
            "management team. Tailored training is only possible after the base programme. "
            "Ask the programme office to record it. Your draft is kept."
        ),
        "not_completed": _(
            "This cannot be submitted yet: the base programme of this team or management team "
            "is not completed. Tailored training is only possible after the base programme. "
            "Your draft is kept."
        ),
        "no_head_trainer": _(
            "This cannot be submitted yet: the base programme has no head trainer. The "
            "programme office sets the head trainer on the base programme page. Your draft "
            "is kept."
        ),
        "not_allowed": _("You cannot do this for this request."),
        "not_now": _("This cannot be done at this stage of the request."),
        "scope": _("Choose a team or management team you lead."),
        "what_why": _("Say what is needed and why."),
        "activity": _("Describe the activity."),
        "trainer": _("Choose a trainer."),
        "dates": _("Give the dates."),
        "ends_before_start": _("The end cannot be before the start."),
        "hours": _("Give the number of hours."),
        "reason": _("Give the reason for no."),
        "remark": _("Write a remark: say what should be different."),
        "in_the_past": _("Choose a moment in the future."),
        "not_yet": _("This can be marked once the training has started."),
        "cancelled": _("The planned training was cancelled."),
        "score": _("Choose a score from 1 to 5."),
        "already": _("You have already given your evaluation."),
    }.get(code, _("This cannot be done now."))


def _nav(request) -> str:
    user = request.user
    if selectors.is_office(user) and not (user.is_as or user.is_trainer or user.is_manager):
        return "training_office"
    return "training"


# -- lists -------------------------------------------------------------------------------------


@require_GET
@login_required
def request_list(request):
    """The manager's requests; a trainer or AS is sent to their own list."""
    user = request.user
    units = services.requestable_units(user)
    mine = selectors.managed_requests(user)
    if not units and not mine:
        if user.is_as:
            return redirect("training:as_waiting")
        if user.is_trainer:
            return redirect("training:trainer_list")
        if selectors.is_office(user):
            return redirect("training:office")
    context = {"requests": mine, "may_create": bool(units), "active_nav": "training"}
    return render(request, "training/request_list.html", context)


@require_GET
@roles_required(Role.AS)
def as_waiting(request):
    context = {
        "waiting": list(selectors.as_waiting(request.user)),
        "recent": list(selectors.as_recent(request.user)[:20]),
        "as_label": _as_label(),
        "active_nav": "training",
    }
    return render(request, "training/as_waiting.html", context)


@require_GET
@roles_required(Role.TRAINER)
def trainer_list(request):
    context = {
        "requests": list(selectors.trainer_requests(request.user)),
        "active_nav": "training",
    }
    return render(request, "training/trainer_list.html", context)


@require_GET
@programme_office_required
def office(request):
    stages = selectors.per_stage()
    times = selectors.decision_times()
    top = max([s.count for s in stages] + [1])
    context = {
        "stages": stages,
        "bars": [
            {"stage": s, "y": 10 + i * 30, "width": round(220 * s.count / top)}
            for i, s in enumerate(stages)
        ],
        "chart_height": 20 + len(stages) * 30,
        "times": times,
        "median": selectors.median_days(times),
        "requests": TrainingRequest.objects.filter(submitted_at__isnull=False).select_related(
            "unit"
        ),
        "active_nav": "training_office",
    }
    return render(request, "training/office.html", context)


# -- a new request -----------------------------------------------------------------------------


def _prefill(request, units) -> dict:
    """From a follow-up session that found the team or MT needs more."""
    pk = request.GET.get("session", "")
    if not pk.isdigit():
        return {}
    session = sessions_visible_to(request.user).filter(pk=int(pk)).first()
    if session is None:
        return {}
    initial = {"session": session.pk, "what": session.need_what, "why": session.need_why}
    scope = session.scope if session.scope in ("team", "mt") else "mt"
    if session.unit_id in {u.pk for u in units} and scope in services.scopes_for(session.unit):
        initial["target"] = f"{session.unit_id}:{scope}"
    return initial


@require_http_methods(["GET", "POST"])
@login_required
def request_create(request):
    units = services.requestable_units(request.user)
    form = RequestForm(request.POST or None, units=units, initial=_prefill(request, units))
    if request.method == "GET" or not form.is_valid():
        return _create_page(request, form, units, status=400 if form.errors else 200)
    unit, scope = form.unit_and_scope()
    session = None
    if form.cleaned_data["session"]:
        session = sessions_visible_to(request.user).filter(pk=form.cleaned_data["session"]).first()
    try:
        training = services.request_create(
            unit=unit,
            scope=scope,
            what=form.cleaned_data["what"],
            why=form.cleaned_data["why"],
            source_session=session,
            by=request.user,
            request=request,
        )
    except services.TrainingError as error:
        form.add_error(None, _error_text(error.code))
        return _create_page(request, form, units, status=400)
    messages.success(request, _("Your request is saved as a draft. Submit it when it is ready."))
    return redirect("training:request_detail", pk=training.pk)


def _create_page(request, form, units, status: int = 200):
    context = {"form": form, "units": units, "active_nav": "training"}
    return render(request, "training/request_create.html", context, status=status)


# -- one request -------------------------------------------------------------------------------


def _party_rows(training: TrainingRequest, as_label: str) -> list[dict]:
    views = {v.party: v for v in training.views.select_related("user")}
    people = {
        Party.MANAGER: services.manager_of(training),
        Party.HEAD_TRAINER: services.head_trainer_of(training),
        Party.AS: None,
    }
    labels = {
        Party.MANAGER: _("Manager"),
        Party.HEAD_TRAINER: _("Head trainer"),
        Party.AS: as_label,
    }
    rows = []
    for party in Party.values:
        view = views.get(party)
        # While being decided only views on the current proposal count; after the decision
        # the views it was decided on are kept (a new proposal or sending back clears them).
        deciding = training.stage == Stage.SUBMITTED
        current = view if view and (not deciding or view.version == training.version) else None
        who = people[party] or (current.user if current else None)
        rows.append({"party": party, "label": labels[party], "user": who, "view": current})
    return rows


def _event_text(action: str) -> str:
    return {
        "created": _("Request started as a draft"),
        "edited": _("Draft changed"),
        "submitted": _("Submitted"),
        "proposed": _("Decision proposed"),
        "agreed": _("Agrees"),
        "disagreed": _("Does not agree"),
        "sent_back": _("Sent back to the manager"),
        "decided": _("Decision taken"),
        "planned": _("Planned"),
        "delivered": _("Training given"),
        "evaluated": _("Evaluation given"),
        "completed": _("Evaluated by manager and trainer"),
    }.get(action, action)


def _detail_page(request, training: TrainingRequest, status: int = 200, **forms):
    user = request.user
    party = services.party_for(user, training)
    is_manager = party == Party.MANAGER
    submitted = training.stage == Stage.SUBMITTED
    may_plan = services.may_plan(user, training)
    eval_party = services.evaluation_party(user, training)
    item_started = training.item is not None and training.item.starts_at <= timezone.now()
    as_label = _as_label()
    version = {"version": training.version}
    context = {
        "training": training,
        "party": party,
        "is_manager": is_manager,
        "as_label": as_label,
        "parties": _party_rows(training, as_label),
        "events": [
            {"event": e, "text": _event_text(e.action)}
            for e in training.events.select_related("by")
        ],
        "evaluations": list(training.evaluations.select_related("user")),
        "submit_problem": _error_text(p)
        if is_manager and training.stage == Stage.DRAFT and (p := services.submit_problem(training))
        else "",
        "submit_form": forms.get("submit_form") or VersionForm(initial=version),
        "may_edit": is_manager and training.stage == Stage.DRAFT,
        "may_propose": party is not None and submitted,
        "view_form": (forms.get("view_form") or ViewForm(initial=version))
        if party is not None and submitted and training.proposal_yes is not None
        else None,
        "send_back_form": (forms.get("send_back_form") or SendBackForm(initial=version))
        if party is not None and submitted
        else None,
        "may_plan": may_plan and training.stage == Stage.DECIDED_YES,
        "may_deliver": may_plan and training.stage == Stage.PLANNED and item_started,
        "evaluation_form": (forms.get("evaluation_form") or EvaluationForm())
        if eval_party
        and training.stage == Stage.DELIVERED
        and not training.evaluations.filter(party=eval_party).exists()
        else None,
        "error": forms.get("error", ""),
        "active_nav": _nav(request),
    }
    return render(request, "training/request_detail.html", context, status=status)


@require_GET
@login_required
def request_detail(request, pk: int):
    return _detail_page(request, selectors.request_for(request.user, pk))


def _refused(request, training, error, **forms):
    """The request page again, with why the step was refused; nothing was written."""
    training = selectors.request_for(request.user, training.pk)  # as it is now
    return _detail_page(request, training, status=400, error=_error_text(error.code), **forms)


@require_http_methods(["GET", "POST"])
@login_required
def request_edit(request, pk: int):
    training = selectors.request_for(request.user, pk)
    if services.party_for(request.user, training) != Party.MANAGER:
        raise Http404
    initial = {"what": training.what, "why": training.why, "version": training.version}
    form = EditForm(request.POST or None, initial=initial)
    if request.method == "GET" or not form.is_valid():
        return _edit_page(request, training, form, status=400 if form.errors else 200)
    try:
        services.request_update(
            training=training, by=request.user, request=request, **form.cleaned_data
        )
    except services.TrainingError as error:
        form.add_error(None, _error_text(error.code))
        return _edit_page(request, training, form, status=400)
    messages.success(request, _("Saved."))
    return redirect("training:request_detail", pk=training.pk)


def _edit_page(request, training, form, status: int = 200):
    context = {"training": training, "form": form, "active_nav": "training"}
    return render(request, "training/request_edit.html", context, status=status)


@require_POST
@login_required
def request_submit(request, pk: int):
    training = selectors.request_for(request.user, pk)
    form = VersionForm(request.POST)
    version = form.cleaned_data["version"] if form.is_valid() else None
    try:
        services.request_submit(
            training=training, version=version, by=request.user, request=request
        )
    except services.TrainingError as error:
        return _refused(request, training, error)
    messages.success(
        request, _("Submitted. The head trainer and the %(as)s are told.") % {"as": _as_label()}
    )
    return redirect("training:request_detail", pk=training.pk)


@require_http_methods(["GET", "POST"])
@login_required
def request_propose(request, pk: int):
    training = selectors.request_for(request.user, pk)
    if services.party_for(request.user, training) is None:
        raise Http404
    initial = {
        "version": training.version,
        "trainer": training.trainer or services.head_trainer_of(training),
    }
    form = ProposalForm(request.POST or None, initial=initial)
    if request.method == "GET" or not form.is_valid():
        return _propose_page(request, training, form, status=400 if form.errors else 200)
    data = form.cleaned_data
    try:
        services.decision_propose(
            training=training,
            version=data["version"],
            yes=data["decision"] == "yes",
            activity=data["activity"],
            trainer=data["trainer"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            hours=data["hours"],
            reason=data["reason"],
            by=request.user,
            request=request,
        )
    except services.TrainingError as error:
        form.add_error(None, _error_text(error.code))
        return _propose_page(request, training, form, status=400)
    messages.success(request, _("Your proposal is saved. The others are asked for their view."))
    return redirect("training:request_detail", pk=training.pk)


def _propose_page(request, training, form, status: int = 200):
    context = {
        "training": training,
        "form": form,
        "stage_ok": training.stage == Stage.SUBMITTED,
        "active_nav": _nav(request),
    }
    return render(request, "training/request_propose.html", context, status=status)


@require_POST
@login_required
def request_view(request, pk: int):
    training = selectors.request_for(request.user, pk)
    form = ViewForm(request.POST)
    agrees = request.POST.get("agrees")
    if agrees not in ("yes", "no") or not form.is_valid():
        return _detail_page(request, training, status=400, view_form=form)
    try:
        training = services.view_record(
            training=training,
            version=form.cleaned_data["version"],
            agrees=agrees == "yes",
            remark=form.cleaned_data["remark"],
            by=request.user,
            request=request,
        )
    except services.TrainingError as error:
        return _refused(request, training, error, view_form=form)
    if training.stage in (Stage.DECIDED_YES, Stage.DECIDED_NO):
        messages.success(request, _("All three agree: the decision stands."))
    else:
        messages.success(request, _("Your view is saved."))
    return redirect("training:request_detail", pk=training.pk)


@require_POST
@login_required
def request_send_back(request, pk: int):
    training = selectors.request_for(request.user, pk)
    form = SendBackForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, training, status=400, send_back_form=form)
    try:
        services.request_send_back(
            training=training, by=request.user, request=request, **form.cleaned_data
        )
    except services.TrainingError as error:
        return _refused(request, training, error, send_back_form=form)
    messages.success(request, _("The request is sent back to the manager."))
    return redirect("training:request_detail", pk=training.pk)


@require_http_methods(["GET", "POST"])
@login_required
def request_plan(request, pk: int):
    training = selectors.request_for(request.user, pk)
    if not services.may_plan(request.user, training):
        raise Http404
    form = PlanForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return _plan_page(request, training, form, status=400 if form.errors else 200)
    try:
        services.request_plan(
            training=training,
            starts_at=form.starts_at(),
            ends_at=form.ends_at(),
            location=form.cleaned_data["location"],
            by=request.user,
            request=request,
        )
    except services.TrainingError as error:
        form.add_error(None, _error_text(error.code))
        return _plan_page(request, training, form, status=400)
    messages.success(
        request, _("The training is planned. Everyone taking part gets an invitation.")
    )
    return redirect("training:request_detail", pk=training.pk)


def _plan_page(request, training, form, status: int = 200):
    context = {
        "training": training,
        "form": form,
        "stage_ok": training.stage == Stage.DECIDED_YES,
        "active_nav": _nav(request),
    }
    return render(request, "training/request_plan.html", context, status=status)


@require_POST
@login_required
def request_delivered(request, pk: int):
    training = selectors.request_for(request.user, pk)
    try:
        services.request_delivered(training=training, by=request.user, request=request)
    except services.TrainingError as error:
        return _refused(request, training, error)
    messages.success(request, _("Marked as given. Manager and trainer can now evaluate it."))
    return redirect("training:request_detail", pk=training.pk)


@require_POST
@login_required
def request_evaluate(request, pk: int):
    training = selectors.request_for(request.user, pk)
    form = EvaluationForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, training, status=400, evaluation_form=form)
    try:
        services.evaluation_give(
            training=training, by=request.user, request=request, **form.cleaned_data
        )
    except services.TrainingError as error:
        return _refused(request, training, error, evaluation_form=form)
    messages.success(request, _("Thank you. Your evaluation is saved."))
    return redirect("training:request_detail", pk=training.pk)
