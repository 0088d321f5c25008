"""Tailored-training workflows: a manager's request, the three-party decision, planning,
delivery and evaluation (DOMAIN §5, SECURITY R22).

Every step runs in one transaction that first locks the request's row, so two people acting
at once are served one after the other: the second sees what the first did. Steps that change
what the others agree on carry the `version` the page was made on; a stale one is refused with
`TrainingError("conflict")` and nothing is written. Each step leaves a `TrainingEvent` (the
request's history), an audit row, and a mail to everyone involved but the person who acted.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from navolging.accounts.models import User
from navolging.audit.services import audit_record
from navolging.notifications.models import ItemKind, ItemStatus
from navolging.notifications.services import item_plan, notify
from navolging.organisation.models import BaseProgramme, Person, Unit, UnitKind

from .models import Evaluation, Party, Stage, TrainingEvent, TrainingRequest, View


class TrainingError(ValueError):
    """A step that cannot be done now; `code` tells the page which message to show."""

    def __init__(self, code: str, **params) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# -- who is who --------------------------------------------------------------------------------


def scopes_for(unit: Unit) -> list[str]:
    """A team asks for itself; a department or directorate for its management team."""
    scopes = []
    if unit.kind == UnitKind.TEAM:
        scopes.append("team")
    if unit.has_management_team:
        scopes.append("mt")
    return scopes


def requestable_units(user: User) -> list[Unit]:
    """The units a manager may ask tailored training for: the ones they head."""
    person = user.person_or_none
    if person is None or not person.active or not user.is_active:
        return []
    units = person.headed_units.filter(active=True).order_by("name")
    return [unit for unit in units if scopes_for(unit)]


def programme_of(request: TrainingRequest) -> BaseProgramme | None:
    return (
        BaseProgramme.objects.filter(unit_id=request.unit_id, scope=request.scope)
        .select_related("head_trainer")
        .first()
    )


def _manager(request: TrainingRequest):
    """The manager party's person: whoever leads the unit now, if still active."""
    leader = request.unit.leader()
    return leader if leader is not None and leader.active else None


def manager_user_id(request: TrainingRequest) -> int | None:
    """The login of the manager party, without reading the login itself."""
    leader = _manager(request)
    return leader.user_id if leader is not None else None


def manager_of(request: TrainingRequest) -> User | None:
    """The manager party: whoever leads the unit now."""
    leader = _manager(request)
    return leader.user if leader is not None and leader.user_id else None


def head_trainer_of(request: TrainingRequest) -> User | None:
    programme = programme_of(request)
    return programme.head_trainer if programme is not None else None


def parties_of(user: User, request: TrainingRequest) -> set[str]:
    """Which of the three parties `user` is for this request (usually one, at most all)."""
    if not user.is_authenticated or not user.is_active:
        return set()
    parties = set()
    manager = manager_of(request)
    if manager is not None and manager.pk == user.pk:
        parties.add(Party.MANAGER)
    head = head_trainer_of(request)
    if head is not None and head.pk == user.pk:
        parties.add(Party.HEAD_TRAINER)
    if user.is_as:
        parties.add(Party.AS)
    return parties


def party_for(user: User, request: TrainingRequest) -> str | None:
    """The party `user` speaks for. Someone who is two parties speaks as the first of
    manager, head trainer, AS: one person never counts twice."""
    parties = parties_of(user, request)
    return next((p for p in Party.values if p in parties), None)


def is_trainer_of(user: User, request: TrainingRequest) -> bool:
    """The trainer of the decided activity (often the head trainer)."""
    return request.trainer_id is not None and request.trainer_id == user.pk


def involved(request: TrainingRequest) -> list[User]:
    """Everyone told about a step: the manager, the head trainer, every AS, the trainer."""
    people = [manager_of(request), head_trainer_of(request), request.trainer]
    people += list(User.objects.filter(is_as=True, is_active=True))
    seen: dict[int, User] = {}
    for user in people:
        if user is not None and user.is_active:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def members_of(request: TrainingRequest) -> list[User]:
    """Who takes part in the training: the team's members, or the management team."""
    if request.scope == "mt":
        people = request.unit.management_team()
    else:
        people = list(Person.objects.active().filter(unit=request.unit).select_related("user"))
    return [p.user for p in people if p.active and p.user_id and p.user.is_active]


# -- shared steps ------------------------------------------------------------------------------


