"""Keeping running intervision rounds in step with the organisation chart (after an HR import).

`formation.amend` decides: new managers are placed, leavers leave, people whose place now
breaks a hard rule move, groups below the minimum are fixed; nobody else is reshuffled. This
module applies its answer with the smallest change to the database. Sessions already held and
their attendance always stay; only future sessions follow the new groups.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from navolging.audit.services import audit_record
from navolging.notifications.models import ItemStatus
from navolging.notifications.services import item_attendees_set, item_cancel

from . import formation
from .models import CompositionMode, Group, Membership, Round, RoundStatus, Session
from .rounds import (
    _group_names,
    _report_json,
    _rules,
    facilitators_assign,
    group_tell,
    participants,
)

RUNNING = (RoundStatus.DRAFT, RoundStatus.PUBLISHED)
#: Structured rounds: how strongly a newcomer is pulled towards their own management team's
#: group. Far above the repeat penalty, far below a broken hard rule.
MT_PULL = 100.0


@dataclass
class AmendResult:
    """What one amend changed: people by employee number, groups by name."""

    round: Round
    joined: list[str] = field(default_factory=list)  # were in no group, now placed
    left: list[str] = field(default_factory=list)  # in no group any more
    moved: list[str] = field(default_factory=list)  # in another group now
    new_groups: list[str] = field(default_factory=list)
    changed_groups: list[str] = field(default_factory=list)  # existing, other members now
    dissolved_groups: list[str] = field(default_factory=list)  # empty, kept for its sessions
    deleted_groups: list[str] = field(default_factory=list)  # empty and never met: removed
    #: New groups in a round that already has sessions: "Plan the sessions" plans them.
    unplanned_groups: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.groups_changed > 0

    @property
    def groups_changed(self) -> int:
        return (
            len(self.new_groups)
            + len(self.changed_groups)
            + len(self.dissolved_groups)
            + len(self.deleted_groups)
        )


def rounds_amend_running(*, by, request=None) -> list[AmendResult]:
    """Amend every draft or published round that has not ended: called after each HR import."""
    running = Round.objects.filter(status__in=RUNNING, ends_on__gte=timezone.localdate())
    return [round_amend(round_=r, by=by, request=request) for r in running.order_by("pk")]


def amend_summary(results: list[AmendResult]) -> list[str]:
    """What the HR import changed in intervision, in words for the import page and command."""
    count = sum(r.groups_changed for r in results)
    if not count:
        return []
    lines = [
        ngettext(
            "Intervision: %(count)s group changed to follow the new organisation.",
            "Intervision: %(count)s groups changed to follow the new organisation.",
            count,
        )
        % {"count": count}
    ]
    unplanned = [r.round.name for r in results if r.unplanned_groups]
    if unplanned:
        lines.append(
            gettext(
                "New intervision groups in %(rounds)s have no sessions yet: use “Plan the "
                "sessions” on the round's page."
            )
            % {"rounds": ", ".join(unplanned)}
        )
    return lines


def round_amend(*, round_: Round, by, request=None) -> AmendResult:
    """Bring a running round's groups in line with the organisation as it is now."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        result = AmendResult(round=round_)
        if round_.status not in RUNNING or round_.ends_on < timezone.localdate():
            return result
        groups = list(round_.groups.filter(dissolved_at__isnull=True).order_by("pk"))
        rows = Membership.objects.filter(group__in=groups).values_list(
            "pk", "group_id", "person__employee_number"
        )
        membership = {(group_id, number): pk for pk, group_id, number in rows}
        before: dict[int, set[str]] = {g.pk: set() for g in groups}
        for group_id, number in membership:
            before[group_id].add(number)
        people, by_number = participants()
        proposal = _amend(round_, people, [sorted(before[g.pk]) for g in groups])
        slots = _match([before[g.pk] for g in groups], proposal.groups)
        after = {g.pk: set() for g in groups}
        reports = {}
        fresh = []  # (members, report) of the new groups
        for members, report, slot in zip(proposal.groups, proposal.reports, slots, strict=True):
            if slot is None:
                fresh.append((members, report))
            else:
                after[groups[slot].pk] = set(members)
                reports[groups[slot].pk] = report
        new_groups = _groups_create(round_, fresh, people)
        for group, (members, _report) in zip(new_groups, fresh, strict=True):
            after[group.pk] = set(members)
        _memberships_apply(before, after, membership, by_number, result)
        changed = [g for g in groups if after[g.pk] and after[g.pk] != before[g.pk]]
        for group in groups:
            if group.pk in reports:
                _report_store(group, reports[group.pk], keep_notes=group not in changed)
        now = timezone.now()
        for group in groups:
            if not after[group.pk]:
                _group_end(group, now, by, result)
        result.changed_groups = [g.name for g in changed]
        result.new_groups = [g.name for g in new_groups]
        if not result.changed:
            return result
        if new_groups:
            facilitators_assign(round_=round_)
            if Session.objects.filter(group__round=round_).exists():
                result.unplanned_groups = list(result.new_groups)
        for group in Group.objects.filter(pk__in=[g.pk for g in changed]).select_related(
            "facilitator"
        ):
            _sessions_follow(group, now, by)
        round_.notes = [note.as_json() for note in proposal.notes]
        round_.save(update_fields=["notes"])
        audit_record(
            action="intervision.round_amend",
            actor=by,
            obj=round_,
            changes={
                "joined": result.joined,
                "left": result.left,
                "moved": result.moved,
                "new_groups": result.new_groups,
                "dissolved_groups": result.dissolved_groups,
                "deleted_groups": result.deleted_groups,
            },
            request=request,
        )
        if round_.status == RoundStatus.PUBLISHED:
            _tell(round_, result, new_groups)
    return result


