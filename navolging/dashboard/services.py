from __future__ import annotations

from django.db import transaction

from navolging.audit.services import audit_record

from .models import Targets


@transaction.atomic
def targets_save(*, values: dict, by, request=None) -> Targets:
    """The organisation's targets, with what changed in the audit trail."""
    targets = Targets.objects.select_for_update().filter(pk=1).first() or Targets(pk=1)
    changes = {
        name: [getattr(targets, name), value]
        for name, value in values.items()
        if getattr(targets, name) != value
    }
    for name, value in values.items():
        setattr(targets, name, value)
    targets.save()
    if changes:
        audit_record(
            action="dashboard.targets_set", actor=by, obj=targets, changes=changes, request=request
        )
    return targets
