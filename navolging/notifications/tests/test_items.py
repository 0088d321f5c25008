"""Planned items become calendar invites that Outlook understands (SECURITY R12)."""

from __future__ import annotations

import pytest
from django.db import transaction

from navolging.audit.models import AuditEvent
from navolging.notifications import services
from navolging.notifications.models import ItemKind, ItemStatus, OutboxMessage

from .helpers import at, attendee_emails, event_of, everything_in, ics_of

SECRET = "GEHEIM-burn-out-klacht-Xq7"


def plan(cast, **extra):
    values = {
        "kind": ItemKind.FOLLOWUP,
        "title": "Terugkomdag team Balie",
        "starts_at": at(10, 14),
        "ends_at": at(10, 16),
        "attendees": [cast.employee.user, cast.team_leader.user],
        "by": cast.office,
        "location": "Stadhuis, zaal 2",
    }
    return services.item_plan(**{**values, **extra})


def test_it_sends_each_attendee_a_request_in_amsterdam_time(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = plan(cast)

    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [cast.employee.user.email, cast.team_leader.user.email]
    )
    calendar = ics_of(mailoutbox[0])
    assert calendar["method"] == "REQUEST"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "Europe/Amsterdam"
    event = event_of(mailoutbox[0])
    assert str(event["uid"]) == f"{item.uid}@navolging"
    assert event["sequence"] == 0
    assert event["dtstart"].params["TZID"] == "Europe/Amsterdam"
    assert event["dtstart"].dt == at(10, 14)
    assert str(event["summary"]) == "Terugkomdag team Balie"
    assert attendee_emails(event) == {cast.employee.user.email, cast.team_leader.user.email}
    assert cast.manager.user.email not in everything_in(mailoutbox[0])


