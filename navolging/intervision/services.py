"""Intervision workflows (STYLE 4): keyword-only, in one transaction, recorded."""

from __future__ import annotations

from django.db import transaction

from navolging.audit.services import audit_record

from .models import AttendanceRecord, Membership, Presence, Session


class NotAMember(ValueError):
    pass


def attendance_set(*, session: Session, presence_by_person: dict, by, request=None) -> int:
    """Record present / excused / absent for members of the session's group.

    Only what changed is written and recorded in the audit trail (old -> new); returns how many
    records changed. What was said in the session is not stored anywhere.
    """
    member_ids = set(
        Membership.objects.filter(group=session.group).values_list("person_id", flat=True)
    )
    unknown = set(presence_by_person) - member_ids
    if unknown:
        raise NotAMember(sorted(unknown))
    changed = 0
    with transaction.atomic():
        current = {
            r.person_id: r
            for r in AttendanceRecord.objects.select_for_update().filter(session=session)
        }
        for person_id, presence in presence_by_person.items():
            presence = Presence(presence)
            record = current.get(person_id)
            old = record.presence if record else None
            if old == presence:
                continue
            if record is None:
                record = AttendanceRecord(session=session, person_id=person_id)
            record.presence = presence
            record.recorded_by = by
            record.save()
            audit_record(
                action="intervision.attendance",
                actor=by,
                obj=record,
                object_label=f"{session.group} #{session.number}",
                changes={"person": [person_id, person_id], "presence": [old, str(presence)]},
                request=request,
            )
            changed += 1
    return changed
