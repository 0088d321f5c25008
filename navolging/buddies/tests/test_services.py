"""Buddy workflows: joining, pairing rounds, answering, ending and leaving (DOMAIN §3, R11)."""

from __future__ import annotations

from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import models

from navolging.audit.models import AuditEvent
from navolging.buddies import pairing, services
from navolging.buddies.models import (
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
from navolging.buddies.tests.helpers import join
from navolging.lib.testing import make_person
from navolging.notifications.models import OutboxMessage


@pytest.fixture
def colleagues(cast):
    """Four employees of two teams, none of them anyone's manager."""
    return [
        make_person(f"20{k}", first, "Tester", cast.team if k < 2 else cast.other_department)
        for k, first in enumerate(["Anna", "Bram", "Cas", "Dewi"])
    ]


def _names_nobody() -> bool:
    """The buddy events of people carry who acted and what kind of thing, nothing else."""
    events = AuditEvent.objects.filter(action__startswith="buddy.").exclude(
        action="buddy.round_run"
    )
    return all(e.object_id == "" and e.changes == {} for e in events)


def test_joining_stores_the_wishes_trusted_colleagues_and_the_private_not_with_list(
    cast, colleagues
):
    anna, bram, cas, dewi = colleagues
    participant = join(anna, trusted=[bram, cas], not_with=[dewi])

    assert participant.wishes == [pairing.LISTENING_EAR]
    assert set(participant.trusted.values_list("person", flat=True)) == {bram.pk, cas.pk}
    assert list(participant.not_with.values_list("person", flat=True)) == [dewi.pk]
    event = AuditEvent.objects.get(action="buddy.join")
    assert event.confidential and event.actor == anna.user
    assert _names_nobody()


def test_at_most_three_trusted_colleagues(cast, colleagues):
    anna = colleagues[0]
    with pytest.raises(services.BuddyError):
        join(anna, trusted=[*colleagues[1:], cast.outsider])
    assert not Participant.objects.exists()


def test_a_round_pairs_two_who_named_each_other_and_says_why(cast, colleagues, mailoutbox):
    anna, bram, cas, _ = colleagues
    join(anna, trusted=[bram])
    join(bram, trusted=[anna])
    join(cas)

    run = services.round_run(by=cast.office)

    pair = Pair.objects.get()
    assert {pair.first.person, pair.second.person} == {anna, bram}
    assert pair.status == PairStatus.PROPOSED
    assert pairing.MUTUAL_CHOICE in [r["code"] for r in pair.reasons]
    assert (run.proposed, run.left_over) == (1, 1)
    left = Participant.objects.get(person=cas)
    assert left.waiting == 1  # comes first next round
    news = {m.recipient.email: m for m in OutboxMessage.objects.all()}
    assert set(news) == {anna.email, bram.email, cas.email}
    assert all(m.confidential for m in news.values())  # never in the office's outbox view
    assert bram.full_name not in news[anna.email].body_text  # the mail names nobody
    audit = AuditEvent.objects.get(action="buddy.round_run")
    assert audit.changes == {"proposed": 1, "left_over": 1}
    assert Count.objects.filter(unit__isnull=True).get().taking_part == 3


def test_both_accept_and_the_pair_exists(cast, colleagues):
    anna, bram = colleagues[:2]
    a, b = join(anna, trusted=[bram]), join(bram)
    services.round_run(by=cast.office)
    pair = Pair.objects.get()

    services.pair_answer(pair=pair, participant=a, accept=True)
    assert Pair.objects.get().status == PairStatus.PROPOSED
    services.pair_answer(pair=pair, participant=b, accept=True)

    assert Pair.objects.get().status == PairStatus.ACTIVE


def test_a_declined_pair_is_never_proposed_again(cast, colleagues):
    anna, bram = colleagues[:2]
    join(anna, trusted=[bram])
    b = join(bram, trusted=[anna])
    services.round_run(by=cast.office)

    services.pair_answer(pair=Pair.objects.get(), participant=b, accept=False)

    assert not Pair.objects.exists()
    assert Declined.objects.count() == 1
    services.round_run(by=cast.office)
    assert not Pair.objects.exists()  # only these two: nobody else to pair with
    assert PairingRound.objects.first().left_over == 2


def test_ending_a_pair_lets_both_join_the_next_round(cast, colleagues):
    anna, bram = colleagues[:2]
    a, b = join(anna, trusted=[bram]), join(bram, trusted=[anna])
    services.round_run(by=cast.office)
    pair = Pair.objects.get()
    services.pair_answer(pair=pair, participant=a, accept=True)
    services.pair_answer(pair=pair, participant=b, accept=True)

    services.pair_end(pair=Pair.objects.get(), participant=a)

    assert not Pair.objects.exists()
    assert Participant.objects.count() == 2
    services.round_run(by=cast.office)
    assert Pair.objects.count() == 1  # they may be proposed again: ending is not declining


def test_leaving_deletes_everything_of_the_person_at_once(cast, colleagues):
    anna, bram, cas, dewi = colleagues
    a = join(anna, trusted=[bram], not_with=[dewi])
    join(bram, trusted=[anna])
    join(cas)
    services.round_run(by=cast.office)
    services.pair_answer(pair=Pair.objects.get(), participant=a, accept=False)  # a Declined row
    services.round_run(by=cast.office)

    services.participant_leave(participant=Participant.objects.get(person=anna))

    assert not Participant.objects.filter(person=anna).exists()
    assert not Trusted.objects.filter(participant__person=anna).exists()
    assert not NotWith.objects.exists()
    assert not Declined.objects.exists()
    assert not Pair.objects.filter(first__person=anna).exists()
    assert not Pair.objects.filter(second__person=anna).exists()
    leave = AuditEvent.objects.get(action="buddy.leave")
    assert leave.confidential and leave.changes == {}
    assert _names_nobody()


def test_a_manager_and_their_direct_report_are_never_paired(cast):
    join(cast.team_leader, trusted=[cast.employee])
    join(cast.employee, trusted=[cast.team_leader])

    services.round_run(by=cast.office)

    assert not Pair.objects.exists()


def test_not_with_is_kept_even_against_a_named_choice(cast, colleagues):
    anna, bram = colleagues[:2]
    join(anna, trusted=[bram])
    join(bram, not_with=[anna])

    services.round_run(by=cast.office)

    assert not Pair.objects.exists()


# -- R11: the models cannot record what buddies do --------------------------------------------

#: Every field a buddy model that names a person may have. A new field fails this test on
#: purpose: the buddy system stores the sign-up and the pairing, nothing about what buddies do
#: (no meetings, no check-ins, no dates). Adding one needs a privacy review first.
ALLOWED_FIELDS = {
    "Participant": {"id", "person", "wishes", "own_team_ok", "location", "language", "waiting"},
    "Trusted": {"id", "participant", "person"},
    "NotWith": {"id", "participant", "person"},
    "Pair": {"id", "first", "second", "status", "first_accepted", "second_accepted", "reasons"},
    "Declined": {"id", "first", "second"},
}
TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)