def test_the_invite_is_attached_the_way_outlook_expects(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan(cast, attendees=[cast.employee.user])

    raw = mailoutbox[0].message().as_string()
    assert 'Content-Type: text/calendar; charset="utf-8"; method="REQUEST"' in raw
    assert 'filename="invite.ics"' in raw
    assert "text/html" in raw


def test_moving_keeps_the_uid_and_raises_the_sequence(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = plan(cast, attendees=[cast.employee.user])
        services.item_move(item=item, starts_at=at(11, 9), ends_at=at(11, 10), by=cast.office)

    first, update = event_of(mailoutbox[0]), event_of(mailoutbox[1])
    assert ics_of(mailoutbox[1])["method"] == "REQUEST"
    assert update["uid"] == first["uid"]
    assert update["sequence"] == first["sequence"] + 1
    assert update["dtstart"].dt == at(11, 9)
    event = AuditEvent.objects.get(action="planned_item.move")
    assert event.changes["starts_at"] == [at(10, 14).isoformat(), at(11, 9).isoformat()]


def test_moving_to_the_same_time_sends_nothing(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    item = plan(cast, attendees=[cast.employee.user])
    with django_capture_on_commit_callbacks(execute=True):
        services.item_move(item=item, starts_at=at(10, 14), ends_at=at(10, 16), by=cast.office)

    assert mailoutbox == []


def test_cancelling_sends_a_cancel_with_a_higher_sequence(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = plan(cast, attendees=[cast.employee.user])
        services.item_cancel(item=item, by=cast.office)
        services.item_cancel(item=item, by=cast.office)  # twice: nothing more

    assert len(mailoutbox) == 2
    assert ics_of(mailoutbox[1])["method"] == "CANCEL"
    event = event_of(mailoutbox[1])
    assert event["status"] == "CANCELLED"
    assert event["uid"] == event_of(mailoutbox[0])["uid"]
    assert event["sequence"] == 1
    item.refresh_from_db()
    assert item.status == ItemStatus.CANCELLED
    with pytest.raises(ValueError):
        services.item_move(item=item, starts_at=at(12, 9), ends_at=at(12, 10), by=cast.office)


def test_people_taken_off_get_a_cancel_and_newcomers_an_invite(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    employee, leader, trainer = cast.employee.user, cast.team_leader.user, cast.trainer
    with django_capture_on_commit_callbacks(execute=True):  # planned and sent earlier
        item = plan(cast, attendees=[employee, leader])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.item_attendees_set(item=item, attendees=[employee, trainer], by=cast.office)

    by_person = {m.to[0]: m for m in mailoutbox}
    assert set(by_person) == {leader.email, trainer.email}  # the one who stays is not mailed
    removed = by_person[leader.email]
    assert ics_of(removed)["method"] == "CANCEL"
    assert attendee_emails(event_of(removed)) == {leader.email}
    added = event_of(by_person[trainer.email])
    assert attendee_emails(added) == {employee.email, trainer.email}
    assert added["sequence"] == 1
    assert "U doet niet meer mee aan deze afspraak" in removed.body


def test_a_confidential_item_leaks_nothing(cast, mailoutbox, django_capture_on_commit_callbacks):
    employee, coach = cast.employee.user, cast.trainer
    with django_capture_on_commit_callbacks(execute=True):
        item = services.item_plan(
            kind=ItemKind.CONSULT,
            title=f"Gesprek over {SECRET}",
            description=f"Onderwerp: {SECRET}, zie ook {cast.manager.full_name}",
            starts_at=at(5, 10),
            ends_at=at(5, 11),
            attendees=[employee, coach],
            organiser=cast.manager.user,  # planned by someone who does not take part
            by=cast.manager.user,
            confidential=True,
        )
        services.item_move(item=item, starts_at=at(6, 10), ends_at=at(6, 11), by=coach)
        services.item_attendees_set(item=item, attendees=[employee], by=coach)
        services.item_cancel(item=item, by=employee)

    assert len(mailoutbox) == 6  # two invites, two updates, the coach taken off, the cancel
    for message in mailoutbox:
        everything = everything_in(message)
        assert SECRET not in everything
        assert cast.manager.full_name not in everything
        assert cast.manager.user.email not in everything
        assert set(message.to) <= {employee.email, coach.email}
        assert message.cc == [] and message.bcc == []
        assert "Afspraak" in message.subject
        event = event_of(message)
        assert str(event["summary"]) == "Afspraak"
        assert event["class"] == "PRIVATE"
        assert "description" not in event
        assert attendee_emails(event) <= {employee.email, coach.email}
        assert str(item.uid) in str(event["url"])
    assert OutboxMessage.objects.filter(confidential=False).count() == 0
    trail = str(list(AuditEvent.objects.values_list("object_label", "changes")))
    assert SECRET not in trail
    assert "Gesprek" not in trail


def test_the_html_part_escapes_what_people_typed(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan(cast, title="<script>alert(1)</script> & co", attendees=[cast.employee.user])

    html = mailoutbox[0].alternatives[0].content
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<script>alert(1)</script> & co" in mailoutbox[0].body  # plain text stays plain
    assert mailoutbox[0].subject.startswith("Uitnodiging: <script>")


def test_it_writes_in_the_recipients_language(cast, mailoutbox, django_capture_on_commit_callbacks):
    english = cast.trainer
    english.language = "en"
    english.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        plan(cast, kind=ItemKind.CONSULT, title="", attendees=[english, cast.employee.user])

    by_person = {m.to[0]: m for m in mailoutbox}
    assert by_person[english.email].subject == "Invitation: Appointment with a coach"
    assert "Dear Tamara Trainer," in by_person[english.email].body
    assert str(event_of(by_person[english.email])["summary"]) == "Appointment with a coach"
    dutch = by_person[cast.employee.user.email]
    assert dutch.subject == "Uitnodiging: Afspraak met een coach"
    assert dutch.body.startswith("Beste Jan van den Berg,")


def test_the_trail_records_plan_move_cancel_and_attendees(cast):
    item = plan(cast, attendees=[cast.employee.user])
    services.item_attendees_set(item=item, attendees=[cast.team_leader.user], by=cast.office)
    services.item_cancel(item=item, by=cast.office)

    actions = set(
        AuditEvent.objects.filter(object_id=str(item.pk)).values_list("action", flat=True)
    )
    assert actions == {"planned_item.plan", "planned_item.attendees", "planned_item.cancel"}


def test_an_item_must_end_after_it_starts(cast):
    with pytest.raises(ValueError):
        plan(cast, starts_at=at(10, 14), ends_at=at(10, 14))


def test_one_action_sends_its_mail_in_one_batch_and_leaves_a_large_rest_to_the_queue(
    cast, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "SEND_AT_ONCE", 3)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for hour in (9, 11, 13):  # 3 items x 2 attendees: 6 messages in one transaction
            plan(cast, starts_at=at(10, hour), ends_at=at(10, hour + 1))

    assert len(callbacks) == 6  # one per message, but the first sends them all, in one go
    assert len(mailoutbox) == 3  # of six: no more than SEND_AT_ONCE while the user waits
    assert OutboxMessage.objects.filter(status="queued").count() == 3
    assert services.outbox_deliver(messages=services.outbox_due()) == 3  # the queue run
    assert len(mailoutbox) == 6


def test_mail_of_an_action_that_is_rolled_back_is_never_sent(
    cast, mailoutbox, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(services, "SEND_AT_ONCE", 1)  # the rolled-back mail takes no turn
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                plan(cast)
                raise RuntimeError("something after the invites failed")
        except RuntimeError:
            pass
        plan(cast, attendees=[cast.manager.user])

    assert [m.to[0] for m in mailoutbox] == [cast.manager.user.email]
    assert OutboxMessage.objects.count() == 1
