"""Attendance: recorded by the facilitator, seen only by the member, the facilitator, the
programme office and (if the organisation turns it on) the member's own manager (R17)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from navolging.accounts.models import User
from navolging.audit.models import AuditEvent
from navolging.intervision import selectors
from navolging.intervision.models import (
    AttendanceRecord,
    Group,
    IntervisionSettings,
    Membership,
    Round,
    Session,
)
from navolging.intervision.services import NotAMember, attendance_set
from navolging.lib.testing import make_person
from navolging.notifications.models import Attendance, ItemKind, PlannedItem

START = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def group(cast):
    """The department MT as a published group, facilitated by the cast's trainer, with a
    third session planned."""
    extra = make_person("1010", "Sanne", "Visser", cast.department)
    round_ = Round.objects.create(
        name="2027 eerste helft",
        mode="structured",
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 6, 30),
        status="published",
    )
    group = Group.objects.create(round=round_, name="MT Burgerzaken", facilitator=cast.trainer)
    members = [cast.manager, cast.team_leader, cast.director, extra]
    Membership.objects.bulk_create(Membership(group=group, person=p) for p in members)
    for number in (1, 2, 3):
        starts = START + dt.timedelta(weeks=7 * (number - 1))
        item = PlannedItem.objects.create(
            kind=ItemKind.INTERVISION,
            title=group.name,
            obligation=True,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
        )
        Attendance.objects.bulk_create(
            [Attendance(item=item, user=p.user) for p in members]
            + [Attendance(item=item, user=cast.trainer)]
        )
        Session.objects.create(group=group, item=item, number=number)
    return group


def _session(group, number):
    return group.sessions.get(number=number)


def test_the_facilitator_records_attendance_and_every_change_is_audited(cast, group, client_as):
    session = _session(group, 1)
    url = reverse("intervision:session_attendance", args=[session.pk])
    client = client_as("trainer")
    assert client.get(url).status_code == 200
    data = {f"person_{m.person_id}": "present" for m in group.memberships.all()}
    data[f"person_{cast.team_leader.pk}"] = "excused"
    assert client.post(url, data).status_code == 302
    assert AttendanceRecord.objects.filter(session=session).count() == 4
    assert AttendanceRecord.objects.get(session=session, person=cast.team_leader).presence == (
        "excused"
    )
    assert AuditEvent.objects.filter(action="intervision.attendance").count() == 4
    # Saving the same again changes nothing and records nothing.
    client.post(url, data)
    assert AuditEvent.objects.filter(action="intervision.attendance").count() == 4
    data[f"person_{cast.team_leader.pk}"] = "absent"
    client.post(url, data)
    event = AuditEvent.objects.filter(action="intervision.attendance").first()
    assert event.changes["presence"] == ["excused", "absent"]


def test_another_trainer_cannot_reach_the_session(cast, group, client_as):
    other = User.objects.create_user("ander@example.org", is_trainer=True)
    client = client_as("trainer")
    client.force_login(other)
    url = reverse("intervision:session_attendance", args=[_session(group, 1).pk])
    assert client.get(url).status_code == 404


def test_only_members_can_be_recorded(cast, group):
    with pytest.raises(NotAMember):
        attendance_set(
            session=_session(group, 1),
            presence_by_person={cast.employee.pk: "present"},
            by=cast.trainer,
        )


def _record(group, cast, number, presence_by_person):
    attendance_set(
        session=_session(group, number), presence_by_person=presence_by_person, by=cast.trainer
    )


def test_who_sees_attendance(cast, group, settings):
    _record(group, cast, 1, {cast.team_leader.pk: "absent", cast.manager.pk: "present"})
    seen = {
        role: set(
            selectors.attendance_visible_to(cast.user(role)).values_list("person_id", flat=True)
        )
        for role in (
            "team_leader",
            "manager",
            "director",
            "trainer",
            "office",
            "employee",
            "outsider",
            "as_adviser",
        )
    }
    assert seen["team_leader"] == {cast.team_leader.pk}  # only their own
    assert seen["manager"] == {cast.manager.pk}  # not their team leader's: not turned on
    assert seen["trainer"] == seen["office"] == {cast.team_leader.pk, cast.manager.pk}
    assert seen["employee"] == seen["outsider"] == seen["as_adviser"] == set()
    IntervisionSettings.objects.create(pk=1, tell_manager=True)
    seen_now = set(
        selectors.attendance_visible_to(cast.manager.user).values_list("person_id", flat=True)
    )
    assert seen_now == {cast.manager.pk, cast.team_leader.pk}  # their own report, now


def test_two_absences_in_a_row_and_low_attendance_are_flagged(cast, group, client_as):
    _record(
        group,
        cast,
        1,
        {cast.team_leader.pk: "absent", cast.manager.pk: "present", cast.director.pk: "excused"},
    )
    _record(
        group,
        cast,
        2,
        {cast.team_leader.pk: "absent", cast.manager.pk: "present", cast.director.pk: "present"},
    )
    flags = {f["person"].pk: f for f in selectors.attendance_flags()}
    assert flags[cast.team_leader.pk]["two_in_a_row"]
    assert not flags[cast.director.pk]["two_in_a_row"]  # excused is not absent
    assert flags[cast.director.pk]["share"] == 50  # below the 75% default
    assert cast.manager.pk not in flags
    body = client_as("office").get(reverse("intervision:attendance_overview")).content.decode()
    assert "Fatima Amrani" in body


def test_a_member_sees_their_group_sessions_and_own_attendance(cast, group, client_as):
    _record(group, cast, 1, {cast.team_leader.pk: "excused", cast.manager.pk: "absent"})
    body = client_as("team_leader").get(reverse("intervision:my_group")).content.decode()
    assert "MT Burgerzaken" in body and "Tamara Trainer" in body
    assert "Afgemeld" in body  # their own record
    assert "Afwezig" not in body  # not the manager's
    # Each session links its page and its invite as an .ics download, which the member may get.
    item = _session(group, 1).item
    assert reverse("notifications:item", args=[item.uid]) in body
    ics = reverse("notifications:item_ics", args=[item.uid])
    assert ics in body
    download = client_as("team_leader").get(ics)
    assert download.status_code == 200 and f"UID:{item.uid}@navolging" in download.text


def test_a_draft_round_is_not_shown_to_members(cast, group, client_as):
    Round.objects.update(status="draft")
    body = client_as("team_leader").get(reverse("intervision:my_group")).content.decode()
    assert "MT Burgerzaken" not in body


def test_a_manager_hears_of_their_own_people_only_when_turned_on(cast, group, client_as):
    _record(group, cast, 1, {cast.team_leader.pk: "absent"})
    _record(group, cast, 2, {cast.team_leader.pk: "absent"})
    url = reverse("intervision:my_group")
    assert "Twee keer achter elkaar afwezig" not in client_as("manager").get(url).content.decode()
    IntervisionSettings.objects.create(pk=1, tell_manager=True)
    assert "Twee keer achter elkaar afwezig" in client_as("manager").get(url).content.decode()
    # The director is not the team leader's own manager.
    assert "Twee keer achter elkaar afwezig" not in client_as("director").get(url).content.decode()
