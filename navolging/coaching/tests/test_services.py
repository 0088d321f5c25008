from __future__ import annotations

import pytest
from django.db import connection

from navolging.audit.models import AuditEvent
from navolging.coaching import services
from navolging.coaching.models import Consult, ConsultStatus
from navolging.coaching.services import CoachingError
from navolging.notifications.models import OutboxMessage, PlannedItem

from .helpers import ask, assign, make_coach, soon

SECRET = "Mijn leidinggevende roept steeds tegen mij"


@pytest.fixture
def coach(cast):
    coach = make_coach()
    assign(cast.team, coach)
    return coach


def test_the_message_is_not_plain_text_in_the_database(cast, coach):
    consult = ask(cast.employee, coach, message=SECRET, preferred_times="dinsdagmiddag")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT message, preferred_times FROM coaching_consult WHERE id = %s",
            [consult.pk.hex if connection.vendor == "sqlite" else consult.pk],
        )
        stored_message, stored_times = cursor.fetchone()
    assert SECRET not in stored_message and "leidinggevende" not in stored_message
    assert "dinsdag" not in stored_times
    assert Consult.objects.get(pk=consult.pk).message == SECRET


def test_a_consult_runs_from_request_to_close_with_neutral_mail(cast, coach):
    before = OutboxMessage.objects.count()
    consult = ask(cast.employee, coach, message=SECRET)
    start, end = soon()
    services.consult_propose(consult=consult, starts_at=start, ends_at=end, by=coach)
    services.consult_accept(consult=consult, by=cast.employee.user)
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.PLANNED
    assert consult.item.confidential
    assert set(consult.item.attendances.values_list("user_id", flat=True)) == {
        coach.pk,
        cast.employee.user_id,
    }
    mails = list(OutboxMessage.objects.order_by("pk")[before:])
    # The coach hears of the request and gets the invite; the requester the proposal and invite.
    assert sorted(m.recipient_id for m in mails) == sorted(
        [coach.pk, coach.pk, cast.employee.user_id, cast.employee.user_id]
    )
    for mail in mails:
        assert mail.confidential
        assert "afspraak" in mail.subject.lower() or "appointment" in mail.subject.lower()
        for text in (mail.subject, mail.body_text, mail.body_html, mail.ics):
            assert SECRET not in text
            assert "Balie" not in text  # not even the team
    events = AuditEvent.objects.filter(object_type="coaching.consult")
    assert events and all(e.confidential for e in events)
    assert not AuditEvent.objects.listable().filter(object_id=str(consult.pk))
    services.consult_close(consult=consult, by=coach)
    consult.refresh_from_db()
    assert consult.status == ConsultStatus.CLOSED and consult.closed_at


def test_only_the_coach_plans_and_only_the_requester_accepts(cast, coach):
    consult = ask(cast.employee, coach)
    start, end = soon()
    with pytest.raises(CoachingError):
        services.consult_plan(consult=consult, starts_at=start, ends_at=end, by=cast.manager.user)
    services.consult_propose(consult=consult, starts_at=start, ends_at=end, by=coach)
    with pytest.raises(CoachingError):
        services.consult_accept(consult=consult, by=coach)


def test_withdrawing_deletes_the_consult_and_its_appointment(cast, coach):
    consult = ask(cast.employee, coach, message=SECRET)
    start, end = soon()
    services.consult_plan(consult=consult, starts_at=start, ends_at=end, by=coach)
    services.consult_withdraw(consult=consult, by=cast.employee.user)
    assert not Consult.objects.exists()
    assert not PlannedItem.objects.exists()


def test_a_coach_from_outside_the_team_needs_a_reason_and_capacity_holds(cast):
    other = make_coach("other@example.org", capacity=1)
    with pytest.raises(CoachingError) as refused:
        services.coach_assign(team=cast.team, coach=other, by=cast.office)
    assert refused.value.code == "reason_needed"
    services.coach_assign(team=cast.team, coach=other, by=cast.office, reason="Kent het team")
    from navolging.organisation.models import Unit, UnitKind

    second = Unit.objects.create(code="T2", name="Team Twee", kind="team", parent=cast.department)
    assert second.kind == UnitKind.TEAM
    with pytest.raises(CoachingError) as full:
        services.coach_assign(team=second, coach=other, by=cast.office, reason="x")
    assert full.value.code == "over_capacity"