def _locked(request: TrainingRequest) -> TrainingRequest:
    # of=("self",): PostgreSQL cannot lock the nullable side of an outer join (trainer, item).
    return (
        TrainingRequest.objects.select_for_update(of=("self",))
        .select_related("unit", "trainer", "item")
        .get(pk=request.pk)
    )


def _check_version(request: TrainingRequest, version: int | None) -> None:
    if version is None or int(version) != request.version:
        raise TrainingError("conflict")


def _step(
    request: TrainingRequest,
    action: str,
    *,
    by: User,
    remark: str = "",
    http_request=None,
    changes: dict | None = None,
    tell: bool = True,
) -> None:
    """Keep the step in the request's history and the audit log, and tell the others."""
    TrainingEvent.objects.create(request=request, by=by, action=action, remark=remark)
    audit_record(
        action=f"training.{action}",
        actor=by,
        obj=request,
        request=http_request,
        changes={"stage": request.stage, "version": request.version, **(changes or {})},
    )
    if tell:
        for user in involved(request):
            if user.pk != by.pk:
                notify(
                    user=user,
                    template="training_step",
                    context={
                        "unit": request.unit.name,
                        "step": action,
                        "request_id": request.pk,
                        "actor": by.display_name,
                    },
                )


def _save(request: TrainingRequest, *fields: str) -> None:
    request.save(update_fields=list(fields))


# -- the request -------------------------------------------------------------------------------


def request_create(
    *,
    unit: Unit,
    scope: str,
    what: str,
    why: str,
    by: User,
    source_session=None,
    request=None,
) -> TrainingRequest:
    """A manager asks for their team or MT; the request starts as a draft only they see."""
    what, why = what.strip(), why.strip()
    if unit.pk not in {u.pk for u in requestable_units(by)}:
        raise TrainingError("not_allowed")
    if scope not in scopes_for(unit):
        raise TrainingError("scope")
    if not (what and why):
        raise TrainingError("what_why")
    with transaction.atomic():
        training = TrainingRequest.objects.create(
            unit=unit,
            scope=scope,
            requested_by=by,
            source_session=source_session,
            what=what,
            why=why,
        )
        _step(
            training,
            "created",
            by=by,
            http_request=request,
            changes={"unit": unit.name, "scope": scope},
            tell=False,
        )
    return training


def _must_be_manager(user: User, training: TrainingRequest) -> None:
    if Party.MANAGER not in parties_of(user, training):
        raise TrainingError("not_allowed")


def request_update(
    *, training: TrainingRequest, version: int, what: str, why: str, by: User, request=None
) -> TrainingRequest:
    """The manager changes a draft (also one sent back)."""
    what, why = what.strip(), why.strip()
    if not (what and why):
        raise TrainingError("what_why")
    with transaction.atomic():
        training = _locked(training)
        _must_be_manager(by, training)
        if training.stage != Stage.DRAFT:
            raise TrainingError("not_now")
        _check_version(training, version)
        training.what, training.why = what, why
        training.version += 1
        _save(training, "what", "why", "version")
        _step(training, "edited", by=by, http_request=request, tell=False)
    return training


def submit_problem(training: TrainingRequest) -> str | None:
    """What keeps the request from being submitted, as a code; None when nothing does."""
    programme = programme_of(training)
    if programme is None:
        return "no_programme"
    if programme.completed_on is None:
        return "not_completed"
    if programme.head_trainer is None or not programme.head_trainer.is_active:
        return "no_head_trainer"
    return None


def request_submit(
    *, training: TrainingRequest, version: int, by: User, request=None
) -> TrainingRequest:
    """The manager submits: only for a team or MT that completed its base programme and has a
    head trainer. Otherwise nothing changes and the draft stays as it is."""
    with transaction.atomic():
        training = _locked(training)
        _must_be_manager(by, training)
        if training.stage != Stage.DRAFT:
            raise TrainingError("not_now")
        _check_version(training, version)
        problem = submit_problem(training)
        if problem:
            raise TrainingError(problem)
        training.stage = Stage.SUBMITTED
        training.submitted_at = timezone.now()
        training.version += 1
        _save(training, "stage", "submitted_at", "version")
        _step(training, "submitted", by=by, http_request=request)
    return training


# -- the decision ------------------------------------------------------------------------------


