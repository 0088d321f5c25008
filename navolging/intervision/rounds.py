"""Rounds of intervision groups: propose with the formation engine, edit by hand, publish.

Django side of `formation.py`: turns the organisation chart into the engine's plain data and
stores what comes back. Workflows are keyword-only, atomic and recorded (STYLE 4, 7).
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction
from django.utils import timezone

from navolging.accounts.models import User
from navolging.audit.services import audit_record
from navolging.notifications.services import notify
from navolging.organisation.chart import Chart
from navolging.organisation.models import Person, ProgrammeScope, Unit, UnitKind

from . import formation
from .models import CompositionMode, FacilitatorProfile, Group, Membership, Round, RoundStatus

ROLE_OF_KIND = {
    UnitKind.DIRECTORATE: formation.DIRECTOR,
    UnitKind.DEPARTMENT: formation.DEPARTMENT_HEAD,
    UnitKind.TEAM: formation.TEAM_LEADER,
}
RANK = {formation.DIRECTOR: 0, formation.DEPARTMENT_HEAD: 1, formation.TEAM_LEADER: 2}


def participants() -> tuple[list[formation.Person], dict[str, Person]]:
    """Every active person who heads an active unit, as the engine's plain data.

    Two queries whatever the size: every unit (with its head's employee number) and the
    heads. The chain above each unit and each head's own manager are read from dicts.
    """
    chart = Chart()
    units = chart.units
    led_by: dict[int, list[dict]] = {}
    for u in units.values():
        if u["head_id"] is not None and u["kind"] in ROLE_OF_KIND:
            led_by.setdefault(u["head_id"], []).append(u)

    heads = {
        p.pk: p
        for p in Person.objects.filter(active=True, pk__in={u["head_id"] for u in units.values()})
    }
    people: list[formation.Person] = []
    for pk, person in heads.items():
        led = led_by.get(pk)
        if not led:
            continue
        top = min(led, key=lambda u: RANK[ROLE_OF_KIND[u["kind"]]])
        people.append(
            formation.Person(
                id=person.employee_number,
                department=chart.above(top["pk"], UnitKind.DEPARTMENT),
                directorate=chart.above(top["pk"], UnitKind.DIRECTORATE),
                role=ROLE_OF_KIND[top["kind"]],
                manager=chart.manager_of(person.pk, person.unit_id),
            )
        )
    people.sort(key=lambda p: p.id)
    return people, {p.employee_number: p for p in heads.values()}


def _rules(round_: Round) -> formation.Rules:
    earlier = [
        [
            list(g.memberships.values_list("person__employee_number", flat=True))
            for g in r.groups.all()
        ]
        for r in Round.objects.filter(status=RoundStatus.PUBLISHED, mode=CompositionMode.MIXED)
        .exclude(pk=round_.pk)
        .prefetch_related("groups")
    ]
    return formation.Rules(
        min_size=round_.min_size, max_size=round_.max_size, earlier_rounds=earlier
    )


def round_propose(*, round_: Round, by, request=None) -> formation.Proposal:
    """(Re)build the draft groups of a round with the formation engine."""
    if round_.status != RoundStatus.DRAFT:
        raise ValueError("only a draft round can be proposed again")
    people, by_number = participants()
    rules = _rules(round_)
    if round_.mode == CompositionMode.MIXED:
        proposal = formation.form_mixed(people, rules, seed=round_.seed)
    else:
        proposal = formation.form_structured(
            people, rules, head_in_department=round_.heads_in_department_mt
        )
    with transaction.atomic():
        round_.groups.all().delete()
        round_.notes = [note.as_json() for note in proposal.notes]
        round_.save(update_fields=["notes"])
        names = _group_names(proposal.groups, people)
        for number, (members, report) in enumerate(
            zip(proposal.groups, proposal.reports, strict=True), start=1
        ):
            group = Group.objects.create(
                round=round_, name=names[number - 1], report=_report_json(report)
            )
            Membership.objects.bulk_create(
                Membership(group=group, person=by_number[m]) for m in members
            )
        facilitators_assign(round_=round_)
        audit_record(
            action="intervision.round_propose",
            actor=by,
            obj=round_,
            changes={"groups": len(proposal.groups), "broken_rules": proposal.hard_violations},
            request=request,
        )
    return proposal


def _group_names(groups: list[list[str]], people: list[formation.Person]) -> list[str]:
    """ "Groep 3 · Afdeling Burgerzaken": numbered, with the unit most of its members share."""
    attribute = {p.id: p.department or p.directorate for p in people}
    codes = {code for group in groups for m in group if (code := attribute.get(m))}
    unit_names = dict(Unit.objects.filter(code__in=codes).values_list("code", "name"))
    names = []
    for number, members in enumerate(groups, start=1):
        common = Counter(attribute.get(m) for m in members if attribute.get(m)).most_common(1)
        label = unit_names.get(common[0][0]) if common else None
        names.append(f"{number} · {label}" if label else str(number))
    return names


def _report_json(report: formation.GroupReport) -> dict:
    """Codes and parameters, not text: the page shows them translated, with names."""
    return {
        "ok": report.ok,
        "checks": [
            {"rule": c.rule, "holds": c.holds, "params": dict(c.params)} for c in report.checks
        ],
        "notes": [note.as_json() for note in report.notes],
    }


def round_rescore(*, round_: Round) -> formation.Proposal:
    """Check the groups as they are now (after hand edits) and store each group's report."""
    people, _by_number = participants()
    groups = list(round_.groups.order_by("pk"))
    partition = [
        list(g.memberships.values_list("person__employee_number", flat=True)) for g in groups
    ]
    proposal = formation.score(
        people, partition, _rules(round_), mixed=round_.mode == CompositionMode.MIXED
    )
    for group, report in zip(groups, proposal.reports, strict=True):
        group.report = {**_report_json(report), "notes": group.report.get("notes", [])}
        group.save(update_fields=["report"])
    return proposal


def member_move(*, round_: Round, person: Person, to_group: Group, by, request=None) -> None:
    """Move someone to another group of a draft round by hand; the reports show at once which
    rules the new groups break."""
    if round_.status != RoundStatus.DRAFT or to_group.round_id != round_.pk:
        raise ValueError("only within a draft round")
    with transaction.atomic():
        membership = Membership.objects.select_for_update().get(group__round=round_, person=person)
        old = membership.group
        membership.group = to_group
        membership.save(update_fields=["group"])
        round_rescore(round_=round_)
        audit_record(
            action="intervision.member_move",
            actor=by,
            obj=round_,
            changes={"person": person.employee_number, "group": [old.name, to_group.name]},
            request=request,
        )


def facilitators_available() -> dict[int, int]:
    """Trainer id -> most groups. Trainers with a facilitator profile, else the trainers of the
    management teams' base programme (the managers' programme) with a default of 4."""
    profiles = dict(FacilitatorProfile.objects.values_list("user_id", "max_groups"))
    if profiles:
        return profiles
    trainers = (
        User.objects.filter(
            is_trainer=True, is_active=True, base_programmes__scope=ProgrammeScope.MANAGEMENT_TEAM
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    return {pk: FacilitatorProfile._meta.get_field("max_groups").default for pk in trainers}


def facilitators_assign(*, round_: Round) -> int:
    """Give every group without a facilitator the least loaded one with room; returns how
    many groups are left without (too few facilitators)."""
    capacity = facilitators_available()
    load = Counter(
        Group.objects.filter(
            round=round_, facilitator__isnull=False, dissolved_at__isnull=True
        ).values_list("facilitator_id", flat=True)
    )
    left = 0
    for group in round_.groups.filter(facilitator__isnull=True).order_by("pk"):
        free = [pk for pk, most in capacity.items() if load[pk] < most]
        if not free:
            left += 1
            continue
        pk = min(free, key=lambda pk: (load[pk], pk))
        load[pk] += 1
        group.facilitator_id = pk
        group.save(update_fields=["facilitator"])
    return left


def round_publish(*, round_: Round, by, accept_broken: bool, request=None) -> None:
    """Publish the groups and tell members and facilitators. Broken rules are never accepted
    silently: publishing a round with any needs `accept_broken`, which is recorded."""
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.status != RoundStatus.DRAFT:
            return
        broken = [g.name for g in round_.groups.all() if not g.report.get("ok", True)]
        if broken and not accept_broken:
            raise BrokenRules(broken)
        round_.status = RoundStatus.PUBLISHED
        round_.published_at = timezone.now()
        round_.save(update_fields=["status", "published_at"])
        audit_record(
            action="intervision.round_publish",
            actor=by,
            obj=round_,
            changes={
                "status": [RoundStatus.DRAFT, RoundStatus.PUBLISHED],
                "accepted_broken": broken,
            },
            request=request,
        )
        for group in round_.groups.select_related("facilitator"):
            members = [m.person for m in group.memberships.select_related("person__user")]
            people = [p.user for p in members if p.user_id] + (
                [group.facilitator] if group.facilitator else []
            )
            group_tell(round_=round_, group=group, members=members, users=people)


def group_tell(*, round_: Round, group: Group, members: list[Person], users: list) -> None:
    """Mail `users` (members or the facilitator) which group they are in, with whom."""
    for user in users:
        notify(
            user=user,
            template="intervision_group",
            context={
                "group_name": group.name,
                "round_name": round_.name,
                "members": [p.full_name for p in members],
                "facilitator": group.facilitator.display_name if group.facilitator else "",
                "is_facilitator": user == group.facilitator,
            },
        )


class BrokenRules(Exception):
    def __init__(self, groups: list[str]):
        super().__init__(", ".join(groups))
        self.groups = groups
