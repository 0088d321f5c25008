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


def attendance_flags(people: QuerySet[Person] | None = None) -> list[dict]:
    """Members to follow up: two sessions missed in a row (absent, not excused), or attendance
    below the organisation's threshold over the sessions recorded so far.

    `people` narrows it to some members (a manager's own people). Reads plain values, then only
    the flagged people and groups: the overview stays light with many records.
    """
    threshold = IntervisionSettings.load().attendance_threshold
    records = AttendanceRecord.objects.all()
    if people is not None:
        records = records.filter(person__in=people)
    by_member: dict[tuple[int, int], list[str]] = {}
    for group_id, person_id, presence in records.order_by(
        "session__group_id", "person_id", "session__number"
    ).values_list("session__group_id", "person_id", "presence"):
        by_member.setdefault((group_id, person_id), []).append(presence)
    found = []
    for (group_id, person_id), presences in by_member.items():
        in_a_row = any(a == b == "absent" for a, b in zip(presences, presences[1:], strict=False))
        share = round(100 * presences.count("present") / len(presences))
        if in_a_row or share < threshold:
            found.append((group_id, person_id, in_a_row, share))
    persons = Person.objects.in_bulk({f[1] for f in found})
    groups = Group.objects.in_bulk({f[0] for f in found})
    return [
        {"person": persons[p], "group": groups[g], "two_in_a_row": row, "share": share}
        for g, p, row, share in found
    ]