def _group_end(group: Group, now, by, result: AmendResult) -> None:
    """An empty group that never met goes; one that met stays, dissolved, with its sessions
    held and their attendance; its future sessions are cancelled."""
    if not group.sessions.exists():
        group.delete()
        result.deleted_groups.append(group.name)
        return
    group.dissolved_at = now
    group.save(update_fields=["dissolved_at"])
    for session in _future(group, now):
        item_cancel(item=session.item, by=by)
    result.dissolved_groups.append(group.name)


def _amend(
    round_: Round, people: list[formation.Person], groups: list[list[str]]
) -> formation.Proposal:
    rules = _rules(round_)
    if round_.mode == CompositionMode.MIXED:
        return formation.amend(people, groups, rules, mixed=True)

    # The engine places a newcomer where departments stay spread, as mixed rounds want. A
    # structured round wants the opposite: a team leader joins their department's MT group, a
    # head or director their directorate's. One attribute, the MT each person belongs in,
    # that pulls instead of spreads (a negative weight), steers the same amend there; the
    # checks are then made on the round's own rules, so the reports read as usual.
    def mt(p: formation.Person) -> str:
        if p.role == formation.TEAM_LEADER and p.department:
            return f"department {p.department}"
        return f"directorate {p.directorate}"

    keyed = [dataclasses.replace(p, attributes={**p.attributes, "mt": mt(p)}) for p in people]
    pulled = dataclasses.replace(rules, spread={"mt": -MT_PULL})
    proposal = formation.amend(keyed, groups, pulled, mixed=False)
    checked = formation.score(people, proposal.groups, rules, mixed=False)
    for report, check in zip(proposal.reports, checked.reports, strict=True):
        report.checks = check.checks
    return proposal


def _match(before: Sequence[set[str]], after: Sequence[Sequence[str]]) -> list[int | None]:
    """Which existing group each of the engine's groups is (None: a new one).

    The engine returns the groups it kept in their order, without the ones left empty, then
    the new ones. So the answer is an order-keeping match: the one with the most members in
    common, and among equals the one that reuses the most existing groups.
    """
    n, k = len(before), len(after)
    if n == k and all(set(a) == b for a, b in zip(after, before, strict=True)):
        return list(range(n))  # nothing changed: the common case after most imports
    home: dict[str, list[int]] = {}
    for j, members in enumerate(before):
        for pid in members:
            home.setdefault(pid, []).append(j)
    common = [Counter(j for pid in group for j in home.get(pid, ())) for group in after]
    weight = k + 1  # one member in common outweighs any number of reused groups
    lowest = float("-inf")
    # best[i][j]: the first i groups of `after` all matched within the first j of `before`
    best = [[0.0] * (n + 1)] + [[lowest] * (n + 1) for _ in range(k)]
    for i in range(1, k + 1):
        row, prev, shared = best[i], best[i - 1], common[i - 1]
        for j in range(i, n + 1):
            row[j] = max(row[j - 1], prev[j - 1] + weight * shared.get(j - 1, 0) + 1)
    kept = max(range(min(n, k) + 1), key=lambda i: best[i][n])
    slots: list[int | None] = [None] * k
    i, j = kept, n
    while i > 0:
        if best[i][j] == best[i][j - 1]:
            j -= 1
        else:
            slots[i - 1] = j - 1
            i, j = i - 1, j - 1
    return slots


