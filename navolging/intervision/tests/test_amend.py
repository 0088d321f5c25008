"""Running rounds follow the organisation: new managers are placed, leavers leave, people who
may no longer sit where they sit move, and nobody else is reshuffled. Sessions already held
and their attendance stay; future sessions follow the new groups."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.intervision import planning, rounds
from navolging.intervision.amend import round_amend, rounds_amend_running
from navolging.intervision.models import (
    AttendanceRecord,
    FacilitatorProfile,
    Group,
    Membership,
    Round,
    Session,
)
from navolging.lib.testing import make_person
from navolging.notifications.models import ItemStatus, OutboxMessage, PlannedItem
from navolging.organisation.models import Person, Unit, UnitKind
from navolging.organisation.tests.test_import_fixtures import (
    CAST_FIELDS,
    CAST_HEADERS,
    cast_rows,
    csv_bytes,
)

ZONE = ZoneInfo("Europe/Amsterdam")


@pytest.fixture
def org(db):
    call_command("demo", size=600, seed=11, verbosity=0)
    # The demo holds a running round of its own, which every amend would change too: these
    # tests make the rounds they amend themselves.
    demo_items = list(Session.objects.values_list("item_id", flat=True))
    Round.objects.all().delete()
    PlannedItem.objects.filter(pk__in=demo_items).delete()
    return User.objects.get(email__startswith="kantoor@")


def _round(office, *, mode="mixed", schedule=False, ends_in=150) -> Round:
    today = timezone.localdate()
    round_ = Round.objects.create(
        name="Lopende ronde",
        mode=mode,
        starts_on=today - timedelta(days=100),
        ends_on=today + timedelta(days=ends_in),
    )
    rounds.round_propose(round_=round_, by=office)
    rounds.round_publish(round_=round_, by=office, accept_broken=True)
    round_.refresh_from_db()
    if schedule:  # planned when the round began, so some sessions have been held by now
        began = datetime.combine(round_.starts_on - timedelta(days=1), time(9), ZONE)
        with time_machine.travel(began, tick=False):
            planning.round_schedule(round_=round_, by=office)
    return round_


def _groups(round_: Round) -> dict[int, set[str]]:
    return {
        g.pk: set(g.memberships.values_list("person__employee_number", flat=True))
        for g in round_.groups.filter(dissolved_at__isnull=True)
    }


def _home(round_: Round, number: str) -> Group:
    return Group.objects.get(round=round_, memberships__person__employee_number=number)


def _new_team_leader(department: Unit, number: str) -> Person:
    team = Unit.objects.create(
        code=f"T{number}", name=f"Team {number}", kind=UnitKind.TEAM, parent=department
    )
    team.head = make_person(number, "Nieuwe", f"Leider{number}", team)
    team.save(update_fields=["head"])
    return team.head


def _leave(*people: Person) -> None:
    for person in people:
        person.active = False
        person.save(update_fields=["active"])


def _mails(user, method: str = "") -> OutboxMessage:
    return OutboxMessage.objects.filter(recipient=user, ics_method=method)


def test_a_new_manager_is_placed_without_moving_anyone_else(org):
    round_ = _round(org)
    before = _groups(round_)
    department = Unit.objects.filter(kind=UnitKind.DEPARTMENT, head__isnull=False).first()
    newcomer = _new_team_leader(department, "8001")

    result = round_amend(round_=round_, by=org)

    assert (result.joined, result.left, result.moved) == (["8001"], [], [])
    after = _groups(round_)
    assert all(members <= after[pk] for pk, members in before.items())
    home = _home(round_, "8001")
    assert result.changed_groups == [home.name] and result.new_groups == []
    assert department.head.employee_number not in after[home.pk]  # mixed: not with own boss
    assert home.name in _mails(newcomer.user).get().body_text  # told which group
    event = AuditEvent.objects.get(action="intervision.round_amend")
    assert (event.actor, event.changes["joined"]) == (org, ["8001"])
    # A second amend finds nothing to do and records nothing.
    assert not round_amend(round_=round_, by=org).changed
    assert AuditEvent.objects.filter(action="intervision.round_amend").count() == 1


def test_a_leaver_leaves_their_group_and_their_past_attendance_stays(org):
    round_ = _round(org, schedule=True)
    now = timezone.now()
    group = max(Group.objects.filter(round=round_), key=lambda g: g.memberships.count())
    leaver = group.memberships.order_by("person__employee_number").first().person
    past = group.sessions.filter(item__starts_at__lt=now).first()
    AttendanceRecord.objects.create(session=past, person=leaver, presence="absent")
    _leave(leaver)

    result = round_amend(round_=round_, by=org)

    assert result.left == [leaver.employee_number]
    assert result.changed_groups == [group.name]
    assert not Membership.objects.filter(person=leaver).exists()
    assert AttendanceRecord.objects.filter(session=past, person=leaver).exists()
    assert past.item.attendances.filter(user=leaver.user).exists()  # the held session as it was
    future = group.sessions.filter(item__starts_at__gt=now)
    assert future.exists()
    assert not future.filter(item__attendances__user=leaver.user).exists()


def test_someone_who_now_sits_with_their_own_new_manager_is_placed_elsewhere(org):
    round_ = _round(org)
    before = _groups(round_)
    leader, boss = _pair_to_bring_together(before)
    group = _home(round_, leader.employee_number)
    # The leader's team moves into the boss's department: the boss is now their manager.
    team = leader.headed_units.get()
    team.parent = boss.headed_units.get(kind=UnitKind.DEPARTMENT)
    team.save(update_fields=["parent"])
    assert Person.objects.get(pk=leader.pk).manager() == boss

    result = round_amend(round_=round_, by=org)

    # One of the two is taken out (the engine may take either) and placed elsewhere; nobody
    # else moves.
    [mover] = result.moved
    assert mover in (leader.employee_number, boss.employee_number)
    assert result.joined == result.left == []
    after = _groups(round_)
    new_home = _home(round_, mover)
    assert new_home != group
    assert after[group.pk] == before[group.pk] - {mover}
    assert after[new_home.pk] == before[new_home.pk] | {mover}
    assert _home(round_, leader.employee_number) != _home(round_, boss.employee_number)
    told = Person.objects.get(employee_number=mover).user
    assert new_home.name in _mails(told).last().body_text


def _pair_to_bring_together(groups: dict[int, set[str]]) -> tuple[Person, Person]:
    """A team leader and the head of another department in one group, where both would fit
    in another group without anyone they may not sit with once the head is the leader's
    manager."""
    people, _ = rounds.participants()
    boss_of = {p.id: p.manager for p in people}

    def fits_elsewhere(number: str, also: str, home: int) -> bool:
        apart = {n for n, b in boss_of.items() if b == number} | {boss_of[number], also}
        return any(
            len(members) < 8 and not members & apart for pk, members in groups.items() if pk != home
        )

    for pk, members in sorted(groups.items()):
        for m in Membership.objects.filter(group_id=pk).select_related("person"):
            for boss in Person.objects.filter(
                employee_number__in=members, headed_units__kind=UnitKind.DEPARTMENT
            ):
                leader = m.person
                if (
                    leader.headed_units.filter(kind=UnitKind.TEAM).count() == 1
                    and leader.headed_units.count() == 1
                    and boss_of[leader.employee_number] != boss.employee_number
                    and fits_elsewhere(boss.employee_number, leader.employee_number, pk)
                    and fits_elsewhere(leader.employee_number, boss.employee_number, pk)
                ):
                    return leader, boss
    raise AssertionError("no such pair in the demo organisation")


def test_a_group_below_the_minimum_is_fixed(org):
    round_ = _round(org)
    group = Group.objects.filter(round=round_).order_by("pk").first()
    members = [m.person for m in group.memberships.order_by("person__employee_number")]
    gone = members[3:]
    _leave(*gone)

    result = round_amend(round_=round_, by=org)

    assert result.left == sorted(p.employee_number for p in gone)
    assert all(4 <= len(m) <= 8 for m in _groups(round_).values())
    placed = {n for m in _groups(round_).values() for n in m}
    assert {p.employee_number for p in members[:3]} <= placed
    # Dissolved into the others (never met: removed), or topped up from them.
    assert result.deleted_groups == [group.name] or len(_groups(round_)[group.pk]) == 4


def test_a_dissolved_group_keeps_its_held_sessions_and_its_future_ones_are_cancelled(org):
    round_ = _round(org, schedule=True)
    now = timezone.now()
    group = Group.objects.filter(round=round_, sessions__isnull=False).order_by("pk").first()
    members = [m.person for m in group.memberships.all()]
    held = list(group.sessions.filter(item__starts_at__lt=now))
    AttendanceRecord.objects.create(session=held[0], person=members[0], presence="present")
    sessions = group.sessions.count()
    _leave(*members)

    result = round_amend(round_=round_, by=org)

    group.refresh_from_db()
    assert result.dissolved_groups == [group.name]
    assert group.dissolved_at is not None
    assert group.sessions.count() == sessions
    assert all(s.item.status == ItemStatus.PLANNED for s in held)
    future = group.sessions.filter(item__starts_at__gt=now)
    assert future.exists()
    assert set(future.values_list("item__status", flat=True)) == {ItemStatus.CANCELLED}
    assert AttendanceRecord.objects.filter(session=held[0], person=members[0]).exists()
    assert _mails(group.facilitator, "CANCEL").count() == future.count()
    # A dissolved group is left alone from now on.
    assert not round_amend(round_=round_, by=org).changed


def test_future_sessions_invite_the_newcomer_and_cancel_for_who_left(org):
    round_ = _round(org, schedule=True)
    team = next(
        u
        for u in Unit.objects.filter(kind=UnitKind.TEAM, head__isnull=False)
        if u.head.headed_units.count() == 1
    )
    old = team.head
    team.head = make_person("8002", "Nieuwe", "Teamleider", team)
    team.save(update_fields=["head"])

    result = round_amend(round_=round_, by=org)

    assert (result.joined, result.left) == (["8002"], [old.employee_number])
    assert old.active and old.user.is_active  # still works here, no longer leads a team
    home = _home(round_, "8002")
    future = home.sessions.filter(item__starts_at__gt=timezone.now())
    assert future.count() == _mails(team.head.user, "REQUEST").count() > 0
    assert future.filter(item__attendances__user=team.head.user).count() == future.count()
    assert _mails(old.user, "CANCEL").count() > 0
    assert home.name in _mails(team.head.user).get().body_text


def test_an_ended_round_is_not_touched(org):
    ended = _round(org, ends_in=-1)
    before = _groups(ended)
    department = Unit.objects.filter(kind=UnitKind.DEPARTMENT, head__isnull=False).first()
    _new_team_leader(department, "8003")

    assert rounds_amend_running(by=org) == []
    assert not round_amend(round_=ended, by=org).changed
    assert _groups(ended) == before
    assert not AuditEvent.objects.filter(action="intervision.round_amend").exists()


def test_a_draft_round_follows_too_but_tells_nobody_yet(org):
    round_ = _round(org)
    round_.status = "draft"
    round_.save(update_fields=["status"])
    department = Unit.objects.filter(kind=UnitKind.DEPARTMENT, head__isnull=False).first()
    newcomer = _new_team_leader(department, "8004")

    [result] = rounds_amend_running(by=org)

    assert result.joined == ["8004"]
    assert not _mails(newcomer.user).exists()


# --- through the HR import -----------------------------------------------------------------


@pytest.fixture
def cast_round(cast):
    """The cast's three managers in one structured group, published."""
    round_ = _round(cast.office, mode="structured")
    assert list(_groups(round_).values()) == [{"1001", "1002", "1003"}]
    return round_


