from __future__ import annotations

from django.db import transaction

from navolging.accounts.models import User
from navolging.audit.services import audit_record

from .models import BaseProgramme, Unit


def base_programme_set(
    *, unit: Unit, scope: str, completed_on, trainers: list[User], by: User | None, request=None
) -> BaseProgramme:
    """Set a team's or MT's base programme status and its trainers; recorded in the audit trail."""
    with transaction.atomic():
        programme, _created = BaseProgramme.objects.select_for_update().get_or_create(
            unit=unit, scope=scope
        )
        old = {
            "completed_on": programme.completed_on,
            "trainers": sorted(t.email for t in programme.trainers.all()),
        }
        programme.completed_on = completed_on
        programme.save(update_fields=["completed_on"])
        programme.trainers.set(trainers)
        new = {"completed_on": completed_on, "trainers": sorted(t.email for t in trainers)}
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
