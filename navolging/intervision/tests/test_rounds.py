"""Rounds: the office proposes groups, moves people by hand (broken rules shown at once, never
accepted silently), publishes, and members and facilitators are told."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.intervision import planning, rounds
from navolging.intervision.models import Group, Membership, Round
from navolging.organisation.models import Person


@pytest.fixture
def org(db):
    call_command("demo", size=600, seed=11, verbosity=0)
    return User.objects.get(email__startswith="kantoor@")


def _made(name: str = "2027 eerste helft") -> Round:
    """The round the test made: the demo has a running round of its own."""
    return Round.objects.get(name=name)


def _create(client, mode="structured", **extra):
    data = {
        "name": "2027 eerste helft",
        "mode": mode,
        "min_size": 4,
        "max_size": 8,
        "rhythm_min_weeks": 6,
        "rhythm_max_weeks": 8,
        "starts_on": "2027-01-11",
        "ends_on": "2027-07-02",
        **extra,
    }
    return client.post(reverse("intervision:round_create"), data)


def _office(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_structured_round_puts_every_manager_in_one_group(org):
    response = _create(_office(org))
    round_ = _made()
    assert response["Location"] == reverse("intervision:round_detail", args=[round_.pk])
    people, _ = rounds.participants()
    placed = Counter(
        Membership.objects.filter(group__round=round_).values_list(
            "person__employee_number", flat=True
        )
    )
    assert set(placed) == {p.id for p in people}
    assert set(placed.values()) == {1}
    for group in round_.groups.all():
        size = group.memberships.count()
        assert 4 <= size <= 8 or group.report["notes"], group.name
    assert Group.objects.filter(round=round_, facilitator__isnull=False).exists()
    body = _office(org).get(response["Location"]).content.decode()
    assert "Groep" in body or "Group" in body


def test_a_hand_move_that_breaks_a_rule_is_shown_and_blocks_a_silent_publish(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    client = _office(org)
    _create(client, mode="mixed")
    round_ = _made()
    # Put a team leader into the group of their own manager: a hard rule in mixed mode.
    leader = next(
        p
        for p in Person.objects.filter(headed_units__kind="team", active=True)
        if p.manager() is not None
        and Membership.objects.filter(group__round=round_, person=p.manager()).exists()
    )
    boss_group = Membership.objects.get(group__round=round_, person=leader.manager()).group
    response = client.post(
        reverse("intervision:round_move", args=[round_.pk]),
        {"person": leader.pk, "group": boss_group.pk},
    )
    assert response.status_code == 302
    boss_group.refresh_from_db()
    assert boss_group.report["ok"] is False
    page = client.get(reverse("intervision:round_detail", args=[round_.pk])).content.decode()
    assert "Regel gebroken" in page
    # Publishing without accepting the broken rule does nothing.
    client.post(reverse("intervision:round_publish", args=[round_.pk]), {})
    round_.refresh_from_db()
    assert round_.status == "draft"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("intervision:round_publish", args=[round_.pk]), {"accept_broken": "on"})
    round_.refresh_from_db()
    assert round_.status == "published"
    event = AuditEvent.objects.get(action="intervision.round_publish")
    assert boss_group.name in event.changes["accepted_broken"]
    members = Membership.objects.filter(group__round=round_).count()
    facilitated = Group.objects.filter(round=round_, facilitator__isnull=False).count()
    assert len(mailoutbox) == members + facilitated
    # The member now sees the group on their page.
    member = Client()
    member.force_login(leader.user)
    assert boss_group.name in member.get(reverse("intervision:my_group")).content.decode()


def test_a_round_outside_the_sources_bounds_is_refused_with_a_message(org):
    response = _create(_office(org), max_size=12, min_size=3)
    assert response.status_code == 200
    body = response.content.decode()
    assert "minstens 4" in body and "8, 9 of 10" in body
    assert not Round.objects.filter(name="2027 eerste helft").exists()


def test_a_second_mixed_round_avoids_meeting_the_same_people_again(org):
    client = _office(org)
    _create(client, mode="mixed")
    first = _made()
    rounds.round_publish(round_=first, by=org, accept_broken=True)
    _create(client, mode="mixed", name="2027 tweede helft")
    second = _made("2027 tweede helft")

    def pairs(round_):
        found = set()
        for group in round_.groups.all():
            ids = sorted(group.memberships.values_list("person_id", flat=True))
            found |= {(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]}
        return found

    again = pairs(first) & pairs(second)
    assert len(again) < 0.1 * len(pairs(second))


def test_the_schedule_plans_every_group_and_sends_obligation_invites(
    org, mailoutbox, django_capture_on_commit_callbacks
):
    from navolging.intervision import schedule
    from navolging.intervision.models import Session
    from navolging.notifications.models import PlannedItem

    client = _office(org)
    _create(client)
    round_ = _made()
    rounds.round_publish(round_=round_, by=org, accept_broken=True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intervision:round_schedule", args=[round_.pk]))
    assert response.status_code == 302
    facilitated = Group.objects.filter(round=round_, facilitator__isnull=False)
    assert facilitated.exists()
    for group in facilitated:
        sessions = list(group.sessions.select_related("item").order_by("number"))
        assert len(sessions) >= 2, group.name
        assert all(s.item.obligation for s in sessions)
    # Every gap within 6 to 8 working weeks, nobody in two sessions at once: the engine's own
    # check on what was stored.
    stored = tuple(
        schedule.Session(
            s.group_id,
            s.item.starts_at.astimezone(schedule_zone()).date(),
            s.item.starts_at.astimezone(schedule_zone()).time(),
            s.item.ends_at.astimezone(schedule_zone()).time(),
        )
        for s in Session.objects.filter(group__round=round_).select_related("item")
    )
    plan = schedule.Plan(
        groups=[
            schedule.Group(
                g.pk, frozenset(g.memberships.values_list("person_id", flat=True)), g.facilitator_id
            )
            for g in facilitated
        ],
        facilitators=[schedule.Facilitator(pk) for pk in {g.facilitator_id for g in facilitated}],
        period=schedule.Period(round_.starts_on, round_.ends_on),
    )
    assert schedule.check(schedule.Schedule(plan, stored)) == []
    assert PlannedItem.objects.filter(intervision_session__group__round=round_).count() == len(
        stored
    )
    assert len(mailoutbox) > len(stored)  # an invite per member and facilitator
    # A second click does not plan everything twice.
    client.post(reverse("intervision:round_schedule", args=[round_.pk]))
    assert Session.objects.filter(group__round=round_).count() == len(stored)


def schedule_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Amsterdam")


def test_the_round_page_reads_the_groups_in_a_fixed_number_of_queries(
    org, django_assert_max_num_queries
):
    client = _office(org)
    _create(client)
    round_ = _made()
    rounds.round_publish(round_=round_, by=org, accept_broken=True)
    round_.refresh_from_db()
    planning.round_schedule(round_=round_, by=org)
    assert round_.groups.count() >= 8  # enough that a query per group would show
    with django_assert_max_num_queries(20):
        response = client.get(reverse("intervision:round_detail", args=[round_.pk]))
    assert response.status_code == 200
