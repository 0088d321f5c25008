"""What a page may read of tailored training, always starting from the user asking.

A request is seen by its three parties (the unit's manager, the head trainer, the AS), the
trainer of its activity and the programme office (read only). A draft that was never
submitted is the manager's alone. Anyone else gets 404, also the team's own members: they
see the planned training in their agenda, not the request.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from navolging.accounts.models import Role, User
from navolging.organisation.models import BaseProgramme

from .models import Party, Stage, TrainingRequest, View
from .services import is_trainer_of, manager_user_id, parties_of

_RELATED = ("unit__head", "unit__parent__head", "trainer", "item", "requested_by")


def may_see(user: User, training: TrainingRequest) -> bool:
    parties = parties_of(user, training)
    if Party.MANAGER in parties:
        return True
    if training.submitted_at is None:
        return False  # a draft never submitted: the manager's alone
    return bool(parties) or is_trainer_of(user, training) or is_office(user)


def is_office(user: User) -> bool:
    return user.has_role(Role.PROGRAMME_OFFICE)


def request_for(user: User, pk) -> TrainingRequest:
    training = get_object_or_404(TrainingRequest.objects.select_related(*_RELATED), pk=pk)
    if not may_see(user, training):
        raise Http404
    return training


def _head_trainer_of_unit(user: User):
    return Exists(
        BaseProgramme.objects.filter(
            unit=OuterRef("unit"), scope=OuterRef("scope"), head_trainer=user
        )
    )


def managed_requests(user: User) -> list[TrainingRequest]:
    """The requests `user` is the manager of (their own team's or MT's)."""
    candidates = TrainingRequest.objects.filter(
        Q(requested_by=user)
        | Q(unit__head__user=user)
        | Q(unit__head__isnull=True, unit__parent__head__user=user)
    ).select_related(*_RELATED)
    # Only the manager party matters here: no head-trainer lookup per request.
    return [t for t in candidates if manager_user_id(t) == user.pk]


def trainer_requests(user: User) -> QuerySet[TrainingRequest]:
    """Requests where `user` is the head trainer, or the trainer of the activity."""
    return (
        TrainingRequest.objects.filter(submitted_at__isnull=False)
        .filter(Q(trainer=user) | _head_trainer_of_unit(user))
        .select_related(*_RELATED)
    )


def as_waiting(user: User) -> QuerySet[TrainingRequest]:
    """Submitted requests without the AS's view on the current version."""
    if not user.is_as:
        return TrainingRequest.objects.none()
    seen = View.objects.filter(request=OuterRef("pk"), party=Party.AS, version=OuterRef("version"))
    return (
        TrainingRequest.objects.filter(stage=Stage.SUBMITTED)
        .exclude(Exists(seen))
        .select_related(*_RELATED)
        .order_by("submitted_at")
    )


def as_recent(user: User) -> QuerySet[TrainingRequest]:
    """Everything the AS took part in that has moved on (decided and later)."""
    if not user.is_as:
        return TrainingRequest.objects.none()
    return (
        TrainingRequest.objects.exclude(stage__in=[Stage.DRAFT, Stage.SUBMITTED])
        .select_related(*_RELATED)
        .order_by("-decided_at")
    )


# -- the office's figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


def per_stage() -> list[StageCount]:
    counts = dict(
        TrainingRequest.objects.values("stage").annotate(n=Count("pk")).values_list("stage", "n")
    )
    return [StageCount(value, label, counts.get(value, 0)) for value, label in Stage.choices]


@dataclass(frozen=True)
class DecisionTime:
    training: TrainingRequest
    submitted_at: dt.datetime
    decided_at: dt.datetime

    @property
    def days(self) -> float:
        return round((self.decided_at - self.submitted_at).total_seconds() / 86400, 1)


def decision_times() -> list[DecisionTime]:
    """From the first submission to the decision, per decided request (newest first)."""
    rows = (
        TrainingRequest.objects.filter(decided_at__isnull=False)
        .annotate(first=Min("events__at", filter=Q(events__action="submitted")))
        .select_related("unit")
        .order_by("-decided_at")
    )
    return [
        DecisionTime(row, row.first or row.submitted_at, row.decided_at)
        for row in rows
        if (row.first or row.submitted_at) is not None
    ]


def median_days(times: list[DecisionTime]) -> float | None:
    return round(statistics.median(t.days for t in times), 1) if times else None