def _file_with_a_new_team() -> list[list[str]]:
    new_team = ["TEAM2", "Team Loket", "AFD1", "team"]
    return cast_rows() + [
        ["2002", "Nora", "", "Nieuw", "nora.nieuw@example.org", *new_team, "1002"],
        ["2003", "Omar", "", "Mede", "omar.mede@example.org", *new_team, "2002"],
    ]


def test_the_hr_import_command_places_a_new_team_leader(cast, cast_round, tmp_path, capsys):
    path = tmp_path / "hr.csv"
    path.write_bytes(csv_bytes(CAST_HEADERS, _file_with_a_new_team()))

    call_command("import_hr", str(path))

    # Structured: the new team leader joins their own department's group.
    assert _groups(cast_round) == {_home(cast_round, "1003").pk: {"1001", "1002", "1003", "2002"}}
    event = AuditEvent.objects.get(action="intervision.round_amend")
    assert event.actor is None and event.changes["joined"] == ["2002"]
    assert _changed_line(1) in capsys.readouterr().out


def test_the_import_page_says_how_many_groups_changed(
    cast, cast_round, client_as, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_as("office")
    data = csv_bytes(CAST_HEADERS, _file_with_a_new_team())
    response = client.post(
        reverse("organisation:import_upload"), {"file": SimpleUploadedFile("hr.csv", data)}
    )
    token = response["Location"].rstrip("/").split("/")[-2]
    form = {f"col_{i}": value for i, value in enumerate(CAST_FIELDS)}
    client.post(reverse("organisation:import_mapping", args=[token]), form)
    response = client.post(reverse("organisation:import_apply", args=[token]), follow=True)

    assert _changed_line(1) in response.content.decode()
    assert "2002" in _groups(cast_round)[_home(cast_round, "1003").pk]
    assert AuditEvent.objects.get(action="intervision.round_amend").actor == cast.office


def _changed_line(count: int) -> str:
    with translation.override("nl"):
        return ngettext(
            "Intervision: %(count)s group changed to follow the new organisation.",
            "Intervision: %(count)s groups changed to follow the new organisation.",
            count,
        ) % {"count": count}


def test_newcomers_without_room_get_a_new_group_that_waits_for_planning(org):
    round_ = _round(org, schedule=True)
    room = sum(8 - len(members) for members in _groups(round_).values())
    department = Unit.objects.filter(kind=UnitKind.DEPARTMENT, head__isnull=False).first()
    newcomers = [_new_team_leader(department, f"81{k:02}") for k in range(room + 4)]

    result = round_amend(round_=round_, by=org)

    assert sorted(result.joined) == sorted(p.employee_number for p in newcomers)
    [name] = result.new_groups
    assert result.unplanned_groups == [name]
    group = Group.objects.get(round=round_, name=name)
    assert not group.sessions.exists()
    assert name.split(" ")[0] == str(len(_groups(round_)))  # numbered on after the others
    assert all(4 <= len(m) <= 8 for m in _groups(round_).values())
    if group.facilitator is not None:
        assert name in _mails(group.facilitator).last().body_text


def test_the_engines_groups_are_matched_to_the_stored_ones_in_order():
    from navolging.intervision.amend import _match

    before = [{"a", "b", "c"}, {"d", "e"}, {"f", "g", "h"}]
    # The second group emptied (its people left or moved), a new one came at the end.
    assert _match(before, [["a", "b", "d"], ["f", "g", "e"], ["x", "y"]]) == [0, 2, None]
    # The first emptied and was filled with newcomers only: it is kept, not replaced.
    assert _match(before, [["x", "y"], ["d", "e"], ["f", "g", "h"]]) == [0, 1, 2]
    # Topped up from a later group: still matched in order, not taken for that group.
    assert _match(before, [["a", "b"], ["d", "g", "h"], ["f", "c"]]) == [0, 1, 2]
    assert _match(before, [["a", "b", "c"], ["d", "e"], ["f", "g", "h"]]) == [0, 1, 2]


def test_a_dissolved_group_no_longer_counts_for_its_facilitators_limit(cast):
    FacilitatorProfile.objects.create(user=cast.trainer, max_groups=1)
    round_ = Round.objects.create(
        name="2027",
        mode="mixed",
        starts_on=datetime(2027, 1, 11).date(),
        ends_on=datetime(2027, 7, 2).date(),
        status="published",
    )
    Group.objects.create(
        round=round_, name="1", facilitator=cast.trainer, dissolved_at=timezone.now()
    )
    new = Group.objects.create(round=round_, name="2")

    assert rounds.facilitators_assign(round_=round_) == 0
    new.refresh_from_db()
    assert new.facilitator == cast.trainer
