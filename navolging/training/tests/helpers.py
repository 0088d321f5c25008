"""Shared by the tailored-training tests: the cast's team with a completed base programme,
its head trainer (the cast's trainer) and the AS (the cast's as_adviser)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from navolging.accounts.models import User
from navolging.notifications.models import OutboxMessage, PlannedItem
from navolging.organisation.models import BaseProgramme
from navolging.training import services
from navolging.training.models import TrainingRequest


def programme(unit, *, scope="team", completed=True, head=None) -> BaseProgramme:
    programme, _created = BaseProgramme.objects.update_or_create(
        unit=unit,
        scope=scope,
        defaults={
            "completed_on": dt.date(2025, 11, 1) if completed else None,
            "head_trainer": head,
        },
    )
    if head is not None:
        programme.trainers.add(head)
    return programme


def other_trainer(email: str = "tweede.trainer@example.org") -> User:
    return User.objects.create_user(email, name="Tom Tweede", is_trainer=True)


def draft(cast, **extra) -> TrainingRequest:
    values = {
        "unit": cast.team,
        "scope": "team",
        "what": "Een training over elkaar aanspreken",
        "why": "In de sessie bleek dat het team het lastig vindt",
        "by": cast.team_leader.user,
    }
    return services.request_create(**{**values, **extra})


def submitted(cast) -> TrainingRequest:
    programme(cast.team, head=cast.trainer)
    training = draft(cast)
    return services.request_submit(
        training=training, version=training.version, by=cast.team_leader.user
    )


def proposed(cast, *, by=None, yes: bool = True) -> TrainingRequest:
    training = submitted(cast)
    return propose(training, by=by or cast.team_leader.user, yes=yes)


def propose(training, *, by, yes: bool = True, **extra) -> TrainingRequest:
    values = (
        {
            "activity": "Twee workshops feedback geven",
            "starts_on": dt.date(2026, 3, 1),
            "ends_on": dt.date(2026, 4, 1),
            "hours": Decimal("6"),
        }
        if yes
        else {"reason": "Het team redt zich goed"}
    )
    return services.decision_propose(
        training=training, version=training.version, yes=yes, by=by, **{**values, **extra}
    )


def agree(training, user, *, agrees: bool = True, remark: str = "") -> TrainingRequest:
    training.refresh_from_db()
    return services.view_record(
        training=training, version=training.version, agrees=agrees, remark=remark, by=user
    )


def decided(cast) -> TrainingRequest:
    training = proposed(cast)
    agree(training, cast.trainer)
    return agree(training, cast.as_adviser)


def soon(days: int = 7) -> tuple[dt.datetime, dt.datetime]:
    start = (timezone.localtime() + dt.timedelta(days=days)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    return start, start + dt.timedelta(hours=3)


def planned(cast) -> TrainingRequest:
    training = decided(cast)
    starts_at, ends_at = soon()
    return services.request_plan(
        training=training,
        starts_at=starts_at,
        ends_at=ends_at,
        location="Zaal 3",
        by=cast.team_leader.user,
    )


def started(training) -> TrainingRequest:
    """Time passes: the planned training has begun."""
    start = timezone.now() - dt.timedelta(hours=2)
    PlannedItem.objects.filter(pk=training.item_id).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=1)
    )
    training.refresh_from_db()
    return training


def delivered(cast) -> TrainingRequest:
    training = started(planned(cast))
    return services.request_delivered(training=training, by=cast.trainer)


def mailed_to(since: int = 0) -> list[str]:
    return list(
        OutboxMessage.objects.filter(pk__gt=since).order_by("pk").values_list("to_email", flat=True)
    )


def last_mail_pk() -> int:
    last = OutboxMessage.objects.order_by("-pk").first()
    return last.pk if last else 0
