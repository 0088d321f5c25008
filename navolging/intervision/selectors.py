"""Who may see which intervision data: attendance is personal data about a work obligation."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from navolging.accounts.models import Role
from navolging.organisation.models import Person

from .models import AttendanceRecord, Group, IntervisionSettings, Membership, Session


def groups_of_member(user) -> QuerySet[Group]:
    person = user.person_or_none
    if person is None:
        return Group.objects.none()
    return Group.objects.filter(memberships__person=person, round__status="published")


def groups_of_facilitator(user) -> QuerySet[Group]:
    return Group.objects.filter(facilitator=user, round__status="published")


def attendance_visible_to(user) -> QuerySet[AttendanceRecord]:
    """The member, the facilitator, the programme office, and, where the organisation turned
    that on, the member's own manager (the head above them): nobody else."""
    records = AttendanceRecord.objects.all()
    if user.has_role(Role.PROGRAMME_OFFICE):
        return records
    allowed = Q(session__group__facilitator=user)
    person = user.person_or_none
    if person is not None:
        allowed |= Q(person=person)
        if IntervisionSettings.load().tell_manager:
            allowed |= Q(person__in=Person.objects.managed_by(person))
    return records.filter(allowed)


def session_for_facilitator(user, pk: int) -> Session:
    """A session of one of the user's groups, or 404 (STYLE 6)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Session.objects.select_related("group", "item"), pk=pk, group__facilitator=user
    )


def members(group: Group) -> list:
    return [
        m.person
        for m in Membership.objects.filter(group=group)
        .select_related("person")
        .order_by("person__last_name", "person__first_name")
    ]


def attendance_flags() -> list[dict]:
    """Members to follow up: two sessions missed in a row (absent, not excused), or attendance
    below the organisation's threshold over the sessions recorded so far."""
    threshold = IntervisionSettings.load().attendance_threshold
    by_member: dict[tuple[int, int], list[AttendanceRecord]] = {}
    for record in AttendanceRecord.objects.select_related("person", "session__group").order_by(
        "session__group_id", "person_id", "session__number"
    ):
        by_member.setdefault((record.session.group_id, record.person_id), []).append(record)
    flags = []
    for records in by_member.values():
        presences = [r.presence for r in records]
        in_a_row = any(a == b == "absent" for a, b in zip(presences, presences[1:], strict=False))
        share = round(100 * presences.count("present") / len(presences))
        if in_a_row or share < threshold:
            flags.append(
                {
                    "person": records[0].person,
                    "group": records[0].session.group,
                    "two_in_a_row": in_a_row,
                    "share": share,
                }
            )
    return flags