def _groups_create(
    round_: Round,
    fresh: list[tuple[list[str], formation.GroupReport]],
    people: list[formation.Person],
) -> list[Group]:
    """New groups, numbered on from the round's highest group number."""
    if not fresh:
        return []
    numbers = [
        int(first)
        for name in round_.groups.values_list("name", flat=True)
        if (first := name.split(" ", 1)[0]).isdigit()
    ]
    offset = max(numbers, default=round_.groups.count())
    names = _group_names([[]] * offset + [members for members, _ in fresh], people)[offset:]
    return [
        Group.objects.create(round=round_, name=name, report=_report_json(report))
        for name, (_members, report) in zip(names, fresh, strict=True)
    ]


def _memberships_apply(
    before: dict[int, set[str]],
    after: dict[int, set[str]],
    membership: dict[tuple[int, str], int],
    by_number: dict,
    result: AmendResult,
) -> None:
    """Delete, move or create memberships: a move keeps its row and changes its group."""
    taken_out = {(g, n) for g, members in before.items() for n in members - after[g]}
    put_in = {(g, n) for g, members in after.items() for n in members - before.get(g, set())}
    was = {n for members in before.values() for n in members}
    now_in = {n for members in after.values() for n in members}
    out_of: dict[str, list[int]] = {}
    for g, n in sorted(taken_out):
        out_of.setdefault(n, []).append(g)
    create = []
    for g, n in sorted(put_in):
        if out_of.get(n):
            old = out_of[n].pop()
            Membership.objects.filter(pk=membership[(old, n)]).update(group_id=g)
            taken_out.discard((old, n))
        else:
            create.append(Membership(group_id=g, person=by_number[n]))
    Membership.objects.filter(pk__in=[membership[pair] for pair in taken_out]).delete()
    Membership.objects.bulk_create(create)
    result.joined = sorted(now_in - was)
    result.left = sorted(was - now_in)
    result.moved = sorted({n for _, n in put_in} & was)


def _report_store(group: Group, report: formation.GroupReport, *, keep_notes: bool) -> None:
    """The new checks; the new notes only where the members changed (the notes say why)."""
    stored = _report_json(report)
    if keep_notes:
        stored["notes"] = group.report.get("notes", [])
    if stored != group.report:
        group.report = stored
        group.save(update_fields=["report"])


def _future(group: Group, now) -> list[Session]:
    return list(
        group.sessions.filter(item__starts_at__gt=now, item__status=ItemStatus.PLANNED)
        .select_related("item")
        .order_by("number")
    )


def _sessions_follow(group: Group, now, by) -> None:
    """Future sessions get the group's members and facilitator: newcomers an invite, who is
    taken off a cancellation. Sessions already held, and their attendance, stay as they are."""
    sessions = _future(group, now)
    if not sessions:
        return
    users = [
        m.person.user
        for m in group.memberships.select_related("person__user")
        if m.person.user_id is not None
    ]
    if group.facilitator_id:
        users.append(group.facilitator)
    for session in sessions:
        item_attendees_set(item=session.item, attendees=users, by=by)


def _tell(round_: Round, result: AmendResult, new_groups: list[Group]) -> None:
    """Who joined or moved hears which group they are in now (as at publishing); so does the
    facilitator of a new group. Leavers hear it from the cancelled session invites."""
    told = set(result.joined) | set(result.moved)
    new = {g.pk for g in new_groups}
    touched = new | set(
        Membership.objects.filter(
            group__round=round_, person__employee_number__in=told
        ).values_list("group_id", flat=True)
    )
    for group in Group.objects.filter(pk__in=touched).select_related("facilitator"):
        members = [m.person for m in group.memberships.select_related("person__user")]
        users = [p.user for p in members if p.user_id and p.employee_number in told]
        if group.pk in new and group.facilitator:
            users.append(group.facilitator)
        active = [user for user in users if user.is_active]
        group_tell(round_=round_, group=group, members=members, users=active)