@pytest.mark.parametrize("model", [Participant, Trusted, NotWith, Pair, Declined])
def test_buddy_models_hold_no_activity_and_no_dates(model):
    fields = {f.name for f in model._meta.concrete_fields}
    assert fields == ALLOWED_FIELDS[model.__name__]
    assert not [f for f in model._meta.concrete_fields if isinstance(f, TIME_FIELDS)]


def test_the_daily_command_records_figures_and_runs_a_round_only_when_due(cast, colleagues):
    BuddySettings.objects.create(pk=1, rhythm_weeks=4)
    anna, bram = colleagues[:2]
    join(anna)
    join(bram)

    with time_machine.travel("2027-03-01 06:00Z"):
        call_command("buddy_daily", stdout=(first := StringIO()))
    with time_machine.travel("2027-03-15 06:00Z"):
        Pair.objects.all().delete()  # as if declined: both wait again
        call_command("buddy_daily", stdout=(second := StringIO()))

    assert "1 pairs proposed" in first.getvalue()
    assert "no pairing round due" in second.getvalue()  # two weeks later: not yet
    assert anna.full_name not in first.getvalue() + second.getvalue()
    assert Count.objects.filter(unit__isnull=True).count() == 2  # a figure per day
    BuddySettings.objects.filter(pk=1).update(rhythm_weeks=0)
    assert not services.round_due()  # 0: only by hand
