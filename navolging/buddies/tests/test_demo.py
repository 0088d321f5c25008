"""The buddy system in the demo organisation: about 6% of the employees take part, about four
in five of them paired within the engine's rules, none of the demo logins; a year of counts,
rolled up as the app rolls them up; no mail."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.buddies import pairing, selectors, services
from navolging.buddies.demo import buddies_demo_load, month_ends
from navolging.buddies.models import Count, Pair, PairingRound, PairStatus, Participant
from navolging.notifications.models import OutboxMessage
from navolging.organisation import demo
from navolging.organisation.models import Person, Unit

SIZE = 600


@pytest.fixture
def loaded(db):
    call_command("demo", size=SIZE, seed=7, verbosity=0, stdout=StringIO(), stderr=StringIO())
    return {
        login.role: User.objects.get(email=login.email) for login in demo.demo_logins_recorded()
    }


def test_about_six_percent_take_part_and_no_demo_login(loaded):
    participants = Participant.objects.select_related("person")
    assert 0.05 * SIZE <= participants.count() <= 0.07 * SIZE
    assert all(p.person.active for p in participants)
    logins = {user.pk for user in loaded.values()}
    assert not participants.filter(person__user_id__in=logins).exists()
    wishes = set(pairing.WISHES)
    for participant in participants:
        assert participant.wishes and set(participant.wishes) <= wishes
        assert participant.language in ("", "nl", "en")


def test_the_demo_employee_can_still_join(loaded, client):
    client.force_login(loaded["employee"])
    page = client.get(reverse("buddies:mine"))
    assert page.status_code == 200 and "wishes" in page.content.decode()


def test_four_in_five_are_paired_within_the_rules_the_rest_wait(loaded):
    pairs = list(Pair.objects.select_related("first__person", "second__person"))
    taking_part = Participant.objects.count()
    assert all(
        p.status == PairStatus.ACTIVE and p.first_accepted and p.second_accepted for p in pairs
    )
    in_pair = [pk for p in pairs for pk in (p.first_id, p.second_id)]
    assert len(in_pair) == len(set(in_pair))  # one pair each at most
    assert 0.75 <= len(in_pair) / taking_part <= 0.85
    assert Participant.objects.waiting().count() == taking_part - len(in_pair)
    for pair in pairs:
        a, b = pair.first.person, pair.second.person
        assert pair.first_id < pair.second_id and a.pk != b.pk
        assert a.manager() != b and b.manager() != a
        if a.unit_id == b.unit_id:
            assert pair.first.own_team_ok and pair.second.own_team_ok
        assert pair.reasons and all("code" in reason for reason in pair.reasons)


def test_a_year_of_counts_rolled_up_like_the_app_does(loaded):
    today = timezone.localdate()
    days = sorted(set(Count.objects.values_list("day", flat=True)))
    assert days == [*month_ends(today), today]
    # Today's figures are exactly what the app works out now.
    now = services.counts_now()
    recorded = {
        row.unit_id: [row.taking_part, row.paired] for row in Count.objects.filter(day=today)
    }
    assert recorded == now
    children = defaultdict(list)
    for pk, parent in Unit.objects.filter(active=True).values_list("pk", "parent_id"):
        children[parent].append(pk)
    root = children[None][0]
    own_today = defaultdict(lambda: [0, 0])
    paired = {pk for pair in Pair.objects.values_list("first_id", "second_id") for pk in pair}
    for pk, unit in Participant.objects.values_list("pk", "person__unit_id"):
        own_today[unit][0] += 1
        own_today[unit][1] += pk in paired
    previous = None
    for day in days:
        rows = {row.unit_id: row for row in Count.objects.filter(day=day)}
        assert all(r.waiting == r.taking_part - r.paired >= 0 for r in rows.values())
        organisation = rows[None]
        assert (organisation.taking_part, organisation.paired) == (
            rows[root].taking_part,
            rows[root].paired,
        )
        # A unit's figure is the sum of its children's plus its own people (no more of those
        # than today: in the demo's year people only join).
        for unit, row in rows.items():
            if unit is None:
                continue
            below = [rows[c] for c in children[unit] if c in rows]
            own = row.taking_part - sum(c.taking_part for c in below)
            own_paired = row.paired - sum(c.paired for c in below)
            assert 0 <= own <= own_today[unit][0], (day, unit)
            assert 0 <= own_paired <= own_today[unit][1], (day, unit)
        if previous is not None:
            assert organisation.taking_part >= previous.taking_part
        previous = organisation
    first = Count.objects.get(day=days[0], unit=None)
    assert 0.2 <= first.taking_part / now[None][0] <= 0.5


def test_the_office_sees_a_year_of_figures_and_the_last_round(loaded, client):
    moments = selectors.figures_over_time()
    assert len(moments) == 12
    last = PairingRound.objects.order_by("-started_at").first()
    assert timezone.now() - last.started_at < dt.timedelta(weeks=4)
    assert not services.round_due()  # the last round was recent: nothing runs by itself
    client.force_login(loaded["office"])
    assert client.get(reverse("buddies:office")).status_code == 200


def test_loading_sends_no_mail_and_records_nothing(loaded, mailoutbox):
    assert not OutboxMessage.objects.exists() and mailoutbox == []
    assert not AuditEvent.objects.filter(action__startswith="buddy.").exists()


@pytest.mark.parametrize("size", [200, 800])
def test_it_takes_the_same_few_queries_at_any_size(db, size):
    plan = demo.demo_plan(size, seed=3)
    demo.demo_load(plan, password=demo.DEFAULT_PASSWORD)
    logins = {login.role: login.email for login in plan.logins}
    with CaptureQueriesContext(connection) as queries:
        made = buddies_demo_load(random.Random(3), logins=logins)
    assert made["participants"] > 0 and made["pairs"] > 0 and made["counts"] > 0
    assert len(queries) <= 25
    assert Person.objects.count() == size
