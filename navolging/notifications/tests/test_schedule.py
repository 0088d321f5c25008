"""Reminders, the weekly digest and each person's choices."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from navolging.notifications import services
from navolging.notifications.models import (
    Attendance,
    DigestEntry,
    ItemKind,
    MailMode,
    NotificationPreference,
    OutboxMessage,
    PlannedItem,
)

from .helpers import at, ics_of

SECRET = "GEHEIM-ontslagdossier-Zr4"


def plan(cast, *, attendees, days=10, **extra):
    values = {
        "kind": ItemKind.FOLLOWUP,
        "title": "Terugkomdag",
        "starts_at": at(days, 14),
        "ends_at": at(days, 16),
        "attendees": attendees,
        "by": cast.office,
    }
    return services.item_plan(**{**values, **extra})


def choose(user, **choices):
    NotificationPreference.objects.update_or_create(user=user, defaults=choices)


# --- Reminders


def test_a_reminder_goes_once_reminder_days_before(
    cast, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_DAYS = 2
    with django_capture_on_commit_callbacks(execute=True):  # planned and sent earlier
        item = plan(cast, attendees=[cast.employee.user, cast.team_leader.user])
    mailoutbox.clear()

    assert services.reminders_send(now=item.starts_at - dt.timedelta(days=3)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.reminders_send(now=item.starts_at - dt.timedelta(days=2))
        again = services.reminders_send(now=item.starts_at - dt.timedelta(days=1))

    assert (sent, again) == (2, 0)
    assert len(mailoutbox) == 2
    assert mailoutbox[0].subject.startswith("Herinnering: Terugkomdag op ")
    assert ics_of(mailoutbox[0]) is None
    assert Attendance.objects.filter(reminded_at__isnull=True).count() == 0


def test_the_command_reminds_and_running_it_twice_sends_one_mail(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # planned and sent earlier
        item = plan(cast, attendees=[cast.employee.user], days=10)
    soon = timezone.now() + dt.timedelta(hours=30)
    PlannedItem.objects.filter(pk=item.pk).update(starts_at=soon)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=(first := StringIO()))
        call_command("send_reminders", stdout=(second := StringIO()))

    assert "1 reminders" in first.getvalue() and "0 reminders" in second.getvalue()
    assert len(mailoutbox) == 1


def test_no_reminder_for_a_cancelled_item(cast, mailoutbox):
    item = plan(cast, attendees=[cast.employee.user])
    services.item_cancel(item=item, by=cast.office)

    assert services.reminders_send(now=item.starts_at - dt.timedelta(days=1)) == 0


def test_a_moved_item_is_reminded_of_again(cast):
    item = plan(cast, attendees=[cast.employee.user])
    services.reminders_send(now=item.starts_at - dt.timedelta(days=1))
    services.item_move(item=item, starts_at=at(20, 9), ends_at=at(20, 10), by=cast.office)

    assert services.reminders_send(now=at(19, 9)) == 1


def test_an_invite_inside_the_reminder_window_is_the_reminder(cast, settings):
    settings.REMINDER_DAYS = 2
    plan(cast, attendees=[cast.employee.user], days=1)

    assert services.reminders_send() == 0


# --- Preferences


def test_with_invites_off_a_person_gets_a_plain_notice(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    choose(cast.employee.user, invites=False)
    with django_capture_on_commit_callbacks(execute=True):
        item = plan(cast, attendees=[cast.employee.user])
        services.item_move(item=item, starts_at=at(11, 9), ends_at=at(11, 10), by=cast.office)

    assert [m.subject for m in mailoutbox] == ["Nieuw: Terugkomdag", "Gewijzigd: Terugkomdag"]
    assert all(ics_of(m) is None for m in mailoutbox)
    assert OutboxMessage.objects.exclude(ics="").count() == 0


def test_obligations_always_send_their_invite(cast, mailoutbox, django_capture_on_commit_callbacks):
    choose(cast.employee.user, invites=False, mail_mode=MailMode.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        plan(
            cast,
            kind=ItemKind.INTERVISION,
            title="",
            obligation=True,
            attendees=[cast.employee.user],
        )

    assert len(mailoutbox) == 1
    assert ics_of(mailoutbox[0])["method"] == "REQUEST"
    assert mailoutbox[0].subject == "Uitnodiging: Intervisiebijeenkomst"
    assert DigestEntry.objects.count() == 0


# --- The weekly digest


def test_weekly_people_get_one_digest_of_their_changes(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    weekly = cast.employee.user
    choose(weekly, mail_mode=MailMode.WEEKLY)
    english = cast.trainer
    english.language = "en"
    english.save(update_fields=["language"])
    choose(english, mail_mode=MailMode.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):
        first = plan(cast, attendees=[weekly, english, cast.team_leader.user], title="Dag één")
        services.item_move(item=first, starts_at=at(12, 9), ends_at=at(12, 10), by=cast.office)
        plan(cast, attendees=[weekly], title="Dag twee", days=14)
        gone = plan(cast, attendees=[weekly], title="Dag drie", days=15)
        services.item_cancel(item=gone, by=cast.office)
    # Only the team leader, who mails per change, had mail: an invite and an update.
    assert {m.to[0] for m in mailoutbox} == {cast.team_leader.user.email}
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_digest", stdout=(out := StringIO()))
        again = services.digest_send()

    assert "2 digests" in out.getvalue() and again == 0
    by_person = {m.to[0]: m for m in mailoutbox}
    dutch = by_person[weekly.email]
    assert dutch.subject == "Uw wijzigingen van deze week"
    assert "Nieuw: Dag één" in dutch.body and "Nieuw: Dag twee" in dutch.body
    assert "Dag drie" not in dutch.body  # planned and cancelled before they ever heard of it
    assert dutch.body.index("Dag één") < dutch.body.index("Dag twee")
    assert by_person[english.email].subject == "Your changes of this week"
    assert "New: Dag één" in by_person[english.email].body
    assert DigestEntry.objects.filter(sent_at__isnull=True).count() == 0


def test_a_digest_shows_confidential_items_neutrally(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    choose(cast.employee.user, mail_mode=MailMode.WEEKLY)
    with django_capture_on_commit_callbacks(execute=True):  # planned and sent earlier
        item = plan(
            cast,
            kind=ItemKind.CONSULT,
            title=SECRET,
            description=SECRET,
            confidential=True,
            attendees=[cast.employee.user, cast.trainer],
        )
        services.digest_send()  # the entry for "planned"
        services.item_move(item=item, starts_at=at(11, 9), ends_at=at(11, 10), by=cast.trainer)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert services.digest_send() == 1

    digest = mailoutbox[0]
    assert "Gewijzigd: Afspraak" in digest.body
    assert SECRET not in digest.body + digest.subject + digest.alternatives[0].content
    assert OutboxMessage.objects.filter(status="sent").latest("pk").confidential
