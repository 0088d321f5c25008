"""My agenda, my choices, one planned item, and the outbox as the programme office sees it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from navolging.audit.models import AuditEvent
from navolging.notifications.models import (
    Attendance,
    CalendarFeed,
    MailStatus,
    NotificationPreference,
    OutboxMessage,
    PlannedItem,
)

SECRET = "Moeilijk gesprek met Kees over zijn gedrag"  # must never reach the office


def _item(*attendees, title="Intervisie MT Burgerzaken", days=3, **fields) -> PlannedItem:
    starts_at = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(days=days)
    item = PlannedItem.objects.create(
        kind=fields.pop("kind", "intervision"),
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        **fields,
    )
    for user in attendees:
        Attendance.objects.create(item=item, user=user)
    return item


def _everything_audited() -> str:
    return json.dumps(
        [
            [e.action, e.object_type, e.object_id, e.object_label, e.changes]
            for e in AuditEvent.objects.all()
        ]
    )


# --- My agenda ------------------------------------------------------------------------------


def test_my_agenda_shows_my_items_and_not_those_of_others(cast, client_as):
    _item(cast.employee.user, title="Teamdag met de coach")
    _item(cast.outsider.user, title="Intervisie Belastingen")

    page = client_as("employee").get(reverse("notifications:agenda")).content.decode()

    assert "Teamdag met de coach" in page
    assert "Intervisie Belastingen" not in page


def test_my_agenda_and_my_page_are_in_the_menu_and_linked(cast, client_as):
    client = client_as("employee")
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("notifications:agenda")}"' in home
    assert reverse("notifications:outbox") not in home  # for the programme office only
    office_home = client_as("office").get(reverse("home")).content.decode()
    assert reverse("notifications:outbox") in office_home


def test_without_a_feed_the_page_offers_to_make_one(cast, client_as):
    page = client_as("employee").get(reverse("notifications:agenda")).content.decode()
    assert reverse("notifications:feed_renew") in page
    assert reverse("notifications:feed_revoke") not in page
    assert not CalendarFeed.objects.exists()  # looking makes nothing


def test_making_the_feed_shows_its_address_and_is_audited_without_the_token(cast, client_as):
    client = client_as("employee")

    response = client.post(reverse("notifications:feed_renew"))

    assert response.status_code == 302
    feed = CalendarFeed.objects.get(user=cast.employee.user)
    page = client.get(reverse("notifications:agenda")).content.decode()
    assert reverse("notifications:feed", args=[feed.token]) in page
    assert "webcal://" in page
    event = AuditEvent.objects.get(action="calendar_feed.create")
    assert event.actor == cast.employee.user
    assert feed.token not in _everything_audited()


def test_renewing_stops_the_old_address_and_is_audited_without_either_token(cast, client_as):
    old = CalendarFeed.objects.create(user=cast.employee.user)

    client_as("employee").post(reverse("notifications:feed_renew"))

    old.refresh_from_db()
    new = CalendarFeed.objects.get(user=cast.employee.user, revoked_at__isnull=True)
    assert old.revoked_at is not None and new.pk != old.pk
    assert AuditEvent.objects.filter(action="calendar_feed.renew").count() == 1
    audited = _everything_audited()
    assert old.token not in audited and new.token not in audited


def test_stopping_the_feed_is_audited_without_the_token(cast, client_as):
    feed = CalendarFeed.objects.create(user=cast.employee.user)

    client_as("employee").post(reverse("notifications:feed_revoke"))

    feed.refresh_from_db()
    assert feed.revoked_at is not None
    assert AuditEvent.objects.filter(action="calendar_feed.revoke").count() == 1
    assert feed.token not in _everything_audited()


def test_stopping_someone_elses_feed_is_not_possible(cast, client_as):
    theirs = CalendarFeed.objects.create(user=cast.outsider.user)
    client_as("employee").post(reverse("notifications:feed_revoke"))
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


# --- Preferences ----------------------------------------------------------------------------


def test_saving_my_choices_stores_them_and_records_the_change(cast, client_as):
    client = client_as("employee")
    client.get(reverse("notifications:agenda"))
    assert not NotificationPreference.objects.exists()  # reading writes nothing

    response = client.post(reverse("notifications:preferences"), {"mail_mode": "weekly"})

    assert response.status_code == 302
    preference = NotificationPreference.objects.get(user=cast.employee.user)
    assert preference.mail_mode == "weekly" and preference.invites is False
    event = AuditEvent.objects.get(action="notification_preference.update")
    assert event.actor == cast.employee.user
    assert event.changes == {"invites": [True, False], "mail_mode": ["per_event", "weekly"]}
    form = client.get(reverse("notifications:agenda")).context["form"]
    assert form.initial == {"mail_mode": "weekly", "invites": False}


def test_the_page_explains_that_invites_for_obligations_always_come(cast, client_as):
    user = cast.employee.user
    user.language = "en"
    user.save(update_fields=["language"])
    page = client_as("employee").get(reverse("notifications:agenda")).content.decode()
    assert "Invites for obligations such as intervision are always sent." in page


def test_a_wrong_choice_is_refused_and_nothing_is_stored(cast, client_as):
    response = client_as("employee").post(
        reverse("notifications:preferences"), {"mail_mode": "hourly", "invites": "on"}
    )
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()
    assert not AuditEvent.objects.filter(action="notification_preference.update").exists()


# --- One planned item -----------------------------------------------------------------------


def test_an_attendee_sees_the_item_with_the_others_taking_part(cast, client_as):
    item = _item(cast.employee.user, cast.team_leader.user, location="Zaal 4")

    response = client_as("employee").get(reverse("notifications:item", args=[item.uid]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Intervisie MT Burgerzaken" in page and "Zaal 4" in page
    assert cast.team_leader.full_name in page


def test_the_item_time_is_shown_in_amsterdam_time(cast, client_as):
    starts_at = dt.datetime(2026, 7, 1, 8, 0, tzinfo=dt.UTC)  # 10:00 summer time
    item = PlannedItem.objects.create(
        kind="followup", starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=2)
    )
    Attendance.objects.create(item=item, user=cast.employee.user)
    page = client_as("employee").get(reverse("notifications:item", args=[item.uid]))
    assert "10:00" in page.content.decode() and "12:00" in page.content.decode()


@pytest.mark.parametrize(
    "role", ["team_leader", "manager", "office", "admin", "trainer", "as_adviser", "outsider"]
)
def test_anyone_not_taking_part_gets_not_found(cast, client_as, role):
    item = _item(cast.employee.user, kind="consult", title=SECRET, confidential=True)
    response = client_as(role).get(reverse("notifications:item", args=[item.uid]))
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_an_attendee_sees_the_real_title_of_a_confidential_item_in_the_app(cast, client_as):
    item = _item(cast.employee.user, cast.trainer, kind="consult", title=SECRET, confidential=True)
    page = client_as("employee").get(reverse("notifications:item", args=[item.uid]))
    text = page.content.decode()
    assert SECRET in text
    assert "Afspraak" in text  # and is told how it shows outside the app
    assert page["Cache-Control"] == "no-store"


def test_the_item_page_needs_a_login(cast, client):
    item = _item(cast.employee.user)
    response = client.get(reverse("notifications:item", args=[item.uid]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_attendee_downloads_the_item_as_an_ics_file_with_the_invites_uid(cast, client_as):
    item = _item(cast.employee.user, cast.team_leader.user, location="Zaal 4")

    response = client_as("employee").get(reverse("notifications:item_ics", args=[item.uid]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith('attachment; filename="navolging-')
    body = response.content.decode()
    assert "METHOD:PUBLISH" in body and f"UID:{item.uid}@navolging" in body
    assert "Zaal 4" in body and "Intervisie MT Burgerzaken" in body
    page = client_as("employee").get(reverse("notifications:item", args=[item.uid]))
    assert reverse("notifications:item_ics", args=[item.uid]) in page.content.decode()


def test_a_confidential_items_file_carries_only_the_neutral_title(cast, client_as):
    item = _item(cast.employee.user, cast.trainer, kind="consult", title=SECRET, confidential=True)
    response = client_as("employee").get(reverse("notifications:item_ics", args=[item.uid]))
    body = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in body and cast.trainer.email not in body
    assert "CLASS:PRIVATE" in body


def test_every_read_of_a_confidential_item_is_recorded_out_of_the_offices_sight(cast, client_as):
    item = _item(cast.employee.user, cast.trainer, kind="consult", title=SECRET, confidential=True)
    client_as("employee").get(reverse("notifications:item", args=[item.uid]))
    client_as("trainer").get(reverse("notifications:item_ics", args=[item.uid]))
    reads = AuditEvent.objects.filter(object_id=str(item.pk), action__startswith="planned_item.")
    assert sorted((e.action, e.actor_id) for e in reads.exclude(action="planned_item.plan")) == [
        ("planned_item.download", cast.trainer.pk),
        ("planned_item.view", cast.employee.user_id),
    ]
    assert all(e.confidential for e in reads)
    assert not AuditEvent.objects.listable().filter(object_id=str(item.pk))
    assert SECRET not in str(list(reads.values()))
    # An item that is not confidential is not logged on every read.
    plain = _item(cast.employee.user)
    client_as("employee").get(reverse("notifications:item", args=[plain.uid]))
    assert not AuditEvent.objects.filter(object_id=str(plain.pk), action="planned_item.view")


@pytest.mark.parametrize("role", ["team_leader", "office", "trainer", "outsider"])
def test_nobody_else_downloads_an_items_file(cast, client_as, role):
    item = _item(cast.employee.user, kind="consult", title=SECRET, confidential=True)
    response = client_as(role).get(reverse("notifications:item_ics", args=[item.uid]))
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


# --- The outbox (programme office) ----------------------------------------------------------


def _message(user, subject, *, confidential=False, status=MailStatus.QUEUED, **fields):
    return OutboxMessage.objects.create(
        recipient=user,
        to_email=user.email,
        subject=subject,
        body_text=f"{subject}\n\nbody",
        confidential=confidential,
        status=status,
        **fields,
    )


def test_the_office_sees_waiting_and_failed_mail_but_nothing_of_confidential_mail(cast, client_as):
    _message(cast.team_leader.user, "Intervisie verplaatst", attempts=2, last_error="timeout")
    _message(cast.team_leader.user, "Verstuurd", status=MailStatus.SENT, sent_at=timezone.now())
    secret_person = cast.outsider.user
    _message(secret_person, SECRET, confidential=True)
    _message(
        secret_person,
        f"Afspraak: {SECRET}",
        confidential=True,
        status=MailStatus.FAILED,
        attempts=8,
        last_error=f"550 <{secret_person.email}>: unknown",
    )

    response = client_as("office").get(reverse("notifications:outbox"))

    page = response.content.decode()
    assert "Intervisie verplaatst" in page and cast.team_leader.user.email in page
    assert "timeout" in page
    assert "Moeilijk gesprek" not in page
    assert secret_person.email not in page
    assert cast.outsider.full_name not in page
    assert response.context["summary"] == {
        "waiting": 1,
        "failed": 0,
        "sent_last_week": 1,
        "confidential_waiting": 1,
        "confidential_failed": 1,
    }
    # One confidential message shows as "fewer than 5", exactly as none would.
    assert response.context["confidential_waiting"] == gettext("fewer than %(count)s") % {
        "count": 5
    }


def test_try_again_sends_waiting_and_failed_mail_and_is_audited(cast, client_as, mailoutbox):
    later = timezone.now() + dt.timedelta(hours=3)
    waiting = _message(cast.team_leader.user, "Wacht", attempts=3, next_attempt_at=later)
    failed = _message(cast.employee.user, SECRET, confidential=True, status=MailStatus.FAILED)

    response = client_as("office").post(reverse("notifications:outbox_retry"))

    assert response.status_code == 302
    assert {m.subject for m in mailoutbox} == {"Wacht", SECRET}
    waiting.refresh_from_db()
    failed.refresh_from_db()
    assert waiting.status == failed.status == MailStatus.SENT
    event = AuditEvent.objects.get(action="outbox.retry")
    assert event.actor == cast.office
    assert event.changes == {"failed_retried": 1, "waiting_made_due": 1}


def test_try_again_leaves_a_message_alone_that_is_being_sent(cast, client_as, mailoutbox):
    # A sender claimed it a moment ago (next_attempt_at = now + SEND_LEASE).
    from navolging.notifications.services import SEND_LEASE

    claimed = _message(
        cast.team_leader.user, "Wordt verstuurd", next_attempt_at=timezone.now() + SEND_LEASE
    )
    client_as("office").post(reverse("notifications:outbox_retry"))
    claimed.refresh_from_db()
    assert claimed.status == MailStatus.QUEUED and not mailoutbox