def _check_proposal(
    *,
    yes: bool,
    activity: str,
    trainer: User | None,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    hours: Decimal | None,
    reason: str,
) -> None:
    if yes:
        if not activity:
            raise TrainingError("activity")
        if trainer is None or not (trainer.is_trainer and trainer.is_active):
            raise TrainingError("trainer")
        if starts_on is None or ends_on is None:
            raise TrainingError("dates")
        if ends_on < starts_on:
            raise TrainingError("ends_before_start")
        if hours is None or hours <= 0:
            raise TrainingError("hours")
    elif not reason:
        raise TrainingError("reason")


def decision_propose(
    *,
    training: TrainingRequest,
    version: int,
    yes: bool,
    by: User,
    activity: str = "",
    trainer: User | None = None,
    starts_on: dt.date | None = None,
    ends_on: dt.date | None = None,
    hours: Decimal | None = None,
    reason: str = "",
    request=None,
) -> TrainingRequest:
    """One of the three proposes the decision. A new proposal clears every view: all three
    look again. The one who proposes agrees with it."""
    activity, reason = activity.strip(), reason.strip()
    with transaction.atomic():
        training = _locked(training)
        party = party_for(by, training)
        if party is None:
            raise TrainingError("not_allowed")
        if training.stage != Stage.SUBMITTED:
            raise TrainingError("not_now")
        _check_version(training, version)
        trainer = (trainer or head_trainer_of(training)) if yes else None
        _check_proposal(
            yes=yes,
            activity=activity,
            trainer=trainer,
            starts_on=starts_on,
            ends_on=ends_on,
            hours=hours,
            reason=reason,
        )
        training.proposal_yes = yes
        training.activity = activity if yes else ""
        training.trainer = trainer
        training.starts_on, training.ends_on = (starts_on, ends_on) if yes else (None, None)
        training.hours = hours if yes else None
        training.no_reason = "" if yes else reason
        training.version += 1
        _save(
            training,
            "proposal_yes",
            "activity",
            "trainer",
            "starts_on",
            "ends_on",
            "hours",
            "no_reason",
            "version",
        )
        training.views.all().delete()
        View.objects.create(
            request=training, party=party, user=by, agrees=True, version=training.version
        )
        _step(
            training,
            "proposed",
            by=by,
            remark="" if yes else reason,
            http_request=request,
            changes={"yes": yes, "party": party},
        )
        _decide_if_agreed(training, by=by, http_request=request)
    return training


def view_record(
    *,
    training: TrainingRequest,
    version: int,
    agrees: bool,
    by: User,
    remark: str = "",
    request=None,
) -> TrainingRequest:
    """One party's view of the current proposal. When all three agree, the decision stands."""
    remark = remark.strip()
    if not agrees and not remark:
        raise TrainingError("remark")
    with transaction.atomic():
        training = _locked(training)
        party = party_for(by, training)
        if party is None:
            raise TrainingError("not_allowed")
        if training.stage != Stage.SUBMITTED or training.proposal_yes is None:
            raise TrainingError("not_now")
        _check_version(training, version)
        View.objects.update_or_create(
            request=training,
            party=party,
            defaults={"user": by, "agrees": agrees, "remark": remark, "version": training.version},
        )
        _step(
            training,
            "agreed" if agrees else "disagreed",
            by=by,
            remark=remark,
            http_request=request,
            changes={"party": party},
        )
        _decide_if_agreed(training, by=by, http_request=request)
    return training


def _decide_if_agreed(training: TrainingRequest, *, by: User, http_request) -> None:
    """Inside the lock: the decision stands once all three agree on the current version."""
    agreed = set(
        training.views.filter(agrees=True, version=training.version).values_list("party", flat=True)
    )
    if agreed != set(Party.values):
        return
    training.stage = Stage.DECIDED_YES if training.proposal_yes else Stage.DECIDED_NO
    training.decided_at = timezone.now()
    training.version += 1
    _save(training, "stage", "decided_at", "version")
    _step(
        training,
        "decided",
        by=by,
        remark="" if training.proposal_yes else training.no_reason,
        http_request=http_request,
        changes={"yes": training.proposal_yes},
    )


