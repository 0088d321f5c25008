"""Intervision in the demo organisation: one published round of mixed groups that started
about eleven months ago, nobody with their own manager or direct report, the demo logins in
it, sessions in the rhythm with attendance recorded only for the ones held, no mail."""

from __future__ import annotations

import random
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.intervision import planning, selectors
from navolging.intervision.demo import intervision_demo_load
from navolging.intervision.models import (
    AttendanceRecord,
    Group,
    Membership,
    Presence,
    Round,
    RoundStatus,
    Session,
)
from navolging.notifications.demo import demo_items_load
from navolging.notifications.models import ItemKind, OutboxMessage, PlannedItem
from navolging.organisation import demo
from navolging.organisation.models import Person


@pytest.fixture
def loaded(db):
    call_command("demo", size=600, seed=7, verbosity=0, stdout=StringIO(), stderr=StringIO())
    return {
        login.role: User.objects.get(email=login.email) for login in demo.demo_logins_recorded()
    }


def test_one_published_round_that_started_about_eleven_months_ago(loaded):
    round_ = Round.objects.get()
    today = timezone.localdate()
    assert round_.status == RoundStatus.PUBLISHED and round_.mode == "mixed"
    assert 320 <= (today - round_.starts_on).days <= 345
    assert round_.starts_on < today < round_.ends_on
    assert round_.published_at < timezone.now()


def test_every_manager_is_in_one_group_of_four_to_ten_never_with_their_own_manager(loaded):
    heads = set(Person.objects.filter(headed_units__isnull=False).values_list("pk", flat=True))
    placed = Counter(Membership.objects.values_list("person_id", flat=True))
    assert set(placed) <= heads and set(placed.values()) == {1}
    assert len(placed) >= 0.9 * len(heads - {_root_head()})
    for group in Group.objects.prefetch_related("memberships__person__unit__parent"):
        members = {m.person_id: m.person for m in group.memberships.all()}
        assert 4 <= len(members) <= 10, group.name
        for person in members.values():
            boss = person.manager()
            assert boss is None or boss.pk not in members, group.name
        assert group.facilitator.is_trainer and group.report["ok"]


def _root_head() -> int:
    return Person.objects.filter(headed_units__parent__isnull=True).values_list("pk", flat=True)[0]


def test_the_demo_logins_are_in_a_group_the_demo_trainer_facilitates(loaded, client):
    groups = [
        Group.objects.get(memberships__person__user=loaded[role])
        for role in ("manager", "team_leader")
    ]
    assert all(group.facilitator == loaded["trainer"] for group in groups)
    # The coming intervision item of the demo agenda is the manager's group's next session.
    assert not PlannedItem.objects.filter(
        kind=ItemKind.INTERVISION, intervision_session__isnull=True
    ).exists()
    coming = PlannedItem.objects.for_user(loaded["manager"]).filter(
        kind=ItemKind.INTERVISION, starts_at__gt=timezone.now()
    )
    assert coming.exists() and all(item.intervision_session.group == groups[0] for item in coming)
    client.force_login(loaded["manager"])
    assert escape(groups[0].name) in client.get(reverse("intervision:my_group")).content.decode()
    client.force_login(loaded["trainer"])
    page = client.get(reverse("intervision:facilitator_groups")).content.decode()
    assert all(escape(group.name) in page for group in groups)


def test_sessions_keep_the_rhythm_and_each_group_has_its_next_one_or_two(loaded):
    round_ = Round.objects.get()
    now = timezone.now()
    rows = planning.round_overview(round_)
    assert rows and sum(len(row.problems) for _group, sessions in rows for row in sessions) == 0
    for group, sessions in rows:
        ahead = [row for row in sessions if row.session.item.starts_at > now]
        assert 1 <= len(ahead) <= 2, group.name
        assert len(sessions) - len(ahead) >= 4, group.name  # every 6 to 8 weeks since the start
        numbers = [row.session.number for row in sessions]
        assert numbers == list(range(1, len(sessions) + 1))
    for session in Session.objects.select_related("item", "group"):
        item = session.item
        assert item.kind == ItemKind.INTERVISION and item.obligation
        assert item.organiser_id == session.group.facilitator_id
        members = set(session.group.memberships.values_list("person__user_id", flat=True))
        attendees = set(item.attendances.values_list("user_id", flat=True))
        assert attendees == members | {session.group.facilitator_id}


def test_attendance_is_recorded_for_every_member_of_past_sessions_only(loaded):
    now = timezone.now()
    sessions = Session.objects.select_related("item", "group")
    records = AttendanceRecord.objects.select_related("session__item", "session__group")
    assert records.exists()
    for record in records:
        assert record.session.item.ends_at <= now
        assert record.recorded_by_id == record.session.group.facilitator_id
        assert record.recorded_at == record.session.item.ends_at
    for session in sessions.filter(item__ends_at__lte=now):
        members = set(session.group.memberships.values_list("person_id", flat=True))
        assert set(session.attendance.values_list("person_id", flat=True)) == members
    assert not AttendanceRecord.objects.filter(session__item__starts_at__gt=now).exists()
    presence = Counter(records.values_list("presence", flat=True))
    assert presence[Presence.PRESENT] > 0.75 * sum(presence.values())
    assert presence[Presence.EXCUSED] and presence[Presence.ABSENT]


def test_the_office_sees_the_round_and_the_attendance_flags(loaded, client):
    round_ = Round.objects.get()
    client.force_login(loaded["office"])
    for name in ("round_detail", "round_sessions"):
        assert client.get(reverse(f"intervision:{name}", args=[round_.pk])).status_code == 200
    assert client.get(reverse("intervision:attendance_overview")).status_code == 200
    assert isinstance(selectors.attendance_flags(), list)


def test_loading_the_round_sends_no_mail_and_records_nothing(loaded, mailoutbox):
    assert not OutboxMessage.objects.exists() and mailoutbox == []
    assert not AuditEvent.objects.filter(action__startswith="intervision.").exists()


@pytest.mark.parametrize("size", [100, 400])
def test_it_takes_the_same_few_queries_at_any_size(db, size):
    plan = demo.demo_plan(size, seed=3)
    demo.demo_load(plan, password=demo.DEFAULT_PASSWORD)
    logins = {login.role: login.email for login in plan.logins}
    demo_items_load(emails=logins, today=timezone.localdate())
    with CaptureQueriesContext(connection) as queries:
        made = intervision_demo_load(random.Random(3), logins=logins)
    assert made["groups"] > 0 and made["sessions"] > 0 and made["attendance"] > 0
    assert len(queries) <= 30
