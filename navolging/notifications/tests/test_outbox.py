"""A mail server that is down never breaks the action; the outbox retries (SECURITY R21)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from smtplib import SMTPException
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from navolging.notifications import services
from navolging.notifications.models import ItemKind, MailStatus, OutboxMessage, PlannedItem

from .helpers import at, ics_of

SERVER_DOWN = mock.patch(
    "django.core.mail.backends.locmem.EmailBackend.send_messages",
    side_effect=SMTPException("451 try again later"),
)


def plan(cast):
    return services.item_plan(
        kind=ItemKind.FOLLOWUP,
        title="Terugkomdag",
        description="Neem het werkboek mee",
        starts_at=at(10, 14),
        ends_at=at(10, 16),
        attendees=[cast.employee.user],
        by=cast.office,
    )


def test_notify_writes_the_outbox_and_sends_after_commit(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan(cast)
    assert mailoutbox == []  # nothing leaves before the commit
    message = OutboxMessage.objects.get()
    assert message.status == MailStatus.QUEUED
    assert message.ics_method == "REQUEST"

    for callback in callbacks:
        callback()

    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at is not None) == (
        MailStatus.SENT,
        1,
        True,
    )
    assert len(mailoutbox) == 1


def test_a_server_that_is_down_leaves_the_item_and_a_queued_message(
    cast, mailoutbox, django_capture_on_commit_callbacks, caplog
):
    with SERVER_DOWN, django_capture_on_commit_callbacks(execute=True):
        item = plan(cast)

    assert PlannedItem.objects.filter(pk=item.pk).exists()
    message = OutboxMessage.objects.get()
    assert message.status == MailStatus.QUEUED
    assert message.attempts == 1
    assert message.last_error == "SMTPException: 451 try again later"
    assert message.next_attempt_at > timezone.now()
    assert "werkboek" not in caplog.text and "Terugkomdag" not in caplog.text
    assert mailoutbox == []

    OutboxMessage.objects.update(next_attempt_at=timezone.now())  # the backoff has passed
    call_command("send_mail_queue", stdout=(out := StringIO()))

    message.refresh_from_db()
    assert message.status == MailStatus.SENT
    assert message.attempts == 2
    assert "1 sent" in out.getvalue()
    assert ics_of(mailoutbox[0])["method"] == "REQUEST"


def test_the_queue_waits_for_the_backoff(cast, mailoutbox, django_capture_on_commit_callbacks):
    with SERVER_DOWN, django_capture_on_commit_callbacks(execute=True):
        plan(cast)

    call_command("send_mail_queue", stdout=StringIO())

    assert mailoutbox == []
    assert OutboxMessage.objects.get().attempts == 1


@override_settings(MAIL_MAX_ATTEMPTS=3)
def test_it_gives_up_after_max_attempts_with_growing_waits(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    with SERVER_DOWN, django_capture_on_commit_callbacks(execute=True):
        plan(cast)
    message = OutboxMessage.objects.get()
    waits = []
    now = timezone.now()
    with SERVER_DOWN:
        for _ in range(2):
            now = message.next_attempt_at
            services.outbox_deliver(messages=services.outbox_due(now=now), now=now)
            message.refresh_from_db()
            if message.next_attempt_at:
                waits.append(message.next_attempt_at - now)

    assert message.status == MailStatus.FAILED
    assert message.attempts == 3
    assert message.next_attempt_at is None
    assert waits == [dt.timedelta(minutes=10)]
    assert list(services.outbox_due(now=now + dt.timedelta(days=7))) == []


def test_one_message_is_not_sent_twice(cast, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan(cast)
    stale = list(OutboxMessage.objects.all())  # read by a cron run at the same moment

    for callback in callbacks:
        callback()
    services.outbox_deliver(messages=stale)

    assert len(mailoutbox) == 1


def test_notify_works_for_any_instrument(cast, mailoutbox, django_capture_on_commit_callbacks):
    # A plain mail without an item, rendered in the recipient's language.
    english = cast.trainer
    english.language = "en"
    english.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(user=english, template="digest", context={"entries": []})

    assert mailoutbox[0].subject == "Your changes of this week"
    assert mailoutbox[0].to == [english.email]
    assert ics_of(mailoutbox[0]) is None


def test_an_unreachable_server_ends_the_run(cast, mailoutbox):
    plan(cast)
    plan(cast)  # no on_commit here: both wait in the outbox
    unreachable = mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=ConnectionRefusedError(111, "Connection refused"),
    )

    with unreachable:
        assert services.outbox_deliver(messages=list(services.outbox_due())) == 0

    tried, untouched = OutboxMessage.objects.order_by("pk")
    assert (tried.attempts, untouched.attempts) == (1, 0)
    assert tried.last_error.startswith("ConnectionRefusedError")