def request_send_back(
    *, training: TrainingRequest, version: int, remark: str, by: User, request=None
) -> TrainingRequest:
    """Any of the three sends it back to the manager with a remark; the proposal and the views
    are cleared and the manager can change and submit it again."""
    remark = remark.strip()
    if not remark:
        raise TrainingError("remark")
    with transaction.atomic():
        training = _locked(training)
        if party_for(by, training) is None:
            raise TrainingError("not_allowed")
        if training.stage != Stage.SUBMITTED:
            raise TrainingError("not_now")
        _check_version(training, version)
        training.stage = Stage.DRAFT
        training.proposal_yes = None
        training.activity = training.no_reason = ""
        training.trainer = None
        training.starts_on = training.ends_on = None
        training.hours = None
        training.version += 1
        _save(
            training,
            "stage",
            "proposal_yes",
            "activity",
            "no_reason",
            "trainer",
            "starts_on",
            "ends_on",
            "hours",
            "version",
        )
        training.views.all().delete()
        _step(training, "sent_back", by=by, remark=remark, http_request=request)
    return training


# -- after a yes -------------------------------------------------------------------------------


def may_plan(user: User, training: TrainingRequest) -> bool:
    """The manager and the activity's trainer plan it, mark it given, and evaluate it."""
    return is_trainer_of(user, training) or Party.MANAGER in parties_of(user, training)


def request_plan(
    *,
    training: TrainingRequest,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    by: User,
    location: str = "",
    request=None,
) -> TrainingRequest:
    """Plan the decided activity: the team (or MT), the manager and the trainer are invited."""
    if ends_at <= starts_at:
        raise TrainingError("ends_before_start")
    if starts_at <= timezone.now():
        raise TrainingError("in_the_past")
    with transaction.atomic():
        training = _locked(training)
        if not may_plan(by, training):
            raise TrainingError("not_allowed")
        if training.stage != Stage.DECIDED_YES:
            raise TrainingError("not_now")
        attendees = [*members_of(training), manager_of(training), training.trainer]
        training.item = item_plan(
            kind=ItemKind.TRAINING,
            title=f"{ItemKind.TRAINING.label}: {training.unit.name}",
            starts_at=starts_at,
            ends_at=ends_at,
            attendees=[user for user in attendees if user is not None],
            organiser=by,
            location=location.strip(),
            by=by,
        )
        training.stage = Stage.PLANNED
        training.version += 1
        _save(training, "item", "stage", "version")
        _step(training, "planned", by=by, http_request=request)
    return training


def request_delivered(*, training: TrainingRequest, by: User, request=None) -> TrainingRequest:
    with transaction.atomic():
        training = _locked(training)
        if not may_plan(by, training):
            raise TrainingError("not_allowed")
        if training.stage != Stage.PLANNED:
            raise TrainingError("not_now")
        item = training.item
        if item is not None and item.status == ItemStatus.CANCELLED:
            raise TrainingError("cancelled")
        if item is not None and item.starts_at > timezone.now():
            raise TrainingError("not_yet")
        training.stage = Stage.DELIVERED
        training.delivered_at = timezone.now()
        training.version += 1
        _save(training, "stage", "delivered_at", "version")
        _step(training, "delivered", by=by, http_request=request)
    return training


def evaluation_party(user: User, training: TrainingRequest) -> str | None:
    """Manager and trainer each evaluate once; the trainer's is kept as the head trainer's
    party (the trainer side of the activity)."""
    if Party.MANAGER in parties_of(user, training):
        return Party.MANAGER
    if is_trainer_of(user, training):
        return Party.HEAD_TRAINER
    return None


def evaluation_give(
    *, training: TrainingRequest, score: int, by: User, remark: str = "", request=None
) -> TrainingRequest:
    if score not in range(1, 6):
        raise TrainingError("score")
    with transaction.atomic():
        training = _locked(training)
        party = evaluation_party(by, training)
        if party is None:
            raise TrainingError("not_allowed")
        if training.stage != Stage.DELIVERED:
            raise TrainingError("not_now")
        if training.evaluations.filter(party=party).exists():
            raise TrainingError("already")
        Evaluation.objects.create(
            request=training, party=party, user=by, score=score, remark=remark.strip()
        )
        _step(
            training,
            "evaluated",
            by=by,
            remark=remark.strip(),
            http_request=request,
            changes={"party": party, "score": score},
        )
        if training.evaluations.count() >= 2:
            training.stage = Stage.EVALUATED
            training.version += 1
            _save(training, "stage", "version")
            _step(training, "completed", by=by, http_request=request)
    return training
