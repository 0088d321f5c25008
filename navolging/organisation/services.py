from __future__ import annotations

from django.db import transaction

from navolging.accounts.models import User
from navolging.audit.services import audit_record

from .models import BaseProgramme, Unit

#: `base_programme_set(head_trainer=KEEP)` leaves the head trainer as it is (the import).
KEEP = object()


def base_programme_set(
    *,
    unit: Unit,
    scope: str,
    completed_on,
    trainers: list[User],
    by: User | None,
    head_trainer=KEEP,
    request=None,
) -> BaseProgramme:
    """Set a team's or MT's base programme status, its trainers and (when given) its head
    trainer, who must be one of them; recorded in the audit trail."""
    if head_trainer is not KEEP and head_trainer is not None and head_trainer not in trainers:
        raise ValueError("the head trainer must be one of the trainers involved")
    with transaction.atomic():
        programme, _created = BaseProgramme.objects.select_for_update().get_or_create(
            unit=unit, scope=scope
        )
        old = {
            "completed_on": programme.completed_on,
            "trainers": sorted(t.email for t in programme.trainers.all()),
            "head_trainer": programme.head_trainer.email if programme.head_trainer else None,
        }
        programme.completed_on = completed_on
        if head_trainer is not KEEP:
            programme.head_trainer = head_trainer
        elif programme.head_trainer is not None and programme.head_trainer not in trainers:
            programme.head_trainer = None  # no longer one of the trainers involved
        programme.save(update_fields=["completed_on", "head_trainer"])
        programme.trainers.set(trainers)
        new = {
            "completed_on": completed_on,
            "trainers": sorted(t.email for t in trainers),
            "head_trainer": programme.head_trainer.email if programme.head_trainer else None,
        }
        changes = {
            k: [str(old[k]) if old[k] else old[k], str(new[k]) if new[k] else new[k]]
            for k in old
            if old[k] != new[k]
        }
        if changes:
            audit_record(
                action="base_programme.set",
                actor=by,
                obj=programme,
                changes=changes,
                request=request,
            )
    return programme
