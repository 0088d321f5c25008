"""Buddy workflows (STYLE 4): keyword-only, in one transaction.

What the audit trail gets is deliberately thin (R11, R17): who did what kind of thing, marked
confidential so it never shows in the office's log, and never with whom. Pair rows are deleted
when a proposal is declined or a pair ends; leaving deletes everything of the person at once.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from navolging.audit.services import audit_record, diff
from navolging.notifications.services import notify
from navolging.organisation.chart import Chart
from navolging.organisation.models import Person, UnitKind

from . import pairing
from .models import (
    BuddySettings,
    Count,
    Declined,
    NotWith,
    Pair,
    PairingRound,
    PairStatus,
    Participant,
    Trusted,
)

MAX_TRUSTED = 3


class BuddyError(ValueError):
    """A buddy action that cannot be done now (shown to the user as a message)."""


def _record(action: str, *, user, request=None, **changes) -> None:
    audit_record(
        action=f"buddy.{action}",
        actor=user,
        object_type="buddies.participant",
        changes=changes,
        request=request,
        confidential=True,
    )


def participant_save(
    *,
    person: Person,
    wishes: list[str],
    own_team_ok: bool,
    location: str,
    language: str,
    trusted: list[Person],
    not_with: list[Person],
    request=None,
) -> Participant:
    """Join, or change what one asked for. Nobody else ever sees the not-with list."""
    others = [p for p in trusted if p.pk != person.pk]
    if len(others) > MAX_TRUSTED:
        raise BuddyError("at most three colleagues")
    with transaction.atomic():
        participant, created = Participant.objects.update_or_create(
            person=person,
            defaults={
                "wishes": sorted(set(wishes)),
                "own_team_ok": own_team_ok,
                "location": location.strip(),
                "language": language,
            },
        )
        participant.trusted.all().delete()
        Trusted.objects.bulk_create(Trusted(participant=participant, person=p) for p in others)
        participant.not_with.all().delete()
        NotWith.objects.bulk_create(
            NotWith(participant=participant, person=p) for p in not_with if p.pk != person.pk
        )
        _record("join" if created else "change", user=person.user, request=request)
    return participant


def participant_leave(*, participant: Participant, request=None) -> None:
    """Leave at once, no reason asked: every row of theirs goes, a pair or proposal with them
    too (the other is told only that it ended). The counts keep a bare number."""
    with transaction.atomic():
        pair = pair_of(participant)
        other = _other(pair, participant) if pair else None
        user = participant.person.user
        Declined.objects.filter(Q(first=participant) | Q(second=participant)).delete()
        participant.delete()  # cascades: trusted, not-with, the pair
        if other is not None:
            _tell(other, "ended")
        _record("leave", user=user, request=request)


def pair_of(participant: Participant) -> Pair | None:
    return Pair.objects.of(participant).first()


def _other(pair: Pair, participant: Participant) -> Participant:
    return pair.second if pair.first_id == participant.pk else pair.first


def pair_answer(*, pair: Pair, participant: Participant, accept: bool, request=None) -> Pair | None:
    """Accept or decline a proposal, no reason asked. Both accept: the pair exists. One
    declines: the proposal is gone and is never made again; both wait for the next round."""
    with transaction.atomic():
        pair = Pair.objects.select_for_update().get(pk=pair.pk)
        if pair.status != PairStatus.PROPOSED:
            raise BuddyError("not a proposal")
        other = _other(pair, participant)
        if not accept:
            Declined.objects.get_or_create(first_id=pair.first_id, second_id=pair.second_id)
            pair.delete()
            _tell(other, "declined")
            _record("answer", user=participant.person.user, request=request)
            return None
        if pair.first_id == participant.pk:
            pair.first_accepted = True
        else:
            pair.second_accepted = True
        if pair.first_accepted and pair.second_accepted:
            pair.status = PairStatus.ACTIVE
            _tell(participant, "paired")
            _tell(other, "paired")
        pair.save(update_fields=["first_accepted", "second_accepted", "status"])
        _record("answer", user=participant.person.user, request=request)
    return pair


def pair_end(*, pair: Pair, participant: Participant, request=None) -> None:
    """Either buddy ends the pair at any time, no reason asked; both may join the next round."""
    with transaction.atomic():
        other = _other(pair, participant)
        pair.delete()
        _tell(other, "ended")
        _record("end", user=participant.person.user, request=request)


def _tell(participant: Participant, news: str) -> None:
    user = participant.person.user
    if user is None or not user.is_active:
        return
    notify(user=user, template="buddy_news", context={"news": news}, confidential=True)


# -- pairing rounds ---------------------------------------------------------------------------


def _engine_people(pool: list[Participant], chart: Chart) -> list[pairing.Participant]:
    people = []
    for participant in pool:
        person = participant.person
        people.append(
            pairing.Participant(
                id=person.pk,
                team=person.unit_id,
                department=chart.above(person.unit_id, UnitKind.DEPARTMENT),
                directorate=chart.above(person.unit_id, UnitKind.DIRECTORATE),
                manager=chart.manager_pk_of(person.pk, person.unit_id),
                wishes=frozenset(participant.wishes),
                location=participant.location or None,
                language=participant.language or None,
                own_team_ok=participant.own_team_ok,
                trusted=tuple(sorted(t.person_id for t in participant.trusted.all())),
                not_with=frozenset(n.person_id for n in participant.not_with.all()),
                waiting=participant.waiting,
            )
        )
    return people


def round_run(*, by, seed: int = 0, request=None) -> PairingRound:
    """Propose pairs among everyone not in a pair or proposal; tell each their news."""
    with transaction.atomic():
        pool = list(
            Participant.objects.waiting()
            .select_related("person__user")
            .prefetch_related("trusted", "not_with")
            .order_by("pk")
        )
        by_person = {p.person_id: p for p in pool}
        declined = [
            (by_person[a].person_id, by_person[b].person_id)
            for a, b in Declined.objects.values_list("first__person_id", "second__person_id")
            if a in by_person and b in by_person
        ]
        if len(pool) < 2:
            proposal = pairing.Proposal([], [p.person_id for p in pool])
        else:
            proposal = pairing.propose(_engine_people(pool, Chart()), declined=declined, seed=seed)
        proposed = []
        for found in proposal.pairs:
            a, b = sorted((by_person[found.a], by_person[found.b]), key=lambda p: p.pk)
            proposed.append(
                Pair(
                    first=a,
                    second=b,
                    status=PairStatus.PROPOSED,
                    reasons=[reason.as_json() for reason in found.reasons],
                )
            )
        Pair.objects.bulk_create(proposed)
        paired = [p for pair in proposed for p in (pair.first, pair.second)]
        left = [by_person[person_pk] for person_pk in proposal.unpaired]
        # Those left over come first next round; a proposal starts the count again.
        Participant.objects.filter(pk__in=[p.pk for p in paired]).update(waiting=0)
        Participant.objects.filter(pk__in=[p.pk for p in left]).update(waiting=F("waiting") + 1)
        for participant in paired:
            _tell(participant, "proposal")
        for participant in left:
            _tell(participant, "left_over")
        run = PairingRound.objects.create(
            proposed=len(proposal.pairs), left_over=len(proposal.unpaired)
        )
        counts_record()
        audit_record(
            action="buddy.round_run",
            actor=by,
            obj=run,
            changes={"proposed": run.proposed, "left_over": run.left_over},
            request=request,
        )
    return run


def settings_set(*, rhythm_weeks: int, by, request=None) -> BuddySettings:
    """The office sets how often a pairing round runs (0 = only by hand)."""
    with transaction.atomic():
        current = BuddySettings.objects.select_for_update().filter(pk=1).first()
        current = current or BuddySettings(pk=1)
        old = current.rhythm_weeks
        current.rhythm_weeks = rhythm_weeks
        current.save()
        audit_record(
            action="buddy.settings",
            actor=by,
            obj=current,
            changes=diff({"rhythm_weeks": old}, {"rhythm_weeks": rhythm_weeks}),
            request=request,
        )
    return current


def round_due(*, now=None) -> bool:
    """Whether the rhythm the office set (every N weeks; 0 = only by hand) asks for a round,
    and there are at least two people waiting."""
    weeks = BuddySettings.load().rhythm_weeks
    if not weeks:
        return False
    now = now or timezone.now()
    last = PairingRound.objects.order_by("-started_at").first()
    if last is not None and now - last.started_at < timedelta(weeks=weeks):
        return False
    return Participant.objects.waiting()[:2].count() == 2


def counts_now() -> dict[int | None, list[int]]:
    """The figures as they are now, not stored: unit pk (None: the whole organisation) ->
    [taking part, paired]. Pages read this when nothing is recorded today (a GET writes
    nothing)."""
    chart = Chart()
    paired = {
        pk
        for pair in Pair.objects.filter(status=PairStatus.ACTIVE).values_list(
            "first_id", "second_id"
        )
        for pk in pair
    }
    totals: dict[int | None, list[int]] = {}
    for pk, unit_id in Participant.objects.values_list("pk", "person__unit_id"):
        for unit in [None, *chart.chain(unit_id)]:
            row = totals.setdefault(unit, [0, 0])
            row[0] += 1
            row[1] += pk in paired
    return totals


def counts_record(*, day=None) -> int:
    """Today's figures per unit and for the whole organisation (a bare count, no person)."""
    day = day or timezone.localdate()
    totals = counts_now()
    with transaction.atomic():
        Count.objects.filter(day=day).delete()
        Count.objects.bulk_create(
            Count(
                day=day,
                unit_id=unit,
                taking_part=part,
                paired=pairs,
                waiting=part - pairs,
            )
            for unit, (part, pairs) in totals.items()
        )
    return len(totals)
